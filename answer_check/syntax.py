"""The learner's expression as the slip search reads it: NumPy's spellings of the operators read as the operators
(``Spelling``: np.dot(a, b) is a @ b, the learner's place kept so a message quotes their own text), and the small
helpers on Python's syntax tree the rules and the search share; ``Slip``, one edit of the learner's text.
"""

import ast
from dataclasses import dataclass


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


def parent_map(tree):
    """{id(node): (its parent, the field it is in, its index there or None)} for every expression of ``tree``."""
    return {id(child): (node, field, index) for node in ast.walk(tree)
            for field, value in ast.iter_fields(node)
            for index, child in ([(None, value)] if isinstance(value, ast.AST) else
                                 enumerate(value) if isinstance(value, list) else [])
            if isinstance(child, ast.expr)}


def put(parent, field, index, node):
    """Put ``node`` where ``parent_map`` said a node sits."""
    if index is None:
        setattr(parent, field, node)
    else:
        getattr(parent, field)[index] = node


def call_name(node):
    """The name a call calls (``sum`` of np.sum(...) and of x.sum()), or ""."""
    if not isinstance(node, ast.Call):
        return ""
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def text(node):
    return ast.unparse(node)


def is_method(node):
    """A call of an array's method (x.sum()), not of NumPy's function (np.sum(x))."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
        not (isinstance(node.func.value, ast.Name) and node.func.value.id == "np")


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


def transposed(node):
    """``node`` with a .T added, or its .T dropped."""
    return node.value if isinstance(node, ast.Attribute) and node.attr == "T" else ast.Attribute(node, "T", ast.Load())


def with_keyword(node, key, value, keepdims=False):
    """The call ``node`` with the keyword ``key`` set to ``value`` (a number, or a name given as a string)."""
    keywords = [k for k in node.keywords if k.arg != key and not (keepdims and k.arg == "keepdims")]
    value = ast.Name(value, ast.Load()) if isinstance(value, str) else ast.Constant(value)  # reduce_axis, or 0 / 1
    keywords.append(ast.keyword(key, value))
    if keepdims:
        keywords.append(ast.keyword("keepdims", ast.Constant(True)))
    return ast.Call(node.func, node.args, keywords)
