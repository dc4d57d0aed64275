"""The one renderer of a verdict: the message a learner reads, the same in the notebook, on a feedback page and on
Gradescope.

A verdict (``judge.Verdict.as_dict()``) is structured data: a status, the cause in Japanese and English, the line,
Python's own words for an error (``detail``). ``render`` turns it into the message: a headline naming the cell, the
blank and the line, the Japanese paragraph, Python's words on their own, then one English paragraph. ``text`` lays
those out as plain text; the report escapes the same lines for HTML.
"""

import re

from blanks import MISSING

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
# A slip the search found (repair.py): where it is in the learner's line, and what kind of slip it is
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
    for word in ("train", "valid", "test"):
        if word in old and word not in new:
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


# What each kind of slip (repair.RANK) says: Japanese, then English, filled in with the learner's part, the name or
# function it stands for (what), the corrected part (fixed) and, for keepdims, the shape the part makes (shape).
SLIP_WORDS = dict(_words("""
transpose extra | `{part}` の .T は不要なようです。 | The .T of `{part}` looks unneeded.
transpose missing | `{part}` は転置 (.T) して使うところのようです。 | `{part}` seems to need a .T.
order | `{part}` は、左右が逆のようです。 | The two sides of `{part}` seem the wrong way round.
sign | `{part}` の符号が逆です。 | The sign of `{part}` is flipped.
extra term | `{part}` の `{what}` の項はよけいです。 | The term `{what}` of `{part}` is one too many.
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
    return (f"`{slip.part}` は、{old_ja}ではなく、{new_ja}を使うところです。",
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
