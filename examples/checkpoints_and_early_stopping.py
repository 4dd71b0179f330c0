"""Callbacks: ModelCheckpoint keeps the best model seen so far, EarlyStopping ends training once it stops improving.

With a validation set, `ModelCheckpoint(save_best_only=True)` saves the model only when `val_loss` improves, and
`EarlyStopping(patience=10, restore_best_weights=True)` stops after 10 epochs without progress and rolls back to the
best weights: you can ask for many epochs (100) and let the callbacks decide when to stop.

Run: python examples/checkpoints_and_early_stopping.py                  (up to 100 epochs)
     NEURONET_FAST=1 python examples/checkpoints_and_early_stopping.py   (up to 3 epochs, patience 1, on 2,000 rows)
"""
import numpy as np
from _common import FAST, epochs, load_housing, output_path, summary

import neuronet as keras

keras.utils.set_random_seed(42)
X_train, X_valid, X_test, y_train, y_valid, y_test = load_housing()

model = keras.models.Sequential([
    keras.layers.Dense(30, activation="relu", input_shape=[8]),
    keras.layers.Dense(30, activation="relu"),
    keras.layers.Dense(1),
])
# The book uses SGD(learning_rate=1e-3), which still improves after 100 epochs: 1e-2 converges sooner, so early
# stopping has something to stop.
model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=1e-2))

# -- 1. Save a checkpoint at the end of each epoch in which val_loss improved, then roll back to the best one --------
checkpoint_path = output_path("my_keras_model.h5")
checkpoint_cb = keras.callbacks.ModelCheckpoint(checkpoint_path, save_best_only=True)
history = model.fit(X_train, y_train, epochs=epochs(10, fast=2), validation_data=(X_valid, y_valid),
                    callbacks=[checkpoint_cb])
model = keras.models.load_model(checkpoint_path)  # roll back to the best model
mse_test = model.evaluate(X_test, y_test)
best_epoch = int(np.argmin(history.history["val_loss"])) + 1
best_val_loss, checkpoint_mse = min(history.history["val_loss"]), mse_test
print(f"checkpoint {checkpoint_path}: best val_loss {best_val_loss:.4f} at epoch {best_epoch}; "
      f"test MSE of the restored model {checkpoint_mse:.4f}")

# -- 2. Early stopping: ask for 100 epochs, stop after `patience` epochs without progress ----------------------------
early_stopping_cb = keras.callbacks.EarlyStopping(patience=1 if FAST else 10, restore_best_weights=True)
history = model.fit(X_train, y_train, epochs=epochs(100, fast=3), validation_data=(X_valid, y_valid),
                    callbacks=[checkpoint_cb, early_stopping_cb])
mse_test = model.evaluate(X_test, y_test, verbose=0)
val_losses = history.history["val_loss"]
print(f"early stopping: trained {len(val_losses)} of {epochs(100, fast=3)} epochs "
      f"(stopped_epoch={early_stopping_cb.stopped_epoch}); weights restored from epoch "
      f"{int(np.argmin(val_losses)) + 1}, val_loss {min(val_losses):.4f}")
print(f"test MSE: {mse_test:.4f}")
summary(f"ModelCheckpoint(save_best_only): best val_loss {best_val_loss:.4f} at epoch {best_epoch}, restored "
        f"model's test MSE {checkpoint_mse:.4f}; EarlyStopping(patience=10, restore_best_weights=True): trained "
        f"{len(val_losses)} of 100 epochs, weights of epoch {int(np.argmin(val_losses)) + 1} (val_loss "
        f"{min(val_losses):.4f}), `test MSE: {mse_test:.4f}`")
