"""A Jupyter kernel inside the grader's bubblewrap box, for nbgrader (``scripts/nbgrader_course.py`` writes its
kernel.json; docs/teachers.en.md, "JupyterHub and nbgrader"):

    python -m grading.boxkernel -f CONNECTION_FILE

nbgrader runs a student's notebook in a kernel with the teacher's rights; this one runs ipykernel in the same box
as ``python -m grading`` (``sandbox.base_command``): no network, the system and this Python read-only, its own /tmp,
/etc, /proc and processes, and of the teacher's files only the notebook's folder (read-write, where nbgrader
autogrades it) and MNIST (read-only); caps on memory, file size and, run as root, processes (as an unprivileged
user). The box has no network, so the kernel talks over Unix sockets: nbgrader_config.py sets
``c.KernelManager.transport = "ipc"``. The sockets live in a private folder bound into the box; the socket paths
nbgrader connects to are links to them.
"""

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from grading import sandbox

MEMORY_MB = 3000  # as python -m grading's default --memory
PORTS = ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")


def _fail(ja, en):
    sys.exit(f"{ja}\n{en}")


def _data_folder():
    """The folder that holds mnist.npz for the notebook: MNIST_DATA_HOME, or mnist_data's cache."""
    import mnist_data

    folder = os.environ.get("MNIST_DATA_HOME") or mnist_data.default_cache_dir()
    return Path(folder)


def command(folder, work, data, uid):
    """The bwrap command line that runs ipykernel on the private connection file in ``folder`` (bound at its own
    path), with ``work`` (the notebook's folder) at sandbox.INSIDE and ``data`` (MNIST) read-only."""
    etc = sandbox.make_etc(folder / "etc", uid)
    line = sandbox.base_command(etc)
    line += ["--bind", str(folder), str(folder), "--bind", str(work), sandbox.INSIDE]
    if data.is_dir():
        line += ["--ro-bind", str(data), "/mnist-data"]
    line += ["--chdir", sandbox.INSIDE, "--clearenv"]
    env = {**sandbox._env(sandbox.INSIDE), "HOME": str(folder / "home"), "TMPDIR": "/tmp",
           "PYTHONPATH": sandbox.INSIDE, "JUPYTER_RUNTIME_DIR": str(folder / "runtime"),
           "MNIST_DATA_HOME": "/mnist-data"}
    return [*line, *sandbox.as_user(env, uid), sys.executable, "-m", "ipykernel_launcher", "-f",
            str(folder / "connection.json")]


def _client_folder():
    """The working folder of the process that started this kernel (nbgrader's), where a relative ip points."""
    try:
        return Path(os.readlink(f"/proc/{os.getppid()}/cwd"))
    except OSError:
        return Path.cwd()


def _limits():
    memory = MEMORY_MB * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (sandbox.FILE_MB * 2**20, sandbox.FILE_MB * 2**20))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if os.geteuid() == 0:
        resource.setrlimit(resource.RLIMIT_NPROC, (sandbox.PROCESSES, sandbox.PROCESSES))


def main(argv):
    if len(argv) != 2 or argv[0] != "-f":
        _fail("使い方: python -m grading.boxkernel -f CONNECTION_FILE", "usage: python -m grading.boxkernel -f FILE")
    problem = sandbox.problem()
    if problem:
        _fail(problem, "")
    connection = Path(argv[1])
    info = json.loads(connection.read_text())
    if info.get("transport") != "ipc":
        _fail("箱の中のカーネルにはネットワークがありません。nbgrader_config.py に "
              "c.KernelManager.transport = \"ipc\" を書いてください。",
              "the box's kernel has no network: add c.KernelManager.transport = \"ipc\" to nbgrader_config.py.")
    sandbox.remove_stale()
    fresh = Path(tempfile.mkdtemp(prefix="." + sandbox.PREFIX + "kernel-"))  # private (0700)
    lock = sandbox._lock(fresh)  # held while the kernel runs: a grader's remove_stale leaves it; a later one takes it
    folder = fresh.with_name(fresh.name[1:])
    fresh.rename(folder)
    uid = sandbox.BOX_UID
    links = []
    try:
        for name in ("home", "runtime"):
            (folder / name).mkdir()
        inside = {**info, "ip": str(folder / "k")}
        (folder / "connection.json").write_text(json.dumps(inside))
        if os.geteuid() == 0:
            for path in (folder, folder / "home", folder / "runtime", folder / "connection.json"):
                os.chown(path, uid, uid)
        # where nbgrader connects: a link to the socket the kernel makes in the box. A relative ip (jupyter_client's
        # "kernel-ipc") is relative to the client's folder, which is this process's parent's, not ours.
        prefix = Path(info["ip"]) if os.path.isabs(info["ip"]) else _client_folder() / info["ip"]
        for port in PORTS:
            link = Path(f"{prefix}-{info[port]}")
            link.unlink(missing_ok=True)
            link.symlink_to(folder / f"k-{info[port]}")
            links.append(link)
        process = subprocess.Popen(command(folder, Path.cwd(), _data_folder(), uid), preexec_fn=_limits)
        signal.signal(signal.SIGTERM, lambda *_: process.terminate())
        signal.signal(signal.SIGINT, lambda *_: process.send_signal(signal.SIGINT))
        return process.wait()
    finally:
        for link in links:
            link.unlink(missing_ok=True)
        shutil.rmtree(folder, ignore_errors=True)
        os.close(lock)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
