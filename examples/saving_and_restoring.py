"""Saving and restoring a model: `model.save()` then `keras.models.load_model()`, in both file formats.

* `.h5`: the HDF5 layout of tf.keras 2 (what the book uses);
* `.keras`: the zip of Keras 3 (config.json + metadata.json + model.weights.h5).
Each file holds the architecture, the weights, the compile arguments and the optimizer's state, so a restored model
predicts exactly as the original and can go on training where it stopped. `save_weights()` keeps only the weights.

Run: python examples/saving_and_restoring.py                  (10 epochs)
     NEURONET_FAST=1 python examples/saving_and_restoring.py   (1 epoch on 2,000 rows)
"""
import os

import numpy as np
from _common import epochs, load_housing, output_path, summary

import neuronet as keras

keras.utils.set_random_seed(42)
X_train, X_valid, X_test, y_train, y_valid, y_test = load_housing()
X_new = X_test[:3]

model = keras.models.Sequential([
    keras.layers.Dense(30, activation="relu", input_shape=[8]),
    keras.layers.Dense(30, activation="relu"),
    keras.layers.Dense(1),
])
model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=1e-3))
history = model.fit(X_train, y_train, epochs=epochs(10), validation_data=(X_valid, y_valid))
mse_test = model.evaluate(X_test, y_test)
y_pred = model.predict(X_new, verbose=0)

# -- The whole model, in each format ---------------------------------------------------------------------------------
saved = []
for filename in ["my_keras_model.h5", "my_keras_model.keras"]:
    path = output_path(filename)
    model.save(path)
    restored = keras.models.load_model(path)
    same = np.array_equal(restored.predict(X_new, verbose=0), y_pred)
    steps = restored.optimizer.iterations.numpy()  # the optimizer's step counter travels with the model
    same_optimizer = steps == model.optimizer.iterations.numpy()
    saved.append(f"`{filename}` {os.path.getsize(path):,} bytes: restored predictions identical: {same}, "
                 f"optimizer state restored ({int(steps)} steps): {same_optimizer}")
    print(saved[-1])

# -- Only the weights: the code must rebuild the same architecture, then load them -----------------------------------
weights_path = output_path("my_keras.weights.h5")
model.save_weights(weights_path)
clone = keras.models.clone_model(model)  # same architecture, fresh weights
clone.load_weights(weights_path)
weights_identical = np.array_equal(clone.predict(X_new, verbose=0), y_pred)
print(f"weights only ({weights_path}): predictions identical: {weights_identical}")

# -- A restored model goes on training from where the original stopped -----------------------------------------------
restored = keras.models.load_model(output_path("my_keras_model.keras"))
restored.fit(X_train, y_train, epochs=1, verbose=0)
print(f"restored model trained one more epoch: test MSE {restored.evaluate(X_test, y_test, verbose=0):.4f}")
print("predictions:", y_pred.ravel().round(2), "actual:", y_test[:3].round(2))
print(f"test MSE: {mse_test:.4f}")
summary("; ".join(saved) + f"; weights only: identical: {weights_identical}; `test MSE: {mse_test:.4f}`")
