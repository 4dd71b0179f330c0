import numpy as np
import pytest

import neuronet as keras
from neuronet import backend as K


def test_get_and_set_value_on_the_learning_rate_as_the_chapters_lr_finder_does():
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=1e-3))

    class ExponentialLearningRate(keras.callbacks.Callback):  # the chapter's callback, as written
        def __init__(self, factor):
            super().__init__()
            self.factor = factor
            self.rates = []

        def on_batch_end(self, batch, logs):
            self.rates.append(K.get_value(self.model.optimizer.learning_rate))
            K.set_value(self.model.optimizer.learning_rate, self.model.optimizer.learning_rate * self.factor)

    callback = ExponentialLearningRate(factor=2.0)
    model.fit(np.ones((96, 2)), np.ones((96, 1)), batch_size=32, epochs=1, verbose=0, callbacks=[callback])
    np.testing.assert_allclose(callback.rates, [1e-3, 2e-3, 4e-3], rtol=1e-6)
    assert float(model.optimizer.learning_rate) == pytest.approx(8e-3)


def test_set_value_on_a_variable_and_refusal_for_plain_numbers():
    v = keras.Variable(np.zeros(2))
    K.set_value(v, [1.0, 2.0])
    np.testing.assert_array_equal(K.get_value(v), [1.0, 2.0])
    with pytest.raises(TypeError, match="float"):
        K.set_value(0.1, 0.2)
