"""A regression MLP with a Normalization layer, as the current edition builds it: the model scales its own inputs.

`Normalization` learns each feature's mean and variance from the training set with `adapt()` (no StandardScaler),
stores them as non-trainable weights (they are saved with the model), and standardizes every batch it sees.

Run: python examples/normalization_regression_mlp.py                  (20 epochs)
     NEURONET_FAST=1 python examples/normalization_regression_mlp.py   (2 epochs on 2,000 rows)
"""
from _common import epochs, load_housing_raw, summary

import neuronet as keras

keras.utils.set_random_seed(42)
X_train, X_valid, X_test, y_train, y_valid, y_test = load_housing_raw()

norm_layer = keras.layers.Normalization(input_shape=X_train.shape[1:])
model = keras.Sequential([
    norm_layer,
    keras.layers.Dense(50, activation="relu"),
    keras.layers.Dense(50, activation="relu"),
    keras.layers.Dense(50, activation="relu"),
    keras.layers.Dense(1),
])
optimizer = keras.optimizers.Adam(learning_rate=1e-3)
model.compile(loss="mse", optimizer=optimizer, metrics=["RootMeanSquaredError"])
norm_layer.adapt(X_train)
history = model.fit(X_train, y_train, epochs=epochs(20, fast=2), validation_data=(X_valid, y_valid))
mse_test, rmse_test = model.evaluate(X_test, y_test)
X_new = X_test[:3]
y_pred = model.predict(X_new)
model.summary()

print("adapted means:", ", ".join(f"{m:.2f}" for m in norm_layer.adapt_mean.numpy()))
print("predictions:", y_pred.ravel().round(2), "actual:", y_test[:3].round(2))
print(f"test MSE: {mse_test:.4f}, test RMSE: {rmse_test:.4f}")
summary(f"Normalization + 3x Dense(50), Adam, {len(history.epoch)} epochs: test RMSE {rmse_test:.4f}")
