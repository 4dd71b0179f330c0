import numpy as np
import pytest

from neuronet import layers


class RunningMax(layers.PreprocessingLayer):
    def reset_state(self):
        self.maximum, self.batches = -np.inf, 0

    def update_state(self, data):
        self.maximum = max(self.maximum, float(data.max()))
        self.batches += 1

    def call(self, inputs):
        return inputs * (1.0 / self.maximum)


def test_adapt_protocol_builds_resets_updates_and_marks_adapted():
    layer = RunningMax()
    assert not layer.is_adapted
    layer.adapt(np.arange(100.0).reshape(50, 2), batch_size=10)
    assert layer.is_adapted and layer.built and layer.batches == 5 and layer.maximum == 99.0
    layer.adapt(np.ones((4, 2)))  # adapt again starts from scratch
    assert layer.maximum == 1.0 and layer.batches == 1


def test_a_subclass_must_implement_the_state_methods():
    with pytest.raises(NotImplementedError, match="reset_state"):
        layers.PreprocessingLayer().adapt(np.ones((2, 2)))


def test_adapt_refuses_what_is_not_data():
    with pytest.raises(TypeError, match="expects a NumPy array"):
        RunningMax().adapt(3.0)
    with pytest.raises(TypeError, match="numeric"):
        RunningMax().adapt(np.array([["a"], ["b"]]))
