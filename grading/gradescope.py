"""The class grader as a Gradescope autograder: the zip Gradescope takes, and what runs there for each submission.

    python -m grading --gradescope autograder.zip [--points points.csv] [--small]   # build the zip (here)
    python3 -m grading.gradescope --run                                           # on Gradescope (run_autograder)

The zip holds ``setup.sh`` (installs Python and requirements.txt on Gradescope's Ubuntu image), ``run_autograder``,
the grader's modules, the handout, MNIST and ``config.json`` (points, split, limits). On Gradescope each submission
is graded by the same code as a class (``core.grade_one``: the same judging, limits and rules) and
``results.json`` is written in Gradescope's format: one test per blank, named as its grades.csv column, with the
message the notebook would show, and a line for the test accuracy, all visible at once. Gradescope's own container
stands in for the sandbox (user namespaces are usually off there), so the box runs as a plain process.

The folder Gradescope calls ``/autograder`` is ``$AUTOGRADER_ROOT`` when that is set (the tests use a temporary one).
"""

import json
import os
import sys
import time
import zipfile
from pathlib import Path

from answer_check import contract, message
from grading import core, report, sandbox

ROOT = contract.ROOT
MODULES = (*sandbox.PACKAGE, "nbrun.py")  # the grader, and what runs in its box
SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, on its Ubuntu image, to build the autograder.
set -euo pipefail
apt-get update -qq
# Python 3.11, the version this project is tested with (Ubuntu 22.04's own python3 is 3.10)
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3.11 python3.11-venv > /dev/null
python3.11 -m venv /opt/mnist-grader
/opt/mnist-grader/bin/python -m pip install --quiet -r /autograder/source/requirements.txt
"""
RUN = """#!/usr/bin/env bash
# Gradescope runs this for each submission: the notebook in /autograder/submission, results in /autograder/results.
set -euo pipefail
root="${AUTOGRADER_ROOT:-/autograder}"
python=python3
[ -x /opt/mnist-grader/bin/python ] && python=/opt/mnist-grader/bin/python
cd "$root/source"
exec "$python" -m grading.gradescope --run
"""


def build(zip_path, mnist, points=None, parameters=None, timeout=300, memory_mb=3000):
    """Write Gradescope's autograder zip to zip_path."""
    points = points or dict.fromkeys(report.BLANK_COLUMNS, 1.0)
    config = {"points": points, "parameters": parameters or {}, "timeout": timeout, "memory_mb": memory_mb,
              "line_seconds": core.LINE_SECONDS}
    files = dict.fromkeys((*MODULES, *contract.HELPERS, "requirements.txt", contract.HANDOUT))
    zip_path = Path(zip_path)
    partial = zip_path.with_name(zip_path.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text, mode in (("setup.sh", SETUP, 0o755), ("run_autograder", RUN, 0o755)):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = (0o100000 | mode) << 16
            z.writestr(info, text)
        for name in files:
            z.write(ROOT / name, name)
        z.write(mnist, "data/mnist.npz")
        z.writestr("config.json", json.dumps(config, indent=1))
    partial.replace(zip_path)


def _test(column, verdict, points):
    """One test of results.json: a blank, its score, and the message the notebook would show."""
    ok = bool(verdict) and verdict["status"] == "ok"
    output = message.text(*message.render(column, verdict)) if verdict else "判定できませんでした。\n\nNot judged."
    return {"name": column, "score": points if ok else 0.0, "max_score": points,
            "status": "passed" if ok else "failed", "output": output, "output_format": "text",
            "visibility": "visible"}


def results(result, points, seconds):
    """Gradescope's results.json for one graded submission (``core.grade_one``'s result)."""
    verdicts = result.get("verdicts") or {}
    tests = [_test(column, verdicts.get(column), points[column]) for column in report.BLANK_COLUMNS]
    accuracy = result.get("test_accuracy")
    tests.append({"name": "test_accuracy", "score": 0.0, "max_score": 0.0, "status": "passed" if accuracy else "failed",
                  "output": (f"テストデータでの正解率 / test accuracy: {accuracy}" if accuracy else
                             "テストデータでの正解率は測れませんでした。 / The test accuracy could not be measured."),
                  "output_format": "text", "visibility": "visible"})
    lines = []
    if result.get("problem"):
        lines.append(f"問題 / problem: {report.problem_text(result['problem'], 'ja')} / "
                     f"{report.problem_text(result['problem'])}")
    lines += result.get("notes", [])
    return {"score": sum(t["score"] for t in tests), "execution_time": round(seconds), "output": "\n".join(lines),
            "output_format": "text", "test_output_format": "text", "visibility": "visible",
            "stdout_visibility": "hidden", "tests": tests}


def run(root=None):
    """Grade the notebook in ROOT/submission and write ROOT/results/results.json, whatever the submission holds:
    a failure the grader did not foresee is the submission's problem, said in results.json."""
    root = Path(root or os.environ.get("AUTOGRADER_ROOT") or "/autograder")
    (root / "results").mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    config = json.loads((root / "source" / "config.json").read_text())
    try:
        result = _graded(root, config)
    except Exception as e:  # the grader's own failure on this submission: a row that says so, never no results
        result = {"problem": report.problem("grader_error", f": {type(e).__name__}"), "notes": []}
    out = results(result, config["points"], time.monotonic() - start)
    (root / "results" / "results.json").write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return out


def _graded(root, config):
    import nbformat

    source = root / "source"
    notebooks = sorted((root / "submission").rglob("*.ipynb")) if (root / "submission").is_dir() else []
    notebooks = [p for p in notebooks if ".ipynb_checkpoints" not in p.parts]
    if not notebooks:
        result = {"problem": report.problem("not_a_notebook", ": no .ipynb file was submitted; submit the handout "
                                            f"({contract.HANDOUT}) downloaded from Colab or Jupyter"), "notes": []}
    else:
        mnist = source / "data" / "mnist.npz"
        test = core.test_set(mnist, config["parameters"])
        handout_nb = nbformat.read(source / contract.HANDOUT, as_version=4)
        result = core.grade_one(notebooks[0].read_bytes(), handout_nb, test, lambda nb: sandbox.run_box(
            nb, mnist, config["parameters"], config["timeout"], config["memory_mb"], config["line_seconds"],
            sandbox=False))
        if len(notebooks) > 1:
            result["notes"].append(f"{len(notebooks)} 個のノートブックが提出されました。"
                                   f"{notebooks[0].name} を採点しました。 / "
                                   f"{len(notebooks)} notebooks were submitted; {notebooks[0].name} was graded.")
    return result


if __name__ == "__main__":
    if sys.argv[1:] != ["--run"]:
        sys.exit("usage: python3 -m grading.gradescope --run   (build the zip: python -m grading --gradescope ZIP)")
    run()
