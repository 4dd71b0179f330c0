"""Fashion-MNIST from the real files (found through NEURONET_DATA_DIR); the network is never used."""

import urllib.error
import urllib.request

import numpy as np
import pytest

from neuronet.datasets import fashion_mnist

pytestmark = pytest.mark.requires_data("fashion-mnist")


@pytest.fixture(scope="module")
def data():
    with pytest.MonkeyPatch.context() as patch:  # a missing file fails the test instead of downloading
        patch.setattr(urllib.request, "urlopen", _offline)
        return fashion_mnist.load_data()


def _offline(url, timeout=None):
    raise urllib.error.URLError("tests do not download")


def test_shapes_and_dtypes(data):
    (x_train, y_train), (x_test, y_test) = data
    assert x_train.shape == (60000, 28, 28) and y_train.shape == (60000,)
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}


def test_labels(data):
    (_, y_train), (_, y_test) = data
    assert y_train[:10].tolist() == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]
    assert np.bincount(y_train).tolist() == [6000] * 10
    assert np.bincount(y_test).tolist() == [1000] * 10


def _mean_std(images):
    """Mean and std of the pixels from exact integer sums (x.std() would build a 376 MB float64 copy)."""
    n = images.size
    total = int(images.sum(dtype=np.int64))
    squares = int(np.square(images, dtype=np.uint16).sum(dtype=np.int64))  # 255 ** 2 fits in uint16
    mean = total / n
    return mean, (squares / n - mean**2) ** 0.5


def test_pixel_statistics(data):
    (x_train, _), (x_test, _) = data
    assert _mean_std(x_train) == pytest.approx((72.9404, 90.0212), abs=1e-4)
    assert _mean_std(x_test) == pytest.approx((73.1466, 89.8733), abs=1e-4)
    assert x_train.min() == 0 and x_train.max() == 255


def test_arrays_are_writable(data):
    (x_train, y_train), _ = data
    assert x_train.flags.writeable and y_train.flags.writeable
