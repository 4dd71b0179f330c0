"""KerasTuner's RandomSearch on Fashion-MNIST, the chapter's current-edition code with `import neuronet.tuners as kt`.

`build_model(hp)` declares its hyperparameters as it uses them; the tuner tries `max_trials` random sets of them,
training each model for 10 epochs, and keeps the one with the best validation accuracy. Then, as in the book: the
three best models and hyperparameter sets, the best trial's summary and metrics, and the best model trained
further on the whole training set and evaluated on the test set.
Results go to <output dir>/my_fashion_mnist/my_rnd_search.

The search trains its models on the first SEARCH_ROWS = 10,000 training images, to keep the run to minutes on 2 CPU
cores (set it to None for the book's 55,000); the best model is then trained on all 60,000, as in the book.

Run: python examples/keras_tuner_random_search.py                  (10,000 images, 5 trials of 10 epochs)
     NEURONET_FAST=1 python examples/keras_tuner_random_search.py   (2,000 images, 3 trials of 1 epoch)
"""
import time

import numpy as np
from _common import FAST, epochs, load_images, output_path, summary

import neuronet as keras
import neuronet.tuners as kt

keras.utils.set_random_seed(42)
(X_train, y_train), (X_valid, y_valid), (X_test, y_test) = load_images("fashion_mnist")
X_train_full, y_train_full = np.concatenate([X_train, X_valid]), np.concatenate([y_train, y_valid])
if FAST:
    X_train_full, y_train_full = X_train, y_train
SEARCH_ROWS = 10_000
X_train, y_train = X_train[:SEARCH_ROWS], y_train[:SEARCH_ROWS]
start = time.time()


def build_model(hp):
    n_hidden = hp.Int("n_hidden", min_value=0, max_value=8, default=2)
    n_neurons = hp.Int("n_neurons", min_value=16, max_value=256)
    learning_rate = hp.Float("learning_rate", min_value=1e-4, max_value=1e-2, sampling="log")
    optimizer = hp.Choice("optimizer", values=["sgd", "adam"])
    if optimizer == "sgd":
        optimizer = keras.optimizers.SGD(learning_rate=learning_rate)
    else:
        optimizer = keras.optimizers.Adam(learning_rate=learning_rate)

    model = keras.Sequential()
    model.add(keras.layers.Flatten())
    for _ in range(n_hidden):
        model.add(keras.layers.Dense(n_neurons, activation="relu"))
    model.add(keras.layers.Dense(10, activation="softmax"))
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer, metrics=["accuracy"])
    return model


random_search_tuner = kt.RandomSearch(
    build_model, objective="val_accuracy", max_trials=3 if FAST else 5, overwrite=True,
    directory=output_path("my_fashion_mnist"), project_name="my_rnd_search", seed=42)
random_search_tuner.search(X_train, y_train, epochs=epochs(10), validation_data=(X_valid, y_valid))

top3_models = random_search_tuner.get_best_models(num_models=3)
best_model = top3_models[0]
top3_params = random_search_tuner.get_best_hyperparameters(num_trials=3)
print("best hyperparameters:", top3_params[0].values)
best_trial = random_search_tuner.oracle.get_best_trials(num_trials=1)[0]
best_trial.summary()
best_val_accuracy = best_trial.metrics.get_last_value("val_accuracy")
print(f"best trial val_accuracy: {best_val_accuracy:.4f}")

best_model.fit(X_train_full, y_train_full, epochs=epochs(10))
test_loss, test_accuracy = best_model.evaluate(X_test, y_test)
print(f"trials run: {len(random_search_tuner.oracle.trials)}")
print(f"test accuracy: {test_accuracy:.4f}")
summary(f"{len(random_search_tuner.oracle.trials)} trials; best {top3_params[0].values}, best val_accuracy "
        f"{best_val_accuracy:.4f}; after {epochs(10)} more epochs on {len(X_train_full):,} training images, test "
        f"accuracy {test_accuracy:.4f} ({time.time() - start:.0f} s)")
