"""Time 10 epochs of the notebook's training against PyTorch CPU and scikit-learn, in one process and one run.

    python -m pip install -r bench/requirements.txt     # torch==2.13.0, for this benchmark only
    python -m bench.bench [--repeats 5]     # from the project's folder; MNIST from the cache (downloaded once)

What is timed, each a median over the repeats, taken in turn so that a noisy machine slows all alike:

- numpy: the notebook's training cell itself, executed from mnist_mlp.ipynb (after the cells before it, the answer
  checks left out) with the live plot off. It includes what the cell does besides SGD: the validation pass after
  each epoch and the batch statistics every 50 batches.
- torch: the same model (784-256-10, sigmoid, softmax cross-entropy summed over the batch), the same initial
  weights (the notebook's init_params, from the same random state), the same batch order (the notebook's shuffle)
  and plain SGD with the same learning rate, the same validation pass after each epoch; autograd does the backward
  pass, as a PyTorch user would write it.
- sklearn: MLPClassifier with the same shape, sigmoid ('logistic'), plain SGD with batches of 100 and the same step
  (its loss is the batch mean, so learning_rate_init = eta * batch_size), 10 epochs. Its own initialisation.
- the notebook's training cell with its live plot, from a run of the notebook up to that cell in a Jupyter kernel
  (nbclient) in each repeat: the cell's time as the kernel reports it.

The last line printed is one JSON object with the numbers.
"""

import argparse
import json
import os
import statistics
import time
import warnings

import nbformat
import numpy as np

import nbrun
from answer_check import contract

ROOT = contract.ROOT
NOTEBOOK = ROOT / "mnist_mlp.ipynb"


def notebook_namespace():
    """Run the notebook's code cells before the training cell (live plot off, injected as nbrun does); return
    their namespace and the training cell's compiled code.

    The answer-check cells (``contract.ANSWER_CHECK_CELLS``) are skipped: they grade a learner's code, which the
    benchmark does not need, and they read the source of the cell they check from IPython's history, which code
    run here by exec does not have. They draw no numbers from np.random, so the training cell starts from the same
    random state as in the notebook. The "## エラーチェック" cells (plain asserts) do run: one of them calls
    init_params, which moves the random state the training cell starts from.
    """
    os.environ.setdefault("MPLBACKEND", "Agg")
    nb = nbrun.inject_parameters(nbformat.read(NOTEBOOK, as_version=4), {"live_plot": False})
    cells = [c for c in nb.cells if c.cell_type == "code" and c.get("id") not in contract.ANSWER_CHECK_CELLS]
    namespace = {"__name__": "__main__"}
    for cell in cells:
        source = "\n".join(line for line in cell.source.split("\n") if not line.startswith("%"))
        if cell.id == "train":
            return namespace, compile(source, "mnist_mlp.ipynb:train", "exec")
        exec(compile(source, f"mnist_mlp.ipynb:{cell.id}", "exec"), namespace)
    raise RuntimeError("the notebook has no cell with id 'train'")


def time_numpy(ns, train_code):
    start = time.perf_counter()
    exec(train_code, ns)
    seconds = time.perf_counter() - start
    predicted = ns["inference"](ns["X_valid"]).argmax(axis=1)
    return seconds, float(np.mean(predicted == ns["y_valid"]))


def time_torch(ns, rng_state):
    import torch

    np.random.set_state(rng_state)  # the state the training cell starts from: same weights, same batch order
    W_2, b_2, W_3, b_3 = ns["init_params"]()
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.Sigmoid(), torch.nn.Linear(256, 10))
    with torch.no_grad():
        for layer, W, b in ((model[0], W_2, b_2), (model[2], W_3, b_3)):
            layer.weight.copy_(torch.from_numpy(W))
            layer.bias.copy_(torch.from_numpy(b[:, 0]))
    X_train, y_train = torch.from_numpy(ns["X_train"]), torch.from_numpy(ns["y_train"])
    X_valid, y_valid = torch.from_numpy(ns["X_valid"]), torch.from_numpy(ns["y_valid"])
    optimizer = torch.optim.SGD(model.parameters(), lr=ns["eta"])
    batch_size, nb_epoch = ns["batch_size"], ns["nb_epoch"]
    data_idx = np.arange(len(X_train))
    start = time.perf_counter()
    for _ in range(nb_epoch):
        np.random.shuffle(data_idx)
        order = torch.from_numpy(data_idx)
        for batch in range(len(X_train) // batch_size):
            idx = order[batch * batch_size:(batch + 1) * batch_size]
            loss = torch.nn.functional.cross_entropy(model(X_train[idx]), y_train[idx], reduction="sum")
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        with torch.no_grad():
            accuracy = float((model(X_valid).argmax(dim=1) == y_valid).float().mean())
    return time.perf_counter() - start, accuracy


def time_sklearn(ns):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    model = MLPClassifier(hidden_layer_sizes=(256,), activation="logistic", solver="sgd", alpha=0.0,
                          batch_size=ns["batch_size"], learning_rate_init=ns["eta"] * ns["batch_size"],
                          momentum=0.0, max_iter=ns["nb_epoch"], shuffle=True, random_state=111, tol=0.0,
                          n_iter_no_change=10**6)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # 10 epochs is the point, not convergence
        model.fit(ns["X_train"], ns["y_train"])
    seconds = time.perf_counter() - start
    return seconds, float(model.score(ns["X_valid"], ns["y_valid"]))


def time_gemm(ns, repeats=300):
    """GFLOP/s of this machine's float32 GEMM in the layer's shape: W_2 (256, 784) @ X (784, 100)."""
    W, X = ns["W_2"], np.ascontiguousarray(ns["X_train"][:100]).T
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        W @ X
        times.append(time.perf_counter() - start)
    return 2 * W.shape[0] * W.shape[1] * X.shape[1] / statistics.median(times) / 1e9


def training_gflop(ns):
    """Matrix-product FLOPs of the training cell: forward, backward (no gradient for X) and validation passes."""
    x_dim, h_dim, nb_classes = ns["x_dim"], ns["h_dim"], ns["nb_classes"]
    forward = 2 * (x_dim * h_dim + h_dim * nb_classes)
    backward = 2 * (x_dim * h_dim + h_dim * nb_classes) + 2 * h_dim * nb_classes  # dLdW_2, dLdW_3, W_3^T Delta_3
    batches = len(ns["X_train"]) // ns["batch_size"] * ns["batch_size"]
    return ns["nb_epoch"] * (batches * (forward + backward) + len(ns["X_valid"]) * forward) / 1e9


def time_train_cell_with_live_plot():
    """Run the notebook up to its training cell in a Jupyter kernel, live plot on; return that cell's seconds."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    ids = [c.get("id") for c in nb.cells]
    nb.cells = nb.cells[: ids.index("train") + 1]  # the sections after it are not what this measures
    nb = nbrun.run_notebook(nb, timeout=900)
    timing = next(c for c in nb.cells if c.get("id") == "train").metadata["execution"]
    start = np.datetime64(timing["iopub.execute_input"].rstrip("Z"))
    end = np.datetime64(timing["shell.execute_reply"].rstrip("Z"))
    return float((end - start) / np.timedelta64(1, "us")) / 1e6


def positive_int(text):
    """argparse type: a whole number of at least 1 (a median needs one run)."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1; got {value}")
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=positive_int, default=5,
                        help="timed runs of each, taken in turn (default 5)")
    args = parser.parse_args()
    if not os.environ.get("MNIST_DATA_HOME"):
        print("MNIST from the cache (~/.cache/mnist_mlp, downloaded there once if missing); "
              "MNIST_DATA_HOME=folder reads folder/mnist.npz instead")
    import torch

    ns, train_code = notebook_namespace()
    rng_state = np.random.get_state()
    print(f"numpy {np.__version__}, torch {torch.__version__} ({torch.get_num_threads()} threads), "
          f"{len(ns['X_train'])} training images; the settings (epochs, batch, eta) are the training cell's")

    runs = {"numpy": [], "torch": [], "sklearn": [], "cell": []}
    accuracy = {}
    for repeat in range(args.repeats):
        np.random.set_state(rng_state)
        seconds, accuracy["numpy"] = time_numpy(ns, train_code)
        runs["numpy"].append(seconds)
        seconds, accuracy["torch"] = time_torch(ns, rng_state)
        runs["torch"].append(seconds)
        seconds, accuracy["sklearn"] = time_sklearn(ns)
        runs["sklearn"].append(seconds)
        runs["cell"].append(time_train_cell_with_live_plot())
        print(f"repeat {repeat + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in runs.items()), flush=True)

    median = {k: statistics.median(v) for k, v in runs.items()}
    gemm = time_gemm(ns)
    gflop = training_gflop(ns)
    result = {
        "numpy_s": round(median["numpy"], 3),
        "torch_s": round(median["torch"], 3),
        "sklearn_s": round(median["sklearn"], 3),
        "ratio_numpy_torch": round(median["numpy"] / median["torch"], 3),
        "ratio_numpy_sklearn": round(median["numpy"] / median["sklearn"], 3),
        "gemm_gflops": round(gemm, 1),
        "numpy_gflops": round(gflop / median["numpy"], 1),
        "training_gflop": round(gflop, 1),
        "gemm_floor_s": round(gflop / gemm, 3),
        "notebook_train_cell_s": round(median["cell"], 3),
        "ratio_train_cell_torch": round(median["cell"] / median["torch"], 3),
        "valid_accuracy": {k: round(v, 4) for k, v in accuracy.items()},
        "repeats": args.repeats,
    }
    print()
    print(f"{'':32s} {'median s':>9s} {'vs numpy':>9s}  validation accuracy")
    for name, label in (("numpy", "NumPy (the notebook's cell)"), ("torch", "PyTorch CPU"),
                        ("sklearn", "scikit-learn MLPClassifier")):
        print(f"{label:32s} {median[name]:9.2f} {median[name] / median['numpy']:8.2f}x  {accuracy[name]:.4f}")
    print(f"{'training cell with live plot':32s} {result['notebook_train_cell_s']:9.2f} "
          f"{result['notebook_train_cell_s'] / median['numpy']:8.2f}x")
    print(f"GEMM (256x784 @ 784x100, float32): {gemm:.0f} GFLOP/s; the notebook's training: {gflop:.0f} GFLOP "
          f"in {median['numpy']:.2f} s = {result['numpy_gflops']:.0f} GFLOP/s "
          f"({result['numpy_gflops'] / gemm:.0%} of GEMM); at the GEMM rate it would take {gflop / gemm:.2f} s")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
