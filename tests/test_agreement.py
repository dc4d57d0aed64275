"""The notebook's checks, the class grader and Gradescope agree: every line of tests/mistakes.py (wrong and right)
gets the same verdict and the same cause in all three.

The lines are packed into a few handouts, at most one line per blank in each (a line is judged with every line
before it right, so the lines of one handout do not touch each other's verdicts), and each handout is graded as
``python -m grading`` grades it (``core.grade_one`` in the real sandbox), then written up as grades.csv's row and as
Gradescope's results.json.
"""

import concurrent.futures

import nbformat
import pytest

from answer_check import contract, message
from grading import core, gradescope, report, sandbox
from helpers import SAMPLE_DIR, filled_handout, judge_notebook, notebook_cell
from mistakes import RIGHT, WRONG, apply, status

pytestmark = pytest.mark.slow  # grades, or runs the notebook, in a kernel

PARAMETERS = {"n_train": 500, "n_valid": 100, "live_plot": False}


def places(line):
    """The lines of the solution's cell ``line`` changes: two that change the same one cannot share a handout."""
    first = line.original.split("\n")[0].strip()
    source = notebook_cell(line.cell).split("\n")
    start = next(i for i, text in enumerate(source) if first in text)
    return {(line.cell, i) for i in range(start, start + line.original.count("\n") + 1)}


def pack():
    """[(handout, {name: line})]: every line of mistakes.py in some handout, one per place."""
    lines = {**{f"wrong: {n}": line for n, line in WRONG.items()}, **{f"right: {n}": line for n, line in RIGHT.items()}}
    packs = []
    for name, line in lines.items():
        for taken, members in packs:
            if not places(line) & taken:
                taken |= places(line)
                members[name] = line
                break
        else:
            packs.append((places(line), {name: line}))
    handouts = []
    for _, members in packs:
        nb = filled_handout()
        for line in members.values():
            cell = next(c for c in nb.cells if c.get("id") == line.cell)
            cell.source = apply(cell.source, line)
        handouts.append((nb, members))
    return handouts


def written_in(line, verdicts):
    """The columns whose judged line holds a line of ``line.written`` (a right line's own blanks)."""
    parts = [part.strip() for part in line.written.split("\n") if part.strip()]
    return [column for column, v in verdicts.items() if v.line and any(part in v.line for part in parts)]


@pytest.fixture(scope="module")
def graded():
    test = core.test_set(SAMPLE_DIR / "mnist.npz", PARAMETERS)
    handout_nb = nbformat.read(core.ROOT / contract.HANDOUT, as_version=4)

    def grade(nb):
        return core.grade_one(nbformat.writes(nb).encode(), handout_nb, test, lambda data: sandbox.run_box(
            data, SAMPLE_DIR / "mnist.npz", PARAMETERS, 600, 3000, core.LINE_SECONDS))

    handouts = pack()
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(grade, [nb for nb, _ in handouts]))
    return [(nb, members, result) for (nb, members), result in zip(handouts, results, strict=True)]


@pytest.mark.sandbox
def test_every_line_gets_the_same_verdict_and_cause_in_the_notebook_the_grader_and_gradescope(graded):
    points = dict.fromkeys(report.BLANK_COLUMNS, 1.0)
    for nb, members, result in graded:
        notebook = judge_notebook(contract.find_cells(nb)[0])  # what the notebook's checks say of this handout
        row = report.row("s.ipynb", result, points)
        tests = {t["name"]: t for t in gradescope.results(result, points, 1.0)["tests"]}
        for column, verdict in notebook.items():
            want, got = verdict.as_dict(), result["verdicts"][column]
            same = ("status", "mistake", "ja", "en", "detail", "line", "lineno")
            assert {k: got[k] for k in same} == {k: want[k] for k in same}, column
            assert row[column] == want["status"], column
            assert tests[column]["output"] == message.text(*message.render(column, want)), column
        for name, line in members.items():  # and each line got what tests/mistakes.py says it must
            if name.startswith("wrong: "):
                assert notebook[line.column].status == status(name.removeprefix("wrong: ")), name
                assert line.hint in "\n".join(notebook[line.column].en + notebook[line.column].ja), name
            else:
                columns = written_in(line, notebook)
                assert columns and all(notebook[c].ok for c in columns), name
    assert sum(len(members) for _, members, _ in graded) == len(WRONG) + len(RIGHT)
