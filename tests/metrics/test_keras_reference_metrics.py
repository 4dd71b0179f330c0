"""Loss metrics, Precision, Recall, AUC and F1Score over three batches (two weighted) against real Keras 3.

The numbers come from tools/make_reference_numbers.py (real Keras, recorded into fixtures/keras_metrics.json).
"""
import json
import pathlib

import numpy as np
import pytest

from neuronet import metrics

FIXTURE = json.loads((pathlib.Path(__file__).parent / "fixtures" / "keras_metrics.json").read_text())
CASES = FIXTURE["cases"]


def _batches(kind):
    for batch, weight in zip(FIXTURE["batches"], FIXTURE["sample_weights"]):
        y_true, y_pred = (np.array(a, dtype="float32") for a in batch[kind])
        yield y_true, y_pred, None if weight is None else np.array(weight, dtype="float32")


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['class_name']}-{c['config']}-{c['data']}")
def test_running_result_matches_real_keras(case):
    metric = getattr(metrics, case["class_name"])(**case["config"])
    for (y_true, y_pred, weight), want in zip(_batches(case["data"]), case["results"]):
        if isinstance(want, dict):  # real Keras refused this batch: neuronet must refuse it too, clearly
            with pytest.raises(ValueError, match=r"shape"):
                metric.update_state(y_true, y_pred, sample_weight=weight)
            return
        metric.update_state(y_true, y_pred, sample_weight=weight)
        np.testing.assert_allclose(metric.result(), want, rtol=2e-5, atol=2e-6)
    metric.reset_state()
    assert np.all(np.asarray(metric.result()) == 0)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['class_name']}-{c['config']}-{c['data']}")
def test_config_matches_real_keras_and_round_trips(case):
    metric = getattr(metrics, case["class_name"])(**case["config"])
    config = metric.get_config()
    want = {k: v for k, v in case["keras_config"].items() if k != "name"}  # Keras numbers repeated names
    if case["class_name"] == "CosineSimilarity":  # Keras leaves `axis` out of the config, losing it on reload
        want["axis"] = case["config"].get("axis", -1)
    assert {k: v for k, v in config.items() if k not in ("name", "dtype")} == want
    clone = metrics.deserialize(metrics.serialize(metric))
    assert type(clone) is type(metric) and clone.get_config() == config


@pytest.mark.parametrize("name, cls", [("auc", metrics.AUC), ("precision", metrics.Precision),
                                       ("recall", metrics.Recall), ("f1_score", metrics.F1Score),
                                       ("BinaryCrossentropy", metrics.BinaryCrossentropy),
                                       ("LogCoshError", metrics.LogCoshError)])
def test_get_by_name(name, cls):
    assert type(metrics.get(name)) is cls


@pytest.mark.parametrize("cls, kwargs, match", [
    (metrics.Precision, {"thresholds": [0.5, 1.5]}, r"\[0, 1\]"),
    (metrics.Recall, {"top_k": 0}, "top_k=0"),
    (metrics.AUC, {"num_thresholds": 1}, "num_thresholds=1"),
    (metrics.AUC, {"curve": "XY"}, "curve"),
    (metrics.AUC, {"summation_method": "left"}, "summation method"),
    (metrics.AUC, {"num_labels": 3}, "multi_label"),
    (metrics.F1Score, {"average": "mean"}, "average=mean"),
    (metrics.F1Score, {"threshold": 1}, "threshold=1"),
    (metrics.FBetaScore, {"beta": 0.0}, "beta=0.0"),
])
def test_invalid_arguments_are_refused(cls, kwargs, match):
    with pytest.raises(ValueError, match=match):
        cls(**kwargs)


def test_precision_recall_auc_f1_in_fit_and_evaluate():
    import neuronet as keras

    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x[:, :1] + 0.3 * rng.normal(size=(64, 1)) > 0).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(keras.optimizers.Adam(0.05), "binary_crossentropy",
                  metrics=[metrics.Precision(), metrics.Recall(), metrics.AUC(), metrics.BinaryCrossentropy()])
    history = model.fit(x, y, epochs=15, batch_size=16, verbose=0)
    assert {"precision", "recall", "auc", "binary_crossentropy"} <= set(history.history)
    assert history.history["auc"][-1] > 0.9
    results = model.evaluate(x, y, verbose=0, return_dict=True)
    assert results["binary_crossentropy"] == pytest.approx(results["loss"], rel=1e-4)
    auc = metrics.AUC()
    auc.update_state(y, model.predict(x, verbose=0))
    assert results["auc"] == pytest.approx(auc.result(), rel=1e-6)
