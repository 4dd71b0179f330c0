"""Every public entry point refuses a keyword it does not know, naming it (never accepted and dropped)."""
import numpy as np
import pytest

import neuronet as keras


def _model():
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    model.compile(optimizer="sgd", loss="mse")
    return model


X, Y = np.ones((4, 3)), np.ones((4, 1))

CASES = {
    "Layer": lambda: keras.layers.Layer(nmae="x"),
    "Dense": lambda: keras.layers.Dense(1, nmae="x"),
    "Flatten": lambda: keras.layers.Flatten(nmae="x"),
    "Dropout": lambda: keras.layers.Dropout(0.5, nmae="x"),
    "Model(inputs, outputs)": lambda: keras.Model(keras.Input(shape=(3,)), keras.Input(shape=(3,)), nmae="x"),
    "Model()": lambda: keras.Model(nmae="x"),
    "Sequential": lambda: keras.Sequential([], nmae="x"),
    "compile": lambda: _model().compile(loss="mse", nmae="x"),
    "fit": lambda: _model().fit(X, Y, verbose=0, nmae="x"),
    "evaluate": lambda: _model().evaluate(X, Y, verbose=0, nmae="x"),
    "predict": lambda: _model().predict(X, verbose=0, nmae="x"),
    "train_on_batch": lambda: _model().train_on_batch(X, Y, nmae="x"),
    "summary": lambda: _model().summary(nmae="x"),
    "model(x)": lambda: _model()(X, nmae="x"),
    "layer call on Input": lambda: keras.layers.Dense(1)(keras.Input(shape=(3,)), nmae="x"),
    "save": lambda: _model().save("m.keras", nmae="x"),
    "SGD": lambda: keras.optimizers.SGD(nmae="x"),
    "Adam": lambda: keras.optimizers.Adam(nmae="x"),
    "EarlyStopping": lambda: keras.callbacks.EarlyStopping(nmae="x"),
    "ModelCheckpoint": lambda: keras.callbacks.ModelCheckpoint("m.keras", nmae="x"),
    "TensorBoard": lambda: keras.callbacks.TensorBoard(nmae="x"),
    "ReduceLROnPlateau": lambda: keras.callbacks.ReduceLROnPlateau(nmae="x"),
    "CSVLogger": lambda: keras.callbacks.CSVLogger("log.csv", nmae="x"),
    "LearningRateScheduler": lambda: keras.callbacks.LearningRateScheduler(lambda e: 0.1, nmae="x"),
    "GradientTape": lambda: keras.GradientTape(nmae="x"),
    "MeanSquaredError loss": lambda: keras.losses.MeanSquaredError(nmae="x"),
    "Accuracy metric": lambda: keras.metrics.Accuracy(nmae="x"),
    "max_norm": lambda: keras.constraints.max_norm(nmae="x"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_unknown_keyword_is_a_type_error_naming_it(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(TypeError, match="nmae"):
        CASES[name]()


def test_plot_model_refuses_unknown_keywords_as_keras_does():
    with pytest.raises(ValueError, match="nmae"):
        keras.utils.model_to_dot(_model(), nmae="x")
