"""answer_check/blanks.py: the 24 blanks in the handout's order, each known mistake a value that is wrong, with its
words."""

import nbformat
import numpy as np
import pytest

from answer_check import blanks, reference
from answer_check.verdict import TOLERANCE, UPDATES
from helpers import NOTEBOOK


def test_the_blanks_are_the_handouts_24_in_its_order():
    handout = []
    for cell in nbformat.read(NOTEBOOK, as_version=4).cells:
        names = cell.metadata.get("exercise_blanks", [])
        prefix = {"inference": "inference.", "train": "training."}.get(cell.get("id"), "")
        if cell.get("id") == "functions":
            names = blanks.FUNCTION_ROWS  # each function's return line, in the cell's order
        handout += [prefix + name for name in names]
    assert blanks.BLANK_COLUMNS == handout and len(handout) == 24


def _references():
    """(blank, the reference values r its mistakes read, the right value) for every blank with known mistakes."""
    step = reference.training_reference()[3]
    forward = reference.inference_reference()[2]
    for name in blanks.TRAINING_ROWS:
        yield f"training.{name}", step, step[name], step.get(f"old_{name}") if name in UPDATES else 0
    for name in blanks.INFERENCE_ROWS:
        yield f"inference.{name}", forward, forward[name], 0
    for name, probes in reference.function_probes().items():
        for _, _, r, right in probes:
            yield name, r, right, 0
    r = reference.test_cell_values()[1]
    for name in blanks.TEST_ROWS:
        yield name, r, r[name], 0


@pytest.mark.parametrize(("column", "r", "right", "old"), list(_references()), ids=lambda v: v if isinstance(v, str)
                         else "")
def test_every_known_mistake_makes_a_wrong_value_and_has_its_words(column, r, right, old):
    for wrong, ja, en in blanks.BLANKS[column].mistakes:
        with np.errstate(all="ignore"):
            value = wrong(r)
        assert ja and en
        if value is None or np.shape(value) != np.shape(right):
            continue  # a mistake of another probe's shape (the softmax's axis) or of another set's size
        error = reference.rel_error(np.asarray(value, dtype=np.float64) - old, np.asarray(right, np.float64) - old)
        assert not error <= TOLERANCE, (column, en)  # nan (an inf in the mistake) is not right either
