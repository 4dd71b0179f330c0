import numpy as np
import pytest

import neuronet as keras


class WideAndDeepModel(keras.Model):
    def __init__(self, units=30, activation="relu", **kwargs):
        super().__init__(**kwargs)  # handles standard args (e.g., name)
        self.hidden1 = keras.layers.Dense(units, activation=activation)
        self.hidden2 = keras.layers.Dense(units, activation=activation)
        self.main_output = keras.layers.Dense(1)
        self.aux_output = keras.layers.Dense(1)

    def call(self, inputs):
        input_A, input_B = inputs
        hidden1 = self.hidden1(input_B)
        hidden2 = self.hidden2(hidden1)
        concat = keras.layers.concatenate([input_A, hidden2])
        return self.main_output(concat), self.aux_output(hidden2)


def _data(n=200):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 8))
    return x[:, :5], x[:, 2:], x[:, 0] - x[:, 3]


def test_book_subclassed_model_trains():
    model = WideAndDeepModel(name="my_model")
    assert model.name == "my_model"
    model.compile(loss=["mse", "mse"], loss_weights=[0.9, 0.1], optimizer="sgd")
    xa, xb, y = _data()
    history = model.fit((xa, xb), (y, y), epochs=5, validation_data=((xa, xb), (y, y)), verbose=0)
    assert list(history.history)[:3] == ["loss", "output_1_loss", "output_2_loss"]
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert len(model.trainable_weights) == 8
    main, aux = model.predict((xa[:2], xb[:2]), verbose=0)
    assert main.shape == aux.shape == (2, 1)


def test_layers_in_lists_and_dicts_are_tracked_and_control_flow_works():
    class Tower(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.blocks = [keras.layers.Dense(4, activation="relu") for _ in range(3)]
            self.heads = {"out": keras.layers.Dense(1)}

        def call(self, inputs, training=None):
            x = inputs
            for i, block in enumerate(self.blocks):
                x = block(x) if i % 2 == 0 or training else x  # Python control flow
            return self.heads["out"](x)

    model = Tower()
    model.compile(loss="mse", optimizer="sgd")
    model.fit(np.ones((8, 3)), np.ones(8), epochs=1, verbose=0)
    assert len(model.layers) == 4 and len(model.trainable_weights) == 8
    lines = []
    model.summary(print_fn=lines.append)
    assert any("not shown" in line for line in lines) and "Total params: 61" in "\n".join(lines)


def test_summary_before_build_explains():
    with pytest.raises(ValueError, match="not yet been built"):
        WideAndDeepModel().summary()


def test_custom_layer_in_subclassed_model_gets_gradients():
    class Scale(keras.layers.Layer):
        def build(self, input_shape):
            self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="scale")

        def call(self, inputs):
            return keras.ops.multiply(inputs, self.scale)

    class M(keras.Model):
        def __init__(self):
            super().__init__()
            self.scale = Scale()
            self.out = keras.layers.Dense(1)

        def call(self, inputs):
            return self.out(self.scale(inputs))

    model = M()
    model.compile(loss="mse", optimizer="sgd")
    x = np.random.rand(32, 3)
    model.fit(x, x.sum(axis=1), epochs=2, verbose=0)
    assert not np.allclose(model.scale.get_weights()[0], 1.0)
