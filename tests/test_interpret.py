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

