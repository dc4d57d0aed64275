"""Write the course's exercise notebook from the completed one: mnist_mlp.ipynb -> mnist_mlp_exercise.ipynb.

    python -m scripts.make_exercise              # write mnist_mlp_exercise.ipynb
    python -m scripts.make_exercise --check      # exit 1 if the committed exercise differs from what it would write
    python -m scripts.make_exercise --no-hints   # write mnist_mlp_exercise_no_hints.ipynb: no collapsed hints

Which lines are the learner's: a code cell lists them in its metadata, ``"exercise_blanks"``, by the name each line
assigns (or ``"return"``), in order. Each listed line becomes ``<name> = ### CODE HERE ###`` (or
``return ### CODE HERE ###``) with its indentation, as in the course's handout; every other line stays as it is.
The metadata is invisible when reading the solution, unlike nbgrader's ``### BEGIN SOLUTION`` / ``### END
SOLUTION`` markers, which would add 48 lines for learners to read past.

Outputs and execution counts are cleared; the Colab badge opens the handout instead of the solution, and the
title cell's note on the blanks speaks to the learner (``HANDOUT_WORDING``). Cells tagged
``going-further`` (the sections after the course's exercise) are left out: the handout is the course's lecture, and
those sections build on its finished solution. The imports and settings only "Going further" uses go too.

With ``--no-hints``, the collapsed hints (``<details>`` blocks: the equations of the deltas and gradients) are left
out as well, and the checks are told so: their messages then point to the chain rule instead of a hint.

It writes ``mistake_values.json`` too: the values the checks compare a derived blank's known mistakes with, on the
tiny problem of the solution's settings, so a teacher who changes ``h_dim``, ``batch_size`` or ``eta`` in the solution
runs this one command (docs/teachers.en.md, "A variant of your own").

``--nbgrader DIR`` writes an nbgrader course folder with the assignment ``mnist_mlp`` (``scripts/nbgrader_course.py``;
docs/teachers.en.md, "JupyterHub and nbgrader").

``--release DIR --repository OWNER/NAME`` writes what a teacher pushes as the class's repository: the handout (with
``--no-hints``, the one without hints, under the same name), the helper modules it imports, ``requirements.txt`` and a
short README for students, with the Colab badge and the ``REPOSITORY`` line pointing at OWNER/NAME. The completed
notebook is not there, and no file of it holds the solution's lines.
"""

import argparse
import contextlib
import copy
import re
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat

from answer_check import contract
from scripts import mistake_values
from scripts.generated import write_or_check

ROOT = contract.ROOT
SOLUTION = ROOT / contract.SOLUTION
EXERCISE = ROOT / contract.HANDOUT
EXERCISE_NO_HINTS = ROOT / contract.HANDOUT_NO_HINTS
BLANK = contract.BLANK
PROJECT = "mnist-mlp/mnist_mlp"  # this repository, as the badges and REPOSITORY name it
LEFT_OUT_TAG = "going-further"
BADGE_TARGET = ("/blob/main/mnist_mlp.ipynb)", "/blob/main/mnist_mlp_exercise.ipynb)")  # each notebook opens itself
# Markdown that speaks of the solution, and what the handout says instead.
HANDOUT_WORDING = [
    BADGE_TARGET,
    ("このノートブックは解答です。空欄はそれぞれ1行で埋めてあり、行の横に式を書いてあります。",
     "空欄を埋めてください (1行で書けますが、2行以上に分けてもかまいません)。空欄のブロックのあとの答え合わせのセルが、"
     "間違っている行と、考えられる原因を表示します。"),
    ("This is the completed notebook:\neach blank is filled with one line, its equation beside it.*",
     "Fill each blank (one line is enough, more are fine);\nthe check after each block names a wrong line and its "
     "likely cause.*"),
]
HINT = re.compile(r"\n*<details>.*?</details>\n*", re.S)
NO_HINTS_LINE = contract.NO_HINTS_LINE
TRIMMED_CELLS = ("imports", "parameters")  # cells whose lines for "Going further" alone are left out


def blank_line(line, name):
    """``line`` with its code replaced by the blank for ``name``, or None if ``line`` does not assign ``name``."""
    indent = line[: len(line) - len(line.lstrip())]
    if name == "return":
        return f"{indent}return {BLANK}" if re.match(r"return\s", line.lstrip()) else None
    return f"{indent}{name} = {BLANK}" if re.match(rf"{re.escape(name)}\s*=[^=]", line.lstrip()) else None


def statement_end(lines, i):
    """The index of the last line of the statement that starts at line i (it goes on while brackets are open)."""
    depth = 0
    for j in range(i, len(lines)):
        code = lines[j].split("#")[0]
        depth += sum(code.count(c) for c in "([{") - sum(code.count(c) for c in ")]}")
        if depth <= 0:
            return j
    raise ValueError(f"unclosed bracket in the statement starting {lines[i]!r}")


def blank_out(source, names):
    """Blank the statements assigning ``names``, in order. Returns (exercise source, [(index, solution text)]).

    The index is the blank's line in the exercise; the solution text is the statement it replaced, which may run
    over several lines inside brackets (a long line wrapped to stay readable): the blank is always one line.
    """
    lines = source.split("\n")
    taken = []
    start = 0
    for name in names:
        for i in range(start, len(lines)):
            blank = blank_line(lines[i], name)
            if blank is not None:
                end = statement_end(lines, i)
                taken.append((i, "\n".join(lines[i:end + 1])))
                lines[i:end + 1] = [blank]
                start = i + 1
                break
        else:
            raise ValueError(f"no line assigning {name!r} after line {start + 1} of this cell:\n{source}")
    return "\n".join(lines), taken


def bound_names(line):
    """The names a line of an imports or settings cell binds: ``x = ...``, ``import a``, ``from m import a, b``."""
    line = line.split("#")[0].strip()
    assigned = re.match(r"(\w+)\s*=[^=]", line)
    if assigned:
        return [assigned.group(1)]
    imported = re.match(r"(?:from\s+\S+\s+)?import\s+(.+)", line)
    if imported:
        return [part.split(" as ")[-1].strip().split(".")[0] for part in imported.group(1).split(",")]
    return []


def trim_unused(cell, others):
    """Leave out the lines of cell that bind only names no other cell uses."""
    lines = cell.source.split("\n")
    used = set(re.findall(r"\w+", "\n".join(others + [line for line in lines if not bound_names(line)])))
    kept = [line for line in lines if not bound_names(line) or set(bound_names(line)) & used]
    cell.source = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")


def make_exercise(solution, hints=True):
    """The exercise notebook (a new object) made from the solution notebook."""
    exercise = copy.deepcopy(solution)
    exercise.cells = [c for c in exercise.cells if LEFT_OUT_TAG not in c.metadata.get("tags", [])]
    for cell in exercise.cells:
        if cell.cell_type != "code":
            for solution_text, handout_text in HANDOUT_WORDING:
                cell.source = cell.source.replace(solution_text, handout_text)
            if not hints:
                cell.source = HINT.sub("\n\n", cell.source)
            continue
        cell.outputs = []
        cell.execution_count = None
        cell.metadata.pop("execution", None)
        names = cell.metadata.get("exercise_blanks")
        if names:
            cell.source, _ = blank_out(cell.source, names)
    for cell in exercise.cells:
        if cell.get("id") in TRIMMED_CELLS:
            trim_unused(cell, [c.source for c in exercise.cells if c is not cell and c.cell_type == "code"])
        if cell.get("id") == "imports" and not hints:
            cell.source = cell.source.replace("\n\nsns.set_style", f"\n{NO_HINTS_LINE}\n\nsns.set_style")
    return exercise


def render(nb):
    return nbformat.writes(nb) + "\n"


VERSION_LINE = re.compile(r"^HELPERS_VERSION = '[0-9a-f]*'", re.M)
HELPERS_LIST = re.compile(r"^HELPERS = \[[^\]]*\]", re.M)


def helpers_list(width=100):
    """The HELPERS line of the notebook's first cell, wrapped at width as the notebook's own lines are."""
    lines, row = [], "HELPERS = ["
    for name in contract.HELPERS:
        item = f"{name!r}, "
        if len(row) + len(item) > width - 1:
            lines.append(row.rstrip())
            row = " " * len("HELPERS = [")
        row += item
    return "\n".join([*lines, row.rstrip().rstrip(",") + "]"])


def stamp(nb, version):
    """Write the helpers' list and version into the notebook's first code cell (it fetches them again where the
    files beside it are missing or of another version)."""
    cell = next(c for c in nb.cells if c.get("id") == contract.COLAB_CELL)
    if len(VERSION_LINE.findall(cell.source)) != 1 or len(HELPERS_LIST.findall(cell.source)) != 1:
        raise ValueError(f"the cell {contract.COLAB_CELL!r} must set HELPERS and HELPERS_VERSION once each")
    cell.source = HELPERS_LIST.sub(helpers_list().replace("\\", "\\\\"), cell.source)
    cell.source = VERSION_LINE.sub(f"HELPERS_VERSION = '{version}'", cell.source)
    return nb


STUDENT_README = """# {name}: 勾配法と誤差逆伝搬法 (NICO2AI 第5回 実践演習)

[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/{repository}/blob/main/{handout})

## 日本語

1. 上のバッジ (Open In Colab) をクリックすると、演習のノートブック `{handout}` が Google Colab で開きます。
   「ドライブにコピー」を押して、自分のコピーで作業してください。
2. 上のセルから順に実行してください (Shift+Enter)。最初のコードのセルが、ノートブックが使うファイル
   (`utils.py` などと `answer_check/`) をこのリポジトリからダウンロードし、MNIST も最初の1回だけダウンロードします。
3. `### CODE HERE ###` と記載されている部分にコードを埋めていきます。空欄のブロックのあとには答え合わせの
   セルがあり、間違っている行と、考えられる原因を教えてくれます。学習のセルは、1エポック目を始める前に、
   あなたが書いた14行を確かめます。答えそのものは表示しません。{hints_ja}
4. 最後まで実行したら、「ファイル」→「ダウンロード」→「.ipynb をダウンロード」で保存し、先生の指示に従って
   提出してください。

自分のパソコンで使うときは、`pip install -r requirements.txt` のあと、Jupyter で `{handout}` を開いてください。

`utils.py`、`progress.py`、`mnist_data.py` は講座の補助の関数 (グラフ、進み具合の表示、MNIST の読み込み) で、
読んでもかまいません。`answer_check/` は答え合わせのパッケージです。どちらにも空欄の答えは入っていません。

## English

1. Click the badge above to open the exercise `{handout}` in Google Colab; use "Copy to Drive" to work on your own
   copy.
2. Run the cells from the top (Shift+Enter). The first code cell downloads the helper files from this repository;
   MNIST is downloaded once.
3. Fill in each `### CODE HERE ###`. After each block of blanks a check names a wrong line and the likely mistake;
   the training cell checks its 14 lines before the first epoch. No check prints the answer.{hints_en}
4. When it runs to the end, save it with File → Download → Download .ipynb and hand it in as your teacher says.

On your own computer: `pip install -r requirements.txt`, then open `{handout}` in Jupyter.

`utils.py`, `progress.py` and `mnist_data.py` are the course's helpers (the plots, the progress bar, loading MNIST),
worth reading; `answer_check/` is the answer checks' package. Neither holds the answer to a blank.
"""
HINTS_NOTE = {True: ("\n   デルタと勾配の式は、折りたたんだ「ヒント」の中にあります。自分で導いてから開いてください。",
                     "\n   The deltas' and gradients' equations are in a collapsed hint: derive them before you open "
                     "it."),
              False: ("\n   この配布版にはヒントがありません。デルタと勾配の式は、連鎖律で自分で導きます。",
                      "\n   This handout has no hints: derive the deltas and gradients with the chain rule.")}


def helpers(folder, nb):
    """The helper files and requirements.txt into folder, with the known mistakes' values of this solution's
    settings (a teacher's variant has its own), and nb stamped with their version."""
    for name in (*contract.HELPERS, "requirements.txt"):
        (folder / name).parent.mkdir(exist_ok=True)
        shutil.copy(ROOT / name, folder / name)
    (folder / mistake_values.OUT.relative_to(ROOT)).write_text(mistake_values.render(), encoding="utf-8")
    stamp(nb, contract.helpers_version(folder))  # what the notebook's first cell compares its helpers with


@contextlib.contextmanager
def staged(folder, what):
    """A staging folder beside ``folder`` (new or empty) to write into; put in its place whole when the block ends,
    and removed if it fails: nothing half-written is left."""
    folder = Path(folder).absolute()
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"{folder} is a file: give a new folder for {what}")
    if folder.exists() and any(folder.iterdir()):
        raise ValueError(f"{folder} already exists and is not empty: give a new folder for {what}")
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=folder.parent))
    try:
        yield staging
        staging.chmod(0o755)
        if folder.exists():
            folder.rmdir()
        staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def nbgrader(folder, hints=True):
    """Write the nbgrader course folder (``scripts/nbgrader_course.py``) of this solution into folder."""
    from scripts import nbgrader_course

    nb = make_exercise(nbformat.read(SOLUTION, as_version=4), hints=hints)
    with staged(folder, "the course") as staging:
        source = staging / "source" / nbgrader_course.ASSIGNMENT
        source.mkdir(parents=True)
        helpers(source, nb)
        nbgrader_course.write_course(staging, Path(folder).absolute(), nb)


def release(folder, repository, hints=True):
    """Write the class's repository into folder (new or empty): the handout, its helpers, requirements, a README."""
    if not re.fullmatch(r"[A-Za-z0-9-]+/[A-Za-z0-9._-]+", repository or "") or repository.endswith(".git"):
        raise ValueError(f"--repository must be OWNER/NAME as on GitHub, without .git (for example "
                         f"my-school/mlp-2027); got {repository!r}")
    nb = make_exercise(nbformat.read(SOLUTION, as_version=4), hints=hints)
    for cell in nb.cells:
        cell.source = cell.source.replace(f"github/{PROJECT}/", f"github/{repository}/")
        cell.source = cell.source.replace(f"githubusercontent.com/{PROJECT}/", f"githubusercontent.com/{repository}/")
    with staged(folder, "the release") as staging:
        helpers(staging, nb)
        (staging / contract.HANDOUT).write_text(render(nb), encoding="utf-8")
        hints_ja, hints_en = HINTS_NOTE[hints]
        (staging / "README.md").write_text(STUDENT_README.format(name=repository.split("/")[1], repository=repository,
                                                                 handout=contract.HANDOUT, hints_ja=hints_ja,
                                                                 hints_en=hints_en), encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed exercise is out of date")
    parser.add_argument("--no-hints", action="store_true",
                        help=f"leave out the collapsed hints; writes {EXERCISE_NO_HINTS.name}")
    parser.add_argument("--release", metavar="DIR", type=Path, help="write the class's repository into DIR")
    parser.add_argument("--repository", metavar="OWNER/NAME", help="the class's GitHub repository (with --release)")
    parser.add_argument("--nbgrader", metavar="DIR", type=Path,
                        help="write an nbgrader course folder into DIR (the assignment mnist_mlp)")
    args = parser.parse_args(argv)
    if args.nbgrader:
        try:
            refresh()  # python -m grading, run beside nbgrader from this checkout, grades with the same settings
            nbgrader(args.nbgrader, hints=not args.no_hints)
        except ValueError as e:
            print(f"make_exercise: {e}", file=sys.stderr)
            return 2
        print(f"wrote {args.nbgrader}: cd {args.nbgrader} && nbgrader generate_assignment mnist_mlp")
        return 0
    if args.release or args.repository:
        if not (args.release and args.repository):
            parser.error("--release DIR and --repository OWNER/NAME go together")
        try:
            release(args.release, args.repository, hints=not args.no_hints)
        except ValueError as e:
            print(f"make_exercise: {e}", file=sys.stderr)
            return 2
        print(f"wrote {args.release}: push it as https://github.com/{args.repository}, on the branch main:\n"
              f"  cd {args.release} && git init -b main && git add . && git commit -m handout && "
              f"git remote add origin https://github.com/{args.repository}.git && git push -u origin main")
        return 0
    return refresh(args.check, hints=not args.no_hints)


def refresh(check=False, hints=True):
    """Write (or with ``check``, compare) this checkout's handout, its known mistakes' values and the solution's
    helpers stamp from the solution: 0, or 1 where ``check`` found one out of date."""
    target = EXERCISE if hints else EXERCISE_NO_HINTS
    command = "python -m scripts.make_exercise"
    # the handout and the values its checks compare a derived blank's known mistakes with follow the solution's
    # settings together: a teacher who changes h_dim or eta there runs this one command
    values = write_or_check(mistake_values.OUT, mistake_values.render(), check, command)
    # both notebooks' first cell carries the version of the helpers they are made with
    solution = stamp(nbformat.read(SOLUTION, as_version=4), contract.helpers_version())
    stamped = write_or_check(SOLUTION, render(solution), check, command)
    text = render(make_exercise(solution, hints=hints))
    return write_or_check(target, text, check, command) or values or stamped


if __name__ == "__main__":
    sys.exit(main())
