"""BayesianOptimization: a Gaussian process models the score over the search space (Keras Tuner's algorithm).

Each trial's values are embedded in [0, 1]^d (one coordinate per non-fixed parameter, its cumulative probability).
After `num_initial_points` random trials, scikit-learn's `GaussianProcessRegressor` (Matérn 5/2 kernel, noise
`alpha`, normalized targets) is fitted to the scores, and the next point minimizes the lower confidence bound
`mean - beta * std` (scores are negated when the objective is maximized). Running trials enter the fit with a
pessimistic guess (mean + std), so parallel workers do not all try the same point. Needs scikit-learn.
"""
import warnings

import numpy as np

from neuronet.tuners import oracle as oracle_module
from neuronet.tuners import tuner as tuner_module
from neuronet.tuners.hyperparameters import Fixed, HyperParameters


def _import_sklearn_gp():
    try:
        from sklearn import gaussian_process
        from sklearn.gaussian_process import kernels
    except ImportError as error:
        raise ImportError("BayesianOptimization needs scikit-learn: `pip install scikit-learn` (or "
                          "`pip install \"neuronet[sklearn]\"`).") from error
    return gaussian_process.GaussianProcessRegressor, kernels


class BayesianOptimizationOracle(oracle_module.Oracle):
    """Gaussian-process Bayesian optimization with an upper-confidence-bound acquisition.

    Args:
        num_initial_points: random trials before the Gaussian process is used (default: 3 per tuned dimension).
        alpha: the noise added to the kernel's diagonal (how noisy the scores are expected to be).
        beta: the exploration weight: larger explores more.
        other arguments: see `Oracle`.
    """

    def __init__(self, objective=None, max_trials=10, num_initial_points=None, alpha=1e-4, beta=2.6, seed=None,
                 hyperparameters=None, allow_new_entries=True, tune_new_entries=True, max_retries_per_trial=0,
                 max_consecutive_failed_trials=3):
        if num_initial_points is not None and (not isinstance(num_initial_points, int) or num_initial_points < 1):
            raise ValueError(f"`num_initial_points` must be a positive integer or None. Received: "
                             f"{num_initial_points!r}")
        if alpha <= 0 or beta < 0:
            raise ValueError(f"`alpha` must be > 0 and `beta` >= 0. Received: alpha={alpha}, beta={beta}")
        _import_sklearn_gp()  # fail now, not after the random trials
        super().__init__(objective=objective, max_trials=max_trials, hyperparameters=hyperparameters,
                         allow_new_entries=allow_new_entries, tune_new_entries=tune_new_entries, seed=seed,
                         max_retries_per_trial=max_retries_per_trial,
                         max_consecutive_failed_trials=max_consecutive_failed_trials)
        self.num_initial_points, self.alpha, self.beta = num_initial_points, alpha, beta

    def _tuned(self):
        return [hp for hp in self.hyperparameters.space if not isinstance(hp, Fixed)]

    def populate_space(self, trial_id):
        tuned = self._tuned()
        completed = [t for t in self.trials.values() if t.status == "COMPLETED"]
        if not tuned or len(completed) < (self.num_initial_points or 3 * len(tuned)):
            return self._random_response()
        x, y = self._vectorize(completed, tuned)
        running = [t for t in self.ongoing_trials.values() if t.trial_id != trial_id]
        gpr = self._fit(x, y)
        if running:  # "hallucinate" a pessimistic result for each running trial, then refit
            x_run, _ = self._vectorize(running, tuned)
            mean, std = gpr.predict(x_run, return_std=True)
            gpr = self._fit(np.vstack([x, x_run]), np.concatenate([y, mean + std]))
        rng = np.random.default_rng([self.seed, self._seed_state])
        self._seed_state += 1
        candidates = rng.uniform(size=(2000, len(tuned)))
        mean, std = gpr.predict(candidates, return_std=True)
        for index in np.argsort(mean - self.beta * std):  # best acquisition first, skipping values already tried
            values = self._vector_to_values(candidates[index])
            if not self._duplicate(values):
                return {"status": "RUNNING", "values": values}
        return self._random_response()

    def _random_response(self):
        values = self._random_values()
        return {"status": "STOPPED"} if values is None else {"status": "RUNNING", "values": values}

    def _fit(self, x, y):
        regressor, kernels = _import_sklearn_gp()
        kernel = kernels.ConstantKernel(1.0, (1e-3, 1e3)) * kernels.Matern(
            length_scale=np.ones(x.shape[1]), length_scale_bounds=(1e-2, 1e2), nu=2.5)
        gpr = regressor(kernel=kernel, alpha=self.alpha, normalize_y=True, n_restarts_optimizer=0,
                        random_state=(self.seed + self._seed_state) % (2 ** 31))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # convergence warnings of the kernel fit on a handful of points
            gpr.fit(x, y)
        return gpr

    def _vectorize(self, trials, tuned):
        x, y = [], []
        for trial in trials:
            hps = trial.hyperparameters
            x.append([hp.value_to_prob(hps.values[hp.name] if hps.is_active(hp) and hp.name in hps.values
                                       else hp.default) for hp in tuned])
            if trial.score is not None:
                y.append(-trial.score if self.objective.direction == "max" else trial.score)
        return np.array(x, dtype="float64"), np.array(y, dtype="float64")

    def _vector_to_values(self, vector):
        hps, probs = HyperParameters(), iter(vector)
        for hp in self.hyperparameters.space:
            hps.merge([hp])
            value = hp.value if isinstance(hp, Fixed) else hp.prob_to_value(float(next(probs)))
            if hps.is_active(hp):
                hps.values[hp.name] = value
        return hps.values

    def settings(self):
        return {"alpha": self.alpha, "beta": self.beta}


class BayesianOptimization(tuner_module.Tuner):
    """Bayesian optimization with a Gaussian process over the (normalized) search space.

    Args:
        hypermodel: a function `build_model(hp)` returning a compiled model, or a `HyperModel`.
        objective: the metric to optimize ("val_loss", "val_accuracy", or an `Objective`).
        max_trials: the number of trials.
        num_initial_points: random trials before the Gaussian process is used (default: 3 per tuned parameter).
        alpha: the noise level of the scores (added to the kernel's diagonal).
        beta: exploration weight of the upper confidence bound.
        seed, hyperparameters, tune_new_entries, allow_new_entries, max_retries_per_trial,
            max_consecutive_failed_trials: see `RandomSearch` and `Oracle`.
        **kwargs: see `Tuner`.
    """

    def __init__(self, hypermodel=None, objective=None, max_trials=10, num_initial_points=None, alpha=1e-4, beta=2.6,
                 seed=None, hyperparameters=None, tune_new_entries=True, allow_new_entries=True,
                 max_retries_per_trial=0, max_consecutive_failed_trials=3, **kwargs):
        oracle = BayesianOptimizationOracle(objective=objective, max_trials=max_trials,
                                            num_initial_points=num_initial_points, alpha=alpha, beta=beta, seed=seed,
                                            hyperparameters=hyperparameters, tune_new_entries=tune_new_entries,
                                            allow_new_entries=allow_new_entries,
                                            max_retries_per_trial=max_retries_per_trial,
                                            max_consecutive_failed_trials=max_consecutive_failed_trials)
        super().__init__(oracle, hypermodel, **kwargs)
