"""Read a wrong shape, or a line that raised, for the operand to blame: from the shapes of the values in scope.

The learner's line is read as an expression over names whose shapes the notebook fixes (``SCOPE``: X is (784, 100),
W_3 is (10, 256) ...). Its shape is worked out without running it, then again with one change at a time: a factor
transposed or not, another layer's input, a weight's gradient for a bias's. A change that gives the right shape names
the likely culprit; a wrong bias gradient is read from its shape alone (a sum left out, or taken over the other axis).
Where more than one cause fits, all are said; where none does, the message falls back to the generic one.

Nothing here runs the learner's code: it reads the line's syntax tree.
"""

import ast
import functools

from . import course as course_settings
from . import words
from .blanks import STEP
from .contract import WEIGHTS
from .words import ACROSS, say


@functools.cache
def scope_of(course):
    """The shapes of the names a step line can use, in the course's sizes (the inference cell's X after X = X.T)."""
    shape = course.shape
    return {"X": shape("dn"), "D": shape("kn"), "X_batch": shape("nd"), "Y_batch": shape("nk"), "Y": shape("kn"),
            "eta": (), "batch_size": (), "x_dim": (), "h_dim": (), "nb_classes": (),
            **{name: shape(blank.shape) for name, blank in STEP.items()},
            **{f"dLd{name}": shape(STEP[name].shape) for name in WEIGHTS}}
INPUTS = ("X", "Z_2", "U_2")  # the layers' inputs, and the one mixed up with Z_2
_SAME_SHAPE = {"sigmoid", "dsigmoid_du", "softmax", "exp", "log", "tanh", "abs", "copy", "array", "asarray"}


class _Mismatch(Exception):
    """Two operands whose shapes do not combine: (operator, left source, left shape, right source, right shape)."""


class _Unknown(Exception):
    """An expression whose shape this reader does not work out."""


def _broadcast(a, b, node):
    out = []
    for x, y in zip(((1,) * (len(b) - len(a)) + a)[::-1], ((1,) * (len(a) - len(b)) + b)[::-1], strict=True):
        if x != y and 1 not in (x, y):
            raise _Mismatch(node)
        out.append(max(x, y) if 1 in (x, y) else x)
    return tuple(out[::-1])


def _matmul(a, b, node):
    if len(a) != 2 or len(b) != 2:
        raise _Unknown
    if a[1] != b[0]:
        raise _Mismatch(node)
    return (a[0], b[1])


def _reduce(shape, keywords):
    axis = keywords.get("axis")
    keepdims = keywords.get("keepdims", False)
    if axis is None:
        return tuple(1 for _ in shape) if keepdims else ()
    if axis < 0:
        axis += len(shape)
    return tuple(1 if i == axis else s for i, s in enumerate(shape)) if keepdims else \
        tuple(s for i, s in enumerate(shape) if i != axis)


def _constant_keywords(call):
    found = {}
    for keyword in call.keywords:
        if isinstance(keyword.value, ast.Constant):
            found[keyword.arg] = keyword.value.value
        elif isinstance(keyword.value, ast.UnaryOp) and isinstance(keyword.value.operand, ast.Constant):
            found[keyword.arg] = -keyword.value.operand.value
        else:
            raise _Unknown
    return found


def shape_of(node, scope):
    """The shape an expression makes, worked out from ``scope``; raises _Mismatch or _Unknown."""
    if isinstance(node, ast.Name):
        if node.id not in scope:
            raise _Unknown
        return scope[node.id]
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return ()
    if isinstance(node, ast.Attribute) and node.attr == "T":
        return shape_of(node.value, scope)[::-1]
    if isinstance(node, ast.UnaryOp):
        return shape_of(node.operand, scope)
    if isinstance(node, ast.BinOp):
        a, b = shape_of(node.left, scope), shape_of(node.right, scope)
        return _matmul(a, b, node) if isinstance(node.op, ast.MatMult) else _broadcast(a, b, node)
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        method = isinstance(func, ast.Attribute) and not (isinstance(func.value, ast.Name) and func.value.id == "np")
        args = ([func.value] if method else []) + list(node.args)
        if name in ("dot", "matmul") and len(args) == 2:
            return _matmul(shape_of(args[0], scope), shape_of(args[1], scope), node)
        if name in _SAME_SHAPE and args:
            return shape_of(args[0], scope)
        if name in ("sum", "mean") and len(args) == 1:
            return _reduce(shape_of(args[0], scope), _constant_keywords(node))
    raise _Unknown


def _evaluate(expr, scope):
    try:
        return shape_of(expr, scope), None
    except _Mismatch as e:
        return None, e.args[0]
    except (_Unknown, RecursionError, TypeError, ValueError):
        return None, None


def _variants(expr, name, scope):
    """(changed expression, the change in Japanese, in English, the family) for each one-place change of expr."""
    layer = name[-1] if name[-1] in "23" else ""
    for node in ast.walk(expr):
        if not isinstance(node, ast.Name) or node.id not in scope:
            continue
        shape = scope[node.id]
        original = node.id
        swaps = []
        if original in INPUTS:
            swaps += [(other, "input") for other in INPUTS if other != original]
        if name.startswith("b_") and original in (f"dLdW_{layer}", f"W_{layer}"):
            swaps.append((original.replace("W", "b"), "weight for bias"))
        if name.startswith("b_") and original == f"Delta_{layer}":
            swaps.append((f"dLdb_{layer}", "delta for bias"))
        other_layer = original.translate(str.maketrans("23", "32"))
        if original not in INPUTS[:1] and other_layer != original and other_layer in scope:
            swaps.append((other_layer, "layer"))
        for other, family in swaps:
            node.id = other
            yield (ast.parse(ast.unparse(expr), mode="eval").body, original, shape, family)
            node.id = original
    for node in list(ast.walk(expr)):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):  # `*` written for the matrix product
            written = ast.unparse(node)  # the learner's own product: the fixed one would hand over a derived line
            node.op = ast.MatMult()
            yield (ast.parse(ast.unparse(expr), mode="eval").body, written, None, "star")
            node.op = ast.Mult()
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            node.left, node.right = node.right, node.left
            yield (ast.parse(ast.unparse(expr), mode="eval").body, ast.unparse(node.right) + " @ " +
                   ast.unparse(node.left), None, "order")
            node.left, node.right = node.right, node.left
        if isinstance(node, ast.Attribute) and node.attr == "T":
            continue  # its name is already transposed
        for field, child in ast.iter_fields(node):
            if isinstance(child, ast.Name) and child.id in scope and len(scope[child.id]) == 2:
                setattr(node, field, ast.Attribute(child, "T", ast.Load()))
                yield (ast.parse(ast.unparse(expr), mode="eval").body, child.id, scope[child.id], "untransposed")
                setattr(node, field, child)
            if isinstance(child, ast.Attribute) and child.attr == "T" and isinstance(child.value, ast.Name) \
                    and child.value.id in scope:
                setattr(node, field, child.value)
                family = "X twice" if child.value.id == "X" else "transposed extra"
                yield (ast.parse(ast.unparse(expr), mode="eval").body, child.value.id, scope[child.value.id], family)
                setattr(node, field, child)


def _cause(family, operand, shape, name, got, cell):
    """One likely cause: (ja, en, the mistake's name for a class's summary)."""
    s = str(shape)
    made_ja, made_en = say("made shape" if got else "no fit at", operand=operand, s=s, got=got)
    fill = {"operand": operand, "s": s, "name": name, "got": got, "made_ja": made_ja, "made_en": made_en,
            "where": say("first line X")[0] if cell == "inference" else "X = X_batch.T"}
    return tuple(text.format(**fill) for text in words.SHAPE_CAUSES[family])


def _bias_sum(name, got, want, batch):
    """A bias gradient's wrong shape: a sum left out, over the other axis, or over everything."""
    if not name.startswith("dLdb") or len(want) != 2:
        return None
    rows = want[0]
    if got == (rows, batch):
        return (*say("bias not summed", bias=name.replace("dLd", "")), "the sum over the batch left out")
    if got in ((1, batch), (batch,)):
        across, across_en = ACROSS[name[-1]]
        return (*say("bias summed across", across=across, across_en=across_en, name=name, want=want),
                "summed over the wrong axis")
    if got == (rows,):
        return (*say("bias not a column"), "the column shape lost")
    if got in ((), (1, 1)):
        return (*say("bias summed everything"), "summed over everything")
    return None


# The shape causes a slip of these kinds already says (the .T, the operator, the order): not said twice.
SAID_BY_SLIP = {"untransposed": {"transpose missing"}, "transposed extra": {"transpose extra"}, "star": {"operator"},
                "order": {"order"}, "transposed product": {"transpose missing", "transpose extra", "order"},
                "layer": {"name"}}


def diagnose(name, line, got=None, cell="training", course=None, said=()):
    """([ja], [en], mistake) naming the likely culprit of a line of ``name`` whose shape is ``got`` (None: it raised),
    in the training cell or in ``inference`` (``cell``).

    ([], [], "") when the shapes tell nothing. ``said``: the kinds of the slips found in the line; a cause one of
    them already says is left out."""
    scope = scope_of(course or course_settings.of_notebook())
    course = course or course_settings.of_notebook()
    want = scope.get(name)
    try:
        statement = ast.parse(line.strip()).body[0]
    except (SyntaxError, IndexError, ValueError):
        return [], [], ""
    if want is None or not isinstance(statement, ast.Assign):
        return [], [], ""
    expr = statement.value
    base, mismatch = _evaluate(expr, scope)
    got = got if got is not None else base
    ja, en = [], []
    # the two sides that do not fit: an operator's, or np.dot(a, b)'s (a call's own two arguments)
    sides = (mismatch.left, mismatch.right) if isinstance(mismatch, ast.BinOp) else \
        tuple(mismatch.args[:2]) if isinstance(mismatch, ast.Call) and len(mismatch.args) >= 2 else None
    if sides is not None:
        left, right = (shape_of(side, scope) if _ok(side, scope) else "?" for side in sides)
        sign = "@" if isinstance(mismatch, ast.Call) or isinstance(mismatch.op, ast.MatMult) else \
            {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}.get(type(mismatch.op), "?")
        sides_ja, sides_en = say("sides do not fit", a=ast.unparse(sides[0]), b=ast.unparse(sides[1]), left=left,
                                 right=right, sign=sign)
        ja.append(sides_ja)
        en.append(sides_en)
    causes = []
    if got is not None and len(got) == 2 and got == want[::-1] and got != want and \
            not SAID_BY_SLIP["transposed product"] & set(said):
        product = "@" in line or "dot" in line or "matmul" in line
        (result_ja, result_en), (order_ja, order_en) = say("transposed result"), say("check order and T")
        causes.append((result_ja + (order_ja if product else ""), result_en + (order_en if product else "."),
                       "transposed product"))
    bias = _bias_sum(name, tuple(got), want, course.batch_size) if got is not None else None
    if bias:
        causes.append(bias)
    if not causes:
        seen = set()
        for variant, operand, shape, family in _variants(expr, name, scope):
            shape_now, _ = _evaluate(variant, scope)
            if shape_now == want and (operand, family) not in seen and not SAID_BY_SLIP.get(family, set()) & set(said):
                seen.add((operand, family))
                causes.append(_cause(family, operand, shape, name, got, cell))
    if len(causes) == 1:
        ja.append(say("likely", cause=causes[0][0])[0])
        en.append(say("likely", cause=causes[0][1].rstrip("."))[1])
    elif causes:
        ja.append(say("one of")[0])
        ja += [say("one of each", cause=c[0])[0] for c in causes]
        en.append(" ".join([say("one of")[1], causes[0][1],
                            *(say("one of each", cause=c[1])[1] for c in causes[1:])]))
    mistake = causes[0][2] if len(causes) == 1 else ("one of several shape mistakes" if causes else "")
    return ja, en, mistake


def _ok(node, scope):
    try:
        shape_of(node, scope)
        return True
    except (_Mismatch, _Unknown):
        return False
