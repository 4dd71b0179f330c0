"""Threshold logic units (TLUs) and the Perceptron, trained with the perceptron learning rule.

A TLU computes z = xᵀw + b and outputs a step of z. The Perceptron is a layer of TLUs (one per class, one-vs-rest;
one TLU for two classes) trained one instance at a time with the rule w ← w + η (y − ŷ) x, b ← b + η (y − ŷ),
y, ŷ ∈ {0, 1}. That is scikit-learn's ``w ← w + η t x if t·z ≤ 0`` with t = 2y − 1 ∈ {−1, +1} and the *same* η
(on a mistake y − ŷ = t); a factor 2 appears only when y and ŷ are both ±1 (t − sign(z) = 2t). At z == 0 we follow
scikit-learn: an instance on the boundary counts as a mistake whatever its label (the book's heaviside(0) = 1 would
skip a positive one, and from zero weights the first instance is always on the boundary), and `predict` says
"positive" only when z > 0. docs/perceptron.md has the details. Pure NumPy; scikit-learn stays optional.
"""

import functools
import inspect
import numbers
import sys
import warnings

import numpy as np

__all__ = ["ConvergenceWarning", "DataConversionWarning", "NotFittedError", "Perceptron", "heaviside", "sign"]


class NotFittedError(ValueError, AttributeError):
    """Raised when a method needs a fitted estimator (the same bases as scikit-learn's NotFittedError)."""


class ConvergenceWarning(UserWarning):
    """Warned when `fit` stops at `max_iter` before its stopping rule is met."""


class DataConversionWarning(UserWarning):
    """Warned when input is converted, such as a column vector y raveled to 1D."""


@functools.lru_cache(maxsize=None)
def _mixed(ours, theirs):
    return type(ours.__name__, (ours, theirs), {"__module__": ours.__module__})


def _flavoured(cls):
    """`cls`, or a subclass that is also scikit-learn's class of that name if scikit-learn is loaded (code that
    catches scikit-learn's NotFittedError has imported it, so we never import it ourselves)."""
    theirs = getattr(sys.modules.get("sklearn.exceptions"), cls.__name__, None)
    return cls if theirs is None else _mixed(cls, theirs)


def _as_float(z):
    z = np.asarray(z)
    return z if np.issubdtype(z.dtype, np.floating) else z.astype(np.float64)


def heaviside(z):
    """Heaviside step, the TLU's usual activation: 1.0 where z >= 0 (so heaviside(0) = 1, as in the book), else 0.0.

    Example:
    >>> heaviside(np.array([-1.5, 0.0, 2.0]))
    array([0., 1., 1.])
    """
    z = _as_float(z)
    return np.heaviside(z, z.dtype.type(1))


def sign(z):
    """Sign step, the TLU's other activation: -1 where z < 0, 0 where z == 0, +1 where z > 0.

    Example:
    >>> sign(np.array([-1.5, 0.0, 2.0]))
    array([-1.,  0.,  1.])
    """
    return np.sign(_as_float(z))


_BOOL, _INT, _REAL, _NONE = (bool, np.bool_), numbers.Integral, numbers.Real, type(None)
_AT_LEAST_1 = (_INT, "an int >= 1", lambda v: v >= 1)
_PARAMS = {  # name: (accepted types, what is expected, value check)
    **dict.fromkeys(["fit_intercept", "shuffle", "early_stopping", "warm_start"], (_BOOL, "a bool", None)),
    "max_iter": _AT_LEAST_1, "n_iter_no_change": _AT_LEAST_1,
    "verbose": ((_INT, bool), "an int >= 0", lambda v: v >= 0), "tol": ((_REAL, _NONE), "a float or None", None),
    "eta0": (_REAL, "a finite float > 0", lambda v: 0 < v < np.inf),
    "validation_fraction": (_REAL, "a float in (0, 1)", lambda v: 0 < v < 1),
    "random_state": ((_INT, np.random.RandomState, np.random.Generator, _NONE),
                     "None, an int >= 0, a numpy RandomState or Generator",
                     lambda v: not isinstance(v, _INT) or v >= 0),
    "class_weight": ((dict, str, _NONE), 'None, "balanced" or a dict',
                     lambda v: not isinstance(v, str) or v == "balanced"),
}


def _check_params(estimator):
    """TypeError for a parameter of the wrong type, ValueError for a bad value (checked in fit, as sklearn does)."""
    for name, (types, expected, valid) in _PARAMS.items():
        value, types = getattr(estimator, name), types if isinstance(types, tuple) else (types,)
        wrong_type = not isinstance(value, types) or (isinstance(value, _BOOL) and bool not in types)
        if wrong_type or (valid is not None and not valid(value)):
            raise (TypeError if wrong_type else ValueError)(
                f"Perceptron: `{name}` must be {expected}. Received: {name}={value!r}")


def _check_X(X):
    """X as a C-contiguous float64 matrix of finite numbers, or a clear error."""
    if hasattr(X, "tocsr"):
        raise TypeError(f"Perceptron does not accept sparse input: expected a dense array X, received "
                        f"{type(X).__name__}. Convert it first with X.toarray().")
    X = np.asarray(X)
    if X.dtype.kind == "c":
        raise ValueError("Complex data not supported: Perceptron expects real-valued features X.")
    if X.dtype.kind not in "biufO":
        raise TypeError(f"Perceptron expects numeric features X, but received an array of dtype {X.dtype}.")
    try:
        X = np.ascontiguousarray(X, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(f"Perceptron expects numeric features X, but could not convert them to float: {error}") \
            from error
    if X.ndim != 2:
        raise ValueError(f"Expected 2D array X of shape (n_samples, n_features), got {X.ndim}D array of shape "
                         f"{X.shape} instead. Reshape your data with X.reshape(-1, 1) if it has a single feature "
                         "or X.reshape(1, -1) if it is a single sample.")
    for count, what in zip(X.shape, ("sample", "feature")):
        if count == 0:
            raise ValueError(f"Found array X with 0 {what}(s) (shape={X.shape}) while a minimum of 1 is required.")
    if not np.isfinite(X).all():
        what = "NaN" if np.isnan(X).any() else "infinity"
        raise ValueError(f"Input X contains {what}; the Perceptron needs finite features. Impute or drop them first.")
    return X


def _check_y(y, n_samples):
    """y as a 1D array of class labels, or a clear error."""
    if y is None:
        raise ValueError("Perceptron requires y to be passed, but the target y is None.")
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        warnings.warn(_flavoured(DataConversionWarning)("A column-vector y was passed when a 1d array was expected. "
                      "Please change the shape of y to (n_samples,), for example using ravel()."), stacklevel=3)
        y = y.ravel()
    if y.ndim != 1 or len(y) != n_samples:
        raise ValueError(f"y should be a 1d array of {n_samples} class labels (one per row of X), got an array of "
                         f"shape {y.shape} instead.")
    if y.dtype.kind in "fc" and not np.isfinite(y).all():
        raise ValueError(f"Input y contains {'NaN' if np.isnan(y).any() else 'infinity'}.")
    if y.dtype.kind in "fc" and (y != np.round(y.real)).any():
        raise ValueError("Unknown label type: continuous. Perceptron is a classifier: y must hold class labels "
                         f"(ints, strings or bools), but received values such as {y[y != np.round(y.real)][0]}.")
    return y


def _classes(labels):
    """The sorted distinct labels; there must be at least two."""
    try:
        classes = np.unique(labels)
    except TypeError as error:
        raise ValueError(f"Unknown label type: mixed. The labels mix types that cannot be sorted ({error}).") from error
    if len(classes) < 2:
        raise ValueError(f"Perceptron needs at least 2 classes to fit, but received 1 class: {classes.tolist()}. "
                         "Check y, or pass every label in `classes`.")
    return classes


def _encode(y, classes):
    """The index of each label of y in `classes`; an error names labels that are not there."""
    try:
        index = np.clip(np.searchsorted(classes, y), 0, len(classes) - 1)
        unknown = classes[index] != y
    except TypeError:
        index, unknown = None, np.ones(len(y), dtype=bool)
    if np.any(unknown):
        raise ValueError(f"y contains labels {y[unknown][:5].tolist()} that are not in classes_ {classes.tolist()}. "
                         "Pass every label in `classes` on the first call to partial_fit.")
    return index


def _make_rng(random_state):
    if isinstance(random_state, np.random.RandomState):  # draw a seed from it, as scikit-learn does
        random_state = random_state.randint(np.iinfo(np.int32).max)
    return np.random.default_rng(random_state)  # a Generator passes through unchanged


class Perceptron:
    """Linear perceptron classifier: a layer of TLUs trained with the perceptron learning rule.

    Mirrors `sklearn.linear_model.Perceptron` (same parameter names, attributes and, with ``shuffle=False``, the
    same weights). Each instance updates w ← w + η (y − ŷ) x for every TLU that gets it wrong (see the module
    docstring for how this equals scikit-learn's ±1 form); an epoch's loss is the mean of max(0, −t·z).

    Args:
        fit_intercept: Whether to learn the bias b.
        max_iter: Maximum number of epochs in `fit` (`partial_fit` runs one).
        tol: A TLU stops when its epoch loss has not fallen by `tol` (with early stopping: its validation accuracy
            has not risen by `tol`) for `n_iter_no_change` epochs in a row. None: run all `max_iter` epochs.
        shuffle: Whether to shuffle the training instances before each epoch.
        verbose: Print the loss after each epoch when > 0.
        eta0: Learning rate η > 0. From zero weights it scales w and b, not the predictions, except through `tol`.
        random_state: int seed, numpy RandomState or Generator for shuffling and the validation split.
        early_stopping: Hold out a stratified `validation_fraction` of the data and stop on its accuracy.
        validation_fraction: Fraction held out when `early_stopping` is True.
        n_iter_no_change: Epochs without improvement before stopping.
        class_weight: None, "balanced" or {label: weight}: scales the updates of each TLU's own class (with two
            classes, of each class), as in scikit-learn.
        warm_start: Whether `fit` starts from the previous `coef_` and `intercept_`.

    Attributes: `classes_`, `coef_` (n_tlus, n_features), `intercept_` (n_tlus,), `n_iter_` (epochs run, the
    maximum over TLUs), `t_` (1 + number of instances seen), `n_features_in_`.
    Parameters are checked in `fit`/`partial_fit`, not in `__init__` (scikit-learn's convention).

    Example:
    >>> X = np.array([[0., 0.], [0., 1.], [1., 0.], [1., 1.]])
    >>> clf = Perceptron(shuffle=False).fit(X, [0, 0, 0, 1])  # logical AND is linearly separable
    >>> clf.predict(X), clf.coef_, clf.intercept_
    (array([0, 0, 0, 1]), array([[3., 2.]]), array([-4.]))
    """

    _estimator_type = "classifier"  # read by scikit-learn < 1.6; newer versions call __sklearn_tags__

    def __init__(self, *, fit_intercept=True, max_iter=1000, tol=1e-3, shuffle=True, verbose=0, eta0=1.0,
                 random_state=None, early_stopping=False, validation_fraction=0.1, n_iter_no_change=5,
                 class_weight=None, warm_start=False):
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.shuffle = shuffle
        self.verbose = verbose
        self.eta0 = eta0
        self.random_state = random_state
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.class_weight = class_weight
        self.warm_start = warm_start

    # -- the scikit-learn estimator protocol, without scikit-learn --------------------------------------------------
    @classmethod
    def _get_param_names(cls):
        return sorted(name for name in inspect.signature(cls.__init__).parameters if name != "self")

    def get_params(self, deep=True):
        """The constructor's parameters as a dict (no sub-estimators, so `deep` changes nothing)."""
        return {name: getattr(self, name) for name in self._get_param_names()}

    def set_params(self, **params):
        """Set constructor parameters by name and return self."""
        for name, value in params.items():
            if name not in self._get_param_names():
                raise ValueError(f"Invalid parameter {name!r} for estimator {self!r}. Valid parameters are: "
                                 f"{self._get_param_names()}.")
            setattr(self, name, value)
        return self

    def __repr__(self):
        defaults = inspect.signature(type(self).__init__).parameters
        changed = [f"{k}={v!r}" for k, v in self.get_params().items() if repr(v) != repr(defaults[k].default)]
        return f"{type(self).__name__}({', '.join(changed)})"

    def __sklearn_tags__(self):
        from sklearn.utils import ClassifierTags, InputTags, Tags, TargetTags  # only scikit-learn calls this

        return Tags(estimator_type="classifier", target_tags=TargetTags(required=True),
                    classifier_tags=ClassifierTags(), input_tags=InputTags())

    def __sklearn_is_fitted__(self):
        return hasattr(self, "coef_")

    def _check_X(self, X, reset):
        """Validate X; on `reset` remember its width, otherwise require a fitted estimator and the same width."""
        if not reset and not self.__sklearn_is_fitted__():
            raise _flavoured(NotFittedError)(f"This {type(self).__name__} instance is not fitted yet. Call `fit` "
                                             "(or `partial_fit`) with appropriate arguments before using it.")
        X = _check_X(X)
        if reset:
            self.n_features_in_ = X.shape[1]
        elif X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} features, but {type(self).__name__} is expecting "
                             f"{self.n_features_in_} features as input.")
        return X

    # -- training -------------------------------------------------------------------------------------------------
    def fit(self, X, y, coef_init=None, intercept_init=None, sample_weight=None):
        """Train from zero weights (or `coef_init`, or the last fit with `warm_start`) for up to `max_iter` epochs.

        Args: X (n_samples, n_features) finite numbers; y (n_samples,) labels of 2+ classes; `coef_init`
        (n_tlus, n_features) and `intercept_init` (n_tlus,); `sample_weight` (n_samples,) scales each update.
        Returns self.
        """
        _check_params(self)
        if self.warm_start and hasattr(self, "coef_"):
            coef_init = self.coef_ if coef_init is None else coef_init
            intercept_init = self.intercept_ if intercept_init is None else intercept_init
        X = self._check_X(X, reset=True)
        y = _check_y(y, len(X))
        self.classes_ = _classes(y)
        self._init_weights(X.shape[1], coef_init, intercept_init)
        self.t_ = 1.0
        self._train(X, y, sample_weight, self.max_iter)
        if self.tol is not None and self.n_iter_ == self.max_iter:
            warnings.warn(_flavoured(ConvergenceWarning)(
                f"Perceptron stopped at max_iter={self.max_iter} before its stopping rule (tol={self.tol}) was met; "
                "the classes may not be linearly separable. Increase max_iter or scale the features."), stacklevel=2)
        return self

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Run one epoch over (X, y) from the current weights; `classes` (every label y may hold) is required on
        the first call. X, y and sample_weight are as in `fit`. Returns self.
        """
        first_call = not hasattr(self, "classes_")
        _check_params(self)
        if first_call and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit: pass every label y may "
                             "hold, e.g. classes=np.unique(y_all).")
        if first_call and (self.early_stopping or self.class_weight == "balanced"):
            raise ValueError("partial_fit does not support early_stopping=True or class_weight='balanced'. "
                             "Use fit, or pass class weights as a dict.")
        if classes is not None:
            classes = _classes(np.asarray(classes))
            if not first_call and not np.array_equal(classes, self.classes_):
                raise ValueError(f"`classes={classes.tolist()}` is not the same as on the first call to "
                                 f"partial_fit, which was {self.classes_.tolist()}.")
        X = self._check_X(X, reset=first_call)
        y = _check_y(y, len(X))
        if first_call:
            self.classes_, self.t_ = classes, 1.0
            self._init_weights(X.shape[1], None, None)
        self._train(X, y, sample_weight, max_iter=1)
        return self

    def _init_weights(self, n_features, coef_init, intercept_init):
        n_tlus = 1 if len(self.classes_) == 2 else len(self.classes_)
        for name, value, shape in (("coef_init", coef_init, (n_tlus, n_features)),
                                   ("intercept_init", intercept_init, (n_tlus,))):
            value = np.zeros(shape) if value is None else np.array(value, dtype=np.float64)  # a copy we may update
            if value.shape != shape and not (n_tlus == 1 and value.shape == shape[1:]):
                raise ValueError(f"`{name}` must have shape {shape} (one row per TLU), received {value.shape}.")
            setattr(self, name.replace("_init", "_"), value.reshape(shape))

    def _train(self, X, y, sample_weight, max_iter):
        """Targets and update sizes for each (instance, TLU) pair, then the epochs; sets n_iter_ and t_."""
        y_index = _encode(y, self.classes_)
        weights = self._sample_weight(sample_weight, len(X))
        n_tlus = len(self.intercept_)
        is_positive = y_index[:, None] == (np.arange(n_tlus) if n_tlus > 1 else 1)
        targets = np.where(is_positive, 1.0, -1.0)
        class_weight = self._class_weight(y_index)
        # As in scikit-learn: one-vs-rest weighs a TLU's "rest" by 1; a binary TLU weighs each class by its weight.
        own, rest = (class_weight[1], class_weight[0]) if n_tlus == 1 else (class_weight, 1.0)
        updates = self.eta0 * targets * np.where(is_positive, own, rest) * weights[:, None]
        rng = _make_rng(self.random_state)
        train, validation = self._split(y_index, weights, rng)
        self.n_iter_ = self._run_epochs(X, targets, updates, train, validation, weights, max_iter, rng)
        self.t_ += self.n_iter_ * len(X)

    def _sample_weight(self, sample_weight, n_samples):
        weights = np.ones(n_samples) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        weights = np.full(n_samples, weights) if weights.ndim == 0 else weights
        if weights.shape != (n_samples,) or not np.isfinite(weights).all():
            raise ValueError(f"sample_weight must be finite with shape ({n_samples},), received shape {weights.shape}.")
        if not weights.any() and not self.early_stopping:
            raise ValueError("Sample weights must contain at least one non-zero number; all are zero.")
        return weights

    def _class_weight(self, y_index):
        """One weight per class, from `class_weight`."""
        n_classes = len(self.classes_)
        if self.class_weight == "balanced":
            return len(y_index) / (n_classes * np.bincount(y_index, minlength=n_classes))
        weights = np.ones(n_classes)
        for label, weight in (self.class_weight or {}).items():
            if label not in self.classes_:
                raise ValueError(f"class_weight has label {label!r}, which is not in classes_ "
                                 f"{self.classes_.tolist()}.")
            weights[self.classes_ == label] = weight
        return weights

    def _split(self, y_index, weights, rng):
        """Training and validation indices; stratified when `early_stopping`, else everything is training."""
        held_out = np.zeros(len(y_index), dtype=bool)
        for k in np.unique(y_index) if self.early_stopping else []:
            members = rng.permutation(np.flatnonzero(y_index == k))
            held_out[members[: int(self.validation_fraction * len(members) + 0.5)]] = True
        train, validation = np.flatnonzero(~held_out), np.flatnonzero(held_out)
        if self.early_stopping and (len(train) == 0 or not weights[validation].any()):
            raise ValueError(f"Splitting {len(y_index)} samples with validation_fraction={self.validation_fraction} "
                             f"left {len(train)} for training and {len(validation)} (with non-zero weight) for "
                             "validation. Change validation_fraction, add samples, or set early_stopping=False.")
        return train, validation

    def _run_epochs(self, X, targets, updates, train, validation, weights, max_iter, rng):
        """Epochs until every TLU meets the stopping rule (each stops on its own, as in scikit-learn)."""
        n_tlus = targets.shape[1]
        active, n_iter = np.ones(n_tlus, dtype=bool), np.zeros(n_tlus, dtype=int)
        best, stalled = np.full(n_tlus, -np.inf), np.zeros(n_tlus, dtype=int)
        tol = -np.inf if self.tol is None else self.tol
        for epoch in range(1, max_iter + 1):
            order = rng.permutation(train) if self.shuffle else train
            loss = self._epoch(X, targets, updates, order, active) / len(train)
            n_iter[active] = epoch
            if not (np.isfinite(self.coef_).all() and np.isfinite(self.intercept_).all()):
                raise ValueError(f"Floating-point overflow at epoch {epoch}. Scale the features (for example to "
                                 "zero mean and unit variance) or lower eta0.")
            # Higher is better: validation accuracy, or minus the training loss.
            score = self._accuracy(X[validation], targets[validation], weights[validation]) \
                if self.early_stopping else -loss
            stalled = np.where(score < best + tol, stalled + 1, 0)
            best = np.maximum(best, score)
            active &= stalled < self.n_iter_no_change
            if self.verbose:
                print(f"-- Epoch {epoch}: mean loss per TLU {np.round(loss, 6).tolist()}, {active.sum()} TLU(s) active")
            if not active.any():
                break
        return int(n_iter.max())

    def _epoch(self, X, targets, updates, order, active):
        """One pass of the perceptron rule; returns each TLU's summed loss max(0, -t·z) (z before its update)."""
        coef, intercept = self.coef_, self.intercept_
        loss = np.zeros(len(intercept))
        for i in order:
            x = X[i]
            # Summing w*x (not BLAS matmul, which may fuse multiply-adds) adds in scikit-learn's order.
            margin = targets[i] * ((coef * x).sum(axis=1) + intercept)
            loss += np.maximum(-margin, 0.0)
            wrong = (margin <= 0.0) & active  # on the boundary counts as wrong, whatever the label
            if wrong.any():
                step = np.where(wrong, updates[i], 0.0)  # η (y − ŷ) = η t on a mistake, times the weights
                coef += step[:, None] * x
                if self.fit_intercept:
                    intercept += step
        return loss

    def _accuracy(self, X, targets, weights):
        """Each TLU's weighted accuracy on ±1 targets (its own prediction is +1 when z > 0)."""
        predicted = np.where(X @ self.coef_.T + self.intercept_ > 0, 1.0, -1.0)
        return np.average(predicted == targets, axis=0, weights=weights)

    # -- inference ------------------------------------------------------------------------------------------------
    def decision_function(self, X):
        """Weighted sums z = X wᵀ + b: shape (n_samples,) for two classes, else (n_samples, n_classes)."""
        z = self._check_X(X, reset=False) @ self.coef_.T + self.intercept_
        return z.ravel() if z.shape[1] == 1 else z

    def predict(self, X):
        """Class labels: for two classes classes_[1] where z > 0 (z == 0 gives classes_[0], as in scikit-learn),
        else the class whose TLU has the largest z."""
        z = self.decision_function(X)
        return self.classes_[(z > 0).astype(int) if z.ndim == 1 else z.argmax(axis=1)]

    def score(self, X, y, sample_weight=None):
        """Mean accuracy of `predict(X)` against y, weighted by `sample_weight`."""
        predicted = self.predict(X)
        return float(np.average(predicted == _check_y(y, len(predicted)), weights=sample_weight))
