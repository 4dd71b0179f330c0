"""Wide & Deep with two inputs, each with its own Normalization layer (the current edition's version).

Features 0-4 go through the wide path, features 2-7 through the deep one; each input is standardized by a
`Normalization` layer adapted on its own columns of the training set. The model is then saved and reloaded.

Run: python examples/wide_and_deep_normalization_two_inputs.py                  (20 epochs)
     NEURONET_FAST=1 python examples/wide_and_deep_normalization_two_inputs.py   (2 epochs on 2,000 rows)
"""
import numpy as np
from _common import epochs, load_housing_raw, output_path, summary

import neuronet as keras

keras.utils.set_random_seed(42)
X_train, X_valid, X_test, y_train, y_valid, y_test = load_housing_raw()
X_train_wide, X_train_deep = X_train[:, :5], X_train[:, 2:]
X_valid_wide, X_valid_deep = X_valid[:, :5], X_valid[:, 2:]
X_test_wide, X_test_deep = X_test[:, :5], X_test[:, 2:]
X_new_wide, X_new_deep = X_test_wide[:3], X_test_deep[:3]

input_wide = keras.layers.Input(shape=[5])  # features 0 to 4
input_deep = keras.layers.Input(shape=[6])  # features 2 to 7
norm_layer_wide = keras.layers.Normalization()
norm_layer_deep = keras.layers.Normalization()
norm_wide = norm_layer_wide(input_wide)
norm_deep = norm_layer_deep(input_deep)
hidden1 = keras.layers.Dense(30, activation="relu")(norm_deep)
hidden2 = keras.layers.Dense(30, activation="relu")(hidden1)
concat = keras.layers.concatenate([norm_wide, hidden2])
output = keras.layers.Dense(1)(concat)
model = keras.Model(inputs=[input_wide, input_deep], outputs=[output])

optimizer = keras.optimizers.Adam(learning_rate=1e-3)
model.compile(loss="mse", optimizer=optimizer, metrics=["RootMeanSquaredError"])
norm_layer_wide.adapt(X_train_wide)
norm_layer_deep.adapt(X_train_deep)
history = model.fit((X_train_wide, X_train_deep), y_train, epochs=epochs(20, fast=2),
                    validation_data=((X_valid_wide, X_valid_deep), y_valid))
mse_test, rmse_test = model.evaluate((X_test_wide, X_test_deep), y_test)
y_pred = model.predict((X_new_wide, X_new_deep))

path = output_path("my_keras_model.keras")
model.save(path)
restored = keras.models.load_model(path)  # the adapted statistics are weights: they come back with the model
same = np.allclose(restored.predict((X_new_wide, X_new_deep)), y_pred)

print("predictions:", y_pred.ravel().round(2), "actual:", y_test[:3].round(2))
print(f"saved to {path}; restored model predicts the same: {same}")
print(f"test MSE: {mse_test:.4f}, test RMSE: {rmse_test:.4f}")
summary(f"two inputs, Normalization on each, Adam, {len(history.epoch)} epochs: test RMSE {rmse_test:.4f}")
