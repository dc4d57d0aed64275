"""scripts/nbgrader_course.py: the handout as nbgrader's assignment (the real nbgrader CLI runs it in
tests/test_nbgrader.py), and the answer checks as nbgrader's grade cells (``points=True``)."""

import json

import nbformat
import pytest

from answer_check import contract
from answer_check.cells import check_functions
from helpers import EXERCISE, notebook_functions
from scripts import make_exercise, nbgrader_course


def test_the_answer_checks_are_grade_cells_worth_their_blanks_and_the_rest_is_locked_but_the_blanks():
    handout = nbformat.read(EXERCISE, as_version=4)
    nb = nbgrader_course.assignment_notebook(handout)
    meta = {cell.id: cell.metadata.get("nbgrader") for cell in nb.cells if cell.cell_type == "code"}
    graded = {cell_id: m["points"] for cell_id, m in meta.items() if m and m["grade"]}
    assert graded == {"functions-answer-check": 4, "inference-answer-check": 4, "train-answer-check": 14,
                      "test-answer-check": 2} and sum(graded.values()) == 24
    blanks = {cell_id for cell_id, _ in contract.BLANK_CELLS.values()}
    assert {cell_id for cell_id, m in meta.items() if m is None} == blanks  # the student's cells, as they are
    assert all(m["locked"] and not m["solution"] for m in meta.values() if m)
    assert all("(globals(), points=True)" in cell.source for cell in nb.cells if cell.id in graded)
    assert [c.source for c in nb.cells if c.id in blanks] == [c.source for c in handout.cells if c.id in blanks]
    assert not contract.checks_changed(nb, handout)  # python -m grading reads points=True as the handout's check


def test_a_grade_cell_prints_the_message_returns_the_right_lines_and_writes_nothing_to_stderr(capsys):
    ns = notebook_functions()
    assert check_functions(ns, points=True) == 4
    ns["sigmoid"] = lambda U: 1 / (1 + __import__("numpy").exp(U))  # the sign of the exponent: overflows, warns
    assert check_functions(ns, points=True) == 3
    out, err = capsys.readouterr()
    assert err == "" and "sigmoid" in out and "答え合わせ" in out
    assert check_functions({}, points=True) == 0  # nothing defined yet: a message, no error
    with pytest.raises(AssertionError):
        check_functions(ns)  # without points=True, the notebook's check raises as it always has


def test_the_course_folder_is_written_whole_or_not_at_all(tmp_path):
    assert make_exercise.main(["--nbgrader", str(tmp_path / "course")]) == 0
    folder = tmp_path / "course"
    assert sorted(p.name for p in folder.iterdir()) == ["kernels", "nbgrader_config.py", "source"]
    source = folder / "source" / nbgrader_course.ASSIGNMENT
    assert all((source / name).is_file() for name in contract.HELPERS)
    assert contract.helpers_version(source) in (source / contract.HANDOUT).read_text(encoding="utf-8")
    kernel = json.loads((folder / "kernels" / nbgrader_course.KERNEL / "kernel.json").read_text())
    assert kernel["argv"][1:4] == ["-m", "grading.boxkernel", "-f"]
    config = (folder / "nbgrader_config.py").read_text(encoding="utf-8")
    assert f"c.CourseDirectory.root = {str(folder)!r}" in config and "c.Execute.timeout = 1800" in config
    assert make_exercise.main(["--nbgrader", str(folder)]) == 2  # not empty: refused, nothing touched
    (tmp_path / "file").write_text("x")
    assert make_exercise.main(["--nbgrader", str(tmp_path / "file")]) == 2
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".staging-")]  # no staging folder left
