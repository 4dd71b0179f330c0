"""California housing regression MLP with the Sequential API (the chapter's regression code).

Uses scikit-learn's version of the data (as the book does: `fetch_california_housing`), read offline by neuronet's
loader, plus scikit-learn's `train_test_split` and `StandardScaler`. One output neuron, no activation, MSE loss.

Run: python examples/california_housing.py                  (20 epochs)
     NEURONET_FAST=1 python examples/california_housing.py   (2 epochs on 2,000 rows)
"""
from _common import FAST, FAST_ROWS, epochs, summary
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

import neuronet as keras

keras.utils.set_random_seed(42)

# -- The data: 20,640 districts, 8 numeric features, target = median house value (in $100,000) ------------------------
housing = keras.datasets.california_housing.load_sklearn_version()
X_train_full, X_test, y_train_full, y_test = train_test_split(housing.data, housing.target, random_state=42)
X_train, X_valid, y_train, y_valid = train_test_split(X_train_full, y_train_full, random_state=42)
if FAST:
    X_train, y_train = X_train[:FAST_ROWS], y_train[:FAST_ROWS]

scaler = StandardScaler()  # gradient descent converges much faster on standardized features
X_train = scaler.fit_transform(X_train)
X_valid = scaler.transform(X_valid)
X_test = scaler.transform(X_test)

# -- The model: one hidden layer (the data is noisy: a small network avoids overfitting), one linear output ----------
model = keras.models.Sequential([
    keras.layers.Dense(30, activation="relu", input_shape=X_train.shape[1:]),
    keras.layers.Dense(1),
])
model.compile(loss="mean_squared_error", optimizer=keras.optimizers.SGD(learning_rate=1e-2))
history = model.fit(X_train, y_train, epochs=epochs(20, fast=2), validation_data=(X_valid, y_valid))
mse_test = model.evaluate(X_test, y_test)
X_new = X_test[:3]  # pretend these are new districts
y_pred = model.predict(X_new, verbose=0)
print("predictions:", y_pred.ravel().round(2), "actual:", y_test[:3].round(2))
print(f"final validation MSE: {history.history['val_loss'][-1]:.4f}")
print(f"test MSE: {mse_test:.4f}")
summary(f"`test MSE: {mse_test:.4f}` (final validation MSE {history.history['val_loss'][-1]:.4f})")
