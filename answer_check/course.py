"""The course's settings, read from the notebook the learner runs: the one place the checks and the grader learn them.

A teacher changes ``h_dim``, ``batch_size``, ``eta`` ... in the notebook itself; nothing here repeats their values.
The answer checks read them from the learner's variables (``Course.of_namespace(globals())``); the grader and
Gradescope from the cells of the handout beside these modules (``Course.of_notebook``), which the release carries.
"""

import ast
import functools
import json
import re
from dataclasses import dataclass, fields
from pathlib import Path

from . import contract

MNIST_IMAGES = 70000  # the whole MNIST: what is not training or validation is the test set
# The course's settings, as the notebook names them (its cells assign each once, at the start of a line).
SETTINGS = ("x_dim", "h_dim", "nb_classes", "batch_size", "eta", "nb_epoch", "n_train", "n_valid", "seed")
_ASSIGNED = re.compile(rf"^({'|'.join(SETTINGS)})\s*=\s*([-+*/() 0-9.eE_]+?)\s*(?:#.*)?$", re.M)
_SEED = re.compile(r"^np\.random\.seed\((\d+)\)", re.M)


def _number(text):
    """A setting's number as the notebook writes it (10, 0.01, 1e-2, 50_000, 28 * 28, 1 / 100), or None."""
    try:
        value = _arithmetic(ast.parse(text.replace("_", "").strip(), mode="eval").body)
    except (ValueError, SyntaxError, TypeError, ZeroDivisionError, OverflowError):
        return None
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _arithmetic(node):
    """Numbers with + - * / and brackets, nothing else (a teacher's `x_dim = 28 * 28`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _arithmetic(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    operations = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
                  ast.Div: lambda a, b: a / b}
    if isinstance(node, ast.BinOp) and type(node.op) in operations:
        return operations[type(node.op)](_arithmetic(node.left), _arithmetic(node.right))
    raise ValueError("not a number")


class SettingsMissing(ValueError):
    """A notebook whose cells do not set every one of SETTINGS."""


@dataclass(frozen=True)
class Course:
    """The settings a teacher may change: the layer widths, the classes, the mini-batch, η, the epochs, the split."""

    x_dim: int
    h_dim: int
    nb_classes: int
    batch_size: int
    eta: float
    nb_epoch: int
    n_train: int
    n_valid: int
    seed: int
    n_images: int = MNIST_IMAGES  # the digits the notebook loaded (fewer in the tests' sample): not a setting

    @property
    def n_test(self):
        """The test set: what is not training or validation, as the notebook's data-loading cell splits it."""
        return self.n_images - self.n_train - self.n_valid if self.n_train and self.n_valid else None

    def sizes(self):
        """The letters of a shape spec (``blanks.Blank.shape``): d inputs, h hidden units, k classes, n a batch, t
        the test set."""
        return {"d": self.x_dim, "h": self.h_dim, "k": self.nb_classes, "n": self.batch_size, "t": self.n_test}

    def shape(self, spec):
        """The shape of a spec such as "hd" (256, 784) or "k1" (10, 1), in this course's sizes."""
        sizes = self.sizes()
        return tuple(sizes.get(c, 1) for c in spec)

    def as_dict(self):
        """The settings, by the names the notebook gives them."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name in SETTINGS}

    @classmethod
    def of_namespace(cls, ns):
        """The settings from a notebook's variables; a setting its cells have not defined yet is None (the checks of
        the functions and of ``inference`` run before the training cell sets ``batch_size`` and ``eta``)."""
        values = {}
        for name in SETTINGS:
            value = ns.get(name)
            number = isinstance(value, int | float) and not isinstance(value, bool)
            values[name] = value if number else None
        sets = [ns.get(name) for name in ("X_train", "X_valid", "X_test")]
        if all(hasattr(x, "shape") for x in sets):  # the split the notebook loaded
            values["n_images"] = sum(len(x) for x in sets)
        return cls(**values)

    @classmethod
    def of_sources(cls, sources):
        """The settings from a notebook's code cells (a blank in a cell does not matter: only `name = number`)."""
        found = {}
        for source in sources:
            for name, value in _ASSIGNED.findall(source):
                found.setdefault(name, _number(value))
            seed = _SEED.search(source)
            if seed:
                found.setdefault("seed", int(seed.group(1)))
        missing = [name for name in SETTINGS if name not in found]
        if missing:
            raise SettingsMissing(f"the notebook does not set {', '.join(missing)} (a line `name = number`)")
        return cls(**{name: found[name] for name in SETTINGS})


@functools.cache
def of_notebook(path=None):
    """The settings of a notebook file (default: the handout beside these modules, as the grader ships it)."""
    path = Path(path) if path else contract.ROOT / contract.HANDOUT
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return Course.of_sources("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                             for c in cells if c["cell_type"] == "code")


def of_learner(ns, source=""):
    """The settings as the learner's notebook has them: its variables, the `name = number` lines of the cell about to
    run (``source``: the training cell sets batch_size and eta before its check has them), and for a setting still
    undefined, the handout's beside these modules where it is there (on Colab it may not be: it stays None)."""
    about_to_run = {name: _number(value) for name, value in _ASSIGNED.findall(source)}
    mine = Course.of_namespace({**ns, **{name: value for name, value in about_to_run.items() if value is not None}})
    if None not in mine.as_dict().values():
        return mine
    try:
        theirs = of_notebook()
    except (OSError, ValueError, KeyError):
        return mine
    return Course(**{name: getattr(theirs, name) if value is None else value for name, value in mine.as_dict().items()},
                  n_images=mine.n_images)


def solution():
    """The settings of the solution notebook (the tests' and the writers' course)."""
    return of_notebook(contract.ROOT / contract.SOLUTION)
