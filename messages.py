"""The one renderer of a verdict: the message a learner reads, the same in the notebook, on a feedback page and on
Gradescope.

A verdict (``judge.Verdict.as_dict()``) is structured data: a status, the cause in Japanese and English, the line,
Python's own words for an error (``detail``). ``render`` turns it into the message: a headline naming the cell, the
blank and the line, the Japanese paragraph, Python's words on their own, then one English paragraph. ``text`` lays
those out as plain text; the report escapes the same lines for HTML.
"""

from blanks import MISSING

# Where a column's line lives, as the Japanese headline says it (the English paragraph is the verdict's own).
CELLS = {"training": "学習のセル", "inference": "inference ", "functions": "関数のセル", "test": "テストデータのセル"}
STATES = {"wrong": "が間違っています", "error": "でエラーが出ました", "empty": "がまだ埋まっていません"}


def cell_of(column):
    """The cell a grades.csv column belongs to: training, inference, functions or test."""
    if "." in column:
        return column.split(".")[0]
    return "test" if column in ("Y_hat", "testacc") else "functions"


def render(column, v):
    """(Japanese lines, Python's words or "", English lines) of the verdict v (a dict) on the blank ``column``."""
    name, cell = column.split(".")[-1], cell_of(column)
    where_ja = CELLS[cell]
    label = f"{name} の return の行" if cell == "functions" else f"{where_ja}の {name} の行"
    if v["status"] == "ok":
        return ["正しいです。"], "", ["Right."]
    if v.get("mistake") in MISSING:  # the line is not there at all: say so, not that it raised
        ja = list(v["ja"]) if cell == "functions" else [f"{where_ja}に {name} の行が見つかりません。", *v["ja"][1:]]
    elif v["status"] == "empty":
        at = f" ({v['lineno']}行目) " if v.get("lineno") else ""
        ja = [f"{label}{at}がまだ埋まっていません。", *v["ja"][1:]]
    else:
        lines = [part.strip() for part in v.get("line", "").split("\n") if part.strip()]
        if v.get("lineno") and len(lines) > 1:  # a blank written over several lines: each on its own
            last = v["lineno"] + v["line"].count("\n")
            ja = [f"{label}{STATES[v['status']]} ({v['lineno']}〜{last}行目)。", *(f"    {x}" for x in lines), *v["ja"]]
        else:
            where = f" ({v['lineno']}行目 `{lines[0] if lines else ''}`)" if v.get("lineno") else ""
            ja = [f"{label}{STATES[v['status']]}{where}。", *v["ja"]]
    detail = f"({v['detail']})" if v.get("detail") else ""
    return ja, detail, list(v["en"])


def text(ja, detail="", en=()):
    """The message as plain text: the Japanese lines, Python's words, then the English, each a paragraph."""
    return "\n\n".join(part for part in ("\n".join(ja).strip("\n"), detail, "\n".join(en).strip("\n")) if part)
