"""California Housing, Keras's and scikit-learn's versions, from the real cal_housing.data."""

import urllib.error
import urllib.request

import numpy as np
import pytest

from neuronet.datasets import _files, california_housing

pytestmark = pytest.mark.requires_data("california_housing")


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """A missing file fails the test instead of downloading."""

    def urlopen(url, timeout=None):
        raise urllib.error.URLError("tests do not download")

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)


def test_large_version_shapes_and_dtypes():
    (x_train, y_train), (x_test, y_test) = california_housing.load_data()
    assert x_train.shape == (16512, 8) and y_train.shape == (16512,)
    assert x_test.shape == (4128, 8) and y_test.shape == (4128,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.float32)}


@pytest.mark.parametrize("test_split, sizes", [(0.2, (480, 120)), (0.25, (450, 150)), (0.0, (600, 0))])
def test_small_version_split_sizes(test_split, sizes):
    (x_train, y_train), (x_test, y_test) = california_housing.load_data("small", test_split=test_split)
    assert (len(x_train), len(x_test)) == (len(y_train), len(y_test)) == sizes


def test_columns_rows_and_shuffle_follow_keras():
    # Keras: rows in file order, RandomState(seed).shuffle(arange(n)), first int(n * (1 - test_split)) train.
    (x_train, y_train), (x_test, y_test) = california_housing.load_data(seed=7, test_split=0.3)
    order = np.random.RandomState(7).permutation(20640)
    position_of_first_row = int(np.flatnonzero(order == 0)[0])
    x, y = (x_train, y_train) if position_of_first_row < 14447 else (x_test, y_test)
    i = position_of_first_row if position_of_first_row < 14447 else position_of_first_row - 14447
    row = np.array([-122.23, 37.88, 41, 880, 129, 322, 126, 8.3252], np.float32)  # cal_housing.data row 0
    np.testing.assert_array_equal(x[i], row)
    assert y[i] == 452600.0
    assert len(x_train) == int(20640 * (1 - 0.3))


def test_targets_match_deep_learning_with_python():
    # Listing 4.24 of Deep Learning with Python, 3rd ed., prints Keras's train_targets as
    # array([252300., 146900., 290900., ..., 140500., 217100.], dtype=float32).
    (_, large), _ = california_housing.load_data(version="large")
    (_, small), _ = california_housing.load_data(version="small")
    assert large[:3].tolist() == [252300.0, 146900.0, 290900.0]
    assert small[-2:].tolist() == [140500.0, 217100.0]
    assert small.min() == 60000.0 and small.max() == 500001.0


def test_seed_determinism():
    first = california_housing.load_data(seed=123)
    second = california_housing.load_data(seed=123)
    other = california_housing.load_data(seed=124)
    for a, b in zip(first[0] + first[1], second[0] + second[1]):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0][1], other[0][1])
    all_targets = np.sort(np.concatenate([first[0][1], first[1][1]]))
    np.testing.assert_array_equal(all_targets, np.sort(np.concatenate([other[0][1], other[1][1]])))


@pytest.mark.parametrize(
    "kwargs, match",
    [({"test_split": 1.0}, "Invalid `test_split`"), ({"test_split": -0.1}, "Invalid `test_split`"),
     ({"version": "medium"}, "must be one of 'small', 'large'")],
)  # fmt: skip
def test_invalid_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        california_housing.load_data(**kwargs)


def test_sklearn_version():
    housing = california_housing.load_sklearn_version()
    assert housing.data.shape == (20640, 8) and housing.data.dtype == np.float64
    assert housing.target.shape == (20640,) and housing.target.dtype == np.float64
    assert housing.feature_names == [
        "MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup", "Latitude", "Longitude",
    ]  # fmt: skip
    assert housing["target_names"] == ["MedHouseVal"]
    assert housing.data[:, 0].mean() == pytest.approx(3.870671, abs=1e-6)
    assert housing.data[:, 5].mean() == pytest.approx(3.070655, abs=1e-6)
    assert housing.target.mean() == pytest.approx(2.068558, abs=1e-6)
    assert housing.target.std(ddof=1) == pytest.approx(1.153956, abs=1e-6)
    assert (housing.target.min(), housing.target.max()) == (0.14999, 5.00001)
    data, target = california_housing.load_sklearn_version(return_X_y=True)
    np.testing.assert_array_equal(data, housing.data)


def test_sklearn_version_is_bit_identical_to_scikit_learn():
    # california_housing_sklearn.csv holds fetch_california_housing()'s output, written with repr().
    path = _files.find("california_housing_sklearn.csv", "california_housing")
    assert path is not None, f"california_housing_sklearn.csv not found under ${_files.DATA_DIR_ENV}"
    expected = np.loadtxt(path, delimiter=",", skiprows=1)
    housing = california_housing.load_sklearn_version()
    np.testing.assert_array_equal(housing.data, expected[:, :8])
    np.testing.assert_array_equal(housing.target, expected[:, 8])
