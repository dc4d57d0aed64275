"""Judging one notebook's record in a process of its own, bounded like the box that made it.

    python -m grading.judging [--no-search]   # reads {"made", "hints"} on stdin, writes {blank: verdict} on stdout

The record (``made.json``, from the box) is data a student's notebook shaped, so the judge that reads it and the slip
search that evaluates the learner's expressions run in a child process with a memory cap (``MEMORY_MB``, the
address space) and a wall-clock kill (``SECONDS``), in a session of its own that the grader's Run ends on Ctrl-C. A
record that runs the child out of either is judged again with the slip search off (``--no-search``: every verdict
and mark the same, the causes only the known mistakes and the shape reader give), and the row says so; a record that
runs out of that too is the notebook's problem, never the class's.
"""

import json
import os
import resource
import subprocess
import sys

from answer_check import contract

# The child's limits. Judging a course notebook (right, or with all 14 training lines wrong) peaked at 330 MB of
# address space and 90 MB resident, and took 0.8 to 1.1 s (median of three, at a load of 1); every line's search
# stops at 10 s.
MEMORY_MB = 1500
COMMAND = [sys.executable, "-m", "grading.judging"]
SECONDS = 120


class JudgingFailed(Exception):
    """The child could not judge the record within its limits (``reason``: what ended it)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def _limits():
    memory = MEMORY_MB * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def judge(made, hints, run, search=True, seconds=SECONDS):
    """{blank: verdict as a dict} of a record, judged in a child process that ``run`` (the grader's ``sandbox.Run``)
    ends on stop. Raises ``JudgingFailed`` when the child ends without a result, ``sandbox.Stopped`` when the run
    was stopped."""
    from grading import sandbox

    command = [*COMMAND, *([] if search else ["--no-search"])]
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "PYTHONHASHSEED": "0"}
    process = run.start(command, cwd=contract.ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE)
    out = None
    try:
        out, err = process.communicate(json.dumps({"made": made, "hints": hints}).encode(), timeout=seconds)
    except subprocess.TimeoutExpired:
        pass
    finally:
        run.end(process)
    for pipe in (process.stdin, process.stdout, process.stderr):
        pipe.close()
    if run.stopped:
        raise sandbox.Stopped
    if out is None:
        raise JudgingFailed(f"still judging after {seconds} s")
    if process.returncode != 0:
        last = err.decode("utf-8", "replace").strip().split("\n")[-1][:200]
        raise JudgingFailed("out of memory" if "MemoryError" in last or process.returncode < 0 else last)
    return json.loads(out)


def main():
    _limits()  # first, before NumPy is imported
    from answer_check import judge as judge_module
    from answer_check import verdict

    if "--no-search" in sys.argv[1:]:
        verdict.SEARCH = False
    job = json.loads(sys.stdin.buffer.read())
    verdicts = judge_module.judge_cells(job["made"], hints=job["hints"])
    sys.stdout.write(json.dumps({name: v.as_dict() for name, v in verdicts.items()}))


if __name__ == "__main__":
    main()
