"""The grader's core: one submission graded (``grade_one``), a class graded (``grade_class``). The command line
(``grading/__main__.py``) and the Gradescope autograder (``grading/gradescope.py``) both call it.

Each notebook runs in its own box (``sandbox.py``: bubblewrap, no network, the teacher's files out of sight, limits);
what its lines made and its trained weights come out as data, and this process judges them (``judge.py``) and
computes the test accuracy itself: no student code runs here. The report is written by ``report.py``.
"""

import concurrent.futures
import io
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import numpy as np

import handout
import judge
import reference
from blanks import STEP
from grading import report, sandbox
from grading.submissions import GradingError, submissions

ROOT = handout.ROOT
SMALL = {"n_train": 10000, "n_valid": 2000}
LINE_SECONDS = 10  # a judged line that runs longer is an error
CAPS = {"BlockingIOError": "process_cap", "File too large": "file_size_cap", "MemoryError": "memory_cap_training"}


def test_set(mnist, parameters):
    """(X_test, y_test) as the handout makes them: its own data-loading cell, run here on the grader's MNIST."""
    import mnist_data

    nb = nbformat.read(ROOT / handout.HANDOUT, as_version=4)
    source = next(cell.source for cell in nb.cells if cell.get("id") == "load-data")
    settings = next(cell.source for cell in nb.cells if cell.get("id") == "parameters")
    ns = {"np": np, "load_mnist": lambda: mnist_data.load_mnist(data_home=Path(mnist).parent),
          "to_categorical": lambda y: None}
    exec(settings, ns)
    ns.update(parameters)
    state = np.random.get_state()
    try:
        exec(source, ns)
    finally:
        np.random.set_state(state)
    return ns["X_test"], ns["y_test"]


def _weights(data):
    """The four trained arrays from the box's weights.npz (no pickles), or None if they are not the network's."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            weights = {name: np.asarray(z[name]) for name in ("W_2", "b_2", "W_3", "b_3")}
    except Exception:
        return None
    ok = all(weights[n].shape == reference.notebook_shape(STEP[n].shape) and np.issubdtype(weights[n].dtype, np.number)
             for n in weights)
    return weights if ok else None


def grade_one(data, handout_nb, test, box):
    """The result of one submission (bytes): its verdicts, test accuracy, notes and problem. ``box(data)`` runs it."""
    result = {"problem": None, "notes": [], "checks_changed": False, "test_accuracy": "", "verdicts": {}}
    try:
        text = data.decode("utf-8")
        nb = nbformat.reads(text, as_version=4)
    except Exception as e:
        result["problem"] = report.problem("not_a_notebook", f": {type(e).__name__}: {str(e)[:200]}")
        return result
    cells, where = handout.find_cells(nb)
    if not any(cells.values()):
        result["problem"] = report.problem("not_the_handout")
        return result
    if list(where) != sorted(where, key=where.get):
        result["problem"] = report.problem("cells_reordered")
        result["notes"].append("セルの順番が入れ替わっていました。配布した順番で採点しました。 / "
                               "The cells were reordered; graded in the handout's order.")
    result["checks_changed"] = handout.checks_changed(nb, handout_nb)
    ran = box(nbformat.writes(nb).encode("utf-8"))
    made = ran.get("made")
    if not isinstance(made, dict):
        result["problem"] = ran.get("problem") or report.problem("no_record")
        return result
    try:
        verdicts = judge.judge_cells(made, hints=handout.has_hints(text))
    except Exception as e:  # data the runner would never write: forged, or cut short
        result["problem"] = report.problem("record_unreadable", f" ({type(e).__name__})")
        return result
    result["verdicts"] = {name: v.as_dict() for name, v in verdicts.items()}
    _accuracy(result, ran, cells, verdicts, test)
    return result


def _accuracy(result, ran, cells, verdicts, test):
    unfinished = [name for name, v in verdicts.items() if v.status in ("empty", "error")]
    run = ran.get("run") or {}
    if cells["training"] is None:
        result["notes"].append("学習のセルがないので、テストデータの正解率は測れません。 / "
                               "No training cell: no test accuracy.")
        return
    if ran.get("problem"):
        result["problem"] = result["problem"] or {**ran["problem"],
                                                  "detail": ran["problem"]["detail"] + "; test accuracy not measured"}
        return
    if run.get("stopped"):
        kind, message = run["stopped"][0], str(run["stopped"][1])
        code = {"CellTimeoutError": "time_limit", "DeadKernelError": "kernel_died"}.get(kind, "not_run")
        result["problem"] = report.problem(code, f" ({kind}: {message[:150]}); test accuracy not measured")
        return
    weights = _weights(ran["weights"]) if ran.get("weights") else None
    if weights is not None:
        result["test_accuracy"] = f"{reference.accuracy_of_weights(weights, *test):.4f}"
        return
    failed = run.get("failed")
    if failed:
        cell, error = str(failed[0]), str(failed[1])
        cap = next((name for key, name in CAPS.items() if key in error), None)
        if unfinished and not cap:
            result["notes"].append("空欄か、エラーになる行が残っているため、学習を最後まで実行できませんでした。 / "
                                   "A blank left or a line that raises stopped the training.")
            code, reason = "not_trained", ": blanks left or lines that raise"
        else:
            result["notes"].append(f"ノートブックを実行すると、セル {cell} でエラーが出ました: {error[:300]} / "
                                   f"Running the notebook, cell {cell} raised {error[:300]}")
            code = cap or "not_trained"
            reason = f": cell {cell} raised {error[:120]}"
        result["problem"] = result["problem"] or report.problem(code, f"{reason}; no test accuracy")
    else:
        result["problem"] = result["problem"] or report.problem("no_weights")


def grade_class(class_path, out, jobs=2, timeout=300, memory_mb=3000, parameters=None, mnist=None, points=None,
                use_sandbox=True, progress=print):
    """Grade every notebook in class_path into the new folder out; returns the rows of grades.csv.

    parameters: settings injected into each run (the course's split when None; SMALL is --small). points: {column:
    points} (1 each when None). use_sandbox False grades without the box (the class page and CSV then say so)."""
    out, class_path = Path(out).resolve(), Path(class_path).resolve()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise GradingError(f"{out} already exists and is not an empty folder: give a new folder for the report")
    if class_path.is_dir() and (out == class_path or class_path in out.parents):
        raise GradingError(f"the report must not go inside the class folder {class_path}: give a folder outside it")
    if jobs < 1 or timeout <= 0 or memory_mb < 500:
        raise GradingError(f"-j must be at least 1, --timeout above 0 and --memory at least 500 MB; got {jobs}, "
                           f"{timeout}, {memory_mb}")
    if use_sandbox:
        missing = sandbox.problem()
        if missing:
            raise GradingError(f"{missing}\n(--no-sandbox grades without it)")
    found = submissions(class_path)
    if not found:
        raise GradingError(f"no .ipynb file in {class_path}")
    mnist = Path(mnist) if mnist else find_mnist()
    if not mnist.is_file():
        raise GradingError(f"{mnist} does not exist: give --data the folder that holds mnist.npz")
    parameters = parameters or {}
    points = points or dict.fromkeys(report.BLANK_COLUMNS, 1.0)
    test = test_set(mnist, parameters)
    handout_nb = nbformat.read(ROOT / handout.HANDOUT, as_version=4)
    slots = list(range(jobs))
    lock = threading.Lock()

    def grade(data):
        with lock:
            slot = slots.pop()
        try:
            return grade_one(data, handout_nb, test, lambda nb: sandbox.run_box(
                nb, mnist, parameters, timeout, memory_mb, LINE_SECONDS, sandbox=use_sandbox, slot=slot))
        finally:
            with lock:
                slots.append(slot)

    results, start = {}, time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(grade, data): name for name, data in found}
        for future in concurrent.futures.as_completed(futures):
            results[futures[future]] = future.result()
            progress(f"{len(results)}/{len(found)} graded ({time.monotonic() - start:.0f} s): {futures[future]}")
    box = "bubblewrap" if use_sandbox else "none"
    rows = [report.row(name, results[name], points, box) for name, _ in found]
    settings = {"split": parameters or "the course's (50,000 / 10,000 / 10,000)",
                "sandbox": "bubblewrap" if use_sandbox else "none (--no-sandbox)",
                "date": time.strftime("%Y-%m-%d %H:%M")}
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".grading-", dir=out.parent))  # beside REPORT: the rename cannot fail
    try:
        report.write_report(staging, rows, {name: results[name] for name, _ in found}, time.monotonic() - start,
                            settings)
        if out.exists():
            out.rmdir()
        staging.rename(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return rows


def default_jobs(memory_mb):
    """The CPU count, or fewer: as many notebooks as the memory holds at 2 x memory_mb each (a run and its kernel)."""
    try:
        total_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (ValueError, OSError, AttributeError):
        total_mb = 0
    by_memory = max(1, total_mb // (2 * memory_mb)) if total_mb else os.cpu_count() or 1
    return max(1, min(os.cpu_count() or 1, by_memory))


def find_mnist():
    import mnist_data

    for folder in (os.environ.get("MNIST_DATA_HOME"), mnist_data.default_cache_dir()):
        if folder and (Path(folder) / "mnist.npz").exists():
            return Path(folder) / "mnist.npz"
    raise GradingError("MNIST is not on this computer yet: run python -c 'import mnist_data; mnist_data.load_mnist()' "
                       "once (it downloads MNIST into the cache), or give --data FOLDER with mnist.npz")


