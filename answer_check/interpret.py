"""The slip search's interpreter: a small evaluator of NumPy expressions on the tiny problem, so that no code of the
learner's runs outside the grader's box (``slips.py`` evaluates its candidate edits with it).

It knows the names of the scope it is given, numbers, arithmetic, indexing and a list of NumPy functions and methods
(``NP_FUNCTIONS``, ``METHODS``, ``BUILTINS``); anything else is ``Unsupported``. What it evaluates is bounded before it
is made (``MAX_ENTRIES`` entries a value, ``MAX_WORK`` multiply-adds a product), it never writes into the scope
(``out=`` and ``where=`` are refused), and ``run_block`` runs a block of simple statements in a copy of the scope.
"""

import ast
import math

import numpy as np

MAX_ENTRIES = 1_000_000  # an intermediate value with more entries is refused before it is made
MAX_WORK = 10_000_000  # the multiply-adds one matrix product may take (the tiny problem's take 5,000 at most)


class Unsupported(Exception):
    """An expression the interpreter does not evaluate (a name it does not know, a call outside its list)."""


class UnknownName(Unsupported):
    """A name the scope does not have (a misspelt one, perhaps)."""


NP_FUNCTIONS = {"exp", "log", "log10", "log2", "log1p", "expm1", "tanh", "sqrt", "abs", "sum", "mean", "max", "min",
                "dot", "matmul", "transpose", "maximum", "minimum", "clip", "multiply", "divide", "add", "subtract",
                "square", "reshape", "asarray", "array", "negative", "cosh", "sinh", "where", "logaddexp",
                "tile", "repeat", "argmax", "outer", "ones_like", "zeros_like", "float32", "float64", "power",
                "ones", "zeros", "full", "eye", "squeeze", "expand_dims", "broadcast_to", "copy", "arange"}
METHODS = {"sum", "mean", "max", "min", "dot", "reshape", "argmax", "astype", "copy", "transpose", "clip", "squeeze",
           "ravel", "flatten"}
BUILTINS = {"float": float, "int": int, "len": len, "list": list, "abs": abs, "tuple": tuple, "max": max, "min": min}
_BINARY = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.true_divide,
           ast.MatMult: np.matmul, ast.Pow: np.power}


def _checked(value):
    if isinstance(value, np.ndarray) and (value.size > MAX_ENTRIES or value.dtype == object):
        raise Unsupported("too big")  # an object array holds Python integers of any size
    if isinstance(value, int) and not -2**63 <= value < 2**63:
        raise Unsupported("a big integer")  # never arithmetic on Python's unbounded integers
    if isinstance(value, tuple | list) and sum(np.size(v) for v in value) > MAX_ENTRIES:
        raise Unsupported("too big")
    return value


def _size_of(shape):
    shape = shape if isinstance(shape, tuple | list) else (shape,)
    return math.prod(int(s) for s in shape)


def _limit(entries):
    if entries > MAX_ENTRIES:
        raise Unsupported("too big")


def _shapes_fit(*values):
    """Refuse, before it is made, an element-wise result of these values with more than MAX_ENTRIES entries."""
    shapes = [np.shape(v) for v in values if isinstance(v, np.ndarray | np.generic | int | float)]
    try:
        _limit(_size_of(np.broadcast_shapes(*shapes)) if shapes else 0)
    except ValueError:
        pass  # shapes that do not broadcast: NumPy itself says so


def _product_fits(a, b):
    """Refuse a matrix product whose work or result is over the caps, before it is computed."""
    sa, sb = np.shape(a), np.shape(b)
    if len(sa) >= 1 and len(sb) >= 1:
        rows, inner, cols = (sa[-2] if len(sa) > 1 else 1), sa[-1], (sb[-1] if len(sb) > 1 else 1)
        batch = _size_of(np.broadcast_shapes(sa[:-2], sb[:-2])) if len(sa) > 2 or len(sb) > 2 else 1
        if batch * rows * inner * cols > MAX_WORK:
            raise Unsupported("too much work")
        _limit(batch * rows * cols)


# What some functions make, before they make it (an upper bound on its entries); every other one makes no more than
# its array arguments broadcast together.
_MADE = {"tile": lambda a, k: np.size(a[0]) * _size_of(a[1] if len(a) > 1 else k.get("reps", 1)),
         "repeat": lambda a, k: np.size(a[0]) * int(np.max(a[1] if len(a) > 1 else k.get("repeats", 1))),
         "outer": lambda a, k: np.size(a[0]) * np.size(a[1]),
         "eye": lambda a, k: int(a[0]) * int(a[1] if len(a) > 1 else a[0]),
         "ones": lambda a, k: _size_of(a[0] if a else k["shape"]),
         "zeros": lambda a, k: _size_of(a[0] if a else k["shape"]),
         "full": lambda a, k: _size_of(a[0] if a else k["shape"]),
         "broadcast_to": lambda a, k: _size_of(a[1] if len(a) > 1 else k["shape"]),
         "arange": lambda a, k: len(range(*(math.ceil(float(x)) for x in a))) if len(a) < 3 or a[2] else 0}
_REFUSED_KEYWORDS = {"out", "where", "like", "subok", "casting", "order"}  # out= would write into the scope's arrays


def evaluate(node, env):
    """The value of an expression node, with the names of ``env`` (arrays, numbers and the functions it holds)."""
    with np.errstate(all="ignore"):
        return _checked(_eval(node, env))


def _eval(node, env):  # one branch per kind of node, read top to bottom
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool | int | float) or node.value is None:
            return _checked(node.value)
        raise Unsupported("constant")
    if isinstance(node, ast.Name):
        if node.id == "np":
            return np
        if node.id not in env:
            raise UnknownName(node.id)
        return env[node.id]
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, env), _eval(node.right, env)
        if isinstance(left, list | tuple) or isinstance(right, list | tuple):
            raise Unsupported("a list in arithmetic")
        if isinstance(node.op, ast.Pow) and isinstance(left, int) and isinstance(right, int):
            left = float(left)  # never a huge Python integer
        operation = _BINARY.get(type(node.op))
        if operation is None:
            raise Unsupported("operator")
        if isinstance(node.op, ast.MatMult):
            _product_fits(left, right)
        else:
            _shapes_fit(left, right)
        return _checked(operation(left, right))
    if isinstance(node, ast.UnaryOp):
        value = _eval(node.operand, env)
        if isinstance(node.op, ast.USub):
            return np.negative(value)
        if isinstance(node.op, ast.UAdd):
            return value
        raise Unsupported("unary")
    if isinstance(node, ast.Attribute):
        value = _eval(node.value, env)
        if value is np:
            if node.attr in NP_FUNCTIONS or node.attr == "newaxis":
                return getattr(np, node.attr)
            raise Unsupported(node.attr)
        if node.attr in ("T", "shape", "ndim", "size") and isinstance(value, np.ndarray | np.generic):
            return getattr(value, node.attr)
        if node.attr in METHODS and isinstance(value, np.ndarray | np.generic):
            return getattr(value, node.attr)
        raise UnknownName(node.attr)  # an attribute misspelt (.t for .T), perhaps
    if isinstance(node, ast.Subscript):
        value = _eval(node.value, env)
        index = _index(node.slice, env)
        _index_fits(value, index)
        return _checked(value[index])
    if isinstance(node, ast.Tuple | ast.List):
        items, entries = [], 0
        for element in node.elts:  # the entries the items hold together are bounded as they are made
            items.append(_eval(element, env))
            entries += np.size(items[-1]) if isinstance(items[-1], np.ndarray) else 1
            _limit(entries)
        return tuple(items) if isinstance(node, ast.Tuple) else items
    if isinstance(node, ast.Call):
        return _call(node, env)
    raise Unsupported(type(node).__name__)


def _index(node, env):
    if isinstance(node, ast.Slice):
        parts = [None if part is None else _eval(part, env) for part in (node.lower, node.upper, node.step)]
        return slice(*parts)
    if isinstance(node, ast.Tuple):
        return tuple(_index(element, env) for element in node.elts)
    return _eval(node, env)


def _index_fits(value, index):
    """Refuse, before it is made, an indexing whose result has more than MAX_ENTRIES entries: arrays of indices
    (fancy indexing) make the broadcast of their shapes, times every axis they do not index."""
    parts = index if isinstance(index, tuple) else (index,)
    arrays = [np.shape(part) for part in parts if isinstance(part, np.ndarray | list)]
    if not arrays or not isinstance(value, np.ndarray):
        return
    try:
        picked = _size_of(np.broadcast_shapes(*arrays))
    except ValueError:
        return  # indices that do not broadcast: NumPy itself says so
    rest = value.shape[len(parts):] if len(parts) <= value.ndim else ()
    slices = [value.shape[i] for i, part in enumerate(parts[:value.ndim]) if isinstance(part, slice)]
    _limit(picked * _size_of(tuple(rest)) * _size_of(tuple(slices)))


def _call(node, env):
    func = _eval(node.func, env) if not (isinstance(node.func, ast.Name) and node.func.id in BUILTINS) \
        else BUILTINS[node.func.id]
    args = [_eval(arg, env) for arg in node.args]
    kwargs = {keyword.arg: _eval(keyword.value, env) for keyword in node.keywords if keyword.arg}
    if len(kwargs) != len(node.keywords) or _REFUSED_KEYWORDS & set(kwargs):
        raise Unsupported("keyword")
    if "dtype" in kwargs and kwargs["dtype"] not in (np.float32, np.float64, float, int):
        raise Unsupported("dtype")
    name = getattr(func, "__name__", "")
    try:
        if name in _MADE:
            _limit(_MADE[name](args, kwargs))
        elif name in ("dot", "matmul") and len(args) == 2:
            _product_fits(*args)
        elif name in ("dot", "matmul") and len(args) == 1 and isinstance(getattr(func, "__self__", None), np.ndarray):
            _product_fits(func.__self__, args[0])  # a.dot(b), the method
        else:
            _shapes_fit(*args, *kwargs.values())
    except (TypeError, ValueError, KeyError, IndexError, OverflowError) as e:
        raise Unsupported(name) from e
    allowed = any(func is value for value in (*env.values(), *BUILTINS.values(), np.float32, np.float64)) or \
        isinstance(func, np.ufunc) or getattr(func, "__module__", None) == "numpy" or \
        isinstance(getattr(func, "__self__", None), np.ndarray | np.generic)
    if not callable(func) or not allowed:
        raise Unsupported(name)
    return _checked(func(*[float(a) if isinstance(a, int) and name == "power" else a for a in args], **kwargs))


MAX_STEPS = 10_000  # the statements one block may run, loops included (the tiny problem's loops take under 100)


def run_block(statements, env, name):
    """Run a block of simple statements (``x = ...``, ``x += ...``, ``A[:, n] = ...``, ``A[i] += ...``,
    ``for n in range(...):``, ``return ...``) in a copy of env (an array is copied before the block writes into
    it); the value it leaves in ``name`` (or returns)."""
    env = dict(env)
    returned = _run(statements, env, set(), [MAX_STEPS])
    if returned is not _NOTHING:
        return returned
    if name not in env:
        raise Unsupported("never assigned")
    return env[name]


_NOTHING = object()


def _run(statements, env, owned, steps):
    """Run ``statements`` in ``env``; what a ``return`` gives, or _NOTHING. ``owned``: the ids of the arrays this
    run made or copied (only those are written into); ``steps``: [the statements left to run]."""
    for statement in statements:
        steps[0] -= 1
        if steps[0] < 0:
            raise Unsupported("too many steps")
        if isinstance(statement, ast.Return):
            return evaluate(statement.value, env) if statement.value is not None else None
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            _store(statement.targets[0], evaluate(statement.value, env), env, owned)
        elif isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name | ast.Subscript):
            target = statement.target
            read = ast.Subscript(target.value, target.slice, ast.Load()) if isinstance(target, ast.Subscript) \
                else ast.Name(target.id, ast.Load())
            _store(target, evaluate(ast.BinOp(read, statement.op, statement.value), env), env, owned)
        elif isinstance(statement, ast.For) and isinstance(statement.target, ast.Name) and not statement.orelse \
                and _is_range(statement.iter):
            bounds = [evaluate(arg, env) for arg in statement.iter.args]
            if not all(isinstance(b, int | np.integer) for b in bounds) or len(range(*bounds)) > MAX_STEPS:
                raise Unsupported("range")
            for number in range(*bounds):
                env[statement.target.id] = number
                returned = _run(statement.body, env, owned, steps)
                if returned is not _NOTHING:
                    return returned
        elif isinstance(statement, ast.Expr):
            continue
        else:
            raise Unsupported(type(statement).__name__)
    return _NOTHING


def _is_range(node):
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range" and \
        1 <= len(node.args) <= 3 and not node.keywords


def _store(target, value, env, owned):
    if isinstance(target, ast.Name):
        env[target.id] = value
        if isinstance(value, np.ndarray):
            owned.discard(id(value))  # a value bound by name may be the scope's own: copied before it is written
        return
    if not (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
            and isinstance(env.get(target.value.id), np.ndarray | list)):
        raise Unsupported("assignment")
    base = env[target.value.id]
    if id(base) not in owned:
        base = base.copy()
        env[target.value.id] = base
        owned.add(id(base))
    index = _index(target.slice, env) if isinstance(base, np.ndarray) else _eval(target.slice, env)
    if isinstance(base, np.ndarray):
        _index_fits(base, index)
    try:
        base[index] = value
    except (TypeError, ValueError, IndexError) as e:
        raise Unsupported("assignment") from e


def advance(statement, env):
    """Run one statement in ``env`` itself (its arrays copied before they are written into); errors propagate."""
    _run([statement], env, set(), [MAX_STEPS])
