"""The answer checks of the handout: after each block of blanks, which line is wrong and why (Japanese, then English).

The notebook calls them so::

    from answer_check import check_functions, check_inference, check_training, check_test, install
    install()                    # the cell guard: a blank left stops its cell, the training cell checks its step first
    check_training(globals())    # after the training cell: its 14 lines, each on its own

Importing this package does nothing but make these names reachable (``cells.py`` is loaded on first use). The
modules, one job each: ``cells`` (what the notebook calls), ``runlines`` (runs the learner's lines on a tiny
problem), ``judge`` and ``probes`` (a verdict per line, per function), ``verdict`` (what judging shares), ``shapes``
(a wrong shape's cause), ``slips``, ``rules`` and ``interpret`` (the slip search, its rules, its interpreter),
``words`` with ``words.txt`` (every sentence), ``message`` (the one renderer), ``blanks`` (the 24 blanks and their
known mistakes), ``reference`` (what a right line makes), ``course`` (the settings), ``contract`` (the handout's
names). Nothing here holds a blank's answer.
"""

_PUBLIC = ("CheckFailed", "check_functions", "check_inference", "check_test", "check_training", "install", "uninstall")


def __getattr__(name):  # PEP 562: the public names, from cells.py, loaded when first asked for
    if name in _PUBLIC:
        from . import cells

        return getattr(cells, name)
    raise AttributeError(f"module 'answer_check' has no attribute {name!r}")


__all__ = list(_PUBLIC)
