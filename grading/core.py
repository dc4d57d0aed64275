"""The grader's core: one submission graded (``grade_one``), a class graded (``grade_class``). The command line
(``grading/__main__.py``) and the Gradescope autograder (``grading/gradescope.py``) both call it.

Each notebook runs in its own box (``sandbox.py``: bubblewrap, no network, the teacher's files out of sight, limits);
what its lines made and its trained weights come out as data, and this process judges them (``judge.py``) and
computes the test accuracy itself: no student code runs here. The report is written by ``report.py``.
"""

import concurrent.futures
import errno
import gc
import io
import os
import re
import socket
import sys
import threading
import time
import zipfile
import zlib
from pathlib import Path

import nbformat
import numpy as np

from answer_check import contract, reference
from answer_check.blanks import STEP
from grading import judging, report, sandbox, state
from grading.submissions import GradingError, TooLarge, submissions

ROOT = contract.ROOT
SMALL = {"n_train": 10000, "n_valid": 2000}
LINE_SECONDS = 10  # a judged line that runs longer is an error
CAPS = {"BlockingIOError": "process_cap", "File too large": "file_size_cap", "MemoryError": "memory_cap_training"}

def accuracy_of_weights(weights, X_test, y_test):
    """The test accuracy of trained weights (W_2, b_2, W_3, b_3): the solution's forward pass in the notebook's float32,
    its own sigmoid and softmax written out, so a right notebook's printed ``Test accuracy`` is met exactly. (The
    grader's side only: a student's folder holds no blank's line.)"""
    with np.errstate(all="ignore"):  # weights that diverged past float32's range become inf, as in the notebook
        W_2, b_2, W_3, b_3 = (np.asarray(weights[name], dtype=np.float32) for name in contract.WEIGHTS)
        X = np.asarray(X_test, dtype=np.float32).T
        Z_2 = 0.5 * (1 + np.tanh(0.5 * (W_2 @ X + b_2)))
        U_3 = W_3 @ Z_2 + b_3
        e = np.exp(U_3 - U_3.max(axis=0, keepdims=True))
        Z_3 = e / e.sum(axis=0, keepdims=True)
    return float(np.mean(Z_3.argmax(axis=0) == np.asarray(y_test)))



def test_set(mnist, parameters):
    """(X_test, y_test) as the handout makes them: its own data-loading cell, run here on the grader's MNIST."""
    import mnist_data

    nb = nbformat.read(ROOT / contract.HANDOUT, as_version=4)
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
        with zipfile.ZipFile(io.BytesIO(data)) as archive:  # each array's size read before it is inflated
            sizes = {info.filename: info.file_size for info in archive.infolist()}
        largest = max(np.prod(reference.notebook_shape(STEP[n].shape)) for n in contract.WEIGHTS) * 8 + 4096
        if set(sizes) != {f"{n}.npy" for n in contract.WEIGHTS} or max(sizes.values()) > largest:
            return None
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            weights = {name: np.asarray(z[name]) for name in contract.WEIGHTS}
    except Exception:
        return None
    ok = all(weights[n].shape == reference.notebook_shape(STEP[n].shape) and np.issubdtype(weights[n].dtype, np.number)
             for n in weights)
    return weights if ok else None


def grade_one(data, handout_nb, test, box, run=None):
    """The result of one submission (bytes): its verdicts, test accuracy, notes and problem. ``box(data)`` runs it;
    ``run`` (the grader's ``sandbox.Run``; one of its own when None) holds the judging child too. Whatever the bytes
    hold, the result is a row: a failure the grader did not foresee is this notebook's problem ("grader_error")."""
    if run is None:
        with sandbox.Run(sandbox=False) as own:
            return grade_one(data, handout_nb, test, box, own)
    try:
        return _grade(data, handout_nb, test, box, run)
    except (sandbox.Stopped, KeyboardInterrupt, MemoryError):
        raise
    except Exception as e:  # anything else a notebook's bytes lead to stays on its row; the class goes on
        return {"problem": report.problem("grader_error", f": {type(e).__name__}"), "notes": [],
                "checks_changed": False, "test_accuracy": "", "verdicts": {}}


def _grade(data, handout_nb, test, box, run):
    result = {"problem": None, "notes": [], "checks_changed": False, "test_accuracy": "", "verdicts": {}}
    try:
        text = data.decode("utf-8")
        nb = nbformat.reads(text, as_version=4)
        _well_formed(nb)
        payload = nbformat.writes(nb).encode("utf-8")  # a lone surrogate (\\ud800) in its JSON fails here
    except Exception as e:
        result["problem"] = report.problem("not_a_notebook", f": {type(e).__name__}: {str(e)[:120]}")
        return result
    cells, where = contract.find_cells(nb)
    if not any(cells.values()):
        result["problem"] = report.problem("not_the_handout")
        return result
    if list(where) != sorted(where, key=where.get):
        result["problem"] = report.problem("cells_reordered")
        result["notes"].append("セルの順番が入れ替わっていました。配布した順番で採点しました。 / "
                               "The cells were reordered; graded in the handout's order.")
    result["checks_changed"] = contract.checks_changed(nb, handout_nb)
    ran = box(payload)
    made = ran.get("made")
    if not isinstance(made, dict):
        result["problem"] = ran.get("problem") or report.problem("no_record")
        return result
    verdicts = _judged(made, contract.has_hints(text), run, result)
    if verdicts is None:
        return result
    result["verdicts"] = scrub(verdicts)
    _accuracy(result, ran, cells, verdicts, test, handout_nb)
    return result


def _well_formed(nb):
    """ValueError unless every cell is a dict with a cell_type and a text source (valid JSON may hold anything)."""
    cells = nb.get("cells")
    if not isinstance(cells, list):
        raise ValueError("no list of cells")
    for number, cell in enumerate(cells, 1):
        source = cell.get("source") if isinstance(cell, dict) else None
        if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str) or not (
                isinstance(source, str) or (isinstance(source, list) and all(isinstance(x, str) for x in source))):
            raise ValueError(f"cell {number} has no cell_type or no text source")


def _judged(made, hints, run, result):
    """{blank: verdict as a dict} of the box's record, judged in a bounded child process (``judging.py``); once more
    without the slip search when the search ran out of the child's limits (the marks are the same, a note says the
    causes were not searched); None, with the row's problem set, when even that fails."""
    for search in (True, False):
        try:
            verdicts = judging.judge(made, hints, run, search=search)
        except judging.JudgingFailed as e:
            reason = e.reason
            continue
        if not (isinstance(verdicts, dict) and set(verdicts) == set(report.BLANK_COLUMNS)):
            result["problem"] = report.problem("record_unreadable", "")
            return None
        if not search:
            result["notes"].append(f"答え合わせの原因探しが上限を超えたので ({reason})、原因の説明なしで採点しました。"
                                   f" / The slip search ran out of its limits ({reason}): graded without its causes.")
        return verdicts
    result["problem"] = report.problem("not_judged", f": {reason}")
    return None


def _machine_words():
    """What names the grading machine and could reach a page through a box's error words: the Python's paths, the
    grader's folder, HOME, the host name."""
    import sysconfig

    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.executable, os.path.realpath(sys.executable),
             sysconfig.get_paths()["purelib"], str(ROOT), os.path.expanduser("~")}
    paths |= {os.path.realpath(p) for p in paths}
    words = sorted((p for p in paths if p and len(p) > 1 and p != "/tmp"), key=len, reverse=True)
    return words, socket.gethostname()


def scrub(value):
    """value (strings, lists, dicts) with every word naming the grading machine replaced by "…"."""
    if isinstance(value, str):
        words, host = _machine_words()
        for word in words:
            value = value.replace(word, "…")
        if len(host) > 1 and host != sandbox.HOSTNAME:
            value = re.sub(rf"(?<![\w.-]){re.escape(host)}(?![\w-])", "…", value)
        return value
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def _raised(failed, cells, handout_nb):
    """(cell id, the error's type, the learner's line where it raised) from the box's record of a failed cell.

    Only the type (a Python name) is taken from the box's words; the line is read from the grader's own copy of the
    learner's cells (or of the handout), at the line number the traceback named: nothing else the box says."""
    ids = [cell.get("id") for cell in handout_nb.cells]
    cell = str(failed[0]) if str(failed[0]) in ids else "?"
    match = re.match(r"([A-Za-z_][\w.]{0,80})(?=:|$)", str(failed[1]))
    kind = match.group(0) if match else "an error"
    sources = {cell.get("id"): cell.source for cell in handout_nb.cells}
    own = {cell_id: cells[key] for key, (cell_id, _) in contract.BLANK_CELLS.items() if cells.get(key)}
    sources.update(own)
    found = []
    for frame in failed[2] if len(failed) > 2 and isinstance(failed[2], list) else []:
        try:
            cell_id, number = str(frame[0]), int(frame[1])
        except (TypeError, ValueError, IndexError):
            continue
        lines = (sources.get(cell_id) or "").split("\n")
        if 1 <= number <= len(lines) and lines[number - 1].strip():
            found.append((cell_id in own, lines[number - 1].strip()[:200]))
    line = max(reversed(found), key=lambda f: f[0])[1] if found else ""  # the innermost of the learner's own
    return cell, kind, line


def _accuracy(result, ran, cells, verdicts, test, handout_nb):
    unfinished = [name for name, v in verdicts.items() if v["status"] in ("empty", "error")]
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
        match = re.match(r"[A-Za-z_]\w{0,80}", str(run["stopped"][0]))
        kind = match.group(0) if match else "an error"
        code = {"CellTimeoutError": "time_limit", "DeadKernelError": "kernel_died"}.get(kind, "not_run")
        result["problem"] = report.problem(code, f" ({kind}); test accuracy not measured")
        return
    weights = _weights(ran["weights"]) if ran.get("weights") else None
    if weights is not None:
        result["test_accuracy"] = f"{accuracy_of_weights(weights, *test):.4f}"
        return
    failed = run.get("failed")
    if failed:
        cell, kind, line = _raised(failed, cells, handout_nb)
        cap = next((name for key, name in CAPS.items() if key in str(failed[1])), None)
        if unfinished and not cap:
            result["notes"].append("空欄か、エラーになる行が残っているため、学習を最後まで実行できませんでした。 / "
                                   "A blank left or a line that raises stopped the training.")
            code, reason = "not_trained", ": blanks left or lines that raise"
        else:
            at = f": {line}" if line else ""
            result["notes"].append(f"ノートブックを実行すると、セル {cell} の次の行で {kind} が出ました{at} / "
                                   f"Running the notebook, cell {cell} raised {kind} at the line{at}")
            code = cap or "not_trained"
            reason = f": cell {cell} raised {kind}"
        result["problem"] = result["problem"] or report.problem(code, f"{reason}; no test accuracy")
    else:
        result["problem"] = result["problem"] or report.problem("no_weights")


class Interrupted(Exception):
    """Ctrl-C (or SIGTERM) while grading: no new box started, the running ones ended, the temporary folders removed;
    what was graded is kept beside REPORT, and the same command goes on from there."""

    def __init__(self, graded, total, work):
        super().__init__(graded, total, work)
        self.graded, self.total, self.work = graded, total, work

    def __str__(self):
        return (f"採点を止めました: {self.total} 件のうち {self.graded} 件を採点済みです "
                f"({self.work} に残してあります)。同じコマンドをもう一度実行すると続きから採点します。 / "
                f"Stopped: {self.graded} of {self.total} notebooks graded (kept in {self.work}); run the same command "
                "again to go on.")


def _entry_result(problem):
    return {"problem": report.problem(*problem), "notes": [], "checks_changed": False, "test_accuracy": "",
            "verdicts": {}}


def _read(entry):
    """(bytes, None) of a submission, or (None, the result that says why it cannot be read)."""
    if entry.problem:
        return None, _entry_result(entry.problem)
    try:
        return entry.read(), None
    except TooLarge as e:
        return None, _entry_result(("too_large", f": {e}") if "cap" in str(e) else ("odd_entry", ""))
    except OSError as e:
        code = "symlink" if e.errno == errno.ELOOP else "odd_entry"  # a link put there since the class was listed
        return None, _entry_result((code, ""))
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, ValueError) as e:
        return None, _entry_result(("damaged_entry", f": {str(e)[:120]}"))  # a bad checksum, corrupt data


def _grade_all(found, folder, run, settings, fresh, jobs, grade, progress):
    """({name: result}, {name: key}) of every submission: kept from before when its key is known, else graded with
    grade(bytes, slot) in a pool of jobs, each result kept in the work folder as it comes."""
    previous = {} if fresh else folder.previous()
    results, keys, todo = {}, {}, []
    for entry in found:  # one notebook in memory at a time
        data, result = _read(entry)
        if result is not None:
            results[entry.name] = result
            continue
        keys[entry.name] = state.key(data, settings)
        if keys[entry.name] in previous:
            results[entry.name] = previous[keys[entry.name]]
        else:
            todo.append(entry)
    if len(todo) < len(found):
        progress(f"{len(found) - len(todo)} of {len(found)} kept from before (unchanged), {len(todo)} to grade")
    slots, lock, start = list(range(jobs)), threading.Lock(), time.monotonic()

    def one(entry):
        data, result = _read(entry)  # read again here: never the whole class in memory
        if result is not None:
            return None, result
        with lock:
            slot = slots.pop()
        try:
            result = grade(data, slot)
        finally:
            with lock:
                slots.append(slot)
        result_key = state.key(data, settings)
        folder.keep(result_key, result)
        del data
        gc.collect()  # a notebook that is not JSON leaves a 45 MB string in an exception's cycle: let it go now
        return result_key, result

    pool = concurrent.futures.ThreadPoolExecutor(max_workers=jobs)
    futures = {pool.submit(one, entry): entry.name for entry in todo}
    done = 0
    try:
        for future in concurrent.futures.as_completed(futures):
            name = futures[future]
            keys[name], results[name] = future.result()
            if keys[name] is None:
                del keys[name]
            done += 1
            progress(f"{done}/{len(todo)} graded ({time.monotonic() - start:.0f} s): {name}")
    except BaseException as e:
        run.stop()  # no new box starts, the running ones end now
        pool.shutdown(wait=True, cancel_futures=True)
        if isinstance(e, KeyboardInterrupt):  # each notebook whose grading ended is kept: they are the count
            graded = sum(f.done() and not f.cancelled() and f.exception() is None for f in futures)
            raise Interrupted(len(found) - len(todo) + graded, len(found), folder.work) from None
        raise
    pool.shutdown()
    return results, keys


def grading_files():
    """The grader's own files: a change in any of them grades every notebook again."""
    names = (*sandbox.PACKAGE, *sandbox.BOX_FILES, *contract.HELPERS)
    return [ROOT / name for name in dict.fromkeys(names) if (ROOT / name).is_file()]


def grade_class(class_path, out, jobs=2, timeout=300, memory_mb=3000, parameters=None, mnist=None, points=None,
                use_sandbox=True, progress=print, fresh=False):
    """Grade every notebook in class_path into the folder out; returns the rows of grades.csv.

    out: a new folder, or an earlier report of this grader, which is updated: a notebook whose bytes and grading
    settings did not change keeps its result (``fresh`` grades all again); new and changed ones are graded; removed
    ones drop out. parameters: settings injected into each run (the course's split when None; SMALL is --small).
    points: {column: points} (1 each when None). use_sandbox False grades without the box (the class page and CSV
    then say so). Ctrl-C raises Interrupted, within seconds, with what was graded kept for the next run."""
    out, class_path = Path(out).absolute(), Path(class_path).resolve()
    if class_path.is_dir() and (out.resolve() == class_path or class_path in out.resolve().parents):
        raise GradingError(f"the report must not go inside the class folder {class_path}: give a folder outside it")
    if not 1 <= jobs <= sandbox.SLOTS or timeout <= 0 or memory_mb < 500:
        raise GradingError(f"-j must be at least 1 (and at most {sandbox.SLOTS}), --timeout above 0 and --memory at "
                           f"least 500 MB; got {jobs}, {timeout}, {memory_mb}")
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
    settings = state.settings_key({"parameters": parameters, "timeout": timeout, "memory_mb": memory_mb,
                                   "line_seconds": LINE_SECONDS, "sandbox": use_sandbox}, [mnist, *grading_files()])
    test = test_set(mnist, parameters)
    handout_nb = nbformat.read(ROOT / contract.HANDOUT, as_version=4)
    start = time.monotonic()
    with state.Report(out) as folder, sandbox.Run(use_sandbox) as run:
        def grade(data, slot):
            return grade_one(data, handout_nb, test, lambda nb: sandbox.run_box(
                nb, mnist, parameters, timeout, memory_mb, LINE_SECONDS, sandbox=use_sandbox, slot=slot, run=run), run)

        results, keys = _grade_all(found, folder, run, settings, fresh, jobs, grade, progress)
        box = "bubblewrap" if use_sandbox else "none"
        for entry in found:
            if entry.note and entry.note not in results[entry.name]["notes"]:
                results[entry.name] = {**results[entry.name], "notes": [*results[entry.name]["notes"], entry.note]}
        rows = [report.row(entry.name, results[entry.name], points, box) for entry in found]
        settings_text = {"split": parameters or "the course's (50,000 / 10,000 / 10,000)",
                         "sandbox": "bubblewrap" if use_sandbox else "none (--no-sandbox)",
                         "date": time.strftime("%Y-%m-%d %H:%M")}
        seconds = time.monotonic() - start
        folder.publish(lambda staging: report.write_report(staging, rows, results, seconds, settings_text),
                       {"format": state.FORMAT, "settings": settings,
                        "results": {keys[name]: results[name] for name in keys}})
    return rows


def default_jobs(memory_mb):
    """The CPU count, or fewer: as many notebooks as the memory holds at 2 x memory_mb each (a run and its kernel)."""
    try:
        total_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (ValueError, OSError, AttributeError):
        total_mb = 0
    by_memory = max(1, total_mb // (2 * memory_mb)) if total_mb else os.cpu_count() or 1
    return max(1, min(os.cpu_count() or 1, by_memory, sandbox.SLOTS))


def find_mnist():
    import mnist_data

    for folder in (os.environ.get("MNIST_DATA_HOME"), mnist_data.default_cache_dir()):
        if folder and (Path(folder) / "mnist.npz").exists():
            return Path(folder) / "mnist.npz"
    raise GradingError("MNIST is not on this computer yet: run python -c 'import mnist_data; mnist_data.load_mnist()' "
                       "once (it downloads MNIST into the cache), or give --data FOLDER with mnist.npz")


