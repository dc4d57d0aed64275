"""REPORT and its work folder: one grader at a time on an --out, results kept as they come, the report swapped in whole.

Beside REPORT, while a run lives, is its work folder ``.REPORT.grading`` (0700): the run holds a lock on it, so a
second grader on the same --out is refused at once; each notebook's result is written there as soon as it is graded
(``results/KEY.json``), so an interrupted run, or one whose disk filled up at the end, loses nothing; the new report
is built there and swapped in for the old one in one step (``renameat2(RENAME_EXCHANGE)``), so REPORT appears whole
or not at all. A run that ends well removes the work folder.

A result is kept by its key: the hash of the notebook's bytes and of the grading settings (the options that change a
result, MNIST, the grader's own files). ``REPORT/grading-state.json`` holds the keys and results of the report, so
the same command again grades only new and changed notebooks; ``--fresh`` grades all again.
"""

import ctypes
import errno
import hashlib
import json
import os
import shutil
from pathlib import Path

from grading.submissions import GradingError

STATE = "grading-state.json"
FORMAT = 1


def key(data, settings):
    """The key of a result: the notebook's bytes and the grading settings' key."""
    return hashlib.sha256(settings.encode() + b"\0" + data).hexdigest()[:32]


def settings_key(settings, files):
    """The hash of the settings that change a result (a JSON-able dict) and of the grader's files (paths)."""
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True).encode())
    for path in files:
        digest.update(str(path.name).encode() + b"\0")
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(2**20), b""):
                digest.update(block)
    return digest.hexdigest()[:32]


def _unwritable(path, error):
    """A GradingError for a REPORT that cannot be written, naming the path, Japanese then English."""
    if error.errno == errno.ENOSPC:
        ja, en = "空き容量がありません", "no space left on the device"
    elif error.errno == errno.EROFS:
        ja, en = "読み取り専用です", "it is read-only"
    elif error.errno in (errno.EACCES, errno.EPERM):
        ja, en = "書き込む権限がありません", "no permission to write there"
    else:
        ja, en = os.strerror(error.errno or 0), os.strerror(error.errno or 0)
    return GradingError(f"採点結果を {path} に書けません ({ja})。別の --out を指定するか、書けるようにしてください。\n"
                        f"cannot write the report at {path}: {en}. Give another --out, or make it writable.")


class Report:
    """REPORT and its work folder, held by this run (a context manager: the lock goes with it)."""

    def __init__(self, out):
        self.out = Path(out)
        self.work = self.out.parent / f".{self.out.name}.grading"
        self._fd = None
        self.unkept = 0  # results graded but not kept (a full disk): the next run grades them again

    def __enter__(self):
        out = self.out
        if out.is_symlink() or (out.exists() and not out.is_dir()) or (
                out.is_dir() and any(out.iterdir()) and not (out / STATE).is_file()):
            raise GradingError(f"{out} already exists and is not a report of this grader: give a new folder for the "
                               "report (or the folder of an earlier report, to update it)")
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            self._fd = self._lock()
            probe = self.work / "probe"
            with open(probe, "wb") as f:  # room for a result, before the first box starts
                f.write(bytes(2**16))
                f.flush()
                os.fsync(f.fileno())
            probe.unlink()
            (self.work / "results").mkdir(exist_ok=True)
            shutil.rmtree(self.work / "staging", ignore_errors=True)  # a killed run's half-built report
        except OSError as e:
            self.close()
            try:
                (self.work / "probe").unlink(missing_ok=True)
                self.work.rmdir()  # only if this run made it and left nothing there
            except OSError:
                pass
            raise _unwritable(out, e) from e
        return self

    def _lock(self):
        import fcntl

        while True:
            try:
                self.work.mkdir(mode=0o700)
            except FileExistsError:
                pass
            fd = os.open(self.work, os.O_RDONLY | os.O_NOFOLLOW | os.O_DIRECTORY)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise GradingError(f"別の採点が {self.out} に書いています。終わるのを待つか、別の --out を"
                                   "指定してください。\n"
                                   f"another grader is writing {self.out} now: wait for it to end, or give another "
                                   "--out") from None
            info = os.fstat(fd)
            try:
                same = os.lstat(self.work).st_ino == info.st_ino
            except FileNotFoundError:
                same = False
            if not same:  # the folder of a run that has just ended and removed it
                os.close(fd)
                continue
            try:
                if info.st_uid != os.geteuid():
                    raise GradingError(f"{self.work} belongs to another user: remove it")
                os.chmod(fd, 0o700)
            except BaseException:
                os.close(fd)
                raise
            return fd

    def close(self):
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __exit__(self, *exc):
        self.close()

    def previous(self):
        """{key: result} of the report in REPORT and of what an interrupted run kept here (keys hold the settings)."""
        found = {}
        try:
            state = json.loads((self.out / STATE).read_text(encoding="utf-8"))
            if state.get("format") == FORMAT:
                found.update(state["results"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
        for path in (self.work / "results").glob("*.json"):
            try:
                found[path.stem] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                pass
        return found

    def keep(self, result_key, result):
        """Write one notebook's result at once (a full disk here is found again at the end, naming the path)."""
        path = self.work / "results" / f"{result_key}.json"
        partial = path.with_suffix(".partial")
        try:
            partial.write_text(json.dumps(result), encoding="utf-8")
            partial.replace(path)
        except OSError:
            partial.unlink(missing_ok=True)  # nothing half-written stays; the count says it was not kept
            self.unkept += 1

    def kept(self):
        return len(list((self.work / "results").glob("*.json")))

    def publish(self, write, state):
        """Build the report with write(folder), then put it in REPORT's place in one step; remove the work folder."""
        staging = self.work / "staging"
        try:
            staging.mkdir()
            write(staging)
            (staging / STATE).write_text(json.dumps(state), encoding="utf-8")
            if self.out.exists():
                _exchange(staging, self.out)  # staging now holds the old report
            else:
                staging.rename(self.out)
        except OSError as e:
            shutil.rmtree(staging, ignore_errors=True)
            if e.errno == errno.ENOSPC:
                kept, lost = self.kept(), self.unkept
                again_ja = f"残せなかった {lost} 件は採点し直します" if lost else "採点し直さずに採点結果を作ります"
                again_en = f"it grades again the {lost} it could not keep" if lost else \
                    "it writes the report without grading again"
                raise GradingError(
                    f"採点結果を {self.out} に書く途中で、空き容量がなくなりました。採点した {kept} 件の結果は "
                    f"{self.work} に残してあります" + (f" ({lost} 件は残せませんでした)" if lost else "") +
                    f"。空きを作ってから同じコマンドをもう一度実行すると、{again_ja}。\n"
                    f"no space left on the device writing the report at {self.out}. {kept} graded results are kept "
                    f"in {self.work}" + (f" ({lost} could not be kept)" if lost else "") +
                    f": free some space and run the same command again; {again_en}.") from e
            raise _unwritable(self.out, e) from e
        shutil.rmtree(self.work, ignore_errors=True)


def _exchange(a, b):
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); two renames where the call is missing."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is not None:
        at_fdcwd, rename_exchange = -100, 2
        if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
            return
        error = ctypes.get_errno()
        if error not in (errno.ENOSYS, errno.EINVAL):
            raise OSError(error, os.strerror(error), str(b))
    old = Path(a).with_name(Path(a).name + ".old")
    os.rename(b, old)
    os.rename(a, b)
    os.rename(old, a)
