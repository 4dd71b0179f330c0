import numpy as np
import pytest

from neuronet import activations, backend
from neuronet.autodiff import check_grads

NAMES = ["linear", "relu", "sigmoid", "tanh", "softmax", "softplus", "softsign", "elu", "selu", "leaky_relu",
         "swish", "silu", "gelu", "exponential", "hard_sigmoid", "relu6"]


@pytest.mark.parametrize("name", NAMES)
def test_activation_gradients(name):
    x = np.array([[-1.7, -0.4, 0.3, 1.1], [2.2, -2.9, 0.8, -0.05]])  # avoids kinks at 0, 3 and 6
    check_grads(activations.get(name), x)


def test_known_values():
    x = np.array([-1.0, 0.0, 2.0])  # host arrays are accepted (moved to the device), as in Keras
    assert np.allclose(activations.relu(x).numpy(), [0, 0, 2])
    assert np.allclose(activations.elu(x).numpy(), [np.exp(-1) - 1, 0, 2])
    assert np.allclose(activations.leaky_relu(x).numpy(), [-0.2, 0, 2])
    assert np.allclose(activations.hard_sigmoid(x).numpy(), [1 / 3, 0.5, 5 / 6])
    assert np.allclose(activations.gelu(np.array([1.0])).numpy(), [0.8413447])
    assert np.allclose(activations.softmax(np.array([[1.0, 1.0]])).numpy(), [[0.5, 0.5]])


def test_relu_gradient_at_zero_is_zero():
    from neuronet.autodiff import Tensor, grad

    x = Tensor(backend.asarray(np.array([0.0, 1.0])), requires_grad=True)
    assert list(backend.to_numpy(grad(activations.relu(x).sum(), [x])[0])) == [0.0, 1.0]


def test_callables_and_errors():
    fn = lambda x: x  # noqa: E731
    assert activations.get(fn) is fn
    assert activations.get(None) is activations.linear
    with pytest.raises(ValueError, match="Could not interpret activation.*'relu'"):
        activations.get("rectifier")


def test_float32_preserved():
    x = np.ones((2, 2), dtype=backend.floatx())
    for name in NAMES:
        assert activations.get(name)(x).dtype == np.float32, name


def test_heaviside_tlu_layer_forward_and_fit_refuses():
    import neuronet as keras

    tlu = keras.layers.Dense(1, activation="heaviside", kernel_initializer="ones")
    out = tlu(np.array([[1.0, -1.0], [-2.0, 0.5], [0.0, 0.0]])).numpy()
    assert out.ravel().tolist() == [1.0, 0.0, 1.0]  # heaviside(0) = 1
    model = keras.models.Sequential([keras.layers.Dense(1, activation="step", input_shape=[2], name="tlu")])
    model.compile(loss="mse", optimizer="sgd")
    with pytest.raises(ValueError, match="'tlu'.*Perceptron"):
        model.fit(np.ones((4, 2)), np.ones(4), verbose=0)
    assert model.predict(np.ones((2, 2)), verbose=0).shape == (2, 1)
