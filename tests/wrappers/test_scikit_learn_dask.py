"""The chapter's RandomizedSearchCV runs on a real Dask cluster through joblib's Dask backend.

A `LocalCluster` with two worker processes on the loopback interface stands in for a multi-machine cluster
(docs/dask.md shows how to point the same code at one). The search must finish within a time bound, its fits must
run on the cluster's workers (Dask's task stream names them), and the cluster is always closed.
"""
import concurrent.futures
import logging
import os

import joblib
import pytest
import numpy as np
import scipy.stats
from sklearn.model_selection import RandomizedSearchCV, train_test_split
from sklearn.preprocessing import StandardScaler

import neuronet as keras
from neuronet.wrappers.scikit_learn import KerasRegressor

TIME_LIMIT_S = 150


def build_model(n_hidden=1, n_neurons=30, learning_rate=3e-3, input_shape=[8], log_dir=None):  # noqa: B006
    if log_dir is not None:
        open(os.path.join(log_dir, f"pid-{os.getpid()}"), "w").close()
    model = keras.models.Sequential()
    model.add(keras.layers.InputLayer(input_shape=input_shape))
    for _ in range(n_hidden):
        model.add(keras.layers.Dense(n_neurons, activation="relu"))
    model.add(keras.layers.Dense(1))
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(lr=learning_rate))
    return model


@pytest.mark.requires_data("california_housing")
def test_random_search_on_a_dask_local_cluster(tmp_path):
    from dask.distributed import Client, LocalCluster, get_task_stream

    data = keras.datasets.california_housing.load_sklearn_version()
    x_train, x_valid, y_train, y_valid = train_test_split(data.data[:1200], data.target[:1200], random_state=42)
    scaler = StandardScaler().fit(x_train)
    x_train, x_valid = scaler.transform(x_train), scaler.transform(x_valid)
    params = {"n_hidden": [0, 1, 2], "n_neurons": np.arange(1, 40), "learning_rate": scipy.stats.reciprocal(3e-3, 3e-2)}
    search = RandomizedSearchCV(KerasRegressor(build_model, log_dir=str(tmp_path), verbose=0), params, n_iter=4,
                                cv=2, random_state=0)

    def run_search(client):
        # joblib's backend choice is per thread, so it is made in the thread that runs the search.
        with get_task_stream(client) as stream, joblib.parallel_backend("dask"):
            search.fit(x_train, y_train, epochs=3, validation_data=(x_valid, y_valid))
        return stream.data

    cluster = client = None
    executor = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    try:
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None, silence_logs=logging.ERROR)
        client = Client(cluster)
        tasks = executor.submit(run_search, client).result(timeout=TIME_LIMIT_S)
        workers = set(cluster.scheduler_info["workers"])
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
        executor.shutdown(wait=False)
    assert len(workers) == 2
    ran_on = {task["worker"] for task in tasks}
    assert ran_on and ran_on <= workers, f"tasks ran on {ran_on}, not on the cluster's workers {workers}"
    pids = {int(p.name.split("-")[1]) for p in tmp_path.iterdir()}
    assert pids - {os.getpid()}, "every model was built in the test process, none on a Dask worker"
    assert len(search.cv_results_["params"]) == 4 and np.isfinite(search.best_score_)
    assert isinstance(search.best_estimator_.model, keras.models.Sequential)
