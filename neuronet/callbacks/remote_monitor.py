"""RemoteMonitor: POST the logs of every epoch to an HTTP server (standard library only, no `requests`)."""
from __future__ import annotations

import json
import urllib.parse
import warnings
from typing import Any, Optional

import numpy as np

from neuronet.callbacks.callback import Callback


class RemoteMonitor(Callback):
    """Callback used to stream events to a server.

    At the end of each epoch, sends an HTTP POST to `root + path` with the epoch logs (and `"epoch"`) as JSON:
    inside the form field `field` (`application/x-www-form-urlencoded`), or as the request body with
    `send_as_json=True` (`application/json`). A server that can't be reached gives a warning, not an error.
    As in Keras, only http(s) URLs are accepted, `path` may not change the host, and link-local addresses
    (cloud metadata services) are refused.

    Args:
        root: root URL of the target server.
        path: path relative to `root` to which the events are sent.
        field: form field under which the JSON data is sent (when `send_as_json=False`).
        headers: optional dict of extra HTTP headers.
        send_as_json: send the JSON as the request body instead of in a form.

    Example:
    >>> import neuronet as keras
    >>> keras.callbacks.RemoteMonitor(root="http://localhost:9000").path
    '/publish/epoch/end/'
    """

    def __init__(self, root: str = "http://localhost:9000", path: str = "/publish/epoch/end/", field: str = "data",
                 headers: Optional[dict] = None, send_as_json: bool = False) -> None:
        super().__init__()
        _validate_url_structure(root, path)
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json

    def on_epoch_end(self, epoch: int, logs: Optional[dict] = None) -> None:
        send: dict = {"epoch": epoch}
        for key, value in (logs or {}).items():
            send[key] = value.item() if isinstance(value, (np.ndarray, np.generic)) else value
        import urllib.error  # here, not at the top: `import neuronet` stays fast
        import urllib.request

        _check_resolved_address(urllib.parse.urlparse(self.root).hostname)  # at request time: DNS may change
        if self.send_as_json:
            body, content_type = json.dumps(send).encode("utf-8"), "application/json"
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(send)}).encode("ascii")
            content_type = "application/x-www-form-urlencoded"
        headers = {"Content-Type": content_type, **(self.headers or {})}
        request = urllib.request.Request(self.root + self.path, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
        except (urllib.error.URLError, OSError):
            warnings.warn(f"Could not reach RemoteMonitor root server at {self.root}", stacklevel=2)


def _validate_url_structure(root: Any, path: Any) -> None:
    parsed = urllib.parse.urlparse(root)
    if parsed.scheme not in ("http", "https"):
        raise ValueError(f"Invalid URL scheme '{parsed.scheme}'. Only 'http' and 'https' are allowed. "
                         f"Received: root={root!r}")
    if not parsed.hostname:
        raise ValueError(f"URL must contain a valid hostname. Received: root={root!r}")
    combined = urllib.parse.urlparse(root + path)
    if combined.hostname != parsed.hostname:
        raise ValueError(f"Host injection detected: the combined URL hostname '{combined.hostname}' does not match "
                         f"the root hostname '{parsed.hostname}'. Ensure 'path' does not contain '@', scheme "
                         "separators, or other authority-altering characters.")


def _check_resolved_address(hostname: Any) -> None:
    import ipaddress
    import socket

    try:
        infos = socket.getaddrinfo(hostname, None)
    except socket.gaierror as error:
        raise ValueError(f"Unable to resolve hostname '{hostname}': {error}") from error
    for info in infos:
        try:
            address = ipaddress.ip_address(info[4][0])
        except ValueError:
            continue
        if address.is_link_local:
            raise ValueError(f"Requests to link-local IP addresses are not allowed (SSRF protection): '{address}' "
                             f"resolved from '{hostname}'. This range is used by cloud instance-metadata services.")
