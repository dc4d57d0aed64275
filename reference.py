"""The reference maths the answer checks compare a learner's lines with, written out independently of the notebook.

* ``rel_error``: the one relative error of this project (cs231n's gradient checks), used by the checks, the tests and
  the notebook's gradient check.
* ``tiny_problem``: a float64 network small enough to differentiate numerically: 7 pixels, 5 hidden units,
  10 classes, a batch of 6 (all different, so a transposed product cannot pass by accident).
* ``reference_forward`` and ``reference_step``: every tensor of the forward pass and of one SGD step; the gradients
  come from central differences, not from the backprop equations a learner writes.

Nothing here runs a learner's code, imports IPython or keeps a setting.
"""

import numpy as np

# Sizes of the tiny check problem and the notebook's sizes they stand for: input pixels d, hidden units h,
# classes k, batch n.
TINY = {"d": 7, "h": 5, "k": 10, "n": 6, "t": 40}
NOTEBOOK = {"d": 784, "h": 256, "k": 10, "n": 100, "t": 10000}  # t: the test set, for the test-set cell
ETA = 0.1  # the tiny problem's learning rate


def rel_error(a, b):
    """The relative error of cs231n's gradient checks: max over entries of |a - b| / max(1e-8, |a| + |b|)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.size == 0:
        return 0.0
    with np.errstate(all="ignore"):  # inf or nan in a learner's value: nan here, and never a warning they see
        return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def sigmoid(u):
    """σ(u) = 1 / (1 + exp(−u)), written with tanh so that it never overflows."""
    return 0.5 * (1 + np.tanh(0.5 * u))


def dsigmoid(u):
    """σ'(u) = σ(u) (1 − σ(u))."""
    return sigmoid(u) * (1 - sigmoid(u))


def softmax(u, axis=0):
    """softmax along ``axis``, the maximum subtracted first."""
    e = np.exp(u - u.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def tiny_problem(seed=111):
    """Parameters W_2 (5, 7), b_2 (5, 1), W_3 (10, 5), b_3 (10, 1), a batch X (7, 6), one-hot D (10, 6); float64."""
    rng = np.random.default_rng(seed)
    d, h, k, n = TINY["d"], TINY["h"], TINY["k"], TINY["n"]
    params = {"W_2": rng.normal(size=(h, d)), "b_2": rng.normal(size=(h, 1)),
              "W_3": rng.normal(size=(k, h)), "b_3": rng.normal(size=(k, 1))}
    X = rng.random((d, n))
    D = np.eye(k)[:, rng.integers(0, k, n)]
    return params, X, D


def notebook_shape(spec):
    """The shape, in the notebook's sizes, of a spec such as "hd" (256, 784) or "k1" (10, 1)."""
    return tuple(NOTEBOOK.get(c, 1) for c in spec)


def notebook_zeros(spec):
    """Zeros of the notebook's sizes for a shape spec, float32."""
    return np.zeros(notebook_shape(spec), dtype=np.float32)


def shape_in_notebook(spec):
    """A shape spec written out in the notebook's sizes: "hn" -> "(256, 100)"."""
    return str(notebook_shape(spec))


def _loss_from_U3(U_3, D):
    shifted = U_3 - U_3.max(axis=0)
    return -np.sum(D * (shifted - np.log(np.exp(shifted).sum(axis=0))))


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


def reference_forward(params, X):
    """The forward pass, written out: X (d, n) and its size n, U_2, Z_2, U_3, Z_3, and the old parameters."""
    r = {"X": X, "n": X.shape[1], **{"old_" + k: v for k, v in params.items()}}
    r["U_2"] = params["W_2"] @ X + params["b_2"]
    r["Z_2"] = 1 / (1 + np.exp(-r["U_2"]))
    r["U_3"] = params["W_3"] @ r["Z_2"] + params["b_3"]
    r["Z_3"] = softmax(r["U_3"])
    return r


def reference_step(params, X, D, eta):
    """Every tensor of one SGD step: the forward pass written out, and the gradients by central differences."""
    p = {name: value.copy() for name, value in params.items()}
    r = {**reference_forward(p, X), "D": D, "eta": eta}
    U_2, U_3 = r["U_2"].copy(), r["U_3"].copy()
    r["Delta_3"] = numerical_gradient(lambda: _loss_from_U3(U_3, D), U_3)
    r["Delta_2"] = numerical_gradient(lambda: _loss_from_U3(p["W_3"] @ (1 / (1 + np.exp(-U_2))) + p["b_3"], D), U_2)
    for name in ("W_3", "b_3", "W_2", "b_2"):
        r["dLd" + name] = numerical_gradient(lambda: _loss_from_U3(reference_forward(p, X)["U_3"], D), p[name])
        r[name] = params[name] - eta * r["dLd" + name]
    return r


def training_reference():
    """The tiny problem and every right tensor of one SGD step on it (what the training cell's 14 lines make)."""
    params, X, D = tiny_problem()
    return params, X, D, reference_step(params, X, D, ETA)


def inference_reference():
    """The tiny network, a batch of 6 images one per row (as ``inference`` takes them), and the right forward pass."""
    params, _, _ = tiny_problem()
    X = np.random.default_rng(1).random((TINY["n"], TINY["d"]))
    return params, X, {**reference_forward(params, X.T), "X": X.T}


def function_probes():
    """For each of the four functions: [(its arguments, its keyword arguments, the values r of that probe, the right
    value)]. The second softmax probe calls it with ``reduce_axis=1``, as the notebook itself never does."""
    rng = np.random.default_rng(0)
    k, n = TINY["k"], TINY["n"]
    U = rng.normal(size=(k, n)) * 3
    D = np.eye(k)[:, U.argmax(axis=0)]  # the right class the likeliest (0.3 to 0.99): a learner's log(Y + 1e-5) passes
    Y = softmax(U)
    L = -np.sum(D * np.log(np.clip(Y, 1e-8, 1 - 1e-8)))
    u = np.linspace(-30, 30, k * n).reshape(k, n)  # a (10, 6) batch: a .T too many changes the shape
    big = np.array([[1000.0, -1000.0, 0.0], [0.0, 1000.0, 0.0], [-1000.0, 0.0, 1.0]])
    return {
        "softmax": [((U,), {}, {"U": U, "axis": 0}, softmax(U)),
                    ((U.T,), {"reduce_axis": 1}, {"U": U.T, "axis": 1}, softmax(U.T, axis=1)),
                    ((big,), {}, {"U": big, "axis": 0, "big": True}, softmax(big))],
        "softmax_cross_entropy": [((D, Y), {}, {"L": L, "n": n, "k": k}, np.asarray(L))],
        # first the values the network meets, then +-1000: a line's mistake is named before its overflow
        "sigmoid": [((u,), {}, {"U": u}, sigmoid(u)), ((big,), {}, {"U": big, "big": True}, sigmoid(big))],
        # sigma'(u) written with exp(-u) may overflow at u = -1000; the notebook's inputs stay far below
        "dsigmoid_du": [((u,), {}, {"U": u}, dsigmoid(u))],
    }


def test_cell_values():
    """The test cell's inputs on the tiny network, and its right values: one prediction function for every set."""
    params, _, _ = tiny_problem()
    rng = np.random.default_rng(2)
    m = TINY["t"]
    sets = {name: rng.random((m, TINY["d"])) for name in ("X_train", "X_valid", "X_test")}
    labels = {name: rng.integers(0, TINY["k"], m) for name in ("y_train", "y_valid", "y_test")}
    one_hot = {"Y_" + name[2:]: np.eye(TINY["k"])[y] for name, y in labels.items()}  # Y_test ..., as the notebook

    def inference(X):
        return reference_forward(params, np.asarray(X).T)["Z_3"].T

    def accuracy(y_true, y_pred):
        return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))

    Y_hat = inference(sets["X_test"])
    r = {"Y_hat": Y_hat, "valid_Y_hat": inference(sets["X_valid"]), "train_Y_hat": inference(sets["X_train"]),
         "testacc": np.asarray(accuracy(labels["y_test"], Y_hat.argmax(axis=1))),
         "valid_acc": np.asarray(accuracy(labels["y_valid"], Y_hat.argmax(axis=1))),
         "one_hot_acc": np.asarray(accuracy(one_hot["Y_test"], Y_hat))}
    return {"np": np, "inference": inference, "calculate_accuracy": accuracy, **sets, **labels, **one_hot}, r


def accuracy_of_weights(weights, X_test, y_test):
    """The test accuracy of trained weights (W_2, b_2, W_3, b_3): the course's forward pass, in the notebook's float32
    and with the solution's own expressions, so a right notebook's printed ``Test accuracy`` is met exactly."""
    W_2, b_2, W_3, b_3 = (np.asarray(weights[name], dtype=np.float32) for name in ("W_2", "b_2", "W_3", "b_3"))
    X = np.asarray(X_test, dtype=np.float32).T
    with np.errstate(all="ignore"):
        U_2 = W_2 @ X + b_2
        Z_2 = sigmoid(U_2)
        U_3 = W_3 @ Z_2 + b_3
        Z_3 = softmax(U_3)
    return float(np.mean(Z_3.T.argmax(axis=1) == np.asarray(y_test)))
