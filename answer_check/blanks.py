"""The blanks: the 24 blanks of the handout, what each computes, its shape, and the mistakes learners make in it.

``BLANKS`` is the one registry: one entry per column of a class's ``grades.csv`` (``BLANK_COLUMNS``), in the handout's
order. A mistake is ``(wrong value from the reference values r, Japanese, English)``, its words from the
``MISTAKES`` table of ``words.txt`` by key (``mistake(key)``): the judge (``judge.py``)
computes each wrong value and names the mistake whose value the learner's line made. ``shapes.py`` reads a
wrong shape the other way round: from the shape a line made, the operand that is likely to blame.

Messages name the cause and where to look; they never hand over the line. The deltas and gradients (``shown``
False) are derived by the learner: their equations are never in a message (a handout with hints has them in a
collapsed hint; the one without hints nowhere).
To add a mistake: add it to its blank here, its words to ``words.txt``, and a wrong line that makes it to
``tests/mistakes.py``.
"""

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .contract import WEIGHTS
from .reference import dsigmoid, sigmoid, softmax
from .words import mistake


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
        (lambda r: r[W] @ r[inputs] - r[b], *mistake("bias subtracted", layer=layer)),
        (lambda r: r[W] @ r[inputs], *mistake("bias missing", layer=layer)),
    ]
    if inputs == "Z_2":
        u_mistakes.append((lambda r: r[W] @ r["U_2"] + r[b], *mistake("U_2 for Z_2")))
    if activation == "sigmoid":
        z_mistakes = [
            (lambda r: r[U], *mistake("activation missing")),
            (lambda r: sigmoid(-r[U]), *mistake("sigmoid of -U")),
            (lambda r: dsigmoid(r[U]), *mistake("sigma' for sigma")),
            (lambda r: np.tanh(r[U]), *mistake("tanh for sigmoid")),
            (lambda r: np.maximum(r[U], 0), *mistake("ReLU for sigmoid")),
        ]
        z_equation = f"Z_{layer} = σ(U_{layer})"
    else:
        z_mistakes = [
            (lambda r: softmax(r[U], axis=1), *mistake("softmax over the batch")),
            (lambda r: sigmoid(r[U]), *mistake("sigmoid for softmax")),
            (lambda r: r[U], *mistake("softmax missing")),
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
    return (lambda r: r[name] / r["n"], *mistake("divided by the batch"))


def _sign(name):
    """The mistake of a delta or gradient with its sign flipped."""
    return (lambda r: -r[name], *mistake("sign"))


def _times_eta(name):
    """The mistake of a delta or gradient multiplied by the learning rate."""
    return (lambda r: r["eta"] * r[name], *mistake("times eta"))


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
                     (lambda r: r[old] + r["eta"] * r[grad], *mistake("update sign")),
                     (lambda r: r[old] - r[grad], *mistake("update eta missing")),
                     (lambda r: r[old] - r["eta"] ** 2 * r[grad], *mistake("update eta twice")),
                     (lambda r: r[old] - 2 * r["eta"] * r[grad], *mistake("update twice")),
                     (lambda r: -r["eta"] * r[grad], *mistake("update old left out", param=param)),
                     (lambda r: r["eta"] * r[grad], *mistake("update old left out", param=param)),  # and the sign
                     (lambda r: r[old] - r["eta"] * r[grad] / r["n"], *mistake("update divided by the batch")),
                     (lambda r: r[old], *mistake("not updated", param=param)),
                     (lambda r: r[old] - r["eta"], *mistake("eta alone", param=param)),
                     *([(lambda r: r[old] - r["eta"] * r[grad.replace("W", "b")],
                         *mistake("bias gradient for the weight", param=param, grad=grad.replace("W", "b")))]
                       if param.startswith("W") else []),
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
        (lambda r: r["Z_3"], *mistake("D missing")),
        (lambda r: -r["D"] / r["Z_3"], *mistake("dL/dY")),
        (_stored("Delta_3", "Y (1 - Y) again"), *mistake("Y (1 - Y) again")),
        (_stored("Delta_3", "sigma' on the output"), *mistake("sigma' on the output")),
    )),
    "Delta_2": Blank("Δ_2 = ∂L/∂U_2", "hn", False, (
        *((_stored("Delta_2", key), *mistake(key)) for key in ("sigma' missing", "sigma for sigma'", "sigma' at Z_2",
                                                               "U (1 - U) for sigma'", "only 1 - sigma")),
        _times_eta("Delta_2"),
        (_stored("Delta_2", "sigma(U) (1 - U) for sigma'"), *mistake("sigma(U) (1 - U) for sigma'")),
        _sign("Delta_2"),
    )),
    **_gradients("3", "Delta_3", "Z_2", (_stored("dLdW_3", "U_2 for Z_2"), *mistake("U_2 in dLdW_3"))),
    **_gradients("2", "Delta_2", "X", (_stored("dLdW_2", "before sigma'"), *mistake("before sigma'"))),
    **{param: _update(param) for param in WEIGHTS},
}

FUNCTIONS = {
    "softmax": Blank("softmax(U)_k = exp(U_k − max U) / Σ_i exp(U_i − max U)  (along reduce_axis)", "", True, (
        (lambda r: softmax(r["U"], axis=1 - r["axis"]), *mistake("softmax other axis")),
        (lambda r: np.exp(r["U"] - r["U"].max(axis=r["axis"], keepdims=True)), *mistake("softmax not divided")),
        (lambda r: np.exp(r["U"] - r["U"].max(axis=r["axis"], keepdims=True)) / np.exp(r["U"]).sum(
            axis=r["axis"], keepdims=True), *mistake("softmax shifted on top only")),
    )),
    "softmax_cross_entropy": Blank("L = −Σ_n Σ_k D_kn log Y_kn", "", True, (
        (lambda r: -r["L"], *mistake("loss minus missing")),
        (lambda r: r["L"] / r["n"], *mistake("loss batch mean")),
        (lambda r: r["L"] / (r["n"] * r["k"]), *mistake("loss mean of all")),
    )),
    "sigmoid": Blank("σ(U) = 1 / (1 + exp(−U))", "", True, (
        (lambda r: sigmoid(-r["U"]), *mistake("sigmoid sign")),
        (lambda r: np.tanh(r["U"]), *mistake("sigmoid tanh")),
        (lambda r: 1 + np.exp(-r["U"]), *mistake("sigmoid brackets")),
        (lambda r: np.tanh(r["U"] / 2), *mistake("sigmoid tanh alone")),
    )),
    "dsigmoid_du": Blank("σ'(U) = σ(U) (1 − σ(U))", "", True, (
        (lambda r: sigmoid(r["U"]), *mistake("dsigmoid is sigma")),
        (lambda r: r["U"] * (1 - r["U"]), *mistake("dsigmoid U (1 - U)")),
        (lambda r: sigmoid(r["U"]) * (1 + sigmoid(r["U"])), *mistake("dsigmoid 1 + sigma")),
        (lambda r: sigmoid(r["U"]) * (1 - r["U"]), *mistake("dsigmoid 1 - U")),
        (lambda r: -dsigmoid(r["U"]), *mistake("dsigmoid sign")),
    )),
}

TEST = {
    "Y_hat": Blank("Y_hat: what inference predicts for the test images", "", True, (
        (lambda r: r["valid_Y_hat"], *mistake("predicts X_valid")),
        (lambda r: r["train_Y_hat"], *mistake("predicts X_train")),
    )),
    "testacc": Blank("testacc: the accuracy on the test set (calculate_accuracy)", "", True, (
        (lambda r: r["valid_acc"], *mistake("labels of y_valid")),
        (lambda r: r["valacc"], *mistake("valacc reused")),
        (lambda r: 100 * r["testacc"], *mistake("times 100")),
        (lambda r: r["testacc"] * len(r["Y_hat"]), *mistake("a count")),
        (lambda r: r["one_hot_acc"], *mistake("one-hot Y_test")),
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
