"""Finding a class's submissions: every .ipynb in a folder (at any depth) or a .zip, never written to, and read one
at a time (``Submission.read``), so that a class of any size fits in memory.

Links are not followed, and nothing is dropped in silence: a link (to a notebook or to a student's folder), an
entry that is not a plain file, a zip entry whose name climbs out of the class (``../x.ipynb``) and a notebook over
the size cap each get a row that says so; two zip entries of the same name each get a row of their own.
"""

import os
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

_SKIPPED = re.compile(r"(^|/)(\.|__MACOSX/)|\.ipynb_checkpoints/")
MAX_BYTES = 50 * 2**20  # a notebook larger than this is not read (a handout is about 30 KB, 1 MB with outputs)


class GradingError(Exception):
    """A problem with what the teacher asked for (not with a student's notebook): the message says what to fix."""


@dataclass(frozen=True)
class Submission:
    """One row of the class: its name (its path inside CLASS), where its bytes are, and why it cannot be graded
    (a code of ``report.PROBLEMS`` and its detail), if it cannot."""

    name: str
    source: Path
    member: zipfile.ZipInfo | None = None
    problem: tuple | None = None
    note: str = ""  # said on its row: a name whose bytes are not UTF-8, shown escaped

    def read(self):
        """The notebook's bytes (at most MAX_BYTES; a longer one raises TooLarge). Never follows a link."""
        if self.member is not None:
            with zipfile.ZipFile(self.source) as archive, archive.open(self.member) as f:
                data = f.read(MAX_BYTES + 1)
        else:
            fd = os.open(self.source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            with os.fdopen(fd, "rb") as f:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    raise TooLarge("not a plain file")
                data = f.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise TooLarge(size_text())
        return data


class TooLarge(Exception):
    """A submission that cannot be read as a notebook file: over the size cap, or not a plain file."""


def size_text():
    return f"over the size cap of {MAX_BYTES // 2**20} MB"


def submissions(class_path):
    """[Submission] of every .ipynb in a folder or a .zip, and of every link or odd entry there, sorted by name."""
    class_path = Path(class_path)
    if class_path.is_file() and zipfile.is_zipfile(class_path):
        return _from_zip(class_path)
    if class_path.is_dir():
        return _from_folder(class_path)
    raise GradingError(f"{class_path} is neither a folder nor a .zip file: give the folder or the .zip of the "
                       "class's notebooks")


def shown_name(name):
    """(the name as the report shows it, a note or ""): a name whose bytes are not UTF-8 (a Shift-JIS name as unzip
    leaves it from a zip made on Japanese Windows) is shown with those bytes escaped (\\x83), and the note says
    what they read as in Shift-JIS, so the teacher can tell whose it is."""
    raw = name.encode("utf-8", "surrogateescape")
    try:
        raw.decode("utf-8")
        return name, ""
    except UnicodeDecodeError:
        pass
    escaped = "".join(chr(b) if b < 0x80 else f"\\x{b:02x}" for b in raw)  # every byte past ASCII escaped
    try:
        sjis = raw.decode("cp932")
    except UnicodeDecodeError:
        sjis = ""
    ja = "ファイル名が UTF-8 ではないので、バイト列をエスケープして表示しています" + \
        (f" (Shift-JIS として読むと {sjis})" if sjis else "") + "。"
    en = "The file name is not UTF-8: its bytes are shown escaped" + (f" (as Shift-JIS: {sjis})" if sjis else "") + "."
    return escaped, f"{ja} / {en}"


def _from_folder(class_path):
    found = []
    for folder, dirnames, filenames in os.walk(class_path):  # links to folders are listed, never entered
        here = Path(folder)
        for name in [*dirnames, *filenames]:
            path = here / name
            relative = path.relative_to(class_path).as_posix()
            if _SKIPPED.search(relative + ("/" if name in dirnames else "")):
                continue
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                if name in dirnames or name.endswith(".ipynb"):
                    kind = "folder" if name in dirnames else "notebook"
                    shown, note = shown_name(relative + ("/" if name in dirnames else ""))
                    found.append(Submission(shown, path, problem=("symlink", f": a link to a {kind}, not followed"),
                                            note=note))
            elif name.endswith(".ipynb") and name in filenames:
                shown, note = shown_name(relative)
                if not stat.S_ISREG(info.st_mode):
                    found.append(Submission(shown, path, problem=("odd_entry", ""), note=note))
                elif info.st_size > MAX_BYTES:
                    found.append(Submission(shown, path, problem=("too_large", f": {size_text()}"), note=note))
                else:
                    found.append(Submission(shown, path, note=note))
        dirnames[:] = [d for d in dirnames if not (here / d).is_symlink()]
    return sorted(found, key=lambda s: s.name)


def _from_zip(class_path):
    found, seen = [], {}
    with zipfile.ZipFile(class_path) as archive:
        for info in archive.infolist():
            name = info.filename
            kind = (info.external_attr >> 16) & 0o170000
            parts = PurePosixPath(name.replace("\\", "/")).parts
            unsafe = name.startswith(("/", "\\")) or ".." in parts or re.match(r"^[A-Za-z]:", name)
            if (not name.endswith(".ipynb") and kind != stat.S_IFLNK) or (_SKIPPED.search(name) and not unsafe):
                continue
            seen[name] = seen.get(name, 0) + 1
            shown = name if seen[name] == 1 else f"{name} ({seen[name]})"  # the same name twice: two rows
            if unsafe:
                found.append(Submission(shown, class_path, info, ("unsafe_name", "")))
            elif kind == stat.S_IFLNK:
                found.append(Submission(shown, class_path, info, ("symlink", ": a link in the zip, not followed")))
            elif info.file_size > MAX_BYTES:
                found.append(Submission(shown, class_path, info, ("too_large", f": {size_text()}")))
            elif info.flag_bits & 0x1:
                found.append(Submission(shown, class_path, info, ("damaged_entry", ": encrypted")))
            else:
                found.append(Submission(shown, class_path, info))
    return sorted(found, key=lambda s: s.name)
