"""slips.py: the slip search finds one edit of the learner's own line, and stops at its budget."""


import numpy as np
import pytest

from answer_check import slips


def right_when(want):
    return lambda value: np.shape(value) == np.shape(want) and np.allclose(value, want)


ENV = {"A": np.arange(6.0).reshape(2, 3) + 1, "B": np.arange(12.0).reshape(3, 4) - 5, "c": np.ones((2, 1))}


@pytest.mark.parametrize(("line", "kind"), [
    ("Z = A * B + c", "operator"),        # * for @
    ("Z = A @ B.T.T.T + c", "transpose extra"),
    ("Z = A @ B - c", "operator"),         # - for +
    ("Z = -(A @ B) + c", "sign"),
    ("Z = A @ B + c * 2", "extra factor"),
    ("Z = A @ B", "missing term"),
])
def test_one_edit_of_the_learners_line_is_found_and_named(line, kind):
    want = ENV["A"] @ ENV["B"] + ENV["c"]
    found = slips.search(line, ENV, "Z", right_when(want), vocabulary=("c",))
    assert found is not None and found[0].kind == kind and found[0].part in line


def test_a_line_no_edit_fixes_spends_at_most_its_budget_and_finds_nothing():
    budget = slips.Budget(500)
    assert slips.search("Z = np.exp(A) @ B ** 3", ENV, "Z", lambda value: False, budget=budget) is None
    assert budget.left <= 0 and budget.left > -2


def test_a_line_that_is_already_right_has_no_slip():
    assert slips.search("Z = A @ B + c", ENV, "Z", right_when(ENV["A"] @ ENV["B"] + ENV["c"])) is None
