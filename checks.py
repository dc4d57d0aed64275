"""Checks of the learner's lines in mnist_mlp.ipynb: which line is wrong, and why.

One check after each block of blanks of the course's exercise, called as the notebook does::

    check_functions(globals())   # softmax, softmax_cross_entropy, sigmoid, dsigmoid_du
    check_inference(globals())   # the four lines of inference
    check_training(globals())    # the 14 lines of one SGD step, from the training cell that last ran
    check_test(globals())        # Y_hat and testacc on the test set

``globals()`` hands over the notebook's variables. Each check runs the learner's code on a tiny float64 problem
and compares every tensor with a reference computed here, independently: the forward pass written out, and the
gradients by central differences. Numbers are judged, never text, so ``np.dot``, ``@``, ``keepdims=True`` or
``.reshape(-1, 1)`` all pass. On a right answer a check prints one line; on a wrong one it stops with a
``CheckFailed`` (an ``AssertionError``) that names the blank, shows its equation and shape and, when the wrong
value matches a known mistake (a flipped sign, a missing derivative, a mean for a sum ...), says which.

Importing this module inside IPython also turns a cell that still holds ``### CODE HERE ###`` into a short
"not filled yet" message instead of a ``SyntaxError``.

To add a known mistake: append ``(function of the reference values, hint in English, hint in Japanese)`` to the
blank's list in ``MISTAKES``; ``tests/test_checks.py`` shows how to prove that it is caught.
"""

import re
import sys
import textwrap
import warnings

import numpy as np

BLANK = "### CODE HERE ###"
STEP_START = "## 順方向の推論"  # the course's comments around one SGD step in the training cell
STEP_END = "## リアルタイムの誤差の描画"
TOLERANCE = 1e-6  # largest relative error of a right line in float64 (right lines give 1e-9 or less)

# Sizes of the tiny check problem (all different, so a transposed product cannot pass by accident) and the
# notebook's sizes they stand for: input pixels d, hidden units h, classes k, batch n.
TINY = {"d": 7, "h": 5, "k": 10, "n": 6}
NOTEBOOK = {"d": 784, "h": 256, "k": 10, "n": 100}

# What each blank computes: the equation and its shape in the notebook (letters as in TINY).
EQUATIONS = {
    "U_2": ("U_2 = W_2 X + b_2", "hn"),
    "Z_2": ("Z_2 = sigma(U_2)", "hn"),
    "U_3": ("U_3 = W_3 Z_2 + b_3", "kn"),
    "Z_3": ("Z_3 = softmax(U_3)  (each column sums to 1)", "kn"),
    "Delta_3": ("Delta_3 = dL/dU_3 = Y - D", "kn"),
    "Delta_2": ("Delta_2 = dL/dU_2 = (W_3^T Delta_3) * sigma'(U_2)", "hn"),
    "dLdW_3": ("dL/dW_3 = Delta_3 Z_2^T", "kh"),
    "dLdb_3": ("dL/db_3 = sum of Delta_3 over the batch (axis=1), as a column", "k1"),
    "dLdW_2": ("dL/dW_2 = Delta_2 X^T", "hd"),
    "dLdb_2": ("dL/db_2 = sum of Delta_2 over the batch (axis=1), as a column", "h1"),
    "W_3": ("W_3 <- W_3 - eta dL/dW_3", "kh"),
    "b_3": ("b_3 <- b_3 - eta dL/db_3", "k1"),
    "W_2": ("W_2 <- W_2 - eta dL/dW_2", "hd"),
    "b_2": ("b_2 <- b_2 - eta dL/db_2", "h1"),
    "softmax": ("exp(U - max) / sum of exp(U - max) over axis reduce_axis", ""),
    "softmax_cross_entropy": ("L = -sum_n sum_k D_kn log Y_kn", ""),
    "sigmoid": ("sigma(U) = 1 / (1 + exp(-U))", ""),
    "dsigmoid_du": ("sigma'(U) = sigma(U) (1 - sigma(U))", ""),
    "Y_hat": ("Y_hat = inference(X_test)", ""),
    "testacc": ("testacc = calculate_accuracy(y_test, y_hat)", ""),
}
TRAINING_ROWS = ["U_2", "Z_2", "U_3", "Z_3", "Delta_3", "Delta_2", "dLdW_3", "dLdb_3", "dLdW_2", "dLdb_2",
                 "W_3", "b_3", "W_2", "b_2"]


def _sigmoid(u):
    return 0.5 * (1 + np.tanh(0.5 * u))


def _softmax(u, axis=0):
    e = np.exp(u - u.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


# Known mistakes: for each blank, (the wrong value computed from the reference values r, hint en, hint ja).
# r holds the reference tensors, the inputs X, D, the old parameters (old_W_2 ...) and eta.
MISTAKES = {
    "U_2": [
        (lambda r: r["old_W_2"] @ r["X"] - r["old_b_2"], "the bias is subtracted: + b_2", "バイアスの符号: + b_2"),
        (lambda r: r["old_W_2"] @ r["X"], "the bias b_2 is missing", "バイアス b_2 が足されていません"),
    ],
    "Z_2": [
        (lambda r: r["U_2"], "the activation is missing: sigmoid(U_2)", "活性化関数 sigmoid が抜けています"),
        (lambda r: _sigmoid(-r["U_2"]), "sigmoid of -U_2: check the sign", "sigmoid(-U_2) になっています: 符号を確認"),
        (lambda r: _sigmoid(r["U_2"]) * (1 - _sigmoid(r["U_2"])), "sigma' (dsigmoid_du) instead of sigma (sigmoid)",
         "sigma ではなく sigma' (dsigmoid_du) を使っています"),
    ],
    "U_3": [
        (lambda r: r["old_W_3"] @ r["U_2"] + r["old_b_3"], "it uses U_2; the layer's input is Z_2 = sigma(U_2)",
         "U_2 を使っています: 入力は Z_2 = sigma(U_2)"),
        (lambda r: r["old_W_3"] @ r["Z_2"] - r["old_b_3"], "the bias is subtracted: + b_3", "バイアスの符号: + b_3"),
        (lambda r: r["old_W_3"] @ r["Z_2"], "the bias b_3 is missing", "バイアス b_3 が足されていません"),
    ],
    "Z_3": [
        (lambda r: _softmax(r["U_3"], axis=1), "softmax over the batch (axis 1): it must be over the classes (axis 0)",
         "softmax の軸が違います: クラス方向 (axis=0) で正規化"),
        (lambda r: _sigmoid(r["U_3"]), "sigmoid instead of softmax", "sigmoid ではなく softmax"),
        (lambda r: r["U_3"], "softmax is missing", "softmax が抜けています"),
    ],
    "Delta_3": [
        (lambda r: -r["Delta_3"], "the sign is flipped: Y - D, not D - Y", "符号が逆です: D - Y ではなく Y - D"),
        (lambda r: r["Delta_3"] / r["n"], "divided by the batch size: L is the sum over the batch, so Y - D",
         "バッチサイズで割っています: L はバッチの和なので Y - D"),
        (lambda r: r["Z_3"], "D is missing: Y - D", "D が引かれていません: Y - D"),
    ],
    "Delta_2": [
        (lambda r: r["old_W_3"].T @ r["Delta_3"], "sigma'(U_2) is missing: multiply by dsigmoid_du(U_2)",
         "sigma'(U_2) を掛け忘れています: * dsigmoid_du(U_2)"),
        (lambda r: (r["old_W_3"].T @ r["Delta_3"]) * _sigmoid(r["U_2"]),
         "sigma (sigmoid) instead of sigma' (dsigmoid_du)",
         "sigma' (dsigmoid_du) ではなく sigma (sigmoid) になっています"),
        (lambda r: (r["old_W_3"].T @ r["Delta_3"]) * _sigmoid(r["Z_2"]) * (1 - _sigmoid(r["Z_2"])),
         "the derivative is taken at Z_2: dsigmoid_du(U_2), or Z_2 * (1 - Z_2)",
         "Z_2 で微分しています: dsigmoid_du(U_2) か Z_2 * (1 - Z_2)"),
    ],
    "dLdW_3": [
        (lambda r: r["Delta_3"] @ r["U_2"].T, "it uses U_2: the layer's input is Z_2", "U_2 ではなく Z_2 を使います"),
        (lambda r: r["dLdW_3"] / r["n"], "divided by the batch size: L is a sum, so no division",
         "バッチサイズで割っています: L は和なので割りません"),
    ],
    "dLdb_3": [
        (lambda r: r["dLdb_3"] / r["n"], "the mean over the batch: the gradient of a sum is a sum (.sum, not .mean)",
         "平均になっています: 和の勾配は和 (.mean ではなく .sum)"),
    ],
    "dLdW_2": [
        (lambda r: (r["old_W_3"].T @ r["Delta_3"]) @ r["X"].T, "it uses W_3^T Delta_3: use Delta_2",
         "W_3^T Delta_3 ではなく Delta_2 を使います"),
        (lambda r: r["dLdW_2"] / r["n"], "divided by the batch size: L is a sum, so no division",
         "バッチサイズで割っています: L は和なので割りません"),
    ],
    "dLdb_2": [
        (lambda r: r["dLdb_2"] / r["n"], "the mean over the batch: the gradient of a sum is a sum (.sum, not .mean)",
         "平均になっています: 和の勾配は和 (.mean ではなく .sum)"),
    ],
}
for _name in ("W_3", "b_3", "W_2", "b_2"):
    MISTAKES[_name] = [
        (lambda r, n=_name: r["old_" + n] + r["eta"] * r["dLd" + n], "the sign: gradient DEscent subtracts, - eta",
         "符号が逆です: 勾配降下は引く (- eta)"),
        (lambda r, n=_name: r["old_" + n] - r["dLd" + n], "eta is missing: - eta * gradient",
         "学習率 eta が抜けています"),
        (lambda r, n=_name: r["old_" + n] - r["eta"] * r["dLd" + n] / r["n"],
         "the step is divided by the batch size: eta already is the step of the summed loss",
         "バッチサイズで割っています: eta は和の損失に対する学習率です"),
        (lambda r, n=_name: r["old_" + n], f"{_name} is not updated", f"{_name} が更新されていません"),
    ]


class CheckFailed(AssertionError):
    """A check found a wrong or unfinished line. Shown in a notebook as its message alone, without a traceback."""

    def _render_traceback_(self):  # IPython shows this instead of the traceback
        return [f"\x1b[31mAssertionError\x1b[0m: {self}"]


def _fail(*lines):
    raise CheckFailed("\n".join(lines))


def _shape_in_notebook(spec):
    return "(" + ", ".join(str(NOTEBOOK.get(c, 1)) for c in spec) + ")"


def _as_notebook_shape(shape):
    """A shape of the tiny problem in the notebook's sizes (7 -> 784, 5 -> 256, 6 -> 100)."""
    back = {TINY[c]: NOTEBOOK[c] for c in TINY}
    return "(" + ", ".join(str(back.get(s, s)) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def _rel_error(a, b):
    """The largest difference, relative to the size of the tensors (right lines: about 1e-9 or less)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b)) / max(1e-8, np.max(np.abs(a)) + np.max(np.abs(b))))


def _close(a, b):
    return np.shape(a) == np.shape(b) and bool(np.all(np.isfinite(a))) and _rel_error(a, b) < TOLERANCE


def _quiet(func, *args, **kwargs):
    """func(...) with floating-point warnings silenced: the check judges the numbers it returns."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return func(*args, **kwargs)


def _need(ns, names, where):
    missing = [n for n in names if n not in ns]
    if missing:
        _fail(f"{', '.join(missing)} is not defined yet: run {where} first (Shift+Enter).",
              f"{', '.join(missing)} がまだ定義されていません: 先に {where} を実行してください。")


# --------------------------------------------------------------------------------------
# The four functions
# --------------------------------------------------------------------------------------


def _call(name, func, *args, **kwargs):
    """Run the learner's function; turn a crash or a blank into a message that names it."""
    try:
        out = _quiet(func, *args, **kwargs)
    except Exception as e:
        _fail(f"{name} raised {type(e).__name__}: {e}", f"{name} でエラーが出ました。return の行を確認してください。")
    if out is None:
        _fail(f"{name}: `return {BLANK}` is not filled yet (it returned None).",
              f"{name}: return の空欄がまだ埋まっていません。")
    return np.asarray(out)


def _function_fails(name, got, want, equation, mistakes):
    if got.shape != want.shape:
        _fail(f"{name} returned shape {got.shape}; it should be {want.shape} here. It computes {equation}.",
              f"{name} の出力の形が {got.shape} です。正しくは {want.shape}。")
    if _close(got, want):
        return
    for wrong, en, ja in mistakes:
        if _close(got, wrong):
            _fail(f"{name} is wrong: {en}.", f"{name} が違います: {ja}。", f"It should compute {equation}.")
    _fail(f"{name} is wrong (max relative error {_rel_error(got, want):.1e}). It should compute {equation}.",
          f"{name} の値が違います。式を確認してください: {equation}")


def check_functions(ns):
    """Check softmax, softmax_cross_entropy, sigmoid and dsigmoid_du from the notebook's variables ``ns``."""
    _need(ns, ["softmax", "softmax_cross_entropy", "sigmoid", "dsigmoid_du"], "the cell that defines them")
    rng = np.random.default_rng(0)
    k, n = TINY["k"], TINY["n"]
    U = rng.normal(size=(k, n)) * 3

    got = _call("softmax", ns["softmax"], U)
    _function_fails("softmax", got, _softmax(U), "exp(U) / sum of exp(U) over the classes (axis 0)", [
        (_softmax(U, axis=1), "the sum runs over the batch (axis 1); softmax divides by the sum over the classes, "
                              "axis=reduce_axis", "バッチ方向で和をとっています: クラス方向 (reduce_axis) の和で割る"),
        (np.exp(U - U.max(axis=0)), "the division by the sum is missing", "和で割っていません"),
    ])
    got = _call("softmax", ns["softmax"], U.T, reduce_axis=1)
    _function_fails("softmax(U, reduce_axis=1)", got, _softmax(U.T, axis=1), "the softmax over axis reduce_axis", [
        (_softmax(U.T, axis=0), "a fixed axis: use reduce_axis (and shp)", "軸を固定しています: reduce_axis を使う")])
    big = np.array([[1000.0, -1000.0, 0.0], [0.0, 1000.0, 0.0], [-1000.0, 0.0, 1.0]])
    got = _call("softmax", ns["softmax"], big)
    if not np.all(np.isfinite(got)):
        _fail("softmax returns nan for large inputs (u = 1000): exp(1000) overflows to inf, and inf / inf = nan.",
              "softmax が大きな入力 (u = 1000) で nan になります: exp がオーバーフローしています。",
              "Fix: subtract each column's maximum first, exp(U - U.max(...)); the ratio does not change "
              "(NaN 対策: 最大値を引いてから exp)")
    _function_fails("softmax", got, _softmax(big), "the softmax (large inputs)", [])

    D = np.eye(k)[:, rng.integers(0, k, n)]
    Y = _softmax(U)
    want = -np.sum(D * np.log(np.clip(Y, 1e-8, 1 - 1e-8)))
    got = _call("softmax_cross_entropy", ns["softmax_cross_entropy"], D, Y)
    _function_fails("softmax_cross_entropy", got, np.asarray(want), "L = -sum_n sum_k D_kn log Y_kn, one number", [
        (np.asarray(-want), "the minus sign is missing", "マイナスが抜けています"),
        (np.asarray(want / n), "the mean over the batch: the course's L is the sum (np.sum)",
         "バッチの平均になっています: L は和 (np.sum)"),
        (np.asarray(want / (n * k)), "np.mean: the course's L is the sum (np.sum)", "np.mean ではなく np.sum"),
    ])

    u = np.concatenate([np.linspace(-30, 30, 61), [-1000.0, 1000.0]])
    got = _call("sigmoid", ns["sigmoid"], u)
    if not np.all(np.isfinite(got)):
        _fail("sigmoid returns nan or inf for u = -1000 or 1000.", "sigmoid が u = ±1000 で nan か inf になります。")
    _function_fails("sigmoid", got, _sigmoid(u), "sigma(u) = 1 / (1 + exp(-u))", [
        (_sigmoid(-u), "the sign of the exponent: 1 / (1 + exp(-u))", "指数の符号が逆です: exp(-u)"),
        (np.tanh(u), "tanh is not the sigmoid: 1 / (1 + exp(-u))", "tanh ではなく 1 / (1 + exp(-u))"),
    ])
    u = u[:-2]  # sigma'(u) written with exp(-u) may overflow at u = -1000; the notebook's inputs stay far below
    got = _call("dsigmoid_du", ns["dsigmoid_du"], u)
    s = _sigmoid(u)
    _function_fails("dsigmoid_du", got, s * (1 - s), "sigma'(u) = sigma(u) (1 - sigma(u))", [
        (s, "that is sigma itself: sigma' = sigma(u) * (1 - sigma(u))",
         "sigma そのものです: sigma(u) * (1 - sigma(u))"),
        (_quiet(lambda: u * (1 - u)), "u * (1 - u): apply it to sigmoid(u)", "u ではなく sigmoid(u) に対して"),
        (-s * (1 - s), "the sign: sigma(u) * (1 - sigma(u)) is positive", "符号が逆です"),
    ])
    print("✓ softmax, softmax_cross_entropy, sigmoid, dsigmoid_du agree with their equations (7 inputs, "
          "u up to ±1000) / 4つの関数は式どおりです")


# --------------------------------------------------------------------------------------
# The tiny problem, its reference values, and the table of a failed check
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
    """The forward pass, written out: X (d, n) and its size n, U_2, Z_2, U_3, Z_3."""
    r = {"X": X, "n": X.shape[1]}
    r["U_2"] = params["W_2"] @ X + params["b_2"]
    r["Z_2"] = 1 / (1 + np.exp(-r["U_2"]))
    r["U_3"] = params["W_3"] @ r["Z_2"] + params["b_3"]
    r["Z_3"] = _softmax(r["U_3"])
    return r


def reference_step(params, X, D, eta):
    """Every tensor of one SGD step: the forward pass written out, and the gradients by central differences."""
    p = {name: value.copy() for name, value in params.items()}
    r = {**reference_forward(p, X), "D": D, "eta": eta, **{"old_" + k: v for k, v in params.items()}}
    U_2, U_3 = r["U_2"].copy(), r["U_3"].copy()
    r["Delta_3"] = _numerical_gradient(lambda: _loss_from_U3(U_3, D), U_3)
    r["Delta_2"] = _numerical_gradient(lambda: _loss_from_U3(p["W_3"] @ (1 / (1 + np.exp(-U_2))) + p["b_3"], D), U_2)
    for name in ("W_3", "b_3", "W_2", "b_2"):
        r["dLd" + name] = _numerical_gradient(lambda: _loss_from_U3(reference_forward(p, X)["U_3"], D), p[name])
        r[name] = params[name] - eta * r["dLd" + name]
    return r


def _table(rows, got, ref, first_wrong):
    lines = ["Each line run on a small problem (7 pixels, 5 hidden units, 10 classes, a batch of 6) / "
             "小さな問題で各行を実行した結果:",
             f"  {'line':9s} {'shape here':>11s} {'rel. error':>15s}"]
    for name in rows:
        if name not in got:
            lines.append(f"  {name:9s} {'-':>11s} {'not assigned':>15s}   ✗")
            continue
        g = got[name]
        if g.shape != ref[name].shape:
            err, mark = "wrong shape", "✗"
        else:
            e = _rel_error(g, ref[name])
            err, mark = (f"{e:.1e}" if np.isfinite(e) else "nan"), ("ok" if e < TOLERANCE else "✗")
        arrow = "   <- first wrong line / 最初に違う行" if name == first_wrong else ""
        lines.append(f"  {name:9s} {g.shape!s:>11s} {err:>15s}   {mark}{arrow}")
    return lines


def _judge(rows, got, ref, what):
    """Fail at the first row that differs from the reference, naming its blank and the likely mistake."""
    for name in rows:
        want = ref[name]
        equation, spec = EQUATIONS[name]
        if name not in got:
            _fail(f"{name} was never assigned in {what}.", f"{what} で {name} が代入されていません。",
                  *_table(rows, got, ref, name))
        g = got[name]
        if g.shape != want.shape:
            hint = _shape_hint(name, g.shape, want.shape)
            here = f" (on the check's small problem: {g.shape} instead of {want.shape})"
            here = "" if _as_notebook_shape(g.shape) == str(g.shape) else here
            _fail(f"{name} has shape {_as_notebook_shape(g.shape)}; it should be {_shape_in_notebook(spec)}{here}.",
                  f"{name} の形が {_as_notebook_shape(g.shape)} です。正しくは {_shape_in_notebook(spec)}。",
                  f"It should compute / 計算する式: {equation}", *hint, *_table(rows, got, ref, name))
        if _close(g, want):
            continue
        hint = ["Check the line against its equation. / 式と見比べてください。"]
        for wrong, en, ja in MISTAKES.get(name, []):
            if _close(g, _quiet(wrong, ref)):
                hint = [f"Likely mistake: {en}.", f"よくある間違い: {ja}。"]
                break
        if not np.all(np.isfinite(g)):
            hint = ["It holds nan or inf. / nan か inf が含まれています。"]
        _fail(f"{name} is wrong. / {name} の行が違います。",
              f"It should compute / 計算する式: {equation}   shape {_shape_in_notebook(spec)}",
              *hint, *_table(rows, got, ref, name))


def _shape_hint(name, got, want):
    if len(got) == 2 and got == want[::-1]:
        return ["Likely mistake: the product is transposed; check the order of the factors and the .T.",
                "よくある間違い: 積が転置になっています。掛ける順番と .T を確認。"]
    if name.startswith("dLdb") and len(got) < 2:
        return ["Likely mistake: the sum over the batch lost its column shape (or summed over everything): "
                "sum(axis=1, keepdims=True) or .reshape(-1, 1).",
                "よくある間違い: 和が列ベクトルになっていない (または全部の和): sum(axis=1, keepdims=True)。"]
    if name.startswith("dLdb") and len(got) == 2 and got[1] != 1:
        return ["Likely mistake: the sum runs over the wrong axis: the batch is axis 1.",
                "よくある間違い: 和の軸が違います: バッチは axis=1。"]
    return []


# --------------------------------------------------------------------------------------
# inference
# --------------------------------------------------------------------------------------


def _call_and_capture(func, *args):
    """func(*args), and the local variables of its frame when it returned (what each line computed)."""
    captured = {}
    code = func.__code__

    def profiler(frame, event, arg):
        if event == "return" and frame.f_code is code:
            captured.update(frame.f_locals)

    old = sys.getprofile()
    sys.setprofile(profiler)
    try:
        result = _quiet(func, *args)
    finally:
        sys.setprofile(old)
    return result, captured


def check_inference(ns):
    """Check the four lines of ``inference`` on a tiny network, line by line."""
    _need(ns, ["inference", "sigmoid", "softmax", "x_dim"], "the cells above")
    params, X, _ = tiny_problem()
    rng = np.random.default_rng(1)
    params["W_2"] = rng.normal(size=(TINY["h"], ns["x_dim"])) * 0.1
    X = rng.random((ns["x_dim"], TINY["n"]))
    ref = reference_forward(params, X)
    saved = {name: ns[name] for name in params if name in ns}
    ns.update(params)  # inference reads W_2, b_2, W_3, b_3 from the notebook's variables
    try:
        result, local = _call_and_capture(ns["inference"], X.T.copy())
    except Exception as e:
        _fail(f"inference raised {type(e).__name__}: {e}", "inference でエラーが出ました。",
              "U_2 should be W_2 @ X + b_2, shape (256, n): X has been transposed to (784, n) at the top.")
    finally:
        for name in params:
            ns.pop(name, None)
        ns.update(saved)
    got = {name: np.asarray(local[name]) for name in ("U_2", "Z_2", "U_3", "Z_3") if local.get(name) is not None}
    ref["old_W_2"], ref["old_b_2"], ref["old_W_3"], ref["old_b_3"] = (params[k] for k in ("W_2", "b_2", "W_3", "b_3"))
    rows = ["U_2", "Z_2", "U_3", "Z_3"]
    _judge(rows, got, ref, "inference")
    if result is None or not _close(np.asarray(result), ref["Z_3"].T):
        _fail("inference returns something other than Z_3.T (one row per image).",
              "inference の戻り値は Z_3.T (画像ごとに1行) です。")
    print("✓ inference: U_2, Z_2, U_3, Z_3 agree with the forward pass / 推論の4行は正しいです")


# --------------------------------------------------------------------------------------
# The training step
# --------------------------------------------------------------------------------------


def last_training_cell(ns):
    """The source of the training cell that ran last, from IPython's record of every executed cell (``In``)."""
    shell = ns.get("get_ipython", lambda: None)()
    raw = shell.history_manager.input_hist_raw if shell is not None else []
    for source in reversed(raw or ns.get("In", [])):
        if STEP_START in source and STEP_END in source:
            return source
    return None


def step_source(cell_source):
    """The lines of one SGD step in the training cell, from ``## 順方向の推論`` to ``## リアルタイムの誤差の描画``."""
    lines = cell_source.split("\n")
    start = next(i for i, line in enumerate(lines) if STEP_START in line)
    end = next(i for i, line in enumerate(lines) if STEP_END in line)
    return textwrap.dedent("\n".join(lines[start:end]))


def check_training(ns, source=None):
    """Check the 14 lines of one SGD step, as the training cell that last ran wrote them.

    ``source`` is that cell's source; None finds it in ``ns['In']``, IPython's record of the cells run, which exists
    in Jupyter, JupyterLab, VS Code, Colab and nbconvert alike.
    """
    _need(ns, ["softmax", "sigmoid", "dsigmoid_du"], "the cell that defines the functions")
    source = source if source is not None else last_training_cell(ns)
    if source is None:
        _fail("No training cell has run yet: run the training cell (## 学習) first, then this check.",
              "学習のセルがまだ実行されていません: 先に学習のセルを実行してください。")
    step = step_source(source)
    blanks = [line.strip() for line in step.split("\n") if BLANK in line]
    if blanks:
        _fail(f"The training cell still has blanks, the first: `{blanks[0]}`.",
              f"学習のセルにまだ空欄があります: `{blanks[0]}`")
    params, X, D = tiny_problem()
    eta = 0.1
    ns_step = {"np": np, **{k: ns[k] for k in ("softmax", "sigmoid", "dsigmoid_du")},
               **{k: v.copy() for k, v in params.items()},
               "X": X, "D": D, "X_batch": X.T.copy(), "Y_batch": D.T.copy(), "eta": eta,
               "batch_size": TINY["n"], "x_dim": TINY["d"], "h_dim": TINY["h"], "nb_classes": TINY["k"]}
    ref = reference_step(params, X, D, eta)
    try:
        _quiet(exec, compile(step, "<training step>", "exec"), ns_step)
    except Exception as e:
        number, line = _failing_line(e, step)
        line = line.split("#")[0].strip()
        # a line above may have made a wrong shape that only this line trips over: judge those lines first
        lines = step.split("\n")
        before = [name for name in TRAINING_ROWS
                  if any(re.match(rf"\s*{name}\s*=[^=]", text) for text in lines[:number - 1])]
        _judge(before, {name: np.asarray(ns_step[name]) for name in before}, ref, "the training step")
        name = re.match(r"\s*(\w+)\s*=", line)
        blank = name.group(1) if name else "?"
        equation, spec = EQUATIONS.get(blank, ("", ""))
        _fail(f"The line `{line}` ({blank}) raised {type(e).__name__}: {e}",
              f"`{line}` ({blank}) の行でエラーが出ました。",
              f"It should compute / 計算する式: {equation}   shape {_shape_in_notebook(spec)}" if equation else "")
    got = {name: np.asarray(ns_step[name]) for name in TRAINING_ROWS if name in ns_step and name not in params}
    for name in ("W_3", "b_3", "W_2", "b_2"):  # updated parameters are new values of the same names
        got[name] = np.asarray(ns_step[name])
    _judge(TRAINING_ROWS, got, ref, "the training step")
    print(f"✓ training: all {len(TRAINING_ROWS)} lines of the step agree with backprop (central differences) "
          f"/ 学習の{len(TRAINING_ROWS)}行はすべて正しいです")


def _failing_line(error, step):
    tb = error.__traceback__
    lineno = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<training step>":
            lineno = tb.tb_lineno
        tb = tb.tb_next
    lines = step.split("\n")
    return (lineno, lines[lineno - 1]) if lineno else (len(lines) + 1, "?")


# --------------------------------------------------------------------------------------
# The test-set cell
# --------------------------------------------------------------------------------------


def check_test(ns):
    """Check Y_hat and testacc: the trained network's predictions for the test set, and their accuracy."""
    _need(ns, ["Y_hat", "testacc", "inference", "X_test", "y_test", "calculate_accuracy"], "the cells above")
    want = _quiet(ns["inference"], ns["X_test"])
    Y_hat = np.asarray(ns["Y_hat"])
    if Y_hat.shape != want.shape:
        _fail(f"Y_hat has shape {Y_hat.shape}; it should be {want.shape}: inference(X_test), one row per test image.",
              f"Y_hat の形が {Y_hat.shape} です。正しくは {want.shape}: inference(X_test)。")
    if not _close(Y_hat, want):
        _fail("Y_hat is not inference(X_test): predict the test images (X_test, not X_valid or X_train).",
              "Y_hat は inference(X_test) です (X_valid や X_train ではなく X_test)。")
    right = ns["calculate_accuracy"](ns["y_test"], want.argmax(axis=1))
    testacc = ns["testacc"]
    if not isinstance(testacc, float | np.floating) or abs(testacc - right) > 1e-12:
        hint = ["Check the line: calculate_accuracy(y_test, y_hat). / 式を確認: calculate_accuracy(y_test, y_hat)"]
        if "y_valid" in ns and len(ns["y_valid"]) == len(ns["y_test"]) and np.isclose(
                testacc, ns["calculate_accuracy"](ns["y_valid"], want.argmax(axis=1))):
            hint = ["Likely mistake: the labels of the wrong set (y_valid): use y_test.",
                    "よくある間違い: ラベルが y_valid です: y_test を使います。"]
        _fail(f"testacc is {testacc!r}; it should be the fraction of test images predicted right, {right:.4f}.",
              f"testacc が {testacc!r} です。正しくはテストデータの正解率 {right:.4f}。", *hint)
    print(f"✓ test: Y_hat and testacc agree with inference(X_test) and y_test ({right:.4f}) / テストの2行は正しいです")


# --------------------------------------------------------------------------------------
# A cell that still holds a blank: a short message instead of a SyntaxError
# --------------------------------------------------------------------------------------

_BLANK_LINE = re.compile(rf"^\s*(?:(\w+)\s*=|return)\s*{re.escape(BLANK)}")


def _blank_guard(lines):
    """IPython input transformer: a cell with a blank left raises a message naming the first one."""
    function = None
    for number, line in enumerate(lines, 1):
        defined = re.match(r"\s*def\s+(\w+)", line)
        function = defined.group(1) if defined else function
        match = _BLANK_LINE.match(line)
        if match:
            name = match.group(1) or f"{function} (return)"
            message = "\n".join([
                f"{name}: line {number}, `{line.strip()}`, is not filled yet.",
                f"{name}: {number}行目の空欄がまだ埋まっていません。",
                f"It should compute / 計算する式: {EQUATIONS.get(match.group(1) or function, ('...',))[0]}"])
            return [f"raise __import__('checks').CheckFailed({message!r})\n"]
    return lines


def _install_blank_guard():
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None and _blank_guard not in shell.input_transformers_cleanup:
        shell.input_transformers_cleanup.append(_blank_guard)


if "IPython" in sys.modules:
    _install_blank_guard()
