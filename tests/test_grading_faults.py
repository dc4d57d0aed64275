"""The grader under faults, in the real bubblewrap sandbox: what a careful teacher and an attacker tried (issue 31).

The box is an allowlist (a class and a teacher's secret under a folder no list of hidden folders covers); nothing of
the machine reaches a student's page; links and odd entries get rows of their own, and a class is read one notebook
at a time; Ctrl-C stops at once and the same command goes on; a rerun updates the report; a read-only or full --out
is found first; two graders at once (one with a fork hog) do not touch each other.

Every wait here waits for an event (a file a notebook writes, a process that ends), with a generous timeout only as a
backstop: no test depends on the machine's speed.
"""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import warnings
import zipfile
from pathlib import Path

import nbformat
import pytest

import nbrun
from answer_check import contract
from grading import core, sandbox, state, submissions
from helpers import EXERCISE, SAMPLE_DIR, filled_handout
from mistakes import WRONG

pytestmark = [pytest.mark.slow, pytest.mark.sandbox]

PARAMETERS = {name: nbrun.SAMPLE[name] for name in ("n_train", "n_valid")}  # the sample's split
TOKEN = secrets.token_hex(8)
# The command line, with --small meaning the sample's split (the sample holds 6,000 digits)
GRADER = [sys.executable, "-c", "import sys; from grading import core, __main__; "
          f"core.SMALL = {PARAMETERS!r}; sys.exit(__main__.main(sys.argv[1:]))"]
BACKSTOP = 300  # seconds: only ever a timeout, never what a test measures


def with_train(nb, code):
    """nb with code run first in the training cell (in the notebook's kernel, in the box; not among judged lines)."""
    for cell in nb.cells:
        if cell.get("id") == "train":
            cell.source = code + "\n" + cell.source
    return nb


def grade(class_path, out, **options):
    return core.grade_class(class_path, out, **{"jobs": 1, "timeout": 900, "parameters": PARAMETERS,
                                                "mnist": SAMPLE_DIR / "mnist.npz", "progress": lambda line: None,
                                                **options})


def start(class_path, out, tmp, *extra):
    """The grader's command line, started as a terminal starts it (its own process group), with TMPDIR=tmp."""
    tmp.mkdir(exist_ok=True)
    log = open(tmp.parent / f"grader-{out.name}-{time.monotonic_ns()}.log", "w+")
    process = subprocess.Popen([*GRADER, str(class_path), "--out", str(out), "--small", "--data", str(SAMPLE_DIR),
                                "-j", "1", "--timeout", "900", *extra], cwd=contract.ROOT,
                               env={**os.environ, "TMPDIR": str(tmp)}, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    process.log = log
    return process


def finish(process, timeout=BACKSTOP):
    """(exit code, what it printed) of a grader started by ``start``, once it ends."""
    try:
        process.wait(timeout=timeout)
    finally:
        process.log.seek(0)
        said = process.log.read()
        process.log.close()
    return process.returncode, said


def wait_for(found, what, timeout=BACKSTOP):
    """Poll until found() is true (a backstop timeout only, for a run that never gets there)."""
    end = time.monotonic() + timeout
    while not found():
        assert time.monotonic() < end, f"waited {timeout} s for {what}"
        time.sleep(0.2)


def processes_with(word):
    found = []
    for path in Path("/proc").iterdir():
        if path.name.isdigit():
            try:
                if word.encode() in (path / "cmdline").read_bytes():
                    found.append(int(path.name))
            except OSError:
                pass
    return found


def marker(tmp, name):
    """A file a notebook wrote in its box's folder, seen from outside: TMPDIR/mnist-grade-*/box-*/box/name."""
    return lambda: list(tmp.glob(f"{sandbox.PREFIX}*/box-*/box/{name}"))


def rows_of(out):
    import csv

    with open(out / "grades.csv", encoding="utf-8-sig", newline="") as f:
        return {r["submission"]: r for r in csv.DictReader(f)}


# --------------------------------------------------------------------------------------
# 1 and 2: the box is an allowlist; nothing of the machine on a student's page
# --------------------------------------------------------------------------------------


@pytest.fixture
def opt_folder():
    """A folder under /opt, which no list of hidden folders covered: the class and a teacher's secret go there."""
    folder = Path("/opt") / f"mnist-grade-test-{TOKEN}"
    try:
        folder.mkdir(parents=True)
    except OSError as e:
        pytest.skip(f"needs a folder under /opt (run as root, as CI does): {e}")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_inside_a_box_only_the_system_python_and_its_own_folder_are_seen(opt_folder, tmp_path):
    secret = opt_folder / "secret.txt"
    secret.write_text(TOKEN)
    clone = opt_folder / "clone"
    clone.mkdir()
    shutil.copy(contract.ROOT / contract.SOLUTION, clone / contract.SOLUTION)
    probe = ("import json, os, socket\n"
             "paths = " + repr([str(secret), str(clone / contract.SOLUTION), str(contract.ROOT / contract.SOLUTION),
                                "/opt", "/srv", "/home", "/root/.ssh", "/mnt", "/media", "/run",
                                str(tmp_path), str(contract.ROOT)]) + "\n"
             f"home = {str(Path.home())!r}\n"
             "print(json.dumps({'seen': [p for p in paths if os.path.exists(p)], 'top': sorted(os.listdir('/')),"
             " 'host': socket.gethostname(), 'passwd': open('/etc/passwd').read(), 'uid': os.getuid(),"
             " 'etc': sorted(os.listdir('/etc')), 'import': __import__('numpy').__name__,"
             " 'home': sorted(os.listdir(home)) if os.path.isdir(home) else []}))")
    with sandbox.Run() as run:
        box = run.folder / "box-probe" / "box"
        for folder in ("grader", "input", "data", "home", "tmp", "out"):
            (box / folder).mkdir(parents=True)
        uid = run.first_uid
        if os.geteuid() == 0:
            for path in [box, *box.rglob("*")]:
                os.chown(path, uid, uid)
        etc = sandbox.make_etc(run.folder / "box-probe" / "etc", uid)
        ran = subprocess.run(sandbox.box_command(box, uid, [sys.executable, "-c", probe], etc), capture_output=True,
                             text=True, timeout=BACKSTOP)
        assert stat.S_IMODE(run.folder.stat().st_mode) == 0o700  # students' notebooks: private
    assert ran.returncode == 0, ran.stderr
    seen = json.loads(ran.stdout)
    assert seen["seen"] == [] and seen["import"] == "numpy"
    assert set(seen["top"]) <= {"bin", "sbin", "lib", "lib32", "lib64", "libx32", "usr", "etc", "proc", "dev", "tmp",
                                "var", *{Path(p).parts[1] for p in sandbox._python_dirs()}}
    python = [Path(p) for p in sandbox._python_dirs()]  # HOME holds nothing but the way to the grader's Python
    assert set(seen["home"]) <= {p.relative_to(Path.home()).parts[0] for p in python if Path.home() in p.parents}
    assert seen["host"] == "box" and seen["host"] != socket.gethostname()
    assert seen["passwd"].splitlines() == [f"box:x:{uid}:{uid}:box:/tmp/box/home:/bin/sh"]
    assert set(seen["etc"]) <= {"passwd", "group", "hostname", "hosts", "nsswitch.conf", *sandbox.ETC}
    if os.geteuid() == 0:
        assert seen["uid"] == uid


def test_a_notebook_that_reads_the_machine_shows_its_error_type_and_line_and_nothing_of_the_machine(opt_folder):
    secret = opt_folder / "teacher" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(f"the teacher's secret {TOKEN}")
    clone = opt_folder / "other-clone"
    clone.mkdir()
    (clone / contract.SOLUTION).write_text(f"the solution {TOKEN}")
    folder = opt_folder / "class"
    (folder / "alice").mkdir(parents=True)
    alice = filled_handout()
    alice.cells.append(nbformat.v4.new_markdown_cell(f"alice's own words {TOKEN}"))
    nbformat.write(alice, folder / "alice" / "right.ipynb")
    targets = [secret, folder / "alice" / "right.ipynb", clone / contract.SOLUTION,
               contract.ROOT / contract.SOLUTION, Path("/etc/passwd"), Path("/etc/hostname")]
    mallory = with_train(filled_handout(), (
        "import socket, sys\nfound = []\n"
        f"for path in {[str(t) for t in targets]!r}:\n"
        "  try:\n    found.append(open(path).read()[:3000])\n"
        "  except OSError as error:\n    found.append(repr(error))\n"
        "raise RuntimeError(socket.gethostname() + sys.executable + repr(found))"))
    (folder / "mallory").mkdir()
    nbformat.write(mallory, folder / "mallory" / "reads.ipynb")
    out = opt_folder / "report"
    rows = {r["submission"]: r for r in grade(folder, out)}
    assert rows["alice/right.ipynb"]["score"] == "24" and rows["alice/right.ipynb"]["test_accuracy"]
    assert rows["mallory/reads.ipynb"]["problem"] == ("not trained: cell train raised RuntimeError; "
                                                      "no test accuracy")
    written = b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file())
    assert TOKEN.encode() not in written  # the secret, the other student's notebook, the solution of a clone
    page = next((out / "feedback").glob("*mallory*")).read_text(encoding="utf-8")
    assert "RuntimeError" in page and "raise RuntimeError(socket.gethostname() + sys.executable" in page
    text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", page)
    host = socket.gethostname()
    assert not re.search(rf"(?<![\w.-]){re.escape(host)}(?![\w-])", text), "the host name"
    assert sys.executable not in text and sys.prefix not in text and ":x:0:0:" not in text
    users = [line.split(":")[0] for line in Path("/etc/passwd").read_text().splitlines() if line.count(":") >= 6]
    assert not [u for u in users if len(u) > 3 and re.search(rf"\b{re.escape(u)}:", text)]


# --------------------------------------------------------------------------------------
# 3: links and odd entries get rows; a class is read one notebook at a time
# --------------------------------------------------------------------------------------


def test_links_and_odd_entries_each_get_a_row_saying_so(tmp_path):
    secret = tmp_path / "teacher" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(f"the teacher's secret {TOKEN}")
    folder = tmp_path / "class"
    (folder / "carl-real").mkdir(parents=True)
    nbformat.write(filled_handout(), folder / "carl-real" / "right.ipynb")
    (folder / "link.ipynb").symlink_to(secret)
    (folder / "dora").symlink_to(folder / "carl-real", target_is_directory=True)
    os.mkfifo(folder / "fifo.ipynb")  # reading it would wait for ever
    with open(folder / "huge.ipynb", "wb") as f:
        f.truncate(submissions.MAX_BYTES + 1)
    archive = tmp_path / "class.zip"
    right, empty = nbformat.writes(filled_handout()), nbformat.writes(nbformat.read(EXERCISE, as_version=4))
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("../../escape.ipynb", right)
        z.writestr("/absolute.ipynb", right)
        link = zipfile.ZipInfo("linked.ipynb")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16  # what unzip restores as a link
        z.writestr(link, str(secret))
        with warnings.catch_warnings():  # two entries of one name (zipfile warns): two rows, two results
            warnings.simplefilter("ignore", UserWarning)
            for text in (empty, right):
                z.writestr("same/name.ipynb", text)
    rows = {r["submission"]: r for r in grade(folder, tmp_path / "report")}
    assert rows["link.ipynb"]["problem"].startswith("a symbolic link, not followed")
    assert rows["dora/"]["problem"].startswith("a symbolic link, not followed: not graded: a link to a folder")
    assert rows["fifo.ipynb"]["problem"] == "not a plain file: not read"
    assert rows["huge.ipynb"]["problem"] == "too large: over the size cap of 50 MB"
    assert rows["carl-real/right.ipynb"]["score"] == "24"
    assert TOKEN.encode() not in b"".join(p.read_bytes() for p in (tmp_path / "report").rglob("*") if p.is_file())
    zipped = {r["submission"]: r for r in grade(archive, tmp_path / "zipped")}
    assert set(zipped) == {"../../escape.ipynb", "/absolute.ipynb", "linked.ipynb", "same/name.ipynb",
                           "same/name.ipynb (2)"}
    assert zipped["../../escape.ipynb"]["problem"].startswith("a name in the zip that points outside the class")
    assert zipped["/absolute.ipynb"]["problem"].startswith("a name in the zip that points outside the class")
    assert zipped["linked.ipynb"]["problem"].startswith("a symbolic link, not followed")
    assert zipped["same/name.ipynb"]["score"] == "0" and zipped["same/name.ipynb (2)"]["score"] == "24"
    assert not (tmp_path / "escape.ipynb").exists() and not Path("/escape.ipynb").exists()


def test_a_class_is_read_one_notebook_at_a_time(tmp_path):
    """Twenty 45 MB entries (1.46 GB of memory when a class was read whole): each read, judged, let go."""
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(20):
            z.writestr(f"s{i:02d}.ipynb", b'{"cells": [' + b" " * (45 * 2**20))
    # what the grader holds, traced (tracemalloc): the process's resident size also counts what the C allocator
    # keeps after it is freed, which varied from 328 to 876 MB for the same run
    measure = ("import sys, tracemalloc\ntracemalloc.start()\nfrom grading import core, __main__\n"
               f"core.SMALL = {PARAMETERS!r}\ncode = __main__.main(sys.argv[1:])\n"
               "print('PEAK', tracemalloc.get_traced_memory()[1] // 2**20)\nsys.exit(code)")
    ran = subprocess.run([sys.executable, "-c", measure, str(archive), "--out", str(tmp_path / "report"), "--data",
                          str(SAMPLE_DIR), "--small", "-j", "1"], cwd=contract.ROOT, capture_output=True, text=True,
                         timeout=BACKSTOP, env={**os.environ, "TMPDIR": str(tmp_path)})
    assert ran.returncode == 0, ran.stderr
    peak = int(ran.stdout.split("PEAK")[1])
    rows = rows_of(tmp_path / "report")
    assert len(rows) == 20 and all(r["problem"].startswith("not a notebook") for r in rows.values())
    print(f"peak memory grading twenty 45 MB entries: {peak} MB")
    assert peak < 400, peak  # one notebook at a time: its bytes, its text and its parse (whole: 900 MB and more)


# --------------------------------------------------------------------------------------
# 4 and 5: Ctrl-C stops; the same command goes on, and updates the report after a resubmission
# --------------------------------------------------------------------------------------


def test_ctrl_c_stops_at_once_and_the_same_command_goes_on_then_updates_the_report(tmp_path):
    folder, out, tmp = tmp_path / "class", tmp_path / "report", tmp_path / "tmp"
    folder.mkdir()
    nbformat.write(filled_handout(), folder / "a.ipynb")
    survivor = f"mnist-grade-sleeper-{TOKEN}"
    nbformat.write(with_train(filled_handout(), (
        "import subprocess, sys, time\n"
        f"subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(3600)', {survivor!r}])\n"
        "open('SLEEPING', 'w').write('')\ntime.sleep(3600)")), folder / "b.ipynb")
    grader = start(folder, out, tmp)  # -j 1: a.ipynb is graded before b.ipynb starts
    wait_for(marker(tmp, "SLEEPING"), "b.ipynb's box to start sleeping")
    stopped = time.monotonic()
    os.killpg(grader.pid, signal.SIGINT)  # Ctrl-C in the terminal: to the grader's process group
    code, said = finish(grader)
    print(f"Ctrl-C to the grader's exit: {time.monotonic() - stopped:.1f} s")
    lines = [line for line in said.strip().splitlines() if not line.startswith("注意")]
    assert code == 130 and "Traceback" not in said
    assert lines[-1].startswith("grading: 採点を止めました: 2 件のうち 1 件を採点済みです")
    assert "Stopped: 1 of 2 notebooks graded" in lines[-1] and "run the same command again to go on" in lines[-1]
    wait_for(lambda: not processes_with(survivor), "the sleeping box's processes to end", timeout=60)
    assert list(tmp.iterdir()) == []  # the temporary folders are gone
    work = tmp_path / ".report.grading"
    assert not out.exists() and stat.S_IMODE(work.stat().st_mode) == 0o700
    assert len(list((work / "results").glob("*.json"))) == 1

    # the same command again goes on: a.ipynb is kept, the resubmitted b.ipynb graded
    nbformat.write(filled_handout(WRONG["sigma' forgotten"]), folder / "b.ipynb")
    code, said = finish(start(folder, out, tmp))
    assert code == 0, said
    assert "1 of 2 kept from before (unchanged), 1 to grade" in said and "1/1 graded" in said
    rows = rows_of(out)
    assert rows["a.ipynb"]["score"] == "24" and rows["b.ipynb"]["score"] == "23"
    assert not work.exists() and list(tmp.iterdir()) == []

    # a resubmission and a student gone: one notebook graded, one row dropped, the pages rewritten
    nbformat.write(filled_handout(WRONG["dLdb_2 mean"]), folder / "b.ipynb")
    (folder / "a.ipynb").unlink()
    code, said = finish(start(folder, out, tmp))
    assert code == 0 and "0 of 1 kept from before" not in said and "1/1 graded" in said, said
    assert set(rows_of(out)) == {"b.ipynb"} and rows_of(out)["b.ipynb"]["score"] == "23"
    assert [p.name for p in (out / "feedback").iterdir()] == ["001-b.html"]
    code, said = finish(start(folder, out, tmp))  # nothing changed: nothing graded
    assert code == 0 and "1 of 1 kept from before (unchanged), 0 to grade" in said, said
    code, said = finish(start(folder, out, tmp, "--fresh"))
    assert code == 0 and "kept from before" not in said and "1/1 graded" in said, said


# --------------------------------------------------------------------------------------
# 7: two graders at once, one with a fork hog; a second grader on the same --out; a killed run's leftovers
# --------------------------------------------------------------------------------------


def test_two_graders_at_once_do_not_touch_each_other_and_a_killed_runs_leftovers_go(tmp_path):
    tmp = tmp_path / "tmp"
    hog_class, right_class = tmp_path / "class-a", tmp_path / "class-b"
    hog_class.mkdir()
    right_class.mkdir()
    sleep = f"3600.{int(TOKEN, 16) % 10**9:09d}"  # GNU sleep reads a fraction: a word only this test's hog has
    nbformat.write(with_train(filled_handout(), (
        "import subprocess, time\nkids = []\ntry:\n  while True:\n"
        f"    kids.append(subprocess.Popen(['sleep', {sleep!r}]))\n"
        "except OSError:\n  pass\n"
        "open('HOLDING', 'w').write(str(len(kids)))\ntime.sleep(3600)")), hog_class / "hog.ipynb")
    nbformat.write(filled_handout(), right_class / "right.ipynb")
    hog = start(hog_class, tmp_path / "report-a", tmp)
    wait_for(marker(tmp, "HOLDING"), "the fork hog to reach its process cap")
    held = int(marker(tmp, "HOLDING")()[0].read_text())
    assert 100 < held < sandbox.PROCESSES, held  # it filled its own cap

    code, said = finish(start(hog_class, tmp_path / "report-a", tmp), timeout=60)  # the same --out: refused
    assert code == 2 and "another grader is writing" in said and "別の採点が" in said, said
    code, said = finish(start(right_class, tmp_path / "report-b", tmp))  # another class, while the hog holds
    assert code == 0, said
    assert hog.poll() is None and marker(tmp, "HOLDING")()  # it held its processes all along
    right = rows_of(tmp_path / "report-b")["right.ipynb"]
    assert right["score"] == "24" and right["problem"] == "" and right["test_accuracy"]

    hog.kill()  # kill -9: nothing of the grader runs after it
    assert finish(hog)[0] == -signal.SIGKILL
    wait_for(lambda: not processes_with(sleep), "the killed grader's boxes to end", timeout=60)
    left = list(tmp.glob(f"{sandbox.PREFIX}*"))
    assert len(left) == 1 and stat.S_IMODE(left[0].stat().st_mode) == 0o700  # private while it waits
    assert (tmp_path / ".report-a.grading").is_dir()
    (hog_class / "hog.ipynb").write_bytes(b"resubmitted: not a notebook")
    code, said = finish(start(hog_class, tmp_path / "report-a", tmp))  # a later run removes what it left
    assert code == 0, said
    assert list(tmp.iterdir()) == [] and not (tmp_path / ".report-a.grading").exists()
    assert rows_of(tmp_path / "report-a")["hog.ipynb"]["problem"].startswith("not a notebook")


# --------------------------------------------------------------------------------------
# 6: a read-only or full --out is found before the first box; a disk full at the end keeps what was graded
# --------------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MB file system of its own (tmpfs), mounted for the test."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0755", "tmpfs", str(disk)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"needs to mount a small tmpfs (root, as CI runs): {mounted.stderr.strip()}")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk, leave):
    """Fill disk until only about `leave` bytes are free; returns the filler."""
    filler = disk / "filler"
    free = shutil.disk_usage(disk).free
    with open(filler, "wb") as f:
        try:
            f.write(bytes(max(0, free - leave)))
            f.flush()
            os.fsync(f.fileno())
        except OSError:
            pass
    return filler


def test_a_read_only_or_full_out_is_found_first_and_a_full_disk_at_the_end_keeps_the_grading(
        tmp_path, small_disk, monkeypatch):
    folder = tmp_path / "class"
    folder.mkdir()
    nbformat.write(filled_handout(), folder / "a.ipynb")
    real_run_box = sandbox.run_box
    boxes = []
    monkeypatch.setattr(sandbox, "run_box", lambda *a, **k: boxes.append(1) or real_run_box(*a, **k))

    filler = fill(small_disk, 0)
    out = small_disk / "report"
    with pytest.raises(core.GradingError) as error:
        grade(folder, out)
    assert str(small_disk) in str(error.value) and "no space left" in str(error.value)
    assert "空き容量がありません" in str(error.value) and boxes == []

    filler.unlink()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        with pytest.raises(core.GradingError) as error:
            grade(folder, out)
        assert str(small_disk) in str(error.value) and "read-only" in str(error.value) and boxes == []
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)

    filler = fill(small_disk, 100 * 2**10)  # room for a result, not for the class page's charts
    with pytest.raises(core.GradingError) as error:
        grade(folder, out)
    assert boxes == [1] and str(out) in str(error.value) and "no space left" in str(error.value), str(error.value)
    work = small_disk / ".report.grading"
    assert not out.exists() and len(list((work / "results").glob("*.json"))) == 1
    assert not (work / "staging").exists()

    filler.unlink()  # space again: the report is written from what was kept, without a box
    rows = grade(folder, out)
    assert boxes == [1] and rows[0]["score"] == "24" and (out / "index.html").is_file()
    assert sorted(p.name for p in small_disk.iterdir()) == ["report"]
    assert json.loads((out / state.STATE).read_text())["format"] == state.FORMAT
