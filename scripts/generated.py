"""Files this project generates and commits (the handout, the answer values): written, or checked up to date."""

import sys


def write_or_check(path, text, check, command):
    """Write text to path, or with check, compare: 1 and the command to run when the committed file differs."""
    if check:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            print(f"{path.name} is out of date: run {command} and commit it", file=sys.stderr)
            return 1
        print(f"{path.name} is up to date")
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path.name}")
    return 0
