"""The slip search: the smallest edit of the learner's own line that makes its value right, and where it is.

An error model of rewrite rules, as in Singh, Gulwani and Solar-Lezama, "Automated feedback generation for
introductory programming assignments" (PLDI 2013): each rule changes one place of the learner's expression the way
learners slip (``RULES``: an operator swapped, a .T added or dropped, a factor or a term too many or too few, a
variable of the wrong layer or kind, an axis, keepdims, a sum, brackets, a function twice or left out, log10 for log,
a square, an argument halved, an index 0 <-> 1, a sign, a literal). Each candidate is evaluated on the tiny problem the
line ran on by ``evaluate``, a small interpreter of NumPy expressions (names of the scope, numbers, arithmetic and a
list of NumPy functions), so nothing the learner wrote runs here: the grader calls it outside its sandbox. What it
evaluates is bounded before it is made (MAX_ENTRIES, MAX_WORK), never writes into the scope (read-only copies, no
``out=``), and a search stops at its budget or its deadline. Whether a
candidate is right is the judge's test against the reference (numerical gradients), so no solution line is needed.

The search tries every single edit first (the rules in ``RULES`` order), then pairs where the line is short; the
candidates evaluated are counted against a ``Budget`` shared by a cell's lines, so a check answers at once.
"""

import ast
import difflib
import math
import re
import time
from dataclasses import dataclass

import numpy as np

MAX_ENTRIES = 1_000_000  # an intermediate value with more entries is refused before it is made
MAX_WORK = 10_000_000  # the multiply-adds one matrix product may take (the tiny problem's take 5,000 at most)
SEARCH_SECONDS = 10.0  # a search stops here whatever is left of its budget (a right one takes under a second)
SHORT = 14  # a line of at most this many expression nodes is searched for pairs of edits too
LINE_BUDGET = 4_000  # candidates evaluated for one line (a check searches one line: it answers well under a second)


class Unsupported(Exception):
    """An expression the interpreter does not evaluate (a name it does not know, a call outside its list)."""


class UnknownName(Unsupported):
    """A name the scope does not have (a misspelt one, perhaps)."""


class Budget:
    """How many candidates a line's search may still evaluate, and until when (a backstop against a line built to
    be slow: each step's size and work are capped, this caps their number)."""

    def __init__(self, left=LINE_BUDGET):
        self.left = left
        self.deadline = time.monotonic() + SEARCH_SECONDS

    def spend(self):
        self.left -= 1
        if time.monotonic() > self.deadline:
            self.left = -1
        return self.left >= 0


# --------------------------------------------------------------------------------------
# The interpreter
# --------------------------------------------------------------------------------------

NP_FUNCTIONS = {"exp", "log", "log10", "log2", "log1p", "expm1", "tanh", "sqrt", "abs", "sum", "mean", "max", "min",
                "dot", "matmul", "transpose", "maximum", "minimum", "clip", "multiply", "divide", "add", "subtract",
                "square", "reshape", "asarray", "array", "negative", "cosh", "sinh", "where", "logaddexp",
                "tile", "repeat", "argmax", "outer", "ones_like", "zeros_like", "float32", "float64", "power",
                "ones", "zeros", "full", "eye", "squeeze", "expand_dims", "broadcast_to", "copy"}
METHODS = {"sum", "mean", "max", "min", "dot", "reshape", "argmax", "astype", "copy", "transpose", "clip", "squeeze",
           "ravel", "flatten"}
BUILTINS = {"float": float, "int": int, "len": len, "list": list, "abs": abs, "tuple": tuple, "max": max, "min": min}
_BINARY = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.true_divide,
           ast.MatMult: np.matmul, ast.Pow: np.power}


def _checked(value):
    if isinstance(value, np.ndarray) and value.size > MAX_ENTRIES:
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
         "broadcast_to": lambda a, k: _size_of(a[1] if len(a) > 1 else k["shape"])}
_REFUSED_KEYWORDS = {"out", "where", "like", "subok", "casting", "order"}  # out= would write into the scope's arrays


def evaluate(node, env):
    """The value of an expression node, with the names of ``env`` (arrays, numbers and the functions it holds)."""
    with np.errstate(all="ignore"):
        return _checked(_eval(node, env))


def _eval(node, env):  # one branch per kind of node, read top to bottom
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool | int | float) or node.value is None:
            return node.value
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
        return _checked(value[_index(node.slice, env)])
    if isinstance(node, ast.Tuple | ast.List):
        items = [_eval(element, env) for element in node.elts]
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
        else:
            _shapes_fit(*args, *kwargs.values())
    except (TypeError, ValueError, KeyError, IndexError, OverflowError) as e:
        raise Unsupported(name) from e
    allowed = any(func is value for value in (*env.values(), *BUILTINS.values(), np.float32, np.float64)) or \
        isinstance(func, np.ufunc) or getattr(func, "__module__", None) == "numpy" or \
        isinstance(getattr(func, "__self__", None), np.ndarray | np.generic)
    if not callable(func) or not allowed:
        raise Unsupported(name)
    return _checked(func(*args, **kwargs))


def run_block(statements, env, name):
    """Run a block of simple statements (``x = ...``, ``x += ...``, ``shp[i] = ...``, ``return ...``) in a copy of
    env; the value it leaves in ``name`` (or returns)."""
    env = dict(env)
    for statement in statements:
        if isinstance(statement, ast.Return):
            return evaluate(statement.value, env) if statement.value is not None else None
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            value = evaluate(statement.value, env)
            target = statement.targets[0]
            if isinstance(target, ast.Name):
                env[target.id] = value
            elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) \
                    and isinstance(env.get(target.value.id), list):
                env[target.value.id][_eval(target.slice, env)] = value
            else:
                raise Unsupported("assignment")
        elif isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
            env[statement.target.id] = evaluate(ast.BinOp(ast.Name(statement.target.id, ast.Load()), statement.op,
                                                          statement.value), env)
        elif isinstance(statement, ast.Expr):
            continue
        else:
            raise Unsupported(type(statement).__name__)
    if name not in env:
        raise Unsupported("never assigned")
    return env[name]


# --------------------------------------------------------------------------------------
# The error model
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slip:
    """One edit of the learner's line: its kind (a key of ``KINDS``), the learner's part it changes (``part``, their
    own text), what that part becomes (``fixed``), and for some kinds a word more (``what``: the operator, the factor
    or the name it stands for)."""

    kind: str
    part: str
    fixed: str
    what: str = ""
    op: str = ""  # the operator of a factor or term: *, /, @, + or -
    shape: tuple = ()  # the shape the learner's part makes, on the tiny problem


OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.MatMult: "@", ast.Pow: "**"}
_SWAPS = {ast.MatMult: (ast.Mult, ast.Div), ast.Mult: (ast.MatMult, ast.Div, ast.Add), ast.Div: (ast.Mult, ast.MatMult),
          ast.Add: (ast.Sub, ast.Mult), ast.Sub: (ast.Add, ast.Mult), ast.Pow: (ast.Mult,)}
FUNCTION_FAMILIES = (("sigmoid", "dsigmoid_du", "softmax", "tanh"), ("log", "log10", "log2", "exp"),
                     ("sum", "mean", "max"), ("inference",))
_WRAPPERS = ("sigmoid", "dsigmoid_du", "softmax", "np.exp", "np.log")
_REDUCTIONS = {"sum", "mean", "max", "min", "argmax"}
ATTRIBUTES = ("T", "shape", *sorted(METHODS))  # what a learner's array attribute may be
KEYWORDS = ("axis", "keepdims", "reduce_axis")  # the keywords a learner's calls take


def _parent_map(tree):
    return {id(child): (node, field, index) for node in ast.walk(tree)
            for field, value in ast.iter_fields(node)
            for index, child in ([(None, value)] if isinstance(value, ast.AST) else
                                 enumerate(value) if isinstance(value, list) else [])
            if isinstance(child, ast.expr)}


def _set(parent, field, index, node):
    if index is None:
        setattr(parent, field, node)
    else:
        getattr(parent, field)[index] = node


def _call_name(node):
    if not isinstance(node, ast.Call):
        return ""
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _text(node):
    return ast.unparse(node)


def _is_method(node):
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
        not (isinstance(node.func.value, ast.Name) and node.func.value.id == "np")


def _reduction_keywords(node):
    return {k.arg: k for k in node.keywords}


class Search:
    """The candidates of one block: ``statements`` (the learner's, parsed), the scope ``env`` and ``name``, the
    value the block must leave. ``vocabulary``: names (and calls) a factor or a term left out may be."""

    def __init__(self, statements, env, name, source, vocabulary, literals, budget):
        self.statements, self.env, self.name, self.source = statements, env, name, source
        self.vocabulary, self.literals, self.budget = vocabulary, literals, budget
        self.values = {}
        self.also = []  # [(env, is_right)]: other probes a fix must be right on too

    def value(self):
        return run_block(self.statements, self.env, self.name)

    def record(self):
        """The value of every expression node of the learner's block, as it ran (for the rules that need shapes)."""
        env = dict(self.env)
        for statement in self.statements:
            for node in ast.walk(statement):
                if isinstance(node, ast.expr) and not isinstance(node.ctx if hasattr(node, "ctx") else None, ast.Store):
                    try:
                        self.values[id(node)] = evaluate(node, env)
                    except Exception:  # a part that does not evaluate has no shape to go by
                        pass
            try:
                run_block([statement], env, "__none__")
            except Unsupported:
                pass
            except Exception:
                pass
            if isinstance(statement, ast.Assign) and isinstance(statement.targets[0], ast.Name):
                try:
                    env[statement.targets[0].id] = evaluate(statement.value, env)
                except Exception:
                    pass

    def _shape(self, node):
        value = self.values.get(id(node))
        return np.shape(value) if isinstance(value, np.ndarray | np.generic | int | float) else None

    def sites(self):
        """Every expression node of the block's right-hand sides, with where it sits."""
        roots = [s for s in self.statements if isinstance(s, ast.Assign | ast.AugAssign | ast.Return) and s.value]
        parents = {}
        for statement in roots:
            parents.update(_parent_map(statement))
        for statement in roots:
            spine = set(self._spine(statement.value))
            for node in ast.walk(statement.value):
                if isinstance(node, ast.expr) and id(node) in parents:
                    yield node, parents[id(node)], id(node) in spine

    def _spine(self, node, depth=0):
        """The nodes a factor or a term may be missing at: the expression, its operands down the arithmetic, and
        what a sign or a sum (np.sum(...), -...) holds."""
        yield id(node)
        if depth >= 3:
            return
        if isinstance(node, ast.BinOp):
            yield from self._spine(node.left, depth + 1)
            yield from self._spine(node.right, depth + 1)
        elif isinstance(node, ast.UnaryOp):
            yield from self._spine(node.operand, depth + 1)
        elif _call_name(node) in _REDUCTIONS and node.args and not _is_method(node):
            yield from self._spine(node.args[0], depth + 1)

    def edits(self, node, spine):
        """(replacement node, Slip) for each single edit at ``node``: every rule, each a generator of its own (the
        order they are tried in is RANK's)."""
        part = (ast.get_source_segment(self.source, node) if hasattr(node, "lineno") else None) or _text(node)
        for rule in (self._operators, self._transposes, self._names, self._signs, self._factors_and_terms,
                     self._reductions, self._keywords, self._functions, self._brackets, self._powers_and_indices,
                     self._literals, self._intermediates):
            yield from rule(node, part)
        if spine:
            yield from self._insertions(node, part)

    @staticmethod
    def _operators(node, part):
        if isinstance(node, ast.BinOp) and type(node.op) in _SWAPS:
            for other in _SWAPS[type(node.op)]:
                if other in (ast.Mult, ast.Div) and any(isinstance(side, ast.Constant) and side.value == 1
                                                        for side in (node.left, node.right)):
                    continue  # 1 * x is x: a term dropped in disguise, not an operator slip
                swapped = ast.BinOp(node.left, other(), node.right)
                yield swapped, Slip("operator", part, _text(swapped), OPERATORS[type(node.op)] + OPERATORS[other])
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub | ast.Div | ast.MatMult):
            swapped = ast.BinOp(node.right, node.op, node.left)
            yield swapped, Slip("order", part, _text(swapped))

    def _transposes(self, node, part):
        if isinstance(node, ast.Attribute) and node.attr == "T":
            yield node.value, Slip("transpose extra", part, _text(node.value))
        elif self._shape(node) is not None and len(self._shape(node)) == 2 and not isinstance(node, ast.Constant):
            transposed = ast.Attribute(node, "T", ast.Load())
            yield transposed, Slip("transpose missing", part, _text(transposed))

    def _names(self, node, part):
        if isinstance(node, ast.Attribute) and node.attr not in ATTRIBUTES and \
                not (isinstance(node.value, ast.Name) and node.value.id == "np"):
            for other in [a for a in ATTRIBUTES if a.lower() == node.attr.lower()] or \
                    difflib.get_close_matches(node.attr, ATTRIBUTES, 1, 0.75):
                yield ast.Attribute(node.value, other, ast.Load()), Slip("spelling", part, other, node.attr)
        if isinstance(node, ast.Name) and node.id in self.env and not callable(self.env[node.id]):
            for other, near in _near_names(node.id, self.env):
                yield ast.Name(other, ast.Load()), Slip("name" if near else "other name", part, other, node.id)
        if isinstance(node, ast.Name) and node.id not in self.env and node.id != "np":
            for other in difflib.get_close_matches(node.id, [n for n in self.env if not n.startswith("_")], 3, 0.6):
                yield ast.Name(other, ast.Load()), Slip("spelling", part, other, node.id)

    @staticmethod
    def _signs(node, part):
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            yield node.operand, Slip("sign", part, _text(node.operand))
        elif not isinstance(node, ast.Constant):
            yield ast.UnaryOp(ast.USub(), node), Slip("sign", part, _text(ast.UnaryOp(ast.USub(), node)))

    @staticmethod
    def _factors_and_terms(node, part):
        """A factor or a term one too many: the product or the sum without it."""
        if not isinstance(node, ast.BinOp) or not isinstance(node.op, ast.Mult | ast.Div | ast.MatMult | ast.Add |
                                                             ast.Sub):
            return
        op, kind = OPERATORS[type(node.op)], "extra term" if isinstance(node.op, ast.Add | ast.Sub) else "extra factor"
        yield node.left, Slip(kind, part, _text(node.left), _text(node.right), op)
        if isinstance(node.op, ast.Mult | ast.MatMult | ast.Add):
            yield node.right, Slip(kind, part, _text(node.right), _text(node.left), op)
        if isinstance(node.op, ast.Sub) and isinstance(node.left, ast.Constant):  # log(1 - Y) for log(Y)
            yield node.right, Slip("extra constant", part, _text(node.right), _text(node.left), op)

    def _keywords(self, node, part):
        """A keyword misspelt, an axis keyword flipped, softmax's division by the sum left out."""
        if not isinstance(node, ast.Call):
            return
        for keyword in node.keywords:
            close = difflib.get_close_matches(keyword.arg or "", KEYWORDS, 1, 0.6)
            if keyword.arg not in KEYWORDS and close:
                yield self._keyword_renamed(node, keyword, close[0]), Slip("spelling", part, close[0], keyword.arg)
            if _call_name(node) not in _REDUCTIONS and "axis" in (keyword.arg or "") and \
                    isinstance(keyword.value, ast.Constant) and keyword.value.value in (0, 1):
                yield self._keyword(node, keyword.arg, 1 - keyword.value.value), Slip(
                    "axis", part, "", str(keyword.value.value), shape=(keyword.arg,))
        if _call_name(node) == "exp" and "reduce_axis" in self.env:
            total = ast.Call(ast.Attribute(node, "sum", ast.Load()), [],
                             [ast.keyword("axis", ast.Name("reduce_axis", ast.Load())),
                              ast.keyword("keepdims", ast.Constant(True))])
            yield ast.BinOp(node, ast.Div(), total), Slip("normalise missing", part, "")

    @staticmethod
    def _powers_and_indices(node, part):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            yield node.left, Slip("square extra", part, _text(node.left))
        if isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Constant):
            yield node.value, Slip("slice extra", part, _text(node.value))
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value in (0, 1):
            other = ast.Subscript(node.value, ast.Constant(1 - node.slice.value), ast.Load())
            yield other, Slip("index", part, _text(other), str(node.slice.value))

    def _literals(self, node, part):
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
            for setting, value in self.literals.items():
                if value != node.value:
                    yield ast.Constant(value), Slip("literal", part, repr(value), setting)

    def _intermediates(self, node, part):
        """A product or a call where a variable computed above, of its shape, belongs (an intermediate quantity)."""
        if isinstance(node, ast.BinOp | ast.Call) and self._shape(node) is not None and len(self._shape(node)) == 2:
            for other, value in self.env.items():
                if isinstance(value, np.ndarray) and value.shape == self._shape(node) and other not in part:
                    yield ast.Name(other, ast.Load()), Slip("intermediate", part, other)

    def _reductions(self, node, part):
        name = _call_name(node)
        if name in _REDUCTIONS:
            keywords = _reduction_keywords(node)
            axis = keywords.get("axis")
            positional = [a for a in node.args[(0 if _is_method(node) else 1):] if isinstance(a, ast.Constant)]
            if axis is not None and isinstance(axis.value, ast.Constant) and axis.value.value in (0, 1):
                yield self._keyword(node, "axis", 1 - axis.value.value), Slip("axis", part, "", str(axis.value.value))
            elif positional and positional[0].value in (0, 1):
                changed = ast.Call(node.func, [a if a is not positional[0] else ast.Constant(1 - a.value)
                                               for a in node.args], node.keywords)
                yield changed, Slip("axis", part, _text(changed), str(positional[0].value))
            elif axis is None and not positional:
                for value in (1, 0, *(["reduce_axis"] if "reduce_axis" in self.env else [])):
                    yield self._keyword(node, "axis", value, keepdims=True), Slip("sum everything", part, "")
            if "keepdims" not in keywords:
                yield self._keyword(node, "keepdims", True), Slip("keepdims", part, "", shape=self._shape(node) or ())
            inner = node.func.value if _is_method(node) else (node.args[0] if node.args else None)
            if inner is not None:
                yield inner, Slip("sum extra", part, _text(inner), name)
        elif isinstance(node, ast.Name | ast.BinOp | ast.Call) and self._shape(node) is not None \
                and len(self._shape(node)) == 2:
            for axis in (1, 0):
                keywords = [ast.keyword("axis", ast.Constant(axis)), ast.keyword("keepdims", ast.Constant(True))]
                summed = ast.Call(ast.Attribute(node, "sum", ast.Load()), [], keywords)
                yield summed, Slip("sum missing", part, _text(summed), str(axis))

    @staticmethod
    def _keyword_renamed(node, keyword, name):
        return ast.Call(node.func, node.args, [ast.keyword(name, k.value) if k is keyword else k
                                                for k in node.keywords])

    @staticmethod
    def _keyword(node, key, value, keepdims=False):
        keywords = [k for k in node.keywords if k.arg != key and not (keepdims and k.arg == "keepdims")]
        value = ast.Name(value, ast.Load()) if isinstance(value, str) else ast.Constant(value)  # reduce_axis, or 0 / 1
        keywords.append(ast.keyword(key, value))
        if keepdims:
            keywords.append(ast.keyword("keepdims", ast.Constant(True)))
        return ast.Call(node.func, node.args, keywords)

    def _functions(self, node, part):
        name = _call_name(node)
        if name and node.args and _call_name(node.args[0]) == name:
            yield node.args[0], Slip("function twice", part, _text(node.args[0]), name)
        if name and node.args and name not in _REDUCTIONS and name not in ("dot", "matmul") \
                and not _is_method(node) and len(node.args) == 1:
            yield node.args[0], Slip("function extra", part, _text(node.args[0]), name)
        for family in FUNCTION_FAMILIES:
            if name in family:
                for other in family:
                    if other != name and self._function(node, other) is not None:
                        changed = ast.Call(self._function(node, other), node.args, node.keywords)
                        yield changed, Slip("function", part, _text(changed), name + ">" + other)
        if name in ("tanh", "sigmoid", "exp") and node.args:
            for scaled in (ast.BinOp(node.args[0], ast.Div(), ast.Constant(2)),
                           ast.BinOp(ast.Constant(2), ast.Mult(), node.args[0])):
                changed = ast.Call(node.func, [scaled], node.keywords)
                yield changed, Slip("argument scale", part, _text(changed), name)
        if not isinstance(node, ast.Constant) and self._shape(node) is not None:
            for wrapper in _WRAPPERS:
                function = ast.parse(wrapper, mode="eval").body
                if wrapper.split(".")[-1] != name and (wrapper.startswith("np.") or wrapper in self.env):
                    yield ast.Call(function, [node], []), Slip("function missing", part, f"{wrapper}({_text(node)})",
                                                               wrapper)
            if isinstance(node, ast.Name | ast.Call | ast.BinOp):
                squared = ast.BinOp(node, ast.Pow(), ast.Constant(2))
                yield squared, Slip("square missing", part, _text(squared))

    def _function(self, node, other):
        func = node.func
        if other in self.env and callable(self.env[other]):
            return ast.Name(other, ast.Load())
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "np":
            return ast.Attribute(func.value, other, ast.Load()) if other in NP_FUNCTIONS else None
        if isinstance(func, ast.Attribute):
            return ast.Attribute(func.value, other, ast.Load()) if other in METHODS else None
        if other in self.env:
            return ast.Name(other, ast.Load())
        return ast.Attribute(ast.Name("np", ast.Load()), other, ast.Load()) if other in NP_FUNCTIONS else None

    @staticmethod
    def _brackets(node, part):
        if isinstance(node, ast.BinOp) and isinstance(node.left, ast.BinOp):
            inner = node.left
            moved = ast.BinOp(inner.left, inner.op, ast.BinOp(inner.right, node.op, node.right))
            yield moved, Slip("brackets", part, _text(moved))
        if isinstance(node, ast.BinOp) and isinstance(node.right, ast.BinOp):
            inner = node.right
            moved = ast.BinOp(ast.BinOp(node.left, node.op, inner.left), inner.op, inner.right)
            yield moved, Slip("brackets", part, _text(moved))

    def _insertions(self, node, part):
        shape = self._shape(node)
        if shape is None:
            return
        for factor in self.vocabulary:
            factor_node = ast.parse(factor, mode="eval").body if isinstance(factor, str) else factor
            try:
                value = evaluate(factor_node, self.env)
            except Exception:  # a word of the vocabulary this cell does not have
                continue
            factor_shape, text = np.shape(value), _text(factor_node)
            if re.search(rf"(?<![\w.]){re.escape(text)}(?!\w)", _text(node)):
                continue
            if _broadcasts(shape, factor_shape):
                for op in (ast.Mult(), ast.Div()):
                    if isinstance(op, ast.Div) and factor_shape != ():
                        continue
                    new = ast.BinOp(node, op, factor_node)
                    yield new, Slip("missing factor", part, _text(new), text, OPERATORS[type(op)])
                if factor_shape == shape or factor_shape == () or len(factor_shape) == 2:
                    for op in (ast.Add(), ast.Sub()):
                        if factor_shape == ():
                            continue
                        new = ast.BinOp(node, op, factor_node)
                        yield new, Slip("missing term", part, _text(new), text, OPERATORS[type(op)])
            if len(shape) == 2 and len(factor_shape) == 2:
                if factor_shape[1] == shape[0]:
                    yield ast.BinOp(factor_node, ast.MatMult(), node), Slip("missing factor", part,
                                                                            f"{text} @ {part}", text, "@")
                if factor_shape[0] == shape[1]:
                    yield ast.BinOp(node, ast.MatMult(), factor_node), Slip("missing factor", part,
                                                                            f"{part} @ {text}", text, "@")

    def run(self, is_right):
        """The first Slip (or pair of Slips) whose edit makes ``is_right(value)`` true, or None."""
        self.record()
        whole = self._line_twice(is_right) or self._axis_fixed(is_right)
        if whole:
            return whole
        singles = sorted(self._candidates(), key=lambda c: (RANK.index(c[5].kind), len(c[5].fixed) > len(c[5].part)))
        for parent, field, index, node, new, slip in singles:
            if self._try(parent, field, index, node, new, is_right):
                return (slip,)
        swapped = self._names_swapped(is_right)  # two names each in the other's place: one slip, found after singles
        if swapped:
            return swapped
        nodes = max(sum(isinstance(n, ast.expr) for n in ast.walk(s)) for s in self.statements)
        if nodes > SHORT:
            return None
        pairable = [c for c in singles if c[5].kind not in NOT_IN_PAIRS]
        for brackets in (False, True):  # pairs that move no bracket first: a re-association frees too much
            found = self._pairs(pairable, brackets, is_right)
            if found or self.budget.left <= 0:
                return found
        return None

    def _pairs(self, singles, brackets, is_right):
        """The first pair of edits that makes the block right: with a bracket moved in one of them or in neither."""
        for parent, field, index, node, new, slip in singles:
            _set(parent, field, index, new)
            try:
                seconds = sorted(self._candidates(first=slip), key=lambda c: RANK.index(c[5].kind))
                for parent2, field2, index2, node2, new2, slip2 in seconds:
                    if slip2.kind in NOT_IN_PAIRS or slip.kind == slip2.kind in ("operator", "brackets"):
                        continue  # two operators, or two brackets, changed rewrite the formula: not two slips
                    if ("brackets" in (slip.kind, slip2.kind)) != brackets:
                        continue
                    if self._try(parent2, field2, index2, node2, new2, is_right, degenerate_ok=False):
                        return (slip, slip2)
                    if self.budget.left <= 0:
                        return None
            finally:
                _set(parent, field, index, node)
        return None

    def _names_swapped(self, is_right):
        """Two variables of the block written each in the other's place (D and Y in the cross-entropy)."""
        names = [n for n in dict.fromkeys(node.id for statement in self.statements for node in ast.walk(statement)
                                          if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load))
                 if isinstance(self.env.get(n), np.ndarray)]
        for i, first in enumerate(names):
            for second in names[i + 1:]:
                nodes = [node for statement in self.statements for node in ast.walk(statement)
                         if isinstance(node, ast.Name) and node.id in (first, second)]
                for node in nodes:
                    node.id = second if node.id == first else first
                try:
                    right = self.budget.spend() and is_right(run_block(self.statements, self.env, self.name)) and \
                        all(check(run_block(self.statements, env, self.name)) for env, check in self.also)
                except Exception:  # not right this way either
                    right = False
                finally:
                    for node in nodes:
                        node.id = second if node.id == first else first
                if right:
                    return (Slip("names swapped", f"{first}", second, first),)
        return None

    def _degenerate(self):
        """A block two edits turned into something times or over 1: the formula rewritten, not two slips mended."""
        return any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Mult | ast.Div) and
                   any(isinstance(side, ast.Constant) and side.value == 1 for side in (n.left, n.right))
                   for statement in self.statements for n in ast.walk(statement))

    def _line_twice(self, is_right):
        """A statement written twice in a row (an update made twice): the block without the second one."""
        for number in range(1, len(self.statements)):
            if ast.dump(self.statements[number]) == ast.dump(self.statements[number - 1]):
                rest = self.statements[:number] + self.statements[number + 1:]
                try:
                    if self.budget.spend() and is_right(run_block(rest, self.env, self.name)):
                        text = _text(self.statements[number])
                        return (Slip("line twice", text, ""),)
                except Exception:  # the block without it still does not evaluate: not this slip
                    return None
        return None

    def _axis_fixed(self, is_right):
        """Every axis written as a number where the function has reduce_axis: all of them reduce_axis at once."""
        if "reduce_axis" not in self.env:
            return None
        fixed = [k for s in self.statements for k in ast.walk(s) if isinstance(k, ast.keyword) and k.arg == "axis"
                 and isinstance(k.value, ast.Constant)]
        if not fixed:
            return None
        numbers = [k.value for k in fixed]
        for k in fixed:
            k.value = ast.Name("reduce_axis", ast.Load())
        try:
            right = self.budget.spend() and is_right(run_block(self.statements, self.env, self.name))
        except Exception:  # not right this way either
            right = False
        finally:
            for k, number in zip(fixed, numbers, strict=True):
                k.value = number
        return (Slip("axis fixed", f"axis={numbers[0].value}", "axis=reduce_axis", str(numbers[0].value)),) \
            if right else None

    def _candidates(self, first=None):
        for node, (parent, field, index), spine in list(self.sites()):
            if first is not None and id(node) not in self.values:
                continue  # the second edit stays on the learner's own parts
            for new, slip in self.edits(node, spine and first is None):
                yield parent, field, index, node, new, slip

    def _try(self, parent, field, index, node, new, is_right, degenerate_ok=True):
        if not self.budget.spend():
            return False
        _set(parent, field, index, new)
        try:
            if not degenerate_ok and self._degenerate():
                return False
            if not is_right(run_block(self.statements, self.env, self.name)):
                return False
            # right on every other probe too: one number alone matches by chance (a loss is a single number)
            return all(right(run_block(self.statements, env, self.name)) for env, right in self.also)
        except Exception:  # a candidate that does not evaluate is simply not a fix
            return False
        finally:
            _set(parent, field, index, node)


# The order single edits are tried in: the edits that change least first, insertions (the most numerous) last.
RANK = ("operator", "transpose extra", "name", "spelling", "function", "axis", "keepdims", "sign", "order", "index",
        "literal", "function twice", "sum extra", "sum everything", "slice extra", "extra factor", "extra term",
        "extra constant",
        "brackets", "function extra",
        "argument scale", "square extra", "square missing", "transpose missing", "other name", "sum missing",
        "function missing",
        "intermediate", "normalise missing", "missing factor", "missing term")


NOT_IN_PAIRS = ("missing factor", "missing term", "intermediate", "literal", "extra constant")  # too many, too free


def _frozen(value):
    """A read-only copy of an array of the scope (the reference's arrays are cached and shared)."""
    if isinstance(value, np.ndarray):
        value = value.copy()
        value.setflags(write=False)
    return value


def _brackets_fixed(text, env, name, is_right, budget):
    """A line that is not Python because a bracket is missing or one too many, and right once that is mended."""
    for fixed, what in ((text + ")", "("), (text + "))", "(("), (text[:-1], ")")):
        try:
            statements = ast.parse(fixed).body
            if budget.spend() and is_right(run_block(statements, env, name)):
                return (Slip("bracket", text, fixed, what),)
        except Exception:  # still not Python, or not right: not this slip
            continue
    return None


def _broadcasts(a, b):
    try:
        np.broadcast_shapes(a, b)
        return np.broadcast_shapes(a, b) == tuple(a)
    except ValueError:
        return False


def _near_names(name, env):
    """Names a learner mixes up with ``name``: another layer's (2 <-> 3), before or after the activation (U <-> Z),
    upper or lower case (Y_hat <-> y_hat), another set (test / valid / train), or any other array of the scope."""
    near = []
    swaps = [("2", "3"), ("3", "2"), ("U", "Z"), ("Z", "U"), ("test", "valid"), ("test", "train"), ("valid", "test"),
             ("train", "test"), ("Delta", "dLdb"), ("dLdW", "dLdb"), ("dLdb", "dLdW"), ("dLdb", "Delta")]
    for old, new in swaps:
        if old in name and name.replace(old, new) in env:
            near.append(name.replace(old, new))
    for other in (name.swapcase()[:1] + name[1:], name.lower(), name.upper()):
        if other != name and other in env:
            near.append(other)
    rest = sorted(n for n, v in env.items() if isinstance(v, np.ndarray) and n != name and n not in near
                  and not n.startswith("_"))
    return [(n, True) for n in dict.fromkeys(near)] + [(n, False) for n in rest]


def search(source, env, name, is_right, vocabulary=(), literals=None, budget=None, also=()):
    """The slips of the smallest edit of ``source`` (the learner's block) that leaves a right value in ``name``:
    a tuple of one or two ``Slip``, or None where no edit within reach fits or the block is beyond the interpreter.

    ``env``: the scope the block ran in, on the tiny problem; ``is_right(value)``: the judge's test;
    ``vocabulary``: factors and terms a learner may leave out; ``literals``: {setting: value} a number may stand for;
    ``also``: [(env, is_right)] of other probes a fix must be right on as well.
    """
    env = {key: _frozen(value) for key, value in env.items()}  # nothing evaluated may change the caller's arrays
    also = [({key: _frozen(value) for key, value in other.items()}, right) for other, right in also]
    text = "\n".join(line.strip() for line in source.split("\n"))
    try:
        statements = ast.parse(text).body
    except SyntaxError:
        return _brackets_fixed(text, env, name, is_right, budget or Budget())
    if not statements:
        return None
    finder = Search(statements, env, name, text, tuple(vocabulary), literals or {}, budget or Budget())
    finder.also = list(also)
    try:
        if is_right(finder.value()):
            return None  # the line, read here, is right: what it made differs for another reason (no slip of its text)
    except UnknownName:
        pass  # a misspelt name: the spelling rule may find it
    except Unsupported:
        return None
    except Exception:  # the learner's line raises on the tiny problem: an edit may still fix it
        pass
    return finder.run(is_right)
