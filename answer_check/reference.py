"""The reference maths the answer checks compare a learner's lines with, written out independently of the notebook.

* ``rel_error``: the one relative error of this project (cs231n's gradient checks), used by the checks, the tests and
  the notebook's gradient check.
* ``tiny_problem``: a float64 network small enough to differentiate numerically: 7 pixels, 5 hidden units,
  10 classes, a batch of 6 (all different, so a transposed product cannot pass by accident).
* ``reference_forward`` and ``reference_step``: every tensor of the forward pass and of one SGD step; the gradients
  come from central differences, not from the backprop equations a learner writes.

Nothing here runs a learner's code, imports IPython or keeps a setting.
"""

import dataclasses
import functools

import numpy as np
from scipy import special

from . import course as course_settings
from .contract import WEIGHTS

# The tiny problem's layer widths: input pixels d and hidden units h. Everything else is the notebook's own
# (``course.Course``): its classes k, its mini-batch n, its η, so a literal copied from the notebook means there what
# it means in the notebook. d and h differ from each other and from k and n, so a transposed product cannot pass.
TINY = {"d": 7, "h": 5}
INFERENCE_ROWS = 100  # inference is checked on 100 images, as the course's own check calls it: inference(X_train[:100])
PROBE = {"k": 10, "n": 100}  # the four functions' probes: 10 classes, and 100 examples as the course's own check has


def tiny_sizes(course):
    """The tiny problem's sizes for a course: its layer widths small, its classes, batch and test set the course's."""
    return {**TINY, "k": course.nb_classes, "n": course.batch_size, "t": course.n_test}


def rel_error(a, b):
    """The relative error of cs231n's gradient checks: max over entries of |a - b| / max(1e-8, |a| + |b|)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.size == 0:
        return 0.0
    with np.errstate(all="ignore"):  # inf or nan in a learner's value: nan here, and never a warning they see
        return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


# The activations the reference needs, from SciPy (which scikit-learn installs), never as a blank's line: the
# learner's four functions are checked against these, and these are what a right line's values are computed with.
def sigmoid(u):
    """σ(u), SciPy's logistic function."""
    return special.expit(u)


def dsigmoid(u, h=1e-5):
    """σ'(u) by central differences of SciPy's logistic function, taken at −|u| (σ' is even), where σ is small and
    no digits cancel: relative error about 1e-10 at every u."""
    at = -np.abs(np.asarray(u, dtype=np.float64))
    return (special.expit(at + h) - special.expit(at - h)) / (2 * h)


def softmax(u, axis=0):
    """softmax along ``axis``, SciPy's."""
    return special.softmax(u, axis=axis)


def cross_entropy_of_logits(U, D):
    """The loss the course defines, computed from the logits U (k, n) by SciPy's log-softmax, the one-hot D (k, n)
    picking one log-probability per example."""
    return -float(np.sum(special.log_softmax(U, axis=0)[D.astype(bool)]))


def tiny_problem(course=None, seed=111):
    """Parameters W_2 (h, d), b_2 (h, 1), W_3 (k, h), b_3 (k, 1), a batch X (d, n), one-hot D (k, n); float64."""
    rng = np.random.default_rng(seed)
    sizes = tiny_sizes(course or course_settings.of_notebook())
    d, h, k, n = sizes["d"], sizes["h"], sizes["k"], sizes["n"]
    params = {"W_2": rng.normal(size=(h, d)), "b_2": rng.normal(size=(h, 1)),
              "W_3": rng.normal(size=(k, h)), "b_3": rng.normal(size=(k, 1))}
    if n is None:  # before the training cell has set batch_size: the network alone
        return params, None, None
    X = rng.random((d, n))
    D = np.eye(k)[:, rng.integers(0, k, n)]
    return params, X, D


def notebook_shape(spec, course=None):
    """The shape, in the notebook's sizes, of a spec such as "hd" (256, 784) or "k1" (10, 1) (default: the
    handout's settings)."""
    return (course or course_settings.of_notebook()).shape(spec)


def notebook_zeros(spec, course):
    """Zeros of the notebook's sizes for a shape spec, float32."""
    return np.zeros(course.shape(spec), dtype=np.float32)


def numerical_gradient(f, x, eps=1e-5):
    """Central differences of the scalar f() in every entry of x (changed in place, then restored)."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f()
        x[i] = old - eps
        down = f()
        x[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad


def layer(W, inputs, b):
    """One layer's affine map, as the handout's text writes it for both layers."""
    return np.matmul(W, inputs) + b


def reference_forward(params, X):
    """The forward pass, written out: X (d, n) and its size n, U_2, Z_2, U_3, Z_3, and the old parameters."""
    r = {"X": X, "n": X.shape[1], **{"old_" + k: v for k, v in params.items()}}
    r["U_2"] = layer(params["W_2"], X, params["b_2"])
    r["Z_2"] = sigmoid(r["U_2"])
    r["U_3"] = layer(params["W_3"], r["Z_2"], params["b_3"])
    r["Z_3"] = softmax(r["U_3"])
    return r


def reference_step(params, X, D, eta):
    """Every tensor of one SGD step: the forward pass written out, and the gradients by central differences."""
    p = {name: value.copy() for name, value in params.items()}
    r = {**reference_forward(p, X), "D": D, "eta": eta}
    U_2, U_3 = r["U_2"].copy(), r["U_3"].copy()
    r["Delta_3"] = numerical_gradient(lambda: cross_entropy_of_logits(U_3, D), U_3)
    r["Delta_2"] = numerical_gradient(lambda: cross_entropy_of_logits(layer(p["W_3"], sigmoid(U_2), p["b_3"]), D), U_2)
    for name in WEIGHTS:
        loss = lambda: cross_entropy_of_logits(reference_forward(p, X)["U_3"], D)  # noqa: E731 (used at once)
        r["dLd" + name] = numerical_gradient(loss, p[name])
        r[name] = params[name] - eta * r["dLd" + name]
    return r


@functools.cache
def training_reference(course=None):
    """The tiny problem and every right tensor of one SGD step on it, with the course's η (what the training cell's
    14 lines make). Cached: the same course gives the same arrays, which no caller changes."""
    course = course or course_settings.of_notebook()
    params, X, D = tiny_problem(course)
    return params, X, D, reference_step(params, X, D, course.eta)


def inference_course(course):
    """The course as the inference check sees it: its batch is the INFERENCE_ROWS images inference is called on."""
    return dataclasses.replace(course, batch_size=INFERENCE_ROWS)


def inference_reference(course=None):
    """The tiny network, a batch of INFERENCE_ROWS images one per row (as ``inference`` takes them), and the right
    forward pass."""
    params, _, _ = tiny_problem(course or course_settings.of_notebook())
    X = np.random.default_rng(1).random((INFERENCE_ROWS, TINY["d"]))
    return params, X, {**reference_forward(params, X.T), "X": X.T}


def function_probes():
    """For each of the four functions: [(its arguments, its keyword arguments, the values r of that probe, the right
    value)]. The second softmax probe calls it with ``reduce_axis=1``, as the notebook itself never does."""
    rng = np.random.default_rng(0)
    k, n = PROBE["k"], PROBE["n"]
    U = rng.normal(size=(k, n)) * 3
    D = np.eye(k)[:, U.argmax(axis=0)]  # the right class the likeliest (0.3 to 0.99): a learner's log(Y + 1e-5) passes
    Y = softmax(U)
    L = cross_entropy_of_logits(U, D)  # the right class the likeliest: Y is far from 0 there, no clip changes it
    U2 = rng.normal(size=(k, n)) * 3  # a second loss: one number alone can match a wrong formula by chance
    D2 = np.eye(k)[:, U2.argmax(axis=0)]
    Y2 = softmax(U2)
    L2 = cross_entropy_of_logits(U2, D2)
    u = np.linspace(-30, 30, k * n).reshape(k, n)  # a (10, 6) batch: a .T too many changes the shape
    big = np.array([[1000.0, -1000.0, 0.0], [0.0, 1000.0, 0.0], [-1000.0, 0.0, 1.0]])
    return {
        "softmax": [((U,), {}, {"U": U, "axis": 0}, softmax(U)),
                    ((U.T,), {"reduce_axis": 1}, {"U": U.T, "axis": 1}, softmax(U.T, axis=1)),
                    ((big,), {}, {"U": big, "axis": 0, "big": True}, softmax(big))],
        "softmax_cross_entropy": [((D, Y), {}, {"L": L, "n": n, "k": k}, np.asarray(L)),
                                  ((D2, Y2), {}, {"L": L2, "n": n, "k": k}, np.asarray(L2))],
        # first the values the network meets, then +-1000: a line's mistake is named before its overflow
        "sigmoid": [((u,), {}, {"U": u}, sigmoid(u)), ((big,), {}, {"U": big, "big": True}, sigmoid(big))],
        # sigma'(u) written with exp(-u) may overflow at u = -1000; the notebook's inputs stay far below
        "dsigmoid_du": [((u,), {}, {"U": u}, dsigmoid(u))],
    }


@functools.cache
def test_cell_values(course=None):
    """The test cell's inputs on the tiny network, as many images in each set as the notebook's split has, the names
    the notebook has defined by then (``valacc`` ...), and the right values: one prediction function for every set.
    Cached: a caller copies the first dict before it changes it."""
    course = course or course_settings.of_notebook()
    params, _, _ = tiny_problem(course)
    rng = np.random.default_rng(2)
    rows = {"train": course.n_train, "valid": course.n_valid, "test": course.n_test}
    sets = {f"X_{name}": rng.random((m, TINY["d"])) for name, m in rows.items()}
    labels = {f"y_{name}": rng.integers(0, course.nb_classes, m) for name, m in rows.items()}
    one_hot = {"Y_" + name[2:]: np.eye(course.nb_classes)[y] for name, y in labels.items()}  # Y_test, as the notebook

    def inference(X):
        return reference_forward(params, np.asarray(X).T)["Z_3"].T

    def accuracy(y_true, y_pred):
        return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))

    Y_hat = inference(sets["X_test"])
    valacc = accuracy(labels["y_valid"], inference(sets["X_valid"]).argmax(axis=1))  # the validation cell's
    r = {"Y_hat": Y_hat, "valid_Y_hat": inference(sets["X_valid"]), "train_Y_hat": inference(sets["X_train"]),
         "testacc": np.asarray(accuracy(labels["y_test"], Y_hat.argmax(axis=1))),
         "valid_acc": np.asarray(accuracy(labels["y_valid"], Y_hat.argmax(axis=1)))  # where the sets match in size
         if len(labels["y_valid"]) == len(Y_hat) else None,
         "valacc": np.asarray(valacc), "one_hot_acc": np.asarray(accuracy(one_hot["Y_test"], Y_hat))}
    names = {"np": np, "inference": inference, "calculate_accuracy": accuracy, "valacc": valacc,
             **{name: value for name, value in course.as_dict().items() if value is not None},
             # what the notebook has defined by then, for a learner who writes the forward pass out by hand
             **{name: value.copy() for name, value in params.items()},
             "softmax": lambda U, reduce_axis=0: softmax(U, reduce_axis), "sigmoid": sigmoid, "dsigmoid_du": dsigmoid}
    return {**names, **sets, **labels, **one_hot}, r
