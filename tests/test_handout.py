"""handout.py, the handout's contract: the notebooks agree with it."""

import ast

import nbformat
import pytest

import handout
from helpers import EXERCISE, NOTEBOOK, ROOT


@pytest.mark.parametrize("path", [NOTEBOOK, EXERCISE])
def test_the_download_cell_fetches_the_contracts_helpers(path):
    cell = next(c for c in nbformat.read(path, as_version=4).cells if c.get("id") == handout.COLAB_CELL)
    helpers = next(node.value for node in ast.walk(ast.parse(cell.source))
                   if isinstance(node, ast.Assign) and node.targets[0].id == "HELPERS")
    assert tuple(ast.literal_eval(helpers)) == handout.HELPERS
    assert all((ROOT / name).is_file() for name in handout.HELPERS)


def test_every_module_the_checks_import_is_a_helper():
    """What the notebook imports, beside it, is all in HELPERS: nothing fails to import on Colab."""
    local = {p.stem for p in ROOT.glob("*.py")}
    seen, todo = set(), ["checks", "utils", "mnist_data"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        tree = ast.parse((ROOT / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
            todo += [n.split(".")[0] for n in names if n.split(".")[0] in local]
    assert {f"{name}.py" for name in seen} <= set(handout.HELPERS)


def test_the_cells_and_markers_of_the_contract_are_in_both_notebooks():
    for path in (NOTEBOOK, EXERCISE):
        nb = nbformat.read(path, as_version=4)
        ids = {c.get("id") for c in nb.cells}
        named = [cell_id for cell_id, _ in handout.BLANK_CELLS.values()]
        assert set(named + list(handout.CHECK_CELLS) + list(handout.DISPLAY_CELLS) + [handout.COLAB_CELL]) <= ids
        cells, where = handout.find_cells(nb)
        assert all(cells.values()) and [nb.cells[i].id for i in where.values()] == named
    exercise = EXERCISE.read_text(encoding="utf-8")
    assert handout.BLANK in exercise and handout.STEP_START in exercise and handout.STEP_END in exercise
    assert handout.has_hints(exercise) and not handout.has_hints(handout.NO_HINTS_LINE)


def test_every_verdict_has_one_of_the_contracts_statuses_and_every_renderer_knows_them_all():
    import checks
    import messages
    from grading import report

    assert set(checks.MARKS) == set(handout.STATUSES) and set(handout.STATUSES) <= set(report.STATUS_JA)
    assert set(messages.STATES) == set(handout.STATUSES) - {"ok"}


def test_the_one_blank_pattern_reads_a_name_or_a_return():
    assert handout.BLANK_LINE.match("    Delta_2 = ### CODE HERE ###").group(2) == "Delta_2"
    assert handout.BLANK_LINE.match("  return ### CODE HERE ###").group(3) == "return"
    assert handout.BLANK_LINE.match("Delta_2 = W_3.T") is None
