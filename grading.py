"""Grade a class's handouts, line by line: one command, a CSV, a feedback page per student and a class page.

    python -m grading CLASS --out REPORT          # CLASS: a folder (searched to any depth) or a .zip of notebooks
    python -m grading CLASS --out REPORT --small  # a smaller split (10,000 / 2,000): the test accuracy in less time

For each notebook found, ``REPORT/grades.csv`` gets one row: ``submission`` (its path inside CLASS), one column per
blank (``ok``, ``wrong``, ``empty`` or ``error``; the names are ``checks.COLUMNS``), ``test_accuracy`` (what the
student's trained network reaches on the test set), ``checks_changed`` (a check cell edited or removed) and
``problem`` (empty, or why the notebook could not be graded). ``REPORT/feedback/`` holds one page per student with
the message the notebook would have shown for each blank; ``REPORT/index.html`` is the class page.

Every blank is judged on its own (``checks.judge_notebook``): a wrong U_2 leaves the lines after it judged on right
inputs. The grader's own copies of the checks and the handout are used, never the student's. Students' code is
untrusted: each notebook runs in its own process (``--worker``) and its own kernel, in a fresh temporary folder with
HOME pointed there, under a time limit and a memory cap; CLASS is only read. It still runs with your rights: grade a
class you do not trust inside a container.
"""

import argparse
import base64
import collections
import concurrent.futures
import csv
import html
import io
import json
import os
import re
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import nbformat

import checks
import nbrun

ROOT = Path(__file__).resolve().parent
HANDOUT = ROOT / "mnist_mlp_exercise.ipynb"
GRADER_FILES = ("grading.py", "checks.py", "nbrun.py", "utils.py", "mnist_data.py", HANDOUT.name)
KERNEL_MODULES = ("utils.py", "mnist_data.py", "checks.py")  # what the handout imports, beside it
COLUMNS = ["submission", *checks.COLUMNS, "test_accuracy", "checks_changed", "problem"]
# The handout's cells with blanks, found in a submission by what they hold (ids do not survive every editor).
BLANK_CELLS = {"functions": ("functions", ["def softmax(", "def dsigmoid_du("]),
               "inference": ("inference", ["def inference("]),
               "training": ("train", [checks.STEP_START, checks.STEP_END]),
               "test": ("test-predict", ["Y_hat =", "testacc ="])}
CHECK_CELLS = ("functions-answer-check", "functions-check", "inference-answer-check", "inference-check",
               "train-answer-check", "test-answer-check")
DISPLAY_CELLS = ("image-tile", "accuracy-curves", "training-numbers", "valid-confusion", "test-confusion")  # not run
SMALL = {"n_train": 10000, "n_valid": 2000}
RESULT = "GRADING-RESULT "
LINE_SECONDS = 10  # a judged line that runs longer is an error


class GradingError(Exception):
    """A problem with what the teacher asked for (not with a student's notebook)."""


# --------------------------------------------------------------------------------------
# Finding the submissions
# --------------------------------------------------------------------------------------


def submissions(class_path):
    """[(path inside CLASS, bytes)] of every .ipynb in a folder (any depth) or a .zip, read once; CLASS is not
    written to."""
    class_path = Path(class_path)
    skipped = re.compile(r"(^|/)(\.|__MACOSX/)|\.ipynb_checkpoints/")
    if class_path.is_file() and zipfile.is_zipfile(class_path):
        with zipfile.ZipFile(class_path) as archive:
            return sorted((name, archive.read(name)) for name in archive.namelist()
                          if name.endswith(".ipynb") and not skipped.search(name))
    if class_path.is_dir():
        return sorted((path.relative_to(class_path).as_posix(), path.read_bytes())
                      for path in class_path.rglob("*.ipynb")
                      if path.is_file() and not skipped.search(path.relative_to(class_path).as_posix()))
    raise GradingError(f"{class_path} is neither a folder nor a .zip file: give the folder or the .zip of the "
                       "class's notebooks")


# --------------------------------------------------------------------------------------
# One submission, in its own process (python grading.py --worker)
# --------------------------------------------------------------------------------------


def find_cells(nb):
    """{'functions' | 'inference' | 'training' | 'test': source or None}, and the cells' indices in nb."""
    found, where = {}, {}
    for key, (_, markers) in BLANK_CELLS.items():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code" and all(marker in cell.source for marker in markers):
                found[key], where[key] = cell.source, index
    return {key: found.get(key) for key in BLANK_CELLS}, where


def checks_changed(nb, handout):
    """True when a check cell of the handout is missing from the submission or edited."""
    sources = {cell.source.strip() for cell in nb.cells}
    return any(cell.source.strip() not in sources for cell in handout.cells if cell.get("id") in CHECK_CELLS)


def executable(handout, cells, parameters):
    """The handout with the student's four cells put in, its checks and figures left out, and a last cell that
    reports the test accuracy of the student's trained weights (computed by the grader's forward pass)."""
    nb = nbformat.from_dict(json.loads(json.dumps(handout)))
    ids = {cell_id: key for key, (cell_id, _) in BLANK_CELLS.items()}
    kept = []
    for cell in nb.cells:
        if cell.get("id") in (*CHECK_CELLS, *DISPLAY_CELLS, "colab-utils"):
            continue
        if cell.get("id") in ids and cells[ids[cell.id]] is not None:
            cell.source = cells[ids[cell.id]]
        kept.append(cell)
    nb.cells = kept
    report = ("import json\nimport numpy as np\nimport checks\n"
              "_weights = {name: np.asarray(globals()[name], dtype=np.float64)\n"
              "            for name in ('W_2', 'b_2', 'W_3', 'b_3')}\n"
              "with np.errstate(all='ignore'):\n"
              "  _Z = checks.reference_forward(_weights, np.asarray(X_test, dtype=np.float64).T)['Z_3']\n"
              f"print({RESULT!r} + json.dumps({{'test_accuracy': float(np.mean(_Z.argmax(axis=0) == y_test))}}))")
    nb.cells.append(nbformat.v4.new_code_cell(report, id="grader-report"))
    nb = nbrun.inject_parameters(nb, {**parameters, "live_plot": False})
    injected = next(cell for cell in nb.cells if cell.id == "injected-parameters")
    injected.source += "\nimport checks\nchecks.uninstall_cell_guard()  # train the student's network as written"
    return nb


def _line_alarm(signum, frame):
    raise TimeoutError(f"this line ran for more than {LINE_SECONDS} s")


def grade_notebook(data, handout, parameters, timeout):
    """The row and feedback of one submission (bytes), graded in this process's folder."""
    result = {"problem": "", "notes": [], "checks_changed": False, "test_accuracy": "", "verdicts": {}}
    text = data.decode("utf-8", "replace")
    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
    except Exception as e:
        result["problem"] = f"not a notebook: {type(e).__name__}: {str(e)[:200]}"
        return result
    cells, where = find_cells(nb)
    if not any(cells.values()):
        result["problem"] = "not the handout: no cell defines softmax, inference or the training step"
        return result
    if list(where) != sorted(where, key=where.get):
        result["problem"] = "cells reordered: graded in the handout's order"
        result["notes"].append("セルの順番が入れ替わっていました。配布した順番で採点しました。 / "
                               "The cells were reordered; graded in the handout's order.")
    result["checks_changed"] = checks_changed(nb, handout)
    checks.HINTS = "checks.HINTS = False" not in text  # a handout made with --no-hints: no hint to point to
    signal.signal(signal.SIGALRM, _line_alarm)
    checks.LINE_SECONDS = LINE_SECONDS
    verdicts = checks.judge_notebook(cells)
    result["verdicts"] = {name: {"status": v.status, "ja": v.ja, "en": v.en, "line": v.line, "lineno": v.lineno,
                                 "mistake": v.mistake} for name, v in verdicts.items()}
    unfinished = [name for name, v in verdicts.items() if v.status in ("empty", "error")]
    if cells["training"] is None:
        result["notes"].append("学習のセルがないので、テストデータの正解率は測れません。 / "
                               "No training cell: no test accuracy.")
        return result
    try:
        run = nbrun.run_notebook(executable(handout, cells, parameters), env={}, cwd=Path.cwd(), timeout=timeout)
    except Exception as e:  # a cell over the time limit, or a kernel that died
        kind = {"CellTimeoutError": "time limit", "DeadKernelError": "the kernel died"}.get(
            type(e).__name__, "the notebook could not be run")
        result["problem"] = f"{kind} ({type(e).__name__}: {str(e)[:150]}); test accuracy not measured"
        return result
    failed = nbrun.error(run)
    printed = nbrun.cell_printed(run).get("grader-report", "")  # the grader's own cell, not what a student printed
    if printed.startswith(RESULT):
        accuracy = json.loads(printed.removeprefix(RESULT).split("\n")[0])["test_accuracy"]
        result["test_accuracy"] = f"{accuracy:.4f}"
    elif failed:
        if unfinished:
            result["notes"].append("空欄か、エラーになる行が残っているため、学習を最後まで実行できませんでした。 / "
                                   "A blank left or a line that raises stopped the training.")
        else:
            result["notes"].append(f"ノートブックを実行すると、セル {failed[0]} でエラーが出ました: "
                                   f"{failed[1][:300]} / "
                                   f"Running the notebook, cell {failed[0]} raised {failed[1][:300]}")
        reason = "blanks left or lines that raise" if unfinished else f"cell {failed[0]} raised {failed[1][:120]}"
        result["problem"] = result["problem"] or f"not trained: {reason}; no test accuracy"
    else:
        result["problem"] = result["problem"] or "the notebook ran, but the grader's cell reported no test accuracy"
    return result


def worker(argv):
    """python grading.py --worker DATA TIMEOUT PARAMETERS: grade the notebook on stdin (after a first line, the
    token that marks the result); print the result."""
    data_file, timeout, parameters = Path(argv[0]), float(argv[1]), json.loads(argv[2])
    handout = nbformat.read(Path(__file__).resolve().parent / HANDOUT.name, as_version=4)
    token = sys.stdin.buffer.readline().strip().decode()
    notebook = sys.stdin.buffer.read()
    os.environ["MNIST_DATA_HOME"] = str(data_file.parent)
    result = grade_notebook(notebook, handout, parameters, timeout)
    sys.stdout.write(f"\n{RESULT}{token} " + json.dumps(result, ensure_ascii=False) + "\n")
    sys.stdout.flush()


# --------------------------------------------------------------------------------------
# The class: one process per submission, in parallel
# --------------------------------------------------------------------------------------


def _limits(memory_mb):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 2**20, memory_mb * 2**20))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply


def run_worker(data, mnist, parameters, timeout, memory_mb):
    """Grade one submission in a fresh folder, in a process of its own; returns its result (never raises)."""
    top = Path(tempfile.mkdtemp(prefix="mnist-grade-"))
    try:
        grader, work, home, data_dir = top / "grader", top / "work", top / "home", top / "data"
        for folder in (grader, work, home, data_dir):
            folder.mkdir()
        for name in GRADER_FILES:
            shutil.copy(ROOT / name, grader / name)
        for name in KERNEL_MODULES:
            shutil.copy(ROOT / name, work / name)
        shutil.copy(mnist, data_dir / "mnist.npz")
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "TMPDIR": str(home),
               "LANG": "C.UTF-8", "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
               "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"}
        command = [sys.executable, str(grader / "grading.py"), "--worker", str(data_dir / "mnist.npz"),
                   str(timeout), json.dumps(parameters)]
        process = subprocess.Popen(command, cwd=work, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, preexec_fn=_limits(memory_mb), start_new_session=True)
        backstop = 3 * timeout + 120  # each cell has `timeout`; this ends a process that ignores it
        token = secrets.token_hex(16)  # a result line without it was not written by the grader
        try:
            out, err = process.communicate(token.encode() + b"\n" + data, timeout=backstop)
        except subprocess.TimeoutExpired:
            _kill(process)
            return {"problem": f"time limit: still running after {backstop:.0f} s"}
        finally:
            _kill(process)
        text = out.decode("utf-8", "replace")
        marker = f"{RESULT}{token} "
        if marker in text:
            try:
                return json.loads(text.split(marker, 1)[1].split("\n")[0])
            except json.JSONDecodeError:
                pass
        code = process.returncode
        reason = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
        last = err.decode("utf-8", "replace").strip().split("\n")[-1][:200]
        if "MemoryError" in last:
            return {"problem": f"memory cap: over {memory_mb} MB"}
        return {"problem": f"the grading process ended without a result ({reason}): {last}"}
    finally:
        shutil.rmtree(top, ignore_errors=True)


def _kill(process):
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def row(name, result):
    verdicts = result.get("verdicts") or {}
    return {"submission": name, **{c: verdicts.get(c, {}).get("status", "") for c in checks.COLUMNS},
            "test_accuracy": result.get("test_accuracy", ""),
            "checks_changed": "true" if result.get("checks_changed") else "false",
            "problem": result.get("problem", "")}


def grade_class(class_path, out, jobs=2, timeout=300, memory_mb=3000, parameters=None, mnist=None, progress=print):
    """Grade every notebook in class_path into the folder out; returns the rows of grades.csv.

    parameters: settings injected into each run (the course's split when None; SMALL is --small)."""
    out, class_path = Path(out).resolve(), Path(class_path).resolve()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise GradingError(f"{out} already exists and is not an empty folder: give a new folder for the report")
    if class_path.is_dir() and (out == class_path or class_path in out.parents):
        raise GradingError(f"the report must not go inside the class folder {class_path}: give a folder outside it")
    if jobs < 1 or timeout <= 0 or memory_mb < 500:
        raise GradingError(f"-j must be at least 1, --timeout above 0 and --memory at least 500 MB; got {jobs}, "
                           f"{timeout}, {memory_mb}")
    found = submissions(class_path)
    if not found:
        raise GradingError(f"no .ipynb file in {class_path}")
    mnist = Path(mnist) if mnist else _find_mnist()
    if not mnist.is_file():
        raise GradingError(f"{mnist} does not exist: give --data the folder that holds mnist.npz")
    parameters = parameters or {}
    results = {}
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(run_worker, data, mnist, parameters, timeout, memory_mb): name for name, data in found}
        for future in concurrent.futures.as_completed(futures):
            results[futures[future]] = future.result()
            progress(f"{len(results)}/{len(found)} graded ({time.monotonic() - start:.0f} s): {futures[future]}")
    rows = [row(name, results[name]) for name, _ in found]
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".grading-", dir=out.parent))  # beside REPORT: the rename cannot fail
    settings = {"split": parameters or "the course's (50,000 / 10,000 / 10,000)", "data": str(mnist),
                "date": time.strftime("%Y-%m-%d %H:%M")}
    try:
        write_report(staging, rows, {name: results[name] for name, _ in found}, time.monotonic() - start, settings)
        if out.exists():
            out.rmdir()
        staging.rename(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return rows


def _find_mnist():
    import mnist_data

    for folder in (os.environ.get("MNIST_DATA_HOME"), mnist_data.default_cache_dir()):
        if folder and (Path(folder) / "mnist.npz").exists():
            return Path(folder) / "mnist.npz"
    raise GradingError("MNIST is not on this computer yet: run python -c 'import mnist_data; mnist_data.load_mnist()' "
                       "once (it downloads MNIST into the cache), or give --data FOLDER with mnist.npz")


# --------------------------------------------------------------------------------------
# The report: grades.csv, a page per student, the class page
# --------------------------------------------------------------------------------------

STATUS_JA = {"ok": "正しい", "wrong": "違う", "empty": "空欄", "error": "エラー", "": "-"}
STYLE = ("body{font-family:'Noto Sans CJK JP',sans-serif;max-width:60em;margin:2em auto;line-height:1.5}"
         "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;vertical-align:top}"
         ".ok{background:#e8f5e9}.wrong,.error{background:#ffebee}.empty{background:#fff8e1}"
         "code,pre{font-family:monospace;white-space:pre-wrap}")


def _page(title, body):
    return (f"<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<style>{STYLE}</style></head><body>\n{body}\n</body></html>\n")


def feedback_name(index, submission):
    """NNN-<the submission's folders and name>.html: Japanese names kept, the handout's own name dropped."""
    name = re.sub(r"(^|/)mnist_mlp_exercise(_no_hints)?\.ipynb$", "", submission).removesuffix(".ipynb")
    slug = re.sub(r"[^\w.-]+", "_", name).strip("_")[:80] or "notebook"
    return f"{index:03d}-{slug}.html"


HEADLINE = {"wrong": "の行が違います", "error": "の行でエラーが出ました", "empty": "の行がまだ埋まっていません"}


def _settings_line(settings):
    e = html.escape
    return (f"<p class=\"settings\">採点の設定 / settings: split {e(str(settings['split']))}, "
            f"data {e(settings['data'])}, {e(settings['date'])}</p>")


def feedback_page(submission, result, settings):
    e = html.escape
    parts = [f"<h1>答え合わせ / Feedback: {e(submission)}</h1>"]
    if result.get("problem"):
        parts.append(f"<p><strong>問題 / problem:</strong> {e(result['problem'])}</p>")
    for note in result.get("notes", []):
        parts.append(f"<p>{e(note)}</p>")
    if result.get("test_accuracy"):
        parts.append(f"<p>学習したネットワークのテストデータでの正解率 (採点側の順伝播で計算) / test accuracy of the "
                     f"trained network, computed by the grader: <strong>{e(result['test_accuracy'])}</strong></p>")
    verdicts = result.get("verdicts") or {}
    if verdicts:
        right = sum(v["status"] == "ok" for v in verdicts.values())
        parts.append(f"<p>24 個の空欄のうち {right} 個が正しいです。 / "
                     f"{right} of {len(verdicts)} blanks are right.</p>")
        ordered = sorted(verdicts.items(), key=lambda item: item[1]["status"] == "ok")  # what to fix comes first
        parts.append("<table><tr><th>空欄 / blank</th><th>判定 / verdict</th><th>あなたの行 / your line</th>"
                     "<th>説明 / explanation</th></tr>")
        for column, v in ordered:
            ja = ([f"{column.split('.')[-1]} {HEADLINE[v['status']]}。"] if v["status"] in HEADLINE else []) + v["ja"]
            explanation = "<br>".join(e(t) for t in ja)
            if v["en"]:
                explanation += "<br><i lang=\"en\">" + "<br>".join(e(t) for t in v["en"]) + "</i>"
            parts.append(f"<tr class=\"{v['status']}\"><td><code>{e(column)}</code></td>"
                         f"<td>{STATUS_JA[v['status']]} / {v['status']}</td><td><pre>{e(v['line'])}</pre></td>"
                         f"<td>{explanation}</td></tr>")
        parts.append("</table>")
    if result.get("checks_changed"):
        parts.append("<p>答え合わせのセルが書き換えられているか、消されていました。採点には配布したチェックを使いました。"
                     " / A check cell was edited or removed; the grader used its own checks.</p>")
    parts.append(_settings_line(settings))
    return _page(f"Feedback: {submission}", "\n".join(parts))


def _mistake(v):
    """A blank's verdict as the class page counts it: the named mistake, Japanese first."""
    if v["mistake"] in ("", "another mistake"):
        return "式と違う値 / another wrong value"
    return f"{v['ja'][0]} / {v['mistake']}"


def class_page(rows, results, seconds, settings):
    e = html.escape
    judged = [r for r in rows if results[r["submission"]].get("verdicts")]
    trained = [r for r in rows if r["test_accuracy"]]
    counts = {c: sum(r[c] == "ok" for r in judged) for c in checks.COLUMNS}
    chart = _chart(counts, len(judged))
    parts = [f"<h1>クラスの結果 / Class results</h1><p>ノートブック {len(rows)} 件のうち、{len(judged)} 件の空欄を"
             f"判定し、{len(trained)} 件の学習が最後まで進みました ({seconds:.0f} 秒)。 / {len(rows)} notebooks: "
             f"{len(judged)} judged, {len(trained)} trained to the end, in {seconds:.0f} s.</p>",
             f"<img src=\"data:image/png;base64,{chart}\" alt=\"各空欄を正しく書いた学生の数 / students right in each "
             f"blank, out of {len(judged)}\">",
             "<table><tr><th>空欄 / blank</th><th>正しい / right</th><th>違う / wrong</th><th>エラー / error</th>"
             "<th>空欄のまま / empty</th><th>いちばん多い間違い / most common mistake</th></tr>"]
    for column in checks.COLUMNS:
        statuses = collections.Counter(r[column] for r in judged)
        mistakes = collections.Counter(_mistake(results[r["submission"]]["verdicts"][column]) for r in judged
                                       if r[column] in ("wrong", "error"))
        common = mistakes.most_common(1)
        text = f"{e(common[0][0])} ({common[0][1]})" if common else ""
        parts.append(f"<tr><td><code>{e(column)}</code></td><td>{statuses['ok']} / {len(judged)}</td>"
                     f"<td>{statuses['wrong']}</td><td>{statuses['error']}</td><td>{statuses['empty']}</td>"
                     f"<td>{text}</td></tr>")
    parts.append("</table><h2>学生ごと / Students</h2><table><tr><th>提出 / submission</th><th>正しい空欄 / right</th>"
                 "<th>正解率 / test accuracy</th><th>チェックの変更 / checks changed</th><th>問題 / problem</th></tr>")
    for index, r in enumerate(rows, 1):
        right = sum(r[c] == "ok" for c in checks.COLUMNS)
        link = f"feedback/{feedback_name(index, r['submission'])}"
        parts.append(f"<tr><td><a href=\"{e(link)}\">{e(r['submission'])}</a></td><td>{right} / 24</td>"
                     f"<td>{e(r['test_accuracy'])}</td><td>{e(r['checks_changed'])}</td><td>{e(r['problem'])}</td></tr>")
    parts.append("</table>")
    parts.append(_settings_line(settings))
    return _page("Class results", "\n".join(parts))


def _chart(counts, total):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 7))
    names = list(counts)[::-1]
    ax.barh(names, [counts[n] for n in names], color="#4c72b0")
    ax.set_xlim(0, max(total, 1))
    ax.set_xlabel(f"Students right (of {total})")
    ax.set_title("Students right in each blank")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def write_report(folder, rows, results, seconds, settings):
    # UTF-8 with a byte-order mark: Excel on a Japanese Windows then reads the names right
    with open(folder / "grades.csv", "w", newline="", encoding="utf-8-sig") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    (folder / "feedback").mkdir()
    for index, r in enumerate(rows, 1):
        page = feedback_page(r["submission"], results[r["submission"]], settings)
        (folder / "feedback" / feedback_name(index, r["submission"])).write_text(page, encoding="utf-8")
    (folder / "index.html").write_text(class_page(rows, results, seconds, settings), encoding="utf-8")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        worker(argv[1:])
        return 0
    parser = argparse.ArgumentParser(prog="python -m grading", description=__doc__.split("\n")[0])
    parser.add_argument("class_path", metavar="CLASS", help="a folder or a .zip of the class's notebooks")
    parser.add_argument("--out", required=True, metavar="REPORT", help="a new folder for the report")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                        help="notebooks graded at once (default: the CPU count; each may use 2 x --memory)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds each cell may run (default 300)")
    parser.add_argument("--memory", type=int, default=3000, help="memory cap per notebook in MB (default 3000)")
    parser.add_argument("--small", action="store_true", help="train on 10,000 digits instead of the course's 50,000")
    parser.add_argument("--data", type=Path, metavar="FOLDER", help="a folder with mnist.npz (default: the cache)")
    args = parser.parse_args(argv)
    try:
        rows = grade_class(args.class_path, args.out, args.jobs, args.timeout, args.memory,
                           SMALL if args.small else None,
                           args.data / "mnist.npz" if args.data else None,
                           progress=lambda line: print(line, file=sys.stderr))
    except GradingError as e:
        print(f"grading: {e}", file=sys.stderr)
        return 2
    problems = sum(bool(r["problem"]) for r in rows)
    print(f"{len(rows)} notebooks, {problems} not graded: {Path(args.out) / 'grades.csv'}, "
          f"{Path(args.out) / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
