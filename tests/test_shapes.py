"""answer_check/shapes.py: each family of wrong shapes, read from the line and the shapes in scope, never run."""

import pytest

from answer_check.shapes import diagnose

FAMILIES = [  # (blank, the learner's line, what the Japanese must name, the mistake's name)
    ("dLdW_2", "dLdW_2 = np.dot(X, Delta_2.T)", "結果が転置", "transposed product"),
    ("dLdW_2", "dLdW_2 = Delta_2 @ Z_2.T", "Z_2 (256, 100) を使うと", "Z_2: the wrong layer's input"),
    ("dLdW_3", "dLdW_3 = Delta_3 @ X.T", "X (784, 100) を使うと", "X: the wrong layer's input"),
    ("b_3", "b_3 = b_3 - eta * dLdW_3", "dLdW_3 は形 (10, 256) の重みの勾配", "a weight's gradient used for a bias"),
    ("b_2", "b_2 = b_2 - eta * dLdW_2", "dLdW_2 は形 (256, 784) の重みの勾配", "a weight's gradient used for a bias"),
    ("dLdb_3", "dLdb_3 = Delta_3", "足していません", "the sum over the batch left out"),
    ("dLdb_2", "dLdb_2 = Delta_2.sum(axis=0, keepdims=True)", "足す方向が間違っています", "summed over the wrong axis"),
    ("dLdb_3", "dLdb_3 = Delta_3.sum(axis=1)", "列ベクトル", "the column shape lost"),
    ("dLdb_3", "dLdb_3 = Delta_3.sum()", "すべての要素を足しています", "summed over everything"),
    ("Delta_2", "Delta_2 = (W_3 @ Delta_3) * dsigmoid_du(U_2)", "W_3 (10, 256) が転置されていない",
     "W_3 left untransposed"),
    ("U_2", "U_2 = W_2 @ X.T + b_2", "二重に転置", "X transposed twice"),
    ("W_2", "W_2 = W_2 - eta * dLdW_2.T", "dLdW_2 はすでに (256, 784)", "dLdW_2 transposed once too often"),
    ("U_2", "U_2 = X @ W_2 + b_2", "掛ける順番が逆", "factors in the wrong order"),
    ("Delta_2", "Delta_2 = (W_3.T @ Delta_3) * dsigmoid_du(U_3)", "U_3 (10, 100)", "U_3: another layer's tensor"),
]


@pytest.mark.parametrize(("name", "line", "ja", "mistake"), FAMILIES)
def test_each_family_names_its_culprit(name, line, ja, mistake):
    found_ja, found_en, found = diagnose(name, line)
    assert ja in "\n".join(found_ja) and found == mistake and found_en
    assert found_ja[-1].startswith("よくある間違い: "), "one cause: said as the likely mistake"


def test_a_sum_left_out_never_speaks_of_an_axis():
    ja, _, _ = diagnose("dLdb_3", "dLdb_3 = Delta_3")
    assert "軸" not in "\n".join(ja) and "axis" not in "\n".join(ja)


def test_where_no_family_fits_it_says_nothing_and_the_generic_message_stays():
    assert diagnose("dLdW_2", "dLdW_2 = some_function(Delta_2)") == ([], [], "")
    assert diagnose("dLdW_2", "dLdW_2 = (Delta_2 @ X.T") == ([], [], "")
    assert diagnose("U_2", "U_2 = W_2 @ X + b_2", (256, 100))[2] == ""

