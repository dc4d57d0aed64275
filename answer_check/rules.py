"""The slip search's rules: the error model, each rule a generator of the edits learners make at one place of their
own expression, as in Singh, Gulwani and Solar-Lezama, "Automated feedback generation for introductory programming
assignments" (PLDI 2013).

A rule yields (the replacement node, ``Slip``): an operator swapped, a .T added or dropped, a name of another layer
or kind, a sign, a factor or a term too many or too few, an axis, keepdims, a sum, a function, brackets, a power or an
index, a literal, an intermediate quantity. ``RANK`` is the order the search tries their kinds in (the edits that change
least first); each kind's words are a row of ``SLIP_WORDS`` in ``words.txt`` or a sayer of ``words.py``
(``tests/test_words.py`` fails on a kind without words, ``tests/test_rules.py`` on a kind no line makes). To add a
rule: a generator here, listed in ``Rules.edits``, its kind in ``RANK`` (and in ``NOT_IN_PAIRS`` if it is too free to
pair), its words in ``words.txt``, a line that makes it in ``tests/mistakes.py``; then
``python -m scripts.make_exercise``.
"""

import ast
import difflib
import re
from dataclasses import dataclass

import numpy as np

from .interpret import METHODS, NP_FUNCTIONS, Unsupported, evaluate, run_block


@dataclass(frozen=True)
class Slip:
    """One edit of the learner's line: its kind (one of ``RANK``, or a whole-block kind of ``slips.py``), the
    learner's part it changes (``part``, their own text), what that part becomes (``fixed``), and for some kinds a
    word more (``what``: the operator, the factor or the name it stands for)."""

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

# NumPy's names for the operators, read as the operators before the rules run, so a slip is found however it is
# spelled; the node keeps the learner's place, so a message quotes their own text (np.dot(W_3.T, Delta_3)).
_OPERATOR_CALLS = {"dot": ast.MatMult, "matmul": ast.MatMult, "multiply": ast.Mult, "subtract": ast.Sub,
                   "add": ast.Add, "divide": ast.Div, "true_divide": ast.Div}


class Spelling(ast.NodeTransformer):
    """np.dot(a, b), np.matmul, a.dot(b) -> a @ b; np.multiply, np.subtract, np.add, np.divide -> * - + /;
    np.transpose(a) -> a.T; np.add.reduce(x, ...) -> np.sum(x, ...). Operator calls with keywords (out=) are left as
    written."""

    def visit_Call(self, node):
        self.generic_visit(node)
        func, args = node.func, node.args
        if isinstance(func, ast.Attribute) and func.attr == "reduce" and isinstance(func.value, ast.Attribute) \
                and func.value.attr == "add" and isinstance(func.value.value, ast.Name) and func.value.value.id == "np":
            summed = ast.Attribute(ast.Name("np", ast.Load()), "sum", ast.Load())  # np.add.reduce is np.sum
            return ast.copy_location(ast.Call(summed, args, node.keywords), node)
        if node.keywords or not isinstance(func, ast.Attribute):
            return node
        numpy = isinstance(func.value, ast.Name) and func.value.id == "np"
        if numpy and func.attr in _OPERATOR_CALLS and len(args) == 2:
            return ast.copy_location(ast.BinOp(args[0], _OPERATOR_CALLS[func.attr](), args[1]), node)
        if not numpy and func.attr == "dot" and len(args) == 1:
            return ast.copy_location(ast.BinOp(func.value, ast.MatMult(), args[0]), node)
        if numpy and func.attr == "transpose" and len(args) == 1:
            return ast.copy_location(ast.Attribute(args[0], "T", ast.Load()), node)
        return node


def read_spelling(statements):
    """The statements with NumPy's operator calls read as operators (``Spelling``), the learner's places kept."""
    return [ast.fix_missing_locations(Spelling().visit(statement)) for statement in statements]


def _transposed(node):
    return node.value if isinstance(node, ast.Attribute) and node.attr == "T" else ast.Attribute(node, "T", ast.Load())


class Rules:
    """The edits the rules make at each place of one block: ``statements`` (the learner's, parsed), the scope ``env``
    it ran in and ``name``, the value the block must leave. ``vocabulary``: names (and calls) a factor or a term left
    out may be; ``literals``: {setting: value} a number may stand for."""

    def __init__(self, statements, env, name, source, vocabulary, literals):
        self.statements, self.env, self.name, self.source = statements, env, name, source
        self.vocabulary, self.literals = vocabulary, literals
        self.values = {}


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
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):  # Delta @ W for W.T @ Delta
            swapped = ast.BinOp(_transposed(node.right), ast.MatMult(), _transposed(node.left))
            yield swapped, Slip("order transposed", part, _text(swapped))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
                (node.func.attr in ("flatten", "ravel", "squeeze") and not node.args) or
                (node.func.attr == "reshape" and len(node.args) == 1 and _text(node.args[0]) in ("-1", "(-1,)"))):
            yield node.func.value, Slip("flattened", part, _text(node.func.value), node.func.attr,
                                        shape=self._shape(node) or ())
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
        known = any(name in family for family in FUNCTION_FAMILIES) or name in NP_FUNCTIONS
        if name and known and node.args and name not in _REDUCTIONS and name not in ("dot", "matmul") \
                and not _is_method(node) and len(node.args) == 1:  # a learner's own helper is not "one too many"
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


# The order single edits are tried in: the edits that change least first, insertions (the most numerous) last.
RANK = ("operator", "transpose extra", "name", "spelling", "function", "axis", "keepdims", "flattened", "sign", "order",
        "order transposed", "index",
        "literal", "function twice", "sum extra", "sum everything", "slice extra", "extra factor", "extra term",
        "extra constant",
        "brackets", "function extra",
        "argument scale", "square extra", "square missing", "transpose missing", "other name", "sum missing",
        "function missing",
        "intermediate", "normalise missing", "missing factor", "missing term")


NOT_IN_PAIRS = ("missing factor", "missing term", "intermediate", "literal", "extra constant")  # too many, too free


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
