"""Shape errors as Keras words them: a wrong input width, and (n,) targets against (n, k) outputs."""
import numpy as np
import pytest

import neuronet as keras


def _model(units=3, functional=False):
    if functional:
        inputs = keras.Input((5,))
        model = keras.Model(inputs, keras.layers.Dense(units, activation="softmax")(inputs))
    else:
        model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(units, activation="softmax")])
    return model


@pytest.mark.parametrize("functional", [False, True])
def test_wrong_input_width_shows_the_batch_axis_as_none_in_fit_and_evaluate(functional):
    # Real Keras 3: "... expected axis -1 of input shape to have value 5, but received input with shape (None, 7)"
    model = _model(functional=functional)
    model.compile("sgd", "mse")
    x, y = np.ones((4, 7)), np.ones((4, 3))
    for call in (lambda: model.fit(x, y, verbose=0), lambda: model.evaluate(x, y, verbose=0)):
        with pytest.raises(ValueError, match=r"expected axis -1 of input shape to have value 5, but received input "
                                             r"with shape \(None, 7\)"):
            call()
    # predict: Keras names the real batch, (4, 7); neuronet's up-front probe names (None, 7) there too
    with pytest.raises(ValueError, match=r"received input with shape \((4|None), 7\)"):
        model.predict(x, verbose=0)


@pytest.mark.parametrize("loss", ["mse", "mae", "binary_crossentropy", "huber", "hinge", "squared_hinge",
                                  "kl_divergence", "poisson", "log_cosh", "mape", "msle"])
def test_flat_targets_against_several_output_units_are_refused_naming_both_shapes(loss):
    # Real Keras 3 fails on these too, deep in the graph ("Incompatible shapes"); here the message says why.
    model = _model()
    model.compile("sgd", loss)
    x, y = np.ones((8, 5), "float32"), np.zeros(8, "float32")
    with pytest.raises(ValueError, match=r"shape \(8,\) does not match .* shape \(8, 3\).*sparse_categorical"):
        model.fit(x, y, batch_size=8, verbose=0)


def test_flat_targets_are_fine_for_one_unit_and_for_sparse_labels():
    x = np.random.default_rng(0).normal(size=(8, 5)).astype("float32")
    y = (x[:, 0] > 0).astype("float32")
    one = _model(units=1)
    one.compile("sgd", "mse")
    assert np.isfinite(one.fit(x, y, verbose=0).history["loss"][0])
    sparse = _model()
    sparse.compile("sgd", "sparse_categorical_crossentropy")
    assert np.isfinite(sparse.fit(x, y, verbose=0).history["loss"][0])


def test_square_case_no_longer_broadcasts_silently():
    # (3,) against (3, 3) would broadcast to a 3x3 difference: refused like any rank mismatch.
    with pytest.raises(ValueError, match=r"\(3,\) does not match"):
        keras.losses.mean_squared_error(np.zeros(3), np.zeros((3, 3)))
