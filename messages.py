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


def slip_sentence(slip, widths=None):
    """(ja, en): where a slip is in the learner's line and what kind of slip it is, never the fixed line."""
    part, what = slip.part, slip.what
    if slip.kind == "operator":
        old, new = what[:1] if what[:2] != "**" else "**", what[1:]
        ja, en = _OPERATION.get(new, (new, new))
        return f"`{part}` の `{old}` は、{ja} のところです。", f"The `{old}` of `{part}` should be {en}."
    if slip.kind == "transpose extra":
        return f"`{part}` の .T は不要なようです。", f"The .T of `{part}` looks unneeded."
    if slip.kind == "transpose missing":
        return f"`{part}` は転置 (.T) して使うところのようです。", f"`{part}` seems to need a .T."
    if slip.kind == "order":
        return f"`{part}` は、左右が逆のようです。", f"The two sides of `{part}` seem the wrong way round."
    if slip.kind in ("name", "other name"):
        old_layer, new_layer = re.findall(r"[23]", what), re.findall(r"[23]", slip.fixed)
        if old_layer and new_layer and what.replace(old_layer[-1], new_layer[-1]) == slip.fixed:
            return (f"`{what}` は{old_layer[-1]}層目の変数です。ここは{new_layer[-1]}層目の変数を使うところです。",
                    f"`{what}` belongs to layer {old_layer[-1]}; this place takes layer {new_layer[-1]}'s.")
        ja, en = _name_relation(what, slip.fixed)
        if ja == _name_relation("a", "b")[0]:
            return f"`{what}` は、別の変数と取り違えているようです。", f"`{what}` seems mixed up with another variable."
        return f"`{what}` は、別の変数のところです ({ja})。", f"`{what}` should be another variable ({en})."
    if slip.kind == "sign":
        return f"`{part}` の符号が逆です。", f"The sign of `{part}` is flipped."
    if slip.kind == "extra factor":
        ja, en = _factor_words(what)
        if "dsigmoid_du" in what or "sigmoid" in what:
            return (f"`{part}` では σ' が2回掛かっています: Δ_2 にはもう σ' が入っています。",
                    f"sigma' is multiplied twice in `{part}`: Delta_2 already holds it.") if "Delta_2" in part else \
                (f"`{part}` の `{what}` はよけいです。", f"The `{what}` of `{part}` is one factor too many.")
        if slip.op == "/":
            return f"`{part}` では、{ja} で割る必要はありません。", f"`{part}` need not be divided by {en}."
        return f"`{part}` では、{ja} がよけいに掛かっています。", f"In `{part}`, {en} is one factor too many."
    if slip.kind == "extra term":
        return f"`{part}` の `{what}` の項はよけいです。", f"The term `{what}` of `{part}` is one too many."
    if slip.kind == "missing factor":
        ja, en = _factor_words(what)
        if slip.op == "/":
            return f"`{part}` を {ja} で割るのを忘れています。", f"`{part}` is not divided by {en}."
        return f"`{part}` に {ja} を掛け忘れています。", f"`{part}` misses the factor {en}."
    if slip.kind == "missing term":
        verb = ("引く", "subtract") if slip.op == "-" else ("足す", "add")
        return f"`{part}` に `{what}` を{verb[0]}のを忘れています。", f"`{part}` does not {verb[1]} `{what}`."
    if slip.kind == "intermediate":
        return (f"`{part}` は、ここで使う量ではなく、その途中の量です。すでに求めた変数を使うところです。",
                f"`{part}` is a quantity on the way, not the one to use here: a variable computed above is.")
    if slip.kind == "axis":
        return f"`{part}` の axis={what} の向きが逆です。", f"The axis={what} of `{part}` is the other axis."
    if slip.kind == "sum everything":
        return (f"`{part}` はすべての要素を足しています。足すのは一方の軸 (axis) の方向だけです。",
                f"`{part}` sums every entry: sum along one axis only.")
    if slip.kind == "keepdims":
        shape = notebook_shape(slip.shape, widths)
        return (f"`{part}` に keepdims=True がないので、形が {shape} になり、列ベクトル (形の最後が 1) になりません。",
                f"`{part}` has no keepdims=True, so its shape is {shape}, not a column.")
    if slip.kind == "sum extra":
        word = _FUNCTION.get(what, (what,))[0]
        return f"`{part}` の {word} はよけいです。", f"The {what} of `{part}` is one too many."
    if slip.kind == "sum missing":
        ja = "ミニバッチについて (axis=1)" if what == "1" else "axis=0 の方向に"
        return f"`{part}` を{ja}足すのを忘れています。", f"`{part}` is not summed (axis={what})."
    if slip.kind == "function twice":
        return f"`{part}` で {what} を2回使っています。", f"`{part}` applies {what} twice."
    if slip.kind == "function extra":
        ja, en = _FUNCTION.get(what, (what, what))
        return f"`{part}` の {ja} はよけいです。", f"The {en} of `{part}` is one too many."
    if slip.kind == "function":
        old, new = what.split(">")
        old_ja, old_en = _FUNCTION.get(old, (old, old))
        new_ja, new_en = _FUNCTION.get(new, (new, new))
        if old == "log10":
            return (f"`{part}` の np.log10 は常用対数です。誤差の log は自然対数 np.log です。",
                    f"np.log10 in `{part}` is base 10: the loss's log is the natural np.log.")
        if (old, new) == ("mean", "sum"):
            return (f"`{part}` の平均 (mean) は、和 (sum) のところです。平均は、和をミニバッチの枚数で割ったものです。",
                    f"The mean of `{part}` should be a sum: a mean divides the sum by the batch size.")
        return (f"`{part}` は、{old_ja}ではなく、{new_ja}を使うところです。",
                f"`{part}` takes {new_en}, not {old_en}.")
    if slip.kind == "function missing":
        ja, en = _FUNCTION.get(what, (what, what))
        return f"`{part}` に {ja} を通し忘れています。", f"`{part}` misses {en}."
    if slip.kind == "argument scale":
        if what == "tanh":
            return (f"`{part}` の tanh の引数がずれています。σ(u) = (1 + tanh(u/2)) / 2 です。",
                    f"The argument of tanh in `{part}` is off: sigma(u) = (1 + tanh(u/2)) / 2.")
        return f"`{part}` の {what} の引数が2倍か半分ずれています。", f"The argument of {what} in `{part}` is off by 2."
    if slip.kind == "square missing":
        return f"`{part}` の2乗が抜けています。", f"`{part}` is not squared."
    if slip.kind == "square extra":
        return f"`{part}` の累乗はよけいです。", f"The power in `{part}` is one too many."
    if slip.kind == "index":
        return (f"`{part}` の添字 {what} が違います (shape[0] は行の数、shape[1] は列の数です)。",
                f"The index {what} of `{part}` is the other one (shape[0] rows, shape[1] columns).")
    if slip.kind == "literal":
        ja, en = _SETTING.get(what, (what, what))
        return (f"`{part}` は、このノートブックの{ja} ({slip.fixed}) と違う数です。",
                f"`{part}` is not this notebook's {en} ({slip.fixed}).")
    if slip.kind == "spelling":
        return (f"`{what}` は、`{slip.fixed}` の書き間違いのようです。",
                f"`{what}` looks like a misspelling of `{slip.fixed}`.")
    if slip.kind == "bracket":
        return (f"かっこの数が合っていません (`{what}` が閉じられていません)。",
                f"The brackets do not match: a `{what}` is not closed.") if "(" in what else \
            ("かっこの数が合っていません (`)` が1つ多いです)。", "The brackets do not match: one `)` too many.")
    if slip.kind == "slice extra":
        return f"`{part}` で一部だけを取り出しています。", f"`{part}` takes a part of the array only."
    if slip.kind == "line twice":
        return (f"`{part}` が2回書かれています。1回のミニバッチで、この計算は1回です。",
                f"`{part}` is written twice: once a mini-batch.")
    if slip.kind == "axis fixed":
        return (f"軸が reduce_axis ではなく {part} に固定されています。"
                "最大値も和も reduce_axis の方向でとってください。",
                f"The axis is fixed at {part} instead of reduce_axis, for the max and the sum.")
    if slip.kind == "normalise missing":
        return f"`{part}` を、その和で割っていません。", f"`{part}` is not divided by its sum."
    if slip.kind == "brackets":
        return f"`{part}` のかっこの位置が違います。", f"The brackets of `{part}` are in the wrong place."
    return f"`{part}` のところが違います。", f"`{part}` is where it goes wrong."


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
