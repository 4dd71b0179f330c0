"""KerasTuner HyperModel with a tuned `fit()`, searched by Hyperband and BayesianOptimization on Fashion-MNIST.

The chapter's current-edition code with `import neuronet.tuners as kt`. `MyClassificationHyperModel.fit()`
decides, with the hyperparameter `normalize`, whether the images go through a `Normalization` layer before training
(the tuner calls `hypermodel.fit(hp, model, X, y, **kwargs)`). Hyperband (max_epochs=10, factor=3,
hyperband_iterations=2: Keras Tuner's 2 x 30 trials) logs every trial to TensorBoard in
<project dir>/tensorboard/<trial id>/execution0 and stops a trial early when validation loss stops improving;
then BayesianOptimization runs 10 trials of the same hypermodel. Results go to <output dir>/my_fashion_mnist.

The searches train on the first SEARCH_ROWS = 10,000 training images, to keep the run to minutes on 2 CPU cores
(set it to None for the book's 55,000).

Run: python examples/keras_tuner_hypermodel.py                  (10,000 images, the book's tuner settings)
     NEURONET_FAST=1 python examples/keras_tuner_hypermodel.py   (2,000 images, max_epochs=2, 2 Bayesian trials)
"""
import os
import time
import warnings

from _common import FAST, epochs, load_images, output_path, summary

import neuronet as keras
import neuronet.tuners as kt

keras.utils.set_random_seed(42)
(X_train, y_train), (X_valid, y_valid), (X_test, y_test) = load_images("fashion_mnist")
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


class MyClassificationHyperModel(kt.HyperModel):
    def build(self, hp):
        return build_model(hp)

    def fit(self, hp, model, X, y, **kwargs):
        if hp.Boolean("normalize"):
            norm_layer = keras.layers.Normalization()
            X = norm_layer(X)
        return model.fit(X, y, **kwargs)


# The book's Normalization layer is never adapted, so it leaves the (already scaled) images as they are: Keras does
# so silently; neuronet says so in a warning at each trial that draws normalize=True, silenced here.
warnings.filterwarnings("ignore", message="Normalization layer .* is used before `adapt", category=UserWarning)

hyperband_tuner = kt.Hyperband(
    MyClassificationHyperModel(), objective="val_accuracy", seed=42,
    max_epochs=2 if FAST else 10, factor=3, hyperband_iterations=1 if FAST else 2,
    overwrite=True, directory=output_path("my_fashion_mnist"), project_name="hyperband")
root_logdir = os.path.join(hyperband_tuner.project_dir, "tensorboard")
tensorboard_cb = keras.callbacks.TensorBoard(root_logdir)
early_stopping_cb = keras.callbacks.EarlyStopping(patience=2)
hyperband_tuner.search(X_train, y_train, epochs=10, validation_data=(X_valid, y_valid),
                       callbacks=[early_stopping_cb, tensorboard_cb], verbose=0)
hyperband_tuner.results_summary(num_trials=3)

best_trial = hyperband_tuner.oracle.get_best_trials(num_trials=1)[0]
best_trial.summary()
hyperband_val_accuracy = best_trial.metrics.get_last_value("val_accuracy")
failed = [t for t in hyperband_tuner.oracle.trials.values() if t.status == kt.TrialStatus.FAILED]
print(f"hyperband trials run: {len(hyperband_tuner.oracle.trials)} ({len(failed)} failed)")
print(f"hyperband best val_accuracy: {hyperband_val_accuracy:.4f}")
print(f"TensorBoard runs: {len(os.listdir(root_logdir))} trials in {root_logdir}")
hyperband_time = time.time() - start

bayesian_opt_tuner = kt.BayesianOptimization(
    MyClassificationHyperModel(), objective="val_accuracy", seed=42,
    max_trials=2 if FAST else 10, alpha=1e-4, beta=2.6,
    overwrite=True, directory=output_path("my_fashion_mnist"), project_name="bayesian_opt")
bayesian_opt_tuner.search(X_train, y_train, epochs=epochs(10), validation_data=(X_valid, y_valid),
                          callbacks=[early_stopping_cb], verbose=0)
bayesian_best = bayesian_opt_tuner.oracle.get_best_trials(num_trials=1)[0]
bayesian_val_accuracy = bayesian_best.metrics.get_last_value("val_accuracy")
print(f"bayesian trials run: {len(bayesian_opt_tuner.oracle.trials)}")
print(f"bayesian best val_accuracy: {bayesian_val_accuracy:.4f}")

best_model = hyperband_tuner.get_best_models()[0]
test_loss, test_accuracy = best_model.evaluate(X_test, y_test, verbose=0)
print(f"test accuracy: {test_accuracy:.4f}")


def _values(trial):
    return {k: v for k, v in trial.hyperparameters.values.items() if not k.startswith("tuner/")}


summary(f"Hyperband: {len(hyperband_tuner.oracle.trials)} trials, best {_values(best_trial)}, val_accuracy "
        f"{hyperband_val_accuracy:.4f}, test accuracy {test_accuracy:.4f} ({hyperband_time:.0f} s); "
        f"BayesianOptimization: {len(bayesian_opt_tuner.oracle.trials)} trials, best val_accuracy "
        f"{bayesian_val_accuracy:.4f} ({time.time() - start - hyperband_time:.0f} s)")
