"""Do the numbers the notebook quotes hold on another CPU, and are its comparisons larger than chance?

    MNIST_DATA_HOME=../shared/data python -m scripts.cpu_spread --kernels Haswell SkylakeX --out spread.json
    python -m scripts.cpu_spread --report spread.json

For each OpenBLAS kernel (``OPENBLAS_CORETYPE``; OpenBLAS picks one per CPU, and float32 matrix products round
differently in each), the whole notebook runs headless, then every "Going further" configuration trains again with
``--seeds`` other seeds (weights, batch order, dropout and shifts are drawn from the seed). It writes, per kernel:
everything the notebook printed, and each configuration's final validation accuracy per seed. ``--report`` prints,
for each configuration, the value at seed 111 under each kernel, the spread over kernels and the spread over seeds:
a difference between two configurations means something only when it is larger than both.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import nbformat

import nbrun

NOTEBOOK = nbrun.ROOT / "mnist_mlp.ipynb"

# Appended to the notebook: every configuration the experiments ran (`results`), the scikit-learn comparison and the
# best configuration, trained again with other seeds.
SEED_CELL = """
import json as _json
_spread = {}
def _label(config):
  return ', '.join('{}={}'.format(k, v) for k, v in sorted(config.items()) if BASELINE.get(k, None) != v)
for _history, _, _config in results.values():
  _spread['experiment: ' + _label(_config)] = [_history[-1]] + [
    train(*data, **_config, seed=s)[1][-1] for s in SEEDS]
_spread['sklearn comparison: ours N(0, 1)'] = [history_10[-1]] + [
  train(*data, nb_epoch=10, seed=s)[1][-1] for s in SEEDS]
_spread['sklearn comparison: ours Xavier'] = [ours_xavier[-1]] + [
  train(*data, nb_epoch=10, init='xavier', seed=s)[1][-1] for s in SEEDS]
_spread['best configuration: validation'] = [best_history[-1]] + [
  train(*data, **{**best_config, 'seed': s})[1][-1] for s in SEEDS]
print(_json.dumps(_spread))
"""


def run(kernel, seeds):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(f"SEEDS = {seeds!r}\n" + SEED_CELL, id="cpu-spread"))
    start = time.perf_counter()
    # the live plot off: the numbers are the same, and it saves time
    nb = nbrun.run_notebook(nb, {"live_plot": False}, env={"OPENBLAS_CORETYPE": kernel}, timeout=3600)
    seconds = time.perf_counter() - start
    text = nbrun.cell_printed(nb)
    spread = json.loads(text.pop("cpu-spread").strip().splitlines()[-1])
    return {"kernel": kernel, "seeds": [111, *seeds], "seconds": round(seconds, 1), "printed": text,
            "validation_by_seed": spread}


def report(path):
    runs = json.loads(Path(path).read_text())
    kernels = [r["kernel"] for r in runs]
    header = f"{'configuration':60s} " + " ".join(f"{k:>11s}" for k in kernels)
    print(header + "  kernel spread  seed range (mean)")
    for name in runs[0]["validation_by_seed"]:
        at_111 = [r["validation_by_seed"][name][0] for r in runs]
        seeds = runs[0]["validation_by_seed"][name]
        mean = sum(seeds) / len(seeds)
        print(f"{name[:60]:60s} " + " ".join(f"{a:11.4f}" for a in at_111)
              + f"  {max(at_111) - min(at_111):13.4f}  {min(seeds):.4f}..{max(seeds):.4f} ({mean:.4f})")
    first, *others = runs
    for other in others:
        differ = [c for c in first["printed"] if first["printed"][c] != other["printed"].get(c)]
        print(f"\ncells whose printed text differs between {first['kernel']} and {other['kernel']} (times included):")
        for cell in differ:
            print(f"--- {cell}\n{first['kernel']}:\n{first['printed'][cell]}")
            print(f"{other['kernel']}:\n{other['printed'][cell]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kernels", nargs="+", default=["Haswell", "SkylakeX"])
    parser.add_argument("--seeds", nargs="*", type=int, default=[112, 113, 114, 115])
    parser.add_argument("--out", default="cpu_spread.json")
    parser.add_argument("--report", metavar="JSON", help="print the comparison of a finished run")
    args = parser.parse_args()
    if args.report:
        report(args.report)
        return 0
    runs = [run(kernel, args.seeds) for kernel in args.kernels]
    Path(args.out).write_text(json.dumps(runs, indent=1))
    report(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
