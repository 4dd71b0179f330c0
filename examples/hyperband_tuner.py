"""Hyperparameter search with a tuner: `neuronet.tuners` has Keras Tuner's API (`import keras_tuner as kt` in the book).

`build_model(hp)` declares the hyperparameters as it uses them (number of hidden layers, neurons, learning rate,
optimizer); Hyperband trains many models for a few epochs, keeps the best third, trains them longer, and so on.
Results go to <output dir>/my_fashion_mnist/hyperband (a second run resumes; overwrite=True starts afresh).

Run: python examples/hyperband_tuner.py                  (Fashion-MNIST, 55,000 images, max_epochs=10)
     NEURONET_FAST=1 python examples/hyperband_tuner.py   (2,000 images, max_epochs=3)
"""
from _common import FAST, load_images, output_path, summary

import neuronet as keras
import neuronet.tuners as kt

keras.utils.set_random_seed(42)
(X_train, y_train), (X_valid, y_valid), (X_test, y_test) = load_images("fashion_mnist")


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
    model.add(keras.layers.Flatten(input_shape=[28, 28]))
    for _ in range(n_hidden):
        model.add(keras.layers.Dense(n_neurons, activation="relu"))
    model.add(keras.layers.Dense(10, activation="softmax"))
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer, metrics=["accuracy"])
    return model


hyperband_tuner = kt.Hyperband(build_model, objective="val_accuracy", seed=42, max_epochs=3 if FAST else 10,
                               factor=3, hyperband_iterations=1, overwrite=True,
                               directory=output_path("my_fashion_mnist"), project_name="hyperband")
hyperband_tuner.search_space_summary()
early_stopping_cb = keras.callbacks.EarlyStopping(patience=2)
hyperband_tuner.search(X_train, y_train, validation_data=(X_valid, y_valid), callbacks=[early_stopping_cb],
                       verbose=0)
hyperband_tuner.results_summary(num_trials=3)

best_trial = hyperband_tuner.oracle.get_best_trials(num_trials=1)[0]
best_hp = hyperband_tuner.get_best_hyperparameters()[0]
best_model = hyperband_tuner.get_best_models(num_models=1)[0]
test_loss, test_accuracy = best_model.evaluate(X_test, y_test)
print(f"trials run: {len(hyperband_tuner.oracle.trials)}")
print("best hyperparameters:", {k: v for k, v in best_hp.values.items() if not k.startswith("tuner/")})
print(f"best val_accuracy: {best_trial.score:.4f}")
print(f"results in: {hyperband_tuner.project_dir}")
print(f"test accuracy: {test_accuracy:.4f}")
summary(f"{len(hyperband_tuner.oracle.trials)} trials; best "
        f"{ {k: v for k, v in best_hp.values.items() if not k.startswith('tuner/')} }, best val_accuracy "
        f"{best_trial.score:.4f}, `test accuracy: {test_accuracy:.4f}`")
