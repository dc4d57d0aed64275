"""Run a learner's lines on the tiny problem and record what each made: values, errors and shapes, as plain data.

This is where a learner's code runs for the answer checks (the notebook's own kernel aside). Each line runs with
every line before it holding its right value (``reference.py``), so one wrong line never spoils the lines after it;
each line also runs once on zeros of the notebook's sizes, for the shape (or the error) the learner would meet in the
notebook: (256, 100), not the tiny problem's (5, 6). What comes out is data only, JSON-able (``run_cells``): the
grader runs this inside its sandbox and judges the data outside it (``judge.py``), so a learner's code never
touches its own verdict.

No IPython, no module-level setting: a time limit per line is an argument.
"""

import ast
import copy
import re
import signal
import textwrap
import types
import warnings

import numpy as np

from . import course as course_settings
from . import reference
from .blanks import FUNCTION_ROWS, INFERENCE_ROWS, STEP, TEST_ROWS, TRAINING_ROWS
from .contract import BLANK, BLANK_LINE, STEP_END, STEP_START

EMPTY = "__checks_blank__"  # what a blank line assigns while it is judged: reported as empty
MAX_VALUES = 100_000  # a value with more entries is recorded by its shape alone


class Empty:
    """The value of a blank left unfilled while it runs."""

    def __repr__(self):
        return BLANK


class LineTimeout(Exception):
    """A learner's line ran longer than its time limit."""


class _Broken(Exception):
    """A line that is not Python, reached while running."""


def _alarm(signum, frame):
    raise LineTimeout("this line ran longer than its time limit")


def _quiet(func, *args, seconds=None, **kwargs):
    """func(...) with floating-point warnings silenced, stopped with LineTimeout after ``seconds`` if given."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if seconds:
            previous = signal.signal(signal.SIGALRM, _alarm)
            signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            return func(*args, **kwargs)
        finally:
            if seconds:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)


def encode(value):
    """A learner's value as data: {"dtype", "shape", "data"} for numbers, or {"kind": why it is not numbers}."""
    if isinstance(value, Empty):
        return {"kind": "empty"}
    if value is None:
        return {"kind": "none"}
    try:
        array = np.asarray(value)
    except Exception:  # an object numpy cannot read
        return {"kind": "not numbers", "type": type(value).__name__}
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        return {"kind": "not numbers", "type": type(value).__name__}
    if np.iscomplexobj(array):
        return {"kind": "not numbers", "type": "complex"}
    shape = [int(s) for s in array.shape]
    if array.size > MAX_VALUES:  # its shape, and its first MAX_VALUES entries to judge it by
        return {"kind": "too big", "shape": shape, "head": array.astype(np.float64).ravel()[:MAX_VALUES].tolist()}
    python = {"python": type(value).__name__} if type(value) in (int, float) else {}  # not NumPy's: no .shape
    return {"dtype": str(array.dtype), "shape": shape, "data": array.astype(np.float64).ravel().tolist(), **python}


def decode(data):
    """The array back from ``encode``'s data, or None for something that is not an array of numbers."""
    if not isinstance(data, dict) or "data" not in data:
        return None
    return np.asarray(data["data"], dtype=np.float64).reshape(data["shape"])


def _error(e):
    return [type(e).__name__, str(e)[:500]]


def fill_blanks(source):
    """The source with each blank made a statement that assigns a marker (reported as 'empty')."""
    return BLANK_LINE.sub(lambda m: f"{m.group(1)}{m.group(2)} = {EMPTY}" if m.group(2)
                           else f"{m.group(1)}return {EMPTY}", source)


def parse(source):
    """(tree, {line number: SyntaxError message}) of source; a line that is not Python becomes a call that raises."""
    lines = source.split("\n")
    broken = {}
    for _ in range(len(lines)):
        try:
            return ast.parse("\n".join(lines)), broken
        except SyntaxError as e:
            number = min(max(e.lineno or 1, 1), len(lines))
            text = lines[number - 1]
            indent = text[: len(text) - len(text.lstrip())]
            broken[number] = e.msg
            name = re.match(r"\s*(\w+)\s*=[^=]", text)
            target = f"{name.group(1)} = " if name else ("return " if text.strip().startswith("return") else "")
            lines[number - 1] = f"{indent}{target}__checks_broken__({number})"
    raise ValueError("the source could not be parsed")


def _assigned(statement):
    """The names a statement (or a loop, an if, a with, at any depth) writes: assigned (`A = ...`, `A += ...`),
    filled by an index (`A[:, n] = ...`, `A[i] -= 1`), or written in place by a NumPy call's `out=`
    (`np.subtract(W, s, out=W)`)."""
    names = []
    for node in ast.walk(statement):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.append(node.id)
        elif isinstance(node, ast.Subscript | ast.Attribute) and isinstance(node.ctx, ast.Store):
            base = node.value
            while isinstance(base, ast.Subscript | ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name):
                names.append(base.id)
        elif isinstance(node, ast.Call):
            names += [k.value.id for k in node.keywords if k.arg == "out" and isinstance(k.value, ast.Name)]
    return names


def statement_text(lines, first, last):
    """The learner's statement as written (a wrapped one whole), comments left out."""
    return textwrap.dedent("\n".join(line.split("#")[0].rstrip() for line in lines[first - 1:last])).strip()


def _exec(code, namespace, seconds):
    """Run one statement; return the exception it raised, or None."""
    try:
        _quiet(exec, code, namespace, seconds=seconds)
    except (Exception, SystemExit) as e:  # the learner's line raised: recorded at this line
        return e
    return None


def _broken_line(number):
    raise _Broken(number)


# A learner may write a layer's width as a number (.reshape(256, 1), X_test.reshape(-1, 784)): the tiny problem's
# layers are narrower, so there a number of a shape that is a layer's width is read as the tiny layer's. The classes,
# the batch and η are the notebook's own on the tiny problem: a literal 100 or 0.01 needs no reading.
_SHAPED = {"reshape", "ones", "zeros", "empty", "full", "broadcast_to", "resize"}


def tiny_widths(course):
    """{the notebook's layer width: the tiny problem's}, for the numbers in a learner's shapes."""
    widths = {course.x_dim: reference.TINY["d"], course.h_dim: reference.TINY["h"]}
    return {notebook: tiny for notebook, tiny in widths.items() if notebook is not None}


class _TinySizes(ast.NodeTransformer):
    """The numbers in the shapes a statement gives (reshape, np.ones ...) turned into the tiny problem's widths."""

    def __init__(self, widths):
        self.widths = widths

    def size(self, node):
        if isinstance(node, ast.Constant) and type(node.value) is int and node.value in self.widths:
            return ast.copy_location(ast.Constant(self.widths[node.value]), node)
        if isinstance(node, ast.Tuple | ast.List):
            node.elts = [self.size(element) for element in node.elts]
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        if (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")) in _SHAPED:
            node.args = [self.size(arg) for arg in node.args]
            for keyword in node.keywords:
                if keyword.arg in ("shape", "newshape"):
                    keyword.value = self.size(keyword.value)
        return node


def _compile(statement, widths=None):
    if widths:
        statement = _TinySizes(widths).visit(copy.deepcopy(statement))
    return compile(ast.Module([statement], type_ignores=[]), "<your line>", "exec")


def _read(statement):
    return {node.id for node in ast.walk(statement) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}


def run_lines(source, rows, ns, right, shapes_ns=None, seconds=None, first_line=1, course=None):
    """Run source statement by statement in ns; record what the learner's lines leave in each row.

    A row is judged on what its block leaves in it: the statements from the first one that assigns it up to the
    next one that assigns another row or reads it without assigning it (a row assigned on two lines, the second
    reading the first, is one block). Then the row takes its right value (``right[row]``), so the lines
    after it run on right inputs. shapes_ns mirrors ns with zeros of the notebook's sizes: each line runs there too.
    Returns {row: {"line", "lineno", "value", "raised", "notebook", "block"}}; "notebook" is {"shape": [...]} or
    {"raised": [...]}; "line" is the block's lines, or the one that raised, at "lineno"; "block" the block's lines up
    to the last one run.
    """
    tree, broken = parse(fill_blanks(source))
    source_lines = source.split("\n")
    for namespace in (ns, shapes_ns if shapes_ns is not None else {}):
        namespace["__checks_broken__"], namespace[EMPTY] = _broken_line, Empty()
    made, pending = {}, {}  # pending: row -> its block so far (first and last line, what raised)

    def flush(names):
        for name in names:
            block = pending.pop(name)
            raised, in_notebook = block["raised"], block["in_notebook"]
            if shapes_ns is None:
                notebook = None
            elif in_notebook is not None:
                notebook = {"raised": _error(in_notebook)}
            else:
                try:
                    notebook = {"shape": [int(s) for s in np.shape(shapes_ns.get(name))]}
                except ValueError:  # a ragged value (W_2 @ X, b_2): not numbers, which its own verdict says
                    notebook = {}
            first, last = block["at"] if raised is None else block["raised_at"]
            made[name] = {"line": statement_text(source_lines, first, last), "lineno": first + first_line - 1,
                          "notebook": notebook, "raised": _error(raised) if raised is not None else None,
                          "value": encode(ns.get(name)) if raised is None else None,
                          "block": statement_text(source_lines, block["at"][0], last)}  # what the search mends
            ns[name] = np.copy(right[name])
            if shapes_ns is not None and name in STEP and STEP[name].shape:
                shapes_ns[name] = reference.notebook_zeros(STEP[name].shape, course)

    for statement in tree.body:
        assigned = set(_assigned(statement))
        targets = [name for name in assigned if name in rows and name not in made]
        ends = [name for name in pending if name not in assigned and (targets or name in _read(statement))]
        flush(ends)
        if isinstance(statement, ast.Expr) and not isinstance(statement.value, ast.Call | ast.Constant):
            for name in sorted(_read(statement) & set(made)):  # a row computed on, but the result never kept
                made[name].setdefault("unassigned", [statement.lineno + first_line - 1, statement_text(
                    source_lines, statement.lineno, statement.end_lineno)])
        code = _compile(statement)
        number, end = statement.lineno, statement.end_lineno
        raised = _exec(_compile(statement, tiny_widths(course) if course else None), ns, seconds)
        if isinstance(raised, _Broken):
            raised = SyntaxError(broken[number])
        in_notebook = _exec(code, shapes_ns, seconds) if shapes_ns is not None else None
        if isinstance(in_notebook, _Broken):
            in_notebook = raised
        for name in targets:
            block = pending.setdefault(name, {"at": (number, end), "raised": None, "in_notebook": None})
            block["at"] = (block["at"][0], end)
            if block["raised"] is None and raised is not None:
                block["raised"], block["raised_at"] = raised, (number, end)
            block["in_notebook"] = block["in_notebook"] or in_notebook
    flush(list(pending))
    return made


def right_functions():
    """The four functions, right, for the lines that call them: each line is judged on its own."""
    return {"np": np, "softmax": lambda U, reduce_axis=0: reference.softmax(U, reduce_axis),
            "sigmoid": reference.sigmoid, "dsigmoid_du": reference.dsigmoid}


def step_source(cell_source):
    """The lines of one SGD step in the training cell, from STEP_START to STEP_END, and the line before them."""
    lines = cell_source.split("\n")
    start = next(i for i, line in enumerate(lines) if STEP_START in line)
    end = next(i for i, line in enumerate(lines) if STEP_END in line)
    return textwrap.dedent("\n".join(lines[start:end])), start


def training_scope(course):
    """The names one SGD step starts from, on the tiny problem and at the notebook's sizes: (ns, shapes_ns)."""
    params, X, D, _ = reference.training_reference(course)
    sizes = {name: reference.notebook_zeros(spec, course) for name, spec in
             (("X", "dn"), ("D", "kn"), ("W_2", "hd"), ("b_2", "h1"), ("W_3", "kh"), ("b_3", "k1"))}
    common = {"epoch": 0, "batch": 0, "nb_batch": 1, "plot_freq": 50,
              **{name: value for name, value in course.as_dict().items() if value is not None}}
    tiny = reference.tiny_sizes(course)
    ns = {**right_functions(), **common, **{k: v.copy() for k, v in params.items()}, "X": X.copy(), "D": D.copy(),
          "X_batch": X.T.copy(), "Y_batch": D.T.copy(), "x_dim": tiny["d"], "h_dim": tiny["h"]}
    shapes_ns = {**right_functions(), **common, **sizes, "X_batch": sizes["X"].T, "Y_batch": sizes["D"].T}
    return ns, shapes_ns


def run_training(cell_source, seconds=None, course=None):
    """What each of the 14 lines of the SGD step in a training cell makes (with the course's η, batch and classes)."""
    course = course or course_settings.of_notebook()
    step, offset = step_source(cell_source)
    ns, shapes_ns = training_scope(course)
    right = reference.training_reference(course)[3]
    return run_lines(step, TRAINING_ROWS, ns, right, shapes_ns, seconds, first_line=offset + 1, course=course)


def function_def(source, name):
    """The ``def name(...)`` statement in source, or None."""
    tree, _ = parse(fill_blanks(source))
    return next((node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == name), None)


def inference_scope(course):
    """The names the body of inference starts from (X one image per row), tiny and at the notebook's sizes."""
    params, X, _ = reference.inference_reference(course)
    known = {name: value for name, value in course.as_dict().items() if value is not None}
    ns = {**right_functions(), **known, **{k: v.copy() for k, v in params.items()}, "X": X.copy(),
          "x_dim": reference.TINY["d"], "h_dim": reference.TINY["h"]}
    shapes_ns = {**right_functions(), **known, "X": np.zeros((reference.INFERENCE_ROWS, course.x_dim), np.float32),
                 **{name: reference.notebook_zeros(spec, course) for name, spec in
                    (("W_2", "hd"), ("b_2", "h1"), ("W_3", "kh"), ("b_3", "k1"))}}
    return ns, shapes_ns


def run_inference(cell_source, seconds=None, course=None):
    """What each of the four lines of ``inference`` makes; {} when the cell defines no ``inference``."""
    course = reference.inference_course(course or course_settings.of_notebook())
    node = function_def(cell_source, "inference")
    if node is None:
        return {}
    lines = cell_source.split("\n")
    body_start = node.body[0].lineno
    body = textwrap.dedent("\n".join(lines[body_start - 1:node.end_lineno]))
    body = re.sub(r"^return\b", "__result__ =", body, flags=re.M)
    ns, shapes_ns = inference_scope(course)
    right = reference.inference_reference(course)[2]
    made = run_lines(body, [*INFERENCE_ROWS, "X"], ns, right, shapes_ns, seconds, first_line=body_start,
                     course=course)
    made.pop("X", None)
    return made


def run_test(cell_source, seconds=None, course=None):
    """What Y_hat and testacc of the test-set cell make."""
    ns, right = reference.test_cell_values(course or course_settings.of_notebook())
    ns = {name: value.copy() if isinstance(value, np.ndarray) else value for name, value in ns.items()}
    return run_lines(cell_source, TEST_ROWS, ns, right, None, seconds, course=course or course_settings.of_notebook())


def _return_line(source, name):
    """(the return line, its number, the whole def as written) of the function ``name`` in source."""
    node = function_def(source, name) if source else None
    returns = [n for n in ast.walk(node) if isinstance(n, ast.Return)] if node else []
    if not returns:
        return "", 0, ""
    lines = source.split("\n")
    body = "\n".join(line.split("#")[0].rstrip() for line in lines[node.lineno - 1:node.end_lineno])
    return statement_text(lines, returns[-1].lineno, returns[-1].end_lineno), returns[-1].lineno, body


def _with_right_others(func, name, right):
    """A copy of the learner's function ``name`` that sees the right versions of the other three functions: its own
    globals are a copy, so the learner's namespace is never touched. Anything else callable is called as it is."""
    if not isinstance(func, types.FunctionType):
        return func
    scope = {**func.__globals__, **{other: right[other] for other in ("softmax", "sigmoid", "dsigmoid_du")
                                    if other != name}}
    return types.FunctionType(func.__code__, scope, func.__name__, func.__defaults__, func.__closure__)


def run_functions(functions, source=None, seconds=None):
    """What each of the four functions returns for each of its probes (``reference.function_probes``).

    ``functions`` maps each name to the learner's function; each runs with the right versions of the others
    (dsigmoid_du with the right sigmoid), so each is judged alone. {name: {"defined", "line", "lineno", "probes"}}.
    """
    made = {}
    right = right_functions()
    for name, probes in reference.function_probes().items():
        func = functions.get(name)
        line, lineno, body = _return_line(source, name)
        if func is None:
            made[name] = {"defined": False, "line": line, "lineno": lineno, "probes": []}
            continue
        func = _with_right_others(func, name, right)
        results = []
        for args, kwargs, _, _ in probes:
            try:
                got = _quiet(func, *(np.copy(a) for a in args), seconds=seconds, **kwargs)
                results.append({"value": encode(got)})
            except _Broken as e:
                results.append({"raised": ["SyntaxError", "not Python"], "lineno": e.args[0]})
            except (Exception, SystemExit) as e:
                results.append({"raised": _error(e)})
        made[name] = {"defined": True, "line": line, "lineno": lineno, "probes": results, "def": body}
    return made


def run_functions_cell(cell_source, seconds=None, course=None):
    """run_functions for the four functions a cell defines, run in a namespace of its own."""
    ns = {"np": np, EMPTY: Empty(), "__checks_broken__": _broken_line}
    tree, _ = parse(fill_blanks(cell_source))
    try:
        _quiet(exec, compile(tree, "<your cell>", "exec"), ns, seconds=seconds)
    except (Exception, SystemExit) as e:
        return {"cell_raised": _error(e)}
    return run_functions({name: ns.get(name) for name in FUNCTION_ROWS}, cell_source, seconds)


def run_cells(cells, seconds=None, course=None):
    """What the lines of the four cells with blanks make (``cells``: key -> source or None), as JSON-able data, on
    the course's settings (default: the handout's beside these modules, which the grader ships into each box)."""
    course = course or course_settings.of_notebook()
    runners = {"functions": run_functions_cell, "inference": run_inference, "training": run_training,
               "test": run_test}
    made = {}
    for key, runner in runners.items():
        source = cells.get(key)
        if source is None:
            made[key] = None
            continue
        try:
            made[key] = runner(source, seconds, course)
        except (Exception, SystemExit) as e:  # a cell the runner cannot even read (its markers moved, say)
            made[key] = {"cell_raised": _error(e)}
    return made


def main(argv):
    """python -m runlines CELLS.json OUT.json SECONDS: run_cells on the cells' sources, written as JSON."""
    import json
    import os

    cells = json.loads(open(argv[0], encoding="utf-8").read())
    made = run_cells(cells, float(argv[2]) or None)
    os.makedirs(os.path.dirname(argv[1]), exist_ok=True)  # a cell may have deleted it
    with open(argv[1], "w", encoding="utf-8") as f:
        json.dump(made, f)
    os._exit(0)  # nothing a learner's line registered (atexit, threads) runs after the record is written


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
