"""The judge: what a learner's lines made (``runlines.py``'s data) against the reference, as a verdict per blank.

Every value is compared with its right value (``reference.py``) by ``rel_error``: numbers are judged, never text, so
``np.dot``, ``@``, ``keepdims=True`` or ``.reshape(-1, 1)`` all pass. A wrong value is matched against the blank's
known mistakes (``blanks.py``); a wrong shape is read for the operand to blame. The verdict carries the message
the learner reads, Japanese first, then one English paragraph. The four functions are judged on their probes
(``probes.py``); what both share is in ``verdict.py``.

Nothing here runs a learner's code: the grader judges, outside its sandbox, data that a sandboxed run produced. No
IPython, no module-level setting: whether the handout has hints is an argument.
"""

import ast
import textwrap

import numpy as np

from . import course as course_settings
from . import reference, shapes
from .blanks import BLANK_COLUMNS, FUNCTION_ROWS, INFERENCE_ROWS, STEP, TEST, TEST_ROWS, TRAINING_ROWS
from .interpret import run_block
from .message import hint_pointer
from .probes import judge_functions
from .reference import rel_error
from .runlines import decode
from .verdict import (
    TOLERANCE,
    UPDATES,
    How,
    Verdict,
    after_slip,
    error_pointer,
    matches,
    scope,
    search,
    slip_mistake,
    slip_words,
    value_of_mistake,
)
from .words import NAN_CAUSES, UNEXPLAINED, say


def judge_row(name, made, right, how=None, cell="training"):
    """The verdict on one line (``made``: what ``runlines.run_lines`` recorded for it) against ``right[name]``."""
    blank = STEP.get(name) or TEST.get(name)
    if made is None:
        ja, en = say("line missing", name=name)
        return Verdict("error", [ja], [en], mistake="line missing")
    verdict = _judge_made(name, blank, made, right, cell, how or How())
    verdict.line, verdict.lineno = made["line"], made["lineno"]
    if made.get("unassigned") and not verdict.ok:  # the real cause: what the learner wrote there is never kept
        lineno, text = made["unassigned"]
        ja, en = say("unassigned", lineno=lineno, text=text, name=name)
        verdict.ja, verdict.en = [ja], [en]
        verdict.mistake = "a value computed but never assigned"
    return verdict


def _judge_made(name, blank, made, right, cell, how):
    return _LineJudge(name, blank, made, right, cell, how).verdict()


class _LineJudge:
    """One blank's line against its right value, in the order a verdict is reached: empty, raised, not numbers, a
    wrong shape, right, a wrong value (each wrong one told by the slip search, the known mistakes, the shape reader)."""

    def __init__(self, name, blank, made, right, cell, how):
        self.name, self.blank, self.made, self.right, self.cell, self.how = name, blank, made, right, cell, how
        self.old = right.get(f"old_{name}") if name in UPDATES else 0
        self.want = right[name]
        self.pointer = hint_pointer(blank, how.hints)

    def distance(self, a, b):
        return rel_error(np.asarray(a, dtype=np.float64) - self.old, np.asarray(b, dtype=np.float64) - self.old)

    def is_right(self, candidate):
        candidate = np.asarray(candidate, dtype=np.float64)
        return candidate.shape == np.shape(self.want) and bool(np.all(np.isfinite(candidate))) and \
            self.distance(candidate, self.want) < TOLERANCE

    def slips(self):
        if self.made.get("unassigned"):
            return None
        env = scope(self.cell, self.name, self.right, self.how.course)
        return search(self.made.get("block") or self.made["line"], env, self.name, self.how, self.cell, self.is_right)

    def verdict(self):
        value, notebook = self.made.get("value") or {}, self.made.get("notebook") or {}
        if self.made.get("raised") is None and value.get("kind") == "empty":
            empty_ja, empty_en = hint_pointer(self.blank, self.how.hints, empty=True)
            ja, en = say("blank empty", name=self.name)
            return Verdict("empty", [ja, empty_ja], [f"{en} {empty_en}"])
        if self.made.get("raised") is not None:
            return self.raised(*(notebook.get("raised") or self.made["raised"]))
        shape = str(tuple(notebook["shape"])) if "shape" in notebook else ""
        got = decode(value)
        if got is None and value.get("kind") != "too big":
            ja, en = say("not numbers", name=self.name)
            return Verdict("wrong", [ja], [en], shape=shape, mistake="not numbers")
        got_shape = tuple(value["shape"]) if got is None else got.shape
        if got_shape != np.shape(self.want):
            return self.wrong_shape(shape or str(got_shape), tuple(notebook.get("shape", got_shape)), shape)
        if got is None:  # too big to carry whole (a prediction for 58,000 test images): judged by its first entries
            head = np.asarray(value.get("head", []), dtype=np.float64)
            self.want = np.ravel(self.want)[:head.size]
            got = head
        error = self.distance(got, self.want) if np.all(np.isfinite(got)) else float("inf")
        if error < TOLERANCE:
            return Verdict("ok", error=error, shape=shape)
        return self.wrong_value(got, error, shape)

    def raised(self, kind, message):
        name, line = self.name, self.made["line"]
        found = self.slips() if kind != "LineTimeout" else None
        if found:
            slip_ja, slip_en = slip_words(found, self.how, self.blank)
            cause_ja, cause_en, mistake = shapes.diagnose(name, line, cell=self.cell, course=self.how.course,
                                                          said=[s.kind for s in found])
            return Verdict("error", [slip_ja, *cause_ja],
                           [say("line raised", name=name, detail=f"{kind}: {message}")[1], slip_en, *cause_en],
                           mistake=mistake or slip_mistake(found), detail=f"{kind}: {message}",
                           slips=[s.kind for s in found])
        what_ja, what_en = error_pointer(kind, message, name, line, self.blank, self.how.hints, self.cell,
                                          self.how.course)
        raised_en = say("line raised", name=name, detail=f"{kind}: {message}")[1]
        return Verdict("error", what_ja, [raised_en, *what_en], mistake=kind, detail=f"{kind}: {message}")

    def wrong_shape(self, seen, made_shape, shape):
        name, blank = self.name, self.blank
        right_shape = str(self.how.course.shape(blank.shape)) if blank.shape else str(np.shape(self.want))
        headline_ja, headline_en = say("wrong shape", name=name, seen=seen, right=right_shape)
        found = self.slips()
        cause_ja, cause_en, mistake = shapes.diagnose(name, self.made["line"], made_shape, self.cell,
                                                      self.how.course, said=[s.kind for s in found or []])
        if found:
            slip_ja, slip_en = slip_words(found, self.how, blank)
            return Verdict("wrong", [headline_ja, slip_ja, *cause_ja], [headline_en, slip_en, *cause_en], shape=shape,
                           mistake=mistake or slip_mistake(found), slips=[s.kind for s in found])
        if not cause_ja:
            cause_ja, cause_en = [self.pointer[0]], [self.pointer[1]]
        return Verdict("wrong", [headline_ja, *cause_ja], [headline_en, *cause_en], shape=shape,
                       mistake=mistake or "wrong shape")

    def holds_with_another_eta(self, wrong):
        """Whether the learner's block, read by the slip search's interpreter with eta scaled by 1.37, still makes
        the known mistake's value (then computed with that eta): True or False, or None where it cannot tell (no
        eta in the cell, or a block beyond the interpreter)."""
        env = scope(self.cell, self.name, self.right, self.how.course)
        if not isinstance(env.get("eta"), int | float):
            return None
        other, right = {**env, "eta": env["eta"] * 1.37}, {**self.right, "eta": self.right.get("eta", 0) * 1.37}
        try:
            value = run_block(ast.parse(textwrap.dedent(self.made["line"])).body, other, self.name)
            return matches(value_of_mistake(wrong, right), np.asarray(value, dtype=np.float64), self.distance)
        except Exception:  # a block the interpreter cannot read tells nothing
            return None

    def wrong_value(self, got, error, shape):
        name, (pointer_ja, pointer_en) = self.name, self.pointer
        found = self.slips()
        matching = [(wrong, ja, en) for wrong, ja, en in (self.blank.mistakes if self.how.curated else ())
                    if matches(value_of_mistake(wrong, self.right), got, self.distance)]
        # Two known mistakes with one value (with the notebook's eta = 1 / batch_size, "times eta" is "divided by
        # the batch"): the learner's block read again with another eta tells them apart; where it cannot be read and
        # two still match, neither is said.
        held = [m for m in matching if self.holds_with_another_eta(m[0]) is not False]
        known = held[0][1:] if len(held) == 1 else None
        if found or known:
            slip_ja, slip_en = slip_words(found, self.how, self.blank) if found else ("", "")
            ja, en = [slip_ja] if found else [], [slip_en] if found else []
            if known and after_slip(found, known[0], ja):
                ja.append(after_slip(found, known[0], ja))
                en.append(say("likely", cause=known[1])[1])
            return Verdict("wrong", ja, [say("wrong", name=name)[1], *en], error=error, shape=shape,
                           mistake=known[1] if known else slip_mistake(found),
                           slips=[s.kind for s in found] if found else [])
        if not np.all(np.isfinite(got)):
            ja, en = say("nan or inf", name=name)
            return Verdict("wrong", [ja + NAN_CAUSES[0], pointer_ja], [f"{en} {NAN_CAUSES[1]} {pointer_en}"],
                           error=error, shape=shape, mistake="nan or inf")
        ja, en = say("wrong value", name=name)
        return Verdict("wrong", [ja + UNEXPLAINED[0] + pointer_ja], [f"{en} {UNEXPLAINED[1]} {pointer_en}"],
                       error=error, shape=shape, mistake="another mistake")


def _rows(made, rows, right, how, cell="training"):
    made = made or {}
    if "cell_raised" in made:
        kind, message = made["cell_raised"]
        ja, en = say("cell unreadable", detail=f"{kind}: {message}")
        return {name: Verdict("error", [ja], [en], mistake=kind, detail=f"{kind}: {message}") for name in rows}
    verdicts = {}
    for name in rows:
        if name in made:
            verdicts[name] = judge_row(name, made[name], right, how, cell)
        else:
            ja, en = say("line missing in inference" if cell == "inference" else "line missing", name=name)
            verdicts[name] = Verdict("error", [ja], [en], mistake="line missing")
    return verdicts


def judge_training(made, hints=True, course=None, curated=True, first_only=False):
    """{row: Verdict} for the 14 lines of one SGD step (``runlines.run_training``'s data); ``first_only``: the slip
    search for the first wrong line only (the notebook's check, which shows that line's message alone)."""
    how = How(hints, course, curated, first_only=first_only)
    return _rows(made, TRAINING_ROWS, reference.training_reference(how.course)[3], how)


def judge_inference(made, hints=True, course=None, curated=True, first_only=False):
    """{row: Verdict} for the four lines of ``inference``; every row an error when no ``inference`` is defined."""
    if made == {}:
        ja, en = say("no def of inference")
        return {name: Verdict("error", [ja], [en], mistake="no def") for name in INFERENCE_ROWS}
    how = How(hints, reference.inference_course(course or course_settings.of_notebook()), curated,
              first_only=first_only)
    return _rows(made, INFERENCE_ROWS, reference.inference_reference(how.course)[2], how, "inference")


def judge_test(made, hints=True, course=None, curated=True):
    """{row: Verdict} for Y_hat and testacc."""
    how = How(hints, course, curated)
    return _rows(made, TEST_ROWS, reference.test_cell_values(how.course)[1], how, cell="test")


def judge_cells(made, hints=True, course=None, curated=True):
    """A verdict for each of the 24 blanks (``blanks.BLANK_COLUMNS``), from ``runlines.run_cells``'s data."""
    judges = {"functions": (judge_functions, ""), "inference": (judge_inference, "inference."),
              "training": (judge_training, "training."), "test": (judge_test, "")}
    rows = {"functions": FUNCTION_ROWS, "inference": INFERENCE_ROWS, "training": TRAINING_ROWS, "test": TEST_ROWS}
    verdicts = {}
    for cell, (judge, prefix) in judges.items():
        if made.get(cell) is None:
            ja, en = say("cell missing")
            found = {name: Verdict("error", [ja], [en], mistake="cell missing") for name in rows[cell]}
        else:
            found = judge(made[cell], hints, course, curated)
        verdicts.update({prefix + name: v for name, v in found.items()})
    return {name: verdicts[name] for name in BLANK_COLUMNS}


__all__ = ["TOLERANCE", "Verdict", "judge_cells", "judge_functions", "judge_inference",
           "judge_row", "judge_test", "judge_training"]
