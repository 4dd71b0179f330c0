"""Finding a good learning rate (the chapter's tip, and its MNIST exercise): grow the rate exponentially over one
epoch, watch the loss, and train with about half the rate where the loss starts to climb.

`keras.tuning.find_learning_rate` runs that test (from 1e-5 to 10 here), stops once the loss explodes, puts the
model's weights and optimizer back as they were, and suggests a rate. Then the MLP is trained on MNIST with it.

Run: python examples/learning_rate_finder.py                  (the test over 1 epoch, then up to 20 epochs)
     NEURONET_FAST=1 python examples/learning_rate_finder.py   (2,000 images, 1 epoch of training)
"""
import matplotlib.pyplot as plt
from _common import FAST, epochs, load_images, output_path, summary

import neuronet as keras

keras.utils.set_random_seed(42)
(X_train, y_train), (X_valid, y_valid), (X_test, y_test) = load_images("mnist")

model = keras.models.Sequential([
    keras.layers.Flatten(input_shape=[28, 28]),
    keras.layers.Dense(300, activation="relu"),
    keras.layers.Dense(100, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=1e-3),
              metrics=["accuracy"])

# -- The LR range test: one epoch, the rate multiplied by a constant factor after each batch -------------------------
result = keras.tuning.find_learning_rate(model, X_train, y_train, batch_size=32, min_learning_rate=1e-5,
                                         max_learning_rate=10.0)
print(result)
print(f"{len(result.losses)} steps, learning rate {result.learning_rates[0]:.3g} to {result.learning_rates[-1]:.3g}; "
      f"the loss stopped falling near {2 * result.suggestion:.3g}; exploded: {result.exploded}")

curve_path = output_path("my_mnist_learning_rate_finder.png")
ax = result.plot()  # loss against learning rate, log scale, the suggestion as a dashed line
ax.figure.savefig(curve_path)
plt.close(ax.figure)

# -- Train with the suggested rate (the model was left untouched by the test) ----------------------------------------
model.optimizer.learning_rate = result.suggestion
early_stopping_cb = keras.callbacks.EarlyStopping(patience=2 if FAST else 5, restore_best_weights=True)
history = model.fit(X_train, y_train, epochs=epochs(20), validation_data=(X_valid, y_valid),
                    callbacks=[early_stopping_cb])
test_loss, test_accuracy = model.evaluate(X_test, y_test)
print(f"suggested learning rate: {result.suggestion:.4g}")
print(f"learning-rate curve: {curve_path}")
print(f"trained {len(history.history['loss'])} epochs, best val_accuracy {max(history.history['val_accuracy']):.4f}")
print(f"test accuracy: {test_accuracy:.4f}")
summary(f"{len(result.losses)} steps from {result.learning_rates[0]:.3g} to {result.learning_rates[-1]:.3g} "
        f"(exploded: {result.exploded}), `suggested learning rate: {result.suggestion:.4g}`; trained "
        f"{len(history.history['loss'])} epochs, best val_accuracy {max(history.history['val_accuracy']):.4f}, "
        f"`test accuracy: {test_accuracy:.4f}`; writes `my_mnist_learning_rate_finder.png`")
