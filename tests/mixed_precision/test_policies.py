"""`keras.mixed_precision`: float16 compute, float32 master weights, on NumPy (no GPU needed)."""
import numpy as np
import pytest

import neuronet as keras
from neuronet import autodiff, backend, mixed_precision
from neuronet.autodiff import Tensor


@pytest.fixture
def mixed():
    mixed_precision.set_global_policy("mixed_float16")
    yield
    mixed_precision.set_global_policy(None)


def test_policy_dtypes_and_errors():
    policy = mixed_precision.Policy("mixed_float16")
    assert (policy.name, policy.compute_dtype, policy.variable_dtype) == ("mixed_float16", "float16", "float32")
    assert mixed_precision.DTypePolicy("float64").compute_dtype == "float64"
    assert mixed_precision.global_policy().name == "float32"
    with pytest.raises(ValueError, match="bfloat16"):
        mixed_precision.DTypePolicy("mixed_bfloat16")
    with pytest.raises(ValueError, match="mixed_float16"):
        mixed_precision.DTypePolicy("float17")


def test_global_policy_reaches_new_layers_only(mixed):
    assert mixed_precision.global_policy().name == "mixed_float16"
    layer = keras.layers.Dense(3)
    assert (layer.compute_dtype, layer.variable_dtype, layer.dtype) == ("float16", "float32", "float32")
    assert keras.layers.Dense(3, dtype="float32").compute_dtype == "float32"
    assert keras.layers.Dense.from_config(layer.get_config()).dtype_policy.name == "mixed_float16"


def test_mixed_dense_computes_in_float16_and_gives_float32_gradients(mixed):
    layer = keras.layers.Dense(4, activation="relu")
    x = np.random.default_rng(0).uniform(-1, 1, (5, 3)).astype("float32")
    out = layer(x)
    assert out.dtype == np.float16 and layer.kernel.dtype == np.float32
    grads = autodiff.grad(out.sum(), [layer.kernel, layer.bias])
    assert all(g.dtype == np.float32 for g in grads)
    mixed_precision.set_global_policy(None)
    reference = keras.layers.Dense(4, activation="relu")
    reference(x)
    reference.set_weights(layer.get_weights())
    expected = autodiff.grad(reference(Tensor(backend.asarray(x))).sum(), [reference.kernel, reference.bias])
    for got, want in zip(grads, expected):
        np.testing.assert_allclose(backend.to_numpy(got), backend.to_numpy(want), rtol=1e-2, atol=1e-2)  # float16 has ~3 significant digits


def test_fit_under_mixed_float16_scales_the_loss_and_learns(mixed):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(512, 2)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("int64")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(2),
                              keras.layers.Activation("softmax", dtype="float32")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.SGD(0.1), metrics=["accuracy"])
    assert isinstance(model.optimizer, keras.mixed_precision.LossScaleOptimizer)
    history = model.fit(x, y, epochs=10, batch_size=32, verbose=0)
    assert history.history["accuracy"][-1] > 0.9
    assert int(model.optimizer.iterations) == int(model.optimizer.step_counter) == 160  # every step loss-scaled
    assert all(w.dtype == np.float32 for w in model.get_weights())
    assert model.predict(x[:3], verbose=0).dtype == np.float32  # the last layer computes in float32
    assert model.layers[0](x[:3]).dtype == np.float16


def test_without_loss_scaling_tiny_float16_gradients_underflow(mixed):
    def tiny_loss(y_true, y_pred):  # d/dy_pred of the batch mean: 2e-7 * 1 / 8 = 2.5e-8, below float16's 6e-8
        return 1e-7 * keras.ops.mean(keras.ops.square(y_pred - y_true), axis=-1)

    x, y = np.ones((8, 1), "float32"), np.zeros((8, 1), "float32")
    changes = {}
    for scale in (False, True):
        model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, kernel_initializer="ones")])
        model.compile(loss=tiny_loss, optimizer=keras.optimizers.SGD(1000.0), auto_scale_loss=scale)
        model.fit(x, y, epochs=1, batch_size=8, verbose=0)
        changes[scale] = 1.0 - float(model.layers[0].kernel.numpy()[0, 0])
    assert changes[False] == 0.0
    assert changes[True] == pytest.approx(1000.0 * 2e-7, rel=0.01)  # lr * d(loss)/dw = lr * 8 samples * 2.5e-8
