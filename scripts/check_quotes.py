"""Check that every number the prose promises is one the notebook prints, at the precision it is quoted.

    python scripts/check_quotes.py mnist_mlp.ipynb README.md --runs RUN1.ipynb RUN2.ipynb ...

A quoted result is a number in bold in the notebook's markdown or in README.md: **0.9431**, **0.93**. It holds
in a run when some number the run printed rounds to it (0.9304 holds **0.93**; 0.9446 and 0.9435 both hold
**0.94**). CI runs the notebook under two OpenBLAS kernels, which round float32 products differently, and checks
every quote against both: a quote that only one CPU reproduces is quoted too precisely.
"""

import argparse
import re
import sys
from pathlib import Path

import nbformat

QUOTE = re.compile(r"\*\*(\d+\.\d+)\*\*")
NUMBER = re.compile(r"(?<![\d.])\d+\.\d+")


def quotes(paths):
    """[(where, quoted text)] for every bold number in the notebooks' markdown cells and the markdown files."""
    found = []
    for path in map(Path, paths):
        if path.suffix == ".ipynb":
            for cell in nbformat.read(path, as_version=4).cells:
                if cell.cell_type == "markdown":
                    found += [(f"{path.name} cell {cell.id}", q) for q in QUOTE.findall(cell.source)]
        else:
            found += [(path.name, q) for q in QUOTE.findall(path.read_text(encoding="utf-8"))]
    return found


def printed_numbers(run):
    """Every number an executed notebook printed."""
    nb = nbformat.read(run, as_version=4)
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs
                   if o.output_type == "stream")
    return [float(n) for n in NUMBER.findall(text)]


def holds(quote, numbers):
    decimals = len(quote.split(".")[1])
    return any(f"{n:.{decimals}f}" == quote for n in numbers)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sources", nargs="+", help="the notebook and markdown files whose bold numbers are quotes")
    parser.add_argument("--runs", nargs="+", required=True, help="executed notebooks (one per BLAS kernel)")
    args = parser.parse_args(argv)
    found = quotes(args.sources)
    if not found:
        print("no quoted numbers found: are the results in bold?", file=sys.stderr)
        return 1
    failed = 0
    for run in args.runs:
        numbers = printed_numbers(run)
        missing = [(where, q) for where, q in found if not holds(q, numbers)]
        for where, q in missing:
            print(f"FAIL: {where} quotes {q}, which {run} did not print at that precision", file=sys.stderr)
        failed += len(missing)
        print(f"{run}: {len(found) - len(missing)} of {len(found)} quoted numbers printed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
