"""answer_check/rules.py: the error model. Every kind of edit is tried in RANK's order, and each rule makes its kind:
by a line of tests/mistakes.py the search must name (SLIPS), or by a line here."""

import re

import numpy as np
import pytest

from answer_check import rules, slips, syntax
from mistakes import SLIPS

ENV = {"A": np.arange(6.0).reshape(2, 3) + 1, "B": np.arange(12.0).reshape(3, 4) - 5, "c": np.array([[1.0], [2.0]]),
       "np": np}


def right_when(want):
    return lambda value: np.shape(value) == np.shape(want) and np.allclose(value, want)


def test_the_order_names_each_kind_once_and_the_kinds_left_out_of_pairs_are_kinds():
    assert len(set(rules.RANK)) == len(rules.RANK)
    assert set(rules.NOT_IN_PAIRS) <= set(rules.RANK)
    assert rules.RANK == tuple(each.kind for each in rules.RULES)


def test_a_rule_holds_its_words_and_a_rule_without_words_cannot_be_made():
    slip = syntax.Slip("sign", "U_2", "-U_2")
    for each in rules.RULES:
        assert callable(each.words) and each.words is not None
    sign = next(each for each in rules.RULES if each.kind == "sign")
    ja, en = sign.words(slip)
    assert "`U_2` の符号が逆です" in ja and "sign" in en
    with pytest.raises(KeyError, match=re.escape("add a row `a new kind | ja | en` to SLIP_WORDS in answer_check/")):
        rules.Rule("a new kind", lambda rules_, node, part: iter(()))


# The kinds no line of tests/mistakes.py makes yet, each on a line of its own.
ONE_EACH = {
    "index": ("Z = A.shape[1] * c", (ENV["A"].shape[0] * ENV["c"]), ()),
    "slice extra": ("Z = A @ B + c[:1]", None, ()),
    "function extra": ("Z = np.exp(A @ B) + c", ENV["A"] @ ENV["B"] + ENV["c"], ()),
    "extra constant": ("Z = np.log(1 - A)", np.log(ENV["A"]), ()),
    "order transposed": ("Z = B.T @ A.T", ENV["A"] @ ENV["B"], ()),
    "flattened": ("Z = A @ B + c.ravel()", None, ()),
}


def test_numpys_operator_calls_are_read_as_operators_and_quoted_as_written():
    found = slips.search("Z = np.multiply(A, B) + c", ENV, "Z", right_when(ENV["A"] @ ENV["B"] + ENV["c"]))
    assert found and found[0].kind == "operator" and found[0].part == "np.multiply(A, B)"
    found = slips.search("Z = np.dot(B.T, A.T)", ENV, "Z", right_when(ENV["A"] @ ENV["B"]))
    assert found and found[0].kind == "order transposed" and found[0].part == "np.dot(B.T, A.T)"


@pytest.mark.parametrize("kind", sorted(ONE_EACH))
def test_a_kind_no_table_line_makes_is_found_on_a_line_of_its_own(kind):
    line, want, vocabulary = ONE_EACH[kind]
    if want is None:
        want = ENV["A"] @ ENV["B"] + ENV["c"]
    found = slips.search(line, ENV, "Z", right_when(want), vocabulary=vocabulary)
    assert found is not None and [slip.kind for slip in found] == [kind], found


def test_every_kind_is_made_by_a_line_of_the_tables_or_of_this_file():
    made = {kind for kinds in SLIPS.values() for kind in kinds.split(" + ")} | set(ONE_EACH)
    assert set(rules.RANK) - made == set(), \
        "kinds no line makes: add a learner's line that makes it to WRONG and SLIPS in tests/mistakes.py"


def test_np_add_reduce_is_read_as_a_sum():
    want = (ENV["A"] @ ENV["B"]).sum(axis=1, keepdims=True)
    found = slips.search("Z = np.add.reduce(A @ B, axis=0, keepdims=True)", ENV, "Z", right_when(want))
    assert found and found[0].kind == "axis" and found[0].part.startswith("np.add.reduce(")


def test_a_number_put_in_that_does_not_matter_is_no_evidence():
    """tanh(c + 100) is 1 like tanh(c + 137): the literal 3 is not the batch size; the factor one too many is."""
    want = ENV["A"] @ ENV["B"]
    found = slips.search("Z = (A @ B) * np.tanh(c + 3)", ENV, "Z", right_when(want), literals={"batch_size": 100})
    assert found and [s.kind for s in found] == ["extra factor"], found
    found = slips.search("Z = (A @ B) * 0.1", ENV, "Z", right_when(want * 0.01), literals={"eta": 0.01})
    assert found and [s.kind for s in found] == ["literal"], found  # a literal that matters is still one
