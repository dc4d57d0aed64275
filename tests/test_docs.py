"""The docs cannot drift from the code: each module's imports as docs/architecture.md lists them, the messages
docs/checks.md quotes as the check prints them, and the counts it quotes as the tables hold them."""

import ast
import re

import pytest
from test_cells import search_share

from answer_check import cells
from helpers import ROOT, notebook_cell
from mistakes import RIGHT, WRONG, apply

ARCHITECTURE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
CHECKS = (ROOT / "docs" / "checks.md").read_text(encoding="utf-8")
PACKAGES = ("answer_check", "grading")
PROJECT = {path.stem for folder in (ROOT, *(ROOT / name for name in PACKAGES)) for path in folder.glob("*.py")} \
    - {"__init__", "__main__"}


def imports(path):
    """The project's modules a file imports, by their own names (a package's modules without the package's)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                names.add(parts[1] if parts[0] in PACKAGES and len(parts) > 1 else parts[0])
        elif isinstance(node, ast.ImportFrom) and node.level:  # from . import x, from .x import y: a sibling
            names |= {node.module.split(".")[0]} if node.module else {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module in PACKAGES:
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            parts = node.module.split(".")
            names.add(parts[1] if parts[0] in PACKAGES and len(parts) > 1 else parts[0])
    return names & PROJECT


ROWS = re.findall(r"^\| `([\w/]+\.py)` \| [^|]+ \| (.+) \|$", ARCHITECTURE, re.M)


@pytest.mark.parametrize(("module", "listed"), ROWS)
def test_the_architecture_page_lists_what_each_module_imports(module, listed):
    said = set(re.findall(r"`(\w+)`", re.sub(r"\(and `runlines`, in a process of its own\)", "", listed)))
    assert said == imports(ROOT / module), module


def test_every_module_has_its_row():
    listed = {module for module, _ in ROWS}
    modules = {path.relative_to(ROOT).as_posix() for folder in (ROOT, *(ROOT / name for name in PACKAGES))
               for path in folder.glob("*.py")}
    assert modules - listed <= {"grading/__init__.py"}, modules - listed


def test_no_module_of_the_checks_is_over_500_lines():
    long = {path.name: n for path in (ROOT / "answer_check").glob("*.py")
            if (n := len(path.read_text(encoding="utf-8").split("\n"))) > 500}
    assert long == {}


QUOTED = {  # the blocks docs/checks.md quotes: the wrong line, and the release (with hints or without)
    "`Delta_2 = W_3.T @ Delta_3`": ("sigma' forgotten", True),
    "`Delta_2 = (W_3.T @ Delta_3) @ dsigmoid_du(U_2)`":
        ("Delta_2: Delta_2 = (W_3.T @ Delta_3) @ dsigmoid_du(U_2)", False),
    "`Delta_3 = -D * (1 - Y)`": ("Delta_3 per-class derivative", False),
}


@pytest.mark.parametrize("block", re.findall(r"```\n(答え合わせ / Check:.*?)\n```", CHECKS, re.S))
def test_each_message_the_checks_page_quotes_is_what_the_check_prints(block):
    name, hints = next(value for key, value in QUOTED.items() if key in block.split("\n")[0])
    source = apply(notebook_cell("train"), WRONG[name])
    with pytest.raises(cells.CheckFailed) as failed:
        cells.check_training({} if hints else {"ANSWER_HINTS": False}, source=source)
    printed = f"答え合わせ / Check: {failed.value}".split("\n")
    at = 0
    for line in (line for line in block.split("\n") if line.strip() != "..."):
        assert line in printed[at:], line  # every line quoted, in the order the check prints them
        at = printed.index(line, at) + 1


def test_the_counts_the_checks_page_quotes_are_the_tables():
    assert f"the {len(RIGHT)} right lines of `tests/mistakes.py`" in CHECKS
    assert f"holds {len(RIGHT)} such right lines" in CHECKS
    named, total = search_share()
    assert re.search(rf"\*\*{named} of the\s+{total}\*\* wrong lines", CHECKS), \
        f"docs/checks.md must quote the share the search names now: **{named} of the {total}** wrong lines"
