"""Fixtures of every test: offline but for loopback, a private MNIST cache, and the local HTTP server."""

import ipaddress
import os
import socket

import pytest

from helpers import LocalServer

os.environ.setdefault("MPLBACKEND", "Agg")  # no screen needed


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



@pytest.fixture
def server():
    s = LocalServer()
    yield s
    s.close()
