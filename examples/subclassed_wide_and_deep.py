"""The Subclassing API: the same Wide & Deep model with an auxiliary output, written as a `Model` subclass.

The layers are created in the constructor, and `call()` is plain Python run on every batch (loops, ifs, any
operation), at a price: the architecture is hidden in code, so Keras cannot inspect it (`summary()` lists the layers
but not how they connect) or save it as a configuration (save the weights instead).

Run: python examples/subclassed_wide_and_deep.py                  (10 epochs, as in the book)
     NEURONET_FAST=1 python examples/subclassed_wide_and_deep.py   (2 epochs on 2,000 rows)
"""
import numpy as np
from _common import epochs, load_housing, output_path, summary

import neuronet as keras

keras.utils.set_random_seed(42)
X_train, X_valid, X_test, y_train, y_valid, y_test = load_housing()
X_train_A, X_train_B = X_train[:, :5], X_train[:, 2:]
X_valid_A, X_valid_B = X_valid[:, :5], X_valid[:, 2:]
X_test_A, X_test_B = X_test[:, :5], X_test[:, 2:]
X_new_A, X_new_B = X_test_A[:3], X_test_B[:3]


class WideAndDeepModel(keras.models.Model):
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
        main_output = self.main_output(concat)
        aux_output = self.aux_output(hidden2)
        return main_output, aux_output


model = WideAndDeepModel(30, activation="relu")
model.compile(loss="mse", loss_weights=[0.9, 0.1], optimizer=keras.optimizers.SGD(learning_rate=1e-3))
history = model.fit((X_train_A, X_train_B), (y_train, y_train), epochs=epochs(10, fast=2),
                    validation_data=((X_valid_A, X_valid_B), (y_valid, y_valid)))
total_loss, main_loss, aux_loss = model.evaluate((X_test_A, X_test_B), (y_test, y_test))
y_pred_main, y_pred_aux = model.predict((X_new_A, X_new_B), verbose=0)
model.summary()

# A subclassed model saves its weights; to restore, build the same class and load them.
weights_path = output_path("my_wide_and_deep.weights.h5")
model.save_weights(weights_path)
restored = WideAndDeepModel(30, activation="relu")
restored((X_new_A, X_new_B))  # one call creates the weights, then they can be loaded
restored.load_weights(weights_path)
same = np.allclose(restored.predict((X_new_A, X_new_B), verbose=0)[0], y_pred_main)

print("main predictions:", y_pred_main.ravel().round(2), "actual:", y_test[:3].round(2))
print(f"weights saved to {weights_path}; restored model predicts the same: {same}")
print(f"test total loss: {total_loss:.4f}, main MSE: {main_loss:.4f}, auxiliary MSE: {aux_loss:.4f}")
summary(f"`test total loss: {total_loss:.4f}, main MSE: {main_loss:.4f}, auxiliary MSE: {aux_loss:.4f}`; "
        f"weights saved and restored into a new instance: same predictions: {same}")
