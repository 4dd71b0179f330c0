"""MNIST digits from the real IDX files (found through NEURONET_DATA_DIR); the network is never used."""

import urllib.error
import urllib.request

import numpy as np
import pytest

from neuronet.datasets import mnist

pytestmark = pytest.mark.requires_data("mnist")


@pytest.fixture(scope="module")
def data():
    with pytest.MonkeyPatch.context() as patch:  # a missing file fails the test instead of downloading
        patch.setattr(urllib.request, "urlopen", _offline)
        return mnist.load_data()


def _offline(url, timeout=None):
    raise urllib.error.URLError("tests do not download")


def test_shapes_and_dtypes(data):
    (x_train, y_train), (x_test, y_test) = data
    assert x_train.shape == (60000, 28, 28) and y_train.shape == (60000,)
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}


def test_labels(data):
    (_, y_train), (_, y_test) = data
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert np.bincount(y_train).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert np.bincount(y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def _mean_std(images):
    """Mean and std of the pixels from exact integer sums (x.std() would build a 376 MB float64 copy)."""
    n = images.size
    total = int(images.sum(dtype=np.int64))
    squares = int(np.square(images, dtype=np.uint16).sum(dtype=np.int64))  # 255 ** 2 fits in uint16
    mean = total / n
    return mean, (squares / n - mean**2) ** 0.5


def test_pixel_statistics(data):
    (x_train, _), (x_test, _) = data
    assert np.divide(_mean_std(x_train), 255) == pytest.approx((0.1307, 0.3081), abs=1e-4)  # the usual constants
    assert _mean_std(x_test) == pytest.approx((33.791, 79.173), abs=1e-3)
