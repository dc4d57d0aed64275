"""repair.py: the slip search reads the learner's line without running it, and stops at its budget."""

import ast
import tracemalloc

import numpy as np
import pytest

import repair


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
    slips = repair.search(line, ENV, "Z", right_when(want), vocabulary=("c",))
    assert slips is not None and slips[0].kind == kind and slips[0].part in line


def test_the_interpreter_runs_nothing_outside_its_list():
    for text in ("__import__('os').system('true')", "open('/etc/passwd')", "A.__class__", "np.load('x')",
                 "(lambda: 1)()", "'a' * 10"):
        with pytest.raises(repair.Unsupported):
            repair.evaluate(ast.parse(text, mode="eval").body, {**ENV, "np": np})


def test_a_huge_value_is_refused_before_it_is_made():
    with pytest.raises(repair.Unsupported):
        repair.evaluate(ast.parse("np.ones((100000, 100000))", mode="eval").body, {})


def test_a_line_no_edit_fixes_spends_at_most_its_budget_and_finds_nothing():
    budget = repair.Budget(500)
    assert repair.search("Z = np.exp(A) @ B ** 3", ENV, "Z", lambda value: False, budget=budget) is None
    assert budget.left <= 0 and budget.left > -2


def test_a_line_that_is_already_right_has_no_slip():
    assert repair.search("Z = A @ B + c", ENV, "Z", right_when(ENV["A"] @ ENV["B"] + ENV["c"])) is None


def test_a_line_cannot_write_into_the_arrays_it_is_given():
    right = np.arange(6.0)
    env = {"D": right}
    for text in ("np.multiply(D, 0, out=D)", "np.add(D, 1, where=D > 0)"):
        with pytest.raises(repair.Unsupported):
            repair.evaluate(ast.parse(text, mode="eval").body, {**env, "np": np})
    repair.search("Z = np.multiply(D, 0, out=D) + D", env, "Z", lambda value: False)
    assert right.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]


@pytest.mark.parametrize("text", ["np.tile(np.ones(999999), 20)", "np.ones(40000)[:, np.newaxis] * np.ones(40000)",
                                  "np.outer(np.ones(40000), np.ones(40000))", "np.eye(50000)",
                                  "np.ones((3000, 3000)) @ np.ones((3000, 3000))", "np.repeat(np.ones(1000), 10000)"])
def test_a_value_too_big_or_a_product_too_long_is_refused_before_it_is_made(text):
    tracemalloc.start()
    try:
        with pytest.raises(repair.Unsupported):
            repair.evaluate(ast.parse(text, mode="eval").body, {"np": np})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50 * 2**20, peak  # at most the operands (8 MB each), never the result

