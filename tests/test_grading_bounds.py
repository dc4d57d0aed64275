"""One student's notebook never stops the class (issue 37): the record is judged in a bounded child process, the
search refuses big integers and values over its caps before they are made and its work is bounded by the line's
length, the weights are checked before they are inflated, and whatever a notebook, a class entry or a box's out/
holds becomes that notebook's row. The cases that need a real box are in test_grading_faults.py."""

import csv
import errno
import io
import json
import os
import threading
import time
import tracemalloc
import zipfile

import nbformat
import numpy as np
import pytest

import nbrun
from answer_check import contract, judge, runlines, slips
from grading import core, gradescope, judging, report, sandbox, state, submissions
from helpers import EXERCISE, SAMPLE_DIR, filled_handout

PARAMETERS = {name: nbrun.SAMPLE[name] for name in ("n_train", "n_valid")}  # the sample's split
TEST = (np.zeros((20, 784), dtype=np.float32), np.zeros(20, dtype=np.int64))
HANDOUT = nbformat.read(EXERCISE, as_version=4)


def record_of(nb):
    """The box's record of a notebook's lines (what made.json holds), made here without a box."""
    cells, _ = contract.find_cells(nb)
    return json.loads(json.dumps(runlines.run_cells(cells)))


@pytest.fixture(scope="module")
def right_record():
    return record_of(filled_handout())


def fake_box(made, weights=None):
    return lambda data: {"made": made, "run": {}, "weights": weights}


def test_the_child_judges_a_record_as_the_checks_do(right_record):
    with sandbox.Run(sandbox=False) as run:
        verdicts = judging.judge(right_record, True, run)
    assert verdicts == {n: v.as_dict() for n, v in judge.judge_cells(right_record, hints=True).items()}
    assert all(v["status"] == "ok" for v in verdicts.values())


def test_a_child_past_its_time_is_killed_and_ctrl_c_ends_it_at_once(monkeypatch, right_record):
    monkeypatch.setattr(judging, "COMMAND", [os.sys.executable, "-c", "import time; time.sleep(600)"])
    with sandbox.Run(sandbox=False) as run, pytest.raises(judging.JudgingFailed, match="still judging after 1 s"):
        judging.judge(right_record, True, run, seconds=1)
    with sandbox.Run(sandbox=False) as run:
        stopper = threading.Timer(0.5, run.stop)  # Ctrl-C: the grader's main thread stops the run
        stopper.start()
        start = time.monotonic()
        with pytest.raises(sandbox.Stopped):
            judging.judge(right_record, True, run, seconds=600)
        assert time.monotonic() - start < 5  # a backstop far above the kill's milliseconds, never a measure
        stopper.join()


def test_a_record_the_search_cannot_judge_is_judged_without_it_then_is_the_notebooks_row(monkeypatch, right_record):
    calls = []

    def judge_(made, hints, run, search=True, seconds=judging.SECONDS):
        calls.append(search)
        if search:
            raise judging.JudgingFailed("out of memory")
        return {name: {"status": "ok"} for name in report.BLANK_COLUMNS}

    monkeypatch.setattr(judging, "judge", judge_)
    result = core.grade_one(nbformat.writes(filled_handout()).encode(), HANDOUT, TEST, fake_box(right_record))
    assert calls == [True, False] and result["problem"]["code"] == "no_weights"  # the box here left none
    assert any("graded without its causes" in note for note in result["notes"])
    monkeypatch.setattr(judging, "judge", lambda *a, **k: (_ for _ in ()).throw(judging.JudgingFailed("x")))
    result = core.grade_one(nbformat.writes(filled_handout()).encode(), HANDOUT, TEST, fake_box(right_record))
    assert result["problem"]["code"] == "not_judged" and result["verdicts"] == {}


def test_the_child_has_a_memory_cap(monkeypatch, right_record):
    monkeypatch.setattr(judging, "COMMAND", [os.sys.executable, "-c", "from grading import judging; "
                                             "judging._limits(); x = bytearray(3 * 2**30)"])
    with sandbox.Run(sandbox=False) as run, pytest.raises(judging.JudgingFailed, match="out of memory"):
        judging.judge(right_record, True, run)


@pytest.mark.parametrize("line", [
    "U_2 = np.power(int(1e308), int(1e308)) + W_2 @ X + b_2",  # a big-integer power: refused, never computed
    "U_2 = W_2 @ X + b_2 + np.zeros((5, 1000))[:, np.argmax(np.zeros((1000, 1000, 2)), axis=2)].sum()",
    "U_2 = W_2 @ X + b_2 + np.ones((3000, 3000)).dot(np.ones((3000, 3000))).sum()",
    "U_2 = W_2 @ X + b_2 + len((" + ", ".join(["np.ones((1000, 1000))"] * 150) + ",))",
    "U_2 = W_2 @ X + b_2 + len([" + ", ".join(["1.5"] * 8000) + "])",  # 40 KB of numbers: not searched at all
])
def test_a_hostile_line_costs_the_search_nothing_it_would_not_cost_the_box(line):
    env = {"np": np, "W_2": np.ones((5, 7)), "X": np.ones((7, 100)), "b_2": np.ones((5, 1))}
    budget = slips.Budget()
    tracemalloc.start()
    try:
        slips.search(line, env, "U_2", lambda value: False, budget=budget)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 200 * 2**20, peak
    if len(line) > slips.MAX_CHARACTERS:
        assert budget.left == slips.LINE_BUDGET  # nothing evaluated: the work does not grow with the length


def test_a_weights_file_that_would_inflate_is_refused_before_it_is(tmp_path):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in contract.WEIGHTS:
            with archive.open(f"{name}.npy", "w", force_zip64=True) as f:
                for _ in range(200):  # 200 MB of zeros, 200 KB compressed
                    f.write(bytes(2**20))
    assert len(data.getvalue()) < 2 * 2**20
    tracemalloc.start()
    try:
        assert core._weights(data.getvalue()) is None
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20, peak


@pytest.mark.parametrize("cells, why", [
    ([{"id": "a", "cell_type": "code", "source": 3, "metadata": {}, "outputs": [], "execution_count": None}],
     "no text source"),
    ([{"id": "a", "cell_type": "code", "source": None, "metadata": {}, "outputs": [], "execution_count": None}],
     "no text source"),
    ([{"id": "a", "source": "x = 1", "metadata": {}}], "no cell_type"),
    ([{"id": "a", "cell_type": "markdown", "source": "\ud800", "metadata": {}}], "UnicodeEncodeError"),
    ("cells", "ValidationError"),
])
def test_a_notebook_of_any_json_is_its_own_row(cells, why):
    data = json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}).encode()
    result = core.grade_one(data, HANDOUT, TEST, lambda nb: pytest.fail("a box was started"))
    assert result["problem"]["code"] == "not_a_notebook" and why in result["problem"]["detail"], result


def test_an_error_the_grader_did_not_foresee_is_the_notebooks_row(monkeypatch):
    monkeypatch.setattr(contract, "find_cells", lambda nb: 1 / 0)
    result = core.grade_one(nbformat.writes(filled_handout()).encode(), HANDOUT, TEST, fake_box({}))
    assert result["problem"] == {"code": "grader_error", "detail": ": ZeroDivisionError"}
    assert "check it by hand" in report.problem_text(result["problem"])


def test_what_a_box_leaves_in_out_is_read_safely(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "made.json").write_text("[" * 200_000 + "]" * 200_000)  # nested deeper than Python reads
    assert sandbox._collect(out, b"", "lines") == {"made": None}
    sandbox._remove(out)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "made.json").write_text(json.dumps({"training": {}}))
    out.symlink_to(tmp_path / "elsewhere")  # out/ made a link: not followed
    assert sandbox._collect(out, b"", "lines") == {"made": None}
    sandbox._remove(out)
    assert (tmp_path / "elsewhere" / "made.json").exists() and not out.exists()
    out.write_text("a file where out/ was")
    assert sandbox._collect(out, b"", "notebook")["weights"] is None
    sandbox._remove(out)
    out.mkdir()


def test_a_damaged_or_encrypted_zip_entry_is_its_own_row(tmp_path):
    good = nbformat.writes(filled_handout()).encode()
    path = tmp_path / "class.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a/mnist_mlp_exercise.ipynb", good)
        archive.writestr("b/mnist_mlp_exercise.ipynb", good)
        archive.writestr("c/mnist_mlp_exercise.ipynb", good)
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        b = archive.getinfo("b/mnist_mlp_exercise.ipynb")
    start = b.header_offset + 30 + len(b.filename)
    raw[start + 100:start + 110] = bytes(10)  # corrupt data: a bad checksum or a broken stream
    central = next(i for i in range(len(raw)) if raw[i:i + 4] == b"PK\x01\x02" and raw[i + 46:i + 48] == b"c/")
    raw[central + 8] |= 1  # the encrypted flag of c's entry in the central directory
    path.write_bytes(bytes(raw))
    found = {entry.name: entry for entry in submissions.submissions(path)}
    assert core._read(found["a/mnist_mlp_exercise.ipynb"]) == (good, None)
    for name in ("b/mnist_mlp_exercise.ipynb", "c/mnist_mlp_exercise.ipynb"):
        data, result = core._read(found[name])
        assert data is None and result["problem"]["code"] == "damaged_entry", (name, result)


def test_a_shift_jis_name_is_shown_escaped_and_said_and_the_report_is_written(tmp_path):
    name = os.fsdecode("課題".encode("cp932")) + "/mnist_mlp_exercise.ipynb"
    shown, note = submissions.shown_name(name)
    assert shown.startswith("\\x89") and "課題" in note and "not UTF-8" in note
    folder = tmp_path / "class"
    (folder / os.fsdecode("課題".encode("cp932"))).mkdir(parents=True)
    (folder / name).write_bytes(b"{}")
    (entry,) = submissions.submissions(folder)
    assert entry.name == shown and entry.note == note and core._read(entry)[0] == b"{}"
    result = {"problem": None, "notes": [note], "verdicts": {}, "test_accuracy": ""}
    rows = [report.row(shown, result, dict.fromkeys(report.BLANK_COLUMNS, 1.0))]
    (tmp_path / "report").mkdir()
    report.write_report(tmp_path / "report", rows, {shown: result}, 1.0, {"split": "", "sandbox": "", "date": ""})
    assert shown in (tmp_path / "report" / "grades.csv").read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://x\")", "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_a_formula_looking_name_reaches_grades_csv_as_text(tmp_path, name):
    result = {"problem": None, "notes": [], "verdicts": {}, "test_accuracy": ""}
    rows = [report.row(name, result, dict.fromkeys(report.BLANK_COLUMNS, 1.0))]
    report.write_report(tmp_path, rows, {name: result}, 1.0, {"split": "", "sandbox": "", "date": ""})
    with open(tmp_path / "grades.csv", encoding="utf-8-sig", newline="") as f:
        (row,) = list(csv.DictReader(f))
    assert row["submission"] == "'" + name and row["score"] == "0" and row["max_score"] == "24"
    assert report.spreadsheet_safe("-0.5") == "-0.5"  # a number stays a number


def test_a_full_disk_while_grading_leaves_nothing_partial_and_says_what_was_not_kept(tmp_path, monkeypatch):
    with state.Report(tmp_path / "REPORT") as folder:
        folder.keep("a" * 32, {"x": 1})
        real = type(tmp_path).write_text

        def full(self, *args, **kwargs):
            if self.suffix == ".partial":
                real(self, "{", encoding="utf-8")  # a part written, then the disk is full
                raise OSError(errno.ENOSPC, "No space left on device")
            return real(self, *args, **kwargs)

        monkeypatch.setattr(type(tmp_path), "write_text", full)
        folder.keep("b" * 32, {"x": 2})
        assert not list((folder.work / "results").glob("*.partial")) and folder.kept() == 1 and folder.unkept == 1

        def write(staging):
            raise OSError(errno.ENOSPC, "No space left on device")

        with pytest.raises(submissions.GradingError, match=r"1 graded results are kept .* \(1 could not be kept\).*"
                           r"grades again the 1 it could not keep"):
            folder.publish(write, {})


def test_a_broken_line_is_one_blanks_error(right_record):
    nb = filled_handout()
    for cell in nb.cells:
        if cell.get("id") == "train":
            cell.source = cell.source.replace("U_2 = W_2 @ X + b_2", "U_2 = W_2 @ X, b_2", 1).replace(
                "Z_3 = softmax(U_3)", "Z_3 = " + "(" * 300 + "softmax(U_3)" + ")" * 300, 1)
    verdicts = judge.judge_cells(record_of(nb))
    wrong = {name: v.status for name, v in verdicts.items() if not v.ok}
    assert wrong == {"training.U_2": "wrong", "training.Z_3": "error"}, wrong


def test_gradescope_writes_results_json_for_any_submission(tmp_path, monkeypatch):
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    (root / "submission").mkdir()
    (root / "source" / "config.json").write_text(json.dumps({"points": dict.fromkeys(report.BLANK_COLUMNS, 1.0),
                                                             "parameters": {}, "timeout": 10, "memory_mb": 1000,
                                                             "line_seconds": 10}))
    (root / "submission" / "mnist_mlp_exercise.ipynb").write_text("{}")  # the source folder lacks MNIST too
    out = gradescope.run(root)
    written = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    assert written == out and written["score"] == 0 and len(written["tests"]) == 25
    assert "grader failed" in written["output"] or "not a notebook" in written["output"], written["output"]


@pytest.mark.slow
@pytest.mark.sandbox
def test_a_class_of_odd_notebooks_finishes_and_the_right_one_beside_them_gets_its_full_score(tmp_path):
    """In the real box, -j 2: the right notebook gets 24 of 24 and its test accuracy; each odd one a row of its own
    that says what was wrong; the grader's own Python allocations stay under 1 GB (tracemalloc)."""
    from mistakes import Line

    right = nbformat.writes(filled_handout())
    hostile = Line("train", "U_2 = W_2 @ X + b_2",  # wrong (so searched), with big integers and fancy indexing
                   "U_2 = W_2 @ X - b_2 + 0.0 * (int(1e300) * int(1e300) % 3) + 0 * np.zeros((5, 1000))"
                   "[:, np.argmax(np.zeros((1000, 1000, 2)), axis=2)].sum()")
    ragged = Line("train", "U_2 = W_2 @ X + b_2", "U_2 = W_2 @ X, b_2")
    folder = tmp_path / "class"
    odd_folder = os.fsdecode("課題".encode("cp932"))
    files = {"right/mnist_mlp_exercise.ipynb": right,
             "hostile/mnist_mlp_exercise.ipynb": nbformat.writes(filled_handout(hostile)),
             "ragged/mnist_mlp_exercise.ipynb": nbformat.writes(filled_handout(ragged)),
             "=HYPERLINK(1)/mnist_mlp_exercise.ipynb": json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                                                                  "cells": [{"id": "a", "cell_type": "code",
                                                                             "source": None, "metadata": {}}]}),
             f"{odd_folder}/mnist_mlp_exercise.ipynb": right}
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    tracemalloc.start()
    try:
        rows = core.grade_class(folder, tmp_path / "report", jobs=2, timeout=900, parameters=PARAMETERS,
                                mnist=SAMPLE_DIR / "mnist.npz", progress=lambda line: None)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2**30, peak
    by_name = {row["submission"]: row for row in rows}
    shown = submissions.shown_name(f"{odd_folder}/mnist_mlp_exercise.ipynb")[0]
    for name in ("right/mnist_mlp_exercise.ipynb", shown):
        assert by_name[name]["score"] == "24" and by_name[name]["test_accuracy"], by_name[name]
    assert by_name["hostile/mnist_mlp_exercise.ipynb"]["training.U_2"] == "wrong"
    assert by_name["ragged/mnist_mlp_exercise.ipynb"]["score"] == "23"
    assert by_name["=HYPERLINK(1)/mnist_mlp_exercise.ipynb"]["problem"].startswith("not a notebook")
    text = (tmp_path / "report" / "grades.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(1)" in text and shown in text
    assert any("課題" in page.read_text(encoding="utf-8") for page in (tmp_path / "report" / "feedback").iterdir())
