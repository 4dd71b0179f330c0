"""`keras.optimizers.schedules`: values at known steps, warmup, arrays, config round trips."""
import math

import numpy as np
import pytest

from neuronet.optimizers import schedules
from neuronet.variables import Variable


def _values(schedule, steps):
    return [float(schedule(s)) for s in steps]


def test_exponential_decay():
    schedule = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    np.testing.assert_allclose(_values(schedule, [0, 5, 10, 30]), [0.1, 0.1 * 0.5**0.5, 0.05, 0.0125], rtol=1e-6)
    stairs = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)
    np.testing.assert_allclose(_values(stairs, [0, 9, 10, 19, 20]), [0.1, 0.1, 0.05, 0.05, 0.025], rtol=1e-6)


def test_piecewise_constant_decay_boundaries_belong_to_the_earlier_interval():
    schedule = schedules.PiecewiseConstantDecay([100, 110], [1.0, 0.5, 0.1])
    np.testing.assert_allclose(_values(schedule, [0, 100, 101, 110, 111, 10**6]), [1.0, 1.0, 0.5, 0.5, 0.1, 0.1],
                               rtol=1e-6)
    with pytest.raises(ValueError, match="1 less than the length of values"):
        schedules.PiecewiseConstantDecay([1, 2], [1.0, 0.5])


def test_polynomial_decay():
    schedule = schedules.PolynomialDecay(0.1, decay_steps=10, end_learning_rate=0.01, power=0.5)
    want = [(0.1 - 0.01) * (1 - min(s, 10) / 10) ** 0.5 + 0.01 for s in (0, 4, 10, 50)]
    np.testing.assert_allclose(_values(schedule, [0, 4, 10, 50]), want, rtol=1e-6)
    cyclic = schedules.PolynomialDecay(0.1, decay_steps=10, end_learning_rate=0.0, cycle=True)
    # step 15: decay_steps becomes 20 -> (1 - 15 / 20) * 0.1
    np.testing.assert_allclose(_values(cyclic, [0, 5, 10, 15]), [0.1, 0.05, 0.0, 0.025], rtol=1e-6, atol=1e-9)
    assert schedules.PolynomialDecay(0.1, 10).end_learning_rate == 0.0001


def test_inverse_time_decay():
    schedule = schedules.InverseTimeDecay(0.1, decay_steps=2, decay_rate=0.5)
    np.testing.assert_allclose(_values(schedule, [0, 1, 4]), [0.1, 0.1 / 1.25, 0.1 / 2], rtol=1e-6)
    stairs = schedules.InverseTimeDecay(0.1, decay_steps=2, decay_rate=0.5, staircase=True)
    np.testing.assert_allclose(_values(stairs, [1, 3]), [0.1, 0.1 / 1.5], rtol=1e-6)


def test_cosine_decay_without_warmup():
    schedule = schedules.CosineDecay(0.1, decay_steps=100, alpha=0.1)
    want = [0.1 * (0.9 * 0.5 * (1 + math.cos(math.pi * min(s, 100) / 100)) + 0.1) for s in (0, 25, 50, 100, 200)]
    np.testing.assert_allclose(_values(schedule, [0, 25, 50, 100, 200]), want, rtol=1e-6)


def test_cosine_decay_with_linear_warmup_like_keras():
    schedule = schedules.CosineDecay(0.0, decay_steps=100, warmup_target=0.1, warmup_steps=10)
    # Warmup: linear from initial to target over 10 steps; then cosine from the target over 100 steps.
    np.testing.assert_allclose(_values(schedule, [0, 1, 5, 9]), [0.0, 0.01, 0.05, 0.09], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(_values(schedule, [10, 60, 110, 500]), [0.1, 0.05, 0.0, 0.0], rtol=1e-6, atol=1e-9)
    from_nonzero = schedules.CosineDecay(0.02, decay_steps=10, warmup_target=0.1, warmup_steps=4)
    np.testing.assert_allclose(float(from_nonzero(2)), 0.06, rtol=1e-6)


def test_cosine_decay_restarts():
    schedule = schedules.CosineDecayRestarts(1.0, first_decay_steps=10, t_mul=2.0, m_mul=0.5)
    # First period: 10 steps; second starts at 10 with peak 0.5 and lasts 20 steps.
    np.testing.assert_allclose(_values(schedule, [0, 5, 10, 20]), [1.0, 0.5, 0.5, 0.25], rtol=1e-5, atol=1e-7)


def test_schedules_accept_arrays_and_variables_and_return_floatx():
    schedule = schedules.ExponentialDecay(1.0, decay_steps=1, decay_rate=0.5)
    values = schedule(np.arange(4))
    assert values.dtype == np.float32 and values.shape == (4,)
    np.testing.assert_allclose(values, [1.0, 0.5, 0.25, 0.125])
    assert schedule(Variable(np.array(2), dtype="int64", trainable=False)) == np.float32(0.25)


@pytest.mark.parametrize("schedule", [
    schedules.ExponentialDecay(0.1, 10, 0.9, staircase=True),
    schedules.PiecewiseConstantDecay([10, 20], [0.1, 0.01, 0.001]),
    schedules.PolynomialDecay(0.1, 10, 0.01, power=2.0, cycle=True),
    schedules.InverseTimeDecay(0.1, 10, 0.5),
    schedules.CosineDecay(0.0, 10, alpha=0.1, warmup_target=0.1, warmup_steps=5),
    schedules.CosineDecayRestarts(0.1, 10, t_mul=1.5, m_mul=0.9, alpha=0.01)])
def test_config_round_trip(schedule):
    config = schedule.get_config()
    clone = type(schedule).from_config(config)
    assert clone.get_config() == config
    serialized = schedules.serialize(schedule)
    assert serialized == {"class_name": type(schedule).__name__, "config": config}
    restored = schedules.deserialize(serialized)
    steps = np.arange(0, 40, 3)
    np.testing.assert_array_equal(restored(steps), schedule(steps))


def test_invalid_arguments_and_unknown_names():
    with pytest.raises(ValueError, match="decay_steps"):
        schedules.ExponentialDecay(0.1, 0, 0.5)
    with pytest.raises(ValueError, match="Unknown learning rate schedule"):
        schedules.deserialize({"class_name": "Nope", "config": {}})
    with pytest.raises(NotImplementedError, match="__call__"):
        schedules.LearningRateSchedule()(0)
