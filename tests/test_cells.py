"""answer_check/cells.py and what it calls (runlines, judge, probes, shapes, slips): every wrong line of
tests/mistakes.py is named at its blank, alone; right lines written another way pass.

First the judging itself, on the cells' sources; then the handout in a real kernel, as a learner meets it: empty,
filled, with a silent wrong line, with lines that crash, and with a blank left in the training cell.
"""

import functools
import re

import nbformat
import numpy as np
import pytest

import nbrun
from answer_check import blanks, judge, runlines
from answer_check.blanks import BLANK_COLUMNS as COLUMNS
from answer_check.cells import CheckFailed, check_functions, check_inference, check_test, check_training
from answer_check.message import blank_message
from helpers import filled_handout, judge_notebook, notebook_cell, notebook_functions
from mistakes import _RIGHT, CONCEPTUAL, RIGHT, SLIPS, STRUCTURAL, WRONG, apply, status
from scripts.make_exercise import EXERCISE

CELLS = {"functions": "functions", "inference": "inference", "training": "train", "test": "test-predict"}


def solution_cells(line=None):
    """The four cells' sources as judge_notebook takes them, one line changed if given."""
    cells = {key: notebook_cell(cell_id) for key, cell_id in CELLS.items()}
    if line:
        key = next(k for k, cell_id in CELLS.items() if cell_id == line.cell)
        cells[key] = apply(cells[key], line)
    return cells


def message(verdict):
    return "\n".join(verdict.ja + verdict.en)


def test_the_solution_is_right_in_every_blank():
    verdicts = judge_notebook(solution_cells())
    assert list(verdicts) == COLUMNS and len(COLUMNS) == 24
    assert {name: v.status for name, v in verdicts.items()} == dict.fromkeys(COLUMNS, "ok")


@pytest.mark.parametrize("name", WRONG)
def test_a_wrong_line_is_named_at_its_blank_and_every_other_blank_stays_right(name):
    line = WRONG[name]
    verdicts = judge_notebook(solution_cells(line))
    wrong = {column: v.status for column, v in verdicts.items() if not v.ok}
    assert list(wrong) == [line.column], message(verdicts[line.column])
    assert wrong[line.column] == status(name)  # a bare `return` is a blank left empty
    text = message(verdicts[line.column])
    assert line.hint in text
    japanese = "\n".join(verdicts[line.column].ja)
    assert re.search(r"[\u3040-\u30ff]", japanese.split("\n")[0]), "the Japanese comes first"
    assert line.ja in japanese, japanese
    assert not line.not_ja or line.not_ja not in japanese, japanese


@pytest.mark.parametrize("name", RIGHT)
def test_a_right_line_written_another_way_passes(name):
    verdicts = judge_notebook(solution_cells(RIGHT[name]))
    assert [column for column, v in verdicts.items() if not v.ok] == []
    call_check(RIGHT[name])()  # and the notebook's own check says nothing against it


SOLUTION_LINES = ("Y - D", "W_3.T @ Delta_3", "Delta_3 @ Z_2.T", "Delta_2 @ X.T", "sum(axis=1", "Δ_3 Z_2", "Δ_2 X")


DERIVED_BLANKS = ("Delta_3", "Delta_2", "dLdW_3", "dLdb_3", "dLdW_2", "dLdb_2")


@pytest.mark.parametrize("name", WRONG)
def test_without_hints_the_same_cause_is_said_and_no_derived_line_is_handed_over(name):
    """The --no-hints release: the same verdict, slip and mistake, its Japanese words, no pointer to a hint, no
    corrected part, and for a delta or a gradient no derived equation or fixed line."""
    line = WRONG[name]
    with_hints = judge_notebook(solution_cells(line))[line.column]
    verdict = judge_notebook(solution_cells(line), hints=False)[line.column]
    assert (verdict.status, verdict.mistake, verdict.slips) == (with_hints.status, with_hints.mistake,
                                                                 with_hints.slips)
    text = message(verdict)
    assert line.ja in "\n".join(verdict.ja) and "で合います" not in text, text
    assert "ヒント" not in text and "hint" not in text, text
    if line.column.split(".")[-1] in DERIVED_BLANKS:
        assert not any(solution in text and solution not in verdict.line for solution in SOLUTION_LINES), text


def test_a_value_no_slip_or_known_mistake_explains_gets_one_honest_sentence_and_no_equation():
    verdict = judge_notebook(solution_cells(WRONG["Delta_3 per-class derivative"]), hints=False)["training.Delta_3"]
    assert verdict.ja[0].startswith("形は合っていますが、値が違います。") and judge.UNEXPLAINED[0] in verdict.ja[0]
    assert verdict.status == "wrong" and verdict.mistake == "another mistake" and len(verdict.ja) == 1
    assert "連鎖律" in verdict.ja[0] and "Δ_3 =" not in verdict.ja[0] and "(i, n)" not in verdict.ja[0]


@pytest.mark.parametrize("name", [n for n in WRONG if n in SLIPS])
def test_the_search_alone_finds_the_slip_in_the_learners_own_line(name):
    """With the known mistakes of blanks.py switched off, the slip search names the cause: its kinds are the ones
    the table says, and the part it quotes is the learner's own text."""
    line = WRONG[name]
    verdict = judge.judge_cells(runlines.run_cells(solution_cells(line)), curated=False)[line.column]
    assert " + ".join(verdict.slips) == SLIPS[name], "\n".join(verdict.ja)
    quoted = re.findall(r"`([^`]+)`", "\n".join(verdict.ja))
    assert any(q.replace(" ", "") in line.written.replace(" ", "") for q in quoted), verdict.ja


@functools.cache
def search_share():
    """(named, total): the wrong lines of WRONG whose cause is named without the table: the search's slips (SLIPS)
    and the causes the judge names without a table (STRUCTURAL); CONCEPTUAL (a derivation, not a slip) count as not
    named."""
    named = []
    for name, line in WRONG.items():
        verdict = judge.judge_cells(runlines.run_cells(solution_cells(line)), curated=False)[line.column]
        text = "\n".join(verdict.ja + verdict.en)
        if name in SLIPS:
            named.append(" + ".join(verdict.slips) == SLIPS[name])
        elif name in STRUCTURAL:
            named.append(line.ja in text and line.hint in text)
        else:
            assert name in CONCEPTUAL, f"{name}: say in tests/mistakes.py what the search must find"
            named.append(False)
    return sum(named), len(named)


def test_the_search_alone_names_the_real_cause_of_at_least_85_percent_of_the_wrong_lines(capsys):
    named, total = search_share()
    with capsys.disabled():
        print(f"\nthe slip search alone names the cause of {named} of {total} wrong lines ({named / total:.0%})")
    assert named / total >= 0.85


def test_every_right_line_written_is_tested_once():
    assert len(RIGHT) == len(_RIGHT), "two right lines share a key: one of them would go untested"
    assert len(set(WRONG)) == len(WRONG)


def test_python_s_own_error_text_comes_after_the_japanese_paragraph():
    with pytest.raises(CheckFailed) as error:
        call_check(WRONG["a typo"])()
    paragraphs = str(error.value).split("\n\n")
    assert "`Dleta_3` は、`Delta_3` の書き間違いのようです" in paragraphs[0] and "NameError" not in paragraphs[0]
    assert any(p.strip() == "(NameError: name 'Dleta_3' is not defined)" for p in paragraphs), paragraphs


# --------------------------------------------------------------------------------------
# The checks the notebook calls: Japanese first, the blank named in the first line
# --------------------------------------------------------------------------------------


def short(column):
    return column.split(".")[-1]


def first_line(error):
    return str(error.value).split("\n")[0]


def call_check(line):
    """The notebook's check of line's cell, as the notebook calls it, with line written in."""
    if line.cell == "train":
        return lambda: check_training({}, source=apply(notebook_cell("train"), line))
    if line.cell == "functions":  # the cell's source as IPython records it (In), as in a notebook
        source = apply(notebook_cell("functions"), line)
        ns = {"np": np, "In": ["", source]}
        exec(source, ns)
        return lambda: check_functions(ns)
    if line.cell == "inference":
        return lambda: check_inference({"inference": None, "In": ["", apply(notebook_cell("inference"), line)]})
    return lambda: check_test({"In": ["", apply(notebook_cell("test-predict"), line)]})


@pytest.mark.parametrize("name", WRONG)
def test_the_notebooks_check_stops_naming_the_blank_in_japanese_then_english(name):
    line = WRONG[name]
    with pytest.raises(CheckFailed) as error:
        call_check(line)()
    text = str(error.value)
    assert re.search(rf"(^|\W){re.escape(short(line.column))}(\W|$)", first_line(error)), text
    assert re.search(r"[\u3040-\u30ff]", first_line(error)), "the first line is Japanese"
    english = text.split("\n\n")[-1]
    assert line.hint in english and not re.search(r"[\u3040-\u30ff]", english), text
    arrows = [row for row in text.split("\n") if "最初に間違っている行" in row]
    assert all(row.split()[0] == short(line.column) for row in arrows), text


def test_a_wrong_line_shows_one_row_per_tensor_in_the_notebooks_shapes():
    with pytest.raises(CheckFailed) as error:
        call_check(WRONG["sigma' forgotten"])()
    text = str(error.value)
    rows = [row.split() for row in text.split("\n") if re.match(r"  \w+ +\(", row)]
    assert [row[0] for row in rows] == blanks.TRAINING_ROWS
    shapes = {row[0]: " ".join(row[1:3]) for row in rows}
    assert shapes["Delta_2"] == "(256, 100)" and shapes["dLdW_2"] == "(256, 784)" and shapes["b_3"] == "(10, 1)"
    assert "`W_3.T @ Delta_3` に σ' を掛け忘れています" in text and "dsigmoid_du(U_2)" not in text.split("\n\n")[0]
    assert re.search(r"Delta_3 .* ○\n", text) and re.search(r"Delta_2 .* ✗ +← 最初に間違っている行", text)
    assert re.search(r"dLdW_3 .* ○\n", text), "a line after the wrong one is judged on right inputs"


@pytest.mark.parametrize("name", ["product in the wrong order", "inference: U_3 crashes", "dLdW_2 transposed"])
def test_a_line_that_crashes_or_misshapes_is_named_with_the_notebooks_shapes(name):
    with pytest.raises(CheckFailed) as error:
        call_check(WRONG[name])()
    text = str(error.value)
    assert not re.search(r"\((5|6|7), ?(5|6|7)\)", text), "no shape of the tiny problem the learner never saw"
    assert re.search(r"784|256|100", text)


DERIVED = [column for column, blank in blanks.BLANKS.items() if not blank.shown]


@pytest.mark.parametrize("column", DERIVED)
def test_a_derived_blank_left_empty_is_named_without_its_answer(column):
    name = short(column)
    solution = notebook_cell("train")
    line = next(text for text in solution.split("\n") if re.match(rf"\s*{name} = ", text)).strip()
    empty = solution.replace(line, f"{name} = ### CODE HERE ###")
    verdict = judge_notebook(solution_cells() | {"training": empty})[column]
    assert verdict.status == "empty" and "ヒント" in message(verdict)
    guard = blank_message(empty.split("\n"))
    for text in (message(verdict), guard):
        assert name in text and "ヒント" in text
        assert line.split("=", 1)[1].split("#")[0].strip() not in text, "the answer is not printed"
        assert blanks.BLANKS[column].equation not in text


def test_the_training_check_finds_the_last_training_cell_run_and_says_what_to_run_first(capsys):
    train = notebook_cell("train")
    wrong = apply(train, WRONG["Delta_3 sign"])
    ns = {"In": ["", train, "print(1)"]}
    check_training(ns)
    assert capsys.readouterr().out.startswith("✓ 学習の14行はすべて正しいです")
    ns["In"].append(wrong)
    with pytest.raises(CheckFailed, match="Delta_3"):
        check_training(ns)
    with pytest.raises(CheckFailed, match="学習のセルがまだ実行されていません"):
        check_training({"In": ["", "x = 1"]})


def test_the_checks_leave_the_learners_variables_alone(capsys):
    ns = notebook_functions() | {"W_2": "mine", "eta": 0.01}
    check_training(ns, source=notebook_cell("train"))
    check_functions(ns)
    assert ns["W_2"] == "mine" and ns["eta"] == 0.01 and ns["sigmoid"].__code__.co_filename == "<string>"


# --------------------------------------------------------------------------------------
# The handout in a real kernel, as a learner runs it
# --------------------------------------------------------------------------------------


def run_handout(nb):
    """Run a handout top to bottom on the sample; return (the executed notebook, the error's cell id, its text)."""
    nb = nbrun.run_notebook(nb, nbrun.SAMPLE, env=nbrun.sample_env())
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                return nb, cell.id, out.ename + ": " + out.evalue + "\n" + "\n".join(out.traceback)
    return nb, None, None


def images(nb, cell_id):
    cell = next(c for c in nb.cells if c.id == cell_id)
    return sum("image/png" in out.get("data", {}) for out in cell.outputs)


@pytest.mark.slow
def test_the_empty_handout_stops_at_its_first_blank_without_the_answer():
    _, cell, text = run_handout(nbformat.read(EXERCISE, as_version=4))
    assert cell == "functions"
    assert "softmax の return の行 (4行目) がまだ埋まっていません" in text and "softmax (return): line 4" in text
    assert "Traceback" not in text and "np.exp" not in text


@pytest.mark.slow
def test_the_handout_filled_with_the_solutions_lines_runs_clean():
    nb, cell, text = run_handout(filled_handout())
    assert cell is None, text
    out = nbrun.cell_printed(nb)
    assert out["train-answer-check"].startswith("✓ 学習の14行はすべて正しいです")
    assert out["functions-answer-check"].startswith("✓") and out["test-answer-check"].startswith("✓")
    assert images(nb, "train") == 1


@pytest.mark.parametrize(("name", "named"), [
    ("sigma' forgotten", "Delta_2 の行が間違っています"),  # silent: it would train to 0.91
    ("dLdb_3 without its column", "dLdb_3 の形が (10,) になっています。正しい形は (10, 1) です"),  # crashed later
    ("dLdW_2 transposed", "dLdW_2 の形が (784, 256) になっています。正しい形は (256, 784) です"),  # at the update
    ("W_2 step / batch size", "W_2 の行が間違っています"),
])
@pytest.mark.slow
def test_a_wrong_step_line_stops_the_training_cell_itself_before_any_epoch(name, named):
    nb, cell, text = run_handout(filled_handout(WRONG[name]))
    assert cell == "train", text
    assert named in text and "Traceback" not in text
    assert images(nb, "train") == 0, "no epoch trained: the live plot never appeared"


@pytest.mark.slow
def test_a_blank_left_in_the_training_cell_is_named_without_its_answer():
    _, cell, text = run_handout(filled_handout(blank="Delta_2"))
    assert cell == "train"
    assert "Delta_2 の行 (36行目) がまだ埋まっていません" in text and "ヒント" in text
    assert "W_3.T" not in text and "dsigmoid_du" not in text and "σ'" not in text


@pytest.mark.slow
def test_a_course_assert_tripped_in_a_cell_of_the_learners_lines_says_its_cause_in_japanese():
    """inference(X_test.T) stops in the test cell itself on the course's bare assert X.shape[0] == x_dim: the
    answer check of that cell says which line and why, above Python's own words."""
    nb, cell, text = run_handout(filled_handout(WRONG["Y_hat: Y_hat = inference(X_test.T)"]))
    assert cell == "test-predict" and "AssertionError" in text
    said = "".join(out.get("text", "") for c in nb.cells if c.get("id") == "test-predict" for out in c.outputs)
    assert "Y_hat の行でエラーが出ました" in said and "`X_test.T` の .T は不要なようです" in said, said


@pytest.mark.slow
def test_a_crash_inside_inference_is_named_at_its_line():
    _, cell, text = run_handout(filled_handout(WRONG["inference: U_3 crashes"]))
    assert cell == "inference-answer-check"
    assert text.split("\n")[0].startswith("CheckFailed: inference の U_3 の行") and "U_2 の行" not in text
