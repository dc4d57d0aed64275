"""Answer checks for mnist_mlp.ipynb: which line of the learner's is wrong, and why (Japanese first, then English).

One check after each block of blanks of the course's exercise, called as the notebook does::

    check_functions(globals())   # softmax, softmax_cross_entropy, sigmoid, dsigmoid_du
    check_inference(globals())   # the four lines of inference
    check_training(globals())    # the 14 lines of one SGD step, from the training cell that last ran
    check_test(globals())        # Y_hat and testacc

Every line is judged on its own: it runs on a tiny float64 problem (``TINY``) with every line before it holding its
right value, and what it makes is compared with a reference computed here independently (the forward pass written
out, the gradients by central differences). So one wrong line never makes the lines after it wrong, and numbers are
judged, never text: ``np.dot``, ``@``, ``keepdims=True`` or ``.reshape(-1, 1)`` all pass. The same judging grades a
class (``grading.py``): ``judge_notebook`` returns a verdict for each of the 24 blanks.

Importing this module inside IPython installs an input transformer: a cell that still holds ``### CODE HERE ###``
stops with a short message naming the blank, and the training cell checks its own step before the first epoch.

Known mistakes live in one registry, ``BLANKS``: add ``(wrong value from the reference values r, ja, en)`` to a
blank's mistakes and a wrong line to ``tests/mistakes.py``, which proves that it is caught.
"""

import ast
import hashlib
import inspect
import re
import signal
import sys
import textwrap
import unicodedata
import warnings
from dataclasses import dataclass, field

import numpy as np

BLANK = "### CODE HERE ###"
STEP_START = "## 順方向の推論"  # the course's comments around one SGD step in the training cell
STEP_END = "## リアルタイムの誤差の描画"
TOLERANCE = 1e-6  # largest relative error of a right line in float64 (right lines give 1e-8 or less)

# Sizes of the tiny check problem (all different, so a transposed product cannot pass by accident) and the
# notebook's sizes they stand for: input pixels d, hidden units h, classes k, batch n.
TINY = {"d": 7, "h": 5, "k": 10, "n": 6}
NOTEBOOK = {"d": 784, "h": 256, "k": 10, "n": 100}
ETA = 0.1  # the tiny problem's learning rate


def rel_error(a, b):
    """The relative error of cs231n's gradient checks: max over entries of |a - b| / max(1e-8, |a| + |b|)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def _sigmoid(u):
    return 0.5 * (1 + np.tanh(0.5 * u))


def _dsigmoid(u):
    return _sigmoid(u) * (1 - _sigmoid(u))


def _softmax(u, axis=0):
    e = np.exp(u - u.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


# --------------------------------------------------------------------------------------
# The registry: every blank, its equation, its shape and its known mistakes
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Blank:
    """One blank: what it computes and the mistakes a learner makes in it.

    ``shown``: the handout shows its equation (the forward pass, the update); False for the deltas and gradients,
    whose equations the learner derives (they are in the handout's collapsed hint, and never printed here).
    ``mistakes``: (wrong value from the reference values r, ja, en). For the training step and inference, r holds
    the right tensors (``r["U_2"]`` ...), the inputs (``r["X"]``, ``r["D"]``, ``r["eta"]``, ``r["n"]``) and the
    old parameters (``r["old_W_2"]`` ...); for a function, its probe's inputs (``r["U"]``, ``r["axis"]`` ...).
    """

    equation: str
    shape: str = ""  # letters of TINY / NOTEBOOK; "" for a number or any shape
    shown: bool = True
    mistakes: tuple = field(default=())


def _forward(layer, inputs, activation):
    """The forward lines U_l = W_l inputs + b_l and Z_l = activation(U_l), with their mistakes."""
    W, b, U, Z = f"old_W_{layer}", f"old_b_{layer}", f"U_{layer}", f"Z_{layer}"
    u_mistakes = [
        (lambda r: r[W] @ r[inputs] - r[b], f"バイアスの符号が逆です。b_{layer} は足します。",
         f"the bias is subtracted: + b_{layer}"),
        (lambda r: r[W] @ r[inputs], f"バイアス b_{layer} が足されていません。", f"the bias b_{layer} is missing"),
    ]
    if inputs == "Z_2":
        u_mistakes.append((lambda r: r[W] @ r["U_2"] + r[b], "U_2 を使っています。この層の入力は Z_2 = σ(U_2) です。",
                           "it uses U_2; the layer's input is Z_2 = sigma(U_2)"))
    if activation == "sigmoid":
        z_mistakes = [
            (lambda r: r[U], "活性化関数 (シグモイド関数 `sigmoid`) が抜けています。",
             "the activation is missing: sigmoid(U_2)"),
            (lambda r: _sigmoid(-r[U]), "sigmoid(-U_2) になっています。符号を確かめてください。",
             "sigmoid of -U_2: check the sign"),
            (lambda r: _dsigmoid(r[U]), "σ (sigmoid) ではなく σ' (dsigmoid_du) を使っています。",
             "sigma' (dsigmoid_du) instead of sigma (sigmoid)"),
        ]
        z_equation = f"Z_{layer} = σ(U_{layer})"
    else:
        z_mistakes = [
            (lambda r: _softmax(r[U], axis=1),
             "ソフトマックス関数をミニバッチの方向 (axis=1) で計算しています。クラスの方向 (axis=0) で計算します。",
             "softmax over the batch (axis 1): it must be over the classes (axis 0)"),
            (lambda r: _sigmoid(r[U]), "ソフトマックス関数ではなくシグモイド関数を使っています。",
             "sigmoid instead of softmax"),
            (lambda r: r[U], "ソフトマックス関数が抜けています。", "softmax is missing"),
        ]
        z_equation = f"Z_{layer} = softmax(U_{layer})"
    rows = "hn" if layer == 2 else "kn"
    prev = "X" if inputs == "X" else "Z_2"
    return {U: Blank(f"U_{layer} = W_{layer} {prev} + b_{layer}", rows, True, tuple(u_mistakes)),
            Z: Blank(z_equation, rows, True, tuple(z_mistakes))}


def _divided_by_batch(name):
    """The mistake of a gradient divided by the batch size (the mean, not the sum, over the batch)."""
    return (lambda r: r[name] / r["n"],
            "ミニバッチの枚数 (batch_size) で割っています (ミニバッチの平均になっています)。"
            "L はミニバッチについての和なので、その勾配も和のままです。",
            "divided by the batch size (a mean): L is the sum over the mini-batch, so its gradient is a sum too")


def _update(param):
    """The update param <- param - eta dL/dparam, with its mistakes."""
    old, grad = f"old_{param}", f"dLd{param}"
    return Blank(f"{param} ← {param} − η ∂L/∂{param}", {"W_2": "hd", "b_2": "h1", "W_3": "kh", "b_3": "k1"}[param],
                 True, (
                     (lambda r: r[old] + r["eta"] * r[grad],
                      "符号が逆です。勾配降下法では勾配に学習率を掛けて引きます。",
                      "the sign: gradient descent subtracts eta times the gradient"),
                     (lambda r: r[old] - r[grad], "学習率 eta が掛けられていません。",
                      "eta is missing: - eta * gradient"),
                     (lambda r: r[old] - r["eta"] * r[grad] / r["n"],
                      "ミニバッチの枚数 (batch_size) で割っています。"
                      "eta は、ミニバッチについて足した誤差に対する学習率です。",
                      "the step is divided by the batch size: eta already is the step of the summed loss"),
                     (lambda r: r[old], f"{param} が更新されていません。", f"{param} is not updated"),
                 ))


TRAINING_ROWS = ["U_2", "Z_2", "U_3", "Z_3", "Delta_3", "Delta_2", "dLdW_3", "dLdb_3", "dLdW_2", "dLdb_2",
                 "W_3", "b_3", "W_2", "b_2"]
INFERENCE_ROWS = ["U_2", "Z_2", "U_3", "Z_3"]
FUNCTION_ROWS = ["softmax", "softmax_cross_entropy", "sigmoid", "dsigmoid_du"]
TEST_ROWS = ["Y_hat", "testacc"]

_STEP = {
    **_forward(2, "X", "sigmoid"),
    **_forward(3, "Z_2", "softmax"),
    "Delta_3": Blank("Δ_3 = ∂L/∂U_3 = Y − D", "kn", False, (
        (lambda r: -r["Delta_3"], "符号が逆です。", "the sign is flipped"),
        _divided_by_batch("Delta_3"),
        (lambda r: r["Z_3"], "D が引かれていません。", "D is missing"),
    )),
    "Delta_2": Blank("Δ_2 = ∂L/∂U_2 = (W_3ᵀ Δ_3) ⊙ σ'(U_2)", "hn", False, (
        (lambda r: r["old_W_3"].T @ r["Delta_3"], "σ'(U_2) を掛け忘れています。dsigmoid_du(U_2) を要素ごとに掛けます。",
         "sigma'(U_2) is missing: multiply by dsigmoid_du(U_2), element by element"),
        (lambda r: (r["old_W_3"].T @ r["Delta_3"]) * _sigmoid(r["U_2"]),
         "σ' (dsigmoid_du) ではなく σ (sigmoid) を掛けています。", "sigma (sigmoid) instead of sigma' (dsigmoid_du)"),
        (lambda r: (r["old_W_3"].T @ r["Delta_3"]) * _dsigmoid(r["Z_2"]),
         "微分を Z_2 でとっています。σ' は U_2 でとります (dsigmoid_du(U_2)、または Z_2 * (1 - Z_2))。",
         "the derivative is taken at Z_2: dsigmoid_du(U_2), or Z_2 * (1 - Z_2)"),
        (lambda r: -r["Delta_2"], "符号が逆です。", "the sign is flipped"),
    )),
    "dLdW_3": Blank("∂L/∂W_3 = Δ_3 Z_2ᵀ", "kh", False, (
        (lambda r: r["Delta_3"] @ r["U_2"].T, "U_2 を使っています。この層の入力は Z_2 です。",
         "it uses U_2: the layer's input is Z_2"),
        _divided_by_batch("dLdW_3"),
    )),
    "dLdb_3": Blank("∂L/∂b_3 = Δ_3 をミニバッチについて足した列ベクトル", "k1", False, (_divided_by_batch("dLdb_3"),)),
    "dLdW_2": Blank("∂L/∂W_2 = Δ_2 Xᵀ", "hd", False, (
        (lambda r: (r["old_W_3"].T @ r["Delta_3"]) @ r["X"].T, "W_3ᵀ Δ_3 を使っています。Delta_2 を使います。",
         "it uses W_3^T Delta_3: use Delta_2"),
        _divided_by_batch("dLdW_2"),
    )),
    "dLdb_2": Blank("∂L/∂b_2 = Δ_2 をミニバッチについて足した列ベクトル", "h1", False, (_divided_by_batch("dLdb_2"),)),
    **{param: _update(param) for param in ("W_3", "b_3", "W_2", "b_2")},
}

_FUNCTIONS = {
    "softmax": Blank("softmax(U)_k = exp(U_k − max U) / Σ_i exp(U_i − max U)  (reduce_axis の方向)", "", True, (
        (lambda r: _softmax(r["U"], axis=1 - r["axis"]),
         "reduce_axis とは別の軸で和をとっています。和は reduce_axis の方向でとり、shp で形をそろえます。",
         "the sum runs over the other axis: sum over reduce_axis, shaped with shp"),
        (lambda r: np.exp(r["U"] - r["U"].max(axis=r["axis"], keepdims=True)), "和で割っていません。",
         "the division by the sum is missing"),
    )),
    "softmax_cross_entropy": Blank("L = −Σ_n Σ_k D_kn log Y_kn", "", True, (
        (lambda r: -r["L"], "マイナスが抜けています。", "the minus sign is missing"),
        (lambda r: r["L"] / r["n"], "ミニバッチの平均になっています。L はミニバッチの和 (np.sum) です。",
         "the mean over the batch: the course's L is the sum (np.sum)"),
        (lambda r: r["L"] / (r["n"] * r["k"]), "np.mean を使っています。L は和 (np.sum) です。",
         "np.mean: the course's L is the sum (np.sum)"),
    )),
    "sigmoid": Blank("σ(U) = 1 / (1 + exp(−U))", "", True, (
        (lambda r: _sigmoid(-r["U"]), "指数の符号が逆です。exp(-U) です。", "the sign of the exponent: exp(-U)"),
        (lambda r: np.tanh(r["U"]), "tanh(U) はシグモイド関数ではありません。σ(u) = (1 + tanh(u/2)) / 2 です。",
         "tanh is not the sigmoid"),
    )),
    "dsigmoid_du": Blank("σ'(U) = σ(U) (1 − σ(U))", "", True, (
        (lambda r: _sigmoid(r["U"]), "σ そのものになっています。σ'(U) = σ(U) (1 − σ(U)) です。",
         "that is sigma itself: sigma(U) * (1 - sigma(U))"),
        (lambda r: r["U"] * (1 - r["U"]), "U に対して計算しています。sigmoid(U) に対して計算します。",
         "U * (1 - U): apply it to sigmoid(U)"),
        (lambda r: -_dsigmoid(r["U"]), "符号が逆です。σ' はいつも正です。", "the sign: sigma' is always positive"),
    )),
}

_TEST = {
    "Y_hat": Blank("Y_hat = inference(X_test)", "", True, (
        (lambda r: r["valid_Y_hat"], "X_valid を予測しています。テストデータ X_test を予測します。",
         "it predicts X_valid: predict the test images X_test"),
        (lambda r: r["train_Y_hat"], "X_train を予測しています。テストデータ X_test を予測します。",
         "it predicts X_train: predict the test images X_test"),
    )),
    "testacc": Blank("testacc = calculate_accuracy(y_test, y_hat)", "", True, (
        (lambda r: r["valid_acc"], "正解ラベルが検証データのもの (y_valid) です。y_test を使います。",
         "the labels of the wrong set (y_valid): use y_test"),
        (lambda r: 100 * r["testacc"], "100 倍しています。正解率は 0 から 1 の割合です。",
         "times 100: the accuracy is a fraction from 0 to 1"),
    )),
}

# The registry: one entry per column of a class's grades.csv, in the handout's order.
BLANKS = {
    **_FUNCTIONS,
    **{f"inference.{name}": _STEP[name] for name in INFERENCE_ROWS},
    **{f"training.{name}": _STEP[name] for name in TRAINING_ROWS},
    **_TEST,
}
COLUMNS = list(BLANKS)


# --------------------------------------------------------------------------------------
# Messages: Japanese first, then one English paragraph
# --------------------------------------------------------------------------------------


class CheckFailed(AssertionError):
    """A check found a wrong or unfinished line. Shown in a notebook as its message alone, without a traceback."""

    def _render_traceback_(self):  # IPython shows this instead of the traceback
        return [f"\x1b[31m答え合わせ / Check\x1b[0m: {self}"]


def _text(ja, en):
    """A message: the Japanese lines, then the English ones after an empty line."""
    return "\n".join([*ja, "", *en]).strip("\n")


def _fail(ja, en):
    raise CheckFailed(_text(ja, en))


def _shape_in_notebook(spec):
    return "(" + ", ".join(str(NOTEBOOK.get(c, 1)) for c in spec) + ")"


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

    @property
    def ok(self):
        return self.status == "ok"


def _where(v):
    return f"{v.lineno}行目 `{v.line}`" if v.lineno else ""


HINTS = True  # the handout has the collapsed hint; a handout made with --no-hints sets this to False


def _hint_pointer(blank, empty=False):
    """Where the learner finds the equation: the text above, or for the deltas and gradients, the hint."""
    if blank in _TEST.values():
        return ("上の「学習結果の確認」のセルと同じ形で、テストデータ (X_test, y_test) について書いてください。",
                "Write it as in the validation cells above, for the test set (X_test, y_test).")
    if blank.shown:
        if empty:
            return "上の説明にある式を見ながら書いてください。", "Write it from the equation in the text above."
        return "上の説明にある式と見比べてください。", "Compare it with the equation in the text above."
    if not HINTS:
        return ("上の説明にある形を手がかりに、連鎖律で式を導いてください。",
                "Derive it with the chain rule; the shapes given above are the clue.")
    if empty:
        return ("上の説明にある形を手がかりに、式を導いてください。行き詰まったら「ヒント」を開いてください。",
                "Derive it from the shapes given above; the hint above holds the equation.")
    return ("式をもう一度導いてみてください。「ヒント」を開くと式を確かめられます。",
            "Derive it again; the hint above holds the equation.")


def _error_pointer(error, blank):
    """What a learner does about the exception their line raised."""
    if isinstance(error, NameError):
        return ("まだ定義されていない名前を使っています。変数名のつづりを確かめてください。",
                "It uses a name that is not defined: check the spelling.")
    if isinstance(error, SyntaxError):
        return ("Python の文として読めません。かっこの閉じ忘れなどを確かめてください。",
                "It is not valid Python: check the brackets.")
    if isinstance(error, ValueError) and ("matmul" in str(error) or "broadcast" in str(error)):
        return ("行列の形が合わず、計算できません。上の説明にある形を手がかりに、掛ける順番と .T を確かめてください。",
                "The shapes do not fit: check the order of the factors and the .T against the shapes above.")
    return _hint_pointer(blank)


# --------------------------------------------------------------------------------------
# Running a learner's lines one by one
# --------------------------------------------------------------------------------------

_EMPTY = "__checks_blank__"  # what a blank line assigns while it is judged: it is reported as empty
_BLANK_LINE = re.compile(rf"^(\s*)(?:(\w+)\s*=|(return))\s*{re.escape(BLANK)}.*$", re.M)


class _Empty:
    def __repr__(self):
        return "### CODE HERE ###"


LINE_SECONDS = None  # the grader's time limit for each learner's line (it handles the SIGALRM this raises)


def _quiet(func, *args, **kwargs):
    """func(...) with floating-point warnings silenced: the check judges the numbers it returns."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if LINE_SECONDS:
            signal.setitimer(signal.ITIMER_REAL, LINE_SECONDS)
        try:
            return func(*args, **kwargs)
        finally:
            if LINE_SECONDS:
                signal.setitimer(signal.ITIMER_REAL, 0)


def _fill_blanks(source):
    """The source with each blank made a statement that assigns a marker (reported as 'empty')."""
    return _BLANK_LINE.sub(lambda m: f"{m.group(1)}{m.group(2) or 'return'} = {_EMPTY}" if m.group(2)
                           else f"{m.group(1)}return {_EMPTY}", source)


def _parse(source):
    """Statements of source, with (line number, the line's text); a line that is not Python becomes a raise."""
    lines = source.split("\n")
    broken = {}
    for _ in range(len(lines)):
        try:
            tree = ast.parse("\n".join(lines))
            break
        except SyntaxError as e:
            number = min(max(e.lineno or 1, 1), len(lines))
            indent = lines[number - 1][: len(lines[number - 1]) - len(lines[number - 1].lstrip())]
            broken[number] = (lines[number - 1].strip(), f"SyntaxError: {e.msg}")
            name = re.match(r"\s*(\w+)\s*=[^=]", lines[number - 1])
            starts_return = lines[number - 1].strip().startswith("return")
            target = f"{name.group(1)} = " if name else ("return " if starts_return else "")
            lines[number - 1] = f"{indent}{target}__checks_broken__({number})"
    else:
        raise ValueError("the source could not be parsed")
    return tree, lines, broken


def _assigned(statement):
    names = []
    for node in ast.walk(statement):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.append(node.id)
    return names


class _Broken(Exception):
    pass


def _run_lines(source, rows, ns, ref, shapes_ns=None):
    """Run source statement by statement in ns; judge each assignment to a row against ref[row].

    After a row is judged it takes its right value, so the lines after it are judged on right inputs. shapes_ns
    mirrors ns with zeros of the notebook's sizes: every line runs there too, for the shape (or the error) the
    learner would see in the notebook. Returns {row: Verdict}.
    """
    tree, _, broken = _parse(_fill_blanks(source))
    source_lines = source.split("\n")

    def broken_line(number):
        raise _Broken(number)

    for namespace in (ns, shapes_ns if shapes_ns is not None else {}):
        namespace["__checks_broken__"], namespace[_EMPTY] = broken_line, _Empty()
    verdicts = {}
    for statement in tree.body:
        targets = [name for name in _assigned(statement) if name in rows and name not in verdicts]
        code = compile(ast.Module([statement], type_ignores=[]), "<your line>", "exec")
        number = statement.lineno
        text = _statement_text(source_lines, number, statement.end_lineno)
        raised = _exec(code, ns)
        if isinstance(raised, _Broken):
            raised = SyntaxError(broken[number][1].split(": ", 1)[1])
        in_notebook = _exec(code, shapes_ns) if shapes_ns is not None else None
        if isinstance(in_notebook, _Broken):
            in_notebook = raised
        for name in targets:
            shape = in_notebook if in_notebook is not None or shapes_ns is None else np.shape(shapes_ns.get(name))
            verdicts[name] = _judge_value(name, ns.get(name), ref, raised, shape)
            verdicts[name].line, verdicts[name].lineno = text, number
            ns[name] = np.copy(ref[name])
            if shapes_ns is not None and _spec(name):
                shapes_ns[name] = _notebook_zeros(_spec(name))
    return verdicts


def _statement_text(lines, first, last):
    """The learner's statement as written (a wrapped one whole), comments left out."""
    return "\n".join(line.split("#")[0].rstrip() for line in lines[first - 1:last]).strip()


def _exec(code, namespace):
    """Run one statement; return the exception it raised, or None."""
    try:
        _quiet(exec, code, namespace)
    except (Exception, SystemExit) as e:  # the learner's line raised: judged as an error, named at this line
        return e
    return None


def _spec(name):
    blank = _STEP.get(name)
    return blank.shape if blank else ""


def _judge_value(name, got, ref, raised, in_notebook):
    """The verdict on one row: the value got (or the exception raised) against the reference.

    in_notebook: what the line gave in the notebook's sizes, a shape or the exception it raised there.
    """
    blank = _STEP.get(name) or _TEST.get(name)
    if blank is None:  # a name the course's code assigns (X = X.T in inference): not a blank
        return Verdict("ok")
    pointer_ja, pointer_en = _hint_pointer(blank)
    if isinstance(got, _Empty) and raised is None:
        empty_ja, empty_en = _hint_pointer(blank, empty=True)
        return Verdict("empty", [f"{name} の空欄がまだ埋まっていません。", empty_ja],
                       [f"{name} is not filled yet. {empty_en}"])
    if raised is not None:
        error = in_notebook if isinstance(in_notebook, Exception) else raised
        message = f"{type(error).__name__}: {error}"
        what_ja, what_en = _error_pointer(error, blank)
        return Verdict("error", [what_ja, f"({message})"], [f"The line of {name} raised {message}. {what_en}"],
                       mistake=type(error).__name__)
    shape = str(in_notebook) if isinstance(in_notebook, tuple) else ""
    got = np.asarray(got)
    want = ref[name]
    if got.dtype == object or not np.issubdtype(got.dtype, np.number):
        return Verdict("wrong", [f"{name} が数値の配列になっていません。"], [f"{name} is not an array of numbers."],
                       shape=shape, mistake="not numbers")
    if got.shape != np.shape(want):
        right = _shape_in_notebook(blank.shape) if blank.shape else str(np.shape(want))
        hint_ja, hint_en = _shape_hint(name, got.shape, np.shape(want))
        return Verdict("wrong", [f"{name} の形が {shape or got.shape} です。正しい形は {right} です。", *hint_ja],
                       [f"{name} has shape {shape or got.shape}; it should be {right}.", *hint_en],
                       shape=shape, mistake=hint_en[0].removeprefix("Likely mistake: ") if hint_en else "wrong shape")
    error = rel_error(got, want) if np.all(np.isfinite(got)) else float("inf")
    if error < TOLERANCE:
        return Verdict("ok", error=error, shape=shape)
    for wrong, ja, en in blank.mistakes:
        value = _quiet(wrong, ref)
        if np.shape(value) == got.shape and rel_error(got, value) < TOLERANCE:
            return Verdict("wrong", [f"よくある間違い: {ja}"], [f"{name} is wrong. Likely mistake: {en}."],
                           error=error, shape=shape, mistake=en)
    if not np.all(np.isfinite(got)):
        return Verdict("wrong", [f"{name} に nan か inf が含まれています。", pointer_ja],
                       [f"{name} holds nan or inf. {pointer_en}"], error=error, shape=shape, mistake="nan or inf")
    return Verdict("wrong", [pointer_ja], [f"{name} is wrong. {pointer_en}"],
                   error=error, shape=shape, mistake="another mistake")


def _shape_hint(name, got, want):
    if len(got) == 2 and got == tuple(want)[::-1]:
        return (["よくある間違い: 積が転置になっています。掛ける順番と .T を確かめてください。"],
                ["Likely mistake: the product is transposed; check the order of the factors and the .T."])
    if name.startswith("dLdb") and len(got) < 2:
        return (["よくある間違い: ミニバッチについて足した結果が列ベクトルの形になっていません "
                 "(または、すべての要素を足しています)。"
                 "sum(axis=1, keepdims=True) のように、列ベクトルの形を保ってください。"],
                ["Likely mistake: the sum over the batch lost its column shape (or summed over everything): "
                 "keep it a column, as sum(axis=1, keepdims=True) does."])
    if name.startswith("dLdb") and len(got) == 2 and got[1] != 1:
        return (["よくある間違い: 和をとる軸が違います。ミニバッチは axis=1 です。"],
                ["Likely mistake: the sum runs over the wrong axis: the batch is axis 1."])
    return [], []


# --------------------------------------------------------------------------------------
# The tiny problem and its reference values
# --------------------------------------------------------------------------------------


def tiny_problem(seed=111):
    """Parameters W_2 (5, 7), b_2, W_3 (10, 5), b_3, a batch X (7, 6) and one-hot targets D (10, 6), float64."""
    rng = np.random.default_rng(seed)
    d, h, k, n = TINY["d"], TINY["h"], TINY["k"], TINY["n"]
    params = {"W_2": rng.normal(size=(h, d)), "b_2": rng.normal(size=(h, 1)),
              "W_3": rng.normal(size=(k, h)), "b_3": rng.normal(size=(k, 1))}
    X = rng.random((d, n))
    D = np.eye(k)[:, rng.integers(0, k, n)]
    return params, X, D


def _loss_from_U3(U_3, D):
    shifted = U_3 - U_3.max(axis=0)
    return -np.sum(D * (shifted - np.log(np.exp(shifted).sum(axis=0))))


def _numerical_gradient(f, x, eps=1e-5):
    """Central differences of the scalar f() in every entry of x (changed in place, then restored)."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f()
        x[i] = old - eps
        down = f()
        x[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad


def reference_forward(params, X):
    """The forward pass, written out: X (d, n) and its size n, U_2, Z_2, U_3, Z_3, and the old parameters."""
    r = {"X": X, "n": X.shape[1], **{"old_" + k: v for k, v in params.items()}}
    r["U_2"] = params["W_2"] @ X + params["b_2"]
    r["Z_2"] = 1 / (1 + np.exp(-r["U_2"]))
    r["U_3"] = params["W_3"] @ r["Z_2"] + params["b_3"]
    r["Z_3"] = _softmax(r["U_3"])
    return r


def reference_step(params, X, D, eta):
    """Every tensor of one SGD step: the forward pass written out, and the gradients by central differences."""
    p = {name: value.copy() for name, value in params.items()}
    r = {**reference_forward(p, X), "D": D, "eta": eta}
    U_2, U_3 = r["U_2"].copy(), r["U_3"].copy()
    r["Delta_3"] = _numerical_gradient(lambda: _loss_from_U3(U_3, D), U_3)
    r["Delta_2"] = _numerical_gradient(lambda: _loss_from_U3(p["W_3"] @ (1 / (1 + np.exp(-U_2))) + p["b_3"], D), U_2)
    for name in ("W_3", "b_3", "W_2", "b_2"):
        r["dLd" + name] = _numerical_gradient(lambda: _loss_from_U3(reference_forward(p, X)["U_3"], D), p[name])
        r[name] = params[name] - eta * r["dLd" + name]
    return r


def _functions_ns():
    """The four functions, right, for the lines that call them: each line is judged on its own."""
    return {"np": np, "softmax": lambda U, reduce_axis=0: _softmax(U, reduce_axis), "sigmoid": _sigmoid,
            "dsigmoid_du": _dsigmoid}


def _notebook_zeros(spec):
    return np.zeros(tuple(NOTEBOOK.get(c, 1) for c in spec), dtype=np.float32)


# --------------------------------------------------------------------------------------
# Judging each block of blanks from its source
# --------------------------------------------------------------------------------------


def step_source(cell_source):
    """The lines of one SGD step in the training cell, from ``## 順方向の推論`` to ``## リアルタイムの誤差の描画``."""
    lines = cell_source.split("\n")
    start = next(i for i, line in enumerate(lines) if STEP_START in line)
    end = next(i for i, line in enumerate(lines) if STEP_END in line)
    return textwrap.dedent("\n".join(lines[start:end])), start


def judge_training(cell_source):
    """{row: Verdict} for the 14 lines of the SGD step in a training cell's source."""
    step, offset = step_source(cell_source)
    params, X, D = tiny_problem()
    ref = reference_step(params, X, D, ETA)
    sizes = {"X": _notebook_zeros("dn"), "D": _notebook_zeros("kn"), "W_2": _notebook_zeros("hd"),
             "b_2": _notebook_zeros("h1"), "W_3": _notebook_zeros("kh"), "b_3": _notebook_zeros("k1")}
    common = {"eta": ETA, "epoch": 0, "batch": 0, "nb_batch": 1, "nb_epoch": 1, "plot_freq": 50}
    ns = {**_functions_ns(), **{k: v.copy() for k, v in params.items()}, "X": X, "D": D, "X_batch": X.T.copy(),
          "Y_batch": D.T.copy(), "batch_size": TINY["n"], "x_dim": TINY["d"], "h_dim": TINY["h"],
          "nb_classes": TINY["k"], **common}
    shapes_ns = {**_functions_ns(), **sizes, "X_batch": sizes["X"].T, "Y_batch": sizes["D"].T,
                 "batch_size": NOTEBOOK["n"], "x_dim": NOTEBOOK["d"], "h_dim": NOTEBOOK["h"],
                 "nb_classes": NOTEBOOK["k"], **common}
    verdicts = _run_lines(step, TRAINING_ROWS, ns, ref, shapes_ns)
    for name in TRAINING_ROWS:
        if name in verdicts:
            verdicts[name].lineno += offset
        else:
            verdicts[name] = Verdict("error", [f"{name} に代入する行がありません。"], [f"No line assigns {name}."],
                                     mistake="line missing")
    return {name: verdicts[name] for name in TRAINING_ROWS}


def _function_def(source, name):
    """The ``def name(...)`` statement in source, and its first line's number."""
    tree, _, _ = _parse(_fill_blanks(source))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return node
    return None


def judge_inference(cell_source):
    """{row: Verdict} for the four lines of ``inference`` in a cell's source."""
    node = _function_def(cell_source, "inference")
    if node is None:
        return {name: Verdict("error", ["inference を定義する def が見つかりません。"], ["No def of inference found."],
                              mistake="no def") for name in INFERENCE_ROWS}
    lines = cell_source.split("\n")
    body_start, body_end = node.body[0].lineno, node.end_lineno
    body = textwrap.dedent("\n".join(lines[body_start - 1:body_end]))
    body = re.sub(r"^return\b", "__result__ =", body, flags=re.M)
    params, _, _ = tiny_problem()
    X = np.random.default_rng(1).random((TINY["n"], TINY["d"]))  # one image per row, as inference takes them
    ref = reference_forward(params, X.T)
    sizes = {"W_2": _notebook_zeros("hd"), "b_2": _notebook_zeros("h1"), "W_3": _notebook_zeros("kh"),
             "b_3": _notebook_zeros("k1")}
    ns = {**_functions_ns(), **{k: v.copy() for k, v in params.items()}, "X": X.copy(), "x_dim": TINY["d"]}
    shapes_ns = {**_functions_ns(), **sizes, "X": np.zeros((NOTEBOOK["n"], NOTEBOOK["d"]), dtype=np.float32),
                 "x_dim": NOTEBOOK["d"]}
    verdicts = _run_lines(body, [*INFERENCE_ROWS, "X"], ns, {**ref, "X": X.T}, shapes_ns)
    verdicts.pop("X", None)
    for name in INFERENCE_ROWS:
        if name in verdicts:
            verdicts[name].lineno += body_start - 1
        else:
            verdicts[name] = Verdict("error", [f"inference の中に {name} に代入する行がありません。"],
                                     [f"No line of inference assigns {name}."], mistake="line missing")
    return {name: verdicts[name] for name in INFERENCE_ROWS}


def _function_probes():
    """For each function: [(its arguments, the reference values r of that probe, the right value)]."""
    rng = np.random.default_rng(0)
    k, n = TINY["k"], TINY["n"]
    U = rng.normal(size=(k, n)) * 3
    D = np.eye(k)[:, rng.integers(0, k, n)]
    Y = _softmax(U)
    L = -np.sum(D * np.log(np.clip(Y, 1e-8, 1 - 1e-8)))
    u = np.concatenate([np.linspace(-30, 30, 61), [-1000.0, 1000.0]])
    big = np.array([[1000.0, -1000.0, 0.0], [0.0, 1000.0, 0.0], [-1000.0, 0.0, 1.0]])
    return {
        "softmax": [((U,), {}, {"U": U, "axis": 0}, _softmax(U)),
                    ((U.T,), {"reduce_axis": 1}, {"U": U.T, "axis": 1}, _softmax(U.T, axis=1)),
                    ((big,), {}, {"U": big, "axis": 0, "big": True}, _softmax(big))],
        "softmax_cross_entropy": [((D, Y), {}, {"L": L, "n": n, "k": k}, np.asarray(L))],
        "sigmoid": [((u,), {}, {"U": u, "big": True}, _sigmoid(u))],
        # sigma'(u) written with exp(-u) may overflow at u = -1000; the notebook's inputs stay far below
        "dsigmoid_du": [((u[:-2],), {}, {"U": u[:-2]}, _dsigmoid(u[:-2]))],
    }


def judge_functions(functions, source=None):
    """{name: Verdict} for the four functions: ``functions`` maps each name to the learner's function.

    Each runs with the right versions of the others (dsigmoid_du with the right sigmoid), so each is judged alone.
    """
    verdicts = {}
    right = _functions_ns()
    for name, probes in _function_probes().items():
        blank = _FUNCTIONS[name]
        func = functions.get(name)
        line = _return_line(source, name)
        if func is None:
            verdicts[name] = Verdict("error", [f"{name} が定義されていません。"], [f"{name} is not defined."],
                                     mistake="not defined")
            continue
        verdicts[name] = _judge_function(name, func, probes, blank, right)
        verdicts[name].line, verdicts[name].lineno = line
    return verdicts


def _judge_function(name, func, probes, blank, right):
    namespace = getattr(func, "__globals__", {})
    others = {other: namespace.get(other) for other in ("softmax", "sigmoid", "dsigmoid_du") if other != name}
    try:
        namespace.update({other: right[other] for other in others})
        for args, kwargs, r, want in probes:
            try:
                got = _quiet(func, *(np.copy(a) for a in args), **kwargs)
            except _Broken as e:
                return Verdict("error", [f"{name} の return の行が Python の文になっていません。"],
                               [f"The return line of {name} is not valid Python."], mistake="SyntaxError",
                               lineno=e.args[0] if e.args else 0)
            except (Exception, SystemExit) as e:
                return Verdict("error", [f"{name} の中でエラーが出ました: {type(e).__name__}: {e}"],
                               [f"{name} raised {type(e).__name__}: {e}"], mistake=type(e).__name__)
            if isinstance(got, _Empty):
                return Verdict("empty", [f"{name} の return の空欄がまだ埋まっていません。",
                                         "上の説明にある式を見ながら書いてください。"],
                               [f"The return line of {name} is not filled yet."])
            if got is None:
                return Verdict("empty", [f"{name} が何も返していません (return の右側が空です)。",
                                         "上の説明にある式を見ながら書いてください。"],
                               [f"{name} returns nothing (the return line is empty)."])
            got = np.asarray(got)
            if r.get("big") and not np.all(np.isfinite(got)):
                return Verdict("wrong", [f"{name} が大きな入力 (u = ±1000) で nan か inf を返します。"
                                         "exp がオーバーフローしています。",
                                         "NaN 対策: exp をとる前に最大値を引くと、比は変わらずオーバーフローしません。"
                                         if name == "softmax" else "NaN 対策: tanh を使う形に書き換えてください。"],
                               [f"{name} returns nan or inf for large inputs (u = ±1000): exp overflows."],
                               mistake="overflows to nan")
            if got.shape != want.shape:
                return Verdict("wrong", [f"{name} の出力の形が {got.shape} です。正しい形は {want.shape} です。"],
                               [f"{name} returned shape {got.shape}; it should be {want.shape} here."],
                               mistake="wrong shape")
            if rel_error(got, want) < TOLERANCE:
                continue
            for wrong, ja, en in blank.mistakes:
                value = _quiet(wrong, r)
                if np.shape(value) == got.shape and rel_error(got, value) < TOLERANCE:
                    return Verdict("wrong", [f"よくある間違い: {ja}"],
                                   [f"{name} is wrong. Likely mistake: {en}."], mistake=en)
            return Verdict("wrong", ["上の説明にある式と見比べてください。"],
                           [f"{name} is wrong: compare it with its equation above."], mistake="another mistake",
                           error=rel_error(got, want))
        return Verdict("ok")
    finally:
        namespace.update({other: func for other, func in others.items() if func is not None})


def _return_line(source, name):
    if not source:
        return "", 0
    node = _function_def(source, name)
    if node is None:
        return "", 0
    returns = [n for n in ast.walk(node) if isinstance(n, ast.Return)]
    if not returns:
        return "", 0
    number = returns[-1].lineno
    return _statement_text(source.split("\n"), number, returns[-1].end_lineno), number


def _test_reference():
    """The test cell's inputs on a tiny network, and its right values: one prediction function for every set."""
    params, _, _ = tiny_problem()
    rng = np.random.default_rng(2)
    m = 40
    sets = {name: rng.random((m, TINY["d"])) for name in ("X_train", "X_valid", "X_test")}
    labels = {name: rng.integers(0, TINY["k"], m) for name in ("y_train", "y_valid", "y_test")}

    def inference(X):
        return reference_forward(params, np.asarray(X).T)["Z_3"].T

    def accuracy(y_true, y_pred):
        return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))

    Y_hat = inference(sets["X_test"])
    r = {"Y_hat": Y_hat, "valid_Y_hat": inference(sets["X_valid"]), "train_Y_hat": inference(sets["X_train"]),
         "testacc": np.asarray(accuracy(labels["y_test"], Y_hat.argmax(axis=1))),
         "valid_acc": np.asarray(accuracy(labels["y_valid"], Y_hat.argmax(axis=1)))}
    return {"np": np, "inference": inference, "calculate_accuracy": accuracy, **sets, **labels}, r


def judge_test(cell_source):
    """{row: Verdict} for Y_hat and testacc in the test-set cell's source."""
    ns, ref = _test_reference()
    verdicts = _run_lines(cell_source, TEST_ROWS, ns, ref)
    for name in TEST_ROWS:
        if name not in verdicts:
            verdicts[name] = Verdict("error", [f"{name} に代入する行がありません。"], [f"No line assigns {name}."],
                                     mistake="line missing")
    return {name: verdicts[name] for name in TEST_ROWS}


def judge_functions_source(cell_source):
    """{name: Verdict} for the four functions defined by a cell's source, run in a namespace of their own."""
    ns = {"np": np, _EMPTY: _Empty()}
    tree, _, _ = _parse(_fill_blanks(cell_source))

    def broken_line(number):
        raise _Broken(number)

    ns["__checks_broken__"] = broken_line
    try:
        _quiet(exec, compile(tree, "<your cell>", "exec"), ns)
    except (Exception, SystemExit) as e:
        return {name: Verdict("error", [f"関数のセルでエラーが出ました: {type(e).__name__}: {e}"],
                              [f"The cell of the functions raised {type(e).__name__}: {e}"],
                              mistake=type(e).__name__) for name in FUNCTION_ROWS}
    return judge_functions({name: ns.get(name) for name in FUNCTION_ROWS}, cell_source)


def judge_notebook(cells):
    """A verdict for each of the 24 blanks (the keys of ``BLANKS``), from the sources of the four cells.

    ``cells`` maps "functions", "inference", "training" and "test" to a cell's source (or None, if not found).
    """
    judges = {"functions": (judge_functions_source, ""), "inference": (judge_inference, "inference."),
              "training": (judge_training, "training."), "test": (judge_test, "")}
    verdicts = {}
    for cell, (judge, prefix) in judges.items():
        source = cells.get(cell)
        rows = {"functions": FUNCTION_ROWS, "inference": INFERENCE_ROWS, "training": TRAINING_ROWS,
                "test": TEST_ROWS}[cell]
        if source is None:
            found = {name: Verdict("error", ["このセルが見つかりません。"], ["This cell was not found."],
                                   mistake="cell missing") for name in rows}
        else:
            found = judge(source)
        verdicts.update({prefix + name: v for name, v in found.items()})
    return {name: verdicts[name] for name in COLUMNS}


# --------------------------------------------------------------------------------------
# What the learner sees: the checks the notebook calls
# --------------------------------------------------------------------------------------


def _pad(text, width, right=False):
    """text padded to width columns of a terminal (a Japanese character takes two)."""
    columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    space = " " * max(0, width - columns)
    return space + text if right else text + space


def _table(rows, verdicts):
    """One row per line, judged on its own: its shape in the notebook's sizes, its relative error, a mark."""
    first = next((name for name in rows if not verdicts[name].ok), None)
    lines = ["各行を、それより前の行をすべて正しい値にしたうえで、小さな問題で1行ずつ実行した結果です"
             " (形は、このノートブックでの大きさで示しています):",
             "  " + _pad("行", 10) + _pad("形", 12, right=True) + _pad("相対誤差", 12, right=True) + "   判定"]
    marks = {"ok": "○", "wrong": "✗", "empty": "空欄", "error": "エラー"}
    for name in rows:
        v = verdicts[name]
        error = f"{v.error:.1e}" if np.isfinite(v.error) else "-"
        arrow = "   ← 最初に違う行" if name == first else ""
        lines.append("  " + _pad(name, 10) + _pad(v.shape or "-", 12, right=True) + _pad(error, 12, right=True)
                     + "   " + marks[v.status] + arrow)
    return lines


def _report(what, rows, verdicts):
    """Raise CheckFailed naming the first line that is not right, with the table; or return quietly."""
    first = next((name for name in rows if not verdicts[name].ok), None)
    if first is None:
        return
    v = verdicts[first]
    label = f"{first} の return の行" if rows == FUNCTION_ROWS else f"{what}の {first} の行"
    if v.status == "empty":
        ja = [f"{label}{f' ({v.lineno}行目)' if v.lineno else ''}がまだ埋まっていません。", *v.ja[1:]]
    else:
        state = "が違います" if v.status == "wrong" else "でエラーが出ました"
        ja = [f"{label}{state}" + (f" ({_where(v)})。" if v.lineno else "。"), *v.ja]
    if rows == FUNCTION_ROWS:
        marks = {"ok": "○", "wrong": "✗", "empty": "空欄", "error": "エラー"}
        ja += ["", "4つの関数を、ほかの関数は正しいものにして、1つずつ小さな入力で確かめた結果です:",
               "  " + "  ".join(f"{name} {marks[verdicts[name].status]}" for name in rows)]
    elif len(rows) > 1:
        ja += ["", *_table(rows, verdicts)]
    raise CheckFailed(_text(ja, v.en))


def _last_cell(ns, *markers):
    """The source of the last cell run that holds every marker, from IPython's record of executed cells."""
    shell = ns.get("get_ipython", lambda: None)()
    raw = shell.history_manager.input_hist_raw if shell is not None else []
    for source in reversed(raw or ns.get("In", [])):
        if all(marker in source for marker in markers):
            return source
    return None


def _need(ns, names, where_ja, where_en):
    missing = [n for n in names if n not in ns]
    if missing:
        _fail([f"{'、'.join(missing)} がまだ定義されていません。先に{where_ja}を実行してください (Shift+Enter)。"],
              [f"{', '.join(missing)} is not defined yet: run {where_en} first (Shift+Enter)."])


def check_functions(ns):
    """Check softmax, softmax_cross_entropy, sigmoid and dsigmoid_du from the notebook's variables ``ns``."""
    _need(ns, FUNCTION_ROWS, "関数を定義するセル", "the cell that defines them")
    source = _last_cell(ns, "def softmax(", "def dsigmoid_du(")
    verdicts = judge_functions({name: ns[name] for name in FUNCTION_ROWS}, source)
    _report("関数", FUNCTION_ROWS, verdicts)
    print("✓ 4つの関数 (softmax, softmax_cross_entropy, sigmoid, dsigmoid_du) は式どおりです。"
          " / All four functions agree with their equations.")


def check_inference(ns):
    """Check the four lines of ``inference``, each on its own, on a tiny network."""
    _need(ns, ["inference"], "inference を定義するセル", "the cell that defines inference")
    source = _last_cell(ns, "def inference(")
    if source is None:
        source = textwrap.dedent(inspect.getsource(ns["inference"]))
    verdicts = judge_inference(source)
    _report("inference ", INFERENCE_ROWS, verdicts)
    print("✓ inference の4行 (U_2, Z_2, U_3, Z_3) は正しいです。 / The four lines of inference are right.")


def check_training(ns, source=None, quiet=False):
    """Check the 14 lines of one SGD step, each on its own, as the training cell that last ran wrote them.

    ``source`` is that cell's source; None finds it in IPython's record of the cells run, which exists in
    Jupyter, JupyterLab, VS Code, Colab and nbconvert alike.
    """
    source = source if source is not None else _last_cell(ns, STEP_START, STEP_END)
    if source is None:
        _fail(["学習のセルがまだ実行されていません。先に「学習」のセルを実行してから、このチェックを実行してください。"],
              ["No training cell has run yet: run the training cell first, then this check."])
    verdicts = judge_training(source)
    _report("学習のセル", TRAINING_ROWS, verdicts)
    if not quiet:
        print("✓ 学習の14行はすべて正しいです (数値微分で求めた勾配と一致しました)。"
              " / All 14 lines of the step agree with backprop by central differences.")


def check_test(ns):
    """Check Y_hat and testacc of the test-set cell that last ran."""
    source = _last_cell(ns, "Y_hat =", "testacc =")
    if source is None:
        _need(ns, ["Y_hat", "testacc"], "テストデータのセル", "the test-set cell")
        _fail(["テストデータのセルが見つかりません。もう一度実行してください。"], ["Run the test-set cell again."])
    verdicts = judge_test(source)
    _report("テストデータのセル", TEST_ROWS, verdicts)
    print("✓ テストデータの2行 (Y_hat, testacc) は正しいです。 / Y_hat and testacc are right.")


# --------------------------------------------------------------------------------------
# Before a cell runs: a blank left, and the training cell's own step
# --------------------------------------------------------------------------------------

_PENDING = {}  # the training cells waiting for their check, by the hash of their source


def _blank_message(lines):
    """The message for the first blank of a cell, or None: it names the blank and where to look, never the answer."""
    function = None
    for number, line in enumerate(lines, 1):
        defined = re.match(r"\s*def\s+(\w+)", line)
        function = defined.group(1) if defined else function
        match = re.match(rf"^\s*(?:(\w+)\s*=|return)\s*{re.escape(BLANK)}", line)
        if match:
            name = match.group(1)
            blank = (BLANKS.get(f"training.{name}") or BLANKS.get(name)) if name else BLANKS.get(function or "")
            pointer_ja, pointer_en = _hint_pointer(blank, empty=True) if blank else ("", "")
            label_ja = f"{name} の行" if name else f"{function} の return の行"
            label_en = name or f"{function} (return)"
            return _text([f"{label_ja} ({number}行目) がまだ埋まっていません。{pointer_ja}".strip()],
                         [f"{label_en}: line {number} is not filled yet. {pointer_en}".strip()])
    return None


def _cell_guard(lines):
    """IPython input transformer: a cell with a blank stops naming it; the training cell checks its step first."""
    message = _blank_message(lines)
    if message:
        return [f"raise __import__('checks').CheckFailed({message!r})\n"]
    source = "".join(lines)
    if STEP_START in source and STEP_END in source and "nb_epoch" in source:
        key = hashlib.sha1(source.encode()).hexdigest()[:12]
        _PENDING[key] = source
        return [f"__import__('checks')._check_before_training({key!r}, globals())\n", *lines]
    return lines


def _check_before_training(key, ns):
    """Run by the training cell before its first epoch: stop it if a line of its step is wrong."""
    source = _PENDING.pop(key, None)
    if source is not None:
        check_training(ns, source=source, quiet=True)


def _install_cell_guard():
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None and _cell_guard not in shell.input_transformers_cleanup:
        shell.input_transformers_cleanup.append(_cell_guard)


def uninstall_cell_guard():
    """Remove the transformer (the grader does, to train a student's network even with a wrong line)."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None and _cell_guard in shell.input_transformers_cleanup:
        shell.input_transformers_cleanup.remove(_cell_guard)


if "IPython" in sys.modules:
    _install_cell_guard()
