"""California Housing (1990 U.S. census, one row per block group): Keras's and scikit-learn's versions.

Both are built from StatLib's `cal_housing.data` (20,640 rows, 9 columns: longitude, latitude,
housing_median_age, total_rooms, total_bedrooms, population, households, median_income,
median_house_value), read from the file itself or from `cal_housing.tgz`, the archive that
scikit-learn downloads.

- `load_data()` mirrors `keras.datasets.california_housing.load_data`: the first 8 raw columns in file
  order, the target in dollars, shuffled with `np.random.RandomState(seed)` and split like Keras.
- `load_sklearn_version()` returns what `sklearn.datasets.fetch_california_housing()` returns: the
  derived per-household features, the target in units of $100,000, and the feature names.

How close ours is to Keras's `california_housing.npz` (which we cannot download here): Keras's `x` holds
the same 8 raw columns in the same order and `y` the value in dollars, as float32. The row order is the
file's: the `train_targets` printed in Deep Learning with Python, 3rd edition (listing 4.24),
`array([252300., 146900., 290900., ..., 140500., 217100.], dtype=float32)`, are reproduced exactly
(its first values by `version="large"`, its last by `version="small"`, at seed 113). Not verified: the
float32 dtype of Keras's `x` (assumed like `y`'s). If a copy of Keras's npz is found locally, it is used.
"""

import io
import os
import tarfile

import numpy as np

from neuronet.datasets import _files

DATASET = "california_housing"

# The columns of `x` returned by `load_data`, in order (the first 8 of cal_housing.data).
FEATURE_NAMES = (
    "longitude", "latitude", "housing_median_age", "total_rooms",
    "total_bedrooms", "population", "households", "median_income",
)  # fmt: skip
SKLEARN_FEATURE_NAMES = (
    "MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup", "Latitude", "Longitude",
)  # fmt: skip

# SHA-256 of Keras's california_housing.npz, used only if a copy of it is found locally.
KERAS_NPZ_SHA256 = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"

_DATA_SHA256 = "a2b44dcc7e1c9091b43c4f458b25cbd1f7e8068d08edd26bc4703108d3fa6214"
_ARCHIVE_MEMBER = "CaliforniaHousing/cal_housing.data"


def _extract_data(archive):
    """Returns the bytes of cal_housing.data from the bytes of cal_housing.tgz (read in memory)."""
    try:
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
            return tar.extractfile(_ARCHIVE_MEMBER).read()
    except (tarfile.TarError, KeyError, AttributeError) as error:  # AttributeError: member is not a file
        raise ValueError(f"no readable {_ARCHIVE_MEMBER} in the archive ({error!r})") from error


# Tried in this order in each directory: the extracted file, then the archive that holds it.
FILES = (
    _files.DataFile("cal_housing.data", _DATA_SHA256, _DATA_SHA256, decode=bytes),
    _files.DataFile(
        "cal_housing.tgz",
        "aaa5c9a6afe2225cc2aed2723682ae403280c4a3695a2ddda4ffb5d8215ea681",
        _DATA_SHA256,
        urls=(
            "https://ndownloader.figshare.com/files/5976036",  # the one scikit-learn uses
            "https://www.dcc.fc.up.pt/~ltorgo/Regression/cal_housing.tgz",  # StatLib's home of the data
        ),
        decode=_extract_data,
    ),
)


def sklearn_data_home():
    """scikit-learn's data home (`$SCIKIT_LEARN_DATA` or `~/scikit_learn_data`), searched for `cal_housing.tgz`.

    scikit-learn itself keeps only a joblib pickle there (`cal_housing_py3.pkz`), which is never read: loading a
    pickle can run code. A `cal_housing.tgz` or `cal_housing.data` placed there is found and verified.
    """
    return os.environ.get("SCIKIT_LEARN_DATA") or os.path.join("~", "scikit_learn_data")


def _load_raw():
    """Returns the verified cal_housing.data as a float64 array of shape (20640, 9)."""
    content = _files.read(FILES, DATASET, system_dirs=((sklearn_data_home(), "scikit-learn's data home"),))
    return np.loadtxt(io.BytesIO(content), delimiter=",", dtype=np.float64)  # its SHA-256 fixes the shape


def load_data(version="large", path="california_housing.npz", test_split=0.2, seed=113):
    """Loads the California Housing dataset, as `keras.datasets.california_housing.load_data` does.

    20,640 block groups with 8 features each, in this column order: longitude, latitude,
    housing_median_age, total_rooms, total_bedrooms, population, households, median_income
    (`FEATURE_NAMES`). The target is the median house value in dollars (about 15,000 to 500,001).

    Args:
        version: `"small"` (the first 600 rows, a stand-in for the retired Boston Housing data) or
            `"large"` (all 20,640 rows).
        path: name of Keras's `california_housing.npz` (or an absolute path to it). Used only if a copy
            with Keras's SHA-256 is found locally; otherwise the arrays are built from cal_housing.data.
        test_split: fraction of the data to reserve as test set, in [0, 1).
        seed: random seed for shuffling the data before computing the test split.

    Returns:
        Tuple of NumPy float32 arrays: `(x_train, y_train), (x_test, y_test)`; `x_*` of shape
        `(num_samples, 8)`, `y_*` of shape `(num_samples,)`.

    Example:
    >>> (x_train, y_train), (x_test, y_test) = load_data(version="small")
    >>> x_train.shape, x_test.shape
    ((480, 8), (120, 8))
    """
    if not 0 <= test_split < 1:
        raise ValueError(f"Invalid `test_split` argument: {test_split}. It must be between 0 and 1 (exclusive of 1).")
    if version not in ("small", "large"):
        raise ValueError(f"Argument `version` must be one of 'small', 'large'. Received: version={version!r}")
    arrays = _files.load_keras_npz(path, DATASET, KERAS_NPZ_SHA256, ("x", "y"))
    if arrays is not None:
        x, y = arrays
    else:
        raw = _load_raw().astype(np.float32)  # Keras's npz holds float32
        x, y = raw[:, :8], raw[:, 8]
    if version == "small":
        x, y = x[:600], y[:600]
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)  # Keras's exact shuffle: same seed, same split
    x, y = x[indices], y[indices]
    num_train = int(len(x) * (1 - test_split))
    return (x[:num_train], y[:num_train]), (x[num_train:], y[num_train:])


class Bunch(dict):
    """A dict whose keys are also attributes, like `sklearn.utils.Bunch` (`housing.data`)."""

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None


def load_sklearn_version(return_X_y=False):  # noqa: N803 (scikit-learn's argument name)
    """Returns what `sklearn.datasets.fetch_california_housing()` returns, without scikit-learn or network.

    Built from the same cal_housing.data with scikit-learn's own transformation: columns reordered to
    MedInc, HouseAge, AveRooms, AveBedrms, Population, AveOccup, Latitude, Longitude, where
    AveRooms = total_rooms / households, AveBedrms = total_bedrooms / households and
    AveOccup = population / households; the target MedHouseVal is median_house_value / 100,000.
    The float64 values are bit-for-bit those of scikit-learn. Use it where a book or an example calls
    `fetch_california_housing()` (then `train_test_split` and `StandardScaler`).

    Args:
        return_X_y: if True, return `(data, target)` instead of the Bunch, as scikit-learn does.

    Returns:
        A `Bunch` (a dict with attribute access) with `data` (float64, shape (20640, 8)), `target`
        (float64, shape (20640,)), `feature_names` (list of 8 str), `target_names` (`["MedHouseVal"]`),
        `frame` (None) and `DESCR`; or `(data, target)` if `return_X_y`.

    Example:
    >>> housing = load_sklearn_version()
    >>> housing.data.shape, housing.feature_names[0], round(float(housing.target.mean()), 6)
    ((20640, 8), 'MedInc', 2.068558)
    """
    raw = _load_raw()
    households = raw[:, 6]
    data = np.column_stack([
        raw[:, 7],  # MedInc
        raw[:, 2],  # HouseAge
        raw[:, 3] / households,  # AveRooms
        raw[:, 4] / households,  # AveBedrms
        raw[:, 5],  # Population
        raw[:, 5] / households,  # AveOccup
        raw[:, 1],  # Latitude
        raw[:, 0],  # Longitude
    ])  # fmt: skip
    target = raw[:, 8] / 100000.0
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        frame=None,
        target_names=["MedHouseVal"],
        feature_names=list(SKLEARN_FEATURE_NAMES),
        DESCR=(
            "California Housing (StatLib, 1990 U.S. census), as returned by scikit-learn's "
            "fetch_california_housing: 20,640 block groups, 8 numeric features "
            + ", ".join(SKLEARN_FEATURE_NAMES)
            + "; target MedHouseVal, the median house value in units of $100,000."
        ),
    )

# The public names: what `dir()` shows and `from ... import *` brings.
__all__ = ["load_data", "load_sklearn_version"]


def __dir__():
    return sorted(__all__)
