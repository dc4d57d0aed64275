"""Print what an executed notebook printed (its stream outputs); optionally check the test accuracy.

usage: python .ci/printed.py EXECUTED.ipynb [--min-test-accuracy 0.93]
"""

import argparse
import re
import sys

import nbformat

parser = argparse.ArgumentParser()
parser.add_argument("notebook")
parser.add_argument("--min-test-accuracy", type=float)
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
found = re.findall(r"^Test accuracy: (\d\.\d{4})$", text, flags=re.M)
if len(found) != 1:
    sys.exit(f"FAIL: expected one 'Test accuracy: 0.xxxx' line, found {len(found)}")
accuracy = float(found[0])
if accuracy < args.min_test_accuracy:
    sys.exit(f"FAIL: test accuracy {accuracy:.4f} is below {args.min_test_accuracy}")
print(f"test accuracy {accuracy:.4f} >= {args.min_test_accuracy}")
