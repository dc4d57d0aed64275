"""The one renderer of a verdict: the message a learner reads, the same in the notebook, on a feedback page and on
Gradescope.

A verdict (``verdict.Verdict.as_dict()``) is structured data: a status, the cause in Japanese and English, the line,
Python's own words for an error (``detail``). ``render`` turns it into the message: a headline naming the cell, the
blank and the line, the Japanese paragraph, Python's words on their own, then one English paragraph. ``text`` lays
those out as plain text; the report escapes the same lines for HTML. Every word comes from ``words.py`` (and its
``words.txt``).
"""

import re
import textwrap

from . import words
from .blanks import BLANKS, MISSING, TEST
from .contract import BLANK_LINE
from .words import CELLS, STATES, say


def cell_of(column):
    """The cell a grades.csv column belongs to: training, inference, functions or test."""
    if "." in column:
        return column.split(".")[0]
    return "test" if column in ("Y_hat", "testacc") else "functions"


def render(column, v):
    """(Japanese lines, Python's words or "", English lines) of the verdict v (a dict) on the blank ``column``."""
    name, cell = column.split(".")[-1], cell_of(column)
    where_ja = CELLS[cell]
    label = say("label function", name=name)[0] if cell == "functions" else say("label line", where=where_ja,
                                                                                 name=name)[0]
    if v["status"] == "ok":
        ja, en = say("right")
        return [ja], "", [en]
    if v.get("mistake") in MISSING:  # the line is not there at all: say so, not that it raised
        ja = list(v["ja"]) if cell == "functions" else [say("line not found in cell", where=where_ja, name=name)[0],
                                                        *v["ja"][1:]]
    elif v["status"] == "empty":
        key = "not filled at" if v.get("lineno") else "not filled"
        ja = [say(key, label=label, label_en=name, lineno=v.get("lineno"))[0], *v["ja"][1:]]
    else:
        lines = [part.rstrip() for part in textwrap.dedent(v.get("line", "")).split("\n") if part.strip()]
        if v.get("lineno") and len(lines) > 1:  # a blank written over several lines: each on its own
            at = " " + say("at lines", lineno=v["lineno"], last=v["lineno"] + v["line"].count("\n"))[0]
            ja = [say("headline", label=label, state=STATES[v["status"]], at=at)[0], *(f"    {x}" for x in lines),
                  *v["ja"]]
        else:
            at = " " + say("at line", lineno=v["lineno"], line=lines[0] if lines else "")[0] if v.get("lineno") else ""
            ja = [say("headline", label=label, state=STATES[v["status"]], at=at)[0], *v["ja"]]
    detail = f"({v['detail']})" if v.get("detail") else ""
    return ja, detail, list(v["en"])


def text(ja, detail="", en=()):
    """The message as plain text: the Japanese lines, Python's words, then the English, each a paragraph."""
    return "\n\n".join(part for part in ("\n".join(ja).strip("\n"), detail, "\n".join(en).strip("\n")) if part)


def slip_message(slips, hints, show_fix, widths=None):
    """(ja, en) for one or two slips: each where it is and what kind; with hints, the part as it should be."""
    ja, en = [], []
    show_fix = show_fix and len(slips) == 1  # two edits mend the line only together: neither alone is shown as right
    for slip in slips:
        one_ja, one_en = words.slip_sentence(slip, widths)
        if one_ja in ja:  # the same slip twice (U for sigmoid(U), in both factors): said once
            continue
        if hints and show_fix and slip.fixed and slip.kind not in ("literal", "name", "other name", "intermediate",
                                                                   "names swapped"):  # both names change, not one
            one_ja += say("fix shown", part=slip.part, fixed=slip.fixed)[0]
        elif hints and show_fix and slip.kind in ("name", "other name", "intermediate"):
            one_ja += say("name fix shown", fixed=slip.fixed)[0]
        ja.append(one_ja)
        en.append(one_en)
    return "".join(ja), " ".join(en)  # Japanese sentences follow each other without a space


def hint_pointer(blank, hints=True, empty=False):
    """Where the learner finds the equation: the text above, or for the deltas and gradients, the hint."""
    if blank in TEST.values():
        return say("pointer test")
    if blank.shown:
        return say("pointer shown empty" if empty else "pointer shown")
    if not hints:
        return say("pointer no hints")
    return say("pointer hints empty" if empty else "pointer hints")


def blank_message(lines, hints=True):
    """The message for the first blank of a cell, or None: it names the blank and where to look, never the answer."""
    function = None
    for number, line in enumerate(lines, 1):
        defined = re.match(r"\s*def\s+(\w+)", line)
        function = defined.group(1) if defined else function
        match = BLANK_LINE.match(line)
        if match:
            name = match.group(2)
            blank = (BLANKS.get(f"training.{name}") or BLANKS.get(name)) if name else BLANKS.get(function or "")
            pointer_ja, pointer_en = hint_pointer(blank, hints, empty=True) if blank else ("", "")
            label_ja, label_en = say("label line alone", name=name) if name else say("label function", name=function)
            ja, en = say("not filled at", label=label_ja, label_en=label_en, lineno=number)
            return text([f"{ja}{pointer_ja}".strip()], "", [f"{en} {pointer_en}".strip()])
    return None
