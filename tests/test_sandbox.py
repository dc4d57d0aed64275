"""grading/sandbox.py and grading/runner.py, without running a box: the bubblewrap command line, what a box is given
and what the runner makes of a handout. (The real sandbox is exercised in tests/test_grading.py.)"""

import json

import nbformat

from answer_check import contract
from grading import runner, sandbox
from helpers import EXERCISE, filled_handout


def options(command):
    """{option: [its arguments, ...]} of a bwrap command line, for the options this test reads."""
    found = {}
    for i, word in enumerate(command):
        if word in ("--tmpfs", "--setenv", "--bind", "--ro-bind"):
            found.setdefault(word, []).append(tuple(command[i + 1:i + 3]))
    return found


def test_the_box_is_an_allowlist_with_no_network_and_writes_only_its_folder(tmp_path):
    etc = sandbox.make_etc(tmp_path / "etc", 61001)
    command = sandbox.bwrap_command(tmp_path, 61001, "lines", etc)
    assert command[0] == "bwrap" and "--unshare-net" in command and "--unshare-pid" in command
    assert "--die-with-parent" in command and "--clearenv" in command
    assert command[command.index("--hostname") + 1] == "box"
    seen = options(command)
    assert ("/", "/") not in seen["--ro-bind"]  # nothing of the machine but what is named
    mounted = {args[1] for args in seen["--ro-bind"] + seen["--bind"]} | {args[0] for args in seen["--tmpfs"]}
    assert {"/tmp", "/var/tmp", "/usr"} <= mounted and not mounted & {"/home", "/opt", "/srv", "/mnt", "/run"}
    assert (str(etc["passwd"]), "/etc/passwd") in seen["--ro-bind"] and "/etc" not in mounted
    assert etc["passwd"].read_text() == "box:x:61001:61001:box:/tmp/box/home:/bin/sh\n"
    assert (str(tmp_path), sandbox.INSIDE) in seen["--bind"]
    assert (str(tmp_path / "input"), f"{sandbox.INSIDE}/input") in seen["--ro-bind"]
    env = dict(args for args in seen["--setenv"])
    assert env["PYTHONPATH"] == f"{sandbox.INSIDE}/grader" and env["OPENBLAS_NUM_THREADS"] == "1"
    assert command[-4:] == ["-m", "grading.runner", sandbox.INSIDE, "lines"]


def test_a_box_is_given_the_learners_side_the_runner_and_the_handout_and_nothing_of_the_teachers():
    assert set(contract.HELPERS) <= set(sandbox.BOX_FILES) and contract.HANDOUT in sandbox.BOX_FILES
    assert "grading/runner.py" in sandbox.BOX_FILES and "grading/core.py" not in sandbox.BOX_FILES
    assert contract.SOLUTION not in sandbox.BOX_FILES
    assert all((contract.ROOT / name).is_file() for name in (*sandbox.BOX_FILES, *sandbox.PACKAGE))


def test_the_runner_trains_the_students_cells_without_checks_or_figures_and_saves_the_weights(tmp_path):
    student = filled_handout()
    cells, _ = contract.find_cells(student)
    nb = runner.executable(nbformat.read(EXERCISE, as_version=4), cells, {"n_train": 100}, tmp_path / "w.npz")
    ids = [cell.get("id") for cell in nb.cells]
    assert not set(ids) & {*contract.ANSWER_CHECK_CELLS, *contract.DISPLAY_CELLS, contract.COLAB_CELL}
    assert ids[-1] == "grader-weights" and str(tmp_path / "w.npz") in nb.cells[-1].source
    injected = next(cell for cell in nb.cells if cell.id == "injected-parameters")
    assert "n_train = 100" in injected.source and "live_plot = False" in injected.source
    assert "uninstall()" in injected.source
    train = next(cell for cell in nb.cells if cell.get("id") == "train")
    assert train.source == cells["training"]
    for cell_id in contract.COURSE_CHECK_CELLS:  # a failed course check must not stop the training
        assert next(c for c in nb.cells if c.get("id") == cell_id).source.startswith("try:")


def test_what_a_box_leaves_is_read_as_data_with_limits(tmp_path):
    (tmp_path / "made.json").write_text(json.dumps({"training": {}}))
    assert sandbox._collect(tmp_path, b"", "lines") == {"made": {"training": {}}}
    (tmp_path / "made.json").write_text("not json")
    assert sandbox._collect(tmp_path, b"", "lines") == {"made": None}
    (tmp_path / "big").write_bytes(b"x" * 100)
    assert sandbox._read(tmp_path / "big", limit=10) is None
    left = sandbox._collect(tmp_path, b"Traceback\nMemoryError", "notebook")
    assert left["problem"] == {"code": "memory_cap", "detail": ""} and left["weights"] is None
