import numpy as np
import pytest

import neuronet as keras
from neuronet.tuners import BayesianOptimization, HyperModel, HyperParameters, Objective
from neuronet.tuners.bayesian import BayesianOptimizationOracle

X = np.zeros((4, 1), dtype="float32")


def _tiny_model():
    model = keras.Sequential([keras.layers.Dense(1, input_shape=[1])])
    model.compile(optimizer="sgd", loss="mse")
    return model


class Quadratic(HyperModel):
    """A known objective, (x - 0.3)^2, so the optimizer's proposals can be checked."""

    def build(self, hp):
        hp.Float("x", -1.0, 1.0)
        return _tiny_model()

    def fit(self, hp, model, *args, **kwargs):
        return (hp.get("x") - 0.3) ** 2


class Peak(HyperModel):
    def build(self, hp):
        hp.Float("x", -1.0, 1.0)
        return _tiny_model()

    def fit(self, hp, model, *args, **kwargs):
        return {"score": 1.0 - (hp.get("x") + 0.5) ** 2}


def test_gaussian_process_proposals_converge_on_the_optimum(tmp_path):
    tuner = BayesianOptimization(Quadratic(), max_trials=10, num_initial_points=3, seed=0, directory=tmp_path)
    tuner.search(X, X, verbose=0)
    xs = [t.hyperparameters.values["x"] for t in tuner.oracle.trials.values()]
    assert len(xs) == 10 and len(set(xs)) == 10
    assert tuner.oracle.get_best_trials()[0].score < 1e-4
    assert all(abs(x - 0.3) < 0.02 for x in xs[-3:])  # exploiting around 0.3 by the end


def test_maximized_objectives_are_handled(tmp_path):
    tuner = BayesianOptimization(Peak(), objective=Objective("score", "max"), max_trials=9, num_initial_points=3,
                                 seed=1, directory=tmp_path)
    tuner.search(X, X, verbose=0)
    best = tuner.get_best_hyperparameters()[0].get("x")
    assert abs(best + 0.5) < 0.05


def test_default_initial_points_are_three_per_tuned_dimension(tmp_path):
    class TwoDims(HyperModel):
        def build(self, hp):
            hp.Int("units", 1, 50)
            hp.Choice("activation", ["relu", "tanh"])
            hp.Fixed("batch_size", 8)  # not a dimension
            return _tiny_model()

        def fit(self, hp, model, *args, **kwargs):
            return (hp.get("units") - 20) ** 2 + (hp.get("activation") == "relu")

    tuner = BayesianOptimization(TwoDims(), max_trials=9, seed=2, directory=tmp_path)
    fits = []
    fit = tuner.oracle._fit
    tuner.oracle._fit = lambda x, y: fits.append(len(x)) or fit(x, y)
    tuner.search(X, X, verbose=0)
    assert fits == [6, 7, 8]  # the Gaussian process is used once 6 trials completed
    values = [tuple(sorted(t.hyperparameters.values.items())) for t in tuner.oracle.trials.values()]
    assert len(set(values)) == 9 and all(dict(v)["batch_size"] == 8 for v in values)


def test_exhausted_discrete_space_stops_the_search(tmp_path):
    class Small(HyperModel):
        def build(self, hp):
            hp.Int("units", 1, 3)
            return _tiny_model()

        def fit(self, hp, model, *args, **kwargs):
            return float(hp.get("units"))

    tuner = BayesianOptimization(Small(), max_trials=10, num_initial_points=1, seed=3, directory=tmp_path)
    tuner.search(X, X, verbose=0)
    assert sorted(t.hyperparameters.values["units"] for t in tuner.oracle.trials.values()) == [1, 2, 3]


def test_running_trials_push_parallel_proposals_apart():
    hp = HyperParameters()
    hp.Float("x", -1.0, 1.0)
    oracle = BayesianOptimizationOracle("loss", max_trials=20, num_initial_points=3, hyperparameters=hp, seed=1)
    for _ in range(3):
        trial = oracle.create_trial()
        oracle.update_trial(trial.trial_id, {"loss": (trial.hyperparameters.values["x"] - 0.3) ** 2})
        trial.status = "COMPLETED"
        oracle.end_trial(trial)
    first = oracle.create_trial().hyperparameters.values["x"]
    second = oracle.create_trial().hyperparameters.values["x"]  # while the first one still runs
    assert abs(first - second) > 0.02


def test_bad_arguments():
    with pytest.raises(ValueError, match="num_initial_points"):
        BayesianOptimizationOracle("loss", num_initial_points=0)
    with pytest.raises(ValueError, match="alpha"):
        BayesianOptimizationOracle("loss", alpha=0)
    with pytest.raises(ValueError, match="seed"):
        BayesianOptimizationOracle("loss", seed=-1)
