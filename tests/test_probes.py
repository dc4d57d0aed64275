"""answer_check/probes.py: the four functions, each judged on its probes with the other three right."""

import numpy as np

from answer_check import runlines
from answer_check.probes import judge_functions


def cross_entropy(D, Y):  # the course's loss (a test may hold an answer: tests/ is not in a student's folder)
    return -np.sum(D * np.log(np.clip(Y, 1e-8, 1 - 1e-8)))


def judged(**functions):
    right = {**runlines.right_functions(), "softmax_cross_entropy": cross_entropy}
    return judge_functions(runlines.run_functions({**right, **functions}))


def test_the_right_functions_pass_every_probe():
    verdicts = judged()
    assert all(v.ok for v in verdicts.values()), {k: v.ja for k, v in verdicts.items() if not v.ok}


def test_a_function_is_judged_alone_the_others_held_right():
    def sigmoid(U):
        return np.tanh(U)

    verdicts = judged(sigmoid=sigmoid)
    assert not verdicts["sigmoid"].ok and [v.ok for k, v in verdicts.items() if k != "sigmoid"] == [True] * 3


def test_an_overflow_at_1000_is_said_as_one():
    def sigmoid(U):
        return np.exp(U) / (np.exp(U) + 1)

    with np.errstate(all="ignore"):
        verdict = judged(sigmoid=sigmoid)["sigmoid"]
    assert verdict.mistake == "overflows to nan" and "±1000" in verdict.ja[0]


def test_a_python_float_for_the_loss_is_named():
    def softmax_cross_entropy(D, Y):
        return float(-np.sum(D * np.log(Y)))

    verdict = judged(softmax_cross_entropy=softmax_cross_entropy)["softmax_cross_entropy"]
    assert verdict.mistake == "a Python number, not NumPy's"
