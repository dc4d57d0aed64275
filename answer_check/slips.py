"""The slip search: the smallest edit of the learner's own block that makes its value right, and where it is.

Each candidate is an edit the rules make (``rules.py``), evaluated on the tiny problem the block ran on by the
interpreter (``interpret.py``), so nothing the learner wrote runs here: the grader calls it outside its box. Whether a
candidate is right is the judge's test against the reference (numerical gradients), so no solution line is needed.
The search tries every single edit first (in ``rules.RANK`` order), then the block's whole-block slips (two names
swapped, a line twice, an axis fixed), then pairs where the line is short; the candidates evaluated are counted
against a ``Budget``, so a check answers at once, and a search stops at its deadline.
"""

import ast
import textwrap
import time

import numpy as np

from .interpret import UnknownName, Unsupported, advance, evaluate, run_block
from .rules import _REDUCTIONS, NOT_IN_PAIRS, RANK, RULES
from .syntax import Slip, call_name, is_method, parent_map, put, read_spelling
from .syntax import text as _text

SEARCH_SECONDS = 10.0  # a search stops here whatever is left of its budget (a right one takes under a second)
SHORT = 14  # a line of at most this many expression nodes is searched for pairs of edits too
MAX_NODES = 400  # a block with more syntax nodes is not searched (a course line has under 40, a loop under 80)
MAX_CHARACTERS = 4_000  # nor a longer one
LINE_BUDGET = 4_000  # candidates evaluated for one line (a check searches one line: it answers well under a second)


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


class Rules:
    """The edits the rules make at each place of one block: ``statements`` (the learner's, parsed), the scope ``env``
    it ran in and ``name``, the value the block must leave. ``vocabulary``: names (and calls) a factor or a term left
    out may be; ``literals``: {setting: value} a number may stand for."""

    def __init__(self, statements, env, name, source, vocabulary, literals):
        self.statements, self.env, self.name, self.source = statements, env, name, source
        self.vocabulary, self.literals = vocabulary, literals
        self.values = {}

    def record(self):
        """The value of every expression node of the learner's block, as it ran (for the rules that need shapes);
        a loop's body as it runs the first time."""
        self._record(self.statements, dict(self.env))

    def _record(self, statements, env):
        for statement in statements:
            if isinstance(statement, ast.For) and isinstance(statement.target, ast.Name):
                try:
                    first = range(*[evaluate(arg, env) for arg in statement.iter.args])[0]
                    self._record(statement.body, {**env, statement.target.id: first})
                except Exception:  # a loop the interpreter does not run: its body has no shapes to go by
                    pass
            else:
                for node in ast.walk(statement):
                    if isinstance(node, ast.expr) and not isinstance(getattr(node, "ctx", None), ast.Store):
                        try:
                            self.values[id(node)] = evaluate(node, env)
                        except Exception:  # a part that does not evaluate has no shape to go by
                            pass
            try:
                advance(statement, env)
            except Exception:  # a statement the interpreter does not run: its names keep their values
                pass

    def shape(self, node):
        """The shape ``node`` made on the tiny problem, or None."""
        value = self.values.get(id(node))
        return np.shape(value) if isinstance(value, np.ndarray | np.generic | int | float) else None

    def sites(self):
        """Every expression node of the block's right-hand sides and of its loops' ranges, with where it sits."""
        roots = [s for statement in self.statements for s in ast.walk(statement)  # loops' bodies too
                 if isinstance(s, ast.Assign | ast.AugAssign | ast.Return | ast.For) and
                 getattr(s, "iter" if isinstance(s, ast.For) else "value", None)]
        parents = {}
        for statement in roots:
            parents.update(parent_map(statement))
        for statement in roots:
            root = statement.iter if isinstance(statement, ast.For) else statement.value
            spine = set(self._spine(root)) if not isinstance(statement, ast.For) else set()
            for node in ast.walk(root):
                if isinstance(node, ast.expr) and id(node) in parents:
                    yield node, parents[id(node)], id(node) in spine

    def loop_names(self):
        """The names the block's loops count with."""
        return [s.target.id for statement in self.statements for s in ast.walk(statement)
                if isinstance(s, ast.For) and isinstance(s.target, ast.Name)]

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
        elif call_name(node) in _REDUCTIONS and node.args and not is_method(node):
            yield from self._spine(node.args[0], depth + 1)

    def edits(self, node, spine):
        """(replacement node, Slip) for each single edit at ``node``: every rule of ``RULES`` in rank order (the
        insertions only where a factor or a term may be missing)."""
        part = (ast.get_source_segment(self.source, node) if hasattr(node, "lineno") else None) or _text(node)
        for each in RULES:
            if spine or not each.spine:
                yield from each.edits(self, node, part)



class Search(Rules):
    """The search over one block's edits: the rules' candidates tried against ``is_right``, within ``budget``."""

    def __init__(self, statements, env, name, source, vocabulary, literals, budget):
        super().__init__(statements, env, name, source, vocabulary, literals)
        self.budget = budget
        self.also = []  # [(env, is_right)]: other probes a fix must be right on too

    def value(self):
        return run_block(self.statements, self.env, self.name)

    def run(self, is_right):
        """The first Slip (or pair of Slips) whose edit makes ``is_right(value)`` true, or None."""
        self.record()
        whole = self._line_twice(is_right) or self._axis_fixed(is_right) or self._overwritten(is_right)
        if whole:
            return whole
        singles = sorted(self._candidates(), key=lambda c: (RANK.index(c[5].kind), len(c[5].fixed) > len(c[5].part)))
        for parent, field, index, node, new, slip in singles:
            if self._try(parent, field, index, node, new, is_right) and not self._number_idle(
                    parent, field, index, node, new, slip, is_right):
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
            put(parent, field, index, new)
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
                put(parent, field, index, node)
        return None

    def _number_idle(self, parent, field, index, node, new, slip, is_right):
        """A number put in that does not matter: the block is right with it 1.37 times as large too (tanh(U + 100)
        for tanh(U + 3) is 1 either way). Such an edit is no evidence that the learner meant the setting."""
        if slip.kind != "literal" or not isinstance(new, ast.Constant):
            return False
        return self._try(parent, field, index, node, ast.Constant(new.value * 1.37), is_right)

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
                        return (Slip("line twice", _text(self.statements[number]), ""),)
                except Exception:  # the block without it still does not evaluate: not this slip
                    return None
        return None

    def _overwritten(self, is_right):
        """A loop's assignment that overwrites what it should add up (``=`` for ``+=``): with ``+=``."""
        loops = [s for statement in self.statements for s in ast.walk(statement) if isinstance(s, ast.For)]
        for loop in loops:
            for number, statement in enumerate(loop.body):
                if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
                    continue
                target = statement.targets[0]
                added = ast.AugAssign(ast.Subscript(target.value, target.slice, ast.Store())
                                      if isinstance(target, ast.Subscript) else ast.Name(target.id, ast.Store()),
                                      ast.Add(), statement.value) if isinstance(target, ast.Name | ast.Subscript) \
                    else None
                if added is None:
                    continue
                loop.body[number] = ast.copy_location(added, statement)
                try:
                    right = self.budget.spend() and is_right(run_block(self.statements, self.env, self.name))
                except Exception:  # not right this way either
                    right = False
                finally:
                    loop.body[number] = statement
                if right:
                    part = ast.get_source_segment(self.source, statement) or _text(statement)
                    return (Slip("overwritten in a loop", part, _text(added)),)
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
        put(parent, field, index, new)
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
            put(parent, field, index, node)


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


def search(source, env, name, is_right, vocabulary=(), literals=None, budget=None, also=()):
    """The slips of the smallest edit of ``source`` (the learner's block) that leaves a right value in ``name``:
    a tuple of one or two ``Slip``, or None where no edit within reach fits or the block is beyond the interpreter.

    ``env``: the scope the block ran in, on the tiny problem; ``is_right(value)``: the judge's test;
    ``vocabulary``: factors and terms a learner may leave out; ``literals``: {setting: value} a number may stand for;
    ``also``: [(env, is_right)] of other probes a fix must be right on as well.
    """
    env = {key: _frozen(value) for key, value in env.items()}  # nothing evaluated may change the caller's arrays
    also = [({key: _frozen(value) for key, value in other.items()}, right) for other, right in also]
    text = textwrap.dedent(source).strip("\n")
    if len(text) > MAX_CHARACTERS:
        return None
    try:
        statements = ast.parse(text).body
    except (RecursionError, MemoryError):  # nested deeper than Python's parser goes: no slip to find
        return None
    except IndentationError:  # a wrapped line's continuation less indented than its start: read line by line
        text = "\n".join(line.strip() for line in source.split("\n"))
        try:
            statements = ast.parse(text).body
        except SyntaxError:
            return _brackets_fixed(text, env, name, is_right, budget or Budget())
    except SyntaxError:
        return _brackets_fixed(text, env, name, is_right, budget or Budget())
    if not statements or len(text) > MAX_CHARACTERS or sum(1 for s in statements for _ in ast.walk(s)) > MAX_NODES:
        return None  # a block beyond any slip (the search's work grows with the line's length): the honest sentence
    statements = read_spelling(statements)  # np.dot(a, b) is a @ b to the rules; the messages quote the learner's text
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
