"""The words: every sentence the answer checks say, Japanese and English together, and nothing else of the package
holds a Japanese word (``tests/test_words.py`` fails on one).

A sentence is a row of a table (``SAY``, ``SLIP_WORDS``, ``MISTAKES``, ``SHAPE_CAUSES`` ...) with ``{}`` fields the
caller fills; ``say(key, **fill)`` gives (ja, en) and a key without words is an error, never a generic fallback.
The judge, the cells, the shape reader and the blanks pick the key; ``message.py`` lays a verdict out as the message.
The course's own Japanese text, which finds its cells, is here too (``STEP_START`` ...). This module imports nothing
of the package.
"""

import re

# Where a column's line lives, as the Japanese headline says it (the English paragraph is the verdict's own).
CELLS = {"training": "学習のセル", "inference": "inference ", "functions": "関数のセル", "test": "テストデータのセル"}
STATES = {"wrong": "が間違っています", "error": "でエラーが出ました", "empty": "がまだ埋まっていません"}


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


def _rows(table):
    """(kind, (Japanese, English)) for each row `kind | Japanese | English` of a table (a row continues on the lines
    indented below it)."""
    for row in re.split(r"\n(?=\S)", table.strip()):
        kind, ja, en = (re.sub(r"\s*\n\s*", "", cell).strip() if i == 1 else re.sub(r"\s*\n\s*", " ", cell).strip()
                        for i, cell in enumerate(re.split(r" \|\s", row)))
        yield kind, (ja, en)


# What each kind of slip (rules.RANK) says: Japanese, then English, filled in with the learner's part, the name or
# function it stands for (what), the corrected part (fixed) and, for keepdims, the shape the part makes (shape).
SLIP_WORDS = dict(_rows("""
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

SAY = dict(_rows("""
right | 正しいです。 | Right.
label function | {name} の return の行 | {name} (return)
label line | {where}の {name} の行 | {name}
label line alone | {name} の行 | {name}
headline | {label}{state}{at}。 | {label}{state}{at}.
at line | ({lineno}行目 `{line}`) | line {lineno}
at lines | ({lineno}〜{last}行目) | lines {lineno} to {last}
line not found in cell | {where}に {name} の行が見つかりません。 | No line of {name} in the cell.
not filled at | {label} ({lineno}行目) がまだ埋まっていません。 | {label}: line {lineno} is not filled yet.
not filled | {label}がまだ埋まっていません。 | {label} is not filled yet.
fix shown | (`{part}` → `{fixed}` で合います) | (`{fixed}` is right there)
name fix shown | (`{fixed}` で合います) | (`{fixed}` is right there)
pointer test | 上の「学習結果の確認」のセルと同じように、テストデータ (X_test, y_test) について書いてください。 |
    Write it as in the validation cells above, for the test set (X_test, y_test).
pointer shown empty | 上の説明にある式を見ながら書いてください。 | Write it from the equation in the text above.
pointer shown | 上の説明にある式と見比べてください。 | Compare it with the equation in the text above.
pointer no hints | 上の説明にある形を手がかりに、連鎖律で式を導いてください。 |
    Derive it with the chain rule; the shapes given above are the clue.
pointer hints empty | 上の説明にある形を手がかりに、式を導いてください。行き詰まったら「ヒント」を開いてください。 |
    Derive it from the shapes given above; the hint above holds the equation.
pointer hints | 式をもう一度導いてみてください。「ヒント」を開くと式を確かめられます。 |
    Derive it again; the hint above holds the equation.
math not imported | `math` は読み込まれていません。配列には np.exp などの NumPy の関数を使ってください。 |
    math is not imported: on arrays, use NumPy's functions (np.exp ...).
named name not defined | `{unknown}` という名前はまだ定義されていません。変数名にタイプミスがないか確かめてください。 |
    It uses a name that is not defined: check the spelling.
a name not defined | ある名前はまだ定義されていません。変数名にタイプミスがないか確かめてください。 |
    It uses a name that is not defined: check the spelling.
syntax error | Python の文法として正しくありません (SyntaxError)。かっこの閉じ忘れや、書きかけの式がないか確かめてくだ
    さい。 |
    It is not valid Python: check the brackets.
line timeout | この行が時間内に終わりませんでした。 | This line did not finish in its time limit.
matmul shapes | 行列の積の形が合わず、計算できません。上の説明にある形を手がかりに、掛ける順番と .T を確かめてください
    。 |
    The shapes do not fit: check the order of the factors and the .T against the shapes above.
broadcast shapes | 要素ごとの計算 (+、−、*、/ や代入) で、両側の形が合いません。上の説明にある形と、それぞれの変数の形
    を見比べてください。 |
    An element-wise step (+, -, *, / or an in-place update) meets two shapes that do not fit: compare each variable's
    shape with the shapes above.
line missing | {name} に代入する行が見つかりません。行を消してしまっていないか確かめてください。 |
    No line assigns {name}: was it deleted?
line missing in inference | inference の中に {name} に代入する行が見つかりません。行を消してしまっていないか確かめてく
    ださい。 |
    No line of inference assigns {name}: was it deleted?
unassigned | {lineno}行目の `{text}` は計算しただけで、結果をどこにも代入していません。`{name} = ...` のように代入して
    ください。{name} には、その前の行までの値が入ったままです。 |
    Line {lineno}, `{text}`, computes a value but keeps it nowhere: assign it to {name}.
blank empty | {name} の空欄がまだ埋まっていません。 | {name} is not filled yet.
not numbers | {name} が数値の配列になっていません。 | {name} is not an array of numbers.
wrong shape | {name} の形が {seen} になっています。正しい形は {right} です。 |
    {name} has shape {seen}; it should be {right}.
nan or inf | {name} に nan か inf が含まれています。 | {name} holds nan or inf.
wrong value | 形は合っていますが、値が違います。 | {name} has the right shape but a wrong value.
wrong | {name} が間違っています。 | {name} is wrong.
likely | よくある間違い: {cause} | Likely mistake: {cause}.
one of | 次のどれかが考えられます: | One of these is likely:
one of each | ・{cause} | Or: {cause}
cell unreadable | このセルを読めませんでした。 | This cell could not be read: {detail}
cell missing | このセルが見つかりません。 | This cell was not found.
no def of inference | inference を定義する def が見つかりません。 | No def of inference found.
functions cell raised | 関数のセルを実行すると、エラーが出ました。 | The cell of the functions raised {detail}
line raised | {name} の行でエラーが出ました。 | The line of {name} raised {detail}.
function not defined | {name} が定義されていません。 | {name} is not defined.
return empty | {name} の return の空欄がまだ埋まっていません。 | The return line of {name} is not filled yet.
returns nothing | {name} が何も返していません (return の右側が空です)。 |
    {name} returns nothing (the return line is empty).
returns not numbers | {name} が数値の配列を返していません。 | {name} does not return numbers.
overflow | {name} が大きな入力 (U の要素が ±1000) で nan か inf を返します。 |
    {name} returns nan or inf for large inputs (entries of U at ±1000): exp overflows to inf, or every exp underflows
    to 0.
python number | {name} が Python の数 ({kind}) を返しています。講座のエラーチェックは返した値の .shape を確かめるので
    、float(...) などで直さずに、np.sum の結果 (NumPy の値) のまま返してください。 |
    {name} returns a Python {kind}: the course's error check reads its .shape, so return NumPy's value as it is.
return not python | {name} の return の行が Python の文になっていません。 |
    The return line of {name} is not valid Python.
raised inside | {name} の中でエラーが出ました。 | {name} raised {detail}
sum drops an axis | 和をとると軸が1つ減るので、そのままでは U と割り算できません。割る前に、和の形を shp にそろえてく
    ださい。 |
    The sum drops an axis, so it cannot divide U as it is: shape it with shp first.
function wrong shape | {name} の出力の形が {got} になっています。正しい形は {want} です。 |
    {name} returned shape {got}; it should be {want} here.
sum per example | よくある間違い: データごとの和で止まっています。L はミニバッチ全体の和で、1つの数 (形 ()) です。 |
    Likely mistake: the sum stops at each example; L is one number for the batch.
axis fixed at 0 | 軸が reduce_axis ではなく axis=0 に固定されています。最大値も和も reduce_axis の方向でとってください
    。 |
    the axis is fixed at 0 instead of reduce_axis, for the max and the sum
function nan | {name} が nan か inf を返します。 | {name} returns nan or inf.
function wrong value | 形は合っていますが、値が違います。 | {name} is wrong.
not defined yet | {names} がまだ定義されていません。先に{where}を実行してください (Shift+Enter)。 |
    {names} is not defined yet: run {where} first (Shift+Enter).
inference cell not found | inference を定義したセルが見つかりません。そのセルをもう一度実行してください。 |
    The cell that defines inference was not found: run it again.
no training cell yet | 学習のセルがまだ実行されていません。先に「学習」のセルを実行してから、このチェックを実行してく
    ださい。 |
    No training cell has run yet: run the training cell first, then this check.
test cell not found | テストデータのセルが見つかりません。もう一度実行してください。 | Run the test-set cell again.
functions ok | ✓ 4つの関数 (softmax, softmax_cross_entropy, sigmoid, dsigmoid_du) は式どおりです。 |
    All four functions agree with their equations.
inference ok | ✓ inference の4行 (U_2, Z_2, U_3, Z_3) は正しいです。 | The four lines of inference are right.
training ok | ✓ 学習の14行はすべて正しいです (数値微分で求めた勾配と一致しました)。 |
    All 14 lines of the step agree with backprop by central differences.
test ok | ✓ テストデータの2行 (Y_hat, testacc) は正しいです。 | Y_hat and testacc are right.
functions table | 4つの関数を1つずつ、小さな入力で確かめた結果です (ほかの関数は正しいものにしてあります): |
    Each function checked on small inputs, the others right:
table intro | 各行を小さな例題 (層の幅だけを小さくしたネットワーク。ミニバッチの枚数、クラスの数、学習率はこのノートブ
    ックと同じ) で1行ずつ実行し、正しい値と比べた結果です。それより前の行は、すべて正しい値にしてあります。形は、この
    ノートブックで実際に計算したときの形です。 |
    Each line run on a tiny problem, the lines before it right.
table error | 「正解とのずれ」は、正しい値との相対誤差 (成分ごとの |差| ÷ (|書いた値| + |正しい値|) の最大値) です。{t
    olerance} より小さければ ○ です。 |
    The difference is the relative error; under {tolerance} is right.
first wrong | ← 最初に間違っている行 | <- the first wrong line
first line X | 最初の行 X = X.T | the first line X = X.T
transposed result | 結果が転置された形になっています。 | The result is transposed
check order and T | 掛ける順番と .T を確かめてください。 | : check the order of the factors and the .T.
sides do not fit | `{a}` は {left}、`{b}` は {right} で、{sign} の両側の形が合いません。 |
    `{a}` is {left} and `{b}` is {right}: they do not fit on either side of {sign}.
made shape | {operand} {s} を使うと、形が {got} になります。 | {got} is the shape {operand} {s} gives
no fit at | {operand} {s} のところで形が合いません。 | the shapes break at {operand} {s}
bias not summed | ミニバッチについて足していません。{bias} はミニバッチのどのデータにも同じように足されます。連鎖律で
    、それが勾配にどう表れるか考えてください。 |
    The sum over the mini-batch is left out: {bias} is added to every example of the batch alike; think how the chain
    rule shows that in its gradient.
bias summed across | 足す方向が間違っています。いまは{across}の方向 (axis=0) で足しています。{name} の形 {want} と見比
    べてください。 |
    The sum runs over the wrong axis: over the {across} (axis 0); compare with {name}'s shape {want}.
bias not a column | ミニバッチについて足した結果が、列ベクトル (形の最後が 1) になっていません。 |
    The sum over the batch lost its column shape.
bias summed everything | すべての要素を足しています。足すのはミニバッチの方向だけにしてください。 |
    It sums over everything: sum over the batch alone.
"""))


def _filled(ja, en, fill):
    """(ja, en) with their fields filled in: a field ``x`` from ``x=``, in English from ``x_en=`` where given."""
    english = {**fill, **{name[:-3]: value for name, value in fill.items() if name.endswith("_en")}}
    return ja.format(**fill), en.format(**english)


def say(key, **fill):
    """(ja, en) of the sentence ``key``, its fields filled in (``x_en=`` for a field whose English differs); a key
    without words raises KeyError."""
    return _filled(*SAY[key], fill)


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

MISTAKES = dict(_rows("""
bias subtracted | バイアス b_{layer} の符号が逆です。b_{layer} は足してください。 |
    the bias is subtracted: add b_{layer}
bias missing | バイアス b_{layer} が足されていません。 | the bias b_{layer} is missing
U_2 for Z_2 | U_2 を使っています。この層への入力は、活性化関数を通したあとの Z_2 です。 |
    it uses U_2; the layer's input is Z_2, after the activation
activation missing | 活性化関数 (シグモイド関数) が抜けています。 | the activation (the sigmoid) is missing
sigmoid of -U | 符号が逆で、σ(−U_2) を計算したことになっています。 | the sigmoid of -U_2: check the sign
sigma' for sigma | シグモイド関数 σ ではなく、その導関数 σ' (dsigmoid_du) を使っています。 |
    sigma' (dsigmoid_du) instead of sigma (sigmoid)
tanh for sigmoid | tanh を使っています。この層の活性化関数はシグモイド関数です。 |
    tanh: this layer's activation is the sigmoid
ReLU for sigmoid | ReLU を使っています。この層の活性化関数はシグモイド関数です。 |
    ReLU: this layer's activation is the sigmoid
softmax over the batch | ソフトマックス関数をミニバッチの方向 (axis=1) で計算しています。クラスの方向 (axis=0) で計算
    してください。 |
    softmax over the batch (axis 1): it must be over the classes (axis 0)
sigmoid for softmax | ソフトマックス関数ではなくシグモイド関数を使っています。 | sigmoid instead of softmax
softmax missing | ソフトマックス関数が抜けています。 | softmax is missing
divided by the batch | ミニバッチの枚数 (batch_size) で割っています。この講座の誤差 L はミニバッチについての和 (平均で
    はありません) なので、batch_size で割る必要はありません。 |
    divided by the batch size (a mean): L is the sum over the mini-batch, so its gradient is a sum too
sign | 符号が逆です。 | the sign is flipped
times eta | 学習率 eta を掛けています。eta を掛けるのは、パラメーターを更新する行だけです。 |
    multiplied by eta: eta belongs in the update lines alone
update sign | 符号が逆です。勾配降下法では、勾配に学習率を掛けたものを引いてください。 |
    the sign: gradient descent subtracts eta times the gradient
update eta missing | 学習率 eta を掛けていません。 | eta is missing: the step is eta times the gradient
update eta twice | 学習率 eta を2回掛けています。 | eta is applied twice: the step is eta times the gradient, once
update twice | 更新を2回しています。1回のミニバッチで、更新は1回です。 | the update is made twice: once a mini-batch
update old left out | 更新前の {param} が入っていません。新しい {param} は、いまの {param} から η ∂L/∂{param} を引いた
    ものです。 |
    the old {param} is left out: the new one is the old minus eta times the gradient
update divided by the batch | ミニバッチの枚数 (batch_size) で割っています。eta は、ミニバッチについて足した誤差に対す
    る学習率なので、割らないでください。 |
    the step is divided by the batch size: eta already is the step of the summed loss
not updated | {param} が更新されていません。 | {param} is not updated
bias gradient for the weight | 重み {param} の更新に、バイアスの勾配 {grad} を使っています。重みの更新には、重みの勾配
    を使ってください。 |
    the weight's step uses the bias's gradient
D missing | 正解 D が式に入っていません。ソフトマックス関数とクロスエントロピー誤差を合わせて、U_3 で微分し直してくだ
    さい。 |
    D is missing: differentiate softmax and cross-entropy together by U_3
dL/dY | L を Y で微分したところ (∂L/∂Y) で止まっています。Δ_3 は U_3 についての微分なので、Y = softmax(U_3) の微分も連
    鎖律に入れてください。 |
    that is dL/dY: Delta_3 is the derivative by U_3, so the chain rule goes on through Y = softmax(U_3)
Y (1 - Y) again | Y (1 − Y) をよけいに掛けています。ソフトマックス関数の微分は、クロスエントロピー誤差と合わせて U_
    3 で微分したときにすでに入っています。 |
    Y (1 - Y) is multiplied in once more: the softmax's derivative is already in, once softmax and cross-entropy are
    differentiated together by U_3
sigma' on the output | 出力層にもシグモイド関数の導関数 σ'(U_3) を掛けています。出力層の活性化関数はソフトマックス関数
    です。ソフトマックス関数とクロスエントロピー誤差を合わせて U_3 で微分すると、σ' は出てきません。 |
    sigma'(U_3) is multiplied in on the output layer, whose activation is softmax: differentiating softmax and
    cross-entropy together by U_3 brings no sigma'
sigma' missing | σ'(U_2) を掛け忘れています。連鎖律で Z_2 から U_2 まで戻るときに掛かる因子です。 |
    the sigmoid's derivative is missing, from the chain rule's step back from Z_2 to U_2
sigma for sigma' | σ' (dsigmoid_du) ではなく σ (sigmoid) を掛けています。 |
    sigma (sigmoid) instead of sigma' (dsigmoid_du)
sigma' at Z_2 | dsigmoid_du に Z_2 を渡しています。σ' は U_2 での値です。 |
    dsigmoid_du is given Z_2: sigma' is taken at U_2
U (1 - U) for sigma' | σ'(U_2) を U_2 (1 − U_2) と書いています。σ'(u) = σ(u) (1 − σ(u)) なので、U_2 ではなく σ(U_2) の
    値を使います。 |
    sigma'(U_2) written as U_2 (1 - U_2): sigma'(u) = sigma(u) (1 - sigma(u)) takes sigma's value, not U_2
only 1 - sigma | σ'(U_2) の因子の片方しか掛けていません。σ'(u) = σ(u) (1 − σ(u)) の両方の因子を掛けてください。 |
    only one factor of sigma'(U_2): sigma'(u) = sigma(u) (1 - sigma(u)) has two
sigma(U) (1 - U) for sigma' | σ'(U_2) を σ(U_2) (1 − U_2) と書いています。σ'(u) = σ(u) (1 − σ(u)) の2つ目の因子も σ の
    値です。 |
    sigma'(U_2) written as sigma(U_2) (1 - U_2): the second factor of sigma' is 1 - sigma(u) too
U_2 in dLdW_3 | U_2 を使っています。この層への入力は、活性化関数を通したあとの Z_2 です。 |
    it uses U_2: the third layer's input is Z_2
before sigma' | 2層目のデルタ Delta_2 ではなく、その途中の量を使っています。∂L/∂W_2 は ∂L/∂U_2 から導いてください。 |
    it uses a quantity on the way to Delta_2, not Delta_2 itself: derive dL/dW_2 from dL/dU_2
softmax other axis | reduce_axis とは別の軸で和をとっています。和は reduce_axis の方向でとってください。 |
    the sum runs over the other axis: sum over reduce_axis
softmax not divided | 和で割っていません。 | the division by the sum is missing
loss minus missing | マイナスが抜けています。 | the minus sign is missing
loss batch mean | ミニバッチの平均になっています。L はミニバッチについての和にしてください。 |
    the mean over the batch: the course's L is the sum
loss mean of all | すべての要素の平均になっています。L は和にしてください。 |
    the mean of every entry: the course's L is the sum
sigmoid sign | 指数の符号が逆です。上の式と見比べてください。 | the sign of the exponent
sigmoid tanh | tanh(U) はシグモイド関数ではありません。上の式と見比べてください。 | tanh is not the sigmoid
sigmoid brackets | かっこが抜けています。1 / 1 + np.exp(-U) は (1 / 1) + exp(−U) と計算されます。分母をかっこで囲んで
    ください。 |
    brackets are missing: 1 / 1 + np.exp(-U) is (1 / 1) + exp(-U); put the denominator in brackets
dsigmoid is sigma | σ そのものを返しています。返すのは、その導関数 σ' です。 | that is sigma itself, not its derivative
dsigmoid U (1 - U) | σ(U) の代わりに U をそのまま使っています。上の σ'(u) の式と見比べてください。 |
    U * (1 - U): the formula takes sigma's value, not U
dsigmoid 1 + sigma | 1 + σ(U) になっています。2つ目の因子は 1 − σ(U) です。 |
    sigma(U) * (1 + sigma(U)): the second factor is 1 - sigma(U)
dsigmoid 1 - U | 2つ目の因子が 1 − U になっています。σ'(u) = σ(u) (1 − σ(u)) の2つ目の因子も σ の値です。 |
    sigma(U) * (1 - U): the second factor is 1 - sigma(U) too
dsigmoid sign | 符号が逆です。σ' はいつも正です。 | the sign: sigma' is always positive
predicts X_valid | 検証データ X_valid を予測しています。テストデータ X_test を予測してください。 |
    it predicts X_valid: predict the test images X_test
predicts X_train | 訓練データ X_train を予測しています。テストデータ X_test を予測してください。 |
    it predicts X_train: predict the test images X_test
labels of y_valid | 正解ラベルが検証データのもの (y_valid) です。y_test を使ってください。 |
    the labels of the wrong set (y_valid): use y_test
valacc reused | 検証データの正解率 valacc をそのまま使っています。テストデータの予測 y_hat と y_test から計算してくだ
    さい。 |
    the validation accuracy valacc reused: compute it on the test set
times 100 | 100 倍しています。正解率は 0 から 1 の割合のままにしてください。 |
    times 100: the accuracy is a fraction from 0 to 1
one-hot Y_test | one-hot 表現の Y_test を渡しています。calculate_accuracy には、正解のラベルの番号 (y_test) と、予測し
    たクラス (y_hat) を渡してください。 |
    it compares the one-hot Y_test: give calculate_accuracy the labels y_test and the predicted classes y_hat
"""))


def mistake(key, **fill):
    """(ja, en) of the known mistake ``key``, its fields filled in; a key without words raises KeyError."""
    return _filled(*MISTAKES[key], fill)
