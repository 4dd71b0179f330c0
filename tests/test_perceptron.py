"""Tests for neuronet.perceptron: TLU steps, the perceptron rule by hand, agreement with scikit-learn, bad input.

Skipped/expected-to-fail scikit-learn estimator checks (see `_expected_failed_checks`):
- check_sample_weight_equivalence_on_dense_data: an online rule is not invariant to turning a weight of 2 into a
  repeated row (the repeat is seen at another time, after other updates). scikit-learn marks the same check as an
  expected failure for its own Perceptron, for the same reason.
scikit-learn skips a few checks by itself when their optional inputs are missing: the pandas ones
(check_sample_weights_pandas_series, check_classifier_data_not_an_array) without pandas, and check_array_api_input
unless SCIPY_ARRAY_API=1 (we do not claim array-API support).
"""
import subprocess
import sys
import warnings

import numpy as np
import pytest
from scipy import sparse
from sklearn import datasets, linear_model, model_selection, pipeline, preprocessing
from sklearn.base import clone
from sklearn.exceptions import NotFittedError as SklearnNotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks

import neuronet as keras
from neuronet import perceptron
from neuronet.perceptron import Perceptron

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])
AND_Y = np.array([0, 0, 0, 1])


def _iris(petals_only=True):
    iris = datasets.load_iris()
    return (iris.data[:, 2:4] if petals_only else iris.data), iris.target


# -- threshold logic units ------------------------------------------------------------------------------------------
def test_heaviside_is_one_at_zero_and_keeps_float_dtype():
    np.testing.assert_array_equal(perceptron.heaviside([-2, 0, 3]), [0.0, 1.0, 1.0])
    out = perceptron.heaviside(np.array([-0.5, 0.0, 0.5], dtype="float32"))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [0, 1, 1])
    assert np.isnan(perceptron.heaviside(np.nan))


def test_sign_is_zero_at_zero():
    np.testing.assert_array_equal(perceptron.sign([-2, 0, 3]), [-1.0, 0.0, 1.0])


def test_tlu_forward_pass_is_a_step_of_a_weighted_sum():
    w, b = np.array([1.0, 1.0]), -1.5  # logical AND as a hand-made TLU
    np.testing.assert_array_equal(perceptron.heaviside(XOR_X @ w + b), AND_Y)


# -- the perceptron rule, checked by hand ---------------------------------------------------------------------------
def test_updates_follow_the_perceptron_rule_exactly():
    # AND, one instance at a time, eta0 = 0.5. A mistake adds η (y - ŷ) x = ±0.5 x; an instance on the boundary
    # (z == 0) counts as a mistake, as in scikit-learn.
    expected = [  # (w1, w2, b) after each instance: why
        (0.0, 0.0, -0.5),  # x=(0,0) y=0: z=0, boundary -> b -= 0.5
        (0.0, 0.0, -0.5),  # x=(0,1) y=0: z=-0.5, right
        (0.0, 0.0, -0.5),  # x=(1,0) y=0: z=-0.5, right
        (0.5, 0.5, 0.0),   # x=(1,1) y=1: z=-0.5, wrong -> w += 0.5 x, b += 0.5
        (0.5, 0.5, -0.5),  # x=(0,0) y=0: z=0, boundary -> b -= 0.5
        (0.5, 0.0, -1.0),  # x=(0,1) y=0: z=0, boundary -> w -= 0.5 x, b -= 0.5
        (0.5, 0.0, -1.0),  # x=(1,0) y=0: z=-0.5, right
        (1.0, 0.5, -0.5),  # x=(1,1) y=1: z=-0.5, wrong -> w += 0.5 x, b += 0.5
    ]
    clf = Perceptron(eta0=0.5)
    for step, (w1, w2, b) in enumerate(expected):
        i = step % 4
        clf.partial_fit(XOR_X[i:i + 1], AND_Y[i:i + 1], classes=[0, 1])
        np.testing.assert_array_equal(clf.coef_, [[w1, w2]], err_msg=f"after instance {step}")
        np.testing.assert_array_equal(clf.intercept_, [b], err_msg=f"after instance {step}")
    assert clf.t_ == 9.0  # 1 + instances seen, as in scikit-learn


def test_fit_without_shuffle_equals_the_same_instances_one_at_a_time():
    by_epoch = Perceptron(shuffle=False, eta0=0.5, max_iter=2, tol=None).fit(XOR_X, AND_Y)
    np.testing.assert_array_equal(by_epoch.coef_, [[1.0, 0.5]])
    np.testing.assert_array_equal(by_epoch.intercept_, [-0.5])


def test_positive_instance_on_the_boundary_is_updated():
    # The book's heaviside(0) = 1 would call this right and skip it; scikit-learn (and we) update.
    clf = Perceptron().partial_fit([[1.0, 2.0]], [1], classes=[0, 1])
    np.testing.assert_array_equal(clf.coef_, [[1.0, 2.0]])
    np.testing.assert_array_equal(clf.intercept_, [1.0])


def test_multiclass_is_a_layer_of_tlus_one_vs_rest():
    clf = Perceptron().partial_fit([[1.0, 2.0]], ["b"], classes=["a", "b", "c"])
    # Every TLU starts on the boundary, so all three update: +x for class "b", -x for the rest.
    np.testing.assert_array_equal(clf.coef_, [[-1.0, -2.0], [1.0, 2.0], [-1.0, -2.0]])
    np.testing.assert_array_equal(clf.intercept_, [-1.0, 1.0, -1.0])
    assert clf.predict([[1.0, 2.0]]).tolist() == ["b"]


# -- what it can and cannot learn ------------------------------------------------------------------------------------
@pytest.mark.parametrize("shuffle", [False, True])
def test_linearly_separable_data_reaches_100_percent_and_stops(shuffle):
    X, y = _iris()
    clf = Perceptron(shuffle=shuffle, random_state=0).fit(X, y == 0)
    assert clf.score(X, y == 0) == 1.0
    assert clf.n_iter_ < clf.max_iter


def test_book_example_is_it_iris_setosa():
    X, y = _iris()
    per_clf = Perceptron(random_state=42).fit(X, y == 0)
    assert per_clf.predict([[2, 0.5], [3, 1]]).tolist() == [True, False]


@pytest.mark.parametrize("kwargs", [{"shuffle": False}, {"random_state": 0}, {"tol": None, "max_iter": 200}])
def test_xor_cannot_be_learned(kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", perceptron.ConvergenceWarning)
        clf = Perceptron(**kwargs).fit(XOR_X, XOR_Y)
    assert clf.score(XOR_X, XOR_Y) <= 0.75  # no line separates XOR


def test_convergence_warning_when_max_iter_is_reached():
    with pytest.warns(perceptron.ConvergenceWarning, match="max_iter=3"):
        Perceptron(max_iter=3, n_iter_no_change=10).fit(XOR_X, XOR_Y)


def test_mlp_learns_xor():
    keras.utils.set_random_seed(42)
    model = keras.models.Sequential([
        keras.layers.Dense(8, activation="tanh", input_shape=[2]),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(learning_rate=0.05))
    model.fit(XOR_X, XOR_Y, epochs=300, verbose=0)
    np.testing.assert_array_equal((model.predict(XOR_X, verbose=0) > 0.5).ravel(), XOR_Y.astype(bool))


# -- agreement with scikit-learn ----------------------------------------------------------------------------------
SETTINGS = [{}, {"eta0": 0.1}, {"fit_intercept": False}, {"tol": None, "max_iter": 30},
            {"class_weight": "balanced"}, {"n_iter_no_change": 2, "tol": 0.5}]


@pytest.mark.parametrize("task", ["setosa", "3 classes (petals)", "3 classes (all features)"])
@pytest.mark.parametrize("kwargs", SETTINGS, ids=str)
def test_same_weights_and_predictions_as_sklearn_without_shuffle(task, kwargs):
    X, y = _iris(petals_only="all" not in task)
    y = y == 0 if task == "setosa" else y
    ours = Perceptron(shuffle=False, **kwargs).fit(X, y)
    theirs = linear_model.Perceptron(shuffle=False, **kwargs).fit(X, y)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=1e-12, atol=1e-12)
    assert (ours.n_iter_, ours.t_) == (theirs.n_iter_, theirs.t_)
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)


def test_same_as_sklearn_with_partial_fit_sample_weight_and_warm_start():
    X, y = _iris(petals_only=False)
    weights = np.random.default_rng(0).uniform(0, 2, len(y))
    pairs = []
    for estimator in (Perceptron(shuffle=False, warm_start=True, max_iter=3),
                      linear_model.Perceptron(shuffle=False, warm_start=True, max_iter=3)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            estimator.fit(X, y, sample_weight=weights).fit(X, y)
        for start in range(0, 150, 50):
            estimator.partial_fit(X[start:start + 50], y[start:start + 50])
        pairs.append((estimator.coef_, estimator.intercept_, estimator.t_))
    np.testing.assert_allclose(pairs[0][0], pairs[1][0], rtol=1e-12)
    np.testing.assert_allclose(pairs[0][1], pairs[1][1], rtol=1e-12)
    assert pairs[0][2] == pairs[1][2]


def test_accuracy_with_shuffle_is_comparable_to_sklearn():
    X, y = _iris(petals_only=False)
    ours = [Perceptron(random_state=seed).fit(X, y).score(X, y) for seed in range(10)]
    theirs = [linear_model.Perceptron(random_state=seed).fit(X, y).score(X, y) for seed in range(10)]
    assert abs(np.mean(ours) - np.mean(theirs)) < 0.1


def test_early_stopping_holds_out_a_validation_set():
    X, y = _iris(petals_only=False)
    clf = Perceptron(early_stopping=True, random_state=0).fit(X, y)
    assert 1 <= clf.n_iter_ < clf.max_iter
    assert clf.score(X, y) > 0.5


# -- scikit-learn integration ----------------------------------------------------------------------------------------
def _expected_failed_checks(estimator):
    return {"check_sample_weight_equivalence_on_dense_data":
            "an online rule is not invariant to repeating a sample instead of weighting it (same xfail as sklearn)"}


with warnings.catch_warnings():  # Perceptron does not inherit BaseEstimator on purpose: sklearn stays optional
    warnings.filterwarnings("ignore", message="Estimator Perceptron does not inherit", category=UserWarning)
    _SKLEARN_CHECKS = parametrize_with_checks([Perceptron()], expected_failed_checks=_expected_failed_checks)


@_SKLEARN_CHECKS
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def test_clone_pipeline_and_grid_search():
    X, y = _iris(petals_only=False)
    original = Perceptron(eta0=0.5, class_weight={0: 2.0})
    copy = clone(original)
    assert copy is not original and copy.get_params() == original.get_params()
    assert repr(copy) == "Perceptron(class_weight={0: 2.0}, eta0=0.5)"
    model = pipeline.make_pipeline(preprocessing.StandardScaler(), Perceptron(random_state=0))
    search = model_selection.GridSearchCV(model, {"perceptron__eta0": [0.1, 1.0]}, cv=3).fit(X, y)
    assert search.best_params_["perceptron__eta0"] in (0.1, 1.0)
    assert search.score(X, y) > 0.8


def test_works_without_sklearn():
    code = ("import sys; sys.modules['sklearn'] = None\n"  # makes `import sklearn` fail
            "from neuronet.perceptron import Perceptron\n"
            "clf = Perceptron(random_state=0).fit([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 0, 0, 1])\n"
            "assert clf.predict([[1, 1]]).tolist() == [1] and clf.get_params()['eta0'] == 1.0\n"
            "assert 'sklearn.linear_model' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


# -- bad input ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("X, error, match", [
    ([["a", "b"], ["c", "d"]], TypeError, "numeric features"),
    (np.array([[1.0, {}], [2.0, 3.0]], dtype=object), TypeError, "could not convert them to float"),
    ([[1.0, np.nan], [2.0, 3.0]], ValueError, "contains NaN"),
    ([[1.0, np.inf], [2.0, 3.0]], ValueError, "contains infinity"),
    ([1.0, 2.0], ValueError, "Expected 2D array"),
    (np.ones((2, 2), dtype=complex), ValueError, "Complex data"),
])
def test_bad_features(X, error, match):
    with pytest.raises(error, match=match):
        Perceptron().fit(X, [0, 1])


def test_single_class_names_it():
    with pytest.raises(ValueError, match=r"at least 2 classes.*received 1 class: \[7\]"):
        Perceptron().fit([[0.0], [1.0]], [7, 7])


def test_continuous_target_is_rejected():
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        Perceptron().fit([[0.0], [1.0]], [0.5, 1.5])


def test_partial_fit_first_call_needs_classes():
    with pytest.raises(ValueError, match="classes must be passed on the first call to partial_fit"):
        Perceptron().partial_fit([[0.0], [1.0]], [0, 1])


def test_partial_fit_rejects_unknown_labels_and_changed_classes():
    clf = Perceptron().partial_fit([[0.0], [1.0]], [0, 1], classes=[0, 1])
    with pytest.raises(ValueError, match=r"labels \[5\] that are not in classes_ \[0, 1\]"):
        clf.partial_fit([[0.0]], [5])
    with pytest.raises(ValueError, match="not the same as on the first call"):
        clf.partial_fit([[0.0]], [0], classes=[0, 1, 2])


@pytest.mark.parametrize("eta0, error", [(0.0, ValueError), (-1.0, ValueError), (np.inf, ValueError),
                                         ("1", TypeError)])
def test_eta0_must_be_positive(eta0, error):
    with pytest.raises(error, match=rf"`eta0` must be a finite float > 0. Received: eta0={eta0!r}"):
        Perceptron(eta0=eta0).fit(XOR_X, AND_Y)


@pytest.mark.parametrize("params, error", [({"max_iter": 0}, ValueError), ({"max_iter": True}, TypeError),
                                           ({"tol": True}, TypeError), ({"shuffle": "yes"}, TypeError),
                                           ({"class_weight": "auto"}, ValueError),
                                           ({"validation_fraction": 1.0}, ValueError)])
def test_other_bad_parameters(params, error):
    with pytest.raises(error, match=f"`{next(iter(params))}` must be"):
        Perceptron(**params).fit(XOR_X, AND_Y)


@pytest.mark.parametrize("method", ["predict", "decision_function", "score"])
def test_wrong_number_of_features(method):
    clf = Perceptron().fit(XOR_X, AND_Y)
    args = ([[1.0, 2.0, 3.0]], [1]) if method == "score" else ([[1.0, 2.0, 3.0]],)
    with pytest.raises(ValueError, match="X has 3 features, but Perceptron is expecting 2 features as input"):
        getattr(clf, method)(*args)


def test_predict_before_fit():
    with pytest.raises(perceptron.NotFittedError, match="not fitted yet") as info:
        Perceptron().predict(XOR_X)
    assert isinstance(info.value, ValueError) and isinstance(info.value, AttributeError)
    assert isinstance(info.value, SklearnNotFittedError)  # scikit-learn is loaded, so its class matches too


def test_sparse_input_is_rejected_with_a_fix():
    with pytest.raises(TypeError, match=r"sparse input.*X.toarray\(\)"):
        Perceptron().fit(sparse.csr_matrix(XOR_X), AND_Y)
