"""Wide & Deep with two Normalization-ed inputs and an auxiliary output (the current edition's code, as written).

Two outputs take two losses (weighted 0.9 / 0.1) and two targets; `evaluate` returns the weighted total, each
output's loss and each output's RMSE.

Run: python examples/wide_and_deep_normalization_aux_output.py                  (20 epochs)
     NEURONET_FAST=1 python examples/wide_and_deep_normalization_aux_output.py   (2 epochs on 2,000 rows)
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

input_wide = keras.layers.Input(shape=[5])
input_deep = keras.layers.Input(shape=[6])
norm_layer_wide = keras.layers.Normalization()
norm_layer_deep = keras.layers.Normalization()
norm_wide = norm_layer_wide(input_wide)
norm_deep = norm_layer_deep(input_deep)
hidden1 = keras.layers.Dense(30, activation="relu")(norm_deep)
hidden2 = keras.layers.Dense(30, activation="relu")(hidden1)
concat = keras.layers.concatenate([norm_wide, hidden2])
output = keras.layers.Dense(1)(concat)
aux_output = keras.layers.Dense(1)(hidden2)
model = keras.Model(inputs=[input_wide, input_deep], outputs=[output, aux_output])

optimizer = keras.optimizers.Adam(learning_rate=1e-3)
model.compile(loss=("mse", "mse"), loss_weights=(0.9, 0.1), optimizer=optimizer, metrics=["RootMeanSquaredError"])
norm_layer_wide.adapt(X_train_wide)
norm_layer_deep.adapt(X_train_deep)
history = model.fit((X_train_wide, X_train_deep), (y_train, y_train), epochs=epochs(20, fast=2),
                    validation_data=((X_valid_wide, X_valid_deep), (y_valid, y_valid)))
eval_results = model.evaluate((X_test_wide, X_test_deep), (y_test, y_test))
weighted_sum_of_losses, main_loss, aux_loss, main_rmse, aux_rmse = eval_results
y_pred_main, y_pred_aux = model.predict((X_new_wide, X_new_deep))
y_pred_tuple = model.predict((X_new_wide, X_new_deep))
y_pred = dict(zip(model.output_names, y_pred_tuple))

path = output_path("my_keras_model.keras")
model.save(path)
model = keras.models.load_model(path)
same = np.allclose(model.predict((X_new_wide, X_new_deep))[0], y_pred_main)

print("outputs:", sorted(y_pred), "main predictions:", y_pred_main.ravel().round(2), "actual:", y_test[:3].round(2))
print(f"saved to {path}; reloaded model predicts the same: {same}")
print(f"test total loss: {weighted_sum_of_losses:.4f}, main MSE: {main_loss:.4f}, auxiliary MSE: {aux_loss:.4f}")
print(f"test main RMSE: {main_rmse:.4f}, auxiliary RMSE: {aux_rmse:.4f}")
summary(f"two inputs + auxiliary output, Normalization, Adam, {len(history.epoch)} epochs: test main RMSE "
        f"{main_rmse:.4f}, auxiliary RMSE {aux_rmse:.4f}")
