"""What judging shares: a verdict (``Verdict``), how a cell is judged (``How``: hints, the course's settings, the known
mistakes on or off), the tolerance, and what a line's or a function's judge asks of the slip search (its scope on the
tiny problem, the factors a learner may leave out) and of the words (a slip, a known mistake after a slip, where to
look when a line raised).

``judge.py`` judges the lines of a cell, ``probes.py`` the four functions; both build their verdicts from here.
"""

from dataclasses import dataclass, field

import numpy as np

from . import course as course_settings
from . import reference, runlines, shapes, slips
from .blanks import INFERENCE_ROWS, TEST_ROWS, TRAINING_ROWS
from .contract import WEIGHTS
from .message import hint_pointer, slip_message
from .words import SAID_BY_SLIP, say

# The largest relative error of a right line (docs/checks.md, "The tolerance"; tests/test_verdict.py measures it): the
# 109 right lines of tests/mistakes.py reach 1.8e-5 at most (log(Y + 1e-5)); the nearest wrong value is 0.019 away.
TOLERANCE = 1e-3
UPDATES = WEIGHTS  # judged by the step they take (new - old): "eta twice" is 0.98 away, not 0.0001



@dataclass
class Verdict:
    """How one blank was judged: ``status`` is ok, wrong, empty or error; ``ja`` / ``en`` say why."""

    status: str
    ja: list = field(default_factory=list)
    en: list = field(default_factory=list)
    error: float = float("nan")  # relative error against the reference, where one was computed
    shape: str = ""  # the shape the line makes, in the notebook's sizes
    line: str = ""  # the learner's line
    lineno: int = 0  # its line in the cell
    mistake: str = ""  # the named mistake (English), for a class's summary
    detail: str = ""  # Python's own words for an error, shown after the Japanese paragraph
    slips: list = field(default_factory=list)  # the kinds of the slips the search found (slips.py), if any

    @property
    def ok(self):
        return self.status == "ok"

    def as_dict(self):
        return {"status": self.status, "ja": self.ja, "en": self.en, "line": self.line, "lineno": self.lineno,
                "mistake": self.mistake, "shape": self.shape, "detail": self.detail,
                "error": self.error if np.isfinite(self.error) else None}


def error_pointer(kind, message, name, line, blank, hints, cell, course):
    """What a learner does about the exception their line raised: from the shapes where they tell."""
    if kind == "NameError":
        unknown = message.split("'")[1] if message.count("'") >= 2 else ""
        if unknown == "math":  # the standard library's math works on one number, not on arrays
            key = "math not imported"
        else:
            key = "named name not defined" if unknown else "a name not defined"
        ja, en = say(key, unknown=unknown)
        return [ja], [en]
    if kind in ("SyntaxError", "LineTimeout"):
        ja, en = say("syntax error" if kind == "SyntaxError" else "line timeout")
        return [ja], [en]
    if kind == "ValueError" and ("matmul" in message or "broadcast" in message):
        ja, en, mistake = shapes.diagnose(name, line, cell=cell, course=course)
        if mistake:  # a cause was named
            return ja, en
        said = say("matmul shapes" if "matmul" in message else "broadcast shapes")
        return [*ja, said[0]], [*en, said[1]]
    ja, en = hint_pointer(blank, hints)
    return [ja], [en]


@dataclass
class How:
    """How a cell is judged: hints in the handout, the course's settings, the known mistakes on or off (the tests
    switch them off to measure the search alone), and whether only the first wrong line is searched (the notebook's
    check shows that line's message alone); each line searched gets a budget of its own (slips.LINE_BUDGET)."""

    hints: bool = True
    course: object = None
    curated: bool = True
    first_only: bool = False
    searched: bool = False  # with first_only: a wrong line was searched already

    def __post_init__(self):
        if self.course is None:
            try:
                self.course = course_settings.of_notebook()
            except (OSError, ValueError, KeyError):  # on Colab the handout may not be there: the functions need none
                self.course = course_settings.Course(*[None] * len(course_settings.SETTINGS))


# Factors and terms a learner may leave out of a line, per cell (a name the cell does not have is skipped).
VOCABULARY = {"training": ("dsigmoid_du(U_2)", "eta", "batch_size", "D", "Y", "Z_2", "X", "(1 - Y)", "(1 - Z_2)",
                           "b_2", "b_3", "W_2", "W_3", "W_3.T", "Delta_3", "Delta_2", "eta * dLdW_3", "eta * dLdb_3",
                           "eta * dLdW_2", "eta * dLdb_2"),
              "inference": ("b_2", "b_3", "X", "Z_2", "U_2"),
              "functions": ("U", "Y", "D", "(1 - Y)", "(1 - D)", "np.log(1 - Y)", "sigmoid(U)", "(1 - sigmoid(U))"),
              "test": ()}


def scope(cell, name, right, course):
    """The names a line of ``name`` ran with on the tiny problem: the cell's inputs and the rows before it, right."""
    if cell == "training":
        ns, rows = runlines.training_scope(course)[0], TRAINING_ROWS
    elif cell == "inference":
        ns, rows = runlines.inference_scope(course)[0], INFERENCE_ROWS
        ns["X"] = right["X"]  # after the cell's own X = X.T
    else:
        ns, rows = dict(reference.test_cell_values(course)[0]), TEST_ROWS
    before = rows[:rows.index(name)] if name in rows else []
    ns.update({row: right[row] for row in before})
    if "Z_3" in before:
        ns["Y"] = right["Z_3"]  # the cell's own Y = Z_3
    if "Y_hat" in before:
        ns["y_hat"] = np.asarray(right["Y_hat"]).argmax(axis=1)
    return ns


SEARCH = True  # False: no slip search (the grader's second try at a record whose search ran out of its limits)


def search(source, env, name, how, cell, is_right, also=()):
    literals = {key: getattr(how.course, key) for key in ("eta", "batch_size", "nb_classes")
                if getattr(how.course, key) is not None}
    if not SEARCH or (how.first_only and how.searched):
        return None  # the lines after the first wrong one show their mark alone
    how.searched = True
    return slips.search(source, env, name, is_right, VOCABULARY[cell], literals, slips.Budget(), also)


def slip_words(found, how, blank=None):
    """The slips found, in words; with hints, the corrected part too, but only where the handout shows the equation (a
    derived blank's corrected part would be its equation)."""
    widths = {tiny: notebook for tiny, notebook in ((reference.TINY["d"], how.course.x_dim),
                                                    (reference.TINY["h"], how.course.h_dim)) if notebook}
    return slip_message(found, how.hints, blank is None or blank.shown, widths)


def slip_mistake(found):
    """A slip's name for a class's summary (grades.csv's mistake)."""
    return "slip: " + " + ".join(s.kind for s in found)





def after_slip(found, known_ja, said=()):
    """A known mistake's words after the slip's (``said``: the sentences so far): without what the slip already
    said, and nothing where it said it word for word."""
    kinds = [s if isinstance(s, str) else s.kind for s in (found or [])]
    if any(known_ja.strip() in sentence for sentence in said):
        return ""
    said = SAID_BY_SLIP.get(kinds[0]) if len(kinds) == 1 else None
    if said and known_ja.startswith(said):
        return known_ja.removeprefix(said)
    return say("likely", cause=known_ja)[0]


def matches(value, got, distance):
    return value is not None and np.shape(value) == got.shape and distance(got, value) < TOLERANCE


def value_of_mistake(wrong, right):
    with np.errstate(all="ignore"):
        return wrong(right)
