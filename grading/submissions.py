"""Finding a class's submissions: every .ipynb in a folder (at any depth) or a .zip, read once, never written to."""

import re
import zipfile
from pathlib import Path

_SKIPPED = re.compile(r"(^|/)(\.|__MACOSX/)|\.ipynb_checkpoints/")
MAX_BYTES = 50 * 2**20  # a notebook larger than this is not read (a handout is about 30 KB, 1 MB with outputs)


class GradingError(Exception):
    """A problem with what the teacher asked for (not with a student's notebook): the message says what to fix."""


def submissions(class_path):
    """[(path inside CLASS, bytes)] of every .ipynb in a folder or a .zip, sorted by path."""
    class_path = Path(class_path)
    if class_path.is_file() and zipfile.is_zipfile(class_path):
        with zipfile.ZipFile(class_path) as archive:
            return sorted((info.filename, archive.read(info) if info.file_size <= MAX_BYTES else b"")
                          for info in archive.infolist()
                          if info.filename.endswith(".ipynb") and not _SKIPPED.search(info.filename))
    if class_path.is_dir():
        found = []
        for path in class_path.rglob("*.ipynb"):
            name = path.relative_to(class_path).as_posix()
            if path.is_file() and not _SKIPPED.search(name):
                found.append((name, path.read_bytes() if path.stat().st_size <= MAX_BYTES else b""))
        return sorted(found)
    raise GradingError(f"{class_path} is neither a folder nor a .zip file: give the folder or the .zip of the "
                       "class's notebooks")
