"""Fashion-MNIST image classifier with the Sequential API: the chapter's code with `import neuronet as keras`.

Trains a 300-100-10 MLP for 30 epochs with SGD, then writes three things and prints where they are:
the model file (my_keras_model.h5), a TensorBoard run (my_logs/run_<date-time>) and the learning curves (a PNG).

Run: python examples/fashion_mnist.py                    (30 epochs on 55,000 images, as in the book)
     NEURONET_FAST=1 python examples/fashion_mnist.py    (1 epoch on 2,000 images: a smoke test)
     NEURONET_OUTPUT_DIR=out python examples/fashion_mnist.py   (write the files under out/ instead of here)
"""
import os

import numpy as np
from _common import FAST, FAST_ROWS, epochs, get_run_logdir, output_path, summary, tensorboard_command

import neuronet as keras

keras.utils.set_random_seed(42)

# -- The data: 60,000 training images (28x28 grey levels), the first 5,000 kept for validation -----------------------
fashion_mnist = keras.datasets.fashion_mnist
(X_train_full, y_train_full), (X_test, y_test) = fashion_mnist.load_data()
X_valid, X_train = X_train_full[:5000] / 255., X_train_full[5000:] / 255.  # scale to [0, 1]: SGD needs it
y_valid, y_train = y_train_full[:5000], y_train_full[5000:]
X_test = X_test / 255.
if FAST:
    X_train, y_train = X_train[:FAST_ROWS], y_train[:FAST_ROWS]
class_names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
print(f"training set {X_train.shape}, validation set {X_valid.shape}, test set {X_test.shape}")

# -- The model: flatten each image, two hidden ReLU layers, a softmax over the 10 classes -----------------------------
model = keras.models.Sequential()
model.add(keras.layers.Flatten(input_shape=[28, 28]))
model.add(keras.layers.Dense(300, activation="relu"))
model.add(keras.layers.Dense(100, activation="relu"))
model.add(keras.layers.Dense(10, activation="softmax"))
model.summary()

hidden1 = model.layers[1]
weights, biases = hidden1.get_weights()  # random kernel (Glorot uniform), zero biases
print(f"{hidden1.name}: kernel {weights.shape}, bias {biases.shape}")

# Integer labels (0..9) and one softmax per image: sparse categorical cross-entropy.
model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])

# -- Training, logged for TensorBoard (one directory per run, so runs can be compared) --------------------------------
root_logdir = output_path("my_logs")
run_logdir = get_run_logdir(root_logdir)
tensorboard_cb = keras.callbacks.TensorBoard(run_logdir)
history = model.fit(X_train, y_train, epochs=epochs(30), validation_data=(X_valid, y_valid),
                    callbacks=[tensorboard_cb])

# -- Learning curves: history.history holds loss, accuracy, val_loss and val_accuracy per epoch ----------------------
# The book's pandas version works too: pd.DataFrame(history.history).plot(figsize=(8, 5)); plt.grid(True)
curves_path = output_path("my_fashion_mnist_learning_curves.png")
history.plot(to_file=curves_path)

# -- Evaluate on the test set, then predict the first three test images ----------------------------------------------
test_loss, test_accuracy = model.evaluate(X_test, y_test)
X_new = X_test[:3]
y_proba = model.predict(X_new, verbose=0)
print(y_proba.round(2))
y_pred = np.argmax(y_proba, axis=-1)
print("predicted:", [class_names[i] for i in y_pred], "actual:", [class_names[i] for i in y_test[:3]])

# -- Save the whole model (architecture, weights, optimizer) in the HDF5 format of tf.keras ---------------------------
model_path = output_path("my_keras_model.h5")
model.save(model_path)

print(f"best validation accuracy: {max(history.history['val_accuracy']):.4f}")
print(f"test accuracy: {test_accuracy:.4f}")
print(f"model file: {os.path.abspath(model_path)}")
print(f"TensorBoard run: {os.path.abspath(run_logdir)}")
print(f"learning curves: {os.path.abspath(curves_path)}")
print(f"view the runs with: {tensorboard_command(root_logdir)}")
summary(f"`test accuracy: {test_accuracy:.4f}` (best validation accuracy {max(history.history['val_accuracy']):.4f}); "
        f"first three test images predicted {', '.join(class_names[i] for i in y_pred)} "
        f"(actual {', '.join(class_names[i] for i in y_test[:3])}); writes `my_keras_model.h5`, "
        f"`my_logs/run_<date-time>/` and `my_fashion_mnist_learning_curves.png`")
