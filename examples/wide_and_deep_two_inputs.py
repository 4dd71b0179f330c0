"""Wide & Deep with two inputs: 5 features through the wide path (0 to 4), 6 through the deep path (2 to 7).

A model with several inputs takes a tuple (or list) of arrays, one per input, in `fit`, `evaluate` and `predict`;
naming the inputs also lets you pass a dict {"wide_input": ..., "deep_input": ...}.

Run: python examples/wide_and_deep_two_inputs.py                  (20 epochs)
     NEURONET_FAST=1 python examples/wide_and_deep_two_inputs.py   (2 epochs on 2,000 rows)
"""
from _common import epochs, load_housing, summary

import neuronet as keras

keras.utils.set_random_seed(42)
X_train, X_valid, X_test, y_train, y_valid, y_test = load_housing()

input_A = keras.layers.Input(shape=[5], name="wide_input")
input_B = keras.layers.Input(shape=[6], name="deep_input")
hidden1 = keras.layers.Dense(30, activation="relu")(input_B)
hidden2 = keras.layers.Dense(30, activation="relu")(hidden1)
concat = keras.layers.concatenate([input_A, hidden2])
output = keras.layers.Dense(1, name="output")(concat)
model = keras.models.Model(inputs=[input_A, input_B], outputs=[output])

model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=1e-3))

# Split the features between the two inputs (features 2, 3 and 4 go to both).
X_train_A, X_train_B = X_train[:, :5], X_train[:, 2:]
X_valid_A, X_valid_B = X_valid[:, :5], X_valid[:, 2:]
X_test_A, X_test_B = X_test[:, :5], X_test[:, 2:]
X_new_A, X_new_B = X_test_A[:3], X_test_B[:3]

history = model.fit((X_train_A, X_train_B), y_train, epochs=epochs(20, fast=2),
                    validation_data=((X_valid_A, X_valid_B), y_valid))
mse_test = model.evaluate((X_test_A, X_test_B), y_test)
y_pred = model.predict((X_new_A, X_new_B), verbose=0)
# The same model, fed by input names:
y_pred_by_name = model.predict({"wide_input": X_new_A, "deep_input": X_new_B}, verbose=0)
print("predictions:", y_pred.ravel().round(2), "actual:", y_test[:3].round(2))
print("same predictions from a dict of named inputs:", bool((y_pred == y_pred_by_name).all()))
print(f"test MSE: {mse_test:.4f}")
summary(f"`test MSE: {mse_test:.4f}`; predictions from a dict of named inputs identical: "
        f"{bool((y_pred == y_pred_by_name).all())}")
