"""LossScaleOptimizer: unscale, skip non-finite steps, halve and grow the scale, as Keras 3."""
import numpy as np
import pytest

from neuronet import optimizers
from neuronet.mixed_precision import LossScaleOptimizer
from neuronet.variables import Variable


def test_unscales_skips_and_adjusts_the_scale():
    w = Variable(np.array([1.0, 1.0]))
    opt = LossScaleOptimizer(optimizers.SGD(learning_rate=0.5), initial_scale=8.0, dynamic_growth_steps=2)
    opt.apply([np.array([8.0, 16.0], "float32")], [w])
    np.testing.assert_allclose(w.numpy(), [0.5, 0.0])  # gradients 1 and 2 once divided by 8
    opt.apply([np.array([np.nan, 0.0], "float32")], [w])
    np.testing.assert_allclose(w.numpy(), [0.5, 0.0])  # skipped
    assert float(opt.dynamic_scale) == 4.0 and int(opt.step_counter) == 0
    for _ in range(2):
        opt.apply([np.zeros(2, "float32")], [w])
    assert float(opt.dynamic_scale) == 8.0 and int(opt.step_counter) == 0
    assert int(opt.iterations) == 3  # the inner optimizer's steps: the skipped one does not count


def test_scale_loss_and_delegation():
    inner = optimizers.Adam(learning_rate=0.01)
    opt = LossScaleOptimizer(inner)
    assert float(opt.scale_loss(2.0)) == 2.0 * 2**15
    assert opt.learning_rate == pytest.approx(0.01)
    opt.learning_rate = 0.5
    assert inner.learning_rate == pytest.approx(0.5)


def test_config_round_trip():
    opt = LossScaleOptimizer(optimizers.SGD(learning_rate=0.3), initial_scale=128.0,
                                        dynamic_growth_steps=10)
    again = optimizers.deserialize(optimizers.serialize(opt))
    assert isinstance(again, LossScaleOptimizer) and isinstance(again.inner_optimizer, optimizers.SGD)
    assert (again.initial_scale, again.dynamic_growth_steps) == (128.0, 10)
    assert again.inner_optimizer.learning_rate == pytest.approx(0.3)


@pytest.mark.parametrize("kwargs, match", [({"inner_optimizer": "sgd"}, "inner_optimizer"),
                                           ({"initial_scale": 0.0}, "initial_scale"),
                                           ({"dynamic_growth_steps": 0}, "dynamic_growth_steps"),
                                           ({"clipnorm": 1.0}, "clipnorm")])
def test_bad_arguments_are_refused(kwargs, match):
    kwargs = {"inner_optimizer": optimizers.SGD(), **kwargs}
    with pytest.raises(ValueError, match=match):
        LossScaleOptimizer(**kwargs)
