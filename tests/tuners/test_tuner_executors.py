import concurrent.futures
import os
import sys

import numpy as np
import pytest

import neuronet as keras
from neuronet.tuners import Hyperband, HyperModel, RandomSearch


def _data(n=48, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    return x, (x @ np.array([[1.0], [-1.0], [2.0]])).astype("float32")


X, Y = _data()
XV, YV = _data(24, seed=1)


def build_model(hp):
    model = keras.Sequential([keras.layers.Dense(hp.Int("units", 2, 16, step=2), activation="relu", input_shape=[3]),
                              keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=hp.Float("lr", 1e-3, 1e-1, sampling="log")),
                  loss="mse")
    return model


class WhereItRan(HyperModel):
    """Trains like `build_model`, and reports the process that ran the trial as a metric."""

    def build(self, hp):
        return build_model(hp)

    def fit(self, hp, model, *args, **kwargs):
        history = model.fit(*args, **kwargs)
        return {"val_loss": min(history.history["val_loss"]), "pid": float(os.getpid())}


def _search(tmp_path, name, executor=None, hypermodel=build_model, **kwargs):
    tuner = RandomSearch(hypermodel, objective="val_loss", max_trials=4, seed=5, directory=tmp_path,
                         project_name=name, executor=executor, **kwargs)
    tuner.search(X, Y, epochs=2, validation_data=(XV, YV), verbose=0)
    return tuner


def _outcome(tuner):
    return [(t.hyperparameters.values, round(t.score, 6)) for t in tuner.oracle.trials.values()]


def test_process_pool_executor_gives_the_same_search_as_in_process(tmp_path):
    here = _search(tmp_path, "here")
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        remote = _search(tmp_path, "pool", executor=pool)
    assert _outcome(remote) == _outcome(here)  # seeded trials are reproducible wherever they run
    assert all(os.path.exists(remote._checkpoint_path(t)) for t in remote.oracle.trials)
    best = remote.oracle.get_best_trials()[0]
    assert remote.get_best_models()[0].evaluate(XV, YV, verbose=0) == pytest.approx(best.score, rel=1e-4)


def test_trials_run_in_worker_processes(tmp_path):
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        tuner = _search(tmp_path, "pids", executor=pool, hypermodel=WhereItRan())
    pids = {t.metrics.get_last_value("pid") for t in tuner.oracle.trials.values()}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2


def test_processes_executor_runs_hyperband_with_weight_reuse(tmp_path):
    tuner = Hyperband(build_model, objective="val_loss", max_epochs=3, factor=3, seed=1, directory=tmp_path,
                      executor="processes", max_concurrent_trials=2)
    tuner.search(X, Y, validation_data=(XV, YV), verbose=0)
    trials = list(tuner.oracle.trials.values())
    assert len(trials) == 6 and all(t.status == "COMPLETED" for t in trials)
    child = next(t for t in trials if "tuner/trial_id" in t.hyperparameters.values)
    parent = tuner.oracle.trials[child.hyperparameters.values["tuner/trial_id"]]
    assert len(child.history[0]["loss"]) == 2
    # continuing from the parent's best weights: the first extra epoch starts no worse than the parent ended
    assert child.history[0]["loss"][0] < parent.history[0]["loss"][0]


def test_hypermodels_that_cannot_pickle_are_refused_before_any_trial(tmp_path):
    def nested(hp):
        return build_model(hp)

    with concurrent.futures.ProcessPoolExecutor(max_workers=1) as pool:
        tuner = RandomSearch(nested, objective="val_loss", max_trials=2, directory=tmp_path, executor=pool)
        with pytest.raises(TypeError, match="module level"):
            tuner.search(X, Y, epochs=1, validation_data=(XV, YV), verbose=0)
    assert tuner.oracle.trials == {}


def test_a_missing_objective_stops_a_parallel_search_with_the_available_keys(tmp_path):
    tuner = RandomSearch(build_model, objective="val_accuracy", max_trials=4, directory=tmp_path,
                         executor="processes", max_concurrent_trials=2)
    with pytest.raises(ValueError, match=r"val_accuracy.*Available keys: \['loss', 'val_loss'\]"):
        tuner.search(X, Y, epochs=1, validation_data=(XV, YV), verbose=0)
    assert len(tuner.oracle.trials) <= 2


def test_executor_must_have_submit(tmp_path):
    with pytest.raises(TypeError, match="submit"):
        RandomSearch(build_model, objective="val_loss", directory=tmp_path, executor="threads")
    with pytest.raises(ValueError, match="max_concurrent_trials"):
        RandomSearch(build_model, objective="val_loss", directory=tmp_path, max_concurrent_trials=0)


def test_dask_local_cluster_runs_the_trials(tmp_path):
    import cloudpickle
    from dask import config as dask_config
    from distributed import Client, LocalCluster

    # The workers are new processes that cannot import this test module: send its functions by value.
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    cluster = client = None
    try:
        with dask_config.set({"distributed.comm.timeouts.connect": "60s"}):
            cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                   dashboard_address=None, worker_dashboard_address=None)
            client = Client(cluster, timeout="60s")
            with concurrent.futures.ThreadPoolExecutor(1) as watchdog:  # bound the time the search may take
                tuner = watchdog.submit(_search, tmp_path, "dask", client, WhereItRan()).result(timeout=240)
        trials = list(tuner.oracle.trials.values())
        assert len(trials) == 4 and all(t.status == "COMPLETED" for t in trials)
        workers = set(client.run(os.getpid).values())
        assert {t.metrics.get_last_value("pid") for t in trials} <= workers and os.getpid() not in workers
        assert tuner.get_best_models()[0].evaluate(XV, YV, verbose=0) is not None
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
