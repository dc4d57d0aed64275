"""The one renderer of a verdict: the message a learner reads, the same in the notebook, on a feedback page and on
Gradescope.

A verdict (``judge.Verdict.as_dict()``) is structured data: a status, the cause in Japanese and English, the line,
Python's own words for an error (``detail``). ``render`` turns it into the message: a headline naming the cell, the
blank and the line, the Japanese paragraph, Python's words on their own, then one English paragraph. ``text`` lays
those out as plain text; the report escapes the same lines for HTML.
"""

import re

from .blanks import BLANKS, MISSING, TEST
from .contract import BLANK_LINE

# Where a column's line lives, as the Japanese headline says it (the English paragraph is the verdict's own).
CELLS = {"training": "学習のセル", "inference": "inference ", "functions": "関数のセル", "test": "テストデータのセル"}
STATES = {"wrong": "が間違っています", "error": "でエラーが出ました", "empty": "がまだ埋まっていません"}


def cell_of(column):
    """The cell a grades.csv column belongs to: training, inference, functions or test."""
    if "." in column:
        return column.split(".")[0]
    return "test" if column in ("Y_hat", "testacc") else "functions"


def render(column, v):
    """(Japanese lines, Python's words or "", English lines) of the verdict v (a dict) on the blank ``column``."""
    name, cell = column.split(".")[-1], cell_of(column)
    where_ja = CELLS[cell]
    label = f"{name} の return の行" if cell == "functions" else f"{where_ja}の {name} の行"
    if v["status"] == "ok":
        return ["正しいです。"], "", ["Right."]
    if v.get("mistake") in MISSING:  # the line is not there at all: say so, not that it raised
        ja = list(v["ja"]) if cell == "functions" else [f"{where_ja}に {name} の行が見つかりません。", *v["ja"][1:]]
    elif v["status"] == "empty":
        at = f" ({v['lineno']}行目) " if v.get("lineno") else ""
        ja = [f"{label}{at}がまだ埋まっていません。", *v["ja"][1:]]
    else:
        lines = [part.strip() for part in v.get("line", "").split("\n") if part.strip()]
        if v.get("lineno") and len(lines) > 1:  # a blank written over several lines: each on its own
            last = v["lineno"] + v["line"].count("\n")
            ja = [f"{label}{STATES[v['status']]} ({v['lineno']}〜{last}行目)。", *(f"    {x}" for x in lines), *v["ja"]]
        else:
            where = f" ({v['lineno']}行目 `{lines[0] if lines else ''}`)" if v.get("lineno") else ""
            ja = [f"{label}{STATES[v['status']]}{where}。", *v["ja"]]
    detail = f"({v['detail']})" if v.get("detail") else ""
    return ja, detail, list(v["en"])


def text(ja, detail="", en=()):
    """The message as plain text: the Japanese lines, Python's words, then the English, each a paragraph."""
    return "\n\n".join(part for part in ("\n".join(ja).strip("\n"), detail, "\n".join(en).strip("\n")) if part)


# --------------------------------------------------------------------------------------
# A slip the search found (slips.py): where it is in the learner's line, and what kind of slip it is
# --------------------------------------------------------------------------------------

_OPERATION = {"*": ("要素ごとの積 `*`", "an element-wise product `*`"), "@": ("行列の積 `@`", "a matrix product `@`"),
              "/": ("割り算 `/`", "a division `/`"), "+": ("足し算 `+`", "an addition `+`"),
              "-": ("引き算 `-`", "a subtraction `-`")}
_FUNCTION = {"sigmoid": ("シグモイド関数 σ (sigmoid)", "the sigmoid"),
             "dsigmoid_du": ("σ の導関数 σ' (dsigmoid_du)", "sigma' (dsigmoid_du)"),
             "softmax": ("ソフトマックス関数", "softmax"), "tanh": ("tanh", "tanh"),
             "np.exp": ("exp", "exp"), "exp": ("exp", "exp"), "np.log": ("log", "log"), "log": ("log", "log"),
             "log10": ("np.log10 (常用対数)", "np.log10 (base 10)"), "log2": ("np.log2", "np.log2"),
             "sum": ("和 (sum)", "sum"), "mean": ("平均 (mean)", "mean"), "max": ("最大値 (max)", "max")}
_SETTING = {"eta": ("学習率 eta", "the learning rate eta"),
            "batch_size": ("ミニバッチの枚数 batch_size", "the batch size (batch_size)"),
            "nb_classes": ("クラスの数 nb_classes", "nb_classes")}


def _name_relation(old, new):
    """How two names a learner mixed up differ, in words (ja, en)."""
    if old.replace("2", "3") == new or old.replace("3", "2") == new:
        return "層が違います", "another layer's"
    if old.replace("U", "Z") == new or old.replace("Z", "U") == new:
        return "活性化関数を通す前 (U) と後 (Z) を取り違えています", "before (U) and after (Z) the activation mixed up"
    if old.lower() == new.lower():
        return ("大文字と小文字で別の変数です (`Y_hat` は確率、`y_hat` はラベルのように)",
                "upper and lower case are different variables (Y_hat probabilities, y_hat labels)")
    sets = ("train", "valid", "test")
    if any(w in old for w in sets) and any(w in new for w in sets) and not any(w in old and w in new for w in sets):
        return "データの組 (訓練・検証・テスト) が違います", "the wrong set (training, validation, test)"
    return "別の変数と取り違えています", "another variable's"


def _factor_words(factor):
    """What a factor is, in the course's words, where it has a name of its own."""
    if "dsigmoid_du" in factor:
        return "σ'", "sigma'"
    if factor in _SETTING:
        return _SETTING[factor]
    return f"`{factor}`", f"`{factor}`"


def _words(table):
    """(kind, (Japanese, English)) for each row `kind | Japanese | English` of a table (a row continues on the lines
    indented below it)."""
    for row in re.split(r"\n(?=\S)", table.strip()):
        kind, ja, en = (re.sub(r"\s*\n\s*", "", cell).strip() if i == 1 else re.sub(r"\s*\n\s*", " ", cell).strip()
                        for i, cell in enumerate(re.split(r" \|\s", row)))
        yield kind, (ja, en)


# What each kind of slip (rules.RANK) says: Japanese, then English, filled in with the learner's part, the name or
# function it stands for (what), the corrected part (fixed) and, for keepdims, the shape the part makes (shape).
SLIP_WORDS = dict(_words("""
transpose extra | `{part}` の .T は不要なようです。 | The .T of `{part}` looks unneeded.
transpose missing | `{part}` は転置 (.T) して使うところのようです。 | `{part}` seems to need a .T.
order | `{part}` は、左右が逆のようです。 | The two sides of `{part}` seem the wrong way round.
sign | `{part}` の符号が逆です。 | The sign of `{part}` is flipped.
extra term | `{part}` の `{what}` の項はよけいです。 | The term `{what}` of `{part}` is one too many.
extra constant | `{part}` の `{what} -` はよけいです。 | The `{what} -` of `{part}` is one too many.
intermediate | `{part}` は、ここで使う量ではなく、その途中の量です。すでに求めた変数を使うところです。 |
    `{part}` is a quantity on the way, not the one to use here: a variable computed above is.
axis | `{part}` の axis={what} の向きが逆です。 | The axis={what} of `{part}` is the other axis.
sum everything | `{part}` はすべての要素を足しています。足すのは一方の軸 (axis) の方向だけです。 |
    `{part}` sums every entry: sum along one axis only.
keepdims | `{part}` に keepdims=True がないので、形が {shape} になり、列ベクトル (形の最後が 1) になりません。 |
    `{part}` has no keepdims=True, so its shape is {shape}, not a column.
function twice | `{part}` で {what} を2回使っています。 | `{part}` applies {what} twice.
square missing | `{part}` の2乗が抜けています。 | `{part}` is not squared.
square extra | `{part}` の累乗はよけいです。 | The power in `{part}` is one too many.
index | `{part}` の添字 {what} が違います (shape[0] は行の数、shape[1] は列の数です)。 |
    The index {what} of `{part}` is the other one (shape[0] rows, shape[1] columns).
spelling | `{what}` は、`{fixed}` の書き間違いのようです。 | `{what}` looks like a misspelling of `{fixed}`.
names swapped | `{what}` と `{fixed}` が入れ替わっています。 | `{what}` and `{fixed}` are the wrong way round.
slice extra | `{part}` で一部だけを取り出しています。 | `{part}` takes a part of the array only.
line twice | `{part}` が2回書かれています。1回のミニバッチで、この計算は1回です。 |
    `{part}` is written twice: once a mini-batch.
axis fixed | 軸が reduce_axis ではなく {part} に固定されています。最大値も和も reduce_axis の方向でとってください。 |
    The axis is fixed at {part} instead of reduce_axis, for the max and the sum.
normalise missing | `{part}` を、その和で割っていません。 | `{part}` is not divided by its sum.
brackets | `{part}` のかっこの位置が違います。 | The brackets of `{part}` are in the wrong place.
function missing | `{part}` に {what_ja} を通し忘れています。 | `{part}` misses {what_en}.
function extra | `{part}` の {what_ja} はよけいです。 | The {what_en} of `{part}` is one too many.
sum extra | `{part}` の {what_ja} はよけいです。 | The {what} of `{part}` is one too many.
literal | `{part}` は、このノートブックの{setting_ja} ({fixed}) と違う数です。 |
    `{part}` is not this notebook's {setting_en} ({fixed}).
"""))


def _operator(slip):
    old, new = ("**", slip.what[2:]) if slip.what.startswith("**") else (slip.what[:1], slip.what[1:])
    ja, en = _OPERATION.get(new, (new, new))
    return f"`{slip.part}` の `{old}` は、{ja} のところです。", f"The `{old}` of `{slip.part}` should be {en}."


def _name(slip):
    what, fixed = slip.what, slip.fixed
    old_layer, new_layer = re.findall(r"[23]", what), re.findall(r"[23]", fixed)
    if old_layer and new_layer and what.replace(old_layer[-1], new_layer[-1]) == fixed:
        return (f"`{what}` は{old_layer[-1]}層目の変数です。ここは{new_layer[-1]}層目の変数を使うところです。",
                f"`{what}` belongs to layer {old_layer[-1]}; this place takes layer {new_layer[-1]}'s.")
    ja, en = _name_relation(what, fixed)
    if ja == _name_relation("a", "b")[0]:
        return f"`{what}` は、別の変数と取り違えているようです。", f"`{what}` seems mixed up with another variable."
    return f"`{what}` は、別の変数のところです ({ja})。", f"`{what}` should be another variable ({en})."


def _extra_factor(slip):
    part, what = slip.part, slip.what
    if "sigmoid" in what and "Delta_2" in part:
        return (f"`{part}` では σ' が2回掛かっています: Δ_2 にはもう σ' が入っています。",
                f"sigma' is multiplied twice in `{part}`: Delta_2 already holds it.")
    if "sigmoid" in what:
        return f"`{part}` の `{what}` はよけいです。", f"The `{what}` of `{part}` is one factor too many."
    ja, en = _factor_words(what)
    if slip.op == "/":
        return f"`{part}` では、{ja} で割る必要はありません。", f"`{part}` need not be divided by {en}."
    return f"`{part}` では、{ja} がよけいに掛かっています。", f"In `{part}`, {en} is one factor too many."


def _missing(slip):
    ja, en = _factor_words(slip.what)
    if slip.kind == "missing term":
        verb = ("引く", "subtract") if slip.op == "-" else ("足す", "add")
        return (f"`{slip.part}` に `{slip.what}` を{verb[0]}のを忘れています。",
                f"`{slip.part}` does not {verb[1]} `{slip.what}`.")
    if slip.op == "/":
        return f"`{slip.part}` を {ja} で割るのを忘れています。", f"`{slip.part}` is not divided by {en}."
    return f"`{slip.part}` に {ja} を掛け忘れています。", f"`{slip.part}` misses the factor {en}."


def _function(slip):
    old, new = slip.what.split(">")
    if old == "log10":
        return (f"`{slip.part}` の np.log10 は常用対数です。誤差の log は自然対数 np.log です。",
                f"np.log10 in `{slip.part}` is base 10: the loss's log is the natural np.log.")
    if (old, new) == ("mean", "sum"):
        return (f"`{slip.part}` の平均 (mean) は、和 (sum) のところです。"
                "平均は、和をミニバッチの枚数で割ったものです。",
                f"The mean of `{slip.part}` should be a sum: a mean divides the sum by the batch size.")
    (old_ja, old_en), (new_ja, new_en) = _FUNCTION.get(old, (old, old)), _FUNCTION.get(new, (new, new))
    return (f"`{slip.part}` は、{old_ja} ではなく、{new_ja} を使うところです。",
            f"`{slip.part}` takes {new_en}, not {old_en}.")


def _argument(slip):
    if slip.what == "tanh":
        return (f"`{slip.part}` の tanh の引数がずれています。σ(u) = (1 + tanh(u/2)) / 2 です。",
                f"The argument of tanh in `{slip.part}` is off: sigma(u) = (1 + tanh(u/2)) / 2.")
    return (f"`{slip.part}` の {slip.what} の引数が2倍か半分ずれています。",
            f"The argument of {slip.what} in `{slip.part}` is off by 2.")


def _bracket(slip):
    if "(" in slip.what:
        return (f"かっこの数が合っていません (`{slip.what}` が閉じられていません)。",
                f"The brackets do not match: a `{slip.what}` is not closed.")
    return "かっこの数が合っていません (`)` が1つ多いです)。", "The brackets do not match: one `)` too many."


def _sum_missing(slip):
    ja = "ミニバッチについて (axis=1)" if slip.what == "1" else "axis=0 の方向に"
    return f"`{slip.part}` を{ja}足すのを忘れています。", f"`{slip.part}` is not summed (axis={slip.what})."


# The kinds whose words depend on more than a template fills in.
_SLIP_SAYERS = {"operator": _operator, "name": _name, "other name": _name, "extra factor": _extra_factor,
                "missing factor": _missing, "missing term": _missing, "function": _function,
                "argument scale": _argument, "bracket": _bracket, "sum missing": _sum_missing}


def slip_sentence(slip, widths=None):
    """(ja, en): where a slip is in the learner's line and what kind of slip it is, never the fixed line."""
    if slip.kind in _SLIP_SAYERS:
        return _SLIP_SAYERS[slip.kind](slip)
    what_ja, what_en = _FUNCTION.get(slip.what, (slip.what, slip.what))
    setting_ja, setting_en = _SETTING.get(slip.what, (slip.what, slip.what))
    words = {"part": slip.part, "what": slip.what, "fixed": slip.fixed, "shape": notebook_shape(slip.shape, widths),
             "what_ja": what_ja, "what_en": what_en, "setting_ja": setting_ja, "setting_en": setting_en}
    ja, en = SLIP_WORDS.get(slip.kind, ("`{part}` のところが違います。", "`{part}` is where it goes wrong."))
    return ja.format(**words), en.format(**words)


def notebook_shape(shape, widths=None):
    """A shape on the tiny problem, in the notebook's sizes (``widths``: {tiny width: the notebook's})."""
    return str(tuple((widths or {}).get(s, s) for s in shape))


def slip_message(slips, hints, show_fix, widths=None):
    """(ja, en) for one or two slips: each where it is and what kind; with hints, the part as it should be."""
    ja, en = [], []
    for slip in slips:
        one_ja, one_en = slip_sentence(slip, widths)
        if hints and show_fix and slip.fixed and slip.kind not in ("literal", "name", "other name", "intermediate"):
            one_ja += f" (`{slip.part}` → `{slip.fixed}` で合います)"
        elif hints and show_fix and slip.kind in ("name", "other name", "intermediate"):
            one_ja += f" (`{slip.fixed}` で合います)"
        ja.append(one_ja)
        en.append(one_en)
    return " ".join(ja), " ".join(en)


# --------------------------------------------------------------------------------------
# The words a verdict is made of: where to look, nan, the honest sentence, overflows, a probe's call, a blank
# left, a wrong shape's causes (the judge and the shape reader pick them; nothing else writes a sentence)
# --------------------------------------------------------------------------------------

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


NAN_CAUSES = ("よくある原因は、0 の log、0 での割り算、大きな数の exp (オーバーフロー) です。",
              "The usual causes: the log of 0, a division by 0, exp of a large number (an overflow).")
# Said where neither a slip within two edits nor a known mistake explains a value: one honest sentence.
UNEXPLAINED = ("よくある書き間違いを1〜2か所直す範囲では、正しい値になる書き方が見つかりませんでした。",
               "No one or two of the usual small edits of the line give the right value.")


OVERFLOW = {  # why a function returns nan at +-1000, and what to do: the handout shows both functions' equations
    "softmax": ["exp が inf にオーバーフローするか、どれも 0 にアンダーフローして 0 / 0 になっています。",
                "exp をとる前に、reduce_axis の方向に (列ごとに) 最大値を引いてください。分子と分母で打ち消し合うので"
                "値は変わらず、オーバーフローもアンダーフローもしません。"],
    "sigmoid": ["exp が inf にオーバーフローし、inf / inf が nan になっています。学習中に U が大きくなると、"
                "ネットワークでも同じことが起きます。",
                "上の式のとおり 1 / (1 + exp(−U)) と書けば、exp(−U) が inf になっても 1 / inf = 0 で、nan に"
                "なりません。"],
}


def probe_call(name, kwargs):
    """How a probe called the function, for a learner who never made that call."""
    if kwargs.get("reduce_axis") == 1:
        return (f"{name}(U, reduce_axis=1) で確かめたときの結果です (U の1行が1つのデータ)。"
                "このノートブックではこの呼び方をしませんが、reduce_axis の方向に計算する関数なので、"
                "reduce_axis=1 でも正しく動く必要があります。",
                f"This is the call {name}(U, reduce_axis=1), one example per row of U. The notebook never calls it "
                "that way, but the function computes along reduce_axis, so it must work there too.")
    return "", ""


def blank_message(lines, hints=True):
    """The message for the first blank of a cell, or None: it names the blank and where to look, never the answer."""
    function = None
    for number, line in enumerate(lines, 1):
        defined = re.match(r"\s*def\s+(\w+)", line)
        function = defined.group(1) if defined else function
        match = BLANK_LINE.match(line)
        if match:
            name = match.group(2)
            blank = (BLANKS.get(f"training.{name}") or BLANKS.get(name)) if name else BLANKS.get(function or "")
            pointer_ja, pointer_en = hint_pointer(blank, hints, empty=True) if blank else ("", "")
            label_ja = f"{name} の行" if name else f"{function} の return の行"
            label_en = name or f"{function} (return)"
            return text([f"{label_ja} ({number}行目) がまだ埋まっていません。{pointer_ja}".strip()], "",
                        [f"{label_en}: line {number} is not filled yet. {pointer_en}".strip()])
    return None


# What each family of change says: (Japanese, English, the mistake's name for a class's summary), filled in with the
# operand, its shape s, the blank's name, and made_ja / made_en (the shape the line made, and where from).
SHAPE_CAUSES = {
    "input": ("{made_ja}この層への入力が {operand} でよいか確かめてください。",
              "{made_en}: check that {operand} is this layer's input.", "{operand}: the wrong layer's input"),
    "layer": ("{made_ja}{operand} を別の層の変数と取り違えていないか確かめてください。",
              "{made_en}: check that {operand} belongs to this layer.", "{operand}: another layer's tensor"),
    "star": ("`{operand}` の `*` は要素ごとの積です。行列の積は `@` (または np.dot) で書きます。",
             "The `*` of `{operand}` multiplies element by element; the matrix product is `@` (or np.dot).",
             "* for the matrix product"),
    "order": ("掛ける順番が逆のようです (`{operand}`)。それぞれの形を見比べてください。",
              "The factors seem to be in the wrong order (`{operand}`): compare their shapes.",
              "factors in the wrong order"),
    "delta for bias": ("{operand} は形 {s} なので、{name} の形が {got} になってしまいます。"
                       "{name} の更新には、すぐ上で求めたバイアスの勾配を使ってください。",
                       "{made_en}: {name}'s step uses the bias's gradient computed just above.",
                       "a delta used for a bias"),
    "weight for bias": ("{operand} は形 {s} の重みの勾配なので、{name} の形も {got} になってしまいます。"
                        "{name} はバイアスなので、バイアスの勾配を使ってください。",
                        "{made_en}: {operand} is a weight's gradient, and {name} is a bias.",
                        "a weight's gradient used for a bias"),
    "untransposed": ("{operand} {s} が転置されていないようです。{operand} の形と、掛ける相手の形を見比べてください。",
                     "{operand} {s} seems to be left untransposed: compare its shape with the other factor's.",
                     "{operand} left untransposed"),
    "X twice": ("X はすでに {s} です ({where} で転置済み)。X.T で二重に転置しています。",
                "X is already {s} (transposed once above): X.T transposes it twice.", "X transposed twice"),
    "transposed extra": ("{operand} はすでに {s} です。{operand}.T の .T は不要なようです。",
                         "{operand} is already {s}: the .T of {operand}.T looks extra.",
                         "{operand} transposed once too often"),
}
