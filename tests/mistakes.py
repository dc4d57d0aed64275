"""The one table of a learner's lines: wrong ones, each with the blank it breaks, and right ones written another way.

Every entry is a line of the solution's cell and what a learner writes instead. The answer checks
(tests/test_cells.py), the kernel runs of the handout and the grader (tests/test_grading.py) all read this table:
adding a case here adds it everywhere.
"""

import csv
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Line:
    """In the solution's cell ``cell``, ``original`` written as ``written``; ``column`` is the blank it breaks
    (a column of grades.csv), ``hint`` a phrase of the English message that names the mistake, ``ja`` one its
    Japanese must hold and ``not_ja`` one it must not (a cause the learner did not make)."""

    cell: str
    original: str
    written: str
    column: str = ""
    hint: str = ""
    ja: str = ""
    not_ja: str = ""


def _training(original, written, blank, hint, ja="", not_ja=""):
    return Line("train", original, written, f"training.{blank}", hint, ja, not_ja)


CROSS_ENTROPY = "  Y = np.clip(Y, epsilon, 1-epsilon)\n  return -np.sum(D * np.log(Y))"
SIGMOID_RETURN = "return 0.5 * (1 + np.tanh(0.5 * U))"
DSIGMOID_RETURN = "return sigmoid(U) * (1 - sigmoid(U))"
DELTA_2 = "Delta_2 = (W_3.T @ Delta_3) * dsigmoid_du(U_2)"
SOFTMAX_RETURN = ("  return (np.exp(U - U.max(axis=reduce_axis).reshape(shp))\n"
                  "          / np.exp(U - U.max(axis=reduce_axis).reshape(shp)).sum(axis=reduce_axis).reshape(shp))")

WRONG = {
    # the training step: the silent ones (they train without an exception) first
    "bias subtracted": _training("U_2 = W_2 @ X + b_2", "U_2 = W_2 @ X - b_2", "U_2", "bias"),
    "bias missing": _training("U_2 = W_2 @ X + b_2", "U_2 = W_2 @ X", "U_2", "bias b_2 is missing"),
    "no activation": _training("Z_2 = sigmoid(U_2)", "Z_2 = U_2", "Z_2", "activation (the sigmoid) is missing"),
    "sigmoid of -U_2": _training("Z_2 = sigmoid(U_2)", "Z_2 = sigmoid(-U_2)", "Z_2", "sign"),
    "U_3 from U_2": _training("U_3 = W_3 @ Z_2 + b_3", "U_3 = W_3 @ U_2 + b_3", "U_3", "uses U_2"),
    "second bias subtracted": _training("U_3 = W_3 @ Z_2 + b_3", "U_3 = W_3 @ Z_2 - b_3", "U_3", "bias"),
    "sigmoid for softmax": _training("Z_3 = softmax(U_3)", "Z_3 = sigmoid(U_3)", "Z_3", "sigmoid instead"),
    "softmax over the batch": _training("Z_3 = softmax(U_3)", "Z_3 = softmax(U_3, reduce_axis=1)", "Z_3", "axis"),
    "Delta_3 sign": _training("Delta_3 = Y - D", "Delta_3 = D - Y", "Delta_3", "sign"),
    "Delta_3 / batch size": _training("Delta_3 = Y - D", "Delta_3 = (Y - D) / batch_size", "Delta_3",
                                      "batch size"),
    "D forgotten": _training("Delta_3 = Y - D", "Delta_3 = Y", "Delta_3", "D is missing", "U_3 で微分し直して",
                             "引かれて"),
    "sigma' forgotten": _training("Delta_2 = (W_3.T @ Delta_3) * dsigmoid_du(U_2)", "Delta_2 = W_3.T @ Delta_3",
                                  "Delta_2", "the sigmoid's derivative is missing"),
    "sigma for sigma'": _training("dsigmoid_du(U_2)", "sigmoid(U_2)", "Delta_2", "sigma (sigmoid) instead"),
    "derivative at Z_2": _training("dsigmoid_du(U_2)", "dsigmoid_du(Z_2)", "Delta_2", "given Z_2", "σ' は U_2 での値",
                                   "U_2 を渡して"),
    "dLdW_3 from U_2": _training("dLdW_3 = Delta_3 @ Z_2.T", "dLdW_3 = Delta_3 @ U_2.T", "dLdW_3", "uses U_2"),
    "dLdW_3 / batch size": _training("dLdW_3 = Delta_3 @ Z_2.T", "dLdW_3 = Delta_3 @ Z_2.T / batch_size", "dLdW_3",
                                     "batch size"),
    "dLdb_3 mean": _training("dLdb_3 = Delta_3.sum(axis=1, keepdims=True)",
                             "dLdb_3 = Delta_3.mean(axis=1, keepdims=True)", "dLdb_3", "batch size"),
    "dLdb_3 summed over everything": _training("dLdb_3 = Delta_3.sum(axis=1, keepdims=True)",
                                               "dLdb_3 = Delta_3.sum()", "dLdb_3", "everything"),
    "dLdb_3 without its column": _training("dLdb_3 = Delta_3.sum(axis=1, keepdims=True)",
                                           "dLdb_3 = np.sum(Delta_3, axis=1)", "dLdb_3", "column"),
    "dLdb_3 over the classes": _training("dLdb_3 = Delta_3.sum(axis=1, keepdims=True)",
                                         "dLdb_3 = Delta_3.sum(axis=0, keepdims=True)", "dLdb_3", "axis"),
    "dLdW_2 from W_3^T Delta_3": _training("dLdW_2 = Delta_2 @ X.T", "dLdW_2 = W_3.T @ Delta_3 @ X.T", "dLdW_2",
                                           "not Delta_2 itself"),
    "dLdW_2 / batch size": _training("dLdW_2 = Delta_2 @ X.T", "dLdW_2 = Delta_2 @ X.T / batch_size", "dLdW_2",
                                     "batch size"),
    "dLdW_2 transposed": _training("dLdW_2 = Delta_2 @ X.T", "dLdW_2 = np.dot(X, Delta_2.T)", "dLdW_2",
                                   "two sides swapped, each transposed", "左右を入れ替えて"),
    "dLdb_2 unsummed": _training("dLdb_2 = Delta_2.sum(axis=1, keepdims=True)", "dLdb_2 = Delta_2[:, :1]",
                                 "dLdb_2", "is not summed", "足し忘れています",
                                 "Δ_2 X"),
    # a right shape with a wrong value: the known mistake named, or else one step of the chain rule for that blank
    "Delta_3 as dL/dY": _training("Delta_3 = Y - D", "Delta_3 = -D / Y", "Delta_3", "that is dL/dY", "∂L/∂Y",
                                  "形が"),
    "sigma' on the output layer": _training("Delta_3 = Y - D", "Delta_3 = (Y - D) * dsigmoid_du(U_3)", "Delta_3",
                                            "sigma'(U_3)", "出力層にもシグモイド関数の導関数"),
    "Delta_3 per-class derivative": _training("Delta_3 = Y - D", "Delta_3 = -D * (1 - Y)", "Delta_3",
                                              "right shape but a wrong value",
                                              "よくある書き間違いではなさそうです", "Y - D"),
    "sigma' as U (1 - U)": _training("dsigmoid_du(U_2)", "U_2 * (1 - U_2)", "Delta_2", "written as U_2 (1 - U_2)",
                                     "σ(U_2) の値を使います", "W_3.T"),
    "sigma' as sigma(U) (1 - U)": _training("dsigmoid_du(U_2)", "sigmoid(U_2) * (1 - U_2)", "Delta_2",
                                            "sigma(U_2) (1 - U_2)", "2つ目の因子も σ の値", "W_3.T"),
    "Delta_2 from Y": _training("Delta_2 = (W_3.T @ Delta_3)", "Delta_2 = (W_3.T @ Y)", "Delta_2",
                                "should be another variable", "ここは `Y` ではなく",
                                "W_3^T"),
    "dLdW_3 sign": _training("dLdW_3 = Delta_3 @ Z_2.T", "dLdW_3 = -Delta_3 @ Z_2.T", "dLdW_3", "sign", "符号が逆"),
    "dLdb_2 sign": _training("dLdb_2 = Delta_2.sum(axis=1, keepdims=True)",
                             "dLdb_2 = -Delta_2.sum(axis=1, keepdims=True)", "dLdb_2", "sign", "符号が逆"),
    "dLdW_2 doubled": _training("dLdW_2 = Delta_2 @ X.T", "dLdW_2 = Delta_2 @ X.T * 2", "dLdW_2",
                                         "one factor too many", "`2` がよけいに掛かって"),
    "W_2 eta twice": _training("W_2 = W_2 - eta * dLdW_2", "W_2 = W_2 - eta * eta * dLdW_2", "W_2",
                               "the learning rate eta is one factor too many", "学習率 eta がよけいに"),
    "b_3 without eta": _training("b_3 = b_3 - eta * dLdb_3", "b_3 = b_3 - dLdb_3", "b_3", "eta is missing"),
    "* for the matrix product": _training("U_2 = W_2 @ X + b_2", "U_2 = W_2 * X + b_2", "U_2",
                                          "should be a matrix product", "行列の積 `@` を使います"),
    "* for the matrix product in dLdW_3": _training("dLdW_3 = Delta_3 @ Z_2.T", "dLdW_3 = Delta_3 * Z_2.T", "dLdW_3",
                                                    "should be a matrix product", "行列の積 `@` を使います",
                                                    "Delta_3 @ Z_2.T"),
    "Delta_3 with Y (1 - Y) again": _training("Delta_3 = Y - D", "Delta_3 = (Y - D) * Y * (1 - Y)", "Delta_3",
                                              "multiplied in once more", "よけいに掛けて"),
    "W_3 without the old W_3": _training("W_3 = W_3 - eta * dLdW_3", "W_3 = -eta * dLdW_3", "W_3",
                                         "old W_3 is left out", "更新前の W_3"),
    "W_2 updated twice": _training("W_2 = W_2 - eta * dLdW_2", "W_2 = W_2 - eta * dLdW_2\n    W_2 = W_2 - eta * dLdW_2",
                                   "W_2", "update is made twice", "更新を2回"),
    "eta inside dLdW_2": _training("dLdW_2 = Delta_2 @ X.T", "dLdW_2 = Delta_2 @ X.T * eta", "dLdW_2",
                                   "the learning rate eta is one factor too many", "学習率 eta がよけいに掛かって"),
    "tanh for the hidden sigmoid": _training("Z_2 = sigmoid(U_2)", "Z_2 = np.tanh(U_2)", "Z_2", "tanh: this layer"),
    "only 1 - sigma(U_2)": _training("* dsigmoid_du(U_2)", "* (1 - Z_2)", "Delta_2", "only one factor",
                                     "両方の因子"),
    "sigma' computed but not kept": _training("Delta_2 = (W_3.T @ Delta_3) * dsigmoid_du(U_2)",
                                              "Delta_2 = W_3.T @ Delta_3\n    Delta_2 * dsigmoid_du(U_2)", "Delta_2",
                                              "keeps it nowhere", "どこにも代入していません", "抜けています"),
    "W_3 half a step": _training("W_3 = W_3 - eta * dLdW_3", "W_3 = W_3 - 0.5 * eta * dLdW_3", "W_3",
                                 "one factor too many", "`0.5` がよけいに掛かって"),
    "dLdb_2 mean": _training("dLdb_2 = Delta_2.sum(axis=1, keepdims=True)",
                             "dLdb_2 = Delta_2.mean(axis=1, keepdims=True)", "dLdb_2", "batch size"),
    "W_3 ascent": _training("W_3 = W_3 - eta * dLdW_3", "W_3 = W_3 + eta * dLdW_3", "W_3", "sign"),
    "W_3 without eta": _training("W_3 = W_3 - eta * dLdW_3", "W_3 = W_3 - dLdW_3", "W_3", "eta is missing"),
    "b_3 not updated": _training("b_3 = b_3 - eta * dLdb_3", "b_3 = b_3", "b_3", "not updated"),
    "b_3 ascent": _training("b_3 = b_3 - eta * dLdb_3", "b_3 = b_3 + eta * dLdb_3", "b_3", "sign"),
    "W_2 step / batch size": _training("W_2 = W_2 - eta * dLdW_2", "W_2 = W_2 - eta * dLdW_2 / batch_size", "W_2",
                                       "need not be divided by the batch size", "batch_size で割る必要はありません"),
    "b_2 ascent": _training("b_2 = b_2 - eta * dLdb_2", "b_2 = b_2 + eta * dLdb_2", "b_2", "sign"),
    # wrong shapes read for the operand to blame (each family, at every blank where it can happen)
    "dLdb_3 never summed": _training("dLdb_3 = Delta_3.sum(axis=1, keepdims=True)", "dLdb_3 = Delta_3", "dLdb_3",
                                     "sum over the mini-batch is left out", "足していません", "軸"),
    "dLdb_2 never summed": _training("dLdb_2 = Delta_2.sum(axis=1, keepdims=True)", "dLdb_2 = Delta_2", "dLdb_2",
                                     "sum over the mini-batch is left out", "足していません", "軸"),
    "dLdb_2 over the units": _training("dLdb_2 = Delta_2.sum(axis=1, keepdims=True)",
                                       "dLdb_2 = Delta_2.sum(axis=0, keepdims=True)", "dLdb_2", "wrong axis",
                                       "足す方向"),
    "b_2 step with Delta_2": _training("b_2 = b_2 - eta * dLdb_2", "b_2 = b_2 - eta * Delta_2", "b_2",
                                       "bias's gradient computed just above", "Delta_2 は形 (256, 100)",
                                       "足していません"),
    "dLdW_2 from Z_2": _training("dLdW_2 = Delta_2 @ X.T", "dLdW_2 = Delta_2 @ Z_2.T", "dLdW_2", "Z_2 (256, 100)",
                                 "Z_2 (256, 100) を使うと"),
    "dLdW_3 from X": _training("dLdW_3 = Delta_3 @ Z_2.T", "dLdW_3 = Delta_3 @ X.T", "dLdW_3", "X (784, 100)",
                               "X (784, 100) を使うと"),
    "b_3 step with dLdW_3": _training("b_3 = b_3 - eta * dLdb_3", "b_3 = b_3 - eta * dLdW_3", "b_3",
                                      "weight's gradient", "dLdW_3 は形 (10, 256) の重みの勾配"),
    "b_2 step with dLdW_2": _training("b_2 = b_2 - eta * dLdb_2", "b_2 = b_2 - eta * dLdW_2", "b_2",
                                      "weight's gradient", "dLdW_2 は形 (256, 784) の重みの勾配"),
    "W_3 step with dLdb_3": _training("W_3 = W_3 - eta * dLdW_3", "W_3 = W_3 - eta * dLdb_3", "W_3",
                                      "bias's gradient", "バイアスの勾配"),
    "dLdW_3 factors swapped": _training("dLdW_3 = Delta_3 @ Z_2.T", "dLdW_3 = Z_2.T @ Delta_3", "dLdW_3",
                                        "wrong way round", "左右が逆"),
    "W_3 left untransposed": _training("Delta_2 = (W_3.T @ Delta_3)", "Delta_2 = (W_3 @ Delta_3)", "Delta_2",
                                       "`W_3` seems to need a .T", "`W_3` は転置 (.T) して使う"),
    "W_2 step transposed": _training("W_2 = W_2 - eta * dLdW_2", "W_2 = W_2 - eta * dLdW_2.T", "W_2",
                                     "The .T of `dLdW_2.T` looks unneeded", "`dLdW_2.T` の .T は不要"),
    "X transposed twice": _training("U_2 = W_2 @ X + b_2", "U_2 = W_2 @ X.T + b_2", "U_2", "transposes it twice",
                                    "二重に転置"),
    "X untransposed in dLdW_2": _training("dLdW_2 = Delta_2 @ X.T", "dLdW_2 = Delta_2 @ X", "dLdW_2",
                                          "`X` seems to need a .T", "`X` は転置 (.T) して使う"),
    "Z_2 untransposed in dLdW_3": _training("dLdW_3 = Delta_3 @ Z_2.T", "dLdW_3 = Delta_3 @ Z_2", "dLdW_3",
                                            "`Z_2` seems to need a .T", "`Z_2` は転置 (.T) して使う"),
    "dLdW_3 transposed": _training("dLdW_3 = Delta_3 @ Z_2.T", "dLdW_3 = Z_2 @ Delta_3.T", "dLdW_3",
                                   "two sides swapped, each transposed", "左右を入れ替えて"),
    "U_3 from X": _training("U_3 = W_3 @ Z_2 + b_3", "U_3 = W_3 @ X + b_3", "U_3", "X (784, 100)",
                            "X (784, 100) のところで形が合いません"),
    "Delta_3 untransposed in dLdW_3": _training("dLdW_3 = Delta_3 @ Z_2.T", "dLdW_3 = Delta_3.T @ Z_2.T", "dLdW_3",
                                                "Delta_3", "Delta_3"),
    # lines that raise: named at the line, with the notebook's shapes
    "product in the wrong order": _training("U_2 = W_2 @ X + b_2", "U_2 = X @ W_2 + b_2", "U_2",
                                            "(size 256 is different from 100)", "左右が逆"),
    "a typo": _training("Delta_2 = (W_3.T @ Delta_3)", "Delta_2 = (W_3.T @ Dleta_3)", "Delta_2", "Dleta_3"),
    "derivative at U_3": _training("dsigmoid_du(U_2)", "dsigmoid_du(U_3)", "Delta_2", "(256,100) (10,100)",
                                   "`U_3` は3層目の変数です", "取り違えていないか"),  # the layer said once
    "not Python": _training("U_3 = W_3 @ Z_2 + b_3", "U_3 = W_3 @ (Z_2 + b_3", "U_3", "SyntaxError"),
    # the four functions
    "textbook softmax that overflows": Line("functions", SOFTMAX_RETURN,
                                            "  return np.exp(U) / np.exp(U).sum(axis=reduce_axis).reshape(shp)",
                                            "softmax", "nan or inf"),
    "softmax over the batch axis": Line("functions", SOFTMAX_RETURN,
                                        "  return np.exp(U) / np.exp(U).sum(axis=1, keepdims=True)", "softmax",
                                        "other axis"),
    "softmax with a fixed axis": Line("functions", SOFTMAX_RETURN,
                                      "  return np.exp(U - U.max(axis=0)) / np.exp(U - U.max(axis=0)).sum(axis=0)",
                                      "softmax", "fixed at 0", "axis=0 に固定されています"),
    "softmax without reshape(shp)": Line("functions", SOFTMAX_RETURN,
                                         "  return np.exp(U - U.max(axis=reduce_axis, keepdims=True)) / "
                                         "np.exp(U - U.max(axis=reduce_axis, keepdims=True)).sum(axis=reduce_axis)",
                                         "softmax", "reduce_axis=1", "reduce_axis=1 でも正しく動く必要"),
    "softmax not normalised": Line("functions", SOFTMAX_RETURN,
                                   "  return np.exp(U - U.max(axis=reduce_axis).reshape(shp))", "softmax",
                                   "not divided by its sum"),
    "cross-entropy as np.mean": Line("functions", "return -np.sum(D * np.log(Y))", "return -np.mean(D * np.log(Y))",
                                     "softmax_cross_entropy", "mean of every entry"),
    "cross-entropy without the minus": Line("functions", "return -np.sum(D * np.log(Y))",
                                            "return np.sum(D * np.log(Y))", "softmax_cross_entropy", "minus"),
    "cross-entropy as a batch mean": Line("functions", "return -np.sum(D * np.log(Y))",
                                          "return -np.sum(D * np.log(Y)) / D.shape[1]", "softmax_cross_entropy",
                                          "mean over the batch"),
    "cross-entropy with D and Y swapped": Line("functions", "return -np.sum(D * np.log(Y))",
                                               "return -np.sum(Y * np.log(D))", "softmax_cross_entropy",
                                               "", "入れ替わっています"),
    "cross-entropy per example": Line("functions", "return -np.sum(D * np.log(Y))",
                                      "return -np.sum(D * np.log(Y), axis=0)", "softmax_cross_entropy", "shape",
                                      "データごとの和で止まっています"),
    "sigmoid with the wrong sign": Line("functions", "return 0.5 * (1 + np.tanh(0.5 * U))",
                                        "return 1 / (1 + np.exp(U))", "sigmoid", "sign"),
    "tanh for the sigmoid": Line("functions", "return 0.5 * (1 + np.tanh(0.5 * U))", "return np.tanh(U)", "sigmoid",
                                 "tanh"),
    "sigma for sigma' (function)": Line("functions", "return sigmoid(U) * (1 - sigmoid(U))", "return sigmoid(U)",
                                        "dsigmoid_du", "sigma itself"),
    "sigma' of U": Line("functions", "return sigmoid(U) * (1 - sigmoid(U))", "return U * (1 - U)", "dsigmoid_du",
                        "takes sigma's value"),
    "sigma' as sigma(U) (1 - U) (function)": Line("functions", "return sigmoid(U) * (1 - sigmoid(U))",
                                                  "return sigmoid(U) * (1 - U)", "dsigmoid_du", "second factor",
                                                  "2つ目の因子"),
    "sigmoid without brackets": Line("functions", SIGMOID_RETURN, "return 1 / 1 + np.exp(-U)", "sigmoid",
                                     "brackets are missing", "かっこが抜けています", "exp(-U) が大きく"),
    "sigmoid as exp(U) / (1 + exp(U))": Line("functions", SIGMOID_RETURN, "return np.exp(U) / (1 + np.exp(U))",
                                             "sigmoid", "nan or inf for large inputs", "inf / inf が nan",
                                             "exp(-U) が大きく"),
    "sigma (1 + sigma)": Line("functions", DSIGMOID_RETURN, "return sigmoid(U) * (1 + sigmoid(U))", "dsigmoid_du",
                              "the second factor is 1 - sigma(U)"),
    "sigma' with a .T": Line("functions", DSIGMOID_RETURN, "return sigmoid(U) * (1 - sigmoid(U)).T", "dsigmoid_du",
                             "raised ValueError"),
    "return left empty": Line("functions", "return sigmoid(U) * (1 - sigmoid(U))", "return", "dsigmoid_du",
                              "returns nothing"),
    # inference
    "inference: bias subtracted": Line("inference", "U_2 = W_2 @ X + b_2", "U_2 = W_2 @ X - b_2", "inference.U_2",
                                       "bias"),
    "inference: no activation": Line("inference", "Z_2 = sigmoid(U_2)", "Z_2 = U_2", "inference.Z_2", "activation"),
    "inference: U_3 from U_2": Line("inference", "U_3 = W_3 @ Z_2 + b_3", "U_3 = W_3 @ U_2 + b_3", "inference.U_3",
                                    "U_2"),
    "inference: softmax over the batch": Line("inference", "Z_3 = softmax(U_3)", "Z_3 = softmax(U_3, reduce_axis=1)",
                                              "inference.Z_3", "axis"),
    "inference: U_3 crashes": Line("inference", "U_3 = W_3 @ Z_2 + b_3", "U_3 = W_3 @ Z_2.T + b_3", "inference.U_3",
                                   "(size 100 is different from 256)", "Z_2"),
    "inference: X transposed twice": Line("inference", "U_2 = W_2 @ X + b_2", "U_2 = W_2 @ X.T + b_2",
                                          "inference.U_2", "transposes it twice", "二重に転置"),
    "inference: U_3 from X": Line("inference", "U_3 = W_3 @ Z_2 + b_3", "U_3 = W_3 @ X + b_3", "inference.U_3",
                                  "X (784, 100)", "X (784, 100) のところで形が合いません"),
    # the test-set cell
    "validation labels": Line("test-predict", "calculate_accuracy(y_test, y_hat)", "calculate_accuracy(y_valid, y_hat)",
                              "testacc", "y_valid"),
    "validation images": Line("test-predict", "Y_hat = inference(X_test)", "Y_hat = inference(X_valid)", "Y_hat",
                              "X_test"),
    "one-hot labels": Line("test-predict", "calculate_accuracy(y_test, y_hat)", "calculate_accuracy(Y_test, Y_hat)",
                           "testacc", "one-hot Y_test", "y_test"),
    "accuracy in percent": Line("test-predict", "calculate_accuracy(y_test, y_hat)",
                                "calculate_accuracy(y_test, y_hat) * 100", "testacc", "times 100"),
    # from the first review of issue 36 (lines nobody here wrote, scored before they informed the code)
    "inference: np.dot with X transposed twice": Line("inference", "U_2 = W_2 @ X + b_2",
                                                      "U_2 = np.dot(W_2, X.T) + b_2", "inference.U_2", "unneeded",
                                                      ".T は不要"),
    "softmax with max - U": Line("functions", SOFTMAX_RETURN,
                                 "  E = np.exp(U.max(axis=reduce_axis, keepdims=True) - U)\n"
                                 "  return E / E.sum(axis=reduce_axis, keepdims=True)", "softmax", "sign",
                                 "符号が逆", "足し算"),
    "Delta_2 / batch size": _training("Delta_2 = (W_3.T @ Delta_3) * dsigmoid_du(U_2)",
                                      "Delta_2 = (W_3.T @ Delta_3) * dsigmoid_du(U_2) / batch_size", "Delta_2",
                                      "need not be divided", "batch_size で割る必要はありません",
                                      "学習率 eta を掛けて"),
    "Delta_3 indexed by whole rows": _training("Delta_3 = Y - D", "Delta_3 = Y.copy()\n"
                                               "    Delta_3[D.argmax(axis=0), :] -= 1", "Delta_3",
                                               "right shape but a wrong value", "よくある書き間違いではなさそうです",
                                               "D を引き"),
    "W_3 stepped by a mean": _training("W_3 = W_3 - eta * dLdW_3", "W_3 = W_3 - eta * dLdW_3.mean()", "W_3",
                                       "does not need its mean", "平均 (mean) は不要", "更新されていません"),
    # from the second review of issue 36
    "softmax shifted on top only": Line("functions", SOFTMAX_RETURN,
                                        "  e = np.exp(U - np.max(U, axis=reduce_axis).reshape(shp))\n"
                                        "  return e / np.sum(np.exp(U), axis=reduce_axis).reshape(shp)", "softmax",
                                        "numerator's exp only", "分子の exp でだけ"),
    "softmax of the transpose, transposed back": _training("Z_3 = softmax(U_3)", "Z_3 = softmax(U_3.T).T", "Z_3",
                                                           "looks unneeded", ".T は不要"),
    "dLdb_3 summed over the classes by a helper": _training(
        "dLdb_3 = Delta_3.sum(axis=1, keepdims=True)",
        "def batch_sum(M):\n      return np.sum(M, axis=0, keepdims=True)\n    dLdb_3 = batch_sum(Delta_3)", "dLdb_3",
        "wrong axis", "足す方向", "不要"),
    "b_3 overwritten by its step": _training("b_3 = b_3 - eta * dLdb_3", "b_3 = eta * dLdb_3", "b_3",
                                             "the old b_3 is left out", "更新前の b_3"),
    "testacc as a count": Line("test-predict", "testacc = calculate_accuracy(y_test, y_hat)",
                               "testacc = np.sum(y_hat == y_test)", "testacc", "number of right predictions",
                               "枚数"),
    "sigmoid as tanh(U/2) alone": Line("functions", SIGMOID_RETURN, "return np.tanh(U / 2)", "sigmoid",
                                       "tanh(U/2) alone", "tanh(U/2) だけ"),
    # from the third review of issue 36
    "W_2 minus eta alone": _training("W_2 = W_2 - eta * dLdW_2", "W_2 = W_2 - eta", "W_2", "only eta is subtracted",
                                     "学習率 eta だけを引いています"),
    "Delta_3 as Y - 1": _training("Delta_3 = Y - D", "Delta_3 = Y - 1", "Delta_3", "acts on every entry alike",
                                  "数なので、すべての要素に同じだけ", "よくある書き間違いではなさそうです"),
    "cross-entropy indexed by the class alone": Line("functions", "return -np.sum(D * np.log(Y))",
                                                     "return -np.sum(np.log(Y[D.argmax(axis=0)]))",
                                                     "softmax_cross_entropy", "row (class) number alone",
                                                     "行 (クラス) の番号だけで選んでいる"),
    "cross-entropy indexed example first": Line("functions", "return -np.sum(D * np.log(Y))",
                                                "return -np.sum(np.log(Y[np.arange(Y.shape[1]), D.argmax(axis=0)]))",
                                                "softmax_cross_entropy", "wrong way round", "行と列の番号が逆"),
    "sigma' at U_3 inside the product": _training(DELTA_2, "Delta_2 = W_3.T @ (Delta_3 * dsigmoid_du(U_3))",
                                                  "Delta_2", "before W_3.T", "W_3ᵀ を掛ける前に掛けています",
                                                  "よくある書き間違いではなさそうです"),
    "Delta_2 by a loop, sigma' at U_3": _training(DELTA_2, "Delta_2 = np.zeros(U_2.shape)\n"
                                                 "    for n in range(U_2.shape[1]):\n"
                                                 "      Delta_2[:, n] = np.dot(W_3.T, Delta_3[:, n]) * "
                                                 "dsigmoid_du(U_3[:, n])", "Delta_2", "layer 3",
                                                 "`U_3` は3層目の変数です", "形と、それぞれの変数の形を見比べて"),
    # from the fourth review of issue 36
    "sigmoid as e / (1 + e) with e = exp(-U)": Line("functions", SIGMOID_RETURN,
                                                    "e = np.exp(-U)\n  return e / (1 + e)", "sigmoid",
                                                    "sigma(-U)", "σ(−U) (= 1 − σ(U))", "指数の符号が逆"),
    "cross-entropy looped over the classes": Line("functions", "  return -np.sum(D * np.log(Y))",
                                                  "  L = 0.0\n  for n in range(Y.shape[0]):\n"
                                                  "    L = L - np.sum(D[:, n] * np.log(Y[:, n]))\n  return L",
                                                  "softmax_cross_entropy", "index 0", "添字 0 が違います"),
    "Delta_2 by a loop on the first column": _training(DELTA_2, "Delta_2 = np.zeros(U_2.shape)\n"
                                                      "    for n in range(U_2.shape[1]):\n"
                                                      "      Delta_2[:, n] = np.dot(W_3.T, Delta_3[:, 0]) * "
                                                      "dsigmoid_du(U_2[:, n])", "Delta_2", "fixed at 0",
                                                      "添字が 0 に固定されています"),
    "dLdW_3 overwritten in its loop": _training("dLdW_3 = Delta_3 @ Z_2.T", "dLdW_3 = np.zeros(W_3.shape)\n"
                                                "    for n in range(Delta_3.shape[1]):\n"
                                                "      dLdW_3 = np.outer(Delta_3[:, n], Z_2[:, n])", "dLdW_3",
                                                "overwrites", "上書きしています"),
    "dLdb_3 looped over the classes": _training("dLdb_3 = Delta_3.sum(axis=1, keepdims=True)",
                                                "dLdb_3 = np.zeros((Delta_3.shape[0], 1))\n"
                                                "    for n in range(Delta_3.shape[0]):\n"
                                                "      dLdb_3[:, 0] += Delta_3[:, n]", "dLdb_3", "index 0",
                                                "添字 0 が違います"),
    "softmax over the batch, by its place": _training("Z_3 = softmax(U_3)", "Z_3 = softmax(U_3, 1)", "Z_3",
                                                      "works along axis=1", "axis=1 の方向に計算していますが",
                                                      "転置"),
    # from the fifth review of issue 36
    "dLdb_2 looped from 1": _training("dLdb_2 = Delta_2.sum(axis=1, keepdims=True)",
                                      "dLdb_2 = np.zeros((Delta_2.shape[0], 1))\n"
                                      "    for n in range(1, Delta_2.shape[1]):\n"
                                      "      dLdb_2[:, 0] += Delta_2[:, n]", "dLdb_2", "counts from 1",
                                      "1 から数えています"),
    "inference: U_2 by a loop, bias subtracted": Line("inference", "U_2 = W_2 @ X + b_2",
                                                      "U_2 = np.zeros((W_2.shape[0], X.shape[1]))\n"
                                                      "  for n in range(X.shape[1]):\n"
                                                      "    U_2[:, n] = W_2 @ X[:, n] - b_2[:, 0]",
                                                      "inference.U_2", "bias", "符号が逆"),
}

# The wrong lines that raise (an error, named at the line) and the one that leaves its blank empty; every other wrong
# line computes a wrong value or shape.
RAISES = {"inference: np.dot with X transposed twice",
          "dLdW_3 factors swapped", "X untransposed in dLdW_2", "Z_2 untransposed in dLdW_3", "U_3 from X",
          "W_3 left untransposed", "W_2 step transposed", "X transposed twice", "Delta_3 untransposed in dLdW_3",
          "product in the wrong order", "a typo", "derivative at U_3", "not Python", "softmax without reshape(shp)",
          "inference: U_3 crashes", "inference: X transposed twice", "inference: U_3 from X",
          "* for the matrix product", "* for the matrix product in dLdW_3", "sigma' with a .T",
          "cross-entropy indexed example first", "Delta_2 by a loop, sigma' at U_3"}
EMPTY = {"return left empty"}


# What the slip search (answer_check/slips.py) must find in each wrong line, with the known mistakes switched off:
# the kinds of its edits, joined by " + ". STRUCTURAL: lines whose cause the judge names without a search or a
# table (a value never assigned, not Python, an overflow at ±1000, a sum per example, an empty return). CONCEPTUAL:
# lines no edit within two reaches (a derivation gone wrong, not a slip); only the table names them. The share of
# WRONG named without the table is printed and held at 85% or more by tests/test_cells.py.
SLIPS = {
    'softmax of the transpose, transposed back': 'transpose extra + transpose extra',
    'inference: np.dot with X transposed twice': 'transpose extra',
    'softmax with max - U': 'sign',
    'Delta_2 / batch size': 'extra factor',
    'W_3 stepped by a mean': 'sum extra',
    'bias subtracted': 'operator',
    'bias missing': 'missing term',
    'no activation': 'function missing',
    'sigmoid of -U_2': 'sign',
    'U_3 from U_2': 'name',
    'second bias subtracted': 'operator',
    'sigmoid for softmax': 'function',
    'softmax over the batch': 'axis',
    'Delta_3 sign': 'sign',
    'Delta_3 / batch size': 'extra factor',
    'D forgotten': 'missing term',
    "sigma' forgotten": 'missing factor',
    "sigma for sigma'": 'function',
    'derivative at Z_2': 'name',
    'dLdW_3 from U_2': 'name',
    'dLdW_3 / batch size': 'extra factor',
    'dLdb_3 mean': 'function',
    'dLdb_3 summed over everything': 'sum everything',
    'dLdb_3 without its column': 'keepdims',
    'dLdb_3 over the classes': 'axis',
    'dLdW_2 from W_3^T Delta_3': 'intermediate',
    'dLdW_2 / batch size': 'extra factor',
    'dLdW_2 transposed': 'order transposed',
    'dLdb_2 unsummed': 'sum missing',
    "sigma' on the output layer": 'extra factor',
    "sigma' as U (1 - U)": 'name + name',
    "sigma' as sigma(U) (1 - U)": 'name',
    'Delta_2 from Y': 'other name',
    'dLdW_3 sign': 'sign',
    'dLdb_2 sign': 'sign',
    'dLdW_2 doubled': 'extra factor',
    'W_2 eta twice': 'extra factor',
    'b_3 without eta': 'missing factor',
    '* for the matrix product': 'operator',
    '* for the matrix product in dLdW_3': 'operator',
    'Delta_3 with Y (1 - Y) again': 'extra factor + extra factor',
    'W_3 without the old W_3': 'missing term',
    'W_2 updated twice': 'line twice',
    'eta inside dLdW_2': 'extra factor',
    'tanh for the hidden sigmoid': 'function',
    'only 1 - sigma(U_2)': 'missing factor',
    'W_3 half a step': 'extra factor',
    'dLdb_2 mean': 'function',
    'W_3 ascent': 'operator',
    'W_3 without eta': 'missing factor',
    'b_3 not updated': 'missing term',
    'b_3 ascent': 'operator',
    'W_2 step / batch size': 'extra factor',
    'b_2 ascent': 'operator',
    'dLdb_3 never summed': 'sum missing',
    'dLdb_2 never summed': 'sum missing',
    'dLdb_2 over the units': 'axis',
    'b_2 step with Delta_2': 'name',
    'dLdW_2 from Z_2': 'other name',
    'dLdW_3 from X': 'other name',
    'b_3 step with dLdW_3': 'name',
    'b_2 step with dLdW_2': 'name',
    'W_3 step with dLdb_3': 'name',
    'dLdW_3 factors swapped': 'order',
    'W_3 left untransposed': 'transpose missing',
    'W_2 step transposed': 'transpose extra',
    'X transposed twice': 'transpose extra',
    'X untransposed in dLdW_2': 'transpose missing',
    'Z_2 untransposed in dLdW_3': 'transpose missing',
    'dLdW_3 transposed': 'order transposed',
    'U_3 from X': 'other name',
    'Delta_3 untransposed in dLdW_3': 'transpose extra',
    'product in the wrong order': 'order',
    'a typo': 'spelling',
    'derivative at U_3': 'name',
    'softmax over the batch axis': 'axis fixed',
    'softmax without reshape(shp)': 'keepdims',
    'softmax not normalised': 'normalise missing',
    'cross-entropy as np.mean': 'function',
    'cross-entropy without the minus': 'sign',
    'cross-entropy as a batch mean': 'extra factor',
    'cross-entropy with D and Y swapped': 'names swapped',
    'sigmoid with the wrong sign': 'sign',
    "sigma for sigma' (function)": 'missing factor',
    "sigma' of U": 'function missing + function missing',
    "sigma' as sigma(U) (1 - U) (function)": 'function missing',
    'sigmoid without brackets': 'brackets',
    'sigma (1 + sigma)': 'operator',
    "sigma' with a .T": 'transpose extra',
    'inference: bias subtracted': 'operator',
    'inference: no activation': 'function missing',
    'inference: U_3 from U_2': 'name',
    'inference: softmax over the batch': 'axis',
    'inference: U_3 crashes': 'transpose extra',
    'inference: X transposed twice': 'transpose extra',
    'inference: U_3 from X': 'other name',
    'validation labels': 'name',
    'validation images': 'name',
    'one-hot labels': 'name + name',
    'accuracy in percent': 'extra factor',
    'Delta_3 as Y - 1': 'number for array',
    'cross-entropy indexed by the class alone': 'column index missing',
    'cross-entropy indexed example first': 'index order',
    "sigma' at U_3 inside the product": 'derivative inside',
    "Delta_2 by a loop, sigma' at U_3": 'name',
    'inference: U_2 by a loop, bias subtracted': 'operator',
    'cross-entropy looped over the classes': 'index',
    'Delta_2 by a loop on the first column': 'loop index',
    'dLdW_3 overwritten in its loop': 'overwritten in a loop',
    'dLdb_3 looped over the classes': 'index',
    'dLdb_2 looped from 1': 'loop start',
    'softmax over the batch, by its place': 'axis',
}
STRUCTURAL = {
    'dLdb_3 summed over the classes by a helper',
    "sigma' computed but not kept",
    'not Python',
    'textbook softmax that overflows',
    'cross-entropy per example',
    'sigmoid as exp(U) / (1 + exp(U))',
    'return left empty',
}
CONCEPTUAL = {
    'sigmoid as e / (1 + e) with e = exp(-U)',
    'W_2 minus eta alone',
    'softmax shifted on top only',
    'b_3 overwritten by its step',
    'testacc as a count',
    'sigmoid as tanh(U/2) alone',
    'Delta_3 indexed by whole rows',
    'Delta_3 as dL/dY',
    'Delta_3 per-class derivative',
    'softmax with a fixed axis',
    'tanh for the sigmoid',
}


def _slipped():
    """tests/slipped.tsv: wrong lines nobody listed before the slip search (issue 30), one a row: the cell, the blank
    it breaks, the solution's line and the learner's, the words its Japanese must hold, what the search must find
    (or STRUCTURAL / CONCEPTUAL) and its status. Folded into WRONG, SLIPS, RAISES and the two sets here."""
    with open(Path(__file__).with_name("slipped.tsv"), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            name = f"{row['column'].removeprefix('training.')}: {row['written']}"
            WRONG[name] = Line(row["cell"], row["original"], row["written"], row["column"], "", row["ja"])
            {"STRUCTURAL": STRUCTURAL, "CONCEPTUAL": CONCEPTUAL}.get(row["slip"], set()).add(name)
            if row["slip"] not in ("STRUCTURAL", "CONCEPTUAL"):
                SLIPS[name] = row["slip"]
            if row["status"] == "error":
                RAISES.add(name)


_slipped()


def status(name):
    """The verdict a wrong line of WRONG must get: error, empty or wrong."""
    return "error" if name in RAISES else "empty" if name in EMPTY else "wrong"




def _right(cell, original, *written):
    """Right lines: ``original`` of the solution's cell written each way in ``written``."""
    return [Line(cell, original, w) for w in written]


# Right answers written another way: each must pass, in the notebook's checks and in the grader. Every blank's line,
# at least three other ways a learner writes it (parentheses, np.dot / @ / .dot, .T or np.transpose, keepdims or a
# reshape, 1 - s or 1.0 - s, in-place -=, a blank written as two lines, the stable forms of log and exp).
_RIGHT = [
    *_right("functions", SOFTMAX_RETURN,
            "  return np.exp(U - U.max(axis=reduce_axis, keepdims=True)) / "
            "np.exp(U - U.max(axis=reduce_axis, keepdims=True)).sum(axis=reduce_axis, keepdims=True)",
            "  E = np.exp(U - np.max(U, axis=reduce_axis).reshape(shp))\n  return E / E.sum(reduce_axis).reshape(shp)",
            "  E = np.exp(U - U.max(axis=reduce_axis, keepdims=True))\n"
            "  return E / np.sum(E, axis=reduce_axis, keepdims=True)",
            "  M = U.max(axis=reduce_axis, keepdims=True)\n"
            "  return np.exp(U - M - np.log(np.exp(U - M).sum(axis=reduce_axis, keepdims=True)))"),
    *_right("functions", CROSS_ENTROPY,
            "  return -np.sum(D * np.log(Y + epsilon))",
            "  return -np.sum(D * np.log(np.maximum(Y, epsilon)))",
            "  return -np.sum(D * np.log(Y + 1e-7))",
            "  return -np.sum(D * np.log(Y + 1e-5))",
            "  Y = np.clip(Y, epsilon, 1-epsilon)\n  return -(D * np.log(Y)).sum()",
            "  Y = np.clip(Y, epsilon, 1-epsilon)\n  return -np.sum(np.sum(D * np.log(Y), axis=0))",
            "  return -np.sum(D * np.log(Y.astype(np.float32) + np.float32(epsilon)))",
            "  Y = np.clip(Y, epsilon, 1-epsilon)\n"
            "  return -np.sum(np.log(Y[D.argmax(axis=0), np.arange(Y.shape[1])]))"),
    *_right("functions", SIGMOID_RETURN,
            "return 1 / (1 + np.exp(-U))",
            "return 1.0 / (1.0 + np.exp(-U))",
            "return np.exp(-np.logaddexp(0, -U))",
            "return np.where(U >= 0, 1 / (1 + np.exp(-U)), np.exp(U) / (1 + np.exp(U)))"),
    *_right("functions", DSIGMOID_RETURN,
            "return np.exp(-U) / (1 + np.exp(-U)) ** 2",
            "return sigmoid(U) * (1.0 - sigmoid(U))",
            "s = sigmoid(U)\n  return s * (1 - s)",
            "return sigmoid(U) * sigmoid(-U)"),
    *_right("inference", "U_2 = W_2 @ X + b_2", "U_2 = np.dot(W_2, X) + b_2", "U_2 = W_2.dot(X) + b_2",
            "U_2 = np.matmul(W_2, X) + b_2", "U_2 = (W_2 @ X) + b_2"),
    *_right("inference", "Z_2 = sigmoid(U_2)", "Z_2 = 1 / (1 + np.exp(-U_2))", "Z_2 = 0.5 * (1 + np.tanh(0.5 * U_2))",
            "Z_2 = sigmoid(U_2).astype(np.float32)"),
    *_right("inference", "U_3 = W_3 @ Z_2 + b_3", "U_3 = np.dot(W_3, Z_2) + b_3", "U_3 = b_3 + W_3 @ Z_2",
            "U_3 = W_3.dot(Z_2) + b_3"),
    *_right("inference", "Z_3 = softmax(U_3)", "Z_3 = softmax(U_3, reduce_axis=0)", "Z_3 = softmax(U_3, 0)",
            "Z_3 = np.exp(U_3 - U_3.max(axis=0)) / np.exp(U_3 - U_3.max(axis=0)).sum(axis=0)"),
    *_right("train", "U_2 = W_2 @ X + b_2", "U_2 = np.dot(W_2, X) + b_2", "U_2 = W_2.dot(X) + b_2",
            "U_2 = np.matmul(W_2, X) + b_2", "U_2 = b_2 + W_2 @ X_batch.T", "U_2 = W_2 @ np.transpose(X_batch) + b_2"),
    *_right("train", "Z_2 = sigmoid(U_2)", "Z_2 = 1 / (1 + np.exp(-U_2))", "Z_2 = 1.0 / (1.0 + np.exp(-U_2))",
            "Z_2 = 0.5 * (1 + np.tanh(0.5 * U_2))"),
    *_right("train", "U_3 = W_3 @ Z_2 + b_3", "U_3 = np.dot(W_3, Z_2) + b_3", "U_3 = W_3.dot(Z_2) + b_3",
            "U_3 = (W_3 @ Z_2) + b_3"),
    *_right("train", "Z_3 = softmax(U_3)", "Z_3 = softmax(U_3, reduce_axis=0)", "Z_3 = softmax(U_3, 0)",
            "Z_3 = softmax(U=U_3)"),
    *_right("train", "Delta_3 = Y - D", "Delta_3 = Z_3 - D", "Delta_3 = Z_3 - Y_batch.T", "Delta_3 = -(D - Y)",
            "Delta_3 = Y - np.transpose(Y_batch)"),
    *_right("train", "* dsigmoid_du(U_2)", "* Z_2 * (1 - Z_2)", "* (Z_2 * (1.0 - Z_2))",
            "* sigmoid(U_2) * (1 - sigmoid(U_2))"),
    *_right("train", DELTA_2,
            "Delta_2 = dsigmoid_du(U_2) * np.dot(W_3.T, Delta_3)",
            "Delta_2 = np.multiply(np.transpose(W_3) @ Delta_3, dsigmoid_du(U_2))",
            "Delta_2 = W_3.T @ Delta_3\n    Delta_2 = Delta_2 * dsigmoid_du(U_2)",
            "Delta_2 = W_3.T.dot(Delta_3)\n    Delta_2 *= dsigmoid_du(U_2)",
            "s = sigmoid(U_2)\n    Delta_2 = W_3.T @ Delta_3\n    Delta_2 = Delta_2 * s * (1 - s)"),
    *_right("train", "dLdW_3 = Delta_3 @ Z_2.T", "dLdW_3 = np.dot(Delta_3, Z_2.T)", "dLdW_3 = (Z_2 @ Delta_3.T).T",
            "dLdW_3 = Delta_3.dot(np.transpose(Z_2))", "dLdW_3 = np.matmul(Delta_3, Z_2.T)"),
    *_right("train", "dLdb_3 = Delta_3.sum(axis=1, keepdims=True)", "dLdb_3 = Delta_3.sum(axis=1).reshape(-1, 1)",
            "dLdb_3 = np.sum(Delta_3, axis=1)[:, np.newaxis]", "dLdb_3 = Delta_3.sum(axis=1).reshape(10, 1)",
            "dLdb_3 = np.sum(Delta_3, axis=1, keepdims=True)"),
    *_right("train", "dLdW_2 = Delta_2 @ X.T", "dLdW_2 = Delta_2 @ X_batch", "dLdW_2 = np.matmul(Delta_2, X.T)",
            "dLdW_2 = np.dot(Delta_2, np.transpose(X))", "dLdW_2 = Delta_2.dot(X.T)"),
    *_right("train", "dLdb_2 = Delta_2.sum(axis=1, keepdims=True)", "dLdb_2 = np.sum(Delta_2, axis=1, keepdims=True)",
            "dLdb_2 = Delta_2 @ np.ones((Delta_2.shape[1], 1))", "dLdb_2 = Delta_2.sum(axis=1).reshape(-1, 1)",
            "dLdb_2 = np.sum(Delta_2, 1, keepdims=True)"),
    *_right("train", "W_3 = W_3 - eta * dLdW_3", "W_3 = W_3 + (-eta) * dLdW_3", "W_3 -= eta * dLdW_3",
            "W_3 = -eta * dLdW_3 + W_3", "W_3 = W_3 - (eta * dLdW_3)"),
    *_right("train", "b_3 = b_3 - eta * dLdb_3", "b_3 -= eta * dLdb_3", "b_3 = b_3 - dLdb_3 * eta",
            "b_3 = b_3 + (-eta) * dLdb_3"),
    *_right("train", "W_2 = W_2 - eta * dLdW_2", "W_2 -= eta * dLdW_2", "W_2 = W_2 - np.multiply(eta, dLdW_2)",
            "W_2 = -eta * dLdW_2 + W_2"),
    *_right("train", "b_2 = b_2 - eta * dLdb_2", "b_2 = b_2 - dLdb_2 * eta", "b_2 -= eta * dLdb_2",
            "b_2 = b_2 - (eta * dLdb_2)"),
    *_right("train", "dLdb_3 = Delta_3.sum(axis=1, keepdims=True)", "dLdb_3 = Delta_3 @ np.ones((100, 1))",
            "dLdb_3 = Delta_3 @ np.ones((batch_size, 1))"),
    *_right("train", "dLdb_2 = Delta_2.sum(axis=1, keepdims=True)", "dLdb_2 = Delta_2.sum(axis=1).reshape(256, 1)"),
    *_right("train", "dLdW_3 = Delta_3 @ Z_2.T", "dLdW_3 = np.einsum('kn,hn->kh', Delta_3, Z_2)"),
    *_right("train", "Delta_3 = Y - D", "Delta_3 = Y - D.reshape(nb_classes, batch_size)"),
    *_right("functions", DSIGMOID_RETURN, "return 0.25 / np.cosh(U / 2) ** 2"),
    *_right("inference", "U_2 = W_2 @ X + b_2", "U_2 = W_2 @ X + b_2.reshape(256, 1)"),
    *_right("test-predict", "Y_hat = inference(X_test)", "Y_hat = inference(X_test.reshape(-1, 784))",
            "Y_hat = inference(X_test.reshape(10000, 784))"),
    *_right("test-predict", "Y_hat = inference(X_test)", "Y_hat = inference(X=X_test)",
            "Y_hat = inference(np.asarray(X_test))", "Y_hat = inference(X_test[:])",
            "Y_hat = softmax(np.dot(W_3, sigmoid(np.dot(W_2, X_test.T) + b_2)) + b_3).T"),  # the forward pass by hand
    *_right("test-predict", "calculate_accuracy(y_test, y_hat)", "calculate_accuracy(y_hat, y_test)",
            "np.mean(y_hat == y_test)", "np.sum(y_hat == y_test) / len(y_test)",
            "calculate_accuracy(y_test, Y_hat.argmax(axis=1))"),
    # literals copied from the notebook: its eta, its batch of 100 (the tiny problem has the notebook's own)
    *_right("train", "W_3 = W_3 - eta * dLdW_3", "W_3 = W_3 - 0.01 * dLdW_3"),
    *_right("train", "U_2 = W_2 @ X + b_2", "U_2 = W_2 @ X + np.tile(b_2, (1, 100))",
            "U_2 = W_2 @ X + np.repeat(b_2, 100, axis=1)"),
    *_right("train", "b_2 = b_2 - eta * dLdb_2", "b_2 = b_2 - 0.01 * dLdb_2"),
    *_right("functions", DSIGMOID_RETURN, "return sigmoid(U) - sigmoid(U) ** 2"),
    *_right("test-predict", "testacc = calculate_accuracy(y_test, y_hat)",
            "testacc = calculate_accuracy(y_test, Y_hat.argmax(axis=1))"),
    # blocks of any kind (issue 36): a loop that fills a column at a time, an indexed update, an in-place out=
    *_right("train", DELTA_2, "Delta_2 = np.zeros(U_2.shape)\n    for n in range(U_2.shape[1]):\n"
            "      Delta_2[:, n] = np.dot(W_3.T, Delta_3[:, n]) * dsigmoid_du(U_2[:, n])"),
    *_right("train", "Delta_3 = Y - D", "Delta_3 = Y.copy()\n"
            "    Delta_3[D.argmax(axis=0), np.arange(D.shape[1])] -= 1",
            "Delta_3 = np.zeros(Y.shape)\n    for k in range(Y.shape[0]):\n      Delta_3[k, :] = Y[k, :] - D[k, :]"),
    *_right("train", "dLdb_3 = Delta_3.sum(axis=1, keepdims=True)", "dLdb_3 = np.zeros((Delta_3.shape[0], 1))\n"
            "    for n in range(Delta_3.shape[1]):\n      dLdb_3[:, 0] += Delta_3[:, n]"),
    *_right("train", "W_3 = W_3 - eta * dLdW_3", "np.subtract(W_3, eta * dLdW_3, out=W_3)"),
    *_right("train", "b_2 = b_2 - eta * dLdb_2", "np.subtract(b_2, eta * dLdb_2, out=b_2)"),
    *_right("inference", "U_2 = W_2 @ X + b_2", "U_2 = np.zeros((W_2.shape[0], X.shape[1]))\n"
            "  for n in range(X.shape[1]):\n    U_2[:, n] = W_2 @ X[:, n] + b_2[:, 0]"),
]
RIGHT = {f"{line.cell}: {line.original.strip()[:40]} -> {line.written.strip()}": line for line in _RIGHT}


def apply(source, line):
    """source with line.original replaced by line.written (once); fails if the solution no longer has it."""
    assert line.original in source, f"the solution no longer has {line.original!r}"
    return source.replace(line.original, line.written, 1)
