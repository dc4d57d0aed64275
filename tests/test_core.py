"""grading/core.py and grading/state.py without a box: what a failed cell shows, what names the machine, the keys
of kept results and the lock on REPORT. (The same, end to end in the real sandbox: tests/test_grading_faults.py.)"""

import socket
import sys

import nbformat
import numpy as np
import pytest

from answer_check import contract, reference
from grading import core, state
from grading.submissions import GradingError
from helpers import EXERCISE, filled_handout


def test_a_failed_cell_shows_the_errors_type_and_the_learners_own_line_and_nothing_the_box_wrote():
    cells, _ = contract.find_cells(filled_handout())
    handout_nb = nbformat.read(EXERCISE, as_version=4)
    step = cells["training"].split("\n")
    line = next(i for i, text in enumerate(step, 1) if text.strip().startswith("Delta_2 ="))
    forged = f"RuntimeError: {sys.executable} {socket.gethostname()} root:x:0:0"
    cell, kind, shown = core._raised(["train", forged, [["train", line], ["functions", 10**6]]], cells, handout_nb)
    assert (cell, kind) == ("train", "RuntimeError") and shown == step[line - 1].strip()
    assert core._raised(["../../etc", "not a name!", "no frames"], cells, handout_nb) == ("?", "an error", "")


def test_words_that_name_the_machine_are_replaced_in_what_a_line_raised():
    host = socket.gethostname()
    verdicts = {"softmax": {"detail": f"ValueError: {sys.executable} on {host}", "ja": [sys.prefix], "error": 1.0}}
    clean = core.scrub(verdicts)
    assert sys.executable not in str(clean) and sys.prefix not in str(clean) and clean["softmax"]["error"] == 1.0
    assert host in ("box", "localhost") or host not in clean["softmax"]["detail"]


def test_a_result_is_kept_by_the_notebooks_bytes_and_the_settings(tmp_path):
    (tmp_path / "grader.py").write_text("one version")
    settings = state.settings_key({"timeout": 300}, [tmp_path / "grader.py"])
    assert state.key(b"nb", settings) == state.key(b"nb", settings) != state.key(b"nb2", settings)
    assert state.settings_key({"timeout": 301}, [tmp_path / "grader.py"]) != settings
    (tmp_path / "grader.py").write_text("another version")
    assert state.settings_key({"timeout": 300}, [tmp_path / "grader.py"]) != settings


def test_a_second_grader_on_the_same_report_is_refused_at_once_and_an_unknown_folder_is_never_written(tmp_path):
    with state.Report(tmp_path / "report") as first:
        first.keep("k", {"problem": None})
        with pytest.raises(GradingError, match="another grader is writing"):
            state.Report(tmp_path / "report").__enter__()
        assert first.previous() == {"k": {"problem": None}}
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("the teacher's")
    with pytest.raises(GradingError, match="not a report of this grader"):
        state.Report(tmp_path / "other").__enter__()
    assert [p.name for p in (tmp_path / "other").iterdir()] == ["notes.txt"]


def test_the_accuracy_of_weights_is_the_course_forward_pass():
    rng = np.random.default_rng(0)
    weights = {"W_2": rng.normal(size=(256, 784)), "b_2": np.zeros((256, 1)), "W_3": rng.normal(size=(10, 256)),
               "b_3": np.zeros((10, 1))}
    X, y = rng.random((50, 784)), rng.integers(0, 10, 50)
    Z = reference.reference_forward({k: v.astype(np.float32) for k, v in weights.items()},
                                    X.astype(np.float32).T)["Z_3"]
    assert core.accuracy_of_weights(weights, X, y) == np.mean(Z.argmax(axis=0) == y)
