"""Write mistake_values.json: what the known mistakes of the derived blanks give on the tiny problem, as numbers.

    python -m scripts.mistake_values            # write mistake_values.json
    python -m scripts.mistake_values --check    # exit 1 if the committed file differs from what it would write

The mistakes of the deltas and gradients are wrong formulas close to the right ones (σ' left out, Z_2 for U_2 ...):
written as code, they would hand a student the right line. The formulas live here, beside the solution; the answer
key (``blanks.py``), which the handout downloads, holds only their values on the tiny problem
(``reference.training_reference``), which the judge compares a learner's value with.
"""

import argparse
import json
import sys

from answer_check import contract, course, reference
from scripts.generated import write_or_check

ROOT = contract.ROOT
OUT = contract.PACKAGE / "mistake_values.json"

FORMULAS = {
    "Delta_2": {
        "sigma' missing": lambda r: r["old_W_3"].T @ r["Delta_3"],
        "sigma for sigma'": lambda r: (r["old_W_3"].T @ r["Delta_3"]) * reference.sigmoid(r["U_2"]),
        "sigma' at Z_2": lambda r: (r["old_W_3"].T @ r["Delta_3"]) * reference.dsigmoid(r["Z_2"]),
        "U (1 - U) for sigma'": lambda r: (r["old_W_3"].T @ r["Delta_3"]) * r["U_2"] * (1 - r["U_2"]),
        "sigma(U) (1 - U) for sigma'": lambda r: (r["old_W_3"].T @ r["Delta_3"]) * reference.sigmoid(r["U_2"])
        * (1 - r["U_2"]),
        "only 1 - sigma": lambda r: (r["old_W_3"].T @ r["Delta_3"]) * (1 - reference.sigmoid(r["U_2"])),
    },
    "Delta_3": {"sigma' on the output": lambda r: (r["Z_3"] - r["D"]) * reference.dsigmoid(r["U_3"]),
                "Y (1 - Y) again": lambda r: (r["Z_3"] - r["D"]) * r["Z_3"] * (1 - r["Z_3"])},
    "dLdW_3": {"U_2 for Z_2": lambda r: r["Delta_3"] @ r["U_2"].T},
    "dLdW_2": {"before sigma'": lambda r: (r["old_W_3"].T @ r["Delta_3"]) @ r["X"].T},
}


def values():
    """{blank: {mistake: nested lists of floats}} on the tiny problem's right values."""
    right = reference.training_reference(course.solution())[3]
    return {blank: {key: formula(right).tolist() for key, formula in mistakes.items()}
            for blank, mistakes in FORMULAS.items()}


def render():
    return json.dumps(values(), indent=1) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if mistake_values.json is out of date")
    args = parser.parse_args(argv)
    return write_or_check(OUT, render(), args.check, "python -m scripts.mistake_values")


if __name__ == "__main__":
    sys.exit(main())
