"""Wide & Deep with two inputs and an auxiliary output, a regularizer: the deep path alone must also predict the target.

A model with several outputs takes one loss per output (and `loss_weights` to weigh them: the main output matters
most), one target per output in `fit`, and `evaluate` returns the total loss and each output's loss.

Run: python examples/wide_and_deep_aux_output.py                  (20 epochs)
     NEURONET_FAST=1 python examples/wide_and_deep_aux_output.py   (2 epochs on 2,000 rows)
"""
from _common import epochs, load_housing, summary

import neuronet as keras

keras.utils.set_random_seed(42)
X_train, X_valid, X_test, y_train, y_valid, y_test = load_housing()
X_train_A, X_train_B = X_train[:, :5], X_train[:, 2:]
X_valid_A, X_valid_B = X_valid[:, :5], X_valid[:, 2:]
X_test_A, X_test_B = X_test[:, :5], X_test[:, 2:]
X_new_A, X_new_B = X_test_A[:3], X_test_B[:3]

input_A = keras.layers.Input(shape=[5], name="wide_input")
input_B = keras.layers.Input(shape=[6], name="deep_input")
hidden1 = keras.layers.Dense(30, activation="relu")(input_B)
hidden2 = keras.layers.Dense(30, activation="relu")(hidden1)
concat = keras.layers.concatenate([input_A, hidden2])
output = keras.layers.Dense(1, name="main_output")(concat)
aux_output = keras.layers.Dense(1, name="aux_output")(hidden2)  # sees the deep path only
model = keras.models.Model(inputs=[input_A, input_B], outputs=[output, aux_output])

model.compile(loss=["mse", "mse"], loss_weights=[0.9, 0.1], optimizer=keras.optimizers.SGD(learning_rate=1e-3))
history = model.fit([X_train_A, X_train_B], [y_train, y_train], epochs=epochs(20, fast=2),
                    validation_data=([X_valid_A, X_valid_B], [y_valid, y_valid]))
print("metrics recorded per epoch:", sorted(history.history))

total_loss, main_loss, aux_loss = model.evaluate([X_test_A, X_test_B], [y_test, y_test])
y_pred_main, y_pred_aux = model.predict([X_new_A, X_new_B], verbose=0)
print("main predictions:", y_pred_main.ravel().round(2), "auxiliary:", y_pred_aux.ravel().round(2),
      "actual:", y_test[:3].round(2))
print(f"test total loss: {total_loss:.4f}, main MSE: {main_loss:.4f}, auxiliary MSE: {aux_loss:.4f}")
summary(f"`test total loss: {total_loss:.4f}, main MSE: {main_loss:.4f}, auxiliary MSE: {aux_loss:.4f}`")
