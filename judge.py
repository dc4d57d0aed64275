"""The judge: what a learner's lines made (``runlines.py``'s data) against the reference, as a verdict per blank.

Every value is compared with its right value (``reference.py``) by ``rel_error``: numbers are judged, never text, so
``np.dot``, ``@``, ``keepdims=True`` or ``.reshape(-1, 1)`` all pass. A wrong value is matched against the blank's
known mistakes (``blanks.py``); a wrong shape is read for the operand to blame. The verdict carries the message
the learner reads, Japanese first, then one English paragraph.

Nothing here runs a learner's code: the grader judges, outside its sandbox, data that a sandboxed run produced. No
IPython, no module-level setting: whether the handout has hints is an argument.
"""

from dataclasses import dataclass, field

import numpy as np

import diagnosis
import reference
from blanks import COLUMNS, FUNCTION_ROWS, FUNCTIONS, INFERENCE_ROWS, STEP, TEST, TEST_ROWS, TRAINING_ROWS
from reference import rel_error, shape_in_notebook
from runlines import decode

# The largest relative error of a right line (docs/checks.md, "The tolerance"): the 94 right lines of tests/mistakes.py
# reach 1.7e-5 at most (log(Y + 1e-5)), float32 2.3e-8; the nearest wrong value is 0.2 away.
TOLERANCE = 1e-3
UPDATES = ("W_3", "b_3", "W_2", "b_2")  # judged by the step they take (new - old): "eta twice" is 0.9 away, not 0.009
NAN_CAUSES = ("よくある原因は、0 の log、0 での割り算、大きな数の exp (オーバーフロー) です。",
              "The usual causes: the log of 0, a division by 0, exp of a large number (an overflow).")


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

    @property
    def ok(self):
        return self.status == "ok"

    def as_dict(self):
        return {"status": self.status, "ja": self.ja, "en": self.en, "line": self.line, "lineno": self.lineno,
                "mistake": self.mistake, "shape": self.shape, "detail": self.detail,
                "error": self.error if np.isfinite(self.error) else None}


def hint_pointer(blank, hints=True, empty=False):
    """Where the learner finds the equation: the text above, or for the deltas and gradients, the hint."""
    if blank in TEST.values():
        return ("上の「学習結果の確認」のセルと同じように、テストデータ (X_test, y_test) について書いてください。",
                "Write it as in the validation cells above, for the test set (X_test, y_test).")
    if blank.shown:
        if empty:
            return "上の説明にある式を見ながら書いてください。", "Write it from the equation in the text above."
        return "上の説明にある式と見比べてください。", "Compare it with the equation in the text above."
    if not hints:
        return ("上の説明にある形を手がかりに、連鎖律で式を導いてください。",
                "Derive it with the chain rule; the shapes given above are the clue.")
    if empty:
        return ("上の説明にある形を手がかりに、式を導いてください。行き詰まったら「ヒント」を開いてください。",
                "Derive it from the shapes given above; the hint above holds the equation.")
    return ("式をもう一度導いてみてください。「ヒント」を開くと式を確かめられます。",
            "Derive it again; the hint above holds the equation.")


def _error_pointer(kind, message, name, line, blank, hints, cell):
    """What a learner does about the exception their line raised: from the shapes where they tell."""
    if kind == "NameError":
        unknown = message.split("'")[1] if message.count("'") >= 2 else ""
        said = f"`{unknown}` という名前" if unknown else "ある名前"
        return ([f"{said}はまだ定義されていません。変数名にタイプミスがないか確かめてください。"],
                ["It uses a name that is not defined: check the spelling."])
    if kind == "SyntaxError":
        return (["Python の文法として正しくありません (SyntaxError)。かっこの閉じ忘れや、書きかけの式がないか"
                 "確かめてください。"],
                ["It is not valid Python: check the brackets."])
    if kind == "LineTimeout":
        return (["この行が時間内に終わりませんでした。"], ["This line did not finish in its time limit."])
    if kind == "ValueError" and ("matmul" in message or "broadcast" in message):
        ja, en, _ = diagnosis.diagnose(name, line, cell=cell)
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


def judge_row(name, made, right, hints=True, cell="training"):
    """The verdict on one line (``made``: what ``runlines.run_lines`` recorded for it) against ``right[name]``."""
    blank = STEP.get(name) or TEST.get(name)
    if made is None:
        return Verdict("error", [f"{name} に代入する行が見つかりません。行を消してしまっていないか確かめてください。"],
                       [f"No line assigns {name}: was it deleted?"], mistake="line missing")
    verdict = _judge_made(name, blank, made, right, hints, cell)
    verdict.line, verdict.lineno = made["line"], made["lineno"]
    if made.get("unassigned") and not verdict.ok:  # the real cause: what the learner wrote there is never kept
        lineno, text = made["unassigned"]
        verdict.ja = [f"{lineno}行目の `{text}` は計算しただけで、結果をどこにも代入していません。"
                      f"`{name} = ...` のように代入してください。{name} には、その前の行までの値が入ったままです。"]
        verdict.en = [f"Line {lineno}, `{text}`, computes a value but keeps it nowhere: assign it to {name}."]
        verdict.mistake = "a value computed but never assigned"
    return verdict


def _judge_made(name, blank, made, right, hints, cell):
    pointer_ja, pointer_en = hint_pointer(blank, hints)
    value = made.get("value") or {}
    notebook = made.get("notebook") or {}
    if made.get("raised") is None and value.get("kind") == "empty":
        empty_ja, empty_en = hint_pointer(blank, hints, empty=True)
        return Verdict("empty", [f"{name} の空欄がまだ埋まっていません。", empty_ja],
                       [f"{name} is not filled yet. {empty_en}"])
    if made.get("raised") is not None:
        kind, message = notebook.get("raised") or made["raised"]
        what_ja, what_en = _error_pointer(kind, message, name, made["line"], blank, hints, cell)
        return Verdict("error", what_ja, [f"The line of {name} raised {kind}: {message}.", *what_en], mistake=kind,
                       detail=f"{kind}: {message}")
    shape = str(tuple(notebook["shape"])) if "shape" in notebook else ""
    got = decode(value)
    want = right[name]
    if got is None and value.get("kind") == "too big":
        got_shape = tuple(value["shape"])
    elif got is None:
        return Verdict("wrong", [f"{name} が数値の配列になっていません。"], [f"{name} is not an array of numbers."],
                       shape=shape, mistake="not numbers")
    else:
        got_shape = got.shape
    if got_shape != np.shape(want):
        right_shape = shape_in_notebook(blank.shape) if blank.shape else str(np.shape(want))
        seen = shape or str(got_shape)
        cause_ja, cause_en, mistake = diagnosis.diagnose(name, made["line"], tuple(notebook.get("shape", got_shape)),
                                                         cell)
        if not cause_ja:
            cause_ja, cause_en = [pointer_ja], [pointer_en]
        return Verdict("wrong", [f"{name} の形が {seen} になっています。正しい形は {right_shape} です。", *cause_ja],
                       [f"{name} has shape {seen}; it should be {right_shape}.", *cause_en],
                       shape=shape, mistake=mistake or "wrong shape")
    old = right.get(f"old_{name}") if name in UPDATES else 0

    def distance(a, b):
        return rel_error(a - old, b - old)

    error = distance(got, want) if np.all(np.isfinite(got)) else float("inf")
    if error < TOLERANCE:
        return Verdict("ok", error=error, shape=shape)
    for wrong, ja, en in blank.mistakes:
        value = _wrong_value(wrong, right)
        if value is not None and np.shape(value) == got.shape and distance(got, value) < TOLERANCE:
            return Verdict("wrong", [f"よくある間違い: {ja}"], [f"{name} is wrong. Likely mistake: {en}."],
                           error=error, shape=shape, mistake=en)
    if not np.all(np.isfinite(got)):
        return Verdict("wrong", [f"{name} に nan か inf が含まれています。{NAN_CAUSES[0]}", pointer_ja],
                       [f"{name} holds nan or inf. {NAN_CAUSES[1]} {pointer_en}"], error=error, shape=shape,
                       mistake="nan or inf")
    step_ja, step_en = chain_step(blank, hints)
    return Verdict("wrong", [f"形は合っていますが、値が違います。{step_ja}"],
                   [f"{name} has the right shape but a wrong value. {step_en}"],
                   error=error, shape=shape, mistake="another mistake")


def chain_step(blank, hints=True):
    """For a right shape with a wrong value: one step of the chain rule for a derived blank (which factor comes from
    which derivative, never the equation), or the pointer to the equation for a blank whose equation is shown."""
    if blank.shown or not blank.chain:
        return hint_pointer(blank, hints)
    ja, en = blank.chain
    if hints:
        return f"{ja}それでも合わなければ「ヒント」を開いてください。", f"{en} If it still differs, open the hint."
    return ja, en


def _wrong_value(wrong, right):
    with np.errstate(all="ignore"):
        return wrong(right)


def _rows(made, rows, right, hints, where="", cell="training"):
    made = made or {}
    if "cell_raised" in made:
        kind, message = made["cell_raised"]
        return {name: Verdict("error", ["このセルを読めませんでした。"],
                              [f"This cell could not be read: {kind}: {message}"], mistake=kind,
                              detail=f"{kind}: {message}") for name in rows}
    verdicts = {}
    for name in rows:
        if name in made:
            verdicts[name] = judge_row(name, made[name], right, hints, cell)
        else:
            verdicts[name] = Verdict("error", [f"{where}{name} に代入する行が見つかりません。"
                                               "行を消してしまっていないか確かめてください。"],
                                     [f"No line {'of inference ' if where else ''}assigns {name}: was it deleted?"],
                                     mistake="line missing")
    return verdicts


def judge_training(made, hints=True):
    """{row: Verdict} for the 14 lines of one SGD step (``runlines.run_training``'s data)."""
    return _rows(made, TRAINING_ROWS, reference.training_reference()[3], hints)


def judge_inference(made, hints=True):
    """{row: Verdict} for the four lines of ``inference``; every row an error when no ``inference`` is defined."""
    if made == {}:
        return {name: Verdict("error", ["inference を定義する def が見つかりません。"], ["No def of inference found."],
                              mistake="no def") for name in INFERENCE_ROWS}
    return _rows(made, INFERENCE_ROWS, reference.inference_reference()[2], hints, "inference の中に ", "inference")


def judge_test(made, hints=True):
    """{row: Verdict} for Y_hat and testacc."""
    return _rows(made, TEST_ROWS, reference.test_cell_values()[1], hints)


def judge_functions(made, hints=True):
    """{name: Verdict} for the four functions (``runlines.run_functions``'s data)."""
    if "cell_raised" in made:
        kind, message = made["cell_raised"]
        return {name: Verdict("error", ["関数のセルを実行すると、エラーが出ました。"],
                              [f"The cell of the functions raised {kind}: {message}"], mistake=kind,
                              detail=f"{kind}: {message}")
                for name in FUNCTION_ROWS}
    verdicts = {}
    probes = reference.function_probes()
    for name in FUNCTION_ROWS:
        one = made.get(name) or {"defined": False, "line": "", "lineno": 0, "probes": []}
        if not one["defined"]:
            verdicts[name] = Verdict("error", [f"{name} が定義されていません。"], [f"{name} is not defined."],
                                     mistake="not defined")
            continue
        verdicts[name] = _judge_function(name, one["probes"], probes[name])
        verdicts[name].line, verdicts[name].lineno = one["line"], one["lineno"]
    return verdicts


OVERFLOW = {  # why a function returns nan at +-1000, and what to do: the handout shows both functions' equations
    "softmax": ["exp が inf にオーバーフローするか、どれも 0 にアンダーフローして 0 / 0 になっています。",
                "exp をとる前に、reduce_axis の方向に (列ごとに) 最大値を引いてください。分子と分母で打ち消し合うので"
                "値は変わらず、オーバーフローもアンダーフローもしません。"],
    "sigmoid": ["exp が inf にオーバーフローし、inf / inf が nan になっています。学習中に U が大きくなると、"
                "ネットワークでも同じことが起きます。",
                "上の式のとおり 1 / (1 + exp(−U)) と書けば、exp(−U) が inf になっても 1 / inf = 0 で、nan に"
                "なりません。"],
}


def _probe_call(name, kwargs):
    """How a probe called the function, for a learner who never made that call."""
    if kwargs.get("reduce_axis") == 1:
        return (f"{name}(U, reduce_axis=1) で確かめたときです (U は (6, 10)、1行が1つのデータ)。"
                "このノートブックではこの呼び方をしませんが、reduce_axis の方向に計算する関数なので、"
                "reduce_axis=1 でも正しく動く必要があります。",
                f"This is the call {name}(U, reduce_axis=1), U of shape (6, 10), one example per row. The notebook "
                "never calls it that way, but the function computes along reduce_axis, so it must work there too.")
    return "", ""


def _judge_function(name, results, probes):
    blank = FUNCTIONS[name]
    largest = 0.0  # the largest relative error over the probes, for a right function
    for result, (_, kwargs, r, want) in zip(results, probes, strict=False):
        call_ja, call_en = _probe_call(name, kwargs)
        extra_ja, extra_en = ([call_ja] if call_ja else []), ([call_en] if call_en else [])
        if "raised" in result:
            kind, message = result["raised"]
            if kind == "SyntaxError":
                return Verdict("error", [f"{name} の return の行が Python の文になっていません。"],
                               [f"The return line of {name} is not valid Python."], mistake="SyntaxError",
                               lineno=result.get("lineno", 0))
            cause_ja, cause_en = [], []
            if name == "softmax" and kind == "ValueError" and "broadcast" in message:
                cause_ja = ["和をとると軸が1つ減るので、そのままでは U と割り算できません。割る前に、和の形を shp に"
                            "そろえてください。"]
                cause_en = ["The sum drops an axis, so it cannot divide U as it is: shape it with shp first."]
            return Verdict("error", [f"{name} の中でエラーが出ました。", *cause_ja, *extra_ja],
                           [f"{name} raised {kind}: {message}", *cause_en, *extra_en], mistake=kind,
                           detail=f"{kind}: {message}")
        value = result["value"]
        if value.get("kind") == "empty":
            return Verdict("empty", [f"{name} の return の空欄がまだ埋まっていません。",
                                     "上の説明にある式を見ながら書いてください。"],
                           [f"The return line of {name} is not filled yet."])
        if value.get("kind") == "none":
            return Verdict("empty", [f"{name} が何も返していません (return の右側が空です)。",
                                     "上の説明にある式を見ながら書いてください。"],
                           [f"{name} returns nothing (the return line is empty)."])
        got = decode(value)
        if got is None:
            return Verdict("wrong", [f"{name} が数値の配列を返していません。"], [f"{name} does not return numbers."],
                           mistake="not numbers")
        if r.get("big") and not np.all(np.isfinite(got)):
            return Verdict("wrong", [f"{name} が大きな入力 (U の要素が ±1000) で nan か inf を返します。",
                                     *OVERFLOW[name]], [f"{name} returns nan or inf for large inputs (entries of U at "
                                                        "±1000): exp overflows to inf, or every exp underflows to 0."],
                           mistake="overflows to nan")
        if got.shape != want.shape:
            scalar = want.shape == () and got.ndim >= 1
            return Verdict("wrong", [f"{name} の出力の形が {got.shape} になっています。正しい形は {want.shape} です。",
                                     *(["よくある間違い: データごとの和で止まっています。L はミニバッチ全体の和で、"
                                        "1つの数 (形 ()) です。"] if scalar else []), *extra_ja],
                           [f"{name} returned shape {got.shape}; it should be {want.shape} here.",
                            *(["Likely mistake: the sum stops at each example; L is one number for the batch."]
                              if scalar else []), *extra_en],
                           mistake="a sum per example" if scalar else "wrong shape")
        error = rel_error(got, want)
        if error < TOLERANCE:
            largest = max(largest, error)
            continue
        for number, (wrong, ja, en) in enumerate(blank.mistakes):
            value = _wrong_value(wrong, r)
            if np.shape(value) == got.shape and rel_error(got, value) < TOLERANCE:
                if name == "softmax" and number == 0 and kwargs.get("reduce_axis") == 1:  # right at reduce_axis=0
                    ja, en = ("軸が reduce_axis ではなく axis=0 に固定されています。最大値も和も reduce_axis の方向で"
                              "とってください。",
                              "the axis is fixed at 0 instead of reduce_axis, for the max and the sum")
                return Verdict("wrong", [f"よくある間違い: {ja}", *extra_ja],
                               [f"{name} is wrong. Likely mistake: {en}.", *extra_en], mistake=en)
        if not np.all(np.isfinite(got)):
            return Verdict("wrong", [f"{name} が nan か inf を返します。{NAN_CAUSES[0]}", *extra_ja],
                           [f"{name} returns nan or inf. {NAN_CAUSES[1]}", *extra_en], mistake="nan or inf")
        return Verdict("wrong", ["形は合っていますが、値が違います。上の説明にある式と見比べてください。", *extra_ja],
                       [f"{name} is wrong: compare it with its equation above.", *extra_en],
                       mistake="another mistake", error=error)
    return Verdict("ok", error=largest)


def judge_cells(made, hints=True):
    """A verdict for each of the 24 blanks (``blanks.COLUMNS``), from ``runlines.run_cells``'s data."""
    judges = {"functions": (judge_functions, ""), "inference": (judge_inference, "inference."),
              "training": (judge_training, "training."), "test": (judge_test, "")}
    rows = {"functions": FUNCTION_ROWS, "inference": INFERENCE_ROWS, "training": TRAINING_ROWS, "test": TEST_ROWS}
    verdicts = {}
    for cell, (judge, prefix) in judges.items():
        if made.get(cell) is None:
            found = {name: Verdict("error", ["このセルが見つかりません。"], ["This cell was not found."],
                                   mistake="cell missing") for name in rows[cell]}
        else:
            found = judge(made[cell], hints)
        verdicts.update({prefix + name: v for name, v in found.items()})
    return {name: verdicts[name] for name in COLUMNS}


__all__ = ["TOLERANCE", "Verdict", "hint_pointer", "judge_cells", "judge_functions", "judge_inference",
           "judge_row", "judge_test", "judge_training"]
