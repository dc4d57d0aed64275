"""Check what executed notebooks printed: the quoted numbers, the same numbers in every run, and the floors.

    python -m scripts.check_quotes --runs RUN1.ipynb RUN2.ipynb --same
    python -m scripts.check_quotes --runs RUN1.ipynb --at-least "Test accuracy=0.93" --at-most "...=120"
    python -m scripts.check_quotes --runs RUN1.ipynb RUN2.ipynb --quotes mnist_mlp.ipynb docs/results.md

``--quotes``: a quoted result is a number in bold in a notebook's markdown or a markdown file: **0.9431**, **0.93**.
It holds in a run when some number the run printed rounds to it (0.9304 holds **0.93**; 0.9446 and 0.9435 both hold
**0.94**). CI runs the notebook under two OpenBLAS kernels, which round float32 products differently, and checks
every quote against both: a quote that only one CPU reproduces is quoted too precisely.
``--same``: every run printed the same text, times aside (each printed time ends in " s").
``--at-least LABEL=VALUE`` / ``--at-most LABEL=VALUE``: the one line ``LABEL: number`` of each run is within bounds.
"""

import argparse
import re
import sys
from pathlib import Path

import nbformat

import nbrun

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
    return [float(n) for n in NUMBER.findall(nbrun.printed(nbformat.read(run, as_version=4)))]


def holds(quote, numbers):
    decimals = len(quote.split(".")[1])
    return any(f"{n:.{decimals}f}" == quote for n in numbers)


def labelled(text, label):
    """The number on the one line ``label: number`` of text, or None when there is not exactly one."""
    found = re.findall(rf"^{re.escape(label)}: (\d+(?:\.\d+)?)(?: s)?$", text, flags=re.M)
    return float(found[0]) if len(found) == 1 else None


def check_quotes(sources, runs):
    found = quotes(sources)
    if not found:
        return ["no quoted numbers found: are the results in bold?"]
    failures = []
    for run in runs:
        numbers = printed_numbers(run)
        missing = [(where, q) for where, q in found if not holds(q, numbers)]
        failures += [f"{where} quotes {q}, which {run} did not print at that precision" for where, q in missing]
        print(f"{run}: {len(found) - len(missing)} of {len(found)} quoted numbers printed")
    return failures


def check_bounds(runs, bounds, at_least):
    failures = []
    for run in runs:
        text = nbrun.printed(nbformat.read(run, as_version=4))
        for bound in bounds:
            label, _, limit = bound.rpartition("=")
            value = labelled(text, label)
            if value is None:
                failures.append(f"{run}: expected one line '{label}: <number>'")
            elif (value < float(limit)) if at_least else (value > float(limit)):
                failures.append(f"{run}: {label} is {value}, {'below' if at_least else 'above'} {limit}")
            else:
                print(f"{run}: {label} {value} {'>=' if at_least else '<='} {limit}")
    return failures


def check_same(runs):
    texts = [nbrun.printed(nbformat.read(run, as_version=4), mask_times=True) for run in runs]
    if all(text == texts[0] for text in texts):
        print(f"the {len(runs)} runs printed the same numbers")
        return []
    return [f"{runs[0]} and {run} printed different numbers" for run, text in zip(runs, texts, strict=True)
            if text != texts[0]]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", nargs="+", required=True, help="executed notebooks (one per BLAS kernel)")
    parser.add_argument("--quotes", nargs="*", default=[], help="notebooks and markdown files whose bold numbers "
                                                                  "are quotes")
    parser.add_argument("--same", action="store_true", help="the runs printed the same numbers, times aside")
    parser.add_argument("--at-least", nargs="*", default=[], metavar="LABEL=VALUE")
    parser.add_argument("--at-most", nargs="*", default=[], metavar="LABEL=VALUE")
    args = parser.parse_args(argv)
    failures = []
    for run in args.runs:
        failed = nbrun.error(nbformat.read(run, as_version=4))
        if failed:
            failures.append(f"{run}: cell {failed[0]} raised {failed[1]}")
    if args.quotes:
        failures += check_quotes(args.quotes, args.runs)
    if args.same:
        failures += check_same(args.runs)
    failures += check_bounds(args.runs, args.at_least, at_least=True)
    failures += check_bounds(args.runs, args.at_most, at_least=False)
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
