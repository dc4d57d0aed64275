"""interpret.py: the slip search's interpreter runs nothing outside its list, writes into nothing, and refuses a value
too big before it is made."""

import ast
import tracemalloc

import numpy as np
import pytest

from answer_check import interpret, slips


def right_when(want):
    return lambda value: np.shape(value) == np.shape(want) and np.allclose(value, want)


ENV = {"A": np.arange(6.0).reshape(2, 3) + 1, "B": np.arange(12.0).reshape(3, 4) - 5, "c": np.ones((2, 1))}


def test_the_interpreter_runs_nothing_outside_its_list():
    for text in ("__import__('os').system('true')", "open('/etc/passwd')", "A.__class__", "np.load('x')",
                 "(lambda: 1)()", "'a' * 10"):
        with pytest.raises(interpret.Unsupported):
            interpret.evaluate(ast.parse(text, mode="eval").body, {**ENV, "np": np})


def test_a_huge_value_is_refused_before_it_is_made():
    with pytest.raises(interpret.Unsupported):
        interpret.evaluate(ast.parse("np.ones((100000, 100000))", mode="eval").body, {})


def test_a_line_cannot_write_into_the_arrays_it_is_given():
    right = np.arange(6.0)
    env = {"D": right}
    for text in ("np.multiply(D, 0, out=D)", "np.add(D, 1, where=D > 0)"):
        with pytest.raises(interpret.Unsupported):
            interpret.evaluate(ast.parse(text, mode="eval").body, {**env, "np": np})
    slips.search("Z = np.multiply(D, 0, out=D) + D", env, "Z", lambda value: False)
    assert right.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]


@pytest.mark.parametrize("text", ["np.tile(np.ones(999999), 20)", "np.ones(40000)[:, np.newaxis] * np.ones(40000)",
                                  "np.outer(np.ones(40000), np.ones(40000))", "np.eye(50000)",
                                  "np.ones((3000, 3000)) @ np.ones((3000, 3000))", "np.repeat(np.ones(1000), 10000)"])
def test_a_value_too_big_or_a_product_too_long_is_refused_before_it_is_made(text):
    tracemalloc.start()
    try:
        with pytest.raises(interpret.Unsupported):
            interpret.evaluate(ast.parse(text, mode="eval").body, {"np": np})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50 * 2**20, peak  # at most the operands (8 MB each), never the result



def test_a_loop_that_fills_a_column_at_a_time_runs_and_writes_only_into_its_own_copy():
    env = {**ENV, "np": np}
    block = ast.parse("Z = A.copy()\nfor n in range(A.shape[1]):\n  Z[:, n] = A[:, n] * 2\n  Z[0, n] += 1").body
    want = ENV["A"] * 2
    want[0] += 1
    assert np.array_equal(interpret.run_block(block, env, "Z"), want)
    assert np.array_equal(env["A"], np.arange(6.0).reshape(2, 3) + 1)  # the scope's A untouched
    written = ast.parse("for n in range(3):\n  A[:, n] = 0").body  # into a name of the scope: a copy is written
    assert np.array_equal(interpret.run_block(written, env, "A"), np.zeros((2, 3)))
    assert env["A"].sum() == 21


def test_a_loop_is_bounded_in_steps_and_its_range_in_length():
    env = {**ENV, "np": np}
    for text in ("for n in range(10**9):\n  Z = A", "for n in range(200):\n  for m in range(200):\n    Z = A",
                 "for n in range(2.5):\n  Z = A"):
        with pytest.raises(interpret.Unsupported):
            interpret.run_block(ast.parse(text).body, env, "Z")


def test_fancy_indexing_and_an_index_assignment_are_refused_before_they_are_made():
    env = {"A": np.zeros((5, 1000)), "I": np.zeros((1000, 1000), dtype=np.int64), "np": np}
    for text in ("A[I]", "A[:, I]", "np.arange(10**12)"):
        with pytest.raises(interpret.Unsupported):
            interpret.evaluate(ast.parse(text, mode="eval").body, env)
    assert interpret.evaluate(ast.parse("A[0, I[:2, :3]]", mode="eval").body, env).shape == (2, 3)


def test_the_search_mends_a_slip_inside_a_loop_and_quotes_it():
    line = "Z = np.zeros((2, 4))\nfor n in range(4):\n  Z[:, n] = A @ B[:, n] - c[:, 0]"
    found = slips.search(line, ENV, "Z", right_when(ENV["A"] @ ENV["B"] + ENV["c"]))
    assert found and [s.kind for s in found] == ["operator"] and found[0].part == "A @ B[:, n] - c[:, 0]"
