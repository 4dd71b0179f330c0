"""A custom callback: subclass `keras.callbacks.Callback` and override the hooks you need.

`PrintValTrainRatioCallback` prints the ratio of validation to training loss after each epoch, to spot overfitting
(the ratio grows). Callbacks also have `on_train_begin/end`, `on_epoch_begin`, `on_batch_begin/end`, and the same
for `evaluate` (`on_test_*`) and `predict` (`on_predict_*`); `self.model` is the model being trained.

Run: python examples/custom_callback.py                  (10 epochs)
     NEURONET_FAST=1 python examples/custom_callback.py   (2 epochs on 2,000 rows)
"""
from _common import epochs, load_housing, summary

import neuronet as keras

keras.utils.set_random_seed(42)
X_train, X_valid, X_test, y_train, y_valid, y_test = load_housing()


class PrintValTrainRatioCallback(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs):
        print("\nval/train: {:.2f}".format(logs["val_loss"] / logs["loss"]))


class CountBatchesCallback(keras.callbacks.Callback):
    """Counts the training batches, and reads the model's learning rate at the end."""

    def on_train_begin(self, logs=None):
        self.batches = 0

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1

    def on_train_end(self, logs=None):
        print(f"trained on {self.batches} batches at learning rate {float(self.model.optimizer.learning_rate):g}")


model = keras.models.Sequential([
    keras.layers.Dense(30, activation="relu", input_shape=[8]),
    keras.layers.Dense(1),
])
model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=1e-3))
val_train_ratio_cb = PrintValTrainRatioCallback()
history = model.fit(X_train, y_train, epochs=epochs(10, fast=2), validation_data=(X_valid, y_valid),
                    callbacks=[val_train_ratio_cb, CountBatchesCallback()])
mse_test = model.evaluate(X_test, y_test)
ratio = history.history["val_loss"][-1] / history.history["loss"][-1]
print(f"final val/train ratio: {ratio:.2f}")
print(f"test MSE: {mse_test:.4f}")
summary(f"a `val/train` ratio per epoch (last {ratio:.2f}); `test MSE: {mse_test:.4f}`")
