"""The notebook's softmax, cross-entropy, sigmoid and its derivative on any input from -1e4 to 1e4 (hypothesis).

For float32 and float64, in every shape the notebook uses: results are finite, softmax columns sum to 1, and
no warning is raised (pytest turns every warning into an error, see pyproject.toml).
"""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from helpers import notebook_functions

F = notebook_functions()
# (classes or hidden units, examples): a batch's U_3 and U_2, the error check's U, one example, a validation pass.
SHAPES = [(10, 100), (256, 100), (20, 100), (10, 1), (10, 10000)]
LIMIT = 1e4


@st.composite
def matrices(draw, shapes=tuple(SHAPES)):
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    shape = draw(st.sampled_from(shapes))
    width = 32 if dtype == np.float32 else 64
    elements = st.floats(-LIMIT, LIMIT, width=width, allow_nan=False, allow_infinity=False)
    # a few drawn values, repeated over the array, with the extremes forced in: enough variety, fast to make
    values = draw(arrays(dtype, 16, elements=elements))
    U = np.resize(values, shape).astype(dtype)
    U.flat[draw(st.integers(0, U.size - 1))] = LIMIT
    U.flat[draw(st.integers(0, U.size - 1))] = -LIMIT
    return U


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(matrices(), st.sampled_from([0, 1]))
def test_softmax_is_finite_and_sums_to_one(U, axis):
    S = F["softmax"](U, reduce_axis=axis)
    assert S.shape == U.shape and S.dtype == U.dtype
    assert np.all(np.isfinite(S)) and np.all(S >= 0) and np.all(S <= 1)
    np.testing.assert_allclose(S.sum(axis=axis), 1.0, rtol=1e-5 if U.dtype == np.float32 else 1e-12)


@SETTINGS
@given(matrices(), st.data())
def test_cross_entropy_is_finite_and_non_negative(U, data):
    classes, n = U.shape
    labels = data.draw(arrays(np.int64, n, elements=st.integers(0, classes - 1)))
    D = np.eye(classes, dtype=U.dtype)[:, labels]
    for Y in (F["softmax"](U), (U > 0).astype(U.dtype)):  # a softmax output, and one of hard 0s and 1s
        L = F["softmax_cross_entropy"](D, Y)
        assert L.shape == ()
        assert np.isfinite(L) and L >= 0
        assert L <= n * -np.log(1e-8) * 1.001  # the clip bounds each example's loss by -log(epsilon)


@SETTINGS
@given(matrices())
def test_sigmoid_and_its_derivative_are_finite_and_in_range(U):
    s = F["sigmoid"](U)
    ds = F["dsigmoid_du"](U)
    assert s.dtype == ds.dtype == U.dtype
    assert np.all(np.isfinite(s)) and np.all((s >= 0) & (s <= 1))
    assert np.all(np.isfinite(ds)) and np.all((ds >= 0) & (ds <= 0.25))
    order = np.argsort(U, axis=None)
    assert np.all(np.diff(s.ravel()[order]) >= 0)  # sigmoid is monotone


def test_at_plus_minus_1000_the_results_are_exact_limits():
    u = np.array([[-1000.0], [0.0], [1000.0]])
    np.testing.assert_array_equal(F["softmax"](u).ravel(), [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(F["sigmoid"](u).ravel(), [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(F["dsigmoid_du"](u).ravel(), [0.0, 0.25, 0.0])
    loss = F["softmax_cross_entropy"](np.array([[1.0], [0.0], [0.0]]), F["softmax"](u))
    assert loss == np.float64(-np.log(1e-8))
