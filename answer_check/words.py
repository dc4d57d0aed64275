"""The words: every sentence the answer checks say, Japanese and English together, and no other module of the
package holds a Japanese word (``tests/test_words.py`` fails on one).

Most sentences are rows of the tables in ``words.txt`` (``SAY``, ``MISTAKES``, ``SLIP_WORDS``), each with ``{}``
fields the caller fills: ``say(key, **fill)`` and ``mistake(key, **fill)`` give (ja, en), and a key without words is
an error, never a generic fallback. The sentences that need more than a template (a slip's words by what it changed,
a wrong shape's causes, an overflow's) are here as code. The judge, the cells, the shape reader and the blanks pick
the key; ``message.py`` lays a verdict out as the message. The course's own Japanese text, which finds its cells, is
here too (``STEP_START`` ...). This module imports nothing of the package.
"""

import re
from pathlib import Path

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
        return ("活性化関数を通す前 (U) と後 (Z) を取り違えていませんか",
                "before (U) and after (Z) the activation mixed up")
    if old.lower() == new.lower():
        return ("大文字と小文字で別の変数です (`Y_hat` は確率、`y_hat` はラベルのように)",
                "upper and lower case are different variables (Y_hat probabilities, y_hat labels)")
    sets = ("train", "valid", "test")
    if any(w in old for w in sets) and any(w in new for w in sets) and not any(w in old and w in new for w in sets):
        return "データの組 (訓練・検証・テスト) が違います", "the wrong set (training, validation, test)"
    return "別の変数と取り違えています", "another variable's"


def _spaced(text):
    """text with a space on each side that meets code or Latin letters, none beside Japanese: the particles around it
    then read as the course writes them (「に σ' を」, 「に学習率 eta を」)."""
    left = " " if text[:1].isascii() or text[:1] in "σΔη∂" else ""
    right = " " if text[-1:].isascii() or text[-1:] in "σΔη∂'" else ""
    return f"{left}{text}{right}"


def _factor_words(factor):
    """What a factor is, in the course's words, where it has a name of its own."""
    if "dsigmoid_du" in factor:
        return "σ'", "sigma'"
    if factor in _SETTING:
        return _SETTING[factor]
    return f"`{factor}`", f"`{factor}`"


def _rows(table):
    """(key, (Japanese, English)) for each row `key | Japanese | English` of a table (a row continues on the lines
    indented below it). A row that is not three cells, or a key said twice, is an error naming it."""
    rows = {}
    for row in re.split(r"\n(?=\S)", table.strip()):
        cells = re.split(r" \|\s", row)
        if len(cells) != 3:
            raise ValueError(f"words.txt: a row is `key | Japanese | English`, not {row.strip()[:80]!r}")
        key, ja, en = (re.sub(r"\s*\n\s*", "", cell).strip() if i == 1 else re.sub(r"\s*\n\s*", " ", cell).strip()
                       for i, cell in enumerate(cells))
        if key in rows:
            raise ValueError(f"words.txt: the key {key!r} is written twice")
        rows[key] = (ja, en)
    return rows


def _tables(path):
    """{section: {key: (ja, en)}} of words.txt (its comment lines left out)."""
    text = "\n".join(line for line in path.read_text(encoding="utf-8").split("\n") if not line.startswith("#"))
    parts = re.split(r"^== (\w+) ==$", text, flags=re.M)
    return {name: _rows(body) for name, body in zip(parts[1::2], parts[2::2], strict=True)}


_TABLES = _tables(Path(__file__).resolve().parent / "words.txt")


# What each kind of slip (rules.RANK) says: Japanese, then English, filled in with the learner's part, the name or
# function it stands for (what), the corrected part (fixed) and, for keepdims, the shape the part makes (shape).
SLIP_WORDS = _TABLES["SLIP_WORDS"]


def _operator(slip):
    old, new = ("**", slip.what[2:]) if slip.what.startswith("**") else (slip.what[:1], slip.what[1:])
    ja, en = _OPERATION.get(new, (new, new))
    if old not in slip.part:  # written as NumPy's call (np.dot, np.multiply): the call is the operator
        return f"`{slip.part}` ではなく、{ja} を使います。", f"`{slip.part}` should be {en}."
    return f"`{slip.part}` の `{old}` ではなく、{ja} を使います。", f"The `{old}` of `{slip.part}` should be {en}."


def _name(slip):
    what, fixed = slip.what, slip.fixed
    old_layer, new_layer = re.findall(r"[23]", what), re.findall(r"[23]", fixed)
    if old_layer and new_layer and what.replace(old_layer[-1], new_layer[-1]) == fixed:
        return (f"`{what}` は{old_layer[-1]}層目の変数です。ここは{new_layer[-1]}層目の変数を使います。",
                f"`{what}` belongs to layer {old_layer[-1]}; this place takes layer {new_layer[-1]}'s.")
    ja, en = _name_relation(what, fixed)
    if ja == _name_relation("a", "b")[0]:
        return f"ここは `{what}` ではなく、別の変数です。", f"`{what}` should be another variable."
    return f"ここは `{what}` ではありません。{ja}。", f"`{what}` should be another variable ({en})."


def _extra_factor(slip):
    part, what = slip.part, slip.what
    if "sigmoid" in what and "Delta_2" in part:
        return (f"`{part}` では σ' が2回掛かっています。Δ_2 にはもう σ' が入っています。",
                f"sigma' is multiplied twice in `{part}`: Delta_2 already holds it.")
    if "sigmoid" in what:
        return f"`{part}` の `{what}` は不要です。", f"`{part}` does not need its factor `{what}`."
    ja, en = _factor_words(what)
    if slip.op == "/":
        return f"`{part}` では、{_spaced(ja)}で割る必要はありません。", f"`{part}` need not be divided by {en}."
    return f"`{part}` では、{_spaced(ja)}がよけいに掛かっています。", f"In `{part}`, {en} is one factor too many."


def _missing(slip):
    ja, en = _factor_words(slip.what)
    if slip.kind == "missing term":
        verb = (f"から `{slip.what}` を引き忘れています。", "subtract") if slip.op == "-" else \
            (f"に `{slip.what}` を足し忘れています。", "add")
        return (f"`{slip.part}` {verb[0]}",
                f"`{slip.part}` does not {verb[1]} `{slip.what}`.")
    if slip.op == "/":
        return f"`{slip.part}` を{_spaced(ja)}で割り忘れています。", f"`{slip.part}` is not divided by {en}."
    return f"`{slip.part}` に{_spaced(ja)}を掛け忘れています。", f"`{slip.part}` misses a factor: {en}."


def _function(slip):
    old, new = slip.what.split(">")
    if old == "log10":
        return (f"`{slip.part}` の np.log10 は常用対数です。誤差の log は自然対数 np.log です。",
                f"np.log10 in `{slip.part}` is base 10: the loss's log is the natural np.log.")
    if (old, new) == ("mean", "sum"):
        return (f"`{slip.part}` では、平均 (mean) ではなく和 (sum) を使います。平均は、和を要素の数で割ったものです。",
                f"The mean of `{slip.part}` should be a sum: a mean divides the sum by the number of entries.")
    (old_ja, old_en), (new_ja, new_en) = _FUNCTION.get(old, (old, old)), _FUNCTION.get(new, (new, new))
    return (f"`{slip.part}` では、{_spaced(old_ja).lstrip()}ではなく{_spaced(new_ja)}を使います。",
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


def _axis(slip):
    key = slip.shape[0] if slip.shape and isinstance(slip.shape[0], str) else "axis"
    old, new = slip.what, str(1 - int(slip.what)) if slip.what in ("0", "1") else "?"
    return (f"`{slip.part}` は {key}={old} の方向に計算していますが、ここは {key}={new} の方向です。",
            f"`{slip.part}` works along {key}={old}; this place takes {key}={new}.")


def _sum_missing(slip):
    ja = "ミニバッチの方向 (axis=1) に" if slip.what == "1" else "axis=0 の方向に"
    return f"`{slip.part}` を{ja}足し忘れています。", f"`{slip.part}` is not summed (axis={slip.what})."


# The kinds whose words depend on more than a template fills in.
_SLIP_SAYERS = {"operator": _operator, "name": _name, "other name": _name, "extra factor": _extra_factor,
                "missing factor": _missing, "missing term": _missing, "function": _function,
                "argument scale": _argument, "bracket": _bracket, "sum missing": _sum_missing, "axis": _axis}


def slip_words(kind):
    """The words of one kind of slip: a function of (slip, widths) giving (ja, en). A kind without words is an
    error naming the row to add (``rules.Rule`` asks for its kind's words when it is made)."""
    if kind in _SLIP_SAYERS:
        return lambda slip, widths=None: _SLIP_SAYERS[kind](slip)
    if kind not in SLIP_WORDS:
        raise KeyError(f"the slip kind {kind!r} has no words: add a row `{kind} | ja | en` to SLIP_WORDS in "
                       "answer_check/words.txt")
    return _template


def slip_sentence(slip, widths=None):
    """(ja, en): where a slip is in the learner's line and what kind of slip it is, never the fixed line."""
    ja, en = slip_words(slip.kind)(slip, widths)
    return _joined(ja), en


def _joined(ja):
    """No space after 、 or 。 (a field spaced for the code it holds may follow one)."""
    return re.sub(r"([、。]) +", r"\1", ja)


def _template(slip, widths=None):
    what_ja, what_en = _FUNCTION.get(slip.what, (slip.what, slip.what))
    setting_ja, setting_en = _SETTING.get(slip.what, (slip.what, slip.what))
    words = {"part": slip.part, "what": slip.what, "fixed": slip.fixed, "shape": notebook_shape(slip.shape, widths),
             "what_ja": _spaced(what_ja), "what_en": what_en, "setting_ja": setting_ja, "setting_en": setting_en}
    ja, en = SLIP_WORDS[slip.kind]  # a kind without words is an error (tests/test_words.py lists every kind's)
    return ja.format(**words), en.format(**words)


def notebook_shape(shape, widths=None):
    """A shape on the tiny problem, in the notebook's sizes (``widths``: {tiny width: the notebook's})."""
    return str(tuple((widths or {}).get(s, s) for s in shape))


# --------------------------------------------------------------------------------------
# The words a verdict is made of: where to look, nan, the honest sentence, overflows, a probe's call, a blank
# left, a wrong shape's causes (the judge and the shape reader pick them; nothing else writes a sentence)
# --------------------------------------------------------------------------------------

NAN_CAUSES = ("よくある原因は、0 の log、0 での割り算、大きな数の exp (オーバーフロー) です。",
              "The usual causes: the log of 0, a division by 0, exp of a large number (an overflow).")
# Said where neither a slip within two edits nor a known mistake explains a value: one honest sentence.
UNEXPLAINED = ("よくある書き間違いではなさそうです。",
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


# --------------------------------------------------------------------------------------
# What a verdict says: the judge, the cells and the message pick a row by its key and fill it in
# --------------------------------------------------------------------------------------

SAY = _TABLES["SAY"]


def _filled(ja, en, fill):
    """(ja, en) with their fields filled in: a field ``x`` from ``x=``, in English from ``x_en=`` where given."""
    english = {**fill, **{name[:-3]: value for name, value in fill.items() if name.endswith("_en")}}
    return ja.format(**fill), en.format(**english)


def say(key, **fill):
    """(ja, en) of the sentence ``key``, its fields filled in (``x_en=`` for a field whose English differs); a key
    without words raises KeyError."""
    ja, en = _filled(*SAY[key], fill)
    return _joined(ja), en


# The words of the checks' table and marks, and of the check's own label.
MARKS = {"ok": "○", "wrong": "✗", "empty": "空欄", "error": "エラー"}
TABLE_HEADS = ("行", "形", "正解とのずれ", "判定")
CHECK_LABEL = "答え合わせ / Check"
# Where a column's line lives, as the Japanese headline says it, and what it is; the cell a learner runs first.
CELLS = {"training": "学習のセル", "inference": "inference ", "functions": "関数のセル", "test": "テストデータのセル"}
STATES = {"wrong": "が間違っています", "error": "でエラーが出ました", "empty": "がまだ埋まっていません"}
CELLS_TO_RUN = {"functions": ("関数を定義するセル", "the cell that defines them"),
                "inference": ("inference を定義するセル", "the cell that defines inference"),
                "test": ("テストデータのセル", "the test-set cell")}
LIST_JA = "、"  # between names in a Japanese list
ACROSS = {"3": ("クラス", "classes"), "2": ("ユニット", "units")}  # what axis 0 runs over, in a layer's delta
# A known mistake's first sentence that a slip of this kind has already said: left out after it.
SAID_BY_SLIP = {"sign": "符号が逆です。", "missing factor": "σ'(U_2) を掛け忘れています。"}

# The course's own Japanese text, which the checks find its cells and lines by (the handout keeps it as it is).
STEP_START = "## 順方向の推論"
STEP_END = "## リアルタイムの誤差の描画"
COURSE_CHECK = "## エラーチェック"
NO_HINTS_LINE = "ANSWER_HINTS = False  # この配布版にはヒントがありません"  # the no-hints handout's imports cell


# --------------------------------------------------------------------------------------
# The known mistakes of each blank (blanks.py holds the value each makes, by the same key)
# --------------------------------------------------------------------------------------

MISTAKES = _TABLES["MISTAKES"]


def mistake(key, **fill):
    """(ja, en) of the known mistake ``key``, its fields filled in; a key without words raises KeyError."""
    return _filled(*MISTAKES[key], fill)
