"""The judge: what a learner's lines made (``runlines.py``'s data) against the reference, as a verdict per blank.

Every value is compared with its right value (``reference.py``) by ``rel_error``: numbers are judged, never text, so
``np.dot``, ``@``, ``keepdims=True`` or ``.reshape(-1, 1)`` all pass. A wrong value is matched against the blank's
known mistakes (``blanks.py``); a wrong shape is read for the operand to blame. The verdict carries the message
the learner reads, Japanese first, then one English paragraph.

Nothing here runs a learner's code: the grader judges, outside its sandbox, data that a sandboxed run produced. No
IPython, no module-level setting: whether the handout has hints is an argument.
"""

import ast
import textwrap
from dataclasses import dataclass, field

import numpy as np

from . import course as course_settings
from . import interpret, reference, runlines, shapes, slips, words
from .blanks import BLANK_COLUMNS, FUNCTION_ROWS, FUNCTIONS, INFERENCE_ROWS, STEP, TEST, TEST_ROWS, TRAINING_ROWS
from .contract import WEIGHTS
from .reference import rel_error
from .runlines import decode
from .words import NAN_CAUSES, OVERFLOW, UNEXPLAINED, hint_pointer, probe_call

# The largest relative error of a right line (docs/checks.md, "The tolerance"): the 94 right lines of tests/mistakes.py
# reach 1.7e-5 at most (log(Y + 1e-5)), float32 2.3e-8; the nearest wrong value is 0.2 away.
TOLERANCE = 1e-3
UPDATES = WEIGHTS  # judged by the step they take (new - old): "eta twice" is 0.98 away, not 0.0001



@dataclass
class Verdict:
    """How one blank was judged: ``status`` is ok, wrong, empty or error; ``ja`` / ``en`` say why."""

    status: str
    ja: list = field(default_factory=list)
    en: list = field(default_factory=list)
    error: float = float("nan")  # relative error against the reference, where one was computed
    shape: str = ""  # the shape the line makes, in the notebook's sizes
    line: str = ""  # the learner's line
    lineno: int = 0  # its line in the cell
    mistake: str = ""  # the named mistake (English), for a class's summary
    detail: str = ""  # Python's own words for an error, shown after the Japanese paragraph
    slips: list = field(default_factory=list)  # the kinds of the slips the search found (slips.py), if any

    @property
    def ok(self):
        return self.status == "ok"

    def as_dict(self):
        return {"status": self.status, "ja": self.ja, "en": self.en, "line": self.line, "lineno": self.lineno,
                "mistake": self.mistake, "shape": self.shape, "detail": self.detail,
                "error": self.error if np.isfinite(self.error) else None}


def _error_pointer(kind, message, name, line, blank, hints, cell, course):
    """What a learner does about the exception their line raised: from the shapes where they tell."""
    if kind == "NameError":
        unknown = message.split("'")[1] if message.count("'") >= 2 else ""
        said = f"`{unknown}` という名前" if unknown else "ある名前"
        if unknown == "math":  # the standard library's math works on one number, not on arrays
            return (["`math` は読み込まれていません。配列には np.exp などの NumPy の関数を使ってください。"],
                    ["math is not imported: on arrays, use NumPy's functions (np.exp ...)."])
        return ([f"{said}はまだ定義されていません。変数名にタイプミスがないか確かめてください。"],
                ["It uses a name that is not defined: check the spelling."])
    if kind == "SyntaxError":
        return (["Python の文法として正しくありません (SyntaxError)。かっこの閉じ忘れや、書きかけの式がないか"
                 "確かめてください。"],
                ["It is not valid Python: check the brackets."])
    if kind == "LineTimeout":
        return (["この行が時間内に終わりませんでした。"], ["This line did not finish in its time limit."])
    if kind == "ValueError" and ("matmul" in message or "broadcast" in message):
        ja, en, _ = shapes.diagnose(name, line, cell=cell, course=course)
        if any(text.startswith(("よくある間違い", "次のどれか")) for text in ja):  # a cause was named
            return ja, en
        if "matmul" in message:
            ja.append("行列の積の形が合わず、計算できません。"
                      "上の説明にある形を手がかりに、掛ける順番と .T を確かめてください。")
            en.append("The shapes do not fit: check the order of the factors and the .T against the shapes above.")
        else:
            ja.append("要素ごとの計算 (+、−、*、/ や代入) で、両側の形が合いません。"
                      "上の説明にある形と、それぞれの変数の形を見比べてください。")
            en.append("An element-wise step (+, -, *, / or an in-place update) meets two shapes that do not fit: "
                      "compare each variable's shape with the shapes above.")
        return ja, en
    ja, en = hint_pointer(blank, hints)
    return [ja], [en]


def judge_row(name, made, right, how=None, cell="training"):
    """The verdict on one line (``made``: what ``runlines.run_lines`` recorded for it) against ``right[name]``."""
    blank = STEP.get(name) or TEST.get(name)
    if made is None:
        return Verdict("error", [f"{name} に代入する行が見つかりません。行を消してしまっていないか確かめてください。"],
                       [f"No line assigns {name}: was it deleted?"], mistake="line missing")
    verdict = _judge_made(name, blank, made, right, cell, how or How())
    verdict.line, verdict.lineno = made["line"], made["lineno"]
    if made.get("unassigned") and not verdict.ok:  # the real cause: what the learner wrote there is never kept
        lineno, text = made["unassigned"]
        verdict.ja = [f"{lineno}行目の `{text}` は計算しただけで、結果をどこにも代入していません。"
                      f"`{name} = ...` のように代入してください。{name} には、その前の行までの値が入ったままです。"]
        verdict.en = [f"Line {lineno}, `{text}`, computes a value but keeps it nowhere: assign it to {name}."]
        verdict.mistake = "a value computed but never assigned"
    return verdict


@dataclass
class How:
    """How a cell is judged: hints in the handout, the course's settings, the known mistakes on or off (the tests
    switch them off to measure the search alone), and whether only the first wrong line is searched (the notebook's
    check shows that line's message alone); each line searched gets a budget of its own (slips.LINE_BUDGET)."""

    hints: bool = True
    course: object = None
    curated: bool = True
    first_only: bool = False
    searched: bool = False  # with first_only: a wrong line was searched already

    def __post_init__(self):
        if self.course is None:
            try:
                self.course = course_settings.of_notebook()
            except (OSError, ValueError, KeyError):  # on Colab the handout may not be there: the functions need none
                self.course = course_settings.Course(*[None] * len(course_settings.SETTINGS))


# Factors and terms a learner may leave out of a line, per cell (a name the cell does not have is skipped).
VOCABULARY = {"training": ("dsigmoid_du(U_2)", "eta", "batch_size", "D", "Y", "Z_2", "X", "(1 - Y)", "(1 - Z_2)",
                           "b_2", "b_3", "W_2", "W_3", "W_3.T", "Delta_3", "Delta_2", "eta * dLdW_3", "eta * dLdb_3",
                           "eta * dLdW_2", "eta * dLdb_2"),
              "inference": ("b_2", "b_3", "X", "Z_2", "U_2"),
              "functions": ("U", "Y", "D", "(1 - Y)", "(1 - D)", "np.log(1 - Y)", "sigmoid(U)", "(1 - sigmoid(U))"),
              "test": ()}


def scope(cell, name, right, course):
    """The names a line of ``name`` ran with on the tiny problem: the cell's inputs and the rows before it, right."""
    if cell == "training":
        ns, rows = runlines.training_scope(course)[0], TRAINING_ROWS
    elif cell == "inference":
        ns, rows = runlines.inference_scope(course)[0], INFERENCE_ROWS
        ns["X"] = right["X"]  # after the cell's own X = X.T
    else:
        ns, rows = dict(reference.test_cell_values(course)[0]), TEST_ROWS
    before = rows[:rows.index(name)] if name in rows else []
    ns.update({row: right[row] for row in before})
    if "Z_3" in before:
        ns["Y"] = right["Z_3"]  # the cell's own Y = Z_3
    if "Y_hat" in before:
        ns["y_hat"] = np.asarray(right["Y_hat"]).argmax(axis=1)
    return ns


def _search(source, env, name, how, cell, is_right, also=()):
    literals = {key: getattr(how.course, key) for key in ("eta", "batch_size", "nb_classes")
                if getattr(how.course, key) is not None}
    if how.first_only and how.searched:
        return None  # the lines after the first wrong one show their mark alone
    how.searched = True
    return slips.search(source, env, name, is_right, VOCABULARY[cell], literals, slips.Budget(), also)


def _slip_words(slips, how, blank=None):
    """The slips in words; with hints, the corrected part too, but only where the handout shows the equation (a
    derived blank's corrected part would be its equation)."""
    widths = {tiny: notebook for tiny, notebook in ((reference.TINY["d"], how.course.x_dim),
                                                    (reference.TINY["h"], how.course.h_dim)) if notebook}
    return words.slip_message(slips, how.hints, blank is None or blank.shown, widths)


def _judge_made(name, blank, made, right, cell, how):
    return _LineJudge(name, blank, made, right, cell, how).verdict()


class _LineJudge:
    """One blank's line against its right value, in the order a verdict is reached: empty, raised, not numbers, a
    wrong shape, right, a wrong value (each wrong one told by the slip search, the known mistakes, the shape reader)."""

    def __init__(self, name, blank, made, right, cell, how):
        self.name, self.blank, self.made, self.right, self.cell, self.how = name, blank, made, right, cell, how
        self.old = right.get(f"old_{name}") if name in UPDATES else 0
        self.want = right[name]
        self.pointer = hint_pointer(blank, how.hints)

    def distance(self, a, b):
        return rel_error(np.asarray(a, dtype=np.float64) - self.old, np.asarray(b, dtype=np.float64) - self.old)

    def is_right(self, candidate):
        candidate = np.asarray(candidate, dtype=np.float64)
        return candidate.shape == np.shape(self.want) and bool(np.all(np.isfinite(candidate))) and \
            self.distance(candidate, self.want) < TOLERANCE

    def slips(self):
        if self.made.get("unassigned"):
            return None
        env = scope(self.cell, self.name, self.right, self.how.course)
        return _search(self.made["line"], env, self.name, self.how, self.cell, self.is_right)

    def verdict(self):
        value, notebook = self.made.get("value") or {}, self.made.get("notebook") or {}
        if self.made.get("raised") is None and value.get("kind") == "empty":
            empty_ja, empty_en = hint_pointer(self.blank, self.how.hints, empty=True)
            return Verdict("empty", [f"{self.name} の空欄がまだ埋まっていません。", empty_ja],
                           [f"{self.name} is not filled yet. {empty_en}"])
        if self.made.get("raised") is not None:
            return self.raised(*(notebook.get("raised") or self.made["raised"]))
        shape = str(tuple(notebook["shape"])) if "shape" in notebook else ""
        got = decode(value)
        if got is None and value.get("kind") != "too big":
            return Verdict("wrong", [f"{self.name} が数値の配列になっていません。"],
                           [f"{self.name} is not an array of numbers."], shape=shape, mistake="not numbers")
        got_shape = tuple(value["shape"]) if got is None else got.shape
        if got_shape != np.shape(self.want):
            return self.wrong_shape(shape or str(got_shape), tuple(notebook.get("shape", got_shape)), shape)
        if got is None:  # too big to carry whole (a prediction for 58,000 test images): judged by its first entries
            head = np.asarray(value.get("head", []), dtype=np.float64)
            self.want = np.ravel(self.want)[:head.size]
            got = head
        error = self.distance(got, self.want) if np.all(np.isfinite(got)) else float("inf")
        if error < TOLERANCE:
            return Verdict("ok", error=error, shape=shape)
        return self.wrong_value(got, error, shape)

    def raised(self, kind, message):
        name, line = self.name, self.made["line"]
        found = self.slips() if kind != "LineTimeout" else None
        if found:
            slip_ja, slip_en = _slip_words(found, self.how, self.blank)
            cause_ja, cause_en, mistake = shapes.diagnose(name, line, cell=self.cell, course=self.how.course)
            return Verdict("error", [slip_ja, *cause_ja],
                           [f"The line of {name} raised {kind}: {message}.", slip_en, *cause_en],
                           mistake=mistake or _slip_mistake(found), detail=f"{kind}: {message}",
                           slips=[s.kind for s in found])
        what_ja, what_en = _error_pointer(kind, message, name, line, self.blank, self.how.hints, self.cell,
                                          self.how.course)
        return Verdict("error", what_ja, [f"The line of {name} raised {kind}: {message}.", *what_en], mistake=kind,
                       detail=f"{kind}: {message}")

    def wrong_shape(self, seen, made_shape, shape):
        name, blank = self.name, self.blank
        right_shape = str(self.how.course.shape(blank.shape)) if blank.shape else str(np.shape(self.want))
        headline_ja = f"{name} の形が {seen} になっています。正しい形は {right_shape} です。"
        headline_en = f"{name} has shape {seen}; it should be {right_shape}."
        found = self.slips()
        cause_ja, cause_en, mistake = shapes.diagnose(name, self.made["line"], made_shape, self.cell,
                                                         self.how.course)
        if found:
            slip_ja, slip_en = _slip_words(found, self.how, blank)
            return Verdict("wrong", [headline_ja, slip_ja, *cause_ja], [headline_en, slip_en, *cause_en], shape=shape,
                           mistake=mistake or _slip_mistake(found), slips=[s.kind for s in found])
        if not cause_ja:
            cause_ja, cause_en = [self.pointer[0]], [self.pointer[1]]
        return Verdict("wrong", [headline_ja, *cause_ja], [headline_en, *cause_en], shape=shape,
                       mistake=mistake or "wrong shape")

    def wrong_value(self, got, error, shape):
        name, (pointer_ja, pointer_en) = self.name, self.pointer
        found = self.slips()
        matching = [(ja, en) for wrong, ja, en in (self.blank.mistakes if self.how.curated else ())
                    if _matches(_wrong_value(wrong, self.right), got, self.distance)]
        # Two known mistakes with one value (with the notebook's eta = 1 / batch_size, "times eta" is "divided by
        # the batch"): only the learner's own line tells them apart, so where a slip was found, neither is said.
        known = matching[0] if len(matching) == 1 or (matching and not found) else None
        if found or known:
            slip_ja, slip_en = _slip_words(found, self.how, self.blank) if found else ("", "")
            ja, en = [slip_ja] if found else [], [slip_en] if found else []
            if known and _after_slip(found, known[0]):
                ja.append(_after_slip(found, known[0]))
                en.append(f"Likely mistake: {known[1]}.")
            return Verdict("wrong", ja, [f"{name} is wrong.", *en], error=error, shape=shape,
                           mistake=known[1] if known else _slip_mistake(found),
                           slips=[s.kind for s in found] if found else [])
        if not np.all(np.isfinite(got)):
            return Verdict("wrong", [f"{name} に nan か inf が含まれています。{NAN_CAUSES[0]}", pointer_ja],
                           [f"{name} holds nan or inf. {NAN_CAUSES[1]} {pointer_en}"], error=error, shape=shape,
                           mistake="nan or inf")
        return Verdict("wrong", [f"形は合っていますが、値が違います。{UNEXPLAINED[0]}{pointer_ja}"],
                       [f"{name} has the right shape but a wrong value. {UNEXPLAINED[1]} {pointer_en}"],
                       error=error, shape=shape, mistake="another mistake")


def _slip_mistake(slips):
    """A slip's name for a class's summary (grades.csv's mistake)."""
    return "slip: " + " + ".join(s.kind for s in slips)





# A known mistake's first sentence that a slip of this kind has already said: left out after it.
SAID_BY_SLIP = {"sign": "符号が逆です。", "missing factor": "σ'(U_2) を掛け忘れています。"}


def _after_slip(slips, known_ja):
    """A known mistake's words after the slip's: without what the slip already said."""
    kinds = [s if isinstance(s, str) else s.kind for s in (slips or [])]
    said = SAID_BY_SLIP.get(kinds[0]) if len(kinds) == 1 else None
    if said and known_ja.startswith(said):
        return known_ja.removeprefix(said)
    return f"よくある間違い: {known_ja}"


def _matches(value, got, distance):
    return value is not None and np.shape(value) == got.shape and distance(got, value) < TOLERANCE


def _wrong_value(wrong, right):
    with np.errstate(all="ignore"):
        return wrong(right)


def _rows(made, rows, right, how, where="", cell="training"):
    made = made or {}
    if "cell_raised" in made:
        kind, message = made["cell_raised"]
        return {name: Verdict("error", ["このセルを読めませんでした。"],
                              [f"This cell could not be read: {kind}: {message}"], mistake=kind,
                              detail=f"{kind}: {message}") for name in rows}
    verdicts = {}
    for name in rows:
        if name in made:
            verdicts[name] = judge_row(name, made[name], right, how, cell)
        else:
            verdicts[name] = Verdict("error", [f"{where}{name} に代入する行が見つかりません。"
                                               "行を消してしまっていないか確かめてください。"],
                                     [f"No line {'of inference ' if where else ''}assigns {name}: was it deleted?"],
                                     mistake="line missing")
    return verdicts


def judge_training(made, hints=True, course=None, curated=True, first_only=False):
    """{row: Verdict} for the 14 lines of one SGD step (``runlines.run_training``'s data); ``first_only``: the slip
    search for the first wrong line only (the notebook's check, which shows that line's message alone)."""
    how = How(hints, course, curated, first_only=first_only)
    return _rows(made, TRAINING_ROWS, reference.training_reference(how.course)[3], how)


def judge_inference(made, hints=True, course=None, curated=True, first_only=False):
    """{row: Verdict} for the four lines of ``inference``; every row an error when no ``inference`` is defined."""
    if made == {}:
        return {name: Verdict("error", ["inference を定義する def が見つかりません。"], ["No def of inference found."],
                              mistake="no def") for name in INFERENCE_ROWS}
    how = How(hints, reference.inference_course(course or course_settings.of_notebook()), curated,
              first_only=first_only)
    return _rows(made, INFERENCE_ROWS, reference.inference_reference(how.course)[2], how, "inference の中に ",
                 "inference")


def judge_test(made, hints=True, course=None, curated=True):
    """{row: Verdict} for Y_hat and testacc."""
    how = How(hints, course, curated)
    return _rows(made, TEST_ROWS, reference.test_cell_values(how.course)[1], how, cell="test")


def judge_functions(made, hints=True, course=None, curated=True, first_only=False):
    """{name: Verdict} for the four functions (``runlines.run_functions``'s data)."""
    if "cell_raised" in made:
        kind, message = made["cell_raised"]
        return {name: Verdict("error", ["関数のセルを実行すると、エラーが出ました。"],
                              [f"The cell of the functions raised {kind}: {message}"], mistake=kind,
                              detail=f"{kind}: {message}")
                for name in FUNCTION_ROWS}
    verdicts = {}
    probes = reference.function_probes()
    how = How(hints, course, curated, first_only=first_only)
    for name in FUNCTION_ROWS:
        one = made.get(name) or {"defined": False, "line": "", "lineno": 0, "probes": []}
        if not one["defined"]:
            verdicts[name] = Verdict("error", [f"{name} が定義されていません。"], [f"{name} is not defined."],
                                     mistake="not defined")
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
    # the other probes, the one at ±1000 only where the learner's own line kept it finite (an overflow is said apart)
    finite = [not other[2].get("big") or _finite(result) for other, result in zip(probes, one["probes"], strict=False)]
    also = [checked(other[0], other[1], other[3]) for other, keep in zip(probes, finite, strict=False)
            if other is not probe and keep]
    body = "\n".join(ast.unparse(statement) for statement in node.body)
    return _search(body, env, "__return__", how, "functions", is_right, also)


def _finite(result):
    """Whether a probe's recorded value is numbers, all finite."""
    got = decode(result.get("value") or {})
    return got is not None and bool(np.all(np.isfinite(got)))


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
        slip_ja, slip_en = _slip_words(found, self.how)
        return Verdict(status, [*headline_ja, slip_ja, *self.extra_ja], [*headline_en, slip_en, *self.extra_en],
                       mistake=_slip_mistake(found), detail=detail, slips=[s.kind for s in found])

    def verdict(self, result):
        name, value = self.name, result.get("value") or {}
        if "raised" in result:
            return self.raised(*result["raised"], result.get("lineno", 0))
        if value.get("kind") in ("empty", "none"):
            if value["kind"] == "empty":
                said = ([f"{name} の return の空欄がまだ埋まっていません。"],
                        [f"The return line of {name} is not filled yet."])
            else:
                said = ([f"{name} が何も返していません (return の右側が空です)。"],
                        [f"{name} returns nothing (the return line is empty)."])
            return Verdict("empty", [*said[0], "上の説明にある式を見ながら書いてください。"], said[1])
        got = decode(value)
        if got is None:
            return Verdict("wrong", [f"{name} が数値の配列を返していません。"], [f"{name} does not return numbers."],
                           mistake="not numbers")
        if self.r.get("big") and not np.all(np.isfinite(got)):
            return Verdict("wrong", [f"{name} が大きな入力 (U の要素が ±1000) で nan か inf を返します。",
                                     *OVERFLOW[name]], [f"{name} returns nan or inf for large inputs (entries of U at "
                                                        "±1000): exp overflows to inf, or every exp underflows to 0."],
                           mistake="overflows to nan")
        if value.get("python") and name == "softmax_cross_entropy":
            kind = value["python"]
            return Verdict("wrong", [f"{name} が Python の数 ({kind}) を返しています。"
                                     "講座のエラーチェックは返した値の .shape を確かめるので、"
                                     "float(...) などで直さずに、np.sum の結果 (NumPy の値) のまま返してください。"],
                           [f"{name} returns a Python {kind}: the course's error check reads its .shape, "
                            "so return NumPy's value as it is."], mistake="a Python number, not NumPy's")
        if got.shape != self.want.shape:
            return self.wrong_shape(got)
        error = rel_error(got, self.want)
        return Verdict("ok", error=error) if error < TOLERANCE else self.wrong_value(got, error)

    def raised(self, kind, message, lineno):
        name, detail = self.name, f"{kind}: {message}"
        if kind == "SyntaxError":
            return Verdict("error", [f"{name} の return の行が Python の文になっていません。"],
                           [f"The return line of {name} is not valid Python."], mistake="SyntaxError", lineno=lineno)
        found = self.slipped("error", [f"{name} の中でエラーが出ました。"], [f"{name} raised {detail}"], detail)
        if found:
            return found
        cause_ja, cause_en = [], []
        if kind == "NameError":
            cause_ja = _error_pointer(kind, message, name, "", FUNCTIONS[name], self.how.hints, "functions",
                                      self.how.course)[0]
        elif name == "softmax" and kind == "ValueError" and "broadcast" in message:
            cause_ja = ["和をとると軸が1つ減るので、そのままでは U と割り算できません。割る前に、和の形を shp に"
                        "そろえてください。"]
            cause_en = ["The sum drops an axis, so it cannot divide U as it is: shape it with shp first."]
        return Verdict("error", [f"{name} の中でエラーが出ました。", *cause_ja, *self.extra_ja],
                       [f"{name} raised {detail}", *cause_en, *self.extra_en], mistake=kind, detail=detail)

    def wrong_shape(self, got):
        name, want = self.name, self.want
        headline = ([f"{name} の出力の形が {got.shape} になっています。正しい形は {want.shape} です。"],
                    [f"{name} returned shape {got.shape}; it should be {want.shape} here."])
        scalar = want.shape == () and got.ndim >= 1
        found = None if scalar else self.slipped("wrong", *headline)
        if found:
            return found
        per_example = (["よくある間違い: データごとの和で止まっています。"
                        "L はミニバッチ全体の和で、1つの数 (形 ()) です。"],
                       ["Likely mistake: the sum stops at each example; L is one number for the batch."])
        return Verdict("wrong", [*headline[0], *(per_example[0] if scalar else []), *self.extra_ja],
                       [*headline[1], *(per_example[1] if scalar else []), *self.extra_en],
                       mistake="a sum per example" if scalar else "wrong shape")

    def known(self, got):
        for number, (wrong, ja, en) in enumerate(FUNCTIONS[self.name].mistakes if self.how.curated else ()):
            value = _wrong_value(wrong, self.r)
            if np.shape(value) == got.shape and rel_error(got, value) < TOLERANCE:
                if self.name == "softmax" and number == 0 and self.kwargs.get("reduce_axis") == 1:  # right at 0
                    ja = ("軸が reduce_axis ではなく axis=0 に固定されています。"
                          "最大値も和も reduce_axis の方向でとってください。")
                    en = "the axis is fixed at 0 instead of reduce_axis, for the max and the sum"
                return ja, en
        return None

    def wrong_value(self, got, error):
        name, known = self.name, self.known(got)
        found = self.slipped("wrong", [], [f"{name} is wrong."])
        if found and known:
            found.ja[1:1] = [t for t in [_after_slip(found.slips, known[0])] if t]
            found.en[2:2], found.mistake = [f"Likely mistake: {known[1]}."], known[1]
        if found:
            return found
        if known:
            return Verdict("wrong", [f"よくある間違い: {known[0]}", *self.extra_ja],
                           [f"{name} is wrong.", f"Likely mistake: {known[1]}.", *self.extra_en], mistake=known[1])
        if not np.all(np.isfinite(got)):
            return Verdict("wrong", [f"{name} が nan か inf を返します。{NAN_CAUSES[0]}", *self.extra_ja],
                           [f"{name} returns nan or inf. {NAN_CAUSES[1]}", *self.extra_en], mistake="nan or inf")
        return Verdict("wrong", ["形は合っていますが、値が違います。" + UNEXPLAINED[0] +
                                 "上の説明にある式と見比べてください。", *self.extra_ja],
                       [f"{name} is wrong. {UNEXPLAINED[1]} Compare it with its equation above.", *self.extra_en],
                       mistake="another mistake", error=error)


def judge_cells(made, hints=True, course=None, curated=True):
    """A verdict for each of the 24 blanks (``blanks.BLANK_COLUMNS``), from ``runlines.run_cells``'s data."""
    judges = {"functions": (judge_functions, ""), "inference": (judge_inference, "inference."),
              "training": (judge_training, "training."), "test": (judge_test, "")}
    rows = {"functions": FUNCTION_ROWS, "inference": INFERENCE_ROWS, "training": TRAINING_ROWS, "test": TEST_ROWS}
    verdicts = {}
    for cell, (judge, prefix) in judges.items():
        if made.get(cell) is None:
            found = {name: Verdict("error", ["このセルが見つかりません。"], ["This cell was not found."],
                                   mistake="cell missing") for name in rows[cell]}
        else:
            found = judge(made[cell], hints, course, curated)
        verdicts.update({prefix + name: v for name, v in found.items()})
    return {name: verdicts[name] for name in BLANK_COLUMNS}


__all__ = ["TOLERANCE", "Verdict", "judge_cells", "judge_functions", "judge_inference",
           "judge_row", "judge_test", "judge_training"]
