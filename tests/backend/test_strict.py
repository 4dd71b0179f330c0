"""The strict test array module behaves as CuPy does where it matters: no implicit trip to the host."""
import numpy as np
import pytest

from neuronet.backend import strict


def test_implicit_conversion_to_numpy_is_refused():
    x = strict.asarray(np.ones(3))
    with pytest.raises(TypeError, match="Implicit conversion"):
        np.asarray(x)
    with pytest.raises(TypeError, match="Implicit conversion"):
        np.array([x, x])
    np.testing.assert_array_equal(x.get(), np.ones(3))  # the explicit way


@pytest.mark.parametrize("mix", [lambda x, h: x + h, lambda x, h: h * x, lambda x, h: strict.maximum(x, h),
                                 lambda x, h: np.concatenate([x, h]), lambda x, h: x.__setitem__(0, h[:1])])
def test_host_arrays_do_not_mix_with_device_arrays(mix):
    with pytest.raises(TypeError):
        mix(strict.asarray(np.ones(3)), np.ones(3))


def test_scalars_numpy_functions_and_in_place_updates_work():
    x = strict.asarray(np.arange(4.0))
    y = x * 2.0 + np.float32(1.0) - np.array(1.0)  # Python, NumPy scalars and 0-d arrays are scalars
    assert isinstance(y, strict.ndarray) and y.get().tolist() == [0.0, 2.0, 4.0, 6.0]
    z = np.exp(x)  # NumPy functions dispatch to the strict module, as CuPy's __array_ufunc__ does
    assert isinstance(z, strict.ndarray)
    strict.add(x, 1.0, out=x)
    x -= 1.0
    strict.add.at(x, strict.asarray(np.array([0, 0])), 1.0)
    assert x.get().tolist() == [2.0, 1.0, 2.0, 3.0]
    assert isinstance(x.sum(), strict.ndarray) and float(x.sum()) == 8.0  # reductions stay on the device


def test_host_memory_views_are_hidden():
    x = strict.asarray(np.ones(2))
    for name in ("data", "__array_interface__", "ctypes"):
        with pytest.raises(AttributeError):
            getattr(x, name)


def test_keras_ops_move_host_arrays_to_the_device():
    """`keras.ops` take NumPy arrays on a device backend, as Keras's ops convert their inputs."""
    import neuronet as keras
    from neuronet import backend

    previous = backend.backend()
    backend.set_backend("strict")
    try:
        host = np.array([[-1.0, 2.0]], dtype="float32")
        device = keras.ops.convert_to_tensor(host)
        results = [keras.ops.relu(host), keras.ops.add(host, device), keras.ops.concatenate([host, host]),
                   keras.ops.where(host > 0, device, 0.0), keras.activations.sigmoid(host)]
        assert all(isinstance(r.data, strict.ndarray) for r in results)
        assert [r.numpy().tolist() for r in results[:4]] == [[[0.0, 2.0]], [[-2.0, 4.0]], [[-1.0, 2.0]] * 2,
                                                            [[0.0, 2.0]]]
        with pytest.raises(TypeError):  # below the ops, the engine still refuses them
            keras.autodiff.primitives.add(host, device)
    finally:
        backend.set_backend(previous)
