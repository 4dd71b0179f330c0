"""keras.utils.get_file: cache, checksum, extraction, from file:// URLs and a local HTTP server."""
import functools
import hashlib
import http.server
import io
import os
import pathlib
import tarfile
import threading
import zipfile

import pytest

from neuronet import utils


@pytest.fixture
def server(tmp_path):
    """Serves tmp_path/served over HTTP on 127.0.0.1; yields (base URL, served dir, request counter)."""
    served = tmp_path / "served"
    served.mkdir()
    requests = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            requests.append(self.path)
            super().do_GET()

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(served)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", served, requests
    httpd.shutdown()
    thread.join()


def test_downloads_into_cache_subdir_and_reuses_it(server, tmp_path, capsys):
    url, served, requests = server
    (served / "data.csv").write_text("a,b\n1,2\n")
    sha = hashlib.sha256(b"a,b\n1,2\n").hexdigest()
    cache = tmp_path / "cache"
    path = utils.get_file(origin=f"{url}/data.csv", file_hash=sha, cache_dir=str(cache))
    assert path == str(cache / "datasets" / "data.csv") and pathlib.Path(path).read_text() == "a,b\n1,2\n"
    assert "Downloading data from" in capsys.readouterr().out
    again = utils.get_file("data.csv", f"{url}/data.csv", file_hash=sha, cache_dir=str(cache))
    assert again == path and len(requests) == 1  # cached: no second request
    utils.get_file("data.csv", f"{url}/data.csv", cache_dir=str(cache), force_download=True)
    assert len(requests) == 2
    other = utils.get_file("renamed.csv", f"{url}/data.csv", cache_subdir="mine", cache_dir=str(cache))
    assert other == str(cache / "mine" / "renamed.csv")


def test_bad_checksum_leaves_nothing_and_outdated_copy_is_replaced(server, tmp_path, capsys):
    url, served, _ = server
    (served / "data.bin").write_bytes(b"new content")
    cache = tmp_path / "cache"
    with pytest.raises(ValueError, match="file hash does not match"):
        utils.get_file(origin=f"{url}/data.bin", file_hash="0" * 64, cache_dir=str(cache))
    assert os.listdir(cache / "datasets") == []  # no partial or unverified file
    (cache / "datasets" / "data.bin").write_bytes(b"old content")
    md5 = hashlib.md5(b"new content").hexdigest()  # noqa: S324 (Keras accepts md5 checksums)
    path = utils.get_file(origin=f"{url}/data.bin", file_hash=md5, cache_dir=str(cache))
    assert "re-download" in capsys.readouterr().out
    assert pathlib.Path(path).read_bytes() == b"new content"
    assert utils.get_file(origin=f"{url}/data.bin", md5_hash=md5, cache_dir=str(cache)) == path


def test_extracts_tar_and_zip_archives(tmp_path):
    tar_path, zip_path = tmp_path / "images.tar.gz", tmp_path / "texts.zip"
    with tarfile.open(tar_path, "w:gz") as archive:
        info = tarfile.TarInfo("images/a.txt")
        info.size = 3
        archive.addfile(info, io.BytesIO(b"abc"))
    with zipfile.ZipFile(zip_path, "w") as archive:
        archive.writestr("texts/b.txt", "xyz")
    cache = str(tmp_path / "cache")
    extracted = utils.get_file(origin=tar_path.as_uri(), extract=True, cache_dir=cache)
    assert extracted.endswith(os.path.join("datasets", "images.tar.gz"))
    assert pathlib.Path(extracted, "images", "a.txt").read_text() == "abc"
    assert os.path.isfile(os.path.join(tmp_path, "cache", "datasets", "images.tar.gz_archive"))
    named = utils.get_file("texts.zip", zip_path.as_uri(), extract=True, cache_dir=cache)
    assert named.endswith("texts_extracted") and pathlib.Path(named, "texts", "b.txt").read_text() == "xyz"


def test_refuses_archive_members_outside_the_directory(tmp_path):
    evil = tmp_path / "evil.tar"
    with tarfile.open(evil, "w") as archive:
        info = tarfile.TarInfo("../escaped.txt")
        info.size = 1
        archive.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(ValueError, match="outside"):
        utils.get_file(origin=evil.as_uri(), extract=True, cache_dir=str(tmp_path / "cache"))
    assert not (tmp_path / "cache" / "escaped.txt").exists()


def test_argument_errors(tmp_path, server):
    url, _, _ = server
    with pytest.raises(ValueError, match="origin"):
        utils.get_file("x")
    with pytest.raises(ValueError, match="Paths are no longer accepted"):
        utils.get_file("a/b.txt", f"{url}/b.txt", cache_dir=str(tmp_path))
    with pytest.raises(ValueError, match="ftp://"):
        utils.get_file(origin="ftp://example.com/a.txt", cache_dir=str(tmp_path))
    with pytest.raises(ValueError, match="hash_algorithm"):
        utils.get_file(origin=f"{url}/a.txt", file_hash="00", hash_algorithm="sha1", cache_dir=str(tmp_path))
    with pytest.raises(OSError, match="URL fetch failure.*404"):
        utils.get_file(origin=f"{url}/missing.txt", cache_dir=str(tmp_path))


def test_default_cache_is_keras_home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "home"))
    source = tmp_path / "a.txt"
    source.write_text("1")
    assert utils.get_file(origin=source.as_uri()) == str(tmp_path / "home" / "datasets" / "a.txt")
