"""Run a notebook headless with injected parameters, and read what it printed: the one way this project runs one.

    python -m nbrun mnist_mlp.ipynb                      # writes mnist_mlp.executed.ipynb, prints what it printed
    python -m nbrun mnist_mlp.ipynb --sample             # on tests/data (6,000 digits), small settings: a minute
    python -m nbrun mnist_mlp.ipynb -p n_train=2000 --out run.ipynb

Parameters are injected the papermill way: a code cell tagged ``injected-parameters`` right after the cell tagged
``parameters``, assigning the given values, so the notebook itself keeps plain values. The tests, the scripts, CI,
the benchmark and the grader all run notebooks through ``run_notebook``.
"""

import argparse
import copy
import os
import re
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from answer_check import contract

ROOT = contract.ROOT
SAMPLE_DATA = ROOT / "tests" / "data"  # mnist.npz: 5,000 + 1,000 real MNIST digits
# The small settings of a whole-notebook run: the course's code on the committed sample, in about a minute.
SAMPLE = {"n_train": 2000, "n_valid": 500, "experiment_epochs": 1, "best_epochs": 2}
TIME = re.compile(r" *\b\d+(\.\d+)? s\b")  # every time the notebook prints ends in " s"


def inject_parameters(nb, parameters):
    """A copy of nb with a cell assigning parameters right after its ``parameters`` cell."""
    nb = copy.deepcopy(nb)
    if not parameters:
        return nb
    index = next((i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])), None)
    if index is None:
        raise ValueError("the notebook has no cell tagged 'parameters' to inject parameters after")
    cell = nbformat.v4.new_code_cell("\n".join(f"{name} = {value!r}" for name, value in parameters.items()))
    cell.metadata["tags"] = ["injected-parameters"]
    cell.id = "injected-parameters"
    nb.cells.insert(index + 1, cell)
    return nb


def run_notebook(notebook, parameters=None, env=None, cwd=ROOT, timeout=1800, allow_errors=False):
    """Execute notebook (a path or a NotebookNode) with parameters injected and env added to the kernel's
    environment, in the folder cwd. Returns the executed notebook; a cell's error stays in its outputs (see
    ``error``) and stops the run unless allow_errors."""
    nb = notebook if isinstance(notebook, nbformat.NotebookNode) else nbformat.read(notebook, as_version=4)
    nb = inject_parameters(nb, parameters)
    # iopub_timeout: how long to wait for a cell's last outputs after it ends. nbclient's 4 s default drops them
    # silently on a busy machine; wait longer (a dead kernel is still noticed at once)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=allow_errors, iopub_timeout=300,
                            resources={"metadata": {"path": str(cwd)}})
    try:
        client.execute(env={**os.environ, **(env or {})})
    except CellExecutionError:
        pass  # the error is in the cell's outputs
    return nb


def printed(nb, mask_times=False):
    """What the notebook's cells printed (standard output), in order; times as ``<time> s`` if mask_times."""
    text = "".join(out.get("text", "") for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs
                   if out.output_type == "stream" and out.name == "stdout")
    return TIME.sub(" <time> s", text) if mask_times else text


def cell_printed(nb):
    """{cell id: what it printed}."""
    return {cell.id: "".join(out.get("text", "") for out in cell.outputs if out.output_type == "stream")
            for cell in nb.cells if cell.cell_type == "code"}


def error(nb):
    """(cell id, 'Name: message') of the first cell that raised, or None."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                return cell.id, f"{out.ename}: {out.evalue}"
    return None


def sample_env():
    return {"MNIST_DATA_HOME": str(SAMPLE_DATA), "MPLBACKEND": "Agg"}


def _value(text):
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return {"True": True, "False": False}.get(text, text)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--out", type=Path, help="where the executed notebook goes (default: NAME.executed.ipynb)")
    parser.add_argument("-p", "--parameter", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--sample", action="store_true", help="the committed sample and the small settings")
    args = parser.parse_args(argv)
    parameters = dict(SAMPLE) if args.sample else {}
    for item in args.parameter:
        name, _, value = item.partition("=")
        parameters[name] = _value(value)
    nb = run_notebook(args.notebook, parameters, env=sample_env() if args.sample else None)
    out = args.out or args.notebook.with_suffix(".executed.ipynb")
    nbformat.write(nb, out)
    print(printed(nb), end="")
    failed = error(nb)
    if failed:
        print(f"FAIL: cell {failed[0]} raised {failed[1]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
