"""A teacher's own variant: the settings changed once, in the solution, and the checks, the grader and Gradescope
follow (128 hidden units, a batch of 50, eta = 0.05, 3 epochs).

A copy of the project gets the variant (its solution's settings lines edited, as a teacher edits them), then
``python -m scripts.make_exercise`` there. The handout it writes carries the variant's settings; every right line
passes (a literal copied from the variant too), every wrong line of tests/mistakes.py is caught at its blank with the
variant's shapes; the handout runs clean in a kernel; the copy's grader and its Gradescope results agree with it.
"""

import json
import re
import shutil
import subprocess
import sys

import nbformat
import pytest

import nbrun
from answer_check import blanks, contract, course, judge, reference, runlines
from helpers import ROOT, SAMPLE_DIR, filled_handout, notebook_cell
from mistakes import RIGHT, WRONG, status

VARIANT = {"h_dim": 128, "batch_size": 50, "eta": 0.05, "nb_epoch": 3}
CELLS = {"functions": "functions", "inference": "inference", "training": "train", "test": "test-predict"}
# What a learner copies from the variant where the course's right lines copy the course's numbers.
LITERALS = {"(1, 100)": "(1, 50)", "b_2, 100,": "b_2, 50,", "0.01 *": "0.05 *", "np.ones((100, 1))": "np.ones((50, 1))",
            "reshape(256, 1)": "reshape(128, 1)"}


def make_variant(folder, variant=None):
    """A copy of the project (its code and notebooks, without tests, docs and the benchmark; no .git needed, as in a
    zip of the repository) with the variant's settings written into its solution, and its handout made by the one
    command a teacher runs."""
    for path in sorted(ROOT.rglob("*")):
        name = path.relative_to(ROOT)
        top = len(name.parts) == 1 and path.suffix in (".py", ".ipynb", ".txt", ".toml") \
            and ".executed" not in name.name
        code = name.parts[0] in ("answer_check", "grading", "scripts") and "__pycache__" not in name.parts
        if path.is_file() and (top or code):
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, folder / name)
    solution = folder / contract.SOLUTION
    text = solution.read_text(encoding="utf-8")
    for name, value in (variant or VARIANT).items():
        text, count = re.subn(rf'"{name} = [^\\"#]*', f'"{name} = {value}', text)
        assert count == 1, f"the solution sets {name} once, at the start of a line"
    solution.write_text(text, encoding="utf-8")
    subprocess.run([sys.executable, "-m", "scripts.make_exercise"], cwd=folder, check=True, capture_output=True,
                   env={"PYTHONPATH": str(folder), "PATH": "/usr/bin:/bin"})
    return folder


@pytest.fixture(scope="module")
def variant(tmp_path_factory):
    return make_variant(tmp_path_factory.mktemp("variant"))


@pytest.fixture(scope="module")
def settings(variant):
    return course.of_notebook(variant / contract.HANDOUT)


def cells(line=None, written=None):
    sources = {key: notebook_cell(cell_id) for key, cell_id in CELLS.items()}
    if line:
        key = next(k for k, cell_id in CELLS.items() if cell_id == line.cell)
        sources[key] = sources[key].replace(line.original, written or line.written, 1)
    return sources


def test_the_handout_carries_the_settings_changed_once_in_the_solution(variant, settings):
    assert {name: getattr(settings, name) for name in VARIANT} == VARIANT
    assert settings.x_dim == 784 and settings.nb_classes == 10 and settings.seed == 111


@pytest.mark.parametrize("name", RIGHT)
def test_every_right_line_passes_with_the_variants_literals(settings, name):
    line = RIGHT[name]
    written = line.written
    for course_text, variant_text in LITERALS.items():
        written = written.replace(course_text, variant_text)
    verdicts = judge.judge_cells(runlines.run_cells(cells(line, written), course=settings), course=settings)
    assert [column for column, v in verdicts.items() if not v.ok] == []


@pytest.mark.parametrize("name", WRONG)
def test_every_wrong_line_is_caught_at_its_blank_with_the_variants_shapes(settings, name):
    line = WRONG[name]
    verdicts = judge.judge_cells(runlines.run_cells(cells(line), course=settings), course=settings)
    assert [column for column, v in verdicts.items() if not v.ok] == [line.column]
    verdict = verdicts[line.column]
    assert verdict.status == status(name)
    text = "\n".join(verdict.ja + verdict.en)
    assert "256" not in text and "0.01" not in text, text  # the course's hidden units and eta: not this variant's
    if line.column.startswith("training."):
        assert not re.search(r"\(\d+, 100\)|\(100, \d+\)", text), text  # the course's batch of 100
    spec = blanks.BLANKS[line.column].shape
    if "の形が" in verdict.ja[0] and ("h" in spec or "n" in spec):  # the right shape, in the variant's sizes
        sizes = reference.inference_course(settings) if line.column.startswith("inference.") else settings
        assert str(sizes.shape(spec)) in verdict.ja[0], verdict.ja[0]


@pytest.mark.slow
def test_the_variants_handout_runs_clean_in_a_kernel(variant):
    nb = nbrun.run_notebook(filled_handout(root=variant), nbrun.SAMPLE, env={**nbrun.sample_env(),
                                                                              "PYTHONPATH": str(variant)}, cwd=variant)
    assert nbrun.error(nb) is None
    out = nbrun.cell_printed(nb)
    assert out["train-answer-check"].startswith("✓ 学習の14行はすべて正しいです")


GRADE = """
import json, sys
from pathlib import Path
import nbformat
from answer_check import contract
from grading import core, gradescope, report, sandbox
sample, out = Path(sys.argv[1]), Path(sys.argv[2])
parameters = {"n_train": 500, "n_valid": 100}
rows = core.grade_class(out / "class", out / "report", 2, 600, 3000, parameters, sample / "mnist.npz")
test = core.test_set(sample / "mnist.npz", parameters)
handout_nb = nbformat.read(core.ROOT / contract.HANDOUT, as_version=4)
points = dict.fromkeys(report.BLANK_COLUMNS, 1.0)
results = {}
for path in sorted((out / "class").iterdir()):
    result = core.grade_one(path.read_bytes(), handout_nb, test, lambda data: sandbox.run_box(
        data, sample / "mnist.npz", parameters, 600, 3000, core.LINE_SECONDS))
    results[path.name] = gradescope.results(result, points, 1.0)
(out / "gradescope.json").write_text(json.dumps(results))
"""


@pytest.mark.slow
@pytest.mark.sandbox
def test_the_variants_grader_and_gradescope_grade_it_as_its_checks_do(variant, settings, tmp_path):
    wrong = WRONG["dLdb_2: dLdb_2 = Delta_2.sum(axis=1)"]
    (tmp_path / "class").mkdir()
    nbformat.write(filled_handout(root=variant), tmp_path / "class" / "right.ipynb")
    nbformat.write(filled_handout(wrong, root=variant), tmp_path / "class" / "wrong.ipynb")
    subprocess.run([sys.executable, "-c", GRADE, str(SAMPLE_DIR), str(tmp_path)], cwd=variant, check=True,
                   env={"PYTHONPATH": str(variant), "PATH": "/usr/bin:/bin"}, timeout=1800)
    with open(tmp_path / "report" / "grades.csv", encoding="utf-8-sig") as f:
        rows = {row.split(",")[0]: row for row in f.read().splitlines()[1:]}
    assert ",wrong," not in rows["right.ipynb"] and rows["wrong.ipynb"].count(",wrong,") == 1
    page = next((tmp_path / "report" / "feedback").glob("*-wrong.html")).read_text(encoding="utf-8")
    assert "(128,)" in page and "(128, 1)" in page and "(256" not in page
    tests = {t["name"]: t for t in json.loads((tmp_path / "gradescope.json").read_text())["wrong.ipynb"]["tests"]}
    notebook = judge.judge_cells(runlines.run_cells(contract.find_cells(filled_handout(wrong, root=variant))[0],
                                                    course=settings), course=settings)
    assert "(128,)" in tests["training.dLdb_2"]["output"]
    assert notebook["training.dLdb_2"].ja[0] in tests["training.dLdb_2"]["output"]
