"""Grade a class's handouts, line by line: one command, a CSV with scores, a feedback page per student, a class page.

    python -m grading CLASS --out REPORT            # CLASS: a folder (searched to any depth) or a .zip of notebooks
    python -m grading CLASS --out REPORT --small    # a smaller split (10,000 / 2,000): the test accuracy sooner
    python -m grading CLASS --out REPORT --points points.csv   # blanks worth more than 1 point
    python -m grading CLASS --out REPORT            # again: updates REPORT, grading only new and changed notebooks
    python -m grading CLASS --out REPORT --fresh    # grades every notebook again
    python -m grading --gradescope autograder.zip   # the same grading as a Gradescope autograder

The command line alone: the grading itself is ``grading/core.py``.
"""

import argparse
import signal
import sys
from pathlib import Path

from grading import core, gradescope, report
from grading.submissions import GradingError


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m grading", description=__doc__.split("\n")[0])
    parser.add_argument("class_path", metavar="CLASS", nargs="?", help="a folder or a .zip of the class's notebooks")
    parser.add_argument("--out", metavar="REPORT", help="a new folder for the report")
    parser.add_argument("--gradescope", metavar="ZIP", type=Path, help="write Gradescope's autograder zip instead")
    parser.add_argument("-j", "--jobs", type=int, help="notebooks graded at once (default: the CPU count, fewer if "
                        "the memory cannot hold 2 x --memory for each)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds each cell may run (default 300)")
    parser.add_argument("--memory", type=int, default=3000, help="memory cap per process in MB (default 3000)")
    parser.add_argument("--small", action="store_true", help="train on 10,000 digits instead of the course's 50,000")
    parser.add_argument("--data", type=Path, metavar="FOLDER", help="a folder with mnist.npz (default: the cache)")
    parser.add_argument("--points", type=Path, metavar="CSV", help="a CSV column,points: blanks worth more than 1")
    parser.add_argument("--fresh", action="store_true",
                        help="grade every notebook again (by default an earlier REPORT keeps its unchanged rows)")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="run students' code without bubblewrap, with your rights (recorded in the report)")
    args = parser.parse_args(argv)
    args.jobs = args.jobs or core.default_jobs(args.memory)
    try:
        points = report.read_points(args.points) if args.points else None
        if args.gradescope:
            gradescope.build(args.gradescope, args.data / "mnist.npz" if args.data else core.find_mnist(), points,
                             core.SMALL if args.small else None, args.timeout, args.memory)
            print(f"wrote {args.gradescope}")
            return 0
        if not args.class_path or not args.out:
            parser.error("give CLASS and --out REPORT (or --gradescope ZIP)")
        signal.signal(signal.SIGTERM, _interrupt)  # as Ctrl-C: the boxes end, the temporary folders go
        rows = core.grade_class(args.class_path, args.out, args.jobs, args.timeout, args.memory,
                                core.SMALL if args.small else None, args.data / "mnist.npz" if args.data else None,
                                points, use_sandbox=not args.no_sandbox,
                                progress=lambda line: print(line, file=sys.stderr), fresh=args.fresh)
    except core.Interrupted as e:
        print(f"grading: {e}", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("grading: 採点を止めました。同じコマンドをもう一度実行すると続きから採点します。 / Stopped; run the same "
              "command again to go on.", file=sys.stderr)
        return 130
    except (GradingError, ValueError, OSError) as e:
        print(f"grading: {e}", file=sys.stderr)
        return 2
    problems = sum(bool(r["problem"]) for r in rows)
    trained = sum(bool(r["test_accuracy"]) for r in rows)
    print(f"{len(rows)} notebooks: {trained} trained to the end, {problems} with a problem (its column says what): "
          f"{Path(args.out) / 'grades.csv'}, {Path(args.out) / 'index.html'}")
    return 0


def _interrupt(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
