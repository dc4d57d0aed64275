"""runlines.py: a learner's lines run on the tiny problem, recorded as plain data that crosses a process boundary."""

import json

import numpy as np
import pytest

from answer_check import course, reference, runlines
from helpers import notebook_cell


def test_what_the_lines_made_is_plain_json_data():
    cells = {"functions": notebook_cell("functions"), "inference": notebook_cell("inference"),
             "training": notebook_cell("train"), "test": notebook_cell("test-predict")}
    made = runlines.run_cells(cells)
    assert json.loads(json.dumps(made)) == made  # nothing but data: no array, no function, no exception
    row = made["training"]["Delta_2"]
    assert row["notebook"] == {"shape": [256, 100]} and row["raised"] is None and row["lineno"] > 1
    assert runlines.decode(row["value"]).shape == (reference.TINY["h"], course.solution().batch_size)


@pytest.mark.parametrize(("value", "kind"), [(object(), "not numbers"), ("text", "not numbers"),
                                             (1 + 2j, "not numbers"), (None, "none"), (np.zeros(200_000), "too big")])
def test_a_value_that_is_not_an_array_of_numbers_is_recorded_as_what_it_is(value, kind):
    data = runlines.encode(value)
    assert data["kind"] == kind and runlines.decode(data) is None


def test_a_line_that_raises_is_recorded_with_its_error_in_both_sizes():
    step = notebook_cell("train").replace("U_2 = W_2 @ X + b_2", "U_2 = X @ W_2 + b_2")
    row = runlines.run_training(step)["U_2"]
    assert row["raised"][0] == "ValueError" and row["notebook"]["raised"][0] == "ValueError"
    assert "256" in row["notebook"]["raised"][1] and row["value"] is None


def test_a_line_over_its_time_limit_is_stopped_and_recorded():
    slow = "Delta_3 = Y - D if __import__('time').sleep(60) else Y - D"  # 60 s against a limit of 0.5 s
    step = notebook_cell("train").replace("Delta_3 = Y - D", slow)
    row = runlines.run_training(step, seconds=0.5)["Delta_3"]
    assert row["raised"][0] == "LineTimeout"
