"""What runs inside a notebook's box: a student's lines on the tiny problem, then the notebook itself, as data.

    python -m grading.runner BOX lines       # BOX/input holds job.json and submission.ipynb: writes BOX/out/made.json
    python -m grading.runner BOX notebook    # writes BOX/out/weights.npz and BOX/out/run.json

Run by ``sandbox.py``, one phase per box (inside bubblewrap, or with ``--no-sandbox`` in a plain process). The
grader reads ``made.json`` (what each learner's line made, from ``answer_check.runlines.run_cells``) before the
notebook's kernel ever starts, so nothing the notebook does can touch it; then the notebook runs and leaves its
trained weights. The grader judges both outside the box (``grading/core.py``): nothing here decides a verdict.
"""

import json
import re
import resource
import subprocess
import sys
from pathlib import Path

import nbformat

import nbrun
from answer_check import contract

HERE = contract.ROOT  # the box's copy of the grader's files


def set_limits(job):
    """The box's own limits, set before any student code runs: memory, processes, file size, no core files."""
    memory = job["memory_mb"] * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_NPROC, (job["processes"], job["processes"]))
    resource.setrlimit(resource.RLIMIT_FSIZE, (job["file_mb"] * 2**20, job["file_mb"] * 2**20))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def executable(nb_handout, cells, parameters, weights_path):
    """The grader's handout with the student's four cells put in: the course's cells run as the notebook runs them
    top to bottom (its error checks too, which draw random numbers before the weights do), figures and answer checks
    left out, and a last cell that saves the trained weights."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb_handout)))
    ids = {cell_id: key for key, (cell_id, _) in contract.BLANK_CELLS.items()}
    kept = []
    for cell in nb.cells:
        if cell.get("id") in (*contract.ANSWER_CHECK_CELLS, *contract.DISPLAY_CELLS, contract.COLAB_CELL):
            continue
        if cell.get("id") in ids and cells[ids[cell.id]] is not None:
            cell.source = cells[ids[cell.id]]
        if cell.get("id") in contract.COURSE_CHECK_CELLS:  # a failed course check must not stop the training
            cell.source = f"try:\n  exec({cell.source!r})\nexcept Exception as _error:\n  print(repr(_error))"
        kept.append(cell)
    nb.cells = kept
    save = (f"import os as _os\nimport numpy as _np\n_os.makedirs({str(weights_path.parent)!r}, exist_ok=True)\n"
            f"_np.savez({str(weights_path)!r}, {', '.join(f'{name}={name}' for name in contract.WEIGHTS)})")
    nb.cells.append(nbformat.v4.new_code_cell(save, id="grader-weights"))
    nb = nbrun.inject_parameters(nb, {**parameters, "live_plot": False})
    injected = next(cell for cell in nb.cells if cell.id == "injected-parameters")
    injected.source += "\nfrom answer_check import uninstall\nuninstall()  # train the student's network as written"
    return nb


def frames(nb):
    """[[cell id, line number], ...] of the first error's traceback, outermost first: the cells it went through
    (IPython names a cell by its execution count), for the grader to show the learner's own line."""
    by_count = {cell.get("execution_count"): cell.get("id") for cell in nb.cells if cell.get("execution_count")}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                text = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(out.get("traceback", [])))
                found = re.findall(r"Cell In\[(\d+)\], line (\d+)", text)
                return [[by_count.get(int(n)), int(line)] for n, line in found]
    return []


def run(box, phase):
    box = Path(box)
    job = json.loads((box / "input" / "job.json").read_text())
    out = box / "out"
    out.mkdir(exist_ok=True)
    set_limits(job)
    nb = nbformat.reads((box / "input" / "submission.ipynb").read_text(encoding="utf-8"), as_version=4)
    cells, _ = contract.find_cells(nb)
    if phase == "lines":
        (box / "cells.json").write_text(json.dumps(cells))
        # the student's lines, in a process of their own, in the folder the notebook's kernel runs in
        isolated = ["-P"] if sys.version_info >= (3, 11) else []  # -P: the folder does not shadow the grader's
        subprocess.run([sys.executable, *isolated, "-m", "answer_check.runlines", str(box / "cells.json"),
                        str(out / "made.json"), str(job["line_seconds"])], cwd=box,
                       env={**job["env"], "PYTHONPATH": str(HERE)}, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=job["timeout"] * 2)  # what a line prints is not kept
        return
    ended = {}
    nb_handout = nbformat.read(HERE / contract.HANDOUT, as_version=4)
    notebook = executable(nb_handout, cells, job["parameters"], out / "weights.npz")
    try:
        done = nbrun.run_notebook(notebook, env=job["env"], cwd=box, timeout=job["timeout"])
        failed = nbrun.error(done)
        ended["failed"] = [*failed, frames(done)] if failed else None
    except Exception as e:  # a cell over the time limit, or a kernel that died
        ended["stopped"] = [type(e).__name__, str(e)[:300]]
    out.mkdir(exist_ok=True)
    (out / "run.json").write_text(json.dumps(ended))


if __name__ == "__main__":
    run(sys.argv[1], sys.argv[2])
