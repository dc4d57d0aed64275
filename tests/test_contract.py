"""answer_check/contract.py, the handout's contract: the notebooks agree with it, and the package is what they fetch."""

import ast
import subprocess
import sys

import nbformat
import pytest

from answer_check import contract
from helpers import EXERCISE, NOTEBOOK, ROOT


@pytest.mark.parametrize("path", [NOTEBOOK, EXERCISE])
def test_the_download_cell_fetches_the_contracts_helpers_at_their_version(path):
    cell = next(c for c in nbformat.read(path, as_version=4).cells if c.get("id") == contract.COLAB_CELL)
    assigned = {node.targets[0].id: ast.literal_eval(node.value) for node in ast.parse(cell.source).body
                if isinstance(node, ast.Assign) and node.targets[0].id in ("HELPERS", "HELPERS_VERSION")}
    assert tuple(assigned["HELPERS"]) == contract.HELPERS
    assert assigned["HELPERS_VERSION"] == contract.helpers_version(), "run python -m scripts.make_exercise"


def test_the_helpers_are_the_course_helpers_and_every_file_of_the_package():
    package = {p.name for p in contract.PACKAGE.iterdir() if p.is_file()}
    assert set(contract.PACKAGE_FILES) == package
    assert all((ROOT / name).is_file() for name in contract.HELPERS)


def test_the_version_reads_line_ends_as_the_notebook_does(tmp_path):
    for name in contract.HELPERS:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes((ROOT / name).read_bytes().replace(b"\n", b"\r\n"))  # a Windows checkout
    assert contract.helpers_version(tmp_path) == contract.helpers_version()
    (tmp_path / contract.HELPERS[-1]).write_bytes(b"{}")
    assert contract.helpers_version(tmp_path) != contract.helpers_version()


def test_every_module_the_notebook_imports_is_a_helper():
    """What the notebook imports from beside it is all in HELPERS: nothing fails to import on Colab."""
    local = {p.stem for p in ROOT.glob("*.py")}
    seen, todo = set(), ["answer_check/__init__", "answer_check/cells", "utils", "mnist_data"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        tree = ast.parse((ROOT / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1:  # from . import x / from .x import y
                names = [node.module] if node.module else [a.name for a in node.names]
                todo += [f"answer_check/{n}" for n in names]
            elif isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                todo += [n.split(".")[0] for n in names if n.split(".")[0] in local]
                todo += [n.replace(".", "/") for n in names if n.startswith("answer_check.")]
    assert {f"{name}.py" for name in seen} <= set(contract.HELPERS)


def test_importing_the_checks_changes_nothing():
    """Importing the package (and every module of it) patches nothing: the cell guard is install()'s alone."""
    code = ("import IPython, sys\nfrom IPython.testing.globalipapp import start_ipython\nshell = start_ipython()\n"
            "before = (list(shell.input_transformers_cleanup), shell.custom_exceptions)\n"
            "import answer_check\nfrom answer_check import check_training\n"
            "import answer_check.cells, answer_check.judge, answer_check.slips, answer_check.words\n"
            "assert (list(shell.input_transformers_cleanup), shell.custom_exceptions) == before, 'import patched'\n"
            "answer_check.install()\nassert len(shell.input_transformers_cleanup) == len(before[0]) + 1\n"
            "answer_check.uninstall()\nassert list(shell.input_transformers_cleanup) == before[0]\nprint('ok')")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.stdout.strip().endswith("ok"), run.stderr[-2000:]


def test_the_cells_and_markers_of_the_contract_are_in_both_notebooks():
    for path in (NOTEBOOK, EXERCISE):
        nb = nbformat.read(path, as_version=4)
        ids = {c.get("id") for c in nb.cells}
        named = [cell_id for cell_id, _ in contract.BLANK_CELLS.values()]
        assert set(named + list(contract.CHECK_CELLS) + list(contract.DISPLAY_CELLS) + [contract.COLAB_CELL]) <= ids
        cells, where = contract.find_cells(nb)
        assert all(cells.values()) and [nb.cells[i].id for i in where.values()] == named
    exercise = EXERCISE.read_text(encoding="utf-8")
    assert contract.BLANK in exercise and contract.STEP_START in exercise and contract.STEP_END in exercise
    assert contract.has_hints(exercise) and not contract.has_hints(contract.NO_HINTS_LINE)


def test_every_verdict_has_one_of_the_contracts_statuses_and_every_renderer_knows_them_all():
    from answer_check import cells, words
    from grading import report

    assert set(cells.MARKS) == set(contract.STATUSES) and set(contract.STATUSES) <= set(report.STATUS_JA)
    assert set(words.STATES) == set(contract.STATUSES) - {"ok"}


def test_the_one_blank_pattern_reads_a_name_or_a_return():
    assert contract.BLANK_LINE.match("    Delta_2 = ### CODE HERE ###").group(2) == "Delta_2"
    assert contract.BLANK_LINE.match("  return ### CODE HERE ###").group(3) == "return"
    assert contract.BLANK_LINE.match("Delta_2 = W_3.T") is None
