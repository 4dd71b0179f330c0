"""The chapter's models on the real data sets (slow: CI runs them too)."""
import numpy as np
import pytest
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

import neuronet as keras

pytestmark = pytest.mark.slow


def _housing():
    housing = keras.datasets.california_housing.load_sklearn_version()
    X_train_full, X_test, y_train_full, y_test = train_test_split(housing.data, housing.target, random_state=42)
    X_train, X_valid, y_train, y_valid = train_test_split(X_train_full, y_train_full, random_state=42)
    scaler = StandardScaler()
    return (scaler.fit_transform(X_train), y_train), (scaler.transform(X_valid), y_valid), \
        (scaler.transform(X_test), y_test)


def _housing_sequential_mse(epochs=20):
    (X_train, y_train), (X_valid, y_valid), (X_test, y_test) = _housing()
    model = keras.models.Sequential([
        keras.layers.Dense(30, activation="relu", input_shape=X_train.shape[1:]),
        keras.layers.Dense(1),
    ])
    model.compile(loss="mean_squared_error", optimizer=keras.optimizers.SGD(lr=1e-2))
    model.fit(X_train, y_train, epochs=epochs, validation_data=(X_valid, y_valid), verbose=0)
    return model.evaluate(X_test, y_test, verbose=0)


@pytest.mark.requires_data("fashion-mnist")
def test_fashion_mnist_classifier_reaches_88_percent():
    fashion_mnist = keras.datasets.fashion_mnist
    (X_train_full, y_train_full), (X_test, y_test) = fashion_mnist.load_data()
    X_valid, X_train = X_train_full[:5000] / 255., X_train_full[5000:] / 255.
    y_valid, y_train = y_train_full[:5000], y_train_full[5000:]
    model = keras.models.Sequential()
    model.add(keras.layers.Flatten(input_shape=[28, 28]))
    model.add(keras.layers.Dense(300, activation="relu"))
    model.add(keras.layers.Dense(100, activation="relu"))
    model.add(keras.layers.Dense(10, activation="softmax"))
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    history = model.fit(X_train, y_train, epochs=30, validation_data=(X_valid, y_valid), verbose=0)
    assert max(history.history["val_accuracy"]) >= 0.88
    assert history.history["val_accuracy"][4] >= 0.84  # Keras: 0.867 after 5 epochs
    test_loss, test_accuracy = model.evaluate(X_test / 255., y_test, verbose=0)
    assert test_accuracy >= 0.86
    y_proba = model.predict(X_test[:3] / 255., verbose=0)
    assert np.array_equal(np.argmax(y_proba, axis=-1), y_test[:3])  # ankle boot, pullover, trouser


@pytest.mark.requires_data("california_housing")
def test_housing_regressor_mse_near_035():
    assert _housing_sequential_mse() < 0.42


@pytest.mark.requires_data("california_housing")
def test_wide_and_deep_on_housing_comparable_to_sequential():
    (X_train, y_train), (X_valid, y_valid), (X_test, y_test) = _housing()
    split = lambda x: (x[:, :5], x[:, 2:])  # noqa: E731  wide: features 0-4, deep: features 2-7
    input_A = keras.layers.Input(shape=[5], name="wide_input")
    input_B = keras.layers.Input(shape=[6], name="deep_input")
    hidden1 = keras.layers.Dense(30, activation="relu")(input_B)
    hidden2 = keras.layers.Dense(30, activation="relu")(hidden1)
    concat = keras.layers.concatenate([input_A, hidden2])
    output = keras.layers.Dense(1, name="main_output")(concat)
    aux_output = keras.layers.Dense(1, name="aux_output")(hidden2)
    model = keras.Model(inputs=[input_A, input_B], outputs=[output, aux_output])
    model.compile(loss=["mse", "mse"], loss_weights=[0.9, 0.1], optimizer=keras.optimizers.SGD(lr=1e-3))
    model.fit(split(X_train), (y_train, y_train), epochs=20,
              validation_data=(split(X_valid), (y_valid, y_valid)), verbose=0)
    total_loss, main_loss, aux_loss = model.evaluate(split(X_test), (y_test, y_test), verbose=0)
    assert main_loss < 0.6 and total_loss == pytest.approx(0.9 * main_loss + 0.1 * aux_loss, rel=1e-4)
