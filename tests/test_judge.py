"""judge.py: verdicts from what the lines made, with no learner code run; whether the handout has hints is an
argument."""

import numpy as np

from answer_check import judge, reference, runlines
from answer_check.blanks import BLANK_COLUMNS as COLUMNS
from helpers import notebook_cell


def made_with(blank):
    step = notebook_cell("train")
    line = next(text for text in step.split("\n") if text.strip().startswith(f"{blank} = "))
    return runlines.run_training(step.replace(line, line.split("=")[0] + "= ### CODE HERE ###"))


def test_the_hint_style_is_an_argument_not_a_setting():
    made = made_with("Delta_2")
    with_hints = judge.judge_training(made, hints=True)["Delta_2"]
    without = judge.judge_training(made, hints=False)["Delta_2"]
    assert with_hints.status == without.status == "empty"
    assert "ヒント" in with_hints.ja[1] and "連鎖律" in without.ja[1] and "ヒント" not in without.ja[1]


def test_forged_data_is_judged_as_numbers_not_believed():
    made = runlines.run_training(notebook_cell("train"))
    made["Delta_2"]["value"] = {"dtype": "float64", "shape": [5, 6], "data": [0.0] * 30}  # a forged record
    assert judge.judge_training(made)["Delta_2"].status == "wrong"
    made["Delta_2"]["value"] = {"kind": "empty"}
    assert judge.judge_training(made)["Delta_2"].status == "empty"


def test_a_cell_that_is_missing_makes_every_blank_of_it_an_error_and_says_so():
    verdicts = judge.judge_cells({"functions": None, "inference": None, "training": None, "test": None})
    assert list(verdicts) == COLUMNS and {v.status for v in verdicts.values()} == {"error"}
    assert all(v.mistake == "cell missing" for v in verdicts.values())


def right_made(name="W_3"):
    return runlines.run_training(notebook_cell("train"))[name]


def test_a_value_is_right_under_the_tolerance_and_wrong_over_it():
    right = reference.training_reference()[3]
    made = right_made("dLdW_3")
    value = np.asarray(right["dLdW_3"]) * (1 + 0.5 * judge.TOLERANCE)  # a float32-sized slip: still right
    made["value"] = runlines.encode(value)
    assert judge.judge_row("dLdW_3", made, right).status == "ok"
    made["value"] = runlines.encode(np.asarray(right["dLdW_3"]) * (1 + 4 * judge.TOLERANCE))
    verdict = judge.judge_row("dLdW_3", made, right)
    assert verdict.status == "wrong" and verdict.ja[0].startswith("形は合っていますが、値が違います。")


def test_an_update_is_judged_by_the_step_it_takes():
    right = reference.training_reference()[3]
    made = right_made("W_3")
    twice = right["old_W_3"] - right["eta"] ** 2 * right["dLdW_3"]  # close to W_3, far from its step
    made["value"], made["line"] = runlines.encode(twice), "W_3 = W_3 - eta * eta * dLdW_3"
    verdict = judge.judge_row("W_3", made, right)
    assert verdict.status == "wrong" and "2回" in " ".join(verdict.ja) and verdict.error > 0.5


def test_a_line_that_computes_a_blank_but_keeps_it_nowhere_is_said_first():
    step = notebook_cell("train").replace("    Delta_2 = (W_3.T @ Delta_3) * dsigmoid_du(U_2)",
                                          "    Delta_2 = W_3.T @ Delta_3\n    Delta_2 * dsigmoid_du(U_2)")
    verdict = judge.judge_training(runlines.run_training(step))["Delta_2"]
    assert verdict.status == "wrong" and "どこにも代入していません" in verdict.ja[0]
