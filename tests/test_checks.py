"""checks.py: every wrong line makes its check fail naming its blank; right lines written another way pass.

The lines are the notebook's own cells with one line replaced, run as a learner would run them; the handout runs in
a real kernel, empty, filled with the solution, and filled with one wrong line.
"""

import re

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from test_mnist_mlp import MUTANTS as REFERENCE_MUTANTS

from checks import CheckFailed, check_functions, check_inference, check_test, check_training
from conftest import NOTEBOOK, ROOT, SAMPLE_DIR, notebook_cell, notebook_functions
from scripts.make_exercise import EXERCISE, blank_out


def first_line(error):
    return str(error.value).split("\n")[0]


def assert_names(error, blank):
    """The failure's first line names the blank; a table, if shown, points at the blank's row."""
    assert re.search(rf"(^|\W){re.escape(blank)}(\W|$)", first_line(error)), str(error.value)
    arrows = [line for line in str(error.value).split("\n") if "first wrong line" in line]
    assert all(line.split()[0] == blank for line in arrows), str(error.value)


def assert_check_fails(run_check, blank, hint=""):
    """run_check() stops with CheckFailed, naming the blank and giving the hint."""
    with pytest.raises(CheckFailed) as error:
        run_check()
    assert_names(error, blank)
    assert hint in str(error.value)


# --------------------------------------------------------------------------------------
# The training step
# --------------------------------------------------------------------------------------

TRAIN = notebook_cell("train")

# The reference check's mutants in tests/test_mnist_mlp.py, with the blank each one breaks ...
REFERENCE_MUTANT_BLANKS = {
    "U_2 without bias": "U_2", "Z_2 = U_2 (no activation)": "Z_2", "U_3 from U_2": "U_3", "Z_3 sigmoid": "Z_3",
    "Delta_3 sign": "Delta_3", "Delta_2 without sigmoid derivative": "Delta_2", "Delta_2 derivative at Z_2": "Delta_2",
    "dLdW_3 from U_2": "dLdW_3", "dLdb_3 mean": "dLdb_3", "dLdb_3 over classes": "dLdb_3",
    "dLdW_2 from Delta_3": "dLdW_2", "dLdb_2 unsummed": "dLdb_2", "W_3 ascent": "W_3", "b_3 not updated": "b_3",
    "W_2 without eta": "W_2", "b_2 ascent": "b_2",
}
# ... and more, the silent ones (they train without an exception) first: (line, wrong line, blank, hint text).
TRAINING_MUTANTS = {
    "bias with the wrong sign": ("U_2 = W_2 @ X + b_2", "U_2 = W_2 @ X - b_2", "U_2", "bias"),
    "softmax over the batch axis": ("Z_3 = softmax(U_3)", "Z_3 = softmax(U_3, reduce_axis=1)", "Z_3", "axis"),
    "loss derivative scaled by the batch size": ("Delta_3 = Y - D", "Delta_3 = (Y - D) / batch_size", "Delta_3",
                                                 "batch size"),
    "bias gradient summed over everything": ("dLdb_3 = Delta_3.sum(axis=1, keepdims=True)", "dLdb_3 = Delta_3.sum()",
                                             "dLdb_3", "everything"),
    "update step divided by the batch size": ("W_2 = W_2 - eta * dLdW_2", "W_2 = W_2 - eta * dLdW_2 / batch_size",
                                              "W_2", "batch size"),
    "sigmoid with the wrong sign": ("Z_2 = sigmoid(U_2)", "Z_2 = sigmoid(-U_2)", "Z_2", "sign"),
    "sigma instead of sigma'": ("dsigmoid_du(U_2)", "sigmoid(U_2)", "Delta_2", "sigma (sigmoid) instead"),
    "weight gradient as a mean": ("dLdW_2 = Delta_2 @ X.T", "dLdW_2 = Delta_2 @ X.T / batch_size", "dLdW_2",
                                  "batch size"),
    "second bias with the wrong sign": ("U_3 = W_3 @ Z_2 + b_3", "U_3 = W_3 @ Z_2 - b_3", "U_3", "bias"),
    "D forgotten": ("Delta_3 = Y - D", "Delta_3 = Y", "Delta_3", "D is missing"),
    "bias ascent": ("b_3 = b_3 - eta * dLdb_3", "b_3 = b_3 + eta * dLdb_3", "b_3", "sign"),
    "eta missing": ("W_3 = W_3 - eta * dLdW_3", "W_3 = W_3 - dLdW_3", "W_3", "eta is missing"),
    "bias gradient as a mean": ("dLdb_2 = Delta_2.sum(axis=1, keepdims=True)",
                                "dLdb_2 = Delta_2.mean(axis=1, keepdims=True)", "dLdb_2", "mean"),
    "bias gradient without its column shape": ("dLdb_2 = Delta_2.sum(axis=1, keepdims=True)",
                                               "dLdb_2 = Delta_2.sum(axis=1)", "dLdb_2", "column"),
    "bias gradient over the classes": ("dLdb_3 = Delta_3.sum(axis=1, keepdims=True)",
                                       "dLdb_3 = Delta_3.sum(axis=0, keepdims=True)", "dLdb_3", "axis"),
    "transposed weight gradient": ("dLdW_3 = Delta_3 @ Z_2.T", "dLdW_3 = Z_2 @ Delta_3.T", "dLdW_3", "transposed"),
    "derivative at U_3": ("dsigmoid_du(U_2)", "dsigmoid_du(U_3)", "Delta_2", "raised"),
    "a typo": ("Delta_2 = (W_3.T @ Delta_3)", "Delta_2 = (W_3.T @ Dleta_3)", "Delta_2", "Dleta_3"),
    "product in the wrong order": ("U_2 = W_2 @ X + b_2", "U_2 = X @ W_2 + b_2", "U_2", "raised"),
}


def mutate(source, original, wrong):
    assert original in source, f"the notebook no longer has {original!r}"
    return source.replace(original, wrong, 1)


def test_the_solutions_training_step_passes(capsys):
    check_training(notebook_functions(), source=TRAIN)
    assert "all 14 lines of the step agree with backprop" in capsys.readouterr().out


@pytest.mark.parametrize("mutant", REFERENCE_MUTANTS)
def test_every_reference_mutant_fails_naming_its_blank(mutant):
    original, wrong = REFERENCE_MUTANTS[mutant]
    source = mutate(TRAIN, original, wrong)
    assert_check_fails(lambda: check_training(notebook_functions(), source=source), REFERENCE_MUTANT_BLANKS[mutant])


@pytest.mark.parametrize("mutant", TRAINING_MUTANTS)
def test_more_wrong_training_lines_fail_naming_their_blank_and_the_mistake(mutant):
    original, wrong, blank, hint = TRAINING_MUTANTS[mutant]
    source = mutate(TRAIN, original, wrong)
    assert_check_fails(lambda: check_training(notebook_functions(), source=source), blank, hint)


def test_a_wrong_line_shows_the_table_with_every_tensor_up_to_it():
    with pytest.raises(CheckFailed) as error:
        check_training(notebook_functions(), source=mutate(TRAIN, "* dsigmoid_du(U_2)", ""))
    text = str(error.value)
    rows = [line.split()[0] for line in text.split("\n") if re.match(r"\s+\w+\s+\(", line)]
    assert rows == ["U_2", "Z_2", "U_3", "Z_3", "Delta_3", "Delta_2", "dLdW_3", "dLdb_3", "dLdW_2", "dLdb_2",
                    "W_3", "b_3", "W_2", "b_2"]
    assert "sigma'(U_2) is missing" in text and "掛け忘れ" in text
    assert re.search(r"Delta_3 .* ok\n", text) and re.search(r"Delta_2 .* ✗ .*first wrong line", text)


# Right answers written another way: each must pass.
TRAINING_ALTERNATIVES = [
    ("U_2 = W_2 @ X + b_2", "U_2 = np.dot(W_2, X) + b_2"),
    ("U_2 = W_2 @ X + b_2", "U_2 = W_2.dot(X) + b_2"),
    ("U_2 = W_2 @ X + b_2", "U_2 = np.matmul(W_2, X) + b_2"),
    ("U_2 = W_2 @ X + b_2", "U_2 = b_2 + W_2 @ X_batch.T"),
    ("Z_2 = sigmoid(U_2)", "Z_2 = 1 / (1 + np.exp(-U_2))"),
    ("Z_3 = softmax(U_3)", "Z_3 = softmax(U_3, reduce_axis=0)"),
    ("Delta_3 = Y - D", "Delta_3 = Z_3 - D"),
    ("Delta_3 = Y - D", "Delta_3 = Z_3 - Y_batch.T"),
    ("* dsigmoid_du(U_2)", "* Z_2 * (1 - Z_2)"),
    ("Delta_2 = (W_3.T @ Delta_3) * dsigmoid_du(U_2)", "Delta_2 = dsigmoid_du(U_2) * np.dot(W_3.T, Delta_3)"),
    ("dLdW_3 = Delta_3 @ Z_2.T", "dLdW_3 = np.dot(Delta_3, Z_2.T)"),
    ("dLdW_3 = Delta_3 @ Z_2.T", "dLdW_3 = (Z_2 @ Delta_3.T).T"),
    ("dLdb_3 = Delta_3.sum(axis=1, keepdims=True)", "dLdb_3 = Delta_3.sum(axis=1).reshape(-1, 1)"),
    ("dLdb_3 = Delta_3.sum(axis=1, keepdims=True)", "dLdb_3 = np.sum(Delta_3, axis=1)[:, np.newaxis]"),
    ("dLdb_3 = Delta_3.sum(axis=1, keepdims=True)", "dLdb_3 = Delta_3.sum(axis=1).reshape(10, 1)"),
    ("dLdW_2 = Delta_2 @ X.T", "dLdW_2 = Delta_2 @ X_batch"),
    ("dLdW_2 = Delta_2 @ X.T", "dLdW_2 = np.matmul(Delta_2, X.T)"),
    ("dLdb_2 = Delta_2.sum(axis=1, keepdims=True)", "dLdb_2 = np.sum(Delta_2, axis=1, keepdims=True)"),
    ("dLdb_2 = Delta_2.sum(axis=1, keepdims=True)", "dLdb_2 = Delta_2 @ np.ones((Delta_2.shape[1], 1))"),
    ("W_3 = W_3 - eta * dLdW_3", "W_3 = W_3 + (-eta) * dLdW_3"),
    ("b_2 = b_2 - eta * dLdb_2", "b_2 = b_2 - dLdb_2 * eta"),
]


@pytest.mark.parametrize(("original", "alternative"), TRAINING_ALTERNATIVES)
def test_right_training_lines_written_another_way_pass(original, alternative):
    check_training(notebook_functions(), source=mutate(TRAIN, original, alternative))


def test_the_training_check_finds_the_last_training_cell_run_in_In():
    ns = notebook_functions()
    wrong = mutate(TRAIN, "Delta_3 = Y - D", "Delta_3 = D - Y")
    ns["In"] = ["", TRAIN, "print(1)"]
    check_training(ns)  # the right cell ran last
    ns["In"].append(wrong)
    assert_check_fails(lambda: check_training(ns), "Delta_3")  # now the wrong one did


def test_the_training_check_says_what_to_run_first():
    ns = notebook_functions() | {"In": ["", "x = 1"]}
    with pytest.raises(CheckFailed, match="No training cell has run yet"):
        check_training(ns)
    with pytest.raises(CheckFailed, match="dsigmoid_du is not defined yet"):
        check_training({"softmax": 1, "sigmoid": 1, "In": []})
    blank = TRAIN.replace("Delta_2 = (W_3.T @ Delta_3) * dsigmoid_du(U_2)", "Delta_2 = ### CODE HERE ###")
    with pytest.raises(CheckFailed, match=r"still has blanks, the first: `Delta_2 = ### CODE HERE ###"):
        check_training(notebook_functions(), source=blank)


def test_the_training_check_leaves_the_learners_variables_alone():
    ns = notebook_functions() | {"W_2": "mine", "eta": 0.01}
    check_training(ns, source=TRAIN)
    assert ns["W_2"] == "mine" and ns["eta"] == 0.01


# --------------------------------------------------------------------------------------
# The four functions
# --------------------------------------------------------------------------------------

FUNCTIONS = notebook_cell("functions")
SOFTMAX_RETURN = "\n".join(FUNCTIONS.split("\n")[3:5])  # the return statement, over two lines
assert SOFTMAX_RETURN.startswith("  return (np.exp") and SOFTMAX_RETURN.endswith(".reshape(shp))")
FUNCTION_MUTANTS = {
    "textbook softmax that overflows": (SOFTMAX_RETURN,
                                        "  return np.exp(U) / np.exp(U).sum(axis=reduce_axis).reshape(shp)",
                                        "softmax", "nan"),
    "softmax over the batch axis": (SOFTMAX_RETURN, "  return np.exp(U) / np.exp(U).sum(axis=1, keepdims=True)",
                                    "softmax", "batch"),
    "softmax with a fixed axis": (SOFTMAX_RETURN,
                                  "  return np.exp(U - U.max(axis=0)) / np.exp(U - U.max(axis=0)).sum(axis=0)",
                                  "softmax", "reduce_axis"),
    "softmax not normalised": (SOFTMAX_RETURN, "  return np.exp(U - U.max(axis=reduce_axis).reshape(shp))",
                               "softmax", "division by the sum"),
    "cross-entropy as np.mean": ("return -np.sum(D * np.log(Y))", "return -np.mean(D * np.log(Y))",
                                 "softmax_cross_entropy", "np.mean"),
    "cross-entropy without the minus": ("return -np.sum(D * np.log(Y))", "return np.sum(D * np.log(Y))",
                                        "softmax_cross_entropy", "minus"),
    "cross-entropy as a batch mean": ("return -np.sum(D * np.log(Y))", "return -np.sum(D * np.log(Y)) / D.shape[1]",
                                      "softmax_cross_entropy", "mean over the batch"),
    "cross-entropy per example": ("return -np.sum(D * np.log(Y))", "return -np.sum(D * np.log(Y), axis=0)",
                                  "softmax_cross_entropy", "shape"),
    "sigmoid with the wrong sign": ("return 0.5 * (1 + np.tanh(0.5 * U))", "return 1 / (1 + np.exp(U))",
                                    "sigmoid", "sign"),
    "tanh for the sigmoid": ("return 0.5 * (1 + np.tanh(0.5 * U))", "return np.tanh(U)", "sigmoid", "tanh"),
    "sigma for sigma'": ("return sigmoid(U) * (1 - sigmoid(U))", "return sigmoid(U)", "dsigmoid_du", "sigma itself"),
    "sigma' of U": ("return sigmoid(U) * (1 - sigmoid(U))", "return U * (1 - U)", "dsigmoid_du", "sigmoid(u)"),
    "blank left": ("return sigmoid(U) * (1 - sigmoid(U))", "return", "dsigmoid_du", "not filled yet"),
}


def functions_from(source):
    ns = {"np": np}
    exec(source, ns)
    return ns


@pytest.mark.parametrize("mutant", FUNCTION_MUTANTS)
def test_wrong_functions_fail_naming_the_function_and_the_mistake(mutant):
    original, wrong, blank, hint = FUNCTION_MUTANTS[mutant]
    ns = functions_from(mutate(FUNCTIONS, original, wrong))
    assert_check_fails(lambda: check_functions(ns), blank, hint)


FUNCTION_ALTERNATIVES = [
    (SOFTMAX_RETURN, "  return np.exp(U - U.max(axis=reduce_axis, keepdims=True)) / "
                     "np.exp(U - U.max(axis=reduce_axis, keepdims=True)).sum(axis=reduce_axis, keepdims=True)"),
    (SOFTMAX_RETURN, "  E = np.exp(U - np.max(U, axis=reduce_axis).reshape(shp))\n"
                     "  return E / E.sum(reduce_axis).reshape(shp)"),
    ("return 0.5 * (1 + np.tanh(0.5 * U))", "return 1 / (1 + np.exp(-U))"),
    ("return sigmoid(U) * (1 - sigmoid(U))", "return np.exp(-U) / (1 + np.exp(-U)) ** 2"),
    ("return -np.sum(D * np.log(Y))", "return -(D * np.log(Y)).sum()"),
]


@pytest.mark.parametrize(("original", "alternative"), FUNCTION_ALTERNATIVES)
def test_right_functions_written_another_way_pass(original, alternative, capsys):
    check_functions(functions_from(mutate(FUNCTIONS, original, alternative)))
    assert capsys.readouterr().out.startswith("✓ softmax")


# --------------------------------------------------------------------------------------
# inference and the test-set cell
# --------------------------------------------------------------------------------------

INFERENCE = notebook_cell("inference")
INFERENCE_MUTANTS = {
    "bias with the wrong sign": ("U_2 = W_2 @ X + b_2", "U_2 = W_2 @ X - b_2", "U_2", "bias"),
    "no activation": ("Z_2 = sigmoid(U_2)", "Z_2 = U_2", "Z_2", "activation"),
    "U_3 from U_2": ("U_3 = W_3 @ Z_2 + b_3", "U_3 = W_3 @ U_2 + b_3", "U_3", "U_2"),
    "softmax over the batch": ("Z_3 = softmax(U_3)", "Z_3 = softmax(U_3, reduce_axis=1)", "Z_3", "axis"),
}


def inference_namespace(source):
    ns = notebook_functions() | {"x_dim": 784}
    exec(source, ns)
    return ns


@pytest.mark.parametrize("mutant", INFERENCE_MUTANTS)
def test_wrong_inference_lines_fail_naming_their_blank(mutant):
    original, wrong, blank, hint = INFERENCE_MUTANTS[mutant]
    ns = inference_namespace(mutate(INFERENCE, original, wrong))
    assert_check_fails(lambda: check_inference(ns), blank, hint)


@pytest.mark.parametrize("alternative", ["U_2 = np.dot(W_2, X) + b_2", "U_2 = W_2.dot(X) + b_2"])
def test_right_inference_lines_written_another_way_pass(alternative, capsys):
    ns = inference_namespace(mutate(INFERENCE, "U_2 = W_2 @ X + b_2", alternative))
    check_inference(ns)
    assert capsys.readouterr().out.startswith("✓ inference")
    assert "W_2" not in ns  # the check's own weights are gone again


TEST_CELL = notebook_cell("test-predict")


def namespace_for_test_cell(source):
    rng = np.random.default_rng(5)
    ns = inference_namespace(INFERENCE)
    ns |= {  # in place: inference reads its weights from this dict
        "W_2": rng.normal(size=(16, 784)), "b_2": np.zeros((16, 1)), "W_3": rng.normal(size=(10, 16)),
        "b_3": np.zeros((10, 1)), "X_test": rng.random((200, 784)), "X_valid": rng.random((200, 784)),
        "y_test": rng.integers(0, 10, 200), "y_valid": rng.integers(0, 10, 200)}
    exec("from utils import calculate_accuracy", ns)
    exec(source, ns)
    return ns


@pytest.mark.parametrize(("original", "wrong", "blank", "hint"), [
    ("calculate_accuracy(y_test, y_hat)", "calculate_accuracy(y_valid, y_hat)", "testacc", "y_valid"),
    ("Y_hat = inference(X_test)", "Y_hat = inference(X_valid)", "Y_hat", "X_test"),
    ("calculate_accuracy(y_test, y_hat)", "calculate_accuracy(y_test, y_hat) * 100", "testacc", "calculate_accuracy"),
])
def test_wrong_test_cell_lines_fail_naming_their_blank(original, wrong, blank, hint):
    ns = namespace_for_test_cell(mutate(TEST_CELL, original, wrong))
    assert_check_fails(lambda: check_test(ns), blank, hint)


@pytest.mark.parametrize("alternative", ["calculate_accuracy(y_hat, y_test)", "np.mean(y_hat == y_test)"])
def test_right_test_cell_lines_written_another_way_pass(alternative, capsys):
    check_test(namespace_for_test_cell(mutate(TEST_CELL, "calculate_accuracy(y_test, y_hat)", alternative)))
    assert capsys.readouterr().out.startswith("✓ test")


def test_there_are_enough_cases():
    assert len(TRAINING_MUTANTS) + len(FUNCTION_MUTANTS) + len(INFERENCE_MUTANTS) + 3 >= 15
    assert len(TRAINING_ALTERNATIVES) + len(FUNCTION_ALTERNATIVES) + 2 + 2 >= 20


# --------------------------------------------------------------------------------------
# The handout in a real kernel, as a learner runs it
# --------------------------------------------------------------------------------------

SAMPLE = {"MNIST_DATA_HOME": str(SAMPLE_DIR), "MNIST_MLP_N_TRAIN": "2000", "MNIST_MLP_N_VALID": "500"}


def run_handout(nb, monkeypatch):
    """Run a handout top to bottom; return (the error's cell id, its text) or (None, None)."""
    for key, value in SAMPLE.items():
        monkeypatch.setenv(key, value)
    try:
        NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    except CellExecutionError:
        pass
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                return cell.id, out.ename + ": " + out.evalue + "\n" + "\n".join(out.traceback)
    return None, None


def filled_handout(replace=None):
    """The handout with each blank filled by the solution's line (one of them replaced by a wrong line)."""
    solution, handout = nbformat.read(NOTEBOOK, as_version=4), nbformat.read(EXERCISE, as_version=4)
    lines = {c.id: dict(blank_out(c.source, c.metadata.get("exercise_blanks", []))[1])
             for c in solution.cells if c.cell_type == "code"}
    for cell in handout.cells:
        if cell.cell_type == "code" and cell.metadata.get("exercise_blanks"):
            src = cell.source.split("\n")
            cell.source = "\n".join(lines[cell.id].get(i, line) for i, line in enumerate(src))
            if replace:
                cell.source = cell.source.replace(*replace)
    return handout


def test_the_empty_handout_stops_at_its_first_blank_saying_not_filled_yet(monkeypatch):
    cell, text = run_handout(nbformat.read(EXERCISE, as_version=4), monkeypatch)
    assert cell == "functions"
    assert "softmax (return): line 4, `return ### CODE HERE ###`, is not filled yet" in text
    assert "空欄がまだ埋まっていません" in text and "Traceback" not in text


def test_the_handout_filled_with_the_solutions_lines_runs_clean(monkeypatch):
    nb = filled_handout()
    assert run_handout(nb, monkeypatch) == (None, None)
    out = {c.id: "".join(o.get("text", "") for o in c.outputs) for c in nb.cells if c.cell_type == "code"}
    assert out["train-answer-check"].startswith("✓ training: all 14 lines")
    assert out["test-answer-check"].startswith("✓ test")


def test_a_learners_wrong_line_stops_the_handout_at_the_check_naming_it(monkeypatch):
    nb = filled_handout(("Delta_2 = (W_3.T @ Delta_3) * dsigmoid_du(U_2)", "Delta_2 = W_3.T @ Delta_3"))
    cell, text = run_handout(nb, monkeypatch)
    assert cell == "train-answer-check"
    assert text.startswith("CheckFailed: Delta_2 is wrong")
    assert "sigma'(U_2) is missing" in text and "first wrong line" in text
