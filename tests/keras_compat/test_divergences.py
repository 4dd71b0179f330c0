"""Where neuronet deliberately differs from the recorded Keras 3 (TensorFlow) outputs, and why.

The reference is what Keras 3 computes where its TensorFlow and JAX backends agree. Where they disagree with each
other, or where Keras refuses an input its own docs allow or drops a setting, neuronet keeps its behaviour; each
choice is pinned here against the recorded Keras output, and listed in `test_differential.DIVERGENCES`.
"""
import numpy as np

import neuronet
from neuronet.autodiff import Tensor, graph

from tests.keras_compat.test_differential import ARRAYS, CASES, DIVERGENCES, expected, inputs

BY_ID = {case["id"]: case for case in CASES}
SCALE, ALPHA = 1.0507009873554805, 1.6732632423543772


def test_every_divergence_is_a_recorded_case():
    assert set(DIVERGENCES) <= set(BY_ID)


def test_selu_derivative_at_zero_takes_the_negative_branch_as_jax_does():
    x = Tensor(neuronet.backend.asarray(np.array([0.0], dtype="float32")), requires_grad=True)
    (grad,) = graph.grad(neuronet.activations.selu(x).sum(), [x])
    np.testing.assert_allclose(neuronet.backend.to_numpy(grad), [SCALE * ALPHA], rtol=1e-6)  # jax.nn.selu: where(x > 0, ...) picks alpha
    case = BY_ID["activations.selu[{}]"]
    a = inputs(case)
    at_zero = np.flatnonzero(a["x"] == 0.0)
    keras_grad = expected(case, "grad")[at_zero] / a["cotangent"][at_zero]
    np.testing.assert_allclose(keras_grad, [SCALE], rtol=1e-6)  # TensorFlow's selu gradient uses x >= 0


def test_sparse_crossentropy_renormalises_unnormalised_rows_before_clipping():
    case = BY_ID["losses.sparse_categorical_crossentropy[sparse_unnormalised_wide]"]
    a = inputs(case)
    ours = neuronet.losses.sparse_categorical_crossentropy(a["y_true"], a["y_pred"]).numpy()
    probs = a["y_pred"] / a["y_pred"].sum(axis=-1, keepdims=True)  # JAX's order: renormalise, then clip
    eps = neuronet.backend.epsilon()
    picked = np.clip(probs[np.arange(len(probs)), a["y_true"]], eps, 1 - eps)
    np.testing.assert_allclose(ours, -np.log(picked), rtol=1e-5)
    tf_order = np.clip(a["y_pred"], eps, 1 - eps)  # TensorFlow's: clip, then renormalise
    tf_order = tf_order / tf_order.sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(expected(case, "value"), -np.log(tf_order[np.arange(len(probs)), a["y_true"]]),
                               rtol=1e-5)


def test_huber_config_keeps_delta_that_keras_drops():
    config = BY_ID["losses.Huber[config,{'delta': 0.3}]"]["outputs"]["config"]
    assert "delta" not in config  # Keras 3.15: Huber.get_config() loses the setting
    ours = neuronet.losses.Huber(delta=0.3, name="my_loss").get_config()
    assert ours == {**config, "delta": 0.3}
    assert neuronet.losses.Huber.from_config(ours).get_config()["delta"] == 0.3
    assert neuronet.losses.Huber.from_config(config).get_config()["delta"] == 1.0  # Keras's config: the default


def test_per_sample_weights_on_a_rank_3_loss_weigh_along_the_batch_axis():
    case = BY_ID["losses.CategoricalCrossentropy[rank-3 loss, per-sample weights (n,)]"]
    assert "Incompatible shapes" in case["keras_error"]  # Keras broadcasts (n,) against (n, t) and fails
    a = inputs(case)
    per_step = neuronet.losses.categorical_crossentropy(a["y_true"], a["y_pred"]).numpy()  # (n, t)
    ours = neuronet.losses.CategoricalCrossentropy()(a["y_true"], a["y_pred"], sample_weight=a["sample_weight"])
    np.testing.assert_allclose(ours.numpy(), (per_step * a["sample_weight"][:, None]).mean(), rtol=1e-6)
    assert per_step.shape == ARRAYS[case["arrays"]["y_pred"]].shape[:2]


def test_categorical_crossentropy_of_sigmoid_outputs_uses_the_probabilities():
    """`loss="crossentropy"` on 3 sigmoid units with (n, 3) targets is categorical cross-entropy (chosen by shape,
    as in Keras). Keras's TF backend then takes the sigmoid's stored logits as if they were softmax logits; JAX
    has no stored logits and renormalises the probabilities, as neuronet does."""
    case = BY_ID["keras.Sequential[resolve accuracy,crossentropy, 3 sigmoid units]"]
    a = inputs(case)
    logits = a["x"] @ a["weight_0"] + a["weight_1"]
    probs = 1 / (1 + np.exp(-logits.astype("float64")))
    jax_loss = -(a["y"] * np.log(probs / probs.sum(-1, keepdims=True))).sum(-1).mean()
    tf_loss = -(a["y"] * (logits - np.log(np.exp(logits).sum(-1, keepdims=True)))).sum(-1).mean()
    keys = case["outputs"]["evaluate_keys"]
    np.testing.assert_allclose(expected(case, "evaluate")[keys.index("loss")], tf_loss, rtol=1e-5)
    model = neuronet.Sequential([neuronet.Input((8,)), neuronet.layers.Dense(3, activation="sigmoid")])
    model.set_weights([a["weight_0"], a["weight_1"]])
    model.compile(loss="crossentropy", metrics=["accuracy"])
    logs = model.evaluate(a["x"], a["y"], verbose=0, return_dict=True)
    np.testing.assert_allclose(logs["loss"], jax_loss, rtol=1e-5)
    np.testing.assert_allclose(logs["accuracy"], expected(case, "evaluate")[keys.index("accuracy")], rtol=1e-6)
