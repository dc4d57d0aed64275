"""Running one notebook in its own box: bubblewrap (``bwrap``), the sandbox under Flatpak, made by the grader.

Each submission gets a fresh folder, its own copy of the grader's files (``BOX_FILES``) and MNIST, and runs
``grading/runner.py`` there.
With the sandbox (the default on Linux), everything the notebook starts runs inside bubblewrap:

* no network at all: a network namespace of its own with only its own loopback (the host's 127.0.0.1 unreachable);
* the file system read-only, except the box's folder; the teacher's HOME, /home, /root, /tmp, /run, /mnt and /media
  replaced by empty folders (the Python the grader runs with is bound back, read-only, where it lives);
* its own process namespace: when the run ends, every process it started ends with it;
* limits: memory (address space per process), processes, the size of each file written, a time limit per cell and a
  backstop for the whole run.

As root, the box runs as an unprivileged user of its own (a user id per box), so the process cap holds; as another
user, in a user namespace of its own, where the cap counts only the box's processes. ``--no-sandbox`` runs the same
runner in a plain process, with the same limits but the teacher's rights.
"""

import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import handout
from grading import report

ROOT = handout.ROOT
PACKAGE = tuple(f"grading/{name}" for name in ("__init__.py", "__main__.py", "core.py", "gradescope.py", "report.py",
                                               "runner.py", "sandbox.py", "submissions.py"))
BOX_FILES = ("grading/__init__.py", "grading/runner.py", "nbrun.py", *handout.HELPERS, handout.HANDOUT)  # in a box
PROCESSES = 256  # processes and threads a box may have at once (a kernel and its client use about 30)
FILE_MB = 100  # the largest file a box may write
TMP_MB = 512  # the size of the box's own /tmp and /var/tmp (memory-backed)
HIDDEN = ("/home", "/root", "/tmp", "/var/tmp", "/run", "/mnt", "/media", "/srv")
BOX_UID = 61000  # as root: the box's user id is BOX_UID + its slot
INSIDE = "/tmp/box"  # the box's folder, as the notebook sees it


def problem():
    """Why no sandbox can be made here, in Japanese then English, with the command that fixes it; None if it can."""
    system = platform.system()
    if system != "Linux":
        where = "macOS" if system == "Darwin" else system
        return (f"この採点は Linux のサンドボックス (bubblewrap) の中で学生のコードを実行しますが、"
                f"{where} では使えません。"
                "Windows なら WSL の Ubuntu の中で実行してください (wsl --install)。macOS では Linux の仮想マシンか"
                "コンテナの中で実行してください。それができないときだけ --no-sandbox を付けてください "
                "(学生のコードが先生の権限で動きます)。\n"
                f"Grading runs students' code in a Linux sandbox (bubblewrap), which {where} does not have. "
                "On Windows, "
                "run it inside WSL's Ubuntu (wsl --install); on macOS, inside a Linux virtual machine or container. "
                "Only if you cannot, add --no-sandbox (students' code then runs with your rights).")
    if shutil.which("bwrap") is None:
        return ("bubblewrap (bwrap) がありません。sudo apt install bubblewrap でインストールしてください "
                "(Fedora: sudo dnf install bubblewrap)。\n"
                "bubblewrap (bwrap) is not installed: sudo apt install bubblewrap (Fedora: sudo dnf install "
                "bubblewrap).")
    test = subprocess.run(["bwrap", *_namespaces(), "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev",
                           "true"], capture_output=True, text=True)
    if test.returncode != 0:
        return ("bubblewrap はありますが、サンドボックスを作れません (ユーザー名前空間が無効です): "
                f"{test.stderr.strip()[:200]}。Debian では sudo sysctl -w kernel.unprivileged_userns_clone=1、"
                "Ubuntu 24.04 以降では sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 "
                "で有効にできます。\n"
                "bubblewrap is installed but cannot make a sandbox (user namespaces are off): "
                f"{test.stderr.strip()[:200]}."
                " On Debian: sudo sysctl -w kernel.unprivileged_userns_clone=1; on Ubuntu 24.04 and later: "
                "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0.")
    return None


def _namespaces():
    shared = ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
              "--die-with-parent", "--new-session"]
    return shared if os.geteuid() == 0 else ["--unshare-user", "--cap-drop", "ALL", *shared]


def _python_dirs():
    """The folders the grader's Python needs (its prefix, its packages), resolved: bound back into the box."""
    import site
    import sysconfig

    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable)),
             *site.getsitepackages(), *(sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib"))}
    resolved = {os.path.realpath(p) for p in paths if p and os.path.isdir(p)} | {p for p in paths if p}
    return sorted(p for p in resolved if os.path.isdir(p))


def bwrap_command(box, slot, phase):
    """The bubblewrap command line that runs ``python -m grading.runner`` on the box folder ``box``, for one phase."""
    command = ["bwrap", *_namespaces(), "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev"]
    hidden = [*HIDDEN, os.path.expanduser("~")]
    for folder in dict.fromkeys(hidden):
        if folder in ("/tmp", "/var/tmp"):  # writable by all, as on any Linux, and capped in size
            command += ["--perms", "1777", "--size", str(TMP_MB * 2**20), "--tmpfs", folder]
        elif os.path.isdir(folder):
            command += ["--tmpfs", folder]
    made = set()
    for folder in _python_dirs():
        top = next((h for h in hidden if folder == h or folder.startswith(h.rstrip("/") + "/")), None)
        if top is None:
            continue
        parts = Path(folder).relative_to(top).parts
        for depth in range(1, len(parts)):  # the folders on the way, readable (bwrap makes them 0700)
            step = str(Path(top, *parts[:depth]))
            if step not in made:
                made.add(step)
                command += ["--perms", "0755", "--dir", step]
        command += ["--ro-bind", folder, folder]
    command += ["--bind", str(box), INSIDE, "--ro-bind", str(box / "grader"), f"{INSIDE}/grader",
                "--ro-bind", str(box / "data"), f"{INSIDE}/data", "--ro-bind", str(box / "input"), f"{INSIDE}/input",
                "--chdir", f"{INSIDE}/grader", "--clearenv"]
    for name, value in _env().items():
        command += ["--setenv", name, value]
    if os.geteuid() == 0:
        uid = str(BOX_UID + slot)
        command += ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all",
                    "--bounding-set=-all", "--no-new-privs"]
    return [*command, sys.executable, "-m", "grading.runner", INSIDE, phase]


def _env(box=INSIDE):
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": f"{box}/home", "TMPDIR": f"{box}/tmp",
            "LANG": "C.UTF-8", "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
            "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0", "PYTHONPATH": f"{box}/grader",
            "JUPYTER_RUNTIME_DIR": f"{box}/tmp/jupyter", "MNIST_DATA_HOME": f"{box}/data"}


def run_box(data, mnist, parameters, timeout, memory_mb, line_seconds, sandbox=True, slot=0):
    """Run one submission (bytes) in a fresh box; returns what it left: {"made", "weights", "run", "problem"}.

    Never raises for what a notebook does: a notebook that ends the run early gets a reason in "problem"."""
    top = Path(tempfile.mkdtemp(prefix="mnist-grade-"))
    try:
        box = top / "box"
        for folder in ("grader", "input", "home", "tmp", "data", "out"):
            (box / folder).mkdir(parents=True)
        for name in BOX_FILES:
            (box / "grader" / name).parent.mkdir(exist_ok=True)
            shutil.copy(ROOT / name, box / "grader" / name)
        shutil.copy(mnist, box / "data" / "mnist.npz")
        inside = INSIDE if sandbox else str(box)
        env = _env(inside)
        job = {"parameters": parameters, "timeout": timeout, "memory_mb": memory_mb, "line_seconds": line_seconds,
               "processes": PROCESSES, "file_mb": FILE_MB, "env": env}
        if sandbox and os.geteuid() == 0:
            top.chmod(0o755)
            for path in [box, *box.rglob("*")]:
                os.chown(path, BOX_UID + slot, BOX_UID + slot)
        results = {}
        for phase in ("lines", "notebook"):  # each in a box of its own: the notebook never sees the lines' record
            shutil.rmtree(box / "input", ignore_errors=True)  # the grader's inputs, afresh (read-only in the box)
            (box / "input").mkdir()
            (box / "input" / "job.json").write_text(json.dumps(job))
            (box / "input" / "submission.ipynb").write_bytes(data)
            command = bwrap_command(box, slot, phase) if sandbox else [sys.executable, "-m", "grading.runner", str(box),
                                                                                 phase]
            backstop = 3 * timeout + 120  # each cell has `timeout`; this ends a run that ignores it
            with open(top / "stderr", "w+b") as errors:  # a file, not a pipe: a notebook may write gigabytes there
                process = subprocess.Popen(command, cwd=box / "grader", env=env if not sandbox else None,
                                           stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True)
                try:
                    process.wait(timeout=backstop)
                except subprocess.TimeoutExpired:
                    late = report.problem("time_limit", f": still running after {backstop:.0f} s")
                    return {**results, "problem": late}
                finally:
                    _kill_group(process)
                errors.seek(max(0, errors.seek(0, os.SEEK_END) - 2000))
                stderr = errors.read()
            results.update(_collect(box / "out", stderr, phase))
            shutil.rmtree(box / "out", ignore_errors=True)
            (box / "out").mkdir()
            if sandbox and os.geteuid() == 0:
                os.chown(box / "out", BOX_UID + slot, BOX_UID + slot)
        return results
    finally:
        shutil.rmtree(top, ignore_errors=True)


def _kill_group(process):
    """End the run's process group (with the sandbox, bubblewrap's process namespace has already ended them all)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def _read(path, limit=50 * 2**20):
    """A result file's bytes, or None if it is missing or too large to be the grader's."""
    if not path.is_file() or path.is_symlink() or path.stat().st_size > limit:
        return None
    return path.read_bytes()


def _collect(out, stderr, phase):
    """What one phase left: {"made"} after the lines, {"run", "weights"} after the notebook; "problem" if nothing."""
    stderr = stderr.decode("utf-8", "replace")[-300:]
    name = "made.json" if phase == "lines" else "run.json"
    data = _read(out / name)
    try:
        value = json.loads(data) if data else None
    except (json.JSONDecodeError, UnicodeDecodeError):
        value = None
    if phase == "lines":
        return {"made": value if isinstance(value, dict) else None}
    result = {"run": value if isinstance(value, dict) else {}, "weights": _read(out / "weights.npz")}
    if value is None:
        last = stderr.strip().split("\n")[-1][:200]
        result["problem"] = (report.problem("memory_cap") if "MemoryError" in last else
                             report.problem("run_ended", f": {last}"))
    return result
