"""judge.py: verdicts from what the lines made, with no learner code run; whether the handout has hints is an
argument."""


import judge
import runlines
from blanks import COLUMNS
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
