"""reference.py: the one relative error, and references that agree with the backprop equations they stand apart from."""

import numpy as np
import pytest

from answer_check import reference


def test_one_relative_error_the_cs231n_form():
    assert reference.rel_error(np.array([1.0, 0.0]), np.array([1.0, 0.0])) == 0.0
    assert reference.rel_error(np.array([1.0, 1e-3]), np.array([1.0, 2e-3])) == pytest.approx(1 / 3)  # entry by entry
    assert reference.rel_error(np.zeros(3), np.full(3, 1e-12)) == pytest.approx(1e-4)  # the floor 1e-8


def test_the_numerical_step_agrees_with_the_backprop_equations():
    """Central differences, computed without the equations, give what the equations give (to 1e-5: the loss sums the
    notebook's batch of 100, so a difference step of 1e-5 leaves up to 1.1e-6 in the smallest entry; the checks'
    tolerance is 1e-3)."""
    params, X, D, r = reference.training_reference()
    Delta_3 = r["Z_3"] - D
    Delta_2 = (params["W_3"].T @ Delta_3) * r["Z_2"] * (1 - r["Z_2"])
    for got, want in ((r["Delta_3"], Delta_3), (r["Delta_2"], Delta_2), (r["dLdW_3"], Delta_3 @ r["Z_2"].T),
                      (r["dLdb_2"], Delta_2.sum(axis=1, keepdims=True)), (r["dLdW_2"], Delta_2 @ X.T)):
        assert reference.rel_error(got, want) < 1e-5
