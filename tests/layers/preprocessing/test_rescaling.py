import numpy as np
import pytest

import neuronet as keras
from neuronet import layers
from neuronet.testing import run_layer_test


def test_run_layer_test():
    run_layer_test(layers.Rescaling, init_kwargs={"scale": 0.5, "offset": -1.0}, input_shape=(2, 3),
                   expected_output_shape=(2, 3))
    run_layer_test(layers.Rescaling, init_kwargs={"scale": [1.0, 2.0, 3.0]}, input_shape=(2, 4, 3),
                   expected_output_shape=(2, 4, 3))


def test_pixels_to_unit_range_and_minus_one_to_one():
    pixels = np.array([[0, 51, 255]], dtype="uint8")
    np.testing.assert_allclose(layers.Rescaling(1.0 / 255)(pixels).numpy(), [[0.0, 0.2, 1.0]], rtol=1e-6)
    np.testing.assert_allclose(layers.Rescaling(1.0 / 127.5, offset=-1)(pixels).numpy(), [[-1.0, -0.6, 1.0]],
                               rtol=1e-6)


def test_in_a_model_and_saved(tmp_path):
    model = keras.Sequential([keras.Input((3,)), layers.Rescaling(2.0, offset=1.0)])
    model.save(tmp_path / "r.keras")
    np.testing.assert_allclose(keras.models.load_model(tmp_path / "r.keras").predict(np.ones((1, 3)), verbose=0),
                               [[3.0, 3.0, 3.0]])


def test_bad_scale():
    with pytest.raises(ValueError, match="`scale` must be a finite number"):
        layers.Rescaling("half")
    with pytest.raises(ValueError, match="`offset`"):
        layers.Rescaling(1.0, offset=np.nan)
