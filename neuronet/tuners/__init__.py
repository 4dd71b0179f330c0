"""`neuronet.tuners`: hyperparameter search with Keras Tuner's API.

Keras Tuner code runs by changing its import (`import neuronet.tuners as kt` for `import keras_tuner as kt`):

    def build_model(hp):
        model = keras.Sequential([keras.layers.Flatten(input_shape=[28, 28])])
        for i in range(hp.Int("n_hidden", 1, 3)):
            model.add(keras.layers.Dense(hp.Int("n_neurons", 32, 256, step=32), activation="relu"))
        model.add(keras.layers.Dense(10, activation="softmax"))
        lr = hp.Float("learning_rate", 1e-4, 1e-2, sampling="log")
        model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.Adam(lr),
                      metrics=["accuracy"])
        return model

    tuner = kt.Hyperband(build_model, objective="val_accuracy", max_epochs=9, directory="runs", project_name="mnist")
    tuner.search(x_train, y_train, validation_data=(x_valid, y_valid))
    model = tuner.get_best_models()[0]

Results live in `<directory>/<project_name>` as JSON (trials, scores, best epochs) and `.npz` weights; running
the script again resumes the search (`overwrite=True` starts afresh). Trials run one by one in this process by
default, in local processes with `executor="processes"`, or on any executor with `submit()`: a
`concurrent.futures.ProcessPoolExecutor`, or a Dask `distributed.Client` for a cluster. Trials that run in other
processes need a picklable hypermodel: `build_model` defined at module level (Dask workers must import its module,
or call `cloudpickle.register_pickle_by_value(module)` first). Only scores and weight arrays travel back.
"""
from neuronet.tuners.bayesian import BayesianOptimization, BayesianOptimizationOracle  # noqa: F401
from neuronet.tuners.hyperband import Hyperband, HyperbandOracle, hyperband_schedule  # noqa: F401
from neuronet.tuners.hyperparameters import HyperParameters  # noqa: F401
from neuronet.tuners.metrics_tracking import MetricsTracker  # noqa: F401
from neuronet.tuners.oracle import MultiObjective, Objective, Oracle  # noqa: F401
from neuronet.tuners.random_search import RandomSearch, RandomSearchOracle  # noqa: F401
from neuronet.tuners.trial import Trial, TrialStatus  # noqa: F401
from neuronet.tuners.errors import FailedTrialError, FatalError, FatalTypeError, FatalValueError  # noqa: F401
from neuronet.tuners.hypermodel import HyperModel  # noqa: F401
from neuronet.tuners.tuner import Tuner  # noqa: F401

__all__ = ["BayesianOptimization", "BayesianOptimizationOracle", "FailedTrialError", "FatalError", "FatalTypeError",
           "FatalValueError", "HyperModel", "HyperParameters", "Hyperband", "HyperbandOracle", "MetricsTracker",
           "MultiObjective", "Objective", "Oracle", "RandomSearch", "RandomSearchOracle", "Trial", "TrialStatus",
           "Tuner", "hyperband_schedule"]
