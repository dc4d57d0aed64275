"""The blanks: the 24 blanks of the handout, what each computes, its shape, and the mistakes learners make in it.

``BLANKS`` is the one registry: one entry per column of a class's ``grades.csv`` (``BLANK_COLUMNS``), in the handout's
order. A mistake is ``(wrong value from the reference values r, Japanese, English)``: the judge (``judge.py``)
computes each wrong value and names the mistake whose value the learner's line made. ``shapes.py`` reads a
wrong shape the other way round: from the shape a line made, the operand that is likely to blame.

Messages name the cause and where to look; they never hand over the line. The deltas and gradients (``shown``
False) are derived by the learner: their equations are never in a message (a handout with hints has them in a
collapsed hint; the one without hints nowhere).
To add a mistake: add it to its blank here, and a wrong line that makes it to ``tests/mistakes.py``.
"""

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .contract import WEIGHTS
from .reference import dsigmoid, sigmoid, softmax


@dataclass(frozen=True)
class Blank:
    """One blank: what it computes and the mistakes a learner makes in it.

    ``shape``: letters of ``course.Course.sizes`` ("hn" is (h_dim, batch_size)); "" for a number or any shape.
    ``equation``: what the blank computes; for the deltas and gradients (``shown`` False) only what they are
    (Δ_2 = ∂L/∂U_2): their equations are the learner's to derive (the handout with hints has them in a hint).
    ``mistakes``: (wrong value from the reference values r, ja, en). For the training step and inference, r holds
    the right tensors (``r["U_2"]`` ...), the inputs (``r["X"]``, ``r["D"]``, ``r["eta"]``, ``r["n"]``) and the
    old parameters (``r["old_W_2"]`` ...); for a function, its probe's inputs (``r["U"]``, ``r["axis"]`` ...).
    """

    equation: str
    shape: str = ""
    shown: bool = True
    mistakes: tuple = field(default=())


def _forward(layer, inputs, activation):
    """The forward lines U_l = W_l inputs + b_l and Z_l = activation(U_l), with their mistakes."""
    W, b, U = f"old_W_{layer}", f"old_b_{layer}", f"U_{layer}"
    u_mistakes = [
        (lambda r: r[W] @ r[inputs] - r[b], f"バイアス b_{layer} の符号が逆です。b_{layer} は足してください。",
         f"the bias is subtracted: add b_{layer}"),
        (lambda r: r[W] @ r[inputs], f"バイアス b_{layer} が足されていません。", f"the bias b_{layer} is missing"),
    ]
    if inputs == "Z_2":
        u_mistakes.append((lambda r: r[W] @ r["U_2"] + r[b],
                           "U_2 を使っています。この層への入力は、活性化関数を通したあとの Z_2 です。",
                           "it uses U_2; the layer's input is Z_2, after the activation"))
    if activation == "sigmoid":
        z_mistakes = [
            (lambda r: r[U], "活性化関数 (シグモイド関数) が抜けています。",
             "the activation (the sigmoid) is missing"),
            (lambda r: sigmoid(-r[U]), "符号が逆で、σ(−U_2) を計算したことになっています。",
             "the sigmoid of -U_2: check the sign"),
            (lambda r: dsigmoid(r[U]), "シグモイド関数 σ ではなく、その導関数 σ' (dsigmoid_du) を使っています。",
             "sigma' (dsigmoid_du) instead of sigma (sigmoid)"),
            (lambda r: np.tanh(r[U]), "tanh を使っています。この層の活性化関数はシグモイド関数です。",
             "tanh: this layer's activation is the sigmoid"),
            (lambda r: np.maximum(r[U], 0), "ReLU を使っています。この層の活性化関数はシグモイド関数です。",
             "ReLU: this layer's activation is the sigmoid"),
        ]
        z_equation = f"Z_{layer} = σ(U_{layer})"
    else:
        z_mistakes = [
            (lambda r: softmax(r[U], axis=1),
             "ソフトマックス関数をミニバッチの方向 (axis=1) で計算しています。"
             "クラスの方向 (axis=0) で計算してください。",
             "softmax over the batch (axis 1): it must be over the classes (axis 0)"),
            (lambda r: sigmoid(r[U]), "ソフトマックス関数ではなくシグモイド関数を使っています。",
             "sigmoid instead of softmax"),
            (lambda r: r[U], "ソフトマックス関数が抜けています。", "softmax is missing"),
        ]
        z_equation = f"Z_{layer} = softmax(U_{layer})"
    rows = "hn" if layer == 2 else "kn"
    prev = "X" if inputs == "X" else "Z_2"
    return {U: Blank(f"U_{layer} = W_{layer} {prev} + b_{layer}", rows, True, tuple(u_mistakes)),
            f"Z_{layer}": Blank(z_equation, rows, True, tuple(z_mistakes))}


@functools.cache
def _values():
    return json.loads((Path(__file__).resolve().parent / "mistake_values.json").read_text(encoding="utf-8"))


def _stored(blank, key):
    """A derived blank's mistake by its value on the tiny problem (mistake_values.json): its formula would hand over
    the right line, so it lives only beside the solution (scripts/mistake_values.py)."""
    return lambda r: np.asarray(_values()[blank][key])


def _divided_by_batch(name):
    """The mistake of a gradient divided by the batch size (the mean, not the sum, over the batch)."""
    return (lambda r: r[name] / r["n"],
            "ミニバッチの枚数 (batch_size) で割っています。"
            "この講座の誤差 L はミニバッチについての和 (平均ではありません) なので、"
            "batch_size で割る必要はありません。",
            "divided by the batch size (a mean): L is the sum over the mini-batch, so its gradient is a sum too")


def _sign(name):
    """The mistake of a delta or gradient with its sign flipped."""
    return (lambda r: -r[name], "符号が逆です。", "the sign is flipped")


def _times_eta(name):
    """The mistake of a delta or gradient multiplied by the learning rate."""
    return (lambda r: r["eta"] * r[name],
            "学習率 eta を掛けています。eta を掛けるのは、パラメーターを更新する行だけです。",
            "multiplied by eta: eta belongs in the update lines alone")


def _gradients(layer, delta, inputs, wrong_input):
    """The blanks dLdW and dLdb of a layer: their mistakes (``wrong_input``: the weight's from the wrong quantity)."""
    W, b = f"dLdW_{layer}", f"dLdb_{layer}"
    rows = "k" if layer == "3" else "h"
    return {W: Blank(f"∂L/∂W_{layer}", rows + ("h" if layer == "3" else "d"), False,
                     (wrong_input, _divided_by_batch(W), _sign(W), _times_eta(W))),
            b: Blank(f"∂L/∂b_{layer}", rows + "1", False, (_divided_by_batch(b), _sign(b), _times_eta(b)))}


def _update(param):
    """The update param <- param - eta dL/dparam, with its mistakes."""
    old, grad = f"old_{param}", f"dLd{param}"
    return Blank(f"{param} ← {param} − η ∂L/∂{param}", {"W_2": "hd", "b_2": "h1", "W_3": "kh", "b_3": "k1"}[param],
                 True, (
                     (lambda r: r[old] + r["eta"] * r[grad],
                      "符号が逆です。勾配降下法では、勾配に学習率を掛けたものを引いてください。",
                      "the sign: gradient descent subtracts eta times the gradient"),
                     (lambda r: r[old] - r[grad], "学習率 eta を掛けていません。",
                      "eta is missing: the step is eta times the gradient"),
                     (lambda r: r[old] - r["eta"] ** 2 * r[grad], "学習率 eta を2回掛けています。",
                      "eta is applied twice: the step is eta times the gradient, once"),
                     (lambda r: r[old] - 2 * r["eta"] * r[grad],
                      "更新を2回しています。1回のミニバッチで、更新は1回です。",
                      "the update is made twice: once a mini-batch"),
                     (lambda r: -r["eta"] * r[grad],
                      f"更新前の {param} が入っていません。新しい {param} は、いまの {param} から "
                      f"η ∂L/∂{param} を引いたものです。",
                      f"the old {param} is left out: the new one is the old minus eta times the gradient"),
                     (lambda r: r[old] - r["eta"] * r[grad] / r["n"],
                      "ミニバッチの枚数 (batch_size) で割っています。"
                      "eta は、ミニバッチについて足した誤差に対する学習率なので、割らないでください。",
                      "the step is divided by the batch size: eta already is the step of the summed loss"),
                     (lambda r: r[old], f"{param} が更新されていません。", f"{param} is not updated"),
                     *([(lambda r: r[old] - r["eta"] * r[grad.replace("W", "b")],
                         f"重み {param} の更新に、バイアスの勾配 {grad.replace('W', 'b')} を使っています。"
                         "重みの更新には、重みの勾配を使ってください。",
                         "the weight's step uses the bias's gradient")] if param.startswith("W") else []),
                 ))


TRAINING_ROWS = ["U_2", "Z_2", "U_3", "Z_3", "Delta_3", "Delta_2", "dLdW_3", "dLdb_3", "dLdW_2", "dLdb_2",
                 "W_3", "b_3", "W_2", "b_2"]
INFERENCE_ROWS = ["U_2", "Z_2", "U_3", "Z_3"]
FUNCTION_ROWS = ["softmax", "softmax_cross_entropy", "sigmoid", "dsigmoid_du"]
TEST_ROWS = ["Y_hat", "testacc"]

STEP = {
    **_forward(2, "X", "sigmoid"),
    **_forward(3, "Z_2", "softmax"),
    "Delta_3": Blank("Δ_3 = ∂L/∂U_3", "kn", False, (
        _sign("Delta_3"),
        _divided_by_batch("Delta_3"),
        _times_eta("Delta_3"),
        (lambda r: r["Z_3"], "正解 D が式に入っていません。ソフトマックス関数とクロスエントロピー誤差を合わせて、"
                             "U_3 で微分し直してください。",
         "D is missing: differentiate softmax and cross-entropy together by U_3"),
        (lambda r: -r["D"] / r["Z_3"],
         "L を Y で微分したところ (∂L/∂Y) で止まっています。Δ_3 は U_3 についての微分なので、"
         "Y = softmax(U_3) の微分も連鎖律に入れてください。",
         "that is dL/dY: Delta_3 is the derivative by U_3, so the chain rule goes on through Y = softmax(U_3)"),
        (_stored("Delta_3", "Y (1 - Y) again"),
         "Y (1 − Y) をよけいに掛けています。ソフトマックス関数の微分は、クロスエントロピー誤差と合わせて U_3 で"
         "微分したときにすでに入っています。",
         "Y (1 - Y) is multiplied in once more: the softmax's derivative is already in, once softmax and "
         "cross-entropy are differentiated together by U_3"),
        (_stored("Delta_3", "sigma' on the output"),
         "出力層にもシグモイド関数の導関数 σ'(U_3) を掛けています。出力層の活性化関数はソフトマックス関数です。"
         "ソフトマックス関数とクロスエントロピー誤差を合わせて U_3 で微分すると、σ' は出てきません。",
         "sigma'(U_3) is multiplied in on the output layer, whose activation is softmax: differentiating softmax and "
         "cross-entropy together by U_3 brings no sigma'"),
    )),
    "Delta_2": Blank("Δ_2 = ∂L/∂U_2", "hn", False, (
        (_stored("Delta_2", "sigma' missing"),
         "σ'(U_2) を掛け忘れています。連鎖律で Z_2 から U_2 まで戻るときに掛かる因子です。",
         "the sigmoid's derivative is missing, from the chain rule's step back from Z_2 to U_2"),
        (_stored("Delta_2", "sigma for sigma'"),
         "σ' (dsigmoid_du) ではなく σ (sigmoid) を掛けています。", "sigma (sigmoid) instead of sigma' (dsigmoid_du)"),
        (_stored("Delta_2", "sigma' at Z_2"),
         "dsigmoid_du に Z_2 を渡しています。σ' は U_2 での値です。",
         "dsigmoid_du is given Z_2: sigma' is taken at U_2"),
        (_stored("Delta_2", "U (1 - U) for sigma'"),
         "σ'(U_2) を U_2 (1 − U_2) と書いています。σ'(u) = σ(u) (1 − σ(u)) なので、"
         "U_2 ではなく σ(U_2) の値を使います。",
         "sigma'(U_2) written as U_2 (1 - U_2): sigma'(u) = sigma(u) (1 - sigma(u)) takes sigma's value, not U_2"),
        (_stored("Delta_2", "only 1 - sigma"),
         "σ'(U_2) の因子の片方しか掛けていません。σ'(u) = σ(u) (1 − σ(u)) の両方の因子を掛けてください。",
         "only one factor of sigma'(U_2): sigma'(u) = sigma(u) (1 - sigma(u)) has two"),
        _times_eta("Delta_2"),
        (_stored("Delta_2", "sigma(U) (1 - U) for sigma'"),
         "σ'(U_2) を σ(U_2) (1 − U_2) と書いています。σ'(u) = σ(u) (1 − σ(u)) の2つ目の因子も σ の値です。",
         "sigma'(U_2) written as sigma(U_2) (1 - U_2): the second factor of sigma' is 1 - sigma(u) too"),
        _sign("Delta_2"),
    )),
    **_gradients("3", "Delta_3", "Z_2", (_stored("dLdW_3", "U_2 for Z_2"),
                                         "U_2 を使っています。この層への入力は、活性化関数を通したあとの Z_2 です。",
                                         "it uses U_2: the third layer's input is Z_2")),
    **_gradients("2", "Delta_2", "X", (_stored("dLdW_2", "before sigma'"),
                                       "2層目のデルタ Delta_2 ではなく、その途中の量を使っています。"
                                       "∂L/∂W_2 は ∂L/∂U_2 から導いてください。",
                                       "it uses a quantity on the way to Delta_2, not Delta_2 itself: derive dL/dW_2 "
                                       "from dL/dU_2")),
    **{param: _update(param) for param in WEIGHTS},
}

FUNCTIONS = {
    "softmax": Blank("softmax(U)_k = exp(U_k − max U) / Σ_i exp(U_i − max U)  (reduce_axis の方向)", "", True, (
        (lambda r: softmax(r["U"], axis=1 - r["axis"]),
         "reduce_axis とは別の軸で和をとっています。和は reduce_axis の方向でとってください。",
         "the sum runs over the other axis: sum over reduce_axis"),
        (lambda r: np.exp(r["U"] - r["U"].max(axis=r["axis"], keepdims=True)), "和で割っていません。",
         "the division by the sum is missing"),
    )),
    "softmax_cross_entropy": Blank("L = −Σ_n Σ_k D_kn log Y_kn", "", True, (
        (lambda r: -r["L"], "マイナスが抜けています。", "the minus sign is missing"),
        (lambda r: r["L"] / r["n"], "ミニバッチの平均になっています。L はミニバッチについての和にしてください。",
         "the mean over the batch: the course's L is the sum"),
        (lambda r: r["L"] / (r["n"] * r["k"]), "すべての要素の平均になっています。L は和にしてください。",
         "the mean of every entry: the course's L is the sum"),
    )),
    "sigmoid": Blank("σ(U) = 1 / (1 + exp(−U))", "", True, (
        (lambda r: sigmoid(-r["U"]), "指数の符号が逆です。上の式と見比べてください。", "the sign of the exponent"),
        (lambda r: np.tanh(r["U"]), "tanh(U) はシグモイド関数ではありません。上の式と見比べてください。",
         "tanh is not the sigmoid"),
        (lambda r: 1 + np.exp(-r["U"]),
         "かっこが抜けています。1 / 1 + np.exp(-U) は (1 / 1) + exp(−U) と計算されます。分母をかっこで囲んでください。",
         "brackets are missing: 1 / 1 + np.exp(-U) is (1 / 1) + exp(-U); put the denominator in brackets"),
    )),
    "dsigmoid_du": Blank("σ'(U) = σ(U) (1 − σ(U))", "", True, (
        (lambda r: sigmoid(r["U"]), "σ そのものを返しています。返すのは、その導関数 σ' です。",
         "that is sigma itself, not its derivative"),
        (lambda r: r["U"] * (1 - r["U"]),
         "σ(U) の代わりに U をそのまま使っています。上の σ'(u) の式と見比べてください。",
         "U * (1 - U): the formula takes sigma's value, not U"),
        (lambda r: sigmoid(r["U"]) * (1 + sigmoid(r["U"])), "1 + σ(U) になっています。2つ目の因子は 1 − σ(U) です。",
         "sigma(U) * (1 + sigma(U)): the second factor is 1 - sigma(U)"),
        (lambda r: sigmoid(r["U"]) * (1 - r["U"]),
         "2つ目の因子が 1 − U になっています。σ'(u) = σ(u) (1 − σ(u)) の2つ目の因子も σ の値です。",
         "sigma(U) * (1 - U): the second factor is 1 - sigma(U) too"),
        (lambda r: -dsigmoid(r["U"]), "符号が逆です。σ' はいつも正です。", "the sign: sigma' is always positive"),
    )),
}

TEST = {
    "Y_hat": Blank("Y_hat: what inference predicts for the test images", "", True, (
        (lambda r: r["valid_Y_hat"], "検証データ X_valid を予測しています。テストデータ X_test を予測してください。",
         "it predicts X_valid: predict the test images X_test"),
        (lambda r: r["train_Y_hat"], "訓練データ X_train を予測しています。テストデータ X_test を予測してください。",
         "it predicts X_train: predict the test images X_test"),
    )),
    "testacc": Blank("testacc: the accuracy on the test set (calculate_accuracy)", "", True, (
        (lambda r: r["valid_acc"], "正解ラベルが検証データのもの (y_valid) です。y_test を使ってください。",
         "the labels of the wrong set (y_valid): use y_test"),
        (lambda r: r["valacc"],
         "検証データの正解率 valacc をそのまま使っています。テストデータの予測 y_hat と y_test から計算してください。",
         "the validation accuracy valacc reused: compute it on the test set"),
        (lambda r: 100 * r["testacc"], "100 倍しています。正解率は 0 から 1 の割合のままにしてください。",
         "times 100: the accuracy is a fraction from 0 to 1"),
        (lambda r: r["one_hot_acc"],
         "one-hot 表現の Y_test を渡しています。calculate_accuracy には、正解のラベルの番号 (y_test) と、予測した"
         "クラス (y_hat) を渡してください。",
         "it compares the one-hot Y_test: give calculate_accuracy the labels y_test and the predicted classes y_hat"),
    )),
}

# The registry: one entry per column of a class's grades.csv, in the handout's order.
BLANKS = {
    **FUNCTIONS,
    **{f"inference.{name}": STEP[name] for name in INFERENCE_ROWS},
    **{f"training.{name}": STEP[name] for name in TRAINING_ROWS},
    **TEST,
}
BLANK_COLUMNS = list(BLANKS)  # the blanks' columns of grades.csv (the whole header: grading.report.CSV_COLUMNS)
# The mistakes of a line (or a cell, or a function) that is not there at all: said as missing, never as raising.
MISSING = ("line missing", "no def", "cell missing", "not defined")
