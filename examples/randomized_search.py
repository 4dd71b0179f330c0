"""Fine-tuning hyperparameters: wrap a Keras model as a scikit-learn regressor and run `RandomizedSearchCV`.

`KerasRegressor(build_model)` turns a function that builds and compiles a model into a scikit-learn estimator: the
function's arguments (n_hidden, n_neurons, learning_rate) become hyperparameters a search can set, and `fit`'s
arguments (epochs, validation_data, callbacks) go through to `model.fit`. Its `score` is the negative MSE (higher is
better), so the best score is the least negative one.

Run: python examples/randomized_search.py                  (10 candidates x 3 folds, up to 100 epochs each)
     NEURONET_FAST=1 python examples/randomized_search.py   (2 candidates x 2 folds, 2 epochs, 2,000 rows)
"""
import numpy as np
from _common import FAST, epochs, load_housing, summary
from scipy.stats import reciprocal
from sklearn.model_selection import RandomizedSearchCV

import neuronet as keras

keras.utils.set_random_seed(42)
X_train, X_valid, X_test, y_train, y_valid, y_test = load_housing()
X_new = X_test[:3]


def build_model(n_hidden=1, n_neurons=30, learning_rate=3e-3, input_shape=[8]):  # noqa: B006 (the book's code)
    model = keras.models.Sequential()
    model.add(keras.layers.InputLayer(input_shape=input_shape))
    for layer in range(n_hidden):
        model.add(keras.layers.Dense(n_neurons, activation="relu"))
    model.add(keras.layers.Dense(1))
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate)
    model.compile(loss="mse", optimizer=optimizer)
    return model


keras_reg = keras.wrappers.scikit_learn.KerasRegressor(build_model)

# -- The wrapped model trains and predicts like any scikit-learn regressor ------------------------------------------
keras_reg.fit(X_train, y_train, epochs=epochs(100, fast=2), validation_data=(X_valid, y_valid),
              callbacks=[keras.callbacks.EarlyStopping(patience=10)], verbose=0)
mse_test = -keras_reg.score(X_test, y_test)
y_pred = keras_reg.predict(X_new)
print(f"default model (1 hidden layer of 30 neurons, learning rate 3e-3): test MSE {mse_test:.4f}")

# -- Randomized search: sample hyperparameters, score each candidate by cross-validation -----------------------------
param_distribs = {
    "n_hidden": [0, 1, 2, 3],
    "n_neurons": np.arange(1, 100),
    "learning_rate": reciprocal(3e-4, 3e-2),  # log-uniform: as many candidates in [3e-4, 3e-3] as in [3e-3, 3e-2]
}
rnd_search_cv = RandomizedSearchCV(keras_reg, param_distribs, n_iter=2 if FAST else 10, cv=2 if FAST else 3,
                                   verbose=2, random_state=42)
rnd_search_cv.fit(X_train, y_train, epochs=epochs(100, fast=2), validation_data=(X_valid, y_valid),
                  callbacks=[keras.callbacks.EarlyStopping(patience=10)], verbose=0)

print("best parameters:", {k: (round(float(v), 5) if k == "learning_rate" else int(v))
                           for k, v in rnd_search_cv.best_params_.items()})
print(f"best cross-validation score (negative MSE): {rnd_search_cv.best_score_:.4f}")
model = rnd_search_cv.best_estimator_.model  # the Keras model, refitted on the whole training set
best_mse_test = model.evaluate(X_test, y_test, verbose=0)
print("predictions of the best model:", model.predict(X_new, verbose=0).ravel().round(2),
      "actual:", y_test[:3].round(2))
print(f"test MSE: {best_mse_test:.4f}")
summary(f"default model: test MSE {mse_test:.4f}; best parameters "
        f"{ {k: (round(float(v), 5) if k == 'learning_rate' else int(v)) for k, v in rnd_search_cv.best_params_.items()} }, "
        f"best CV score {rnd_search_cv.best_score_:.4f}, best model `test MSE: {best_mse_test:.4f}`")
