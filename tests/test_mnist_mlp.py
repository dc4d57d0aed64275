"""The notebook itself: its filled lines against references, and a headless run on the sample.

The backprop check runs the training loop's own lines (cut from the notebook's training cell) on the tiny float64
problem of checks.py and compares every tensor they make, entry by entry, with checks.reference_step: a forward
pass written out and central differences, independent of the notebook's code. Each mutant in MUTANTS is one
plausible wrong line; the check must catch all of them (tests/test_checks.py runs them through the learners' check).
"""

import json
import re

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from checks import TRAINING_ROWS, reference_forward, reference_step, step_source, tiny_problem
from conftest import NOTEBOOK, ROOT, SAMPLE_DIR, notebook_cell, notebook_functions


def training_step_source():
    return step_source(notebook_cell("train"))


def rel_error(a, b):
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def check_training_step(source):
    """Run one SGD step written as in the notebook; assert every tensor it makes is right. Returns the rows."""
    params, X, D = tiny_problem()
    eta = 0.1
    namespace = notebook_functions() | {name: p.copy() for name, p in params.items()} | {"X": X, "D": D, "eta": eta}
    exec(source, namespace)
    reference = reference_step(params, X, D, eta)
    expected = {name: reference[name] for name in TRAINING_ROWS}

    rows = []
    for name, want in expected.items():
        got = np.asarray(namespace[name])
        assert got.shape == want.shape, f"{name}: shape {got.shape}, expected {want.shape}"
        err = rel_error(got, want)
        rows.append((name, err))
        assert err < 1e-6, f"{name}: max relative error {err:.2e} against the reference"
    return rows


def test_every_filled_line_of_the_training_step_matches_the_reference():
    rows = check_training_step(training_step_source())
    assert [name for name, _ in rows] == [
        "U_2", "Z_2", "U_3", "Z_3", "Delta_3", "Delta_2",
        "dLdW_3", "dLdb_3", "dLdW_2", "dLdb_2", "W_3", "b_3", "W_2", "b_2",
    ]


# One wrong line each: the check above must fail for every one of them.
MUTANTS = {
    "U_2 without bias": ("U_2 = W_2 @ X + b_2", "U_2 = W_2 @ X"),
    "Z_2 = U_2 (no activation)": ("Z_2 = sigmoid(U_2)", "Z_2 = U_2"),
    "U_3 from U_2": ("U_3 = W_3 @ Z_2 + b_3", "U_3 = W_3 @ U_2 + b_3"),
    "Z_3 sigmoid": ("Z_3 = softmax(U_3)", "Z_3 = sigmoid(U_3)"),
    "Delta_3 sign": ("Delta_3 = Y - D", "Delta_3 = D - Y"),
    "Delta_2 without sigmoid derivative": ("Delta_2 = (W_3.T @ Delta_3) * dsigmoid_du(U_2)",
                                           "Delta_2 = W_3.T @ Delta_3"),
    "Delta_2 derivative at Z_2": ("dsigmoid_du(U_2)", "dsigmoid_du(Z_2)"),
    "dLdW_3 from U_2": ("dLdW_3 = Delta_3 @ Z_2.T", "dLdW_3 = Delta_3 @ U_2.T"),
    "dLdb_3 mean": ("dLdb_3 = Delta_3.sum(axis=1, keepdims=True)", "dLdb_3 = Delta_3.mean(axis=1, keepdims=True)"),
    "dLdb_3 over classes": ("dLdb_3 = Delta_3.sum(axis=1, keepdims=True)", "dLdb_3 = Delta_3.sum(axis=0)"),
    "dLdW_2 from Delta_3": ("dLdW_2 = Delta_2 @ X.T", "dLdW_2 = W_3.T @ Delta_3 @ X.T"),
    "dLdb_2 unsummed": ("dLdb_2 = Delta_2.sum(axis=1, keepdims=True)", "dLdb_2 = Delta_2[:, :1]"),
    "W_3 ascent": ("W_3 = W_3 - eta * dLdW_3", "W_3 = W_3 + eta * dLdW_3"),
    "b_3 not updated": ("b_3 = b_3 - eta * dLdb_3", "b_3 = b_3"),
    "W_2 without eta": ("W_2 = W_2 - eta * dLdW_2", "W_2 = W_2 - dLdW_2"),
    "b_2 ascent": ("b_2 = b_2 - eta * dLdb_2", "b_2 = b_2 + eta * dLdb_2"),
}


@pytest.mark.parametrize("mutant", MUTANTS)
def test_the_backprop_check_catches_a_wrong_line(mutant):
    original, wrong = MUTANTS[mutant]
    source = training_step_source()
    assert original in source, f"the notebook no longer has the line {original!r}"
    with pytest.raises((AssertionError, ValueError)):
        check_training_step(source.replace(original, wrong, 1))


# --------------------------------------------------------------------------------------
# The functions cell and the inference cell
# --------------------------------------------------------------------------------------


def test_softmax_matches_the_reference_on_both_axes_and_never_overflows():
    f = notebook_functions()
    U = np.random.default_rng(0).normal(size=(10, 7)) * 50
    expected = np.exp(U - U.max(axis=0)) / np.exp(U - U.max(axis=0)).sum(axis=0)
    np.testing.assert_allclose(f["softmax"](U), expected, rtol=1e-12)
    np.testing.assert_allclose(f["softmax"](U.T, reduce_axis=1), expected.T, rtol=1e-12)
    big = np.array([[1000.0, -1000.0], [0.0, 1000.0]], dtype=np.float32)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        S = f["softmax"](big)
    np.testing.assert_allclose(S.sum(axis=0), 1.0, rtol=1e-6)


def test_cross_entropy_is_the_sum_over_the_batch():
    f = notebook_functions()
    D = np.zeros((10, 100))
    D[4] = 1.0
    Y = np.full((10, 100), 0.1)
    assert f["softmax_cross_entropy"](D, Y) == pytest.approx(-100 * np.log(0.1))
    Y2 = np.full((10, 100), 0.05)
    Y2[4] = 0.55
    assert f["softmax_cross_entropy"](D, Y2) == pytest.approx(-100 * np.log(0.55))


def test_sigmoid_and_its_derivative_match_the_definition_without_overflow():
    f = notebook_functions()
    u = np.linspace(-30, 30, 241)
    np.testing.assert_allclose(f["sigmoid"](u), 1 / (1 + np.exp(-u)), rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(f["dsigmoid_du"](u), np.exp(-u) / (1 + np.exp(-u)) ** 2, rtol=1e-9, atol=1e-15)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = f["sigmoid"](np.array([-1e4, 1e4], dtype=np.float32))
    np.testing.assert_array_equal(s, [0.0, 1.0])


def test_inference_is_the_forward_pass_on_rows():
    rng = np.random.default_rng(3)
    params = {"W_2": rng.normal(size=(5, 7)), "b_2": rng.normal(size=(5, 1)),
              "W_3": rng.normal(size=(4, 5)), "b_3": rng.normal(size=(4, 1))}
    X = rng.random((6, 7))
    namespace = notebook_functions() | params | {"x_dim": 7}
    exec(notebook_cell("inference"), namespace)
    np.testing.assert_allclose(namespace["inference"](X), reference_forward(params, X.T)["Z_3"].T, rtol=1e-12)


def test_the_courses_error_checks_pass():
    namespace = notebook_functions()
    exec(notebook_cell("functions-check"), namespace)  # the seed's assertions, verbatim


SEED = ROOT.parent / "shared" / "seed" / "lecture5_practice_exercise.txt"


@pytest.mark.skipif(not SEED.exists(), reason="the course's seed notebook is not beside this checkout")
def test_the_courses_error_check_cells_are_kept_verbatim():
    seed = SEED.read_text(encoding="utf-8")
    for cell_id in ("functions-check", "inference-check"):
        assert notebook_cell(cell_id) in seed, f"{cell_id} differs from the course's cell"


# --------------------------------------------------------------------------------------
# The whole notebook, headless, on the committed sample of real MNIST
# --------------------------------------------------------------------------------------

# Appended to a copy of the notebook: test and validation accuracy recomputed independently of its code.
REFERENCE_CELL = """
import json
def _reference_accuracy(X, y):
    Z = 1 / (1 + np.exp(-np.clip(W_2 @ X.T.astype(np.float64) + b_2, -500, 500)))
    return float(np.mean((W_3 @ Z + b_3).argmax(axis=0) == y))
print(json.dumps({'valid': _reference_accuracy(X_valid, y_valid), 'test': _reference_accuracy(X_test, y_test),
                  'n_train': len(X_train), 'n_valid': len(X_valid), 'n_test': len(X_test)}))
"""

SAMPLE_ENV = {
    "MNIST_DATA_HOME": str(SAMPLE_DIR),
    "MNIST_MLP_N_TRAIN": "4000",
    "MNIST_MLP_N_VALID": "1000",
    "MNIST_MLP_EXPERIMENT_EPOCHS": "1",  # the "Going further" sections, small
    "MNIST_MLP_BEST_EPOCHS": "2",
    "PYTHONWARNINGS": "error::RuntimeWarning",  # an overflow or a NaN anywhere in the kernel stops the run
}
# Measured on the sample (4,000 / 1,000 / 1,000 digits, the course's settings): test accuracy 0.845.
# The floor catches a network that does not learn (no activation: 0.651); a subtly wrong line such as U_2 without
# b_2 still reaches 0.844, which is why every line is also checked tensor by tensor above.
SAMPLE_TEST_ACCURACY_FLOOR = 0.80


def run_notebook(env):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(REFERENCE_CELL, id="test-reference"))
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    return nb


def printed(nb):
    """Everything the notebook printed, cell by cell."""
    return {c.id: "".join(o.get("text", "") for o in c.outputs if o.output_type == "stream")
            for c in nb.cells if c.cell_type == "code"}


def cell_text(nb, cell_id):
    return printed(nb)[cell_id]


def figures(nb):
    """How many pictures each code cell shows."""
    return {c.id: sum("image/png" in o.get("data", {}) for o in c.outputs) for c in nb.cells if c.cell_type == "code"}


@pytest.fixture(scope="module")
def sample_run():
    return run_notebook(SAMPLE_ENV)


def test_notebook_runs_headless_and_learns_on_the_sample(sample_run):
    reference = json.loads(cell_text(sample_run, "test-reference"))
    assert (reference["n_train"], reference["n_valid"], reference["n_test"]) == (4000, 1000, 1000)
    valid = re.fullmatch(r"Validation accuracy: (0\.\d{4})\n", cell_text(sample_run, "valid-confusion"))
    test = re.fullmatch(r"Test accuracy: (0\.\d{4})\n", cell_text(sample_run, "test-confusion"))
    assert valid and test, "the accuracies must be printed exactly in the course's format"
    assert float(valid.group(1)) == pytest.approx(reference["valid"], abs=5e-5)
    assert float(test.group(1)) == pytest.approx(reference["test"], abs=5e-5)
    assert reference["test"] >= SAMPLE_TEST_ACCURACY_FLOOR


def test_notebook_shows_each_figure_once_and_prints_no_warning(sample_run):
    for cell in sample_run.cells:
        if cell.cell_type != "code":
            continue
        assert not [o for o in cell.outputs if o.output_type == "error"], cell.id
        assert not [o for o in cell.outputs if o.get("name") == "stderr"], f"{cell.id} wrote to stderr"
    shown = figures(sample_run)
    assert shown["train"] == 1  # the live plot, updated in place, and no duplicate after the loop
    assert shown["accuracy-curves"] == 1
    assert shown["valid-confusion"] == shown["test-confusion"] == 1
    assert shown["image-tile"] == 1


def test_going_further_sections_run_and_print_their_results(sample_run):
    rows = cell_text(sample_run, "gradcheck").strip().split("\n")
    assert [row.split()[0] for row in rows[1:]] == ["W_2", "b_2", "W_3", "b_3"]
    assert re.search(r"^Best configuration test accuracy: 0\.\d{4}$", cell_text(sample_run, "best-test"), re.M)
    assert "Regularisation, over 3 epochs" in cell_text(sample_run, "exp-regularization")
    shown = figures(sample_run)
    assert all(shown[f"exp-{name}"] == 1 for name in ("hidden", "activation", "batch", "init", "eta"))
    assert shown["misclassified"] == shown["weights-exercise"] == shown["weights-best"] == 1


def test_long_cells_leave_one_short_progress_line_in_the_saved_notebook(sample_run):
    cells = {c.id: c for c in sample_run.cells}
    for cell_id, line in [("best", r"Best configuration: 2 epochs in \d+\.\d s"),
                          ("exp-hidden", r"Hidden units: 4 epochs in \d+\.\d s"),
                          ("sklearn", r"scikit-learn cross-check: 30 epochs in \d+\.\d s")]:
        bars = [o for o in cells[cell_id].outputs if "text/html" in o.get("data", {})]
        assert len(bars) == 1, cell_id  # one output, updated in place: only its last state is kept
        assert re.fullmatch(line, bars[0]["data"]["text/plain"]), bars[0]["data"]["text/plain"]


def without_times(text):
    return re.sub(r" *\b\d+(\.\d+)? s\b", " <time> s", text)  # every time printed ends in " s"; widths vary


def test_two_runs_print_identical_numbers(sample_run):
    again = run_notebook(SAMPLE_ENV)
    first, second = printed(sample_run), printed(again)
    assert {k: without_times(v) for k, v in first.items()} == {k: without_times(v) for k, v in second.items()}
    assert without_times("took 62 s, 1.5 s") == "took <time> s, <time> s"
    assert without_times("0.91   3.2 s") == without_times("0.91  13.2 s")
    assert "Test accuracy: 0." in printed(again)["test-confusion"]


def test_parameters_cell_is_tagged_for_papermill():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    tagged = [c.id for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert tagged == ["parameters"]


COURSE_VERBATIM_CELLS = ("functions-check", "inference-check")  # the course's assertions, kept as they were


@pytest.mark.parametrize("path", [NOTEBOOK, ROOT / "mnist_mlp_exercise.ipynb"])
def test_the_notebooks_own_lines_fit_in_100_characters(path):
    """A browser at 1400 px shows about 100 characters of code without scrolling."""
    long = [(c.id, line) for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"
            and c.id not in COURSE_VERBATIM_CELLS for line in c.source.split("\n") if len(line) > 100]
    assert long == []
