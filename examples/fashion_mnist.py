"""Fashion-MNIST classifier with the Sequential API (the chapter's code, `import neuronet as keras`).

Run: python examples/fashion_mnist.py            (30 epochs, as in the book)
     NEURONET_FAST=1 python examples/fashion_mnist.py   (2 epochs on 5,000 images: a smoke test)
"""
import os

import numpy as np

import neuronet as keras

FAST = os.environ.get("NEURONET_FAST") == "1"
EPOCHS = 2 if FAST else 30

keras.utils.set_random_seed(42)
fashion_mnist = keras.datasets.fashion_mnist
(X_train_full, y_train_full), (X_test, y_test) = fashion_mnist.load_data()
X_valid, X_train = X_train_full[:5000] / 255., X_train_full[5000:] / 255.
y_valid, y_train = y_train_full[:5000], y_train_full[5000:]
X_test = X_test / 255.
if FAST:
    X_train, y_train = X_train[:5000], y_train[:5000]
class_names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

model = keras.models.Sequential()
model.add(keras.layers.Flatten(input_shape=[28, 28]))
model.add(keras.layers.Dense(300, activation="relu"))
model.add(keras.layers.Dense(100, activation="relu"))
model.add(keras.layers.Dense(10, activation="softmax"))
model.summary()

hidden1 = model.layers[1]
w, b = hidden1.get_weights()
print(f"{hidden1.name}: kernel {w.shape}, bias {b.shape}")

model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
history = model.fit(X_train, y_train, epochs=EPOCHS, validation_data=(X_valid, y_valid))

test_loss, test_accuracy = model.evaluate(X_test, y_test)
y_proba = model.predict(X_test[:3])
print(y_proba.round(2))
y_pred = np.argmax(y_proba, axis=-1)
print("predicted:", [class_names[i] for i in y_pred], "actual:", [class_names[i] for i in y_test[:3]])
print(f"best validation accuracy: {max(history.history['val_accuracy']):.4f}")
print(f"test accuracy: {test_accuracy:.4f}")
