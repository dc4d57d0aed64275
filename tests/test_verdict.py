"""answer_check/verdict.py: the tolerance sits far from both sides, as docs/checks.md quotes it, and a verdict is plain
data."""

import re

import pytest

from answer_check.verdict import TOLERANCE, Verdict
from helpers import ROOT, judge_notebook, notebook_cell
from mistakes import RIGHT, WRONG, apply

CELLS = {"functions": "functions", "inference": "inference", "training": "train", "test": "test-predict"}


def _judged(line):
    cells = {key: notebook_cell(cell_id) for key, cell_id in CELLS.items()}
    key = next(k for k, cell_id in CELLS.items() if cell_id == line.cell)
    cells[key] = apply(cells[key], line)
    return judge_notebook(cells)


@pytest.mark.slow  # every line of the tables judged once: half a minute
def test_the_tolerance_is_far_above_every_right_line_and_far_below_the_nearest_wrong_value():
    right = max((v.error, name) for name, line in RIGHT.items() for v in _judged(line).values() if v.ok)
    wrong = min((v.error, name) for name, line in WRONG.items() if line.column
                for v in [_judged(line)[line.column]] if v.status == "wrong" and v.error == v.error)
    assert right[0] * 50 < TOLERANCE < wrong[0] / 10, (right, wrong)
    quoted = (ROOT / "docs" / "checks.md").read_text(encoding="utf-8")
    assert f"**{right[0]:.1e}**".replace("e-05", "e-5") in quoted and f"**{wrong[0]:.2g}**" in quoted
    assert f"sits {round(TOLERANCE / right[0])} times above the first and {round(wrong[0] / TOLERANCE)} times" \
        in re.sub(r"\s+", " ", quoted)


def test_a_verdict_is_plain_data():
    v = Verdict("wrong", ["ja"], ["en"], error=float("nan"), shape="(10, 100)")
    assert v.as_dict()["error"] is None and v.as_dict()["status"] == "wrong" and not v.ok
