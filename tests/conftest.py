"""Shared fixtures: the notebook's cells, a local HTTP server on 127.0.0.1, and a guard that keeps tests offline."""

import http.server
import ipaddress
import os
import socket
import threading
from pathlib import Path

import nbformat
import numpy as np
import pytest

os.environ.setdefault("MPLBACKEND", "Agg")  # no screen needed

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "mnist_mlp.ipynb"
SAMPLE_DIR = Path(__file__).resolve().parent / "data"  # mnist.npz: 5,000 + 1,000 real MNIST digits


def notebook_cell(cell_id, path=NOTEBOOK):
    """The source of the notebook cell with this id."""
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.get("id") == cell_id:
            return cell.source
    raise KeyError(f"{path.name} has no cell with id {cell_id!r}")


def notebook_functions():
    """softmax, softmax_cross_entropy, sigmoid and dsigmoid_du as the notebook defines them."""
    namespace = {"np": np}
    exec(notebook_cell("functions"), namespace)
    return namespace


# --------------------------------------------------------------------------------------
# No test may reach the internet: connections go to loopback only.
# --------------------------------------------------------------------------------------

_real_connect = socket.socket.connect


def _loopback_only_connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0]
        try:
            is_loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            is_loopback = False
        if not is_loopback:
            raise OSError(f"tests must stay offline: refused a connection to {host}")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def offline_and_private_cache(monkeypatch, tmp_path):
    """Every test: connections only to loopback, and the MNIST cache in a fresh temporary folder."""
    monkeypatch.setattr(socket.socket, "connect", _loopback_only_connect)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.delenv("MNIST_DATA_HOME", raising=False)


# --------------------------------------------------------------------------------------
# A small HTTP server on 127.0.0.1 that the tests fill with files
# --------------------------------------------------------------------------------------


class LocalServer:
    """Serves ``routes``: path -> bytes (200), or path -> (status, bytes, declared_length or None).

    ``requests`` lists every path asked for, in order. A path not in ``routes`` answers 404.
    ``hang`` makes every request wait that many seconds before answering.
    """

    def __init__(self):
        self.routes = {}
        self.requests = []
        self.hang = 0.0
        self._stop = threading.Event()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(self.path)
                if server.hang:
                    server._stop.wait(server.hang)
                try:
                    self.answer(server.routes.get(self.path))
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test): nothing to answer

            def answer(self, route):
                if route is None:
                    self.send_error(404)
                    return
                status, body, length = route if isinstance(route, tuple) else (200, route, None)
                self.send_response(status)
                self.send_header("Content-Length", str(length if length is not None else len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def close(self):
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = LocalServer()
    yield s
    s.close()
