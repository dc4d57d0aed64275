"""progress.Progress: the one-line progress bar, in a terminal and in a notebook, on a fake clock (no real time)."""

import subprocess
import sys

import IPython.display
import numpy as np
import pytest

import progress
from answer_check import contract
from progress import Progress

ROOT = contract.ROOT


class FakeClock:
    """A clock that moves only when told: ``clock()`` is the time in seconds, ``clock.advance(s)`` moves it on."""

    def __init__(self):
        self.now = 100.0  # any start: Progress counts from the time it is made

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


def test_in_a_terminal_it_rewrites_one_line_and_ends_with_the_total(capsys):
    clock = FakeClock()
    bar = Progress(4, "Hidden units", clock=clock)
    for _ in range(4):
        clock.advance(1.0)  # an epoch a second
        bar.update(status="validation 0.9")
    bar.close()
    assert capsys.readouterr().out == (
        "\rHidden units: [....................] 0/4 epochs, 0 s"
        "\rHidden units: [#####...............] 1/4 epochs, 1 s, about 3 s left  validation 0.9"
        "\rHidden units: [##########..........] 2/4 epochs, 2 s, about 2 s left  validation 0.9"
        "\rHidden units: [###############.....] 3/4 epochs, 3 s, about 1 s left  validation 0.9"
        "\rHidden units: [####################] 4/4 epochs, 4 s, about 0 s left  validation 0.9"
        "\rHidden units: 4 epochs in 4.0 s\n"
    )


def test_it_says_the_time_left_from_the_rate_so_far():
    clock = FakeClock()
    bar = Progress(10, "x", clock=clock)
    clock.advance(8.0)
    bar.update(4)  # 4 epochs took 8 s: 6 more take about 12 s
    assert bar.line() == "x: [########............] 4/10 epochs, 8 s, about 12 s left"


def test_it_shows_at_most_four_updates_a_second_and_always_the_last_step(capsys):
    clock = FakeClock()
    bar = Progress(8, unit="kB", clock=clock)
    for _ in range(8):
        clock.advance(0.125)  # eight updates a second: every other one is shown
        bar.update()
    bar.close()
    lines = capsys.readouterr().out.split("\r")[1:]
    assert [line.split(" kB")[0].split("] ")[-1] for line in lines] == ["0/8", "2/8", "4/8", "6/8", "8/8", "8"]
    assert lines[-1] == "8 kB in 1.0 s\n"


def test_a_last_step_that_comes_at_once_is_still_shown(capsys):
    clock = FakeClock()
    bar = Progress(3, clock=clock)
    bar.update(3)  # no time has passed since the first line: shown all the same, as the bar is full
    assert capsys.readouterr().out.endswith("[####################] 3/3 epochs, 0 s, about 0 s left")


def test_updates_past_the_total_stop_at_the_total():
    bar = Progress(2, clock=FakeClock())
    bar.update(5)
    assert bar.done == 2


class FakeHandle:
    """Stands in for IPython's DisplayHandle and records what would be shown."""

    def __init__(self):
        self.calls = []

    def display(self, bundle, raw=False):
        self.calls.append(("display", bundle, raw))

    def update(self, bundle, raw=False):
        self.calls.append(("update", bundle, raw))


def test_in_a_notebook_it_is_one_output_updated_in_place(monkeypatch, capsys):
    monkeypatch.setattr(progress, "_in_notebook", lambda: True)
    monkeypatch.setattr(IPython.display, "DisplayHandle", FakeHandle)
    clock = FakeClock()
    bar = Progress(2, "Best configuration", clock=clock)
    clock.advance(1.0)
    bar.update()
    bar.close()
    assert capsys.readouterr().out == ""  # nothing printed: all goes through the one handle
    assert isinstance(bar.handle, FakeHandle)
    assert [(kind, raw) for kind, _, raw in bar.handle.calls] == [("display", True), ("update", True), ("update", True)]
    first, _, last = (bundle for _, bundle, _ in bar.handle.calls)
    assert first["text/plain"] == "Best configuration: [....................] 0/2 epochs, 0 s"
    assert first["text/html"].startswith('<progress value="0" max="2"')
    assert last == {"text/plain": "Best configuration: 2 epochs in 1.0 s",
                    "text/html": "<code>Best configuration: 2 epochs in 1.0 s</code>"}  # the saved notebook's line


@pytest.mark.parametrize("total", [0, -1, 2.5, True, "10", None])
def test_it_rejects_a_total_that_is_not_a_positive_count(total):
    with pytest.raises(ValueError, match="total must be a whole number of steps"):
        Progress(total)


def test_it_accepts_a_numpy_integer_total(capsys):
    bar = Progress(np.int64(3), clock=FakeClock())
    assert bar.total == 3 and type(bar.total) is int


def test_utils_still_offers_progress_to_the_notebook():
    import utils

    assert utils.Progress is Progress


def test_a_bar_in_a_terminal_imports_neither_ipython_nor_a_plotting_library():
    code = ("import sys, progress\n"
            "bar = progress.Progress(2)\nbar.update(2)\nbar.close()\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in {'IPython', 'matplotlib', 'numpy'}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "[]"
