"""Print what an executed notebook printed (its stream outputs); optionally check the test accuracy.

usage: python .ci/printed.py EXECUTED.ipynb [--min-test-accuracy 0.93 --min-best-accuracy 0.98 --max-best-seconds 60]
"""

import argparse
import re
import sys

import nbformat

parser = argparse.ArgumentParser()
parser.add_argument("notebook")
parser.add_argument("--min-test-accuracy", type=float)
parser.add_argument("--min-best-accuracy", type=float)
parser.add_argument("--max-best-seconds", type=float)
args = parser.parse_args()

nb = nbformat.read(args.notebook, as_version=4)
errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
if errors:
    sys.exit(f"FAIL: the notebook raised {errors[0].ename}: {errors[0].evalue}")
text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs
               if o.output_type == "stream" and o.name == "stdout")
if args.min_test_accuracy is None:
    print(text, end="")
    sys.exit(0)


def one_number(pattern):
    found = re.findall(pattern, text, flags=re.M)
    if len(found) != 1:
        sys.exit(f"FAIL: expected one line matching {pattern!r}, found {len(found)}")
    return float(found[0])


accuracy = one_number(r"^Test accuracy: (\d\.\d{4})$")
if accuracy < args.min_test_accuracy:
    sys.exit(f"FAIL: test accuracy {accuracy:.4f} is below {args.min_test_accuracy}")
print(f"test accuracy {accuracy:.4f} >= {args.min_test_accuracy}")
if args.min_best_accuracy is not None:
    best = one_number(r"^Best configuration test accuracy: (\d\.\d{4})$")
    if best < args.min_best_accuracy:
        sys.exit(f"FAIL: best configuration test accuracy {best:.4f} is below {args.min_best_accuracy}")
    print(f"best configuration test accuracy {best:.4f} >= {args.min_best_accuracy}")
if args.max_best_seconds is not None:
    seconds = one_number(r"^Best configuration training time: (\d+\.\d) s$")
    if seconds > args.max_best_seconds:
        sys.exit(f"FAIL: the best configuration trained for {seconds} s, over {args.max_best_seconds} s")
    print(f"best configuration training time {seconds} s <= {args.max_best_seconds} s")
