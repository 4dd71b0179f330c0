"""What every optimizer shares: learning rate, iterations, clipping, weight decay, filtering, state, config."""
import warnings

import numpy as np
import pytest

from neuronet import optimizers
from neuronet.autodiff import Tensor, grad
from neuronet.optimizers import schedules
from neuronet.variables import Variable

ALL = [optimizers.SGD, optimizers.Adam, optimizers.RMSprop, optimizers.Adagrad, optimizers.Nadam]


def _sgd_step(grads, values, **kwargs):
    """Applies one SGD(lr=1) step to fresh variables holding `values`; returns the change (= -update)."""
    variables = [Variable(np.asarray(v, dtype="float32"), name=f"v{i}") for i, v in enumerate(values)]
    optimizers.SGD(learning_rate=1.0, **kwargs).apply([np.asarray(g, dtype="float32") for g in grads], variables)
    return [v.numpy() - np.asarray(w, dtype="float32") for v, w in zip(variables, values)]


# --- clipping and weight decay ------------------------------------------------------------------------
def test_clipnorm_clips_each_gradient_by_its_own_norm():
    small, large = _sgd_step([[0.3, 0.4], [3.0, 4.0]], [[0.0, 0.0], [0.0, 0.0]], clipnorm=1.0)
    np.testing.assert_allclose(small, [-0.3, -0.4], rtol=1e-6)  # norm 0.5 <= 1: unchanged
    np.testing.assert_allclose(large, [-0.6, -0.8], rtol=1e-6)  # norm 5 -> 1


def test_global_clipnorm_scales_all_gradients_together():
    a, b = _sgd_step([[3.0, 0.0], [0.0, 4.0]], [[0.0, 0.0], [0.0, 0.0]], global_clipnorm=1.0)
    np.testing.assert_allclose(np.concatenate([a, b]), [-0.6, 0.0, 0.0, -0.8], rtol=1e-6)
    unchanged = _sgd_step([[0.3, 0.0], [0.0, 0.4]], [[0.0, 0.0], [0.0, 0.0]], global_clipnorm=1.0)
    np.testing.assert_allclose(np.concatenate(unchanged), [-0.3, 0.0, 0.0, -0.4], rtol=1e-6)


def test_global_clipnorm_with_non_finite_norm_gives_nan_like_keras():
    (delta,) = _sgd_step([[np.inf, 1.0]], [[0.0, 0.0]], global_clipnorm=1.0)
    assert np.isnan(delta).all()


def test_clipvalue_clips_elementwise():
    (delta,) = _sgd_step([[-5.0, 0.2, 3.0]], [[0.0, 0.0, 0.0]], clipvalue=0.5)
    np.testing.assert_allclose(delta, [0.5, -0.2, -0.5], rtol=1e-6)


def test_only_one_clipping_argument_allowed():
    with pytest.raises(ValueError, match="Only one of"):
        optimizers.SGD(clipnorm=1.0, clipvalue=1.0)


def test_weight_decay_is_decoupled_and_applied_before_the_update():
    w = Variable(np.array([2.0, -4.0]), name="kernel")
    optimizers.SGD(learning_rate=0.1, weight_decay=0.5).apply([np.array([1.0, 1.0], "float32")], [w])
    # w - w * wd * lr, then w - lr * g
    np.testing.assert_allclose(w.numpy(), [2.0 * 0.95 - 0.1, -4.0 * 0.95 - 0.1], rtol=1e-6)


def test_exclude_from_weight_decay_by_variable_and_name():
    kernel, bias, other = Variable(np.ones(2), name="kernel"), Variable(np.ones(2), name="bias"), Variable(
        np.ones(2), name="other")
    opt = optimizers.SGD(learning_rate=0.1, weight_decay=1.0)
    opt.exclude_from_weight_decay(var_list=[other], var_names=["bias"])
    zeros = np.zeros(2, "float32")
    opt.apply([zeros, zeros, zeros], [kernel, bias, other])
    np.testing.assert_allclose(kernel.numpy(), [0.9, 0.9], rtol=1e-6)
    np.testing.assert_array_equal(bias.numpy(), [1.0, 1.0])
    np.testing.assert_array_equal(other.numpy(), [1.0, 1.0])
    with pytest.raises(ValueError, match="before the optimizer is built"):
        opt.exclude_from_weight_decay(var_names=["kernel"])


# --- dtype, in-place updates, gradient handling ------------------------------------------------------
@pytest.mark.parametrize("cls", ALL)
def test_float32_preserved_and_updated_in_place(cls):
    w = Variable(np.ones((3, 2)), name="w")
    buffer = w.data
    opt = cls(learning_rate=0.1)
    for g in (np.ones((3, 2), "float64"), Tensor(np.ones((3, 2), "float32")), np.ones((3, 2), "float32").tolist()):
        opt.apply([g], [w])  # float64 arrays, Tensors and lists are all accepted
    assert w.data is buffer and w.dtype == np.float32
    assert all(v.dtype == np.float32 for v in opt.variables[1:])
    assert opt.iterations.dtype == np.int64 and int(opt.iterations.numpy()) == 3


def test_none_gradients_are_skipped_with_a_warning():
    a, b = Variable(np.ones(2), name="a"), Variable(np.ones(2), name="b")
    opt = optimizers.SGD(learning_rate=1.0)
    with pytest.warns(UserWarning, match=r"Gradients do not exist for variables \['b'\]"):
        opt.apply([np.ones(2, "float32"), None], [a, b])
    np.testing.assert_array_equal(a.numpy(), [0.0, 0.0])
    np.testing.assert_array_equal(b.numpy(), [1.0, 1.0])
    with pytest.raises(ValueError, match="No gradients provided"):
        opt.apply([None, None], [a, b])


def test_unknown_variable_and_bad_shapes_raise():
    a, b = Variable(np.ones(2), name="a"), Variable(np.ones(2), name="b")
    opt = optimizers.Adam()
    opt.apply([np.ones(2, "float32")], [a])
    with pytest.raises(ValueError, match="Unknown variable"):
        opt.apply([np.ones(2, "float32")], [b])
    with pytest.raises(ValueError, match="has shape"):
        opt.apply([np.ones(3, "float32")], [a])
    with pytest.raises(ValueError, match="2 gradients for 1 variables"):
        opt.apply([np.ones(2, "float32")] * 2, [a])
    with pytest.raises(ValueError, match="must already be built"):
        optimizers.Adam().apply([np.ones(2, "float32")])


def test_apply_without_variables_and_apply_gradients():
    a = Variable(np.ones(2), name="a")
    opt = optimizers.SGD(learning_rate=0.5)
    opt.build([a])
    opt.apply([np.ones(2, "float32")])
    result = opt.apply_gradients(zip([np.ones(2, "float32")], [a]))
    np.testing.assert_array_equal(a.numpy(), [0.0, 0.0])
    assert result is opt.iterations and int(result.numpy()) == 2


# --- learning rate ------------------------------------------------------------------------------------
def test_lr_alias_and_unknown_keyword():
    assert optimizers.SGD(lr=1e-3).learning_rate == pytest.approx(1e-3)
    assert optimizers.Adam(lr=0.5).get_config()["learning_rate"] == 0.5
    with pytest.raises(TypeError, match=r"\['bogus'\].*Valid arguments are: \['learning_rate', 'beta_1'"):
        optimizers.Adam(bogus=1)


def test_legacy_decay_is_ignored_with_a_warning_like_keras_3():
    with pytest.warns(UserWarning, match="decay"):
        optimizers.SGD(decay=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        optimizers.SGD(decay=0.0)


def test_learning_rate_is_a_settable_float():
    opt = optimizers.SGD(learning_rate=0.1)
    assert isinstance(opt.learning_rate, float) and opt.learning_rate == pytest.approx(0.1)
    opt.learning_rate = 0.5
    assert opt.learning_rate == 0.5 and opt.get_config()["learning_rate"] == 0.5
    opt.learning_rate.assign(0.25)  # Keras 3 Variable idiom
    assert opt.learning_rate.numpy() == np.float32(0.25) and opt.lr == 0.25
    opt.lr = opt.learning_rate * 2
    assert opt.learning_rate == 0.5
    w = Variable(np.ones(1), name="w")
    opt.apply([np.ones(1, "float32")], [w])
    np.testing.assert_allclose(w.numpy(), [0.5])


def test_invalid_learning_rate_raises():
    with pytest.raises(ValueError, match="learning_rate"):
        optimizers.Adam(learning_rate="fast")


def test_optimizer_uses_the_scheduled_rate_at_each_iteration():
    schedule = schedules.PiecewiseConstantDecay([1, 3], [1.0, 0.5, 0.1])
    opt = optimizers.SGD(learning_rate=schedule)
    w = Variable(np.zeros(1), name="w")
    deltas, rates = [], []
    for _ in range(5):
        rates.append(float(opt.learning_rate))
        before = float(w.data[0])
        opt.apply([np.ones(1, "float32")], [w])
        deltas.append(before - float(w.data[0]))
    np.testing.assert_allclose(rates, [1.0, 1.0, 0.5, 0.5, 0.1], rtol=1e-6)
    np.testing.assert_allclose(deltas, rates, rtol=1e-6)
    assert [v.name for v in opt.variables] == ["iteration"]  # no learning_rate variable with a schedule
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate = 0.1


def test_callable_learning_rate_and_switching_back_to_a_float():
    opt = optimizers.SGD(learning_rate=lambda: 0.2, momentum=0.5)
    w = Variable(np.zeros(1), name="w")
    opt.apply([np.ones(1, "float32")], [w])
    np.testing.assert_allclose(w.numpy(), [-0.2])
    opt.learning_rate = 0.3
    assert [v.name for v in opt.variables] == ["iteration", "learning_rate", "w_momentum"]


# --- variables, state, config -------------------------------------------------------------------------
def test_set_weights_get_weights_and_tf_keras_layout():
    w = Variable(np.ones(2), name="w")
    opt = optimizers.Adam()
    with pytest.raises(ValueError, match="not yet been built"):
        opt.set_weights([])
    opt.apply([np.ones(2, "float32")], [w])
    weights = opt.get_weights()
    assert [np.shape(x) for x in weights] == [(), (), (2,), (2,)]
    fresh = optimizers.Adam()
    fresh.build([w])
    fresh.set_weights(weights)
    for a, b in zip(fresh.get_weights(), weights):
        np.testing.assert_array_equal(a, b)
    fresh.set_weights([np.array(7)] + weights[2:])  # tf.keras 2 lists have no learning_rate
    assert int(fresh.iterations.numpy()) == 7 and fresh.learning_rate == pytest.approx(0.001)
    with pytest.raises(ValueError, match="has 4 variables, but received 1"):
        fresh.set_weights(weights[:1])


def test_save_and_load_own_variables():
    w = Variable(np.ones(2), name="w")
    opt = optimizers.RMSprop()
    opt.apply([np.ones(2, "float32")], [w])
    store = {}
    opt.save_own_variables(store)
    restored = optimizers.RMSprop()
    restored.build([w])
    restored.load_own_variables(store)
    assert int(restored.iterations.numpy()) == 1
    np.testing.assert_array_equal(restored.variables[2].numpy(), opt.variables[2].numpy())


OPTIONS = {
    optimizers.SGD: {"momentum": 0.9, "nesterov": True},
    optimizers.Adam: {"beta_1": 0.8, "amsgrad": True},
    optimizers.RMSprop: {"rho": 0.8, "momentum": 0.5, "centered": True},
    optimizers.Adagrad: {"initial_accumulator_value": 0.2},
    optimizers.Nadam: {"beta_2": 0.99},
}


@pytest.mark.parametrize("cls", ALL)
def test_config_round_trip(cls):
    opt = cls(learning_rate=0.5, weight_decay=0.01, clipnorm=1.0, name="custom", **OPTIONS[cls])
    config = opt.get_config()
    clone = cls.from_config(config)
    assert clone.get_config() == config and type(clone) is cls
    scheduled = cls(learning_rate=schedules.ExponentialDecay(0.1, 10, 0.5), **OPTIONS[cls])
    config = scheduled.get_config()
    assert config["learning_rate"] == {"class_name": "ExponentialDecay", "config": {
        "initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5, "staircase": False,
        "name": "ExponentialDecay"}}
    clone = cls.from_config(config)
    assert isinstance(clone._learning_rate, schedules.ExponentialDecay)
    assert clone.get_config() == config


def test_from_config_accepts_tf_keras_keys():
    config = {"name": "Adam", "learning_rate": 0.001, "decay": 0.0, "beta_1": 0.9, "beta_2": 0.999,
              "epsilon": 1e-07, "amsgrad": False, "jit_compile": True, "is_legacy_optimizer": False}
    assert optimizers.Adam.from_config(config).name == "Adam"


# --- loss scaling, gradient accumulation, EMA ---------------------------------------------------------
def test_loss_scale_factor_unscales_gradients():
    w = Variable(np.zeros(1), name="w")
    opt = optimizers.SGD(learning_rate=1.0, loss_scale_factor=4.0)
    assert opt.scale_loss(2.0) == 8.0
    opt.apply([np.array([8.0], "float32")], [w])
    np.testing.assert_allclose(w.numpy(), [-2.0])


def test_gradient_accumulation_updates_every_n_steps_with_the_mean():
    w = Variable(np.zeros(1), name="w")
    opt = optimizers.SGD(learning_rate=1.0, gradient_accumulation_steps=2)
    opt.apply([np.array([1.0], "float32")], [w])
    np.testing.assert_array_equal(w.numpy(), [0.0])
    opt.apply([np.array([3.0], "float32")], [w])
    np.testing.assert_allclose(w.numpy(), [-2.0])
    assert int(opt.iterations) == 1 and int(opt._iterations.numpy()) == 2
    np.testing.assert_array_equal(opt.variables[2].numpy(), [0.0])  # accumulator reset
    with pytest.raises(ValueError, match="gradient_accumulation_steps"):
        optimizers.SGD(gradient_accumulation_steps=1)


def test_ema_tracks_weights_and_finalize_overwrites():
    w = Variable(np.zeros(1), name="w")
    opt = optimizers.SGD(learning_rate=1.0, use_ema=True, ema_momentum=0.5)
    opt.apply([np.array([-2.0], "float32")], [w])  # w = 2; first step: average = w
    opt.apply([np.array([-2.0], "float32")], [w])  # w = 4; average = 0.5 * 2 + 0.5 * 4
    np.testing.assert_allclose(opt.variables[2].numpy(), [3.0])
    opt.finalize_variable_values([w])
    np.testing.assert_allclose(w.numpy(), [3.0])
    assert opt.variables[2].name == "w_average"


# --- convergence --------------------------------------------------------------------------------------
@pytest.mark.parametrize("cls, learning_rate, steps", [
    (optimizers.SGD, 0.1, 100), (optimizers.Adam, 0.1, 300), (optimizers.RMSprop, 0.01, 600),
    (optimizers.Adagrad, 1.0, 300), (optimizers.Nadam, 0.1, 300)])
def test_minimizes_a_quadratic(cls, learning_rate, steps):
    w = Variable(np.array([0.0, 1.0, -2.0]), name="w")
    opt = cls(learning_rate=learning_rate)
    for _ in range(steps):
        diff = w - 3.0
        (g,) = grad((diff * diff).sum(), [w])  # f(w) = ||w - 3||^2
        opt.apply([g], [w])
    np.testing.assert_allclose(w.numpy(), [3.0, 3.0, 3.0], atol=0.05)
