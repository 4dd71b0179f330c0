"""datasets.cifar10 on small synthetic archives in the binary version's format (no network, no real data)."""
import dataclasses
import hashlib
import io
import tarfile
import urllib.error
import urllib.request

import numpy as np
import pytest

from neuronet.datasets import _files, cifar10


def _records(rng, n):
    labels = rng.integers(0, 10, size=n, dtype=np.uint8)
    planes = rng.integers(0, 256, size=(n, 3, 32, 32), dtype=np.uint8)  # red, green, blue planes, row by row
    return labels, planes, np.concatenate([labels[:, None], planes.reshape(n, -1)], axis=1).tobytes()


def _archive(members):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.fixture
def synthetic(tmp_path, monkeypatch):
    """An archive with 2-3 images per batch, pinned in place of the real checksum; no data dir, no network."""
    rng = np.random.default_rng(0)
    sizes = [2, 3, 2, 2, 3, 3]  # five training batches, then the test batch
    batches = [_records(rng, n) for n in sizes]
    archive = _archive({name: data for name, (_, _, data) in zip(cifar10._MEMBERS, batches)})
    digest = hashlib.sha256(archive).hexdigest()
    monkeypatch.setattr(cifar10, "FILE", dataclasses.replace(cifar10.FILE, sha256=digest, content_sha256=digest))
    monkeypatch.delenv(_files.DATA_DIR_ENV, raising=False)
    monkeypatch.setenv(_files.HOME_ENV, str(tmp_path / "home"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))  # no real Keras cache either
    requests = []

    def fake_urlopen(url, timeout=None):
        requests.append(url)
        return io.BytesIO(archive)

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    return batches, archive, requests, tmp_path


def test_arrays_match_the_records_in_keras_layout(synthetic):
    batches, _, requests, tmp_path = synthetic
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    assert x_train.shape == (12, 32, 32, 3) and x_test.shape == (3, 32, 32, 3)
    assert y_train.shape == (12, 1) and y_test.shape == (3, 1)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    planes = np.concatenate([p for _, p, _ in batches[:-1]])
    np.testing.assert_array_equal(x_train, planes.transpose(0, 2, 3, 1))  # x[i, row, col, channel]
    np.testing.assert_array_equal(x_train[0, 5, 7], planes[0, :, 5, 7])
    np.testing.assert_array_equal(y_train[:, 0], np.concatenate([lab for lab, _, _ in batches[:-1]]))
    np.testing.assert_array_equal(y_test[:, 0], batches[-1][0])
    assert requests == [cifar10.FILE.urls[0]]
    cached = tmp_path / "home" / "datasets" / "cifar10" / "cifar-10-binary.tar.gz"
    assert cached.is_file()
    cifar10.load_data()
    assert len(requests) == 1  # the cached, verified copy is used


def test_local_copy_in_data_dir_is_used(synthetic, monkeypatch):
    _, archive, requests, tmp_path = synthetic
    (tmp_path / "data" / "cifar10").mkdir(parents=True)
    (tmp_path / "data" / "cifar10" / "cifar-10-binary.tar.gz").write_bytes(archive)
    monkeypatch.setenv(_files.DATA_DIR_ENV, str(tmp_path / "data"))
    assert cifar10.load_data()[1][0].shape == (3, 32, 32, 3) and requests == []


def test_corrupted_copy_fails_its_checksum(synthetic, monkeypatch):
    _, archive, _, tmp_path = synthetic
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "cifar-10-binary.tar.gz").write_bytes(archive[:-10] + b"0123456789")
    monkeypatch.setenv(_files.DATA_DIR_ENV, str(tmp_path / "data"))
    with pytest.raises(_files.ChecksumError, match="cifar-10-binary.tar.gz"):
        cifar10.load_data()


def test_truncated_batch_and_missing_member_are_refused(tmp_path, monkeypatch):
    rng = np.random.default_rng(1)
    members = {name: _records(rng, 2)[2] for name in cifar10._MEMBERS}
    for broken, match in ((dict(members, **{cifar10._MEMBERS[2]: members[cifar10._MEMBERS[2]][:-1]}), "records"),
                          ({k: v for k, v in members.items() if "test" not in k}, "test_batch.bin")):
        archive = _archive(broken)
        digest = hashlib.sha256(archive).hexdigest()
        monkeypatch.setattr(cifar10, "FILE", dataclasses.replace(cifar10.FILE, sha256=digest, content_sha256=digest))
        monkeypatch.setenv(_files.DATA_DIR_ENV, str(tmp_path))
        (tmp_path / "cifar-10-binary.tar.gz").write_bytes(archive)
        with pytest.raises(ValueError, match=match):
            cifar10.load_data()


def test_offline_without_a_copy_names_where_to_put_it(tmp_path, monkeypatch):
    monkeypatch.delenv(_files.DATA_DIR_ENV, raising=False)
    monkeypatch.setenv(_files.HOME_ENV, str(tmp_path / "home"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))

    def offline(url, timeout=None):
        raise urllib.error.URLError("network is unreachable (test)")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(_files.DatasetNotFoundError, match=r"cifar10.*cifar-10-binary\.tar\.gz.*NEURONET_DATA_DIR"):
        cifar10.load_data()

