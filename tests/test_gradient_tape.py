import numpy as np
import pytest

import neuronet as keras

_host = keras.ops.convert_to_numpy  # gradients live on the device (CuPy, strict): copied back explicitly


def _setup():
    w = keras.Variable(np.array([3.0, 1.0]), name="w")
    v = keras.Variable(np.array([2.0]), name="v")
    x = keras.ops.convert_to_tensor(np.array([1.5, -1.0], dtype="float32"))
    return w, v, x


def test_watch_accessed_variables_false_differentiates_only_watched():
    w, v, x = _setup()
    with keras.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(x)
        y = (w * x * x).sum()
    dw, dx = tape.gradient(y, [w, x])
    assert dw is None  # as tf.GradientTape: w was not watched
    np.testing.assert_allclose(_host(dx), 2 * w.numpy() * x.numpy())
    assert tape.watched_variables()[0] is x


def test_persistent_tape_and_watched_variable():
    w, v, x = _setup()
    with keras.GradientTape(persistent=True, watch_accessed_variables=False) as tape:
        tape.watch(w)
        y = (w * x).sum()
        z = (w * w).sum()
    np.testing.assert_allclose(_host(tape.gradient(y, w)), x.numpy())
    np.testing.assert_allclose(_host(tape.gradient(z, w)), 2 * w.numpy())
    with keras.GradientTape() as once:
        y = (w * x).sum()
    once.gradient(y, w)
    with pytest.raises(RuntimeError, match="persistent"):
        once.gradient(y, w)


def test_list_and_dict_targets_sum_and_nested_sources_keep_their_structure():
    w, v, x = _setup()
    with keras.GradientTape(persistent=True) as tape:
        y = (w * x).sum()
        z = v * 3.0
    grads = tape.gradient({"first": y, "second": [z]}, {"w": w, "pair": (v, w)})
    assert set(grads) == {"w", "pair"} and isinstance(grads["pair"], tuple)
    np.testing.assert_allclose(_host(grads["w"]), x.numpy())
    np.testing.assert_allclose(_host(grads["pair"][0]), [3.0])
    np.testing.assert_allclose(_host(grads["pair"][1]), x.numpy())
    np.testing.assert_allclose(_host(tape.gradient([y, (w * w).sum()], w)), x.numpy() + 2 * w.numpy())
    weighted = tape.gradient([y, z], [w, v], output_gradients=[np.float32(2.0), np.array([10.0])])
    np.testing.assert_allclose(_host(weighted[0]), 2 * x.numpy())
    np.testing.assert_allclose(_host(weighted[1]), [30.0])


def test_unconnected_gradients():
    w, v, x = _setup()
    with keras.GradientTape(persistent=True) as tape:
        y = (w * x).sum()
    assert tape.gradient(y, v) is None
    np.testing.assert_array_equal(_host(tape.gradient(y, v, unconnected_gradients="zero")), [0.0])
    with pytest.raises(ValueError, match="unconnected_gradients"):
        tape.gradient(y, v, unconnected_gradients="skip")
    with pytest.raises(ValueError, match="2 targets"):
        tape.gradient([y, y], w, output_gradients=[1.0])
