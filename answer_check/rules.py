"""The slip search's rules, the error model (Singh, Gulwani and Solar-Lezama, PLDI 2013): each rule one ``Rule``,
held in one place. Its pattern is a generator of the edits learners make at one node of their own expression (the
replacement node, and the ``Slip`` that names it); its rank is its place in ``RULES``, the order the rules are
written in below (the edits that change least first); its words are its kind's row of ``SLIP_WORDS`` in
``words.txt`` (or a sayer of ``words.py``), read when the rule is made, so a kind without words fails at import.
To add one: a function decorated with ``@rule(kind)`` at its rank, its words, and a line that makes it in
``tests/mistakes.py`` (``tests/test_rules.py`` fails on a kind no line makes); then ``python -m scripts.make_exercise``.
"""

import ast
import difflib
import re
from dataclasses import dataclass

import numpy as np

from . import words
from .interpret import METHODS, NP_FUNCTIONS, evaluate
from .names import function_of, near_names
from .syntax import Slip, transposed, with_keyword
from .syntax import call_name as _call_name
from .syntax import is_method as _is_method
from .syntax import text as _text

OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.MatMult: "@", ast.Pow: "**"}
_SWAPS = {ast.MatMult: (ast.Mult, ast.Div), ast.Mult: (ast.MatMult, ast.Div, ast.Add), ast.Div: (ast.Mult, ast.MatMult),
          ast.Add: (ast.Sub, ast.Mult), ast.Sub: (ast.Add, ast.Mult), ast.Pow: (ast.Mult,)}
FUNCTION_FAMILIES = (("sigmoid", "dsigmoid_du", "softmax", "tanh"), ("log", "log10", "log2", "exp"),
                     ("sum", "mean", "max"), ("inference",))
_WRAPPERS = ("sigmoid", "dsigmoid_du", "softmax", "np.exp", "np.log")
_REDUCTIONS = {"sum", "mean", "max", "min", "argmax"}
ATTRIBUTES = ("T", "shape", *sorted(METHODS))  # what a learner's array attribute may be
KEYWORDS = ("axis", "keepdims", "reduce_axis")  # the keywords a learner's calls take


@dataclass(frozen=True)
class Rule:
    """One rule: its ``kind``, its pattern (``edits``: a generator of (node, Slip) at one node), whether it may be one
    of a pair of edits (``pairs``: a free one would pair with anything), whether it inserts only where a factor or a
    term may be missing (``spine``), and its ``words`` (slip -> (ja, en)), a KeyError naming the row where none."""

    kind: str
    edits: object
    pairs: bool = True
    spine: bool = False
    words: object = None

    def __post_init__(self):
        object.__setattr__(self, "words", words.slip_words(self.kind))


RULES = []  # in rank order: the order the rules are written in below


def rule(kind, pairs=True, spine=False):
    """Register the generator below it as the rule of ``kind``, ranked after every rule written above it."""
    def register(edits):
        RULES.append(Rule(kind, edits, pairs, spine))
        return edits
    return register


# ------------------- the rules, in rank order: each the one place of its kind (its words: words.txt) -------------

@rule("operator")
def _operator(rules, node, part):
    """An operator swapped for another: * for @, / for *, + for -."""
    if isinstance(node, ast.BinOp) and type(node.op) in _SWAPS:
        for other in _SWAPS[type(node.op)]:
            if other in (ast.Mult, ast.Div) and any(isinstance(side, ast.Constant) and side.value == 1
                                                    for side in (node.left, node.right)):
                continue  # 1 * x is x: a term dropped in disguise, not an operator slip
            swapped = ast.BinOp(node.left, other(), node.right)
            yield swapped, Slip("operator", part, _text(swapped), OPERATORS[type(node.op)] + OPERATORS[other])


@rule("transpose extra")
def _transpose_extra(rules, node, part):
    if isinstance(node, ast.Attribute) and node.attr == "T":
        yield node.value, Slip("transpose extra", part, _text(node.value))


@rule("name")
def _name(rules, node, part):
    """A name of another layer or kind (U_2 for Z_2, the 2 for the 3, Y_hat for y_hat, test for valid)."""
    if isinstance(node, ast.Name) and node.id in rules.env and not callable(rules.env[node.id]):
        for other, near in near_names(node.id, rules.env):
            if near:
                yield ast.Name(other, ast.Load()), Slip("name", part, other, node.id)


@rule("spelling")
def _spelling(rules, node, part):
    """A name, an attribute or a keyword misspelt."""
    if isinstance(node, ast.Attribute) and node.attr not in ATTRIBUTES and \
            not (isinstance(node.value, ast.Name) and node.value.id == "np"):
        for other in [a for a in ATTRIBUTES if a.lower() == node.attr.lower()] or \
                difflib.get_close_matches(node.attr, ATTRIBUTES, 1, 0.75):
            yield ast.Attribute(node.value, other, ast.Load()), Slip("spelling", part, other, node.attr)
    if isinstance(node, ast.Name) and node.id not in rules.env and node.id != "np":
        for other in difflib.get_close_matches(node.id, [n for n in rules.env if not n.startswith("_")], 3, 0.6):
            yield ast.Name(other, ast.Load()), Slip("spelling", part, other, node.id)
    if isinstance(node, ast.Call):
        for keyword in node.keywords:
            close = difflib.get_close_matches(keyword.arg or "", KEYWORDS, 1, 0.6)
            if keyword.arg not in KEYWORDS and close:
                renamed = ast.Call(node.func, node.args, [ast.keyword(close[0], k.value) if k is keyword else k
                                                          for k in node.keywords])
                yield renamed, Slip("spelling", part, close[0], keyword.arg)


@rule("function")
def _function(rules, node, part):
    """A function of the same family for another (sigmoid for softmax, mean for sum, log10 for log)."""
    name = _call_name(node)
    for family in FUNCTION_FAMILIES:
        if name in family:
            for other in family:
                if other != name and function_of(rules.env, node, other) is not None:
                    changed = ast.Call(function_of(rules.env, node, other), node.args, node.keywords)
                    yield changed, Slip("function", part, _text(changed), name + ">" + other)


@rule("axis")
def _axis(rules, node, part):
    """The other axis: axis=0 for 1, a positional axis, reduce_axis=0 for 1."""
    if not isinstance(node, ast.Call):
        return
    if _call_name(node) not in _REDUCTIONS:
        for place, arg in enumerate(node.args[1:], 1):  # softmax(U, 1): an axis given by its place
            if isinstance(arg, ast.Constant) and arg.value in (0, 1) and not isinstance(arg.value, bool):
                changed = ast.Call(node.func, [ast.Constant(1 - arg.value) if i == place else a
                                               for i, a in enumerate(node.args)], node.keywords)
                yield changed, Slip("axis", part, _text(changed), str(arg.value))
        for keyword in node.keywords:
            if "axis" in (keyword.arg or "") and isinstance(keyword.value, ast.Constant) and \
                    keyword.value.value in (0, 1):
                yield with_keyword(node, keyword.arg, 1 - keyword.value.value), Slip(
                    "axis", part, "", str(keyword.value.value), shape=(keyword.arg,))
        return
    axis = {k.arg: k for k in node.keywords}.get("axis")
    positional = [a for a in node.args[(0 if _is_method(node) else 1):] if isinstance(a, ast.Constant)]
    if axis is not None and isinstance(axis.value, ast.Constant) and axis.value.value in (0, 1):
        yield with_keyword(node, "axis", 1 - axis.value.value), Slip("axis", part, "", str(axis.value.value))
    elif axis is None and positional and positional[0].value in (0, 1):
        changed = ast.Call(node.func, [a if a is not positional[0] else ast.Constant(1 - a.value)
                                       for a in node.args], node.keywords)
        yield changed, Slip("axis", part, _text(changed), str(positional[0].value))


@rule("keepdims")
def _keepdims(rules, node, part):
    if _call_name(node) in _REDUCTIONS and "keepdims" not in {k.arg: k for k in node.keywords}:
        yield with_keyword(node, "keepdims", True), Slip("keepdims", part, "", shape=rules.shape(node) or ())


@rule("flattened")
def _flattened(rules, node, part):
    """.flatten(), .ravel(), .squeeze() or .reshape(-1): a column made one-dimensional."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
            (node.func.attr in ("flatten", "ravel", "squeeze") and not node.args) or
            (node.func.attr == "reshape" and len(node.args) == 1 and _text(node.args[0]) in ("-1", "(-1,)"))):
        yield node.func.value, Slip("flattened", part, _text(node.func.value), node.func.attr,
                                    shape=rules.shape(node) or ())


@rule("sign")
def _sign(rules, node, part):
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        yield node.operand, Slip("sign", part, _text(node.operand))
    elif not isinstance(node, ast.Constant):
        yield ast.UnaryOp(ast.USub(), node), Slip("sign", part, _text(ast.UnaryOp(ast.USub(), node)))


@rule("order")
def _order(rules, node, part):
    """The two sides of -, / or @ the wrong way round."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub | ast.Div | ast.MatMult):
        swapped = ast.BinOp(node.right, node.op, node.left)
        yield swapped, Slip("order", part, _text(swapped))


@rule("order transposed")
def _ordertransposed(rules, node, part):
    """A product's operands swapped along with their transposes: Delta @ W for W.T @ Delta."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
        swapped = ast.BinOp(transposed(node.right), ast.MatMult(), transposed(node.left))
        yield swapped, Slip("order transposed", part, _text(swapped))


@rule("derivative inside")
def _derivative_inside(rules, node, part):
    """sigma' at the other layer's U, multiplied in before the product: A @ (B * dsigmoid_du(U)) for (A @ B) * ..."""
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult) and isinstance(node.right, ast.BinOp)
            and isinstance(node.right.op, ast.Mult)):
        return
    inner = node.right
    for delta, derivative in ((inner.left, inner.right), (inner.right, inner.left)):
        if _call_name(derivative) == "dsigmoid_du" and len(derivative.args) == 1 and \
                isinstance(derivative.args[0], ast.Name) and derivative.args[0].id in rules.env:
            for other, near in near_names(derivative.args[0].id, rules.env):
                if near:
                    moved = ast.Call(derivative.func, [ast.Name(other, ast.Load())], [])
                    new = ast.BinOp(ast.BinOp(node.left, ast.MatMult(), delta), ast.Mult(), moved)
                    yield new, Slip("derivative inside", part, _text(new), derivative.args[0].id)


@rule("index")
def _index(rules, node, part):
    """shape[0] for shape[1], and the like."""
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value in (0, 1):
        other = ast.Subscript(node.value, ast.Constant(1 - node.slice.value), ast.Load())
        yield other, Slip("index", part, _text(other), str(node.slice.value))


@rule("loop index")
def _loop_index(rules, node, part):
    """A number where the loop's variable belongs: Delta_3[:, 0] for Delta_3[:, n] in a loop over n."""
    if isinstance(node, ast.Subscript):
        parts = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
        for place, index in enumerate(parts):
            if isinstance(index, ast.Constant) and isinstance(index.value, int):
                for name in dict.fromkeys(rules.loop_names()):
                    new = [ast.Name(name, ast.Load()) if i == place else p for i, p in enumerate(parts)]
                    sliced = ast.Tuple(new, ast.Load()) if isinstance(node.slice, ast.Tuple) else new[0]
                    changed = ast.Subscript(node.value, sliced, ast.Load())
                    yield changed, Slip("loop index", part, _text(changed), repr(index.value))


@rule("loop start")
def _loop_start(rules, node, part):
    """range(1, N) where range(N) belongs: the first example (the 0th) left out."""
    if _call_name(node) == "range" and len(node.args) == 2 and isinstance(node.args[0], ast.Constant) and \
            node.args[0].value == 1:
        changed = ast.Call(node.func, [node.args[1]], [])
        yield changed, Slip("loop start", part, _text(changed))


@rule("index order")
def _index_order(rules, node, part):
    """An array indexed with its row and column numbers the wrong way round: Y[np.arange(N), t] for Y[t, ...]."""
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Tuple) and len(node.slice.elts) == 2 and \
            not any(isinstance(e, ast.Slice) for e in node.slice.elts):
        first, second = node.slice.elts
        swapped = ast.Subscript(node.value, ast.Tuple([second, first], ast.Load()), ast.Load())
        yield swapped, Slip("index order", part, _text(swapped))


@rule("column index missing")
def _column_index_missing(rules, node, part):
    """Y[t] (whole rows) where one entry of each column belongs: Y[t, np.arange(N)], each example's probability."""
    if isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Tuple | ast.Slice | ast.Constant):
        matrix, rows = rules.values.get(id(node.value)), rules.values.get(id(node.slice))
        if isinstance(matrix, np.ndarray) and matrix.ndim == 2 and isinstance(rows, np.ndarray) and \
                rows.ndim == 1 and rows.dtype.kind in "iu" and len(rows) == matrix.shape[1]:
            columns = ast.parse(f"np.arange({_text(node.value)}.shape[1])", mode="eval").body
            indexed = ast.Subscript(node.value, ast.Tuple([node.slice, columns], ast.Load()), ast.Load())
            yield indexed, Slip("column index missing", part, _text(indexed))


@rule("literal", pairs=False)
def _literal(rules, node, part):
    """A number that is not this notebook's setting (the learning rate, the batch size)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
        for setting, value in rules.literals.items():
            if value != node.value:
                yield ast.Constant(value), Slip("literal", part, repr(value), setting)


@rule("function twice")
def _function_twice(rules, node, part):
    name = _call_name(node)
    if name and node.args and _call_name(node.args[0]) == name:
        yield node.args[0], Slip("function twice", part, _text(node.args[0]), name)


@rule("sum extra")
def _sum_extra(rules, node, part):
    inner = node.func.value if _is_method(node) else (node.args[0] if getattr(node, "args", None) else None)
    if _call_name(node) in _REDUCTIONS and inner is not None:
        yield inner, Slip("sum extra", part, _text(inner), _call_name(node))


@rule("sum everything")
def _sum_everything(rules, node, part):
    """A sum (or a max) with no axis: every entry, where one axis belongs."""
    if _call_name(node) in _REDUCTIONS and "axis" not in {k.arg: k for k in node.keywords} and \
            not any(isinstance(a, ast.Constant) for a in node.args[(0 if _is_method(node) else 1):]):
        for value in (1, 0, *(["reduce_axis"] if "reduce_axis" in rules.env else [])):
            yield with_keyword(node, "axis", value, keepdims=True), Slip("sum everything", part, "")


@rule("slice extra")
def _slice_extra(rules, node, part):
    if isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Constant):
        yield node.value, Slip("slice extra", part, _text(node.value))


@rule("extra factor")
def _extra_factor(rules, node, part):
    """A factor one too many: the product without it."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult | ast.Div | ast.MatMult):
        op = OPERATORS[type(node.op)]
        yield node.left, Slip("extra factor", part, _text(node.left), _text(node.right), op)
        if not isinstance(node.op, ast.Div):
            yield node.right, Slip("extra factor", part, _text(node.right), _text(node.left), op)


@rule("extra term")
def _extra_term(rules, node, part):
    """A term one too many: the sum without it."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
        op = OPERATORS[type(node.op)]
        yield node.left, Slip("extra term", part, _text(node.left), _text(node.right), op)
        if isinstance(node.op, ast.Add):
            yield node.right, Slip("extra term", part, _text(node.right), _text(node.left), op)


@rule("extra constant", pairs=False)
def _extra_constant(rules, node, part):
    """log(1 - Y) for log(Y)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) and isinstance(node.left, ast.Constant):
        yield node.right, Slip("extra constant", part, _text(node.right), _text(node.left), "-")


@rule("brackets")
def _brackets(rules, node, part):
    """The brackets around the other two operands."""
    if isinstance(node, ast.BinOp) and isinstance(node.left, ast.BinOp):
        inner = node.left
        moved = ast.BinOp(inner.left, inner.op, ast.BinOp(inner.right, node.op, node.right))
        yield moved, Slip("brackets", part, _text(moved))
    if isinstance(node, ast.BinOp) and isinstance(node.right, ast.BinOp):
        inner = node.right
        moved = ast.BinOp(ast.BinOp(node.left, node.op, inner.left), inner.op, inner.right)
        yield moved, Slip("brackets", part, _text(moved))


@rule("function extra")
def _function_extra(rules, node, part):
    name = _call_name(node)
    known = any(name in family for family in FUNCTION_FAMILIES) or name in NP_FUNCTIONS
    if name and known and node.args and name not in _REDUCTIONS and name not in ("dot", "matmul") \
            and not _is_method(node) and len(node.args) == 1:  # a learner's own helper is not "one too many"
        yield node.args[0], Slip("function extra", part, _text(node.args[0]), name)


@rule("argument scale")
def _argument_scale(rules, node, part):
    name = _call_name(node)
    if name in ("tanh", "sigmoid", "exp") and node.args:
        for scaled in (ast.BinOp(node.args[0], ast.Div(), ast.Constant(2)),
                       ast.BinOp(ast.Constant(2), ast.Mult(), node.args[0])):
            changed = ast.Call(node.func, [scaled], node.keywords)
            yield changed, Slip("argument scale", part, _text(changed), name)


@rule("square extra")
def _square_extra(rules, node, part):
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        yield node.left, Slip("square extra", part, _text(node.left))


@rule("square missing")
def _square_missing(rules, node, part):
    if isinstance(node, ast.Name | ast.Call | ast.BinOp) and rules.shape(node) is not None:
        squared = ast.BinOp(node, ast.Pow(), ast.Constant(2))
        yield squared, Slip("square missing", part, _text(squared))


@rule("transpose missing")
def _transpose_missing(rules, node, part):
    if not (isinstance(node, ast.Attribute) and node.attr == "T") and rules.shape(node) is not None and \
            len(rules.shape(node)) == 2 and not isinstance(node, ast.Constant):
        transposed = ast.Attribute(node, "T", ast.Load())
        yield transposed, Slip("transpose missing", part, _text(transposed))


@rule("other name")
def _other_name(rules, node, part):
    """Any other array of the scope for this name (a name mixed up for a reason no rule knows)."""
    if isinstance(node, ast.Name) and node.id in rules.env and not callable(rules.env[node.id]):
        for other, near in near_names(node.id, rules.env):
            if not near:
                yield ast.Name(other, ast.Load()), Slip("other name", part, other, node.id)


@rule("sum missing")
def _sum_missing(rules, node, part):
    """A matrix where its sum along one axis belongs."""
    if _call_name(node) not in _REDUCTIONS and isinstance(node, ast.Name | ast.BinOp | ast.Call) and \
            rules.shape(node) is not None and len(rules.shape(node)) == 2:
        for axis in (1, 0):
            keywords = [ast.keyword("axis", ast.Constant(axis)), ast.keyword("keepdims", ast.Constant(True))]
            summed = ast.Call(ast.Attribute(node, "sum", ast.Load()), [], keywords)
            yield summed, Slip("sum missing", part, _text(summed), str(axis))


@rule("function missing")
def _function_missing(rules, node, part):
    if not isinstance(node, ast.Constant) and rules.shape(node) is not None:
        for wrapper in _WRAPPERS:
            function = ast.parse(wrapper, mode="eval").body
            if wrapper.split(".")[-1] != _call_name(node) and (wrapper.startswith("np.") or wrapper in rules.env):
                yield ast.Call(function, [node], []), Slip("function missing", part, f"{wrapper}({_text(node)})",
                                                           wrapper)


@rule("intermediate", pairs=False)
def _intermediate(rules, node, part):
    """A product or a call where a variable computed above, of its shape, belongs (an intermediate quantity)."""
    if isinstance(node, ast.BinOp | ast.Call) and rules.shape(node) is not None and len(rules.shape(node)) == 2:
        for other, value in rules.env.items():
            if isinstance(value, np.ndarray) and value.shape == rules.shape(node) and other not in part:
                yield ast.Name(other, ast.Load()), Slip("intermediate", part, other)


@rule("number for array", pairs=False)
def _number_for_array(rules, node, part):
    """A number in a sum or a difference where an array of the scope of its shape belongs (a one-hot array)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub) and rules.shape(node):
        for side in ("left", "right"):
            number = getattr(node, side)
            if isinstance(number, ast.Constant) and isinstance(number.value, int | float):
                for other, value in rules.env.items():
                    if isinstance(value, np.ndarray) and value.shape == rules.shape(node) and other not in part:
                        array = ast.Name(other, ast.Load())
                        new = ast.BinOp(array, node.op, node.right) if side == "left" else \
                            ast.BinOp(node.left, node.op, array)
                        yield new, Slip("number for array", part, _text(new), _text(number))


@rule("normalise missing")
def _normalise_missing(rules, node, part):
    """softmax's division by the sum left out."""
    if _call_name(node) == "exp" and "reduce_axis" in rules.env:
        total = ast.Call(ast.Attribute(node, "sum", ast.Load()), [],
                         [ast.keyword("axis", ast.Name("reduce_axis", ast.Load())),
                          ast.keyword("keepdims", ast.Constant(True))])
        yield ast.BinOp(node, ast.Div(), total), Slip("normalise missing", part, "")


@rule("missing factor", pairs=False, spine=True)
def _missing_factor(rules, node, part):
    """A factor of the vocabulary (eta, batch_size, dsigmoid_du(U_2), ...) left out: times, over or a product."""
    for factor_node, text, shape, factor_shape in _vocabulary(rules, node):
        if _broadcasts(shape, factor_shape):
            for op in (ast.Mult(), ast.Div()):
                if isinstance(op, ast.Div) and factor_shape != ():
                    continue
                new = ast.BinOp(node, op, factor_node)
                yield new, Slip("missing factor", part, _text(new), text, OPERATORS[type(op)])
        if len(shape) == 2 and len(factor_shape) == 2:
            if factor_shape[1] == shape[0]:
                yield ast.BinOp(factor_node, ast.MatMult(), node), Slip("missing factor", part,
                                                                        f"{text} @ {part}", text, "@")
            if factor_shape[0] == shape[1]:
                yield ast.BinOp(node, ast.MatMult(), factor_node), Slip("missing factor", part,
                                                                        f"{part} @ {text}", text, "@")


@rule("missing term", pairs=False, spine=True)
def _missing_term(rules, node, part):
    """A term of the vocabulary (a bias, D) left out."""
    for factor_node, text, shape, factor_shape in _vocabulary(rules, node):
        if _broadcasts(shape, factor_shape) and factor_shape != () and \
                (factor_shape == shape or len(factor_shape) == 2):
            for op in (ast.Add(), ast.Sub()):
                new = ast.BinOp(node, op, factor_node)
                yield new, Slip("missing term", part, _text(new), text, OPERATORS[type(op)])


def _vocabulary(rules, node):
    """(node, text, the shape at ``node``, its shape) of each word of the vocabulary ``node`` does not hold yet."""
    shape = rules.shape(node)
    if shape is None:
        return
    for factor in rules.vocabulary:
        factor_node = ast.parse(factor, mode="eval").body if isinstance(factor, str) else factor
        try:
            value = evaluate(factor_node, rules.env)
        except Exception:  # a word of the vocabulary this cell does not have
            continue
        text = _text(factor_node)
        if not re.search(rf"(?<![\w.]){re.escape(text)}(?!\w)", _text(node)):
            yield factor_node, text, shape, np.shape(value)


RANK = tuple(each.kind for each in RULES)  # the order single edits are tried in: the edits that change least first
NOT_IN_PAIRS = tuple(each.kind for each in RULES if not each.pairs)  # too many, too free to pair


def _broadcasts(a, b):
    try:
        return np.broadcast_shapes(a, b) == tuple(a)
    except ValueError:
        return False
