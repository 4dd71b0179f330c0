"""RemoteMonitor posts to a server on the loopback interface started by the test."""
import http.server
import json
import threading
import urllib.parse

import numpy as np
import pytest

import neuronet as keras


class _Recorder(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((self.path, self.headers["Content-Type"], body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    httpd.received = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", httpd.received
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def _fit(callback):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 2)).astype("float32")
    model = keras.Sequential([keras.layers.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model.fit(x, x.sum(axis=1), epochs=2, verbose=0, callbacks=[callback])


def test_posts_each_epoch_in_a_form_field(server):
    root, received = server
    history = _fit(keras.callbacks.RemoteMonitor(root=root))
    assert [(path, kind) for path, kind, _ in received] == [
        ("/publish/epoch/end/", "application/x-www-form-urlencoded")] * 2
    sent = [json.loads(urllib.parse.parse_qs(body.decode())["data"][0]) for _, _, body in received]
    assert [s["epoch"] for s in sent] == [0, 1]
    assert [s["loss"] for s in sent] == history.history["loss"]


def test_posts_json_with_custom_headers(server):
    root, received = server
    _fit(keras.callbacks.RemoteMonitor(root=root, path="/log", send_as_json=True, headers={"X-Run": "1"}))
    assert received[0][0] == "/log" and received[0][1] == "application/json"
    assert json.loads(received[1][2])["epoch"] == 1


def test_unreachable_server_warns():
    with pytest.warns(UserWarning, match="Could not reach RemoteMonitor root server at http://127.0.0.1:9"):
        _fit(keras.callbacks.RemoteMonitor(root="http://127.0.0.1:9"))


@pytest.mark.parametrize("root, path, message", [
    ("ftp://localhost", "/x", "Invalid URL scheme 'ftp'"),
    ("http://localhost:9000", "@evil.example/x", "Host injection detected"),
])
def test_unsafe_urls_are_refused(root, path, message):
    with pytest.raises(ValueError, match=message):
        keras.callbacks.RemoteMonitor(root=root, path=path)


def test_link_local_addresses_are_refused():
    callback = keras.callbacks.RemoteMonitor(root="http://169.254.169.254")
    with pytest.raises(ValueError, match="link-local"):
        callback.on_epoch_end(0, {"loss": 1.0})
