"""Fixtures of every test: offline but for loopback, a private MNIST cache, and the local HTTP server; the default
selection (the fast tests; ``--full`` adds the slow ones).

Tests that need a tool a fresh machine may lack skip with a one-line reason naming what to install: the grader's
sandbox (bubblewrap) here, Chromium in tests/test_browser.py, the full MNIST and the course's notebook beside the
checkout. CI sets ``MNIST_MLP_NO_SKIPS=1``: there every tool is installed, and a run that skipped a test for a missing
tool fails.
"""

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



def pytest_addoption(parser):
    parser.addoption("--full", action="store_true",
                     help="run the slow tests too (notebook kernels, sandbox boxes, trainings): what CI runs")


def _default_selection(config):
    """True when the run names no marker of its own (pyproject's -m 'not browser' alone) and no --full."""
    return not config.getoption("--full") and config.getoption("markexpr") == "not browser"


def pytest_collection_modifyitems(config, items):
    """Every test not marked slow (a kernel, a box, a training) or browser is fast: the default run, a newcomer's
    minutes. ``--full`` adds the slow ones, ``-m slow`` runs them alone, ``-m browser`` the browser tests.

    A test that grades in the real sandbox (marked ``sandbox``, or using the graded class) skips without bwrap."""
    from grading import sandbox

    for item in items:
        if {"graded", "autograder"} & set(item.fixturenames):  # a class graded in boxes, or the autograder's runs
            item.add_marker(pytest.mark.slow)
        if not item.get_closest_marker("slow") and not item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.fast)
    if _default_selection(config):
        slow = [item for item in items if item.get_closest_marker("slow")]
        if slow:
            config.hook.pytest_deselected(items=slow)
            items[:] = [item for item in items if not item.get_closest_marker("slow")]
            config._slow_left_out = len(slow)

    needs = [item for item in items if item.get_closest_marker("sandbox") or "graded" in item.fixturenames]
    problem = sandbox.problem() if needs else None
    if problem:
        reason = "needs the grader's sandbox: " + problem.split("\n")[-1]
        for item in needs:
            item.add_marker(pytest.mark.skip(reason=reason))


def pytest_terminal_summary(terminalreporter, config):
    """Say what the default run left out, and how to run it."""
    left_out = getattr(config, "_slow_left_out", 0)
    if left_out:
        terminalreporter.write_line(f"{left_out} slow tests (notebook kernels, sandbox boxes, trainings) left out: "
                                    "python -m pytest --full runs them too, as CI does")


TOOLS = ("needs the grader's sandbox", "chromium", "playwright", "nbgrader")  # the skip reasons of a missing tool


def pytest_sessionfinish(session, exitstatus):
    """With MNIST_MLP_NO_SKIPS=1 (CI), a test skipped for a missing tool (bubblewrap, Chromium) fails the run."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = [r for r in (reporter.stats.get("skipped", []) if reporter else [])
               if any(tool in str(r.longrepr) for tool in TOOLS)]
    if os.environ.get("MNIST_MLP_NO_SKIPS") == "1" and skipped and session.exitstatus == 0:
        reporter.write_line(f"MNIST_MLP_NO_SKIPS=1: {len(skipped)} tests skipped for a missing tool; CI installs "
                            "bubblewrap, Chromium and nbgrader", red=True)
        session.exitstatus = 1


@pytest.fixture
def server():
    s = LocalServer()
    yield s
    s.close()
