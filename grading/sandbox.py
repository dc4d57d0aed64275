"""Running one notebook in its own box: bubblewrap (``bwrap``), the sandbox under Flatpak, made by the grader.

Each submission gets a fresh folder, its own copy of the grader's files (``BOX_FILES``) and MNIST, and runs
``grading/runner.py`` there.
With the sandbox (the default on Linux), everything the notebook starts runs inside bubblewrap:

* no network at all: a network namespace of its own with only its own loopback (the host's 127.0.0.1 unreachable);
* an allowlist of the file system, as Flatpak builds with bubblewrap: the system's programs and libraries (/usr and
  its links) and the grader's Python (its prefixes and packages), read-only; an /etc of the box's own (its user
  alone, the host name "box", the dynamic linker's cache); a private /tmp; the box's folder. Nothing else of the
  machine: no /home, /opt, /srv, no other clone, no teacher's file;
* its own process namespace: when the run ends, every process it started ends with it;
* limits: memory (address space per process), processes, the size of each file written, a time limit per cell and a
  backstop for each of the box's two phases.

As root, the box runs as an unprivileged user of its own (a user id per box, from a range no other grader running
on the machine holds: ``Run``), so the process cap holds and counts only this run's box; as another user, in a user
namespace of its own. A run's boxes live in a private folder (0700) that a later run removes if this one was killed;
``Run.stop`` (Ctrl-C) ends every running box at once and starts no new one. ``--no-sandbox`` runs the same
runner in a plain process, with the same limits but the teacher's rights.
"""

import fcntl
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from answer_check import contract
from grading import report

ROOT = contract.ROOT
PACKAGE = tuple(f"grading/{name}" for name in ("__init__.py", "__main__.py", "core.py", "gradescope.py", "judging.py",
                                               "report.py", "runner.py", "sandbox.py", "state.py", "submissions.py"))
BOX_FILES = ("grading/__init__.py", "grading/runner.py", "nbrun.py", *contract.HELPERS, contract.HANDOUT)  # in a box
PROCESSES = 256  # processes and threads a box may have at once (a kernel and its client use about 30)
FILE_MB = 100  # the largest file a box may write
TMP_MB = 512  # the size of the box's own /tmp and /var/tmp (memory-backed)
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")  # read-only in the box (or their links)
ETC = ("ld.so.cache", "localtime", "alternatives", "fonts")  # of the machine's /etc, all a box sees (read-only)
BOX_UID = 61000  # as root: a box runs as BOX_UID + SLOTS * (its run's range) + its slot
SLOTS = 256  # user ids per run: -j at most this
RANGES = (65534 - BOX_UID) // SLOTS  # runs at once on one machine, each with user ids no other run has
INSIDE = "/tmp/box"  # the box's folder, as the notebook sees it
HOSTNAME = "box"
PREFIX = "mnist-grade-"  # a run's private temporary folder: TMPDIR/mnist-grade-XXXX (0700, locked while it runs)


class Stopped(Exception):
    """The run was stopped (Ctrl-C): no new box starts."""


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
    test = subprocess.run(["bwrap", *_namespaces(), *_system(), "--proc", "/proc", "--dev", "/dev", "true"],
                          capture_output=True, text=True)
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
              "--die-with-parent", "--new-session", "--hostname", HOSTNAME]
    return shared if os.geteuid() == 0 else ["--unshare-user", "--cap-drop", "ALL", *shared]


def _system():
    """bwrap's options for the system's programs and libraries, read-only (links kept as links: /bin -> usr/bin)."""
    options = []
    for folder in SYSTEM:
        if os.path.islink(folder):
            options += ["--symlink", os.readlink(folder), folder]
        elif os.path.isdir(folder):
            options += ["--ro-bind", folder, folder]
    return options


def _python_dirs():
    """The folders the grader's Python needs (its prefix, its packages), resolved: bound into the box, read-only."""
    import site
    import sysconfig

    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable)),
             *site.getsitepackages(), *(sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib"))}
    resolved = {os.path.realpath(p) for p in paths if p and os.path.isdir(p)} | {p for p in paths if p}
    return sorted(p for p in resolved if os.path.isdir(p))


def _within(path, folders):
    return any(path == f or path.startswith(f.rstrip("/") + "/") for f in folders)


def make_etc(folder, uid):
    """The box's own /etc files (its user alone, its own host name), written into folder: {name: path}."""
    folder.mkdir(exist_ok=True)
    files = {"passwd": f"box:x:{uid}:{uid}:box:{INSIDE}/home:/bin/sh\n", "group": f"box:x:{uid}:\n",
             "hostname": f"{HOSTNAME}\n", "hosts": f"127.0.0.1 localhost {HOSTNAME}\n::1 localhost\n",
             "nsswitch.conf": "passwd: files\ngroup: files\nhosts: files\n"}
    for name, text in files.items():
        (folder / name).write_text(text)
        (folder / name).chmod(0o644)
    return {name: folder / name for name in files}


def box_command(box, uid, argv, etc):
    """The bubblewrap command line that runs argv in the box folder ``box`` (seen inside as INSIDE), as user uid.

    An allowlist, as Flatpak builds with bubblewrap: the system's programs and libraries and the grader's Python,
    read-only; the box's own /etc (``make_etc``), /tmp, /proc and /dev; the box's folder; nothing else of the
    machine."""
    command = base_command(etc)
    command += ["--bind", str(box), INSIDE, "--ro-bind", str(box / "grader"), f"{INSIDE}/grader",
                "--ro-bind", str(box / "data"), f"{INSIDE}/data", "--ro-bind", str(box / "input"), f"{INSIDE}/input",
                "--chdir", f"{INSIDE}/grader", "--clearenv"]
    return [*command, *as_user(_env(), uid), *argv]


def as_user(env, uid):
    """The end of a box's command line: its environment, and as root the unprivileged user uid with no capability."""
    options = []
    for name, value in env.items():
        options += ["--setenv", name, value]
    if os.geteuid() == 0:
        options += ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all",
                    "--bounding-set=-all", "--no-new-privs"]
    return options


def base_command(etc):
    """What every box is made of (``box_command``, and the nbgrader kernel's, ``boxkernel.py``): bubblewrap's
    namespaces, the system and the grader's Python read-only, its own /tmp, /proc, /dev and /etc."""
    command = ["bwrap", *_namespaces(), *_system()]
    system = [folder for folder in SYSTEM if os.path.isdir(folder) and not os.path.islink(folder)]
    for folder in ("/tmp", "/var/tmp"):  # writable by all, as on any Linux, and capped in size
        command += ["--perms", "1777", "--size", str(TMP_MB * 2**20), "--tmpfs", folder]
    made = {"/"}
    python = [p for p in _python_dirs() if not _within(p, system)]
    for folder in python:
        if _within(folder, [p for p in python if p != folder]):
            continue  # bound with the folder that holds it
        parts = Path(folder).parts
        for depth in range(2, len(parts)):  # the folders on the way, readable (bwrap makes them 0700)
            step = str(Path(*parts[:depth]))
            if step not in made:
                made.add(step)
                command += ["--perms", "0755", "--dir", step]
        command += ["--ro-bind", folder, folder]
    command += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size", str(TMP_MB * 2**20), "--tmpfs",
                "/dev/shm", "--perms", "0755", "--dir", "/etc"]  # /dev/shm: joblib's and multiprocessing's locks
    for name in ETC:
        if os.path.exists(f"/etc/{name}"):
            command += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    for name, path in etc.items():
        command += ["--ro-bind", str(path), f"/etc/{name}"]
    return command


def bwrap_command(box, uid, phase, etc):
    """The bubblewrap command line that runs ``python -m grading.runner`` on the box folder ``box``, for one phase."""
    return box_command(box, uid, [sys.executable, "-m", "grading.runner", INSIDE, phase], etc)


def _env(box=INSIDE):
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": f"{box}/home", "TMPDIR": f"{box}/tmp",
            "LANG": "C.UTF-8", "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
            "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0", "PYTHONPATH": f"{box}/grader",
            "JUPYTER_RUNTIME_DIR": f"{box}/tmp/jupyter", "MNIST_DATA_HOME": f"{box}/data"}


def _lock(path):
    """An open descriptor of path holding an exclusive lock on it, or None if another process holds it."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def remove_stale(top=None):
    """Remove what killed runs left in TMPDIR: every mnist-grade-* folder of this user that no running grader holds.

    Returns how many were removed."""
    top = Path(top or tempfile.gettempdir())
    removed = 0
    for folder in top.glob(PREFIX + "*"):
        try:
            info = folder.lstat()
        except OSError:
            continue
        if not folder.is_dir() or folder.is_symlink() or info.st_uid != os.geteuid():
            continue
        fd = _lock(folder)
        if fd is None:
            continue  # a grader running now
        try:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
        finally:
            os.close(fd)
    return removed


def _state_folder():
    """Where runs claim their user ids (as root): /run/mnist-grading, private to root."""
    folder = Path("/run/mnist-grading") if os.access("/run", os.W_OK) else Path(tempfile.gettempdir(), PREFIX + "ids")
    folder.mkdir(mode=0o700, exist_ok=True)
    info = folder.lstat()
    if folder.is_symlink() or info.st_uid != os.geteuid() or info.st_mode & 0o077:
        raise OSError(f"{folder} is not a private folder of this user: remove it")
    return folder


def _claim_ids():
    """(first user id, lock descriptor): a range of SLOTS user ids that no other grader on this machine holds."""
    folder = _state_folder()
    for index in range(RANGES):
        path = folder / f"ids-{index}.lock"
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_NOFOLLOW, 0o600))
        fd = _lock(path)
        if fd is not None:
            return BOX_UID + index * SLOTS, fd
    raise OSError(f"{RANGES} graders are running on this machine already: wait for one to end")


class Run:
    """One grader run's boxes: its private temporary folder (0700, locked while it runs, so that a later run removes
    it if this one is killed), its user ids (as root: a range no other grader holds, so that the process cap of its
    boxes counts only its own processes), and its running boxes, which ``stop`` ends at once.

    Use as a context manager; ``close`` removes the folder."""

    def __init__(self, sandbox=True):
        remove_stale()
        fresh = Path(tempfile.mkdtemp(prefix="." + PREFIX))  # locked before its name is one remove_stale takes
        self._fd, self._ids = _lock(fresh), None
        self.folder = fresh.with_name(fresh.name[1:])
        fresh.rename(self.folder)
        try:
            self.first_uid, self._ids = _claim_ids() if sandbox and os.geteuid() == 0 else (BOX_UID, None)
        except BaseException:
            self.close()
            raise
        self._lock = threading.Lock()
        self._processes = set()
        self.stopped = False

    def start(self, command, **kwargs):
        """Popen(command) in a session of its own, unless the run was stopped (then Stopped)."""
        with self._lock:
            if self.stopped:
                raise Stopped
            process = subprocess.Popen(command, start_new_session=True, **kwargs)
            self._processes.add(process)
            return process

    def end(self, process):
        """End one box's processes (its process group; bubblewrap's namespace takes the rest)."""
        with self._lock:
            self._processes.discard(process)
        _kill_group(process)

    def stop(self):
        """No new box starts; every running box ends now."""
        with self._lock:
            self.stopped = True
            running = list(self._processes)
        for process in running:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def close(self):
        shutil.rmtree(self.folder, ignore_errors=True)
        for fd in (self._fd, self._ids):
            if fd is not None:
                os.close(fd)
        self._fd = self._ids = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def run_box(data, mnist, parameters, timeout, memory_mb, line_seconds, sandbox=True, slot=0, run=None):
    """Run one submission (bytes) in a fresh box; returns what it left: {"made", "weights", "run", "problem"}.

    ``run``: the grader's Run (a run of its own when None). Never raises for what a notebook does: a notebook that
    ends the run early gets a reason in "problem". Raises Stopped if the run was stopped before or while it ran."""
    if run is None:
        with Run(sandbox) as own:
            return run_box(data, mnist, parameters, timeout, memory_mb, line_seconds, sandbox, slot, own)
    top = Path(tempfile.mkdtemp(prefix="box-", dir=run.folder))
    uid = run.first_uid + slot
    try:
        box = top / "box"
        for folder in ("grader", "input", "home", "tmp", "data", "out"):
            (box / folder).mkdir(parents=True)
        for name in BOX_FILES:
            (box / "grader" / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / name, box / "grader" / name)
        shutil.copy(mnist, box / "data" / "mnist.npz")
        etc = make_etc(top / "etc", uid)
        inside = INSIDE if sandbox else str(box)
        env = _env(inside)
        job = {"parameters": parameters, "timeout": timeout, "memory_mb": memory_mb, "line_seconds": line_seconds,
               "processes": PROCESSES, "file_mb": FILE_MB, "env": env}
        as_root = sandbox and os.geteuid() == 0
        if as_root:
            for path in [box, *box.rglob("*")]:
                os.chown(path, uid, uid)
        results = {}
        for phase in ("lines", "notebook"):  # each in a box of its own: the notebook never sees the lines' record
            shutil.rmtree(box / "input", ignore_errors=True)  # the grader's inputs, afresh (read-only in the box)
            (box / "input").mkdir()
            (box / "input" / "job.json").write_text(json.dumps(job))
            (box / "input" / "submission.ipynb").write_bytes(data)
            command = bwrap_command(box, uid, phase, etc) if sandbox else [sys.executable, "-m", "grading.runner",
                                                                            str(box), phase]
            backstop = 3 * timeout + 120  # each cell has `timeout`; this ends a run that ignores it
            with open(top / "stderr", "w+b") as errors:  # a file, not a pipe: a notebook may write gigabytes there
                process = run.start(command, cwd=box / "grader", env=env if not sandbox else None,
                                    stdout=subprocess.DEVNULL, stderr=errors)
                try:
                    process.wait(timeout=backstop)
                except subprocess.TimeoutExpired:
                    late = report.problem("time_limit", f": still running after {backstop:.0f} s")
                    return {**results, "problem": late}
                finally:
                    run.end(process)
                if run.stopped:
                    raise Stopped
                errors.seek(max(0, errors.seek(0, os.SEEK_END) - 2000))
                stderr = errors.read()
            results.update(_collect(box / "out", stderr, phase))
            _remove(box / "out")  # whatever the notebook left there: a folder, a file, a link
            (box / "out").mkdir()
            if as_root:
                os.chown(box / "out", uid, uid)
        return results
    finally:
        shutil.rmtree(top, ignore_errors=True)


def _remove(path):
    """Remove a path of the box, whatever it has become; never follows a link."""
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        path.unlink()
    elif path.exists():
        shutil.rmtree(path, ignore_errors=True)


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
    data = None if out.is_symlink() or not out.is_dir() else _read(out / name)  # out/ made a link or a file: nothing
    try:
        value = json.loads(data) if data else None
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested deeper than Python reads
        value = None
    if phase == "lines":
        return {"made": value if isinstance(value, dict) else None}
    weights = None if out.is_symlink() or not out.is_dir() else _read(out / "weights.npz")
    result = {"run": value if isinstance(value, dict) else {}, "weights": weights}
    if value is None:
        last = stderr.strip().split("\n")[-1][:200]
        result["problem"] = (report.problem("memory_cap") if "MemoryError" in last else
                             report.problem("run_ended", f": {last}"))
    return result
