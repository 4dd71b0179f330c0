"""Normalization: Keras's arguments and numbers, adapt() from arrays and batches, and its bad input."""
import warnings

import numpy as np
import pytest

import neuronet as keras
from neuronet import backend, layers
from neuronet.testing import run_layer_test

RNG = np.random.default_rng(0)
DATA = RNG.normal(loc=[1.0, -3.0, 10.0], scale=[0.5, 2.0, 4.0], size=(200, 3))


def test_run_layer_test_with_given_mean_and_variance():
    run_layer_test(layers.Normalization, init_kwargs={"mean": [0.5, 1.0, -1.0], "variance": [4.0, 1.0, 0.25]},
                   input_shape=(2, 3), expected_output_shape=(2, 3))


def test_run_layer_test_adaptable_layer_has_three_non_trainable_weights():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # never adapted: the once-per-layer warning is tested below
        run_layer_test(layers.Normalization, input_shape=(2, 3), expected_output_shape=(2, 3),
                       expected_num_non_trainable_weights=3)


def test_adapt_learns_mean_and_variance_and_standardizes():
    layer = layers.Normalization()
    layer.adapt(DATA)
    assert layer.is_adapted
    np.testing.assert_allclose(layer.adapt_mean.numpy(), DATA.mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(layer.adapt_variance.numpy(), DATA.var(axis=0), rtol=1e-6)
    assert int(layer.count.numpy()) == 200 and layer.count.dtype == np.int64
    out = layer(DATA).numpy()
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(out.std(axis=0), 1, atol=1e-5)


@pytest.mark.parametrize("batch_size, steps, rows", [(7, None, 200), (64, 2, 128), (None, 1, 32)])
def test_adapt_batch_size_and_steps_are_honoured(batch_size, steps, rows):
    layer = layers.Normalization()
    layer.adapt(DATA, batch_size=batch_size, steps=steps)
    np.testing.assert_allclose(layer.adapt_mean.numpy(), DATA[:rows].mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(layer.adapt_variance.numpy(), DATA[:rows].var(axis=0), rtol=1e-5)


def test_adapt_from_an_iterable_of_batches_and_of_x_y_pairs():
    batches = [DATA[:50], DATA[50:130], DATA[130:]]
    for data in (batches, iter(batches), ((b, np.zeros(len(b))) for b in batches)):
        layer = layers.Normalization()
        layer.adapt(data)
        np.testing.assert_allclose(layer.adapt_variance.numpy(), DATA.var(axis=0), rtol=1e-6)
    with pytest.raises(ValueError, match="batch_size"):
        layers.Normalization().adapt(iter(batches), batch_size=8)


def test_axis_none_and_multiple_axes():
    x = RNG.normal(size=(10, 4, 3))
    layer = layers.Normalization(axis=None)
    layer.adapt(x)
    assert layer.adapt_mean.shape == () and np.isclose(layer.adapt_mean.numpy(), x.mean())
    layer = layers.Normalization(axis=(1, 2))
    layer.adapt(x)
    np.testing.assert_allclose(layer.adapt_mean.numpy(), x.mean(axis=0), rtol=1e-5)
    with pytest.raises(ValueError, match="range"):
        layers.Normalization(axis=3).build((None, 4))


def test_keras_docstring_numbers():  # the examples of keras.layers.Normalization's docstring
    layer = layers.Normalization(axis=None)
    layer.adapt(np.array([1.0, 2.0, 3.0, 4.0, 5.0]))
    np.testing.assert_allclose(layer(np.array([1.0, 2.0, 3.0])).numpy(), [-1.4142135, -0.70710677, 0.0], rtol=1e-6)
    adapt_data = np.array([[0.0, 7.0, 4.0], [2.0, 9.0, 6.0], [0.0, 7.0, 4.0], [2.0, 9.0, 6.0]])
    layer = layers.Normalization(axis=-1)
    layer.adapt(adapt_data)
    np.testing.assert_allclose(layer(np.array([[0.0, 7.0, 4.0]])).numpy(), [[-1.0, -1.0, -1.0]])
    layer = layers.Normalization(mean=3.0, variance=2.0)
    np.testing.assert_allclose(layer(np.array([[1.0], [2.0], [3.0]])).numpy(), [[-1.4142135], [-0.70710677], [0.0]],
                               rtol=1e-6)
    layer = layers.Normalization(axis=-1, invert=True)
    layer.adapt(adapt_data)
    np.testing.assert_allclose(layer(np.array([[1.0, 2.0, 3.0]])).numpy(), [[2.0, 10.0, 8.0]])


def test_invert_undoes_normalization():
    forward, inverse = layers.Normalization(), layers.Normalization(invert=True)
    forward.adapt(DATA)
    inverse.adapt(DATA)
    np.testing.assert_allclose(inverse(forward(DATA)).numpy(), DATA, rtol=1e-4, atol=1e-4)


def test_trains_in_a_model_and_gradients_reach_the_inputs():
    model = keras.Sequential([layers.Normalization(input_shape=(3,)), layers.Dense(1)])
    model.layers[0].adapt(DATA)
    model.compile(optimizer="adam", loss="mse")
    assert [w.name for w in model.non_trainable_weights] == ["mean", "variance", "count"]
    before = model.layers[0].get_weights()
    model.fit(DATA, DATA[:, :1], epochs=1, verbose=0)
    for b, a in zip(before, model.layers[0].get_weights()):  # fit never changes the adapted statistics
        np.testing.assert_array_equal(a, b)


# --- bad input ------------------------------------------------------------------------------------------------
def test_used_before_adapt_warns_once_and_passes_inputs_through():
    layer = layers.Normalization()
    with pytest.warns(UserWarning, match="before `adapt\\(\\)`.*passes its inputs through unchanged"):
        out = layer(DATA)
    np.testing.assert_allclose(out.numpy(), DATA.astype("float32"))  # Keras: mean 0, variance 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        layer(DATA)  # once per layer
        adapted = layers.Normalization()
        adapted.adapt(DATA)
        adapted(DATA)


def test_symbolic_construction_and_predict_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        inputs = keras.Input(shape=(3,))
        model = keras.Model(inputs, layers.Normalization()(inputs))
        model.predict(DATA, verbose=0)


def test_adapt_on_data_of_another_width():
    layer = layers.Normalization()
    layer.adapt(DATA)
    with pytest.raises(ValueError, match=r"built with input_shape=\(None, 3\).*incompatible shape, data.shape=\(5, 4\)"):
        layer.adapt(np.ones((5, 4)))
    with pytest.raises(ValueError, match="incompatible shape"):
        layers.Normalization(input_shape=(3,)).adapt([DATA, np.ones((2, 2))])


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_adapt_refuses_nan_and_inf(bad):
    data = DATA.copy()
    data[3, 1] = bad
    layer = layers.Normalization()
    with pytest.raises(ValueError, match="1 NaN or infinite value"):
        layer.adapt(data)
    assert not layer.is_adapted


def test_adapt_refuses_empty_data_and_static_layers():
    with pytest.raises(ValueError, match="no data"):
        layers.Normalization().adapt(np.zeros((0, 3)))
    with pytest.raises(ValueError, match="no data"):
        layers.Normalization().adapt([])
    with pytest.raises(ValueError, match="Cannot `adapt` a Normalization layer that is initialized with static"):
        layers.Normalization(mean=1.0, variance=1.0).adapt(DATA)
    with pytest.raises(ValueError, match="positive integer"):
        layers.Normalization().adapt(DATA, batch_size=0)


def test_mean_and_variance_arguments_validated():
    with pytest.raises(ValueError, match="both `mean` and `variance` must be set"):
        layers.Normalization(mean=1.0)
    with pytest.raises(ValueError, match="same shape"):
        layers.Normalization(mean=[1.0, 2.0], variance=1.0)
    with pytest.raises(ValueError, match="non-negative"):
        layers.Normalization(mean=1.0, variance=-1.0)


def test_zero_variance_follows_keras():
    """A constant feature: the standard deviation is floored at epsilon (1e-7), as in Keras."""
    data = np.column_stack([np.full(10, 4.0), np.arange(10.0)])
    layer, inverse = layers.Normalization(), layers.Normalization(invert=True)
    layer.adapt(data)
    inverse.adapt(data)
    assert layer(data).numpy()[:, 0].tolist() == [0.0] * 10  # the adapted data itself maps to 0
    np.testing.assert_allclose(layer(np.array([[5.0, 0.0]])).numpy()[0, 0], 1e7, rtol=1e-5)  # Keras: (x - m) / 1e-7
    np.testing.assert_allclose(inverse(np.array([[3.0, 0.0]])).numpy()[0, 0], 4.0, rtol=1e-6)  # invert: the constant


def test_at_most_one_graph_node_per_step():
    """On data it records nothing (constants only); on a tensor that needs gradients, one fused node."""
    from neuronet.autodiff import Tensor

    layer = layers.Normalization()
    layer.adapt(DATA)
    assert not layer(Tensor(backend.asarray(DATA.astype("float32")))).requires_grad
    x = Tensor(backend.asarray(DATA.astype("float32")), requires_grad=True)
    out = layer(x)
    assert out.parents[0] is x and all(not isinstance(p, Tensor) for p in out.parents[1:])
