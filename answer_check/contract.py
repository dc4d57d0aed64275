"""The handout's contract, written once: the files it needs, its blank, its cells and the markers of the SGD step.

The notebooks, the answer checks, the exercise writer (``scripts/make_exercise.py``), the grader and the tests read
these names from here; ``tests/test_contract.py`` checks that the notebooks agree with them.
"""

import hashlib
import re
from pathlib import Path

from . import words

PACKAGE = Path(__file__).resolve().parent  # answer_check/
ROOT = PACKAGE.parent  # the project's folder (or a class's): every module and script finds its files from here
SOLUTION = "mnist_mlp.ipynb"
HANDOUT = "mnist_mlp_exercise.ipynb"
HANDOUT_NO_HINTS = "mnist_mlp_exercise_no_hints.ipynb"

# The files the notebook imports, which its first code cell fetches whole on Colab (in this order): the course's
# helpers, then this package. ``helpers_version`` is what that cell compares, so a stale copy is replaced.
COURSE_HELPERS = ("utils.py", "progress.py", "mnist_data.py")
PACKAGE_FILES = ("__init__.py", "cells.py", "runlines.py", "judge.py", "probes.py", "verdict.py", "shapes.py",
                 "slips.py", "rules.py", "names.py", "syntax.py", "interpret.py", "message.py", "words.py", "words.txt",
                 "blanks.py", "reference.py", "course.py", "contract.py", "mistake_values.json")
HELPERS = (*COURSE_HELPERS, *(f"{PACKAGE.name}/{name}" for name in PACKAGE_FILES))


def helpers_version(folder=ROOT):
    """The first 12 hex digits of the sha256 of HELPERS' bytes in folder (line ends read as \\n), as the notebook's
    first cell computes it."""
    digest = hashlib.sha256()
    for name in HELPERS:
        digest.update((Path(folder) / name).read_bytes().replace(b"\r\n", b"\n"))
    return digest.hexdigest()[:12]


WEIGHTS = ("W_2", "b_2", "W_3", "b_3")  # the network's parameters, as the notebook names them
BLANK = "### CODE HERE ###"  # what a blank holds, as in the course's handout
# A line with a blank: its indentation, then the name it assigns or `return` (the one pattern the checks read).
BLANK_LINE = re.compile(rf"^(\s*)(?:(\w+)\s*=|(return))\s*{re.escape(BLANK)}.*$", re.M)
STATUSES = ("ok", "wrong", "empty", "error")  # what a blank's verdict can be

# The course's comments around one SGD step in the training cell, and the no-hints handout's line (its Japanese is
# the course's, kept in words.py with every other Japanese text).
STEP_START, STEP_END, NO_HINTS_LINE = words.STEP_START, words.STEP_END, words.NO_HINTS_LINE

# The cells with blanks: their ids, and what finds them in a submission (ids do not survive every editor).
BLANK_CELLS = {"functions": ("functions", ("def softmax(", "def dsigmoid_du(")),
               "inference": ("inference", ("def inference(",)),
               "training": ("train", (STEP_START, STEP_END)),
               "test": ("test-predict", ("Y_hat =", "testacc ="))}
# The answer checks and the course's own error checks.
ANSWER_CHECK_CELLS = ("functions-answer-check", "inference-answer-check", "train-answer-check", "test-answer-check")
COURSE_CHECK_CELLS = ("functions-check", "inference-check")
CHECK_CELLS = ANSWER_CHECK_CELLS + COURSE_CHECK_CELLS
COLAB_CELL = "colab-utils"  # fetches HELPERS where they are missing or stale (on Colab)
# Cells that only draw or print, left out when the grader trains a student's network.
DISPLAY_CELLS = ("image-tile", "accuracy-curves", "training-numbers", "valid-confusion", "test-confusion")
TEST_ACCURACY = "Test accuracy: "  # what the test-set cell prints before the accuracy


def find_cells(nb):
    """{'functions' | 'inference' | 'training' | 'test': the source of that cell in nb, or None}, and {key: index}.

    A cell is found by what it holds, so a submission whose editor renumbered the cells is still read."""
    found, where = {}, {}
    for key, (_, markers) in BLANK_CELLS.items():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code" and all(marker in cell.source for marker in markers):
                found[key], where[key] = cell.source, index
    return {key: found.get(key) for key in BLANK_CELLS}, where


def checks_changed(nb, handout):
    """True when a check cell of the handout is missing from nb or edited (an nbgrader grade cell's
    ``points=True`` is the handout's cell)."""
    sources = {cell.source.replace(", points=True)", ")").strip() for cell in nb.cells}
    return any(cell.source.strip() not in sources for cell in handout.cells if cell.get("id") in CHECK_CELLS)


def has_hints(text):
    """False for a handout written with ``--no-hints`` (its checks then point to the chain rule, not a hint)."""
    return NO_HINTS_LINE.split("#")[0].strip() not in text
