"""The exercise as an nbgrader assignment, graded by the real nbgrader CLI (issue 38), as docs/teachers.en.md's
"JupyterHub and nbgrader" section has a teacher do it, in a fresh folder: the course folder made by
``python -m scripts.make_exercise --nbgrader``, ``nbgrader generate_assignment``, three students' submissions
(a right notebook; one with two wrong lines; one with a wrong line and an answer check edited to claim full marks),
``nbgrader autograde``, ``generate_feedback`` and ``export``. Where bubblewrap is present the notebooks run in the
box kernel the folder offers. The course is a teacher's variant with a small split (2,000 + 500 digits of the
sample, one epoch), so the three trainings take seconds."""

import csv
import json
import os
import re
import shutil
import subprocess
import sys

import nbformat
import pytest
from test_variant import make_variant

from grading import core, sandbox
from helpers import ROOT, SAMPLE_DIR, filled_handout
from mistakes import WRONG, apply

pytestmark = pytest.mark.slow
NBGRADER = shutil.which("nbgrader")
SPLIT = {"n_train": 2000, "n_valid": 500, "nb_epoch": 1}
BLOCKS = {"functions-answer-check": 4, "inference-answer-check": 4, "train-answer-check": 14, "test-answer-check": 2}
BOB = (WRONG["Delta_3 sign"], WRONG["cross-entropy without the minus"])
CAROL = WRONG["bias subtracted"]
# The commands of docs/teachers.*.md's nbgrader section that this test runs, as the docs write them.
DOCUMENTED = ("python -m scripts.make_exercise --nbgrader ~/mnist-course", "jupyter kernelspec install "
              "kernels/mnist-mlp-box --user", "nbgrader generate_assignment mnist_mlp", "nbgrader autograde mnist_mlp",
              "nbgrader generate_feedback mnist_mlp", "nbgrader export", 'c.Execute.kernel_name = "mnist-mlp-box"',
              'c.KernelManager.transport = "ipc"', "submitted/", "/mnist_mlp/mnist_mlp_exercise.ipynb")


def run(command, cwd, env):
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, (command, done.stdout[-2000:], done.stderr[-4000:])
    return done


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    if NBGRADER is None:
        pytest.skip("needs nbgrader: pip install -r requirements-dev.txt")
    top = tmp_path_factory.mktemp("nbgrader")
    variant = make_variant(top / "variant", SPLIT)
    folder = top / "course"
    home = top / "home"  # the teacher's HOME: `jupyter kernelspec install --user` writes here, not on this machine
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "MNIST_DATA_HOME": str(SAMPLE_DIR), "MPLBACKEND": "Agg",
           "PYTHONPATH": str(variant)}
    env.pop("JUPYTER_PATH", None)
    # the docs' commands, in order
    run([sys.executable, "-m", "scripts.make_exercise", "--nbgrader", str(folder)], variant, env)
    boxed = sandbox.problem() is None
    if boxed:
        run(["jupyter", "kernelspec", "install", str(folder / "kernels" / "mnist-mlp-box"), "--user"], folder, env)
        config = folder / "nbgrader_config.py"
        text = config.read_text(encoding="utf-8")
        text = text.replace('# c.Execute.kernel_name = "mnist-mlp-box"', 'c.Execute.kernel_name = "mnist-mlp-box"')
        text = text.replace('# c.KernelManager.transport = "ipc"', 'c.KernelManager.transport = "ipc"')
        config.write_text(text, encoding="utf-8")
    run(["nbgrader", "generate_assignment", "mnist_mlp"], folder, env)
    released = nbformat.read(folder / "release" / "mnist_mlp" / "mnist_mlp_exercise.ipynb", as_version=4)

    def submission(*lines, check=None):
        filled = {cell.id: cell.source for cell in filled_handout(lines[0] if lines else None, root=variant).cells}
        nb = nbformat.from_dict(json.loads(json.dumps(released)))
        for cell in nb.cells:
            if cell.cell_type == "code" and "### CODE HERE ###" in cell.source:
                cell.source = filled[cell.id]
            for line in lines[1:]:
                if cell.id == line.cell:
                    cell.source = apply(cell.source, line)
            if cell.id == "train-answer-check" and check:
                cell.source = check
        return nb

    secret = home / "secret.txt"  # a teacher's file: a notebook in the box cannot see it
    secret.write_text("not for students")
    carol = submission(CAROL, check="14  # all right")
    carol.cells.append(nbformat.v4.new_code_cell(f"import os, socket\nprint('host:', socket.gethostname(), "
                                                 f"'secret seen:', os.path.exists({str(secret)!r}))", id="carol-own"))
    students = {"alice": submission(), "bob": submission(*BOB), "carol": carol}
    for name, nb in students.items():
        (folder / "submitted" / name / "mnist_mlp").mkdir(parents=True)
        nbformat.write(nb, folder / "submitted" / name / "mnist_mlp" / "mnist_mlp_exercise.ipynb")
    for command in (["nbgrader", "autograde", "mnist_mlp"], ["nbgrader", "generate_feedback", "mnist_mlp"],
                    ["nbgrader", "export"]):
        run(command, folder, env)
    return {"folder": folder, "released": released, "boxed": boxed, "variant": variant}


@pytest.mark.parametrize("page", ["teachers.en.md", "teachers.ja.md"])
def test_the_docs_say_the_commands_this_test_runs(page):
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    assert [command for command in DOCUMENTED if command not in text] == []


def cell_points(course, student):
    """{grade cell: score} of a student's autograded notebook, from nbgrader's gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course['folder'] / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook("mnist_mlp_exercise", "mnist_mlp", student)
        return {grade.name: grade.score for grade in notebook.grades}


def test_each_block_scores_its_right_blanks_and_an_edited_check_is_put_back(course):
    assert cell_points(course, "alice") == BLOCKS
    assert cell_points(course, "bob") == {**BLOCKS, "functions-answer-check": 3, "train-answer-check": 13}
    assert cell_points(course, "carol") == {**BLOCKS, "train-answer-check": 13}  # not the 14 her cell printed
    autograded = nbformat.read(course["folder"] / "autograded" / "carol" / "mnist_mlp" / "mnist_mlp_exercise.ipynb",
                               as_version=4)
    restored = {cell.id: cell.source for cell in autograded.cells}
    assert restored["train-answer-check"] == {c.id: c.source for c in course["released"].cells}["train-answer-check"]
    seen = "".join(output.get("text", "") for output in restored_outputs(autograded, "carol-own"))
    if course["boxed"]:  # the kernel ran in the box: its host name is the box's, and the teacher's files are not there
        assert "host: box secret seen: False" in seen, seen
    else:
        assert "secret seen: True" in seen, seen


def restored_outputs(nb, cell_id):
    return next(cell.outputs for cell in nb.cells if cell.get("id") == cell_id)


def test_nbgraders_totals_are_python_m_gradings_on_the_same_notebooks(course, tmp_path):
    with open(course["folder"] / "grades.csv", encoding="utf-8") as f:
        exported = {row["student_id"]: (float(row["score"]), float(row["max_score"])) for row in csv.DictReader(f)}
    assert exported == {"alice": (24.0, 24.0), "bob": (22.0, 24.0), "carol": (23.0, 24.0)}
    rows = core.grade_class(course["folder"] / "submitted", tmp_path / "report", jobs=2, timeout=900,
                            parameters={"n_train": 2000, "n_valid": 500}, mnist=SAMPLE_DIR / "mnist.npz",
                            use_sandbox=course["boxed"], progress=lambda line: None)
    graded = {row["submission"].split("/")[0]: (float(row["score"]), float(row["max_score"])) for row in rows}
    assert graded == exported
    assert {row["submission"].split("/")[0]: row["checks_changed"] for row in rows} == \
        {"alice": "false", "bob": "false", "carol": "true"}  # nbgrader's points=True is the handout's check


def test_the_feedback_page_says_the_wrong_lines_cause_in_japanese(course):
    page = (course["folder"] / "feedback" / "bob" / "mnist_mlp" / "mnist_mlp_exercise.html").read_text("utf-8")
    text = re.sub(r"<[^>]+>", "", page).replace("&#96;", "`")
    assert "`D - Y` の符号が逆です" in text and "Delta_3 の行が間違っています" in text
    assert "softmax_cross_entropy" in text
