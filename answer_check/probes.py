"""The four functions judged on their probes (``reference.function_probes``): each probe's value against the right
one, in the order a verdict is reached (raised, empty, not numbers, an overflow at ±1000, a Python number, a wrong
shape, right, a wrong value told by the slip search and the known mistakes).
"""

import ast
import textwrap

import numpy as np

from . import interpret, reference, runlines
from .blanks import FUNCTION_ROWS, FUNCTIONS
from .reference import rel_error
from .runlines import decode
from .verdict import (
    TOLERANCE,
    How,
    Verdict,
    after_slip,
    error_pointer,
    search,
    slip_mistake,
    slip_words,
    value_of_mistake,
)
from .words import NAN_CAUSES, OVERFLOW, UNEXPLAINED, probe_call, say


def judge_functions(made, hints=True, course=None, curated=True, first_only=False):
    """{name: Verdict} for the four functions (``runlines.run_functions``'s data)."""
    if "cell_raised" in made:
        kind, message = made["cell_raised"]
        ja, en = say("functions cell raised", detail=f"{kind}: {message}")
        return {name: Verdict("error", [ja], [en], mistake=kind, detail=f"{kind}: {message}") for name in FUNCTION_ROWS}
    verdicts = {}
    probes = reference.function_probes()
    how = How(hints, course, curated, first_only=first_only)
    for name in FUNCTION_ROWS:
        one = made.get(name) or {"defined": False, "line": "", "lineno": 0, "probes": []}
        if not one["defined"]:
            ja, en = say("function not defined", name=name)
            verdicts[name] = Verdict("error", [ja], [en], mistake="not defined")
            continue
        verdicts[name] = _judge_function(name, one, probes[name], how)
        verdicts[name].line, verdicts[name].lineno = one["line"], one["lineno"]
    return verdicts


def _function_slips(name, one, probe, probes, how):
    """The slips of a function's def (its body, as the learner wrote it) on a probe: its arguments bound as the probe
    calls it, the other functions right; a fix must be right on every other probe too."""
    try:
        node = ast.parse(textwrap.dedent(one.get("def") or "")).body[0]
        assert isinstance(node, ast.FunctionDef)
        names = [a.arg for a in node.args.args]
        defaults = dict(zip(names[len(names) - len(node.args.defaults):], node.args.defaults, strict=True))
        base = {other: f for other, f in runlines.right_functions().items() if other != name}
        base.update({n: interpret.evaluate(d, {}) for n, d in defaults.items()})
    except Exception:  # a def the interpreter cannot read (a default it does not evaluate): no search
        return None

    def checked(args, kwargs, want):
        def is_right(candidate):
            candidate = np.asarray(candidate, dtype=np.float64)
            return candidate.shape == np.shape(want) and bool(np.all(np.isfinite(candidate))) and \
                rel_error(candidate, want) < TOLERANCE
        return {**base, **dict(zip(names, args, strict=False)), **kwargs}, is_right

    env, is_right = checked(probe[0], probe[1], probe[3])
    # right on every other probe too, the one at ±1000 included: a fix is said only where the judge would accept it
    # (U.max() - U is mended by swapping its operands, not by a + that overflows)
    also = [checked(other[0], other[1], other[3]) for other in probes if other is not probe]
    body = "\n".join(ast.unparse(statement) for statement in node.body)
    return search(body, env, "__return__", how, "functions", is_right, also)


def _judge_function(name, one, probes, how):
    largest = 0.0  # the largest relative error over the probes, for a right function
    for result, probe in zip(one["probes"], probes, strict=False):
        verdict = _ProbeJudge(name, one, probe, probes, how).verdict(result)
        if not verdict.ok:
            return verdict
        largest = max(largest, verdict.error)
    return Verdict("ok", error=largest)


class _ProbeJudge:
    """One of a function's probes against the right value: raised, empty, not numbers, an overflow at ±1000, a
    Python number, a wrong shape, right, or a wrong value (told by the slip search and the known mistakes)."""

    def __init__(self, name, one, probe, probes, how):
        self.name, self.one, self.how, self.probe, self.probes = name, one, how, probe, probes
        self.args, self.kwargs, self.r, self.want = probe
        call_ja, call_en = probe_call(name, self.kwargs)
        self.extra_ja, self.extra_en = ([call_ja] if call_ja else []), ([call_en] if call_en else [])

    def slipped(self, status, headline_ja, headline_en, detail=""):
        found = _function_slips(self.name, self.one, self.probe, self.probes, self.how)
        if not found:
            return None
        slip_ja, slip_en = slip_words(found, self.how)
        return Verdict(status, [*headline_ja, slip_ja, *self.extra_ja], [*headline_en, slip_en, *self.extra_en],
                       mistake=slip_mistake(found), detail=detail, slips=[s.kind for s in found])

    def verdict(self, result):
        name, value = self.name, result.get("value") or {}
        if "raised" in result:
            return self.raised(*result["raised"], result.get("lineno", 0))
        if value.get("kind") in ("empty", "none"):
            ja, en = say("return empty" if value["kind"] == "empty" else "returns nothing", name=name)
            return Verdict("empty", [ja, say("pointer shown empty")[0]], [en])
        got = decode(value)
        if got is None:
            ja, en = say("returns not numbers", name=name)
            return Verdict("wrong", [ja], [en], mistake="not numbers")
        if self.r.get("big") and not np.all(np.isfinite(got)):
            ja, en = say("overflow", name=name)
            return Verdict("wrong", [ja, *OVERFLOW[name]], [en], mistake="overflows to nan")
        if value.get("python") and name == "softmax_cross_entropy":
            ja, en = say("python number", name=name, kind=value["python"])
            return Verdict("wrong", [ja], [en], mistake="a Python number, not NumPy's")
        if got.shape != self.want.shape:
            return self.wrong_shape(got)
        error = rel_error(got, self.want)
        return Verdict("ok", error=error) if error < TOLERANCE else self.wrong_value(got, error)

    def raised(self, kind, message, lineno):
        name, detail = self.name, f"{kind}: {message}"
        if kind == "SyntaxError":
            ja, en = say("return not python", name=name)
            return Verdict("error", [ja], [en], mistake="SyntaxError", lineno=lineno)
        raised_ja, raised_en = say("raised inside", name=name, detail=detail)
        found = self.slipped("error", [raised_ja], [raised_en], detail)
        if found:
            return found
        cause_ja, cause_en = [], []
        if kind == "NameError":
            cause_ja = error_pointer(kind, message, name, "", FUNCTIONS[name], self.how.hints, "functions",
                                      self.how.course)[0]
        elif name == "softmax" and kind == "ValueError" and "broadcast" in message:
            cause_ja, cause_en = ([sentence] for sentence in say("sum drops an axis"))
        return Verdict("error", [raised_ja, *cause_ja, *self.extra_ja], [raised_en, *cause_en, *self.extra_en],
                       mistake=kind, detail=detail)

    def wrong_shape(self, got):
        name, want = self.name, self.want
        headline = tuple([sentence] for sentence in say("function wrong shape", name=name, got=got.shape,
                                                        want=want.shape))
        scalar = want.shape == () and got.ndim >= 1
        found = None if scalar else self.slipped("wrong", *headline)
        if found:
            return found
        per_example = tuple([sentence] for sentence in say("sum per example"))
        return Verdict("wrong", [*headline[0], *(per_example[0] if scalar else []), *self.extra_ja],
                       [*headline[1], *(per_example[1] if scalar else []), *self.extra_en],
                       mistake="a sum per example" if scalar else "wrong shape")

    def known(self, got):
        for number, (wrong, ja, en) in enumerate(FUNCTIONS[self.name].mistakes if self.how.curated else ()):
            value = value_of_mistake(wrong, self.r)
            if np.shape(value) == got.shape and rel_error(got, value) < TOLERANCE:
                if self.name == "softmax" and number == 0 and self.kwargs.get("reduce_axis") == 1:  # right at 0
                    ja, en = say("axis fixed at 0")
                return ja, en
        return None

    def wrong_value(self, got, error):
        name, known = self.name, self.known(got)
        found = self.slipped("wrong", [], [say("wrong", name=name)[1]])
        if found and known:
            more = after_slip(found.slips, known[0], found.ja)
            found.ja[1:1] = [more] if more else []
            found.en[2:2], found.mistake = [say("likely", cause=known[1])[1]] if more else [], known[1]
        if found:
            return found
        if known:
            return Verdict("wrong", [say("likely", cause=known[0])[0], *self.extra_ja],
                           [say("wrong", name=name)[1], say("likely", cause=known[1])[1], *self.extra_en],
                           mistake=known[1])
        if not np.all(np.isfinite(got)):
            ja, en = say("function nan", name=name)
            return Verdict("wrong", [ja + NAN_CAUSES[0], *self.extra_ja], [f"{en} {NAN_CAUSES[1]}", *self.extra_en],
                           mistake="nan or inf")
        (ja, en), (pointer_ja, pointer_en) = say("function wrong value", name=name), say("pointer shown")
        return Verdict("wrong", [ja + UNEXPLAINED[0] + pointer_ja, *self.extra_ja],
                       [f"{en} {UNEXPLAINED[1]} {pointer_en}", *self.extra_en], mistake="another mistake",
                       error=error)
