"""The exercise as an nbgrader assignment: ``python -m scripts.make_exercise --nbgrader DIR [--no-hints]``.

Writes an nbgrader course folder (new or empty) that a teacher on a JupyterHub with nbgrader grades in:

    DIR/nbgrader_config.py               the course's settings: the time a cell may take, and the box (commented)
    DIR/source/mnist_mlp/                the assignment ``mnist_mlp``: the handout with nbgrader's cell metadata,
                                         the helpers it imports and the known mistakes' values of this solution
    DIR/kernels/mnist-mlp-box/kernel.json   a kernel that runs inside the grader's bubblewrap box

The handout's blanks stay the course's own (``U_2 = ### CODE HERE ###``): the four cells with blanks carry no
nbgrader metadata, so ``nbgrader generate_assignment`` releases them as they are. The four answer-check cells are
nbgrader grade cells ("autograder tests"), each worth its block's number of blanks and each calling its check with
``points=True``, so it prints its message and returns the number of right lines, which nbgrader reads as partial
credit: 4 + 4 + 14 + 2 = 24 points, a blank's point as ``python -m grading`` gives it. Every other code cell (the
course's error checks, the imports, the settings, the loading of MNIST) is locked: ``nbgrader autograde`` puts its
source back before it runs a submission, and puts back the helper files from ``source/`` too.
"""

import json
import sys

import nbformat

from answer_check import contract
from answer_check.blanks import FUNCTION_ROWS, INFERENCE_ROWS, TEST_ROWS, TRAINING_ROWS

ASSIGNMENT = "mnist_mlp"
KERNEL = "mnist-mlp-box"
POINTS = {"functions-answer-check": len(FUNCTION_ROWS), "inference-answer-check": len(INFERENCE_ROWS),
          "train-answer-check": len(TRAINING_ROWS), "test-answer-check": len(TEST_ROWS)}
BLANK_CELL_IDS = {cell_id for cell_id, _ in contract.BLANK_CELLS.values()}

CONFIG = '''# nbgrader's settings for the course (written by python -m scripts.make_exercise --nbgrader).
c = get_config()  # noqa: F821 (nbgrader defines it)

c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = "mnist-mlp"

# The training cell trains the network on the whole training set: give every cell up to 30 minutes (nbgrader's
# default is 30 s).
c.Execute.timeout = 1800

# To run each submission inside the grader's bubblewrap box (no network, no file of yours but the submission's
# folder and MNIST, limits on memory and processes), install the box's kernel once and uncomment the two lines:
#     jupyter kernelspec install {kernels}/{kernel} --user
# c.Execute.kernel_name = "{kernel}"
# c.KernelManager.transport = "ipc"
'''


def grade_cell(cell, points):
    """The answer-check cell as an nbgrader grade cell worth ``points``: its check prints and returns the count."""
    cell.source = cell.source.replace("(globals())", "(globals(), points=True)", 1)
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "points": points,
                                 "grade_id": cell.id, "schema_version": 3}
    return cell


def locked_cell(cell):
    cell.metadata["nbgrader"] = {"grade": False, "solution": False, "locked": True, "grade_id": cell.id,
                                 "schema_version": 3}
    return cell


def assignment_notebook(handout):
    """The handout with nbgrader's metadata: the answer checks graded, every other code cell locked but the four
    with blanks."""
    nb = nbformat.from_dict(json.loads(json.dumps(handout)))
    for cell in nb.cells:
        if cell.cell_type != "code" or cell.id in BLANK_CELL_IDS:
            continue
        if cell.id in POINTS:
            assert "(globals())" in cell.source, f"the answer-check cell {cell.id} calls its check on globals()"
            grade_cell(cell, POINTS[cell.id])
        else:
            locked_cell(cell)
    return nb


def kernel_spec():
    """The box kernel's kernel.json: this checkout's Python runs grading.boxkernel, which starts ipykernel in the
    grader's bubblewrap box."""
    return {"argv": [sys.executable, "-m", "grading.boxkernel", "-f", "{connection_file}"],
            "display_name": "Python 3 (mnist_mlp box)", "language": "python",
            "env": {"PYTHONPATH": str(contract.ROOT)}, "metadata": {"debugger": False}}


def write_course(staging, folder, handout):
    """Write into ``staging`` (which becomes ``folder``; make_exercise.staged puts it there whole, with the helpers in
    source/ already) the assignment's notebook, the box kernel and the config."""
    nbformat.write(assignment_notebook(handout), staging / "source" / ASSIGNMENT / contract.HANDOUT)
    (staging / "kernels" / KERNEL).mkdir(parents=True)
    (staging / "kernels" / KERNEL / "kernel.json").write_text(json.dumps(kernel_spec(), indent=1))
    (staging / "nbgrader_config.py").write_text(CONFIG.format(root=str(folder), kernels=folder / "kernels",
                                                              kernel=KERNEL), encoding="utf-8")
