"""Where dataset files are looked for, how they are verified, and how they are downloaded.

Runs on copies of the real (small) label files and on a fake network: `urllib.request.urlopen` is
replaced in every test, so nothing here touches the network.
"""

import gzip
import io
import os
import struct
import urllib.error
import urllib.request

import numpy as np
import pytest

from neuronet.datasets import _files, _idx, california_housing, fashion_mnist, mnist

LABELS = "train-labels-idx1-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"
DEBIAN_MTIME = 0x5EDA0AED  # what Debian's package build wrote into every header


def _real_path(dataset, name):
    path = _files.find(name, dataset)
    if path is None:
        pytest.fail(f"{name} not found: set {_files.DATA_DIR_ENV} to the directory of the real data files.")
    return path


@pytest.fixture(scope="module")
def originals():
    """Paths and bytes of the real files, read before any test hides NEURONET_DATA_DIR."""
    paths = {name: _real_path("fashion-mnist", name) for name in fashion_mnist._CHECKSUMS}
    paths["cal_housing.tgz"] = _real_path("california_housing", "cal_housing.tgz")
    contents = {}
    for name in (LABELS, TEST_LABELS, "cal_housing.tgz"):
        with open(paths[name], "rb") as f:
            contents[name] = f.read()
    return paths, contents


def _offline(url, timeout=None):
    raise urllib.error.URLError("network is unreachable (test)")


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """No NEURONET_DATA_DIR, an empty cache, an empty Debian directory, and no network.

    `originals`, module-scoped, is always set up before this function-scoped fixture hides the data.
    """
    monkeypatch.delenv(_files.DATA_DIR_ENV, raising=False)
    monkeypatch.setenv(_files.HOME_ENV, str(tmp_path / "home"))
    monkeypatch.setenv(_files.KERAS_HOME_ENV, str(tmp_path / "keras_home"))
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(tmp_path / "scikit_learn_data"))
    monkeypatch.setattr(fashion_mnist, "DEBIAN_DIR", str(tmp_path / "debian"))
    monkeypatch.setattr(urllib.request, "urlopen", _offline)
    return tmp_path


def _put(directory, name, data):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


def _debianize(gz):
    """Rewrites a gzip header as Debian's build did: FNAME dropped, MTIME changed; stream unchanged."""
    assert gz[:4] == b"\x1f\x8b\x08\x08", "expected a gzip header with FNAME only"
    stream_start = gz.index(b"\0", 10) + 1
    return gz[:3] + b"\0" + struct.pack("<I", DEBIAN_MTIME) + gz[8:10] + gz[stream_start:]


def test_search_order(isolated, monkeypatch):
    monkeypatch.setenv(_files.DATA_DIR_ENV, "/data")
    assert _files.search_dirs("mnist", [("/sys-dir", "note")]) == [
        os.path.join("/data", "mnist"),
        "/data",
        os.path.join(str(isolated / "home"), "datasets", "mnist"),
        os.path.join(str(isolated / "keras_home"), "datasets", "mnist"),  # keras.datasets' own cache
        os.path.join(str(isolated / "keras_home"), "datasets"),  # where Keras keeps mnist.npz
        "/sys-dir",
    ]
    monkeypatch.delenv(_files.HOME_ENV)
    monkeypatch.setenv("HOME", str(isolated / "user"))
    assert _files.cache_dir("mnist") == os.path.join(str(isolated / "user"), ".neuronet", "datasets", "mnist")


@pytest.mark.parametrize("layout", ["<dir>/<dataset>/<file>", "<dir>/<file>"])
@pytest.mark.requires_data("fashion-mnist", "california_housing")
def test_reads_from_data_dir_in_both_layouts(isolated, originals, monkeypatch, layout):
    data_dir = isolated / "data"
    directory = data_dir / "fashion-mnist" if layout.count("/") == 2 else data_dir
    _put(directory, LABELS, originals[1][LABELS])
    monkeypatch.setenv(_files.DATA_DIR_ENV, str(data_dir))
    content = _files.read(fashion_mnist.FILES["y_train"], "fashion-mnist")
    assert content == gzip.decompress(originals[1][LABELS])


@pytest.mark.requires_data("fashion-mnist", "california_housing")
def test_data_dir_wins_over_cache(isolated, originals, monkeypatch):
    _put(_files.cache_dir("fashion-mnist"), LABELS, b"not the labels")  # would fail if it were read
    _put(isolated / "data", LABELS, originals[1][LABELS])
    monkeypatch.setenv(_files.DATA_DIR_ENV, str(isolated / "data"))
    assert _files.read(fashion_mnist.FILES["y_train"], "fashion-mnist")[:4] == b"\0\0\x08\x01"


@pytest.mark.requires_data("fashion-mnist", "california_housing")
def test_debian_copy_with_normalised_gzip_header_is_accepted(isolated, originals):
    debian = _debianize(originals[1][LABELS])
    assert _files.sha256(debian) != fashion_mnist.FILES["y_train"].sha256
    _put(fashion_mnist.DEBIAN_DIR, LABELS, debian)
    system_dirs = [(fashion_mnist.DEBIAN_DIR, "Debian")]
    content = _files.read(fashion_mnist.FILES["y_train"], "fashion-mnist", system_dirs)
    assert content == gzip.decompress(originals[1][LABELS])


@pytest.mark.requires_data("fashion-mnist", "california_housing")
def test_load_data_from_debian_dir(isolated, originals):
    paths, contents = originals
    os.makedirs(fashion_mnist.DEBIAN_DIR)
    for name in fashion_mnist._CHECKSUMS:
        if name in contents:
            _put(fashion_mnist.DEBIAN_DIR, name, _debianize(contents[name]))
        else:  # the image files: a link is enough, their bytes are the published ones
            os.symlink(paths[name], os.path.join(fashion_mnist.DEBIAN_DIR, name))
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train[:10].tolist() == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]


@pytest.mark.parametrize("damage", ["flipped bytes", "other data", "truncated"])
@pytest.mark.requires_data("fashion-mnist", "california_housing")
def test_corrupted_file_is_rejected_with_both_checksums(isolated, originals, monkeypatch, damage):
    gz = originals[1][LABELS]
    if damage == "flipped bytes":
        bad = bytearray(gz)
        bad[len(gz) // 2 : len(gz) // 2 + 8] = b"\xff" * 8
        bad = bytes(bad)
    elif damage == "other data":
        bad = gzip.compress(gzip.decompress(gz)[:-1] + b"\x07")
    else:
        bad = gz[: len(gz) // 2]
    _put(isolated / "data", LABELS, bad)
    monkeypatch.setenv(_files.DATA_DIR_ENV, str(isolated / "data"))
    data_file = fashion_mnist.FILES["y_train"]
    with pytest.raises(_files.ChecksumError) as info:
        _files.read(data_file, "fashion-mnist")
    message = str(info.value)
    assert str(isolated / "data" / LABELS) in message
    assert data_file.sha256 in message and data_file.content_sha256 in message


def test_missing_everywhere_names_every_place(isolated):
    with pytest.raises(_files.DatasetNotFoundError) as info:
        fashion_mnist.load_data()
    assert isinstance(info.value, OSError)
    message = str(info.value)
    for expected in (
        _files.DATA_DIR_ENV,
        _files.cache_dir("fashion-mnist"),
        str(isolated / "keras_home" / "datasets" / "fashion-mnist"),
        fashion_mnist.DEBIAN_DIR,
        "apt install dataset-fashion-mnist",
        "network is unreachable",
    ):
        assert expected in message
    # One short paragraph, raised without a chain of earlier exceptions behind it.
    assert "\n" not in message and len(message) < 700
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert os.listdir(_files.cache_dir("fashion-mnist")) == []  # no partial download left


def test_only_fashion_mnist_names_a_debian_package(isolated):
    with pytest.raises(_files.DatasetNotFoundError) as info:
        mnist.load_data()
    assert "apt install" not in str(info.value) and _files.DATA_DIR_ENV in str(info.value)


@pytest.mark.requires_data("fashion-mnist", "california_housing")
def test_keras_cache_is_searched_before_downloading(isolated, originals, monkeypatch):
    paths, contents = originals
    for name in fashion_mnist._CHECKSUMS:  # where keras.datasets.fashion_mnist.load_data() caches them
        target = isolated / "keras_home" / "datasets" / "fashion-mnist" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(paths[name], target)
    (x_train, y_train), _ = fashion_mnist.load_data()
    assert x_train.shape == (60000, 28, 28) and y_train.shape == (60000,)
    assert not os.path.exists(_files.cache_dir("fashion-mnist"))  # nothing was downloaded


@pytest.mark.requires_data("fashion-mnist", "california_housing")
def test_scikit_learn_data_home_is_searched_for_california_housing(isolated, originals):
    paths, contents = originals
    home = isolated / "scikit_learn_data"
    _put(home, "cal_housing.tgz", contents["cal_housing.tgz"])
    assert california_housing.load_sklearn_version().data.shape == (20640, 8)


def test_unwritable_cache_is_reported_as_not_found(isolated, monkeypatch):
    blocker = isolated / "home"
    blocker.write_bytes(b"a file where the cache directory should be")
    with pytest.raises(_files.DatasetNotFoundError, match="cannot create the cache directory"):
        mnist.load_data()


def _serving(responses):
    """A fake urlopen: `responses` maps a URL to bytes, or to an exception to raise."""

    def urlopen(url, timeout=None):
        response = responses.get(url, urllib.error.URLError(f"no route to {url}"))
        if isinstance(response, Exception):
            raise response
        return io.BytesIO(response)

    return urlopen


@pytest.mark.requires_data("fashion-mnist", "california_housing")
def test_download_verifies_and_caches_atomically(isolated, originals, monkeypatch):
    data_file = fashion_mnist.FILES["y_train"]
    first, second = data_file.urls[:2]
    responses = {first: urllib.error.HTTPError(first, 503, "Service Unavailable", {}, None)}
    responses[second] = originals[1][LABELS]
    monkeypatch.setattr(urllib.request, "urlopen", _serving(responses))
    content = _files.read(data_file, "fashion-mnist")
    assert content == gzip.decompress(originals[1][LABELS])
    cache = _files.cache_dir("fashion-mnist")
    assert os.listdir(cache) == [LABELS]  # no temporary file left behind
    with open(os.path.join(cache, LABELS), "rb") as f:
        assert f.read() == originals[1][LABELS]
    monkeypatch.setattr(urllib.request, "urlopen", _offline)  # now served from the cache
    assert _files.read(data_file, "fashion-mnist") == content


def test_download_with_wrong_bytes_caches_nothing(isolated, monkeypatch):
    data_file = fashion_mnist.FILES["y_test"]
    responses = {url: gzip.compress(b"\0\0\x08\x01\0\0\0\x01\x05") for url in data_file.urls}
    monkeypatch.setattr(urllib.request, "urlopen", _serving(responses))
    with pytest.raises(_files.DatasetNotFoundError, match="failed its checksum"):
        _files.read(data_file, "fashion-mnist")
    assert os.listdir(_files.cache_dir("fashion-mnist")) == []


@pytest.mark.requires_data("fashion-mnist", "california_housing")
def test_california_from_archive_and_download(isolated, originals, monkeypatch):
    archive = originals[1]["cal_housing.tgz"]
    url = california_housing.FILES[1].urls[0]
    monkeypatch.setattr(urllib.request, "urlopen", _serving({url: archive}))
    (x_train, y_train), (x_test, y_test) = california_housing.load_data(version="small")
    assert x_train.shape == (480, 8) and x_test.shape == (120, 8)
    assert os.listdir(_files.cache_dir("california_housing")) == ["cal_housing.tgz"]
    assert california_housing.load_sklearn_version().data.shape == (20640, 8)


def _fake_npz(path, **arrays):
    np.savez(path, **arrays)
    with open(path, "rb") as f:
        return _files.sha256(f.read())


def test_keras_npz_is_used_when_present_and_verified(isolated, monkeypatch):
    arrays = {
        "x_train": np.zeros((3, 28, 28), np.uint8),
        "y_train": np.array([1, 2, 3], np.uint8),
        "x_test": np.ones((2, 28, 28), np.uint8),
        "y_test": np.array([4, 5], np.uint8),
    }
    os.makedirs(_files.cache_dir("mnist"))
    digest = _fake_npz(os.path.join(_files.cache_dir("mnist"), "mnist.npz"), **arrays)
    monkeypatch.setattr(mnist, "KERAS_NPZ_SHA256", digest)
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    assert y_train.tolist() == [1, 2, 3] and x_test.shape == (2, 28, 28)
    monkeypatch.setattr(mnist, "KERAS_NPZ_SHA256", "0" * 64)
    with pytest.raises(_files.ChecksumError, match="is not Keras's mnist.npz"):
        mnist.load_data()


def test_keras_california_npz_by_absolute_path(isolated, monkeypatch):
    path = str(isolated / "california_housing.npz")
    x = np.arange(700 * 8, dtype=np.float32).reshape(700, 8)
    monkeypatch.setattr(california_housing, "KERAS_NPZ_SHA256", _fake_npz(path, x=x, y=x[:, 0]))
    (x_train, y_train), (x_test, y_test) = california_housing.load_data("small", path=path, test_split=0.5)
    assert x_train.shape == (300, 8) and x_test.shape == (300, 8)
    assert set(y_train) | set(y_test) == set(x[:600, 0])


@pytest.mark.parametrize(
    "content, match",
    [
        (b"\0\0\x0d\x01\0\0\0\x01\0\0\0\0", "not an IDX file of unsigned bytes"),
        (b"\0\0\x08\x01\0\0\0\x03\x01\x02", "announces shape"),
    ],
)
def test_parse_idx_rejects_malformed_files(content, match):
    with pytest.raises(ValueError, match=match):
        _idx.parse_idx(content, "bad.idx")
