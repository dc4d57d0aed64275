"""The answer checks the notebook calls: which line of the learner's is wrong, and why (Japanese first, then English).

One check after each block of blanks of the course's exercise, called as the notebook does::

    check_functions(globals())   # softmax, softmax_cross_entropy, sigmoid, dsigmoid_du
    check_inference(globals())   # the four lines of inference
    check_training(globals())    # the 14 lines of one SGD step, from the training cell that last ran
    check_test(globals())        # Y_hat and testacc

An nbgrader grade cell calls each with ``points=True``: the message is printed, not raised, and the number of right
lines is returned (nbgrader's partial credit; ``scripts/nbgrader_course.py`` writes those cells).

Each line is run on a tiny problem (``runlines.py``) and judged on its own (``judge.py``, against ``reference.py``
and the mistakes of ``blanks.py``); this module shows the verdicts: the first line that is not right, its message
and one row per line. ``install()``, which the handout's imports cell calls, adds a cell guard to IPython (an input
transformer): a cell that still holds ``### CODE HERE ###`` stops with a short message naming the blank, and the
training cell checks its own step before the first epoch. Importing this module changes nothing. A handout without
hints sets ``ANSWER_HINTS = False`` in its own variables.
"""

import contextlib
import functools
import hashlib
import sys
import unicodedata
import warnings

from . import contract, course, judge, runlines
from .blanks import FUNCTION_ROWS, INFERENCE_ROWS, TEST_ROWS, TRAINING_ROWS
from .contract import STEP_END, STEP_START
from .message import blank_message, render, text
from .reference import rel_error
from .verdict import TOLERANCE
from .words import CELLS_TO_RUN, CHECK_LABEL, COURSE_CHECK, LIST_JA, MARKS, TABLE_HEADS, say


class CheckFailed(AssertionError):
    """A check found a wrong or unfinished line. Shown in a notebook as its message alone, without a traceback."""

    def _render_traceback_(self):  # IPython shows this instead of the traceback
        return [f"\x1b[31m{CHECK_LABEL}\x1b[0m: {self}"]


def _fail(key, **fill):
    ja, en = say(key, **fill)
    raise CheckFailed(text([ja], "", [en]))


def _hints(ns):
    return ns.get("ANSWER_HINTS", True) is not False


def _pad(text, width, right=False):
    """text padded to width columns of a terminal (a Japanese character takes two)."""
    columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    space = " " * max(0, width - columns)
    return space + text if right else text + space


def table(rows, verdicts):
    """One row per line, judged on its own: its shape in the notebook's sizes, its difference, a mark."""
    first = next((name for name in rows if not verdicts[name].ok), None)
    row, shape, error, mark = TABLE_HEADS
    lines = [say("table intro")[0], say("table error", tolerance=f"{TOLERANCE:g}")[0],
             "  " + _pad(row, 10) + _pad(shape, 12, right=True) + _pad(error, 14, right=True) + "   " + mark]
    for name in rows:
        v = verdicts[name]
        error = f"{v.error:.1e}" if v.error == v.error and v.error != float("inf") else "-"
        arrow = "   " + say("first wrong")[0] if name == first else ""
        lines.append("  " + _pad(name, 10) + _pad(v.shape or "-", 12, right=True) + _pad(error, 14, right=True)
                     + "   " + MARKS[v.status] + arrow)
    return lines


_SCORE = []  # the number of right lines the last check judged (an nbgrader grade cell's partial credit)


def _report(prefix, rows, verdicts):
    """Raise CheckFailed naming the first line that is not right, with the table; or return quietly. ``prefix``
    makes a row a column of grades.csv: "training.", "inference." or ""."""
    _SCORE[:] = [sum(verdicts[name].ok for name in rows)]
    first = next((name for name in rows if not verdicts[name].ok), None)
    if first is None:
        return
    ja, detail, en = render(prefix + first, verdicts[first].as_dict())
    if rows == FUNCTION_ROWS:
        ja += ["", say("functions table")[0],
               "  " + "  ".join(f"{name} {MARKS[verdicts[name].status]}" for name in rows)]
    elif len(rows) > 1:
        ja += ["", *table(rows, verdicts)]
    raise CheckFailed(text(ja, detail, en))


def _last_cell(ns, *markers):
    """The source of the last cell run that holds every marker, from IPython's record of executed cells."""
    shell = ns.get("get_ipython", lambda: None)()
    raw = shell.history_manager.input_hist_raw if shell is not None else []
    for source in reversed(raw or ns.get("In", [])):
        if all(marker in source for marker in markers):
            return source
    return None


def _need(ns, names, cell):
    missing = [n for n in names if n not in ns]
    if missing:
        where_ja, where_en = CELLS_TO_RUN[cell]
        _fail("not defined yet", names=LIST_JA.join(missing), names_en=", ".join(missing), where=where_ja,
              where_en=where_en)


def _scored(check):
    """``check(ns, points=True)``, as an nbgrader grade cell calls it: the same message, printed on stdout instead of
    raised, warnings and stderr kept out (nbgrader scores a grade cell with an error or any stderr output 0), and the
    number of right lines returned, which nbgrader reads as the cell's partial credit."""

    @functools.wraps(check)
    def run(ns, *args, points=False, **kwargs):
        if not points:
            return check(ns, *args, **kwargs)
        _SCORE[:] = []
        with warnings.catch_warnings(), contextlib.redirect_stderr(sys.stdout):
            warnings.simplefilter("ignore")
            try:
                check(ns, *args, **kwargs)
            except CheckFailed as e:
                print(f"{CHECK_LABEL}: {e}")
        return _SCORE[0] if _SCORE else 0

    return run


@_scored
def check_functions(ns, quiet=False):
    """Check softmax, softmax_cross_entropy, sigmoid and dsigmoid_du from the notebook's variables ``ns``."""
    _need(ns, FUNCTION_ROWS, "functions")
    source = _last_cell(ns, "def softmax(", "def dsigmoid_du(")
    made = runlines.run_functions({name: ns[name] for name in FUNCTION_ROWS}, source)
    _report("", FUNCTION_ROWS, judge.judge_functions(made, _hints(ns), course.of_learner(ns), first_only=True))
    if quiet:
        return
    print(" / ".join(say("functions ok")))


@_scored
def check_inference(ns, quiet=False):
    """Check the four lines of ``inference``, each on its own, on a tiny network."""
    _need(ns, ["inference"], "inference")
    source = _last_cell(ns, "def inference(")
    if source is None:
        _fail("inference cell not found")
    settings = course.of_learner(ns)
    made = runlines.run_inference(source, course=settings)
    _report("inference.", INFERENCE_ROWS, judge.judge_inference(made, _hints(ns), settings, first_only=True))
    if not quiet:
        print(" / ".join(say("inference ok")))


@_scored
def check_training(ns, source=None, quiet=False):
    """Check the 14 lines of one SGD step, each on its own, as the training cell that last ran wrote them.

    ``source`` is that cell's source; None finds it in IPython's record of the cells run, which exists in
    Jupyter, JupyterLab, VS Code, Colab and nbconvert alike.
    """
    source = source if source is not None else _last_cell(ns, STEP_START, STEP_END)
    if source is None:
        _fail("no training cell yet")
    settings = course.of_learner(ns, source)
    made = runlines.run_training(source, course=settings)
    _report("training.", TRAINING_ROWS, judge.judge_training(made, _hints(ns), settings, first_only=True))
    if not quiet:
        print(" / ".join(say("training ok")))


@_scored
def check_test(ns, quiet=False):
    """Check Y_hat and testacc of the test-set cell that last ran."""
    source = _last_cell(ns, "Y_hat =", "testacc =")
    if source is None:
        _need(ns, ["Y_hat", "testacc"], "test")
        _fail("test cell not found")
    settings = course.of_learner(ns)
    made = runlines.run_test(source, course=settings)
    _report("", TEST_ROWS, judge.judge_test(made, _hints(ns), settings))
    if not quiet:
        print(" / ".join(say("test ok")))


# --------------------------------------------------------------------------------------
# Before a cell runs: a blank left, and the training cell's own step
# --------------------------------------------------------------------------------------

_THIS = "__import__('answer_check.cells', fromlist=['cells'])"  # this module, from a cell the guard rewrote
_PENDING = {}  # the training cells waiting for their check, by the hash of their source


def _user_ns():
    from IPython import get_ipython

    shell = get_ipython()
    return shell.user_ns if shell is not None else {}


def _cell_guard(lines):
    """IPython input transformer: a cell with a blank stops naming it; the training cell checks its step first."""
    message = blank_message(lines, _hints(_user_ns()))
    if message:
        return [f"raise {_THIS}.CheckFailed({message!r})\n"]
    source = "".join(lines)
    if STEP_START in source and STEP_END in source and "nb_epoch" in source:
        key = hashlib.sha1(source.encode()).hexdigest()[:12]
        _PENDING[key] = source
        return [f"{_THIS}._check_before_training({key!r}, globals())\n", *lines]
    return lines


def _check_before_training(key, ns):
    """Run by the training cell before its first epoch: stop it if a line of its step is wrong."""
    source = _PENDING.pop(key, None)
    if source is not None:
        check_training(ns, source=source, quiet=True)


# The checks of the cells with blanks, by what the cell holds (contract.BLANK_CELLS): run when such a cell raises.
_CHECK_OF_CELL = {"functions": lambda ns, source: check_functions(ns, quiet=True),
                  "inference": lambda ns, source: check_inference(ns, quiet=True),
                  "training": lambda ns, source: check_training(ns, source=source, quiet=True),
                  "test": lambda ns, source: check_test(ns, quiet=True)}
_PREVIOUS_HANDLER = []  # IPython's custom exception handler before ours, put back by uninstall


def _explain_error(shell, etype, value, tb, tb_offset=None):
    """IPython's handler for an exception in a cell: where the cell holds the learner's lines (or is the course's
    own error check, which calls them), the answer check of that cell says which line and why, in Japanese, above
    Python's own words; any other error is shown as IPython shows it."""
    if issubclass(etype, CheckFailed):  # a check's own message: shown as it is
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        return
    try:
        raw = shell.history_manager.input_hist_raw if shell.history_manager else []
        source = raw[-1] if raw else ""  # the cell that raised (IPython records a cell before it runs)
        found, _ = find_cells_in(source)
        key = next((k for k, cell in found.items() if cell), None)
        if key is None and COURSE_CHECK in source:  # the course's own check of the functions or inference
            key = "functions" if "softmax_cross_entropy(" in source else "inference"
        if key is not None:
            _CHECK_OF_CELL[key](shell.user_ns, source)  # quiet: says nothing where the learner's lines are right
    except CheckFailed as failed:
        print(f"{CHECK_LABEL}: {failed}\n", file=sys.stderr)
    except Exception:  # the check itself could not run (a name not defined yet): Python's words alone
        pass
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset)


def find_cells_in(source):
    """contract.find_cells for one cell's source: {key: source or None}, {key: 0}."""
    from types import SimpleNamespace

    return contract.find_cells(SimpleNamespace(cells=[SimpleNamespace(cell_type="code", source=source)]))


def install():
    """Add the cell guard to this IPython session, and the handler that explains an error in a cell of the learner's
    lines (the handout's imports cell calls it; outside IPython it does nothing)."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None and _cell_guard not in shell.input_transformers_cleanup:
        shell.input_transformers_cleanup.append(_cell_guard)
        _PREVIOUS_HANDLER[:] = [(shell.custom_exceptions, getattr(shell, "CustomTB", None))]
        shell.set_custom_exc((Exception,), _explain_error)


def uninstall():
    """Remove the guard and the handler (the grader does, to train a student's network even with a wrong line)."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None and _cell_guard in shell.input_transformers_cleanup:
        shell.input_transformers_cleanup.remove(_cell_guard)
        exceptions, handler = _PREVIOUS_HANDLER.pop() if _PREVIOUS_HANDLER else ((), None)
        if handler is not None and exceptions:
            shell.custom_exceptions, shell.CustomTB = exceptions, handler  # the one there before, as it was
        else:
            shell.set_custom_exc((), None)

__all__ = [
    "CheckFailed",
    "blank_message",
    "check_functions",
    "check_inference",
    "check_test",
    "check_training",
    "install",
    "rel_error",
    "table",
    "uninstall",
]
