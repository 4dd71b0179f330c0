"""RandomSearch: each trial draws every active hyperparameter at random (Keras Tuner's `RandomSearch`)."""
from neuronet.tuners import oracle as oracle_module
from neuronet.tuners import tuner as tuner_module


class RandomSearchOracle(oracle_module.Oracle):
    """Random values, never the same set twice; stops after `max_trials` or when the space looks exhausted."""

    def __init__(self, objective=None, max_trials=10, seed=None, hyperparameters=None, allow_new_entries=True,
                 tune_new_entries=True, max_retries_per_trial=0, max_consecutive_failed_trials=3):
        super().__init__(objective=objective, max_trials=max_trials, hyperparameters=hyperparameters,
                         allow_new_entries=allow_new_entries, tune_new_entries=tune_new_entries, seed=seed,
                         max_retries_per_trial=max_retries_per_trial,
                         max_consecutive_failed_trials=max_consecutive_failed_trials)

    def populate_space(self, trial_id):
        values = self._random_values()
        if values is None:
            return {"status": "STOPPED"}
        return {"status": "RUNNING", "values": values}


class RandomSearch(tuner_module.Tuner):
    """Random search over the hyperparameters `hypermodel` asks for.

    Args:
        hypermodel: a function `build_model(hp)` returning a compiled model, or a `HyperModel`.
        objective: the metric to optimize: a name ("val_loss" is minimized, "val_accuracy" maximized) or an
            `Objective(name, direction)`.
        max_trials: the number of hyperparameter sets to try.
        seed: makes the draws (and, in neuronet, each trial's weight initialization) reproducible.
        hyperparameters, tune_new_entries, allow_new_entries, max_retries_per_trial, max_consecutive_failed_trials:
            see `Oracle`.
        **kwargs: see `Tuner` (`directory`, `project_name`, `overwrite`, `executions_per_trial`, `executor`...).

    Example:
    >>> import tempfile
    >>> def build_model(hp):
    ...     model = keras.Sequential([keras.layers.Dense(hp.Int("units", 4, 16, step=4), activation="relu",
    ...                                                  input_shape=[3]), keras.layers.Dense(1)])
    ...     model.compile(optimizer="sgd", loss="mse")
    ...     return model
    >>> tuner = RandomSearch(build_model, objective="val_loss", max_trials=2, directory=tempfile.mkdtemp(),
    ...                      seed=1)
    >>> x, y = np.random.rand(32, 3), np.random.rand(32, 1)
    >>> tuner.search(x, y, epochs=1, validation_data=(x, y), verbose=0)
    >>> tuner.get_best_hyperparameters()[0].get("units") in (4, 8, 12, 16)
    True
    """

    def __init__(self, hypermodel=None, objective=None, max_trials=10, seed=None, hyperparameters=None,
                 tune_new_entries=True, allow_new_entries=True, max_retries_per_trial=0,
                 max_consecutive_failed_trials=3, **kwargs):
        oracle = RandomSearchOracle(objective=objective, max_trials=max_trials, seed=seed,
                                    hyperparameters=hyperparameters, tune_new_entries=tune_new_entries,
                                    allow_new_entries=allow_new_entries, max_retries_per_trial=max_retries_per_trial,
                                    max_consecutive_failed_trials=max_consecutive_failed_trials)
        super().__init__(oracle, hypermodel, **kwargs)
