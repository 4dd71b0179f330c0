"""Wide & Deep network with the Functional API, one input (Cheng et al., 2016): the chapter's first non-sequential model.

All 8 housing features go both through two hidden layers (the deep path, which learns complex patterns) and straight
to the output layer (the wide path, which keeps the simple rules): the layers are called like functions on tensors.

Run: python examples/wide_and_deep.py                  (20 epochs)
     NEURONET_FAST=1 python examples/wide_and_deep.py   (2 epochs on 2,000 rows)
"""
from _common import epochs, load_housing, summary

import neuronet as keras

keras.utils.set_random_seed(42)
X_train, X_valid, X_test, y_train, y_valid, y_test = load_housing()  # split and standardized as in the chapter

input_ = keras.layers.Input(shape=X_train.shape[1:])
hidden1 = keras.layers.Dense(30, activation="relu")(input_)
hidden2 = keras.layers.Dense(30, activation="relu")(hidden1)
concat = keras.layers.Concatenate()([input_, hidden2])  # wide path (the raw input) + deep path
output = keras.layers.Dense(1)(concat)
model = keras.models.Model(inputs=[input_], outputs=[output])
model.summary()

model.compile(loss="mean_squared_error", optimizer=keras.optimizers.SGD(learning_rate=1e-3))
history = model.fit(X_train, y_train, epochs=epochs(20, fast=2), validation_data=(X_valid, y_valid))
mse_test = model.evaluate(X_test, y_test)
X_new = X_test[:3]
y_pred = model.predict(X_new, verbose=0)
print("predictions:", y_pred.ravel().round(2), "actual:", y_test[:3].round(2))
print(f"test MSE: {mse_test:.4f}")
summary(f"`test MSE: {mse_test:.4f}`")
