"""Loss functions: gradients (float64 finite differences), values, stability, labels, shapes, dtypes."""
import warnings

import numpy as np
import pytest

from neuronet import backend, losses, ops
from neuronet.autodiff import Tensor, check_grads, grad, primitives as p

RNG = np.random.default_rng(0)
N, K = 4, 3


def _uniform(low, high, shape=(N, K)):
    return RNG.uniform(low, high, size=shape)


def _one_hot(labels, k=K):
    return np.eye(k)[labels]


def _sigmoid_output(z):
    from neuronet import activations

    z = z if isinstance(z, Tensor) else Tensor(backend.asarray(z))
    return activations.sigmoid(z)  # tags its output with its logits


LABELS = RNG.integers(0, K, size=N)
BINARY = RNG.integers(0, 2, size=(N, K)).astype(np.float64)
TARGETS = _uniform(-2, 2)
# Predictions kept away from kinks (|error| == delta, margin == 0, error == 0) and from the clip bounds.
AWAY = TARGETS + RNG.choice([-1.0, 1.0], size=(N, K)) * _uniform(0.2, 0.8)
HUBER_PRED = TARGETS + RNG.choice([-1.0, 1.0], size=(N, K)) * np.array([0.3, 1.7, 0.6])
HINGE_PRED = (2 * BINARY - 1) * np.array([0.3, 1.6, -0.5])
PROBS, SOFT = _uniform(0.1, 0.9), _uniform(0, 1)
COUNTS = RNG.integers(0, 4, size=(N, K)).astype(np.float64)

# name -> list of (function of y_pred, y_pred). Every loss function and each path through it has a case.
CASES = {
    "mean_squared_error": [(lambda y: losses.mean_squared_error(TARGETS, y), AWAY)],
    "mean_absolute_error": [(lambda y: losses.mean_absolute_error(TARGETS, y), AWAY)],
    "mean_absolute_percentage_error": [(lambda y: losses.mean_absolute_percentage_error(TARGETS, y), AWAY)],
    "mean_squared_logarithmic_error": [
        (lambda y: losses.mean_squared_logarithmic_error(np.abs(TARGETS), y), _uniform(0.1, 3))],
    "huber": [(lambda y: losses.huber(TARGETS, y), HUBER_PRED),
              (lambda y: losses.huber(TARGETS, y, delta=0.5), HUBER_PRED)],
    "log_cosh": [(lambda y: losses.log_cosh(TARGETS, y), AWAY)],
    "hinge": [(lambda y: losses.hinge(BINARY, y), HINGE_PRED)],
    "squared_hinge": [(lambda y: losses.squared_hinge(BINARY, y), HINGE_PRED)],
    "kl_divergence": [(lambda y: losses.kl_divergence(PROBS, y), _uniform(0.1, 0.9))],
    "poisson": [(lambda y: losses.poisson(COUNTS, y), _uniform(0.2, 3))],
    "binary_crossentropy": [
        (lambda y: losses.binary_crossentropy(BINARY, y), _uniform(0.05, 0.95)),
        (lambda y: losses.binary_crossentropy(BINARY, y, label_smoothing=0.2), _uniform(0.05, 0.95)),
        (lambda z: losses.binary_crossentropy(BINARY, z, from_logits=True), _uniform(-4, 4)),
        (lambda z: losses.binary_crossentropy(BINARY, _sigmoid_output(z)), _uniform(-4, 4)),
    ],
    "categorical_crossentropy": [
        (lambda y: losses.categorical_crossentropy(_one_hot(LABELS), y), _uniform(0.1, 1)),
        (lambda z: losses.categorical_crossentropy(_one_hot(LABELS), z, from_logits=True), _uniform(-4, 4)),
        (lambda z: losses.categorical_crossentropy(SOFT, z, from_logits=True), _uniform(-4, 4)),
        (lambda z: losses.categorical_crossentropy(_one_hot(LABELS), z, from_logits=True, label_smoothing=0.1),
         _uniform(-4, 4)),
        (lambda z: losses.categorical_crossentropy(_one_hot(LABELS), ops.softmax(z)), _uniform(-4, 4)),
        (lambda z: losses.categorical_crossentropy(_one_hot(LABELS[:3]).T, z, from_logits=True, axis=0),
         _uniform(-4, 4, (K, 3))),
    ],
    "sparse_categorical_crossentropy": [
        (lambda y: losses.sparse_categorical_crossentropy(LABELS, y), _uniform(0.1, 1)),
        (lambda z: losses.sparse_categorical_crossentropy(LABELS, z, from_logits=True), _uniform(-4, 4)),
        (lambda z: losses.sparse_categorical_crossentropy(LABELS.astype(float)[:, None], ops.softmax(z)),
         _uniform(-4, 4)),
        (lambda z: losses.sparse_categorical_crossentropy(np.array([0, -1, 2, -1]), z, from_logits=True,
                                                          ignore_class=-1), _uniform(-4, 4)),
    ],
}
FUNCTIONS = {name: getattr(losses, name) for name in CASES}


@pytest.mark.parametrize("name, index", [(n, i) for n, cases in CASES.items() for i in range(len(cases))])
def test_gradient_matches_finite_differences(name, index):
    fn, y_pred = CASES[name][index]
    check_grads(fn, y_pred)


def test_every_loss_function_is_gradient_checked():
    public = {name: getattr(losses, name) for name in dir(losses)}  # dir(): the names loaded on first use too
    module_functions = {name for name, obj in public.items()
                        if callable(obj) and not isinstance(obj, type) and obj.__module__ == "neuronet.losses.functions"}
    assert module_functions - {"mse", "mae", "mape", "msle", "MSE", "MAE", "MAPE", "MSLE"} == set(CASES)


@pytest.mark.parametrize("cls, kwargs, y_true, y_pred", [
    (losses.MeanSquaredError, {}, TARGETS, AWAY),
    (losses.Huber, {"delta": 0.5}, TARGETS, HUBER_PRED),
    (losses.BinaryCrossentropy, {"from_logits": True}, BINARY, _uniform(-3, 3)),
    (losses.CategoricalCrossentropy, {"from_logits": True, "label_smoothing": 0.1}, _one_hot(LABELS), _uniform(-3, 3)),
    (losses.SparseCategoricalCrossentropy, {}, LABELS, _uniform(0.1, 1)),
])
@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "mean_with_sample_weight", None])
def test_loss_classes_gradient_with_reduction_and_sample_weight(cls, kwargs, y_true, y_pred, reduction):
    loss = cls(reduction=reduction, dtype="float64", **kwargs)
    weights = np.array([0.5, 2.0, 0.0, 1.0])
    check_grads(lambda y: loss(y_true, y, sample_weight=weights), y_pred)


# Values from the docstrings of keras/src/losses/losses.py (Keras 3).
def test_values_match_keras_documentation():
    y_true, logits = np.array([[0, 1], [0, 0]]), np.array([[-18.6, 0.51], [2.94, -12.8]])
    bce = losses.BinaryCrossentropy(from_logits=True)
    assert float(bce(y_true, logits)) == pytest.approx(0.8654, abs=1e-4)
    assert float(bce(y_true, logits, sample_weight=[0.8, 0.2])) == pytest.approx(0.243, abs=1e-3)
    assert float(losses.BinaryCrossentropy(from_logits=True, reduction="sum")(y_true, logits)) == \
        pytest.approx(1.730, abs=1e-3)
    none = losses.BinaryCrossentropy(from_logits=True, reduction=None)(y_true, logits).numpy()
    np.testing.assert_allclose(none, [0.235, 1.496], atol=1e-3)
    probs = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
    for loss, labels in [(losses.CategoricalCrossentropy, [[0, 1, 0], [0, 0, 1]]),
                         (losses.SparseCategoricalCrossentropy, [1, 2])]:
        assert float(loss()(labels, probs)) == pytest.approx(1.177, abs=1e-3)
        assert float(loss()(labels, probs, sample_weight=np.array([0.3, 0.7]))) == pytest.approx(0.814, abs=1e-3)
        assert float(loss(reduction="sum")(labels, probs)) == pytest.approx(2.354, abs=1e-3)
        np.testing.assert_allclose(loss(reduction=None)(labels, probs).numpy(), [0.0513, 2.303], atol=1e-3)
    np.testing.assert_allclose(losses.binary_crossentropy([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]).numpy(),
                               [0.916, 0.714], atol=1e-3)
    assert float(losses.huber([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]).numpy().mean()) == pytest.approx(0.155)
    assert float(losses.log_cosh([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]]).numpy().mean()) == \
        pytest.approx(0.108, abs=1e-3)


def test_values_match_numpy_references():
    yt, yp = TARGETS, AWAY
    np.testing.assert_allclose(losses.mse(yt, yp).numpy(), ((yt - yp) ** 2).mean(-1))
    np.testing.assert_allclose(losses.mae(yt, yp).numpy(), np.abs(yt - yp).mean(-1))
    np.testing.assert_allclose(losses.mape(yt, yp).numpy(), 100 * np.abs((yt - yp) / yt).mean(-1))
    np.testing.assert_allclose(losses.log_cosh(yt, yp).numpy(), np.log(np.cosh(yp - yt)).mean(-1))
    e = HUBER_PRED - yt
    expected = np.where(np.abs(e) <= 1, 0.5 * e ** 2, np.abs(e) - 0.5).mean(-1)
    np.testing.assert_allclose(losses.huber(yt, HUBER_PRED).numpy(), expected)
    z = _uniform(-4, 4)
    s = 1 / (1 + np.exp(-z))
    bce = -(BINARY * np.log(s) + (1 - BINARY) * np.log(1 - s)).mean(-1)
    np.testing.assert_allclose(losses.binary_crossentropy(BINARY, z, from_logits=True).numpy(), bce)
    log_softmax = z - np.log(np.exp(z).sum(-1, keepdims=True))
    cce = -log_softmax[np.arange(N), LABELS]
    np.testing.assert_allclose(losses.categorical_crossentropy(_one_hot(LABELS), z, from_logits=True).numpy(), cce)
    np.testing.assert_allclose(losses.sparse_categorical_crossentropy(LABELS, z, from_logits=True).numpy(), cce)
    np.testing.assert_allclose(losses.sparse_categorical_crossentropy(LABELS, np.exp(log_softmax)).numpy(), cce)
    smooth = 0.9 * _one_hot(LABELS) + 0.1 / K
    np.testing.assert_allclose(
        losses.categorical_crossentropy(_one_hot(LABELS), z, from_logits=True, label_smoothing=0.1).numpy(),
        -(smooth * log_softmax).sum(-1))


COLUMN = np.array([[1e4], [-1e4]], dtype="float32")  # confidently wrong for labels [[0], [1]]
ROWS = np.array([[1e4, -1e4], [1e4, -1e4]], dtype="float32")  # confidently class 0; labels say class 1


@pytest.mark.parametrize("make, logits", [
    (lambda z: losses.binary_crossentropy(np.array([[0.0], [1.0]], "float32"), z, from_logits=True), COLUMN),
    (lambda z: losses.binary_crossentropy(np.array([[0.0], [1.0]], "float32"), _sigmoid_output(z)), COLUMN),
    (lambda z: losses.categorical_crossentropy(np.eye(2, dtype="float32")[[1, 1]], ops.softmax(z)), ROWS),
    (lambda z: losses.categorical_crossentropy(np.full((2, 2), 0.5, "float32"), z, from_logits=True), ROWS),
    (lambda z: losses.sparse_categorical_crossentropy(np.array([1, 1]), ops.softmax(z)), ROWS),
    (lambda z: losses.sparse_categorical_crossentropy(np.array([1, 1]), z, from_logits=True), ROWS),
])
def test_huge_logits_give_finite_loss_and_gradient(make, logits):
    z = Tensor(backend.asarray(logits.copy()), requires_grad=True)
    loss = p.sum(make(z))
    (g,) = grad(loss, [z])
    assert loss.dtype == np.float32 and g.dtype == np.float32
    assert np.isfinite(loss.data) and np.all(np.isfinite(g))
    assert float(loss.data) > 1e3  # the true loss is ~1e4, not -log(1e-7) from clipped probabilities
    assert np.abs(g).max() > 0.1  # and the gradient still pushes (clipping would give 0)


def test_keras_logits_path_is_one_fused_node():
    z = Tensor(backend.asarray(_uniform(-3, 3).astype("float32")), requires_grad=True)
    out = losses.sparse_categorical_crossentropy(LABELS, ops.softmax(z))
    assert out.parents[0] is z  # softmax + cross-entropy became one sparse_softmax_cross_entropy node
    out = losses.categorical_crossentropy(_one_hot(LABELS), ops.softmax(z))
    assert out.parents[0] is z


def test_keras_logits_of_the_other_activation_are_not_used():
    z = _uniform(-3, 3)
    sigmoid_output = _sigmoid_output(Tensor(backend.asarray(z)))
    probs = sigmoid_output.data
    # A sigmoid output given to categorical cross-entropy is normalized and clipped, as Keras does for probabilities.
    np.testing.assert_allclose(losses.categorical_crossentropy(_one_hot(LABELS), sigmoid_output).numpy(),
                               losses.categorical_crossentropy(_one_hot(LABELS), probs).numpy())
    softmax_output = ops.softmax(Tensor(backend.asarray(z)))
    np.testing.assert_allclose(losses.binary_crossentropy(BINARY, softmax_output).numpy(),
                               losses.binary_crossentropy(BINARY, softmax_output.data).numpy())


def test_from_logits_true_on_an_activation_output_uses_its_logits_and_warns():
    z = _uniform(-3, 3)
    with pytest.warns(UserWarning, match="from_logits=True"):
        probabilities = ops.softmax(Tensor(backend.asarray(z)))
        value = losses.sparse_categorical_crossentropy(LABELS, probabilities, from_logits=True)
    expected = losses.sparse_categorical_crossentropy(LABELS, z, from_logits=True).numpy()
    np.testing.assert_allclose(value.numpy(), expected)


def test_sparse_labels_float_and_column_shapes():
    z = _uniform(-3, 3)
    expected = losses.sparse_categorical_crossentropy(LABELS, z, from_logits=True).numpy()
    for labels in (LABELS.astype("float32"), LABELS[:, None], LABELS.astype(float)[:, None]):
        value = losses.sparse_categorical_crossentropy(labels, z, from_logits=True)
        np.testing.assert_allclose(value.numpy(), expected)


@pytest.mark.parametrize("labels, message", [
    (np.array([0, 1, 3, 2]), r"\[0, 2\].*label 3"),
    (np.array([0, -1, 2, 1]), r"\[0, 2\].*label -1"),
    (np.array([0.0, 1.5, 2.0, 1.0]), "integer class ids"),
    (np.array([0.0, np.nan, 2.0, 1.0]), "label nan"),
    (np.eye(K)[LABELS], "categorical_crossentropy"),
])
def test_bad_sparse_labels_raise_clear_errors(labels, message):
    with pytest.raises(ValueError, match=message):
        losses.SparseCategoricalCrossentropy()(labels, _uniform(0.1, 1))


def test_categorical_shape_mismatch_points_to_sparse():
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        losses.categorical_crossentropy(LABELS, _uniform(0.1, 1))


def test_ignore_class_gives_zero_loss_and_averages_over_valid_entries():
    z = _uniform(-3, 3)
    labels = np.array([0, 255, 2, 255])
    per_sample = losses.sparse_categorical_crossentropy(labels, z, from_logits=True, ignore_class=255).numpy()
    full = losses.sparse_categorical_crossentropy(np.array([0, 0, 2, 0]), z, from_logits=True).numpy()
    np.testing.assert_allclose(per_sample, [full[0], 0, full[2], 0])
    loss = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=255)
    assert float(loss(labels, z)) == pytest.approx((full[0] + full[2]) / 2)


@pytest.mark.parametrize("fn", [losses.mse, losses.mae, losses.huber, losses.log_cosh, losses.mape, losses.msle])
def test_column_predictions_against_flat_targets_do_not_broadcast(fn):
    y_true, y_pred = np.array([1.0, 2.0, 3.0]), np.array([[1.5], [2.0], [2.0]])
    assert fn(y_true, y_pred).shape == (3,)
    assert fn(y_pred, y_true).shape == (3,)
    np.testing.assert_allclose(fn(y_true, y_pred).numpy(), fn(y_true[:, None], y_pred).numpy())
    loss = losses.LossFunctionWrapper(fn)
    assert loss(y_true, y_pred).shape == ()
    assert float(loss(y_true, y_pred)) == pytest.approx(float(fn(y_true[:, None], y_pred).numpy().mean()), rel=1e-6)


def test_binary_crossentropy_flat_labels_against_column_output():
    probs = np.array([[0.9], [0.2], [0.6]], "float32")
    flat = losses.BinaryCrossentropy()(np.array([1, 0, 1]), probs)
    column = losses.BinaryCrossentropy()(np.array([[1], [0], [1]]), probs)
    assert float(flat) == pytest.approx(float(column))


@pytest.mark.parametrize("name", sorted(CASES))
def test_float32_in_float32_out(name):
    fn, y_pred = CASES[name][0]
    y = Tensor(backend.asarray(np.asarray(y_pred, dtype="float32")), requires_grad=True)
    out = p.sum(fn(y))
    (g,) = grad(out, [y])
    assert out.dtype == np.float32 and g.dtype == np.float32


def test_loss_class_casts_to_its_dtype():
    assert losses.MeanSquaredError()(TARGETS, AWAY).dtype == np.float32  # float64 in, floatx (float32) loss
    assert losses.MeanSquaredError(dtype="float64")(TARGETS, AWAY).dtype == np.float64


def test_categorical_crossentropy_single_class_warns():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        losses.categorical_crossentropy(np.ones((2, 1)), np.ones((2, 1)))
    assert any("binary_crossentropy" in str(w.message) for w in caught)


def test_fused_mse_path_equals_the_general_path():
    from neuronet.autodiff import grad

    rng = np.random.default_rng(3)
    y_true = rng.normal(size=(6,)).astype("float32")
    values = rng.normal(size=(6, 1)).astype("float32")
    fast = Tensor(backend.asarray(values), requires_grad=True)
    general = Tensor(backend.asarray(values), requires_grad=True)
    loss = losses.MeanSquaredError()
    a = loss(y_true, fast)  # no weights: one fused node
    b = loss(y_true, general, sample_weight=np.ones(6, "float32"))  # weighted: the general path
    assert float(a.data) == pytest.approx(float(b.data), rel=1e-6)
    np.testing.assert_allclose(*[backend.to_numpy(grad(loss_value, [t])[0]) for loss_value, t in [(a, fast), (b, general)]],
                               rtol=1e-6)
