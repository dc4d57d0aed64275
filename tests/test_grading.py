"""grading.py, sandbox.py, runner.py: a class made here, graded in one call, in the real bubblewrap sandbox.

The class holds right answers, silent wrong lines, crashes, an empty handout, notebooks that hang, eat memory,
kill their kernel or delete files around them, corrupt files, another notebook, edited checks and reordered cells,
and a hostile part: notebooks that read the teacher's secrets, write outside their box, connect to a server on
127.0.0.1, leave a process that ignores SIGTERM, forge their result, fork without end or write a huge file.
"""

import csv
import hashlib
import html
import os
import re
import secrets
import socket
import sys
import threading
import zipfile
from pathlib import Path

import nbformat
import pytest

import nbrun
from answer_check import blanks, contract
from grading import core, report
from grading.__main__ import main
from helpers import EXERCISE, SAMPLE_DIR, filled_handout
from mistakes import WRONG, Line, apply

PARAMETERS = {name: nbrun.SAMPLE[name] for name in ("n_train", "n_valid")}  # the sample's split
COLUMNS = blanks.BLANK_COLUMNS
ALL_OK = dict.fromkeys(COLUMNS, "ok")
TOKEN = secrets.token_hex(8)  # what the hostile notebooks look for, and what must appear nowhere


def with_cell(nb, cell_id, change):
    for cell in nb.cells:
        if cell.get("id") == cell_id:
            cell.source = change(cell.source)
    return nb


VANDAL = """import glob, os, shutil
shutil.rmtree(os.path.expanduser('~'), ignore_errors=True)
for path in glob.glob(os.path.join(os.getcwd(), '..', '*')):
  shutil.rmtree(path, ignore_errors=True)
for path in glob.glob('*.py'):
  open(path, 'w').write('raise SystemExit("vandalised")')
"""


def adder(folder, expected):
    def add(name, nb, **row):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        if isinstance(nb, bytes):
            (folder / name).write_bytes(nb)
        else:
            nbformat.write(nb, folder / name)
        expected[name] = row
    return add


def make_class(folder):
    """Write the class into folder; returns {submission: what its row must say}."""
    expected = {}
    add = adder(folder, expected)

    add("alice/mnist_mlp_exercise.ipynb", filled_handout(), blanks=ALL_OK, accuracy=True)
    add("山田太郎/mnist_mlp_exercise.ipynb", filled_handout(WRONG["dLdb_2 mean"]),
        blanks=ALL_OK | {"training.dLdb_2": "wrong"}, accuracy=True)
    add("bob/handout.ipynb", filled_handout(WRONG["sigma' forgotten"]),
        blanks=ALL_OK | {"training.Delta_2": "wrong"}, accuracy=True)
    two = filled_handout(WRONG["bias missing"])
    with_cell(two, "train", lambda s: apply(s, WRONG["dLdW_3 from U_2"]))
    add("carol/two wrong lines.ipynb", two, blanks=ALL_OK | {"training.U_2": "wrong", "training.dLdW_3": "wrong"},
        accuracy=True)
    add("dave/crash.ipynb", filled_handout(WRONG["dLdb_3 without its column"]),
        blanks=ALL_OK | {"training.dLdb_3": "wrong"}, accuracy=False, problem="not trained: cell train raised")
    add("erin/inference.ipynb", filled_handout(WRONG["inference: U_3 crashes"]),
        blanks=ALL_OK | {"inference.U_3": "error"}, accuracy=False, problem="not trained: blanks left or lines")
    add("frank/empty.ipynb", nbformat.read(EXERCISE, as_version=4), blanks=dict.fromkeys(COLUMNS, "empty"),
        accuracy=False, problem="not trained: blanks left")
    add("ivan/memory.ipynb", with_cell(filled_handout(), "functions",
                                       lambda s: "hog = [bytearray(10**8) for _ in range(200)]\n" + s),
        blanks=ALL_OK | dict.fromkeys(blanks.FUNCTION_ROWS, "error"), accuracy=False,
        problem="not trained: memory cap: cell functions raised MemoryError")
    add("judy/kills.ipynb", with_cell(filled_handout(), "train",
                                      lambda s: "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n" + s),
        blanks=ALL_OK, accuracy=False, problem="the kernel died")
    add("mallory/vandal.ipynb", with_cell(filled_handout(), "functions", lambda s: VANDAL + s),
        blanks=ALL_OK, accuracy=True)  # it emptied its own box, and nothing else
    edited = with_cell(filled_handout(), "train-answer-check", lambda s: "pass")
    add("oscar/edited checks.ipynb", edited, blanks=ALL_OK, accuracy=True, checks_changed=True)
    reordered = filled_handout()
    ids = [c.id for c in reordered.cells]
    test_cell = reordered.cells.pop(ids.index("test-predict"))
    reordered.cells.insert(ids.index("functions"), test_cell)
    add("peggy/reordered.ipynb", reordered, blanks=ALL_OK, accuracy=True, problem="cells reordered")
    add("trent/corrupt.ipynb", b'{"cells": [', problem="not a notebook")
    other = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('hello')")])
    add("victor/other.ipynb", other, problem="not the handout")
    add_hostile(add, folder)
    (folder / "notes.txt").write_text("not a notebook, not graded")
    (folder / ".ipynb_checkpoints").mkdir()
    nbformat.write(filled_handout(), folder / ".ipynb_checkpoints" / "alice-checkpoint.ipynb")
    return expected


class Listener:
    """A TCP server on 127.0.0.1 that records every connection it is offered."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connections = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, address = self.server.accept()
            except OSError:
                return
            self.connections.append(address)
            connection.close()


HOME = Path(os.environ.get("HOME", "/root"))
LISTENER = Listener()
SURVIVOR = f"mnist-grade-survivor-{TOKEN}"


def hostile(code):
    """A right handout whose training cell first runs code (it runs in the box, as the notebook's kernel)."""
    return with_cell(filled_handout(), "train", lambda s: code + "\n" + s)


def add_hostile(add, folder):
    """The hostile part of the class: each gets a row saying what happened; nothing leaks, nothing is left."""
    secret = folder.parent / "teacher-home" / "secret.txt"
    add("zoe/reads secrets.ipynb", with_cell(hostile(
        f"for path in [{str(secret)!r}, {str(HOME / '.ssh' / 'id_rsa')!r}, '/etc/shadow']:\n"
        "  try:\n    print(open(path).read())\n  except OSError as error:\n    print('no', error)"),
        "functions", lambda s: f"print(open({str(secret)!r}).read() if __import__('os').path.exists("
                               f"{str(secret)!r}) else '')\n" + s), blanks=ALL_OK, accuracy=True)
    targets = [HOME / f"written-{TOKEN}", Path("/tmp") / f"written-{TOKEN}", folder / f"written-{TOKEN}"]
    add("yan/writes outside.ipynb", hostile("\n".join(
        f"try:\n  open({str(t)!r}, 'w').write('x')\nexcept OSError:\n  pass" for t in targets)),
        blanks=ALL_OK, accuracy=True)
    add("xena/connects.ipynb", hostile(
        "import socket\ntry:\n"
        f"  socket.create_connection(('127.0.0.1', {LISTENER.port}), timeout=5).sendall(b'{TOKEN}')\n"
        "except OSError as error:\n  print('no network:', error)"), blanks=ALL_OK, accuracy=True)
    add("walt/leaves a process.ipynb", hostile(
        "import subprocess, sys\nsubprocess.Popen([sys.executable, '-c', 'import signal, time; "
        f"signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(3600)', {SURVIVOR!r}])"),
        blanks=ALL_OK, accuracy=True)
    forger = filled_handout(WRONG["sigma' forgotten"])
    forge = ("import json, os\nimport answer_check.cells as checks\n"
             "checks.check_training = lambda *a, **k: print('✓ all right')\n"
             "for path in ['out/made.json', '../out/made.json', '/tmp/box/out/made.json']:\n"
             "  try:\n    open(path, 'w').write(json.dumps({'training': {}}))\n  except OSError:\n    pass\n"
             "print('GRADING-RESULT ' + json.dumps({'verdicts': {}, 'test_accuracy': '1.0000'}))")
    add("vera/forges.ipynb", with_cell(forger, "train", lambda s: forge + "\n" + s),
        blanks=ALL_OK | {"training.Delta_2": "wrong"}, accuracy=True)
    patcher = Line("train", "Delta_2 = (W_3.T @ Delta_3) * dsigmoid_du(U_2)",
                   "Delta_2 = (W_3.T @ Delta_3) if [setattr(__import__('answer_check.verdict', fromlist=['v']), "
                   "'TOLERANCE', 1e9), setattr(__import__('answer_check.runlines', fromlist=['r']), 'encode', "
                   "lambda value: {'kind': 'none'})] else 0")
    add("tom/patches the judge.ipynb", filled_handout(patcher), blanks=ALL_OK | {"training.Delta_2": "wrong"},
        accuracy=True)  # its line patched the judge and the recorder where it ran; the judging is elsewhere
    add("uma/forks.ipynb", hostile("import subprocess\n"
                                   "kids = [subprocess.Popen(['sleep', '3600']) for _ in range(5000)]"),
        blanks=ALL_OK, accuracy=False, problem="not trained: process cap")
    add("ursula/huge file.ipynb", hostile("with open('huge.bin', 'wb') as f:\n  for _ in range(300):\n"
                                          "    f.write(bytes(2**20))"),
        blanks=ALL_OK, accuracy=False, problem="not trained: file size cap")
    return secret, targets


def snapshot(folder):
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    top = tmp_path_factory.mktemp("course")
    folder = top / "class"
    folder.mkdir()
    secret = top / "teacher-home" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(f"the teacher's secret {TOKEN}")
    expected = make_class(folder)
    before = snapshot(folder)
    out = top / "report"
    home = os.environ.get("HOME")
    os.environ["HOME"] = str(secret.parent)  # the teacher's HOME, as the grader sees it
    try:
        # a time limit no notebook of this class comes near, however busy the machine: none of them hangs
        rows = core.grade_class(folder, out, jobs=2, timeout=900, memory_mb=3000, parameters=PARAMETERS,
                                   mnist=SAMPLE_DIR / "mnist.npz", progress=lambda line: None)
    finally:
        os.environ["HOME"] = home or ""
    return {"folder": folder, "expected": expected, "before": before, "out": out, "rows": rows, "top": top}


def test_one_row_per_notebook_with_the_contracts_columns(graded):
    with open(graded["out"] / "grades.csv", encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == ["submission", *COLUMNS, "test_accuracy", "checks_changed", "problem", "score",
                                     "max_score", "sandbox"]
        rows = list(reader)
    assert [r["submission"] for r in rows] == sorted(graded["expected"])


def assert_rows(rows, expected):
    rows = {r["submission"]: r for r in rows}
    for name, want in expected.items():
        r = rows[name]
        blanks = {c: r[c] for c in COLUMNS}
        assert blanks == want.get("blanks", dict.fromkeys(COLUMNS, "")), name
        if want.get("accuracy"):
            assert r["test_accuracy"] and float(r["test_accuracy"]) > 0.6, (name, r["problem"])  # 0.81 to 0.84 here
        else:
            assert r["test_accuracy"] == "", (name, r)
        assert r["checks_changed"] == ("true" if want.get("checks_changed") else "false"), name
        assert r["problem"].startswith(want.get("problem", "")) and bool(r["problem"]) == ("problem" in want), \
            (name, r["problem"])


def test_every_row_says_what_happened_to_its_notebook(graded):
    assert_rows(graded["rows"], graded["expected"])


@pytest.mark.slow
@pytest.mark.sandbox
def test_notebooks_that_never_end_get_a_row_saying_so(tmp_path):
    """Two notebooks that never finish: whatever the machine's speed, each meets the time limit."""
    expected = {}
    add = adder(tmp_path / "class", expected)
    add("grace/hangs.ipynb", with_cell(filled_handout(), "train", lambda s: "while True:\n  pass\n" + s),
        blanks=ALL_OK, accuracy=False, problem="time limit")
    slow_line = Line("test-predict", "Y_hat = inference(X_test)",
                     "Y_hat = inference(X_test) if __import__('time').sleep(3600) is None else 0")
    add("heidi/slow line.ipynb", filled_handout(slow_line), blanks=ALL_OK | {"Y_hat": "error"}, accuracy=False,
        problem="time limit")
    # a cell that never ends meets any limit; 60 s leaves a busy machine time to start a kernel and load MNIST
    rows = core.grade_class(tmp_path / "class", tmp_path / "report", jobs=2, timeout=60, parameters=PARAMETERS,
                               mnist=SAMPLE_DIR / "mnist.npz", progress=lambda line: None)
    assert_rows(rows, expected)
    page = next((tmp_path / "report" / "feedback").glob("*heidi*")).read_text(encoding="utf-8")
    assert "TimeoutError" in page  # the judged line that never ends is an error, named at its line


def test_the_class_folder_is_unchanged_and_the_vandal_touched_no_one_else(graded):
    assert snapshot(graded["folder"]) == graded["before"]
    rows = {r["submission"]: r for r in graded["rows"]}
    assert rows["mallory/vandal.ipynb"]["test_accuracy"] == rows["alice/mnist_mlp_exercise.ipynb"]["test_accuracy"]
    assert all(rows[name]["test_accuracy"] for name in ("alice/mnist_mlp_exercise.ipynb", "oscar/edited checks.ipynb"))


def test_feedback_pages_show_the_learners_message_japanese_first(graded):
    pages = sorted((graded["out"] / "feedback").glob("*.html"))
    assert len(pages) == len(graded["expected"])
    bob = html.unescape(next(p for p in pages if "bob" in p.name).read_text(encoding="utf-8"))
    assert "に σ' を掛け忘れています" in bob and "the sigmoid's derivative is missing" in bob
    assert bob.index("に σ' を掛け忘れています") < bob.index("the sigmoid's derivative is missing")
    assert "Delta_2 = W_3.T @ Delta_3" in bob  # the learner's own line
    frank = html.unescape(next(p for p in pages if "frank" in p.name).read_text(encoding="utf-8"))
    assert "まだ埋まっていません" in frank and "W_3.T @ Delta_3" not in frank  # no answer for an empty blank


def test_the_class_page_counts_each_blank_and_names_the_commonest_mistake(graded):
    page = (graded["out"] / "index.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in page and 'alt="' in page
    graded_rows = [r for r in graded["rows"] if r["softmax"]]
    right = sum(r["training.Delta_2"] == "ok" for r in graded_rows)
    assert f"<code>training.Delta_2</code></td><td>{right} / {len(graded_rows)}</td>" in page
    assert "the sigmoid&#x27;s derivative is missing" in page


def test_a_zip_of_the_class_is_graded_the_same_and_left_alone(graded, tmp_path):
    archive = tmp_path / "class.zip"
    names = ["alice/mnist_mlp_exercise.ipynb", "bob/handout.ipynb", "trent/corrupt.ipynb"]
    with zipfile.ZipFile(archive, "w") as z:
        for name in names:
            z.write(graded["folder"] / name, f"course/{name}")
        z.writestr("__MACOSX/course/._handout.ipynb", b"\x00\x05")
    before = archive.read_bytes()
    rows = core.grade_class(archive, tmp_path / "report", jobs=2, timeout=900, parameters=PARAMETERS,
                               mnist=SAMPLE_DIR / "mnist.npz", progress=lambda line: None)
    by_name = {r["submission"]: r for r in graded["rows"]}
    assert [r["submission"] for r in rows] == [f"course/{name}" for name in names]
    for r in rows:
        original = by_name[r["submission"].removeprefix("course/")]
        assert {c: r[c] for c in COLUMNS} == {c: original[c] for c in COLUMNS}
        assert r["test_accuracy"] == original["test_accuracy"]  # seed 111: the same network
    assert archive.read_bytes() == before


def test_bad_requests_get_a_clear_error_and_write_nothing(tmp_path):
    (tmp_path / "class").mkdir()
    # the request's own mistakes, whether or not this machine has bubblewrap
    with pytest.raises(core.GradingError, match=r"no \.ipynb file"):
        core.grade_class(tmp_path / "class", tmp_path / "r1", mnist=SAMPLE_DIR / "mnist.npz", use_sandbox=False)
    with pytest.raises(core.GradingError, match=r"neither a folder nor a \.zip"):
        core.grade_class(tmp_path / "missing", tmp_path / "r2", mnist=SAMPLE_DIR / "mnist.npz", use_sandbox=False)
    nbformat.write(filled_handout(), tmp_path / "class" / "a.ipynb")
    with pytest.raises(core.GradingError, match="inside the class folder"):
        core.grade_class(tmp_path / "class", tmp_path / "class" / "report", mnist=SAMPLE_DIR / "mnist.npz",
                         use_sandbox=False)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("")
    with pytest.raises(core.GradingError, match="already exists and is not a report of this grader"):
        core.grade_class(tmp_path / "class", tmp_path / "full", mnist=SAMPLE_DIR / "mnist.npz", use_sandbox=False)
    with pytest.raises(core.GradingError, match="already exists and is not a report of this grader"):
        core.grade_class(tmp_path / "class", tmp_path / "full" / "x", mnist=SAMPLE_DIR / "mnist.npz",
                         use_sandbox=False)
    with pytest.raises(core.GradingError, match="-j must be at least 1"):
        core.grade_class(tmp_path / "class", tmp_path / "r3", jobs=0, mnist=SAMPLE_DIR / "mnist.npz",
                         use_sandbox=False)
    with pytest.raises(core.GradingError, match=r"give --data the folder that holds mnist\.npz"):
        core.grade_class(tmp_path / "class", tmp_path / "r4", mnist=tmp_path / "nowhere" / "mnist.npz",
                         use_sandbox=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["class", "full"]


def test_feedback_pages_are_named_after_the_student_and_record_the_settings(graded):
    names = sorted(p.name for p in (graded["out"] / "feedback").glob("*.html"))
    assert any(name.endswith("-山田太郎.html") for name in names) and any("-alice.html" in name for name in names)
    page = (graded["out"] / "index.html").read_text(encoding="utf-8")
    assert "split n_train=2,000, n_valid=500" in page and "sandbox bubblewrap" in page


# --------------------------------------------------------------------------------------
# The hostile part of the class: what crossed the box's walls
# --------------------------------------------------------------------------------------


def everything_written(graded):
    return b"".join(p.read_bytes() for p in sorted(graded["out"].rglob("*")) if p.is_file())


def test_a_secret_of_the_teachers_home_appears_nowhere(graded):
    assert TOKEN.encode() not in everything_written(graded)
    assert all(TOKEN.encode() not in p.read_bytes() for p in Path("/tmp").glob("mnist-grade-*/**/*") if p.is_file())


def test_files_written_outside_the_box_do_not_exist_afterwards(graded):
    secret = graded["top"] / "teacher-home"
    targets = [secret / f"written-{TOKEN}", Path("/tmp") / f"written-{TOKEN}", graded["folder"] / f"written-{TOKEN}"]
    assert [t for t in targets if t.exists()] == []
    assert snapshot(graded["folder"]) == graded["before"]


def test_the_server_on_the_hosts_loopback_sees_nothing(graded):
    assert LISTENER.connections == []


def test_no_process_of_a_notebook_is_left_when_grading_ends(graded):
    left = [p for p in Path("/proc").iterdir() if p.name.isdigit() and SURVIVOR.encode() in _cmdline(p)]
    assert left == []


def _cmdline(path):
    try:
        return (path / "cmdline").read_bytes()
    except OSError:
        return b""


def test_a_forged_result_changes_nothing_and_every_right_handout_trains_to_the_same_network(graded):
    rows = {r["submission"]: r for r in graded["rows"]}
    assert rows["vera/forges.ipynb"]["training.Delta_2"] == "wrong"
    assert rows["vera/forges.ipynb"]["test_accuracy"] != "1.0000"
    right = [name for name, want in graded["expected"].items() if want.get("blanks") == ALL_OK
             and want.get("accuracy")]
    assert len(right) >= 8 and len({rows[name]["test_accuracy"] for name in right}) == 1, \
        {name: rows[name]["test_accuracy"] for name in right}


# --------------------------------------------------------------------------------------
# Scores
# --------------------------------------------------------------------------------------


def test_each_blank_is_worth_a_point_and_a_row_scores_its_right_blanks(graded):
    for r in graded["rows"]:
        assert r["max_score"] == "24"
        assert r["score"] == str(sum(r[c] == "ok" for c in COLUMNS))
    page = (graded["out"] / "index.html").read_text(encoding="utf-8")
    assert "得点の分布 / Scores (out of 24)" in page and "24点:" in page
    bob = next((graded["out"] / "feedback").glob("*bob*")).read_text(encoding="utf-8")
    assert "<strong>23 / 24</strong>" in bob


def test_points_from_a_csv_weight_the_blanks(tmp_path):
    points = tmp_path / "points.csv"
    points.write_text("column,points\ntraining.Delta_2,3\n", encoding="utf-8")
    weights = report.read_points(points)
    assert weights["training.Delta_2"] == 3 and sum(weights.values()) == 26
    row = report.row("a", {"verdicts": {c: {"status": "ok"} for c in COLUMNS} | {"training.Delta_2": {
        "status": "wrong"}}}, weights)
    assert (row["score"], row["max_score"]) == ("23", "26")
    assert list(row)[-3:] == ["score", "max_score", "sandbox"] and list(row)[:-3] == [
        "submission", *COLUMNS, "test_accuracy", "checks_changed", "problem"]
    for bad, message in (("col,pts\n", "header column,points"), ("column,points\ntraining.Delta_9,3\n", "line 2"),
                         ("column,points\nsoftmax,-1\n", "0 or more")):
        points.write_text(bad, encoding="utf-8")
        with pytest.raises(ValueError, match=message):
            report.read_points(points)


def test_the_command_line_refuses_bad_points_without_writing(tmp_path, capsys):
    (tmp_path / "points.csv").write_text("column,points\nnot a column,2\n", encoding="utf-8")
    assert main([str(tmp_path), "--out", str(tmp_path / "r"), "--points", str(tmp_path / "points.csv"),
                         "--data", str(SAMPLE_DIR)]) == 2
    assert "not a column of grades.csv" in capsys.readouterr().err and not (tmp_path / "r").exists()


# --------------------------------------------------------------------------------------
# One test accuracy: what the notebook prints when run top to bottom
# --------------------------------------------------------------------------------------

FULL_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def printed_accuracy(parameters, data_dir):
    run = nbrun.run_notebook(filled_handout(), {**parameters, "live_plot": False},
                             env={"MNIST_DATA_HOME": str(data_dir), "MPLBACKEND": "Agg"})
    assert nbrun.error(run) is None, nbrun.error(run)
    return nbrun.printed(run).split(contract.TEST_ACCURACY)[1].split()[0]


def test_a_right_handouts_accuracy_is_what_it_prints_run_top_to_bottom_on_the_sample(graded):
    rows = {r["submission"]: r for r in graded["rows"]}
    assert rows["alice/mnist_mlp_exercise.ipynb"]["test_accuracy"] == printed_accuracy(PARAMETERS, SAMPLE_DIR)


@pytest.mark.slow
@pytest.mark.skipif(not (FULL_DATA / "mnist.npz").exists(), reason="needs the full MNIST in ../shared/data")
@pytest.mark.parametrize("small", [True, False], ids=["--small", "the course's split"])
@pytest.mark.sandbox
def test_a_right_handouts_accuracy_is_what_it_prints_on_the_full_mnist(tmp_path, small):
    nbformat.write(filled_handout(), (tmp_path / "class").mkdir() or tmp_path / "class" / "right.ipynb")
    parameters = core.SMALL if small else {}
    rows = core.grade_class(tmp_path / "class", tmp_path / "report", jobs=1, timeout=900, parameters=parameters,
                               mnist=FULL_DATA / "mnist.npz", progress=lambda line: None)
    printed = printed_accuracy(parameters, FULL_DATA)
    assert rows[0]["test_accuracy"] == printed
    if not small:
        assert printed == "0.9431"  # the course's split, as the README quotes it


# --------------------------------------------------------------------------------------
# Where no sandbox can be made
# --------------------------------------------------------------------------------------


def test_without_bubblewrap_grading_stops_first_and_names_the_command(tmp_path, monkeypatch):
    (tmp_path / "class").mkdir()
    nbformat.write(filled_handout(), tmp_path / "class" / "a.ipynb")
    (tmp_path / "bin").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))  # a machine where bwrap is not installed
    with pytest.raises(core.GradingError) as error:
        core.grade_class(tmp_path / "class", tmp_path / "report", mnist=SAMPLE_DIR / "mnist.npz")
    text = str(error.value)
    assert text.index("bubblewrap (bwrap) がありません") < text.index("bubblewrap (bwrap) is not installed")
    assert "sudo apt install bubblewrap" in text and "--no-sandbox" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin", "class"]


@pytest.mark.slow
def test_no_sandbox_grades_as_before_and_the_report_says_so(tmp_path):
    (tmp_path / "class").mkdir()
    nbformat.write(filled_handout(WRONG["sigma' forgotten"]), tmp_path / "class" / "a.ipynb")
    rows = core.grade_class(tmp_path / "class", tmp_path / "report", jobs=1, timeout=900, parameters=PARAMETERS,
                               mnist=SAMPLE_DIR / "mnist.npz", use_sandbox=False, progress=lambda line: None)
    assert rows[0]["sandbox"] == "none" and rows[0]["training.Delta_2"] == "wrong" and rows[0]["test_accuracy"]
    assert "sandbox none (--no-sandbox)" in (tmp_path / "report" / "index.html").read_text(encoding="utf-8")


def test_no_page_a_student_gets_tells_about_the_teachers_machine(graded):
    import getpass

    pages = "".join(p.read_text(encoding="utf-8") for p in (graded["out"] / "feedback").glob("*.html"))
    pages += (graded["out"] / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", pages)  # the charts' bytes are not text
    for private in (str(graded["top"]), str(graded["folder"]), str(HOME), "/tmp/pytest", f"/home/{getpass.getuser()}",
                    "/root/", sys.executable, str(Path(__file__).parents[1])):
        assert private not in text, private
    assert not re.search(rf"\b{re.escape(socket.gethostname())}\b", text), "the host name"
