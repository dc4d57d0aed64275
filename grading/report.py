"""The report of a graded class: ``grades.csv``, one feedback page per student and the class page (``index.html``).

It knows the rows and each student's verdicts, nothing of how notebooks run. No page a student gets holds a path,
a user name or a host name of the teacher's machine.
"""

import base64
import collections
import csv
import html
import io
import re

from answer_check import message
from answer_check.blanks import BLANK_COLUMNS

CSV_COLUMNS = ["submission", *BLANK_COLUMNS, "test_accuracy", "checks_changed", "problem", "score", "max_score",
           "sandbox"]
STATUS_JA = {"ok": "正しい", "wrong": "間違い", "empty": "空欄", "error": "エラー", "": "-"}
STYLE = ("body{font-family:'Noto Sans CJK JP',sans-serif;max-width:60em;margin:2em auto;line-height:1.5}"
         "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;vertical-align:top}"
         ".ok{background:#e8f5e9}.wrong,.error{background:#ffebee}.empty{background:#fff8e1}"
         "code,pre{font-family:monospace;white-space:pre-wrap}")


def read_points(path):
    """{column: points} from a CSV with the header ``column,points``; every other blank is worth 1.

    Raises ValueError naming the bad line and the fix."""
    points = dict.fromkeys(BLANK_COLUMNS, 1.0)
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if [h.strip() for h in header or []] != ["column", "points"]:
            raise ValueError(f"{path}: the first line must be the header column,points (got {header})")
        for number, line in enumerate(reader, 2):
            if not line or not "".join(line).strip():
                continue
            if len(line) != 2 or line[0].strip() not in points:
                raise ValueError(f"{path}, line {number}: {','.join(line)!r} is not a column of grades.csv and its "
                                 f"points; the columns are {', '.join(BLANK_COLUMNS)}")
            try:
                value = float(line[1])
            except ValueError:
                value = -1.0
            if not value >= 0:
                raise ValueError(f"{path}, line {number}: the points {line[1]!r} must be a number, 0 or more")
            points[line[0].strip()] = value
    return points


def _number(x):
    return f"{x:g}"


def score(row, points):
    """(score, max score) of a row: a blank scores its points only when it is ``ok``."""
    return sum(p for c, p in points.items() if row.get(c) == "ok"), sum(points.values())


def row(name, result, points, sandbox="bubblewrap"):
    """The grades.csv row of one submission from its result (verdicts, test accuracy, problem); ``sandbox`` says
    what kept it in its box ("none" with --no-sandbox)."""
    verdicts = result.get("verdicts") or {}
    r = {"submission": name, **{c: verdicts.get(c, {}).get("status", "") for c in BLANK_COLUMNS},
         "test_accuracy": result.get("test_accuracy", ""),
         "checks_changed": "true" if result.get("checks_changed") else "false",
         "problem": problem_text(result.get("problem"))}
    got, most = score(r, points)
    return {**r, "score": _number(got), "max_score": _number(most), "sandbox": sandbox}


def spreadsheet_safe(value):
    """A grades.csv cell a spreadsheet shows as text: one that begins with =, +, -, @, a tab or a carriage return
    (a formula to Excel, LibreOffice and Google Sheets) gets a ' before it, as OWASP's "CSV Injection" page advises;
    a number (a score, an accuracy) is left as it is."""
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        try:
            float(text)
            return text
        except ValueError:
            return "'" + text
    return text


def _page(title, body):
    return (f"<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<style>{STYLE}</style></head><body>\n{body}\n</body></html>\n")


def feedback_name(index, submission):
    """NNN-<the submission's folders and name>.html: Japanese names kept, the handout's own name dropped."""
    name = re.sub(r"(^|/)mnist_mlp_exercise(_no_hints)?\.ipynb$", "", submission).removesuffix(".ipynb")
    slug = re.sub(r"[^\w.-]+", "_", name).strip("_")[:80] or "notebook"
    return f"{index:03d}-{slug}.html"


# What can go wrong with a submission: its code, then its words (Japanese for a student's page, English for
# grades.csv). A result's "problem" is {"code", "detail"}: the detail (what raised, after how long) follows the English.
PROBLEMS = {
    "not_a_notebook": ("ノートブックとして読めませんでした。"
                       "Colab や Jupyter からダウンロードした .ipynb を提出してください。",
                       "not a notebook"),
    "symlink": ("リンク (シンボリックリンク) は、たどらずに採点しません。"
                "ノートブックのファイルそのものを提出してください。",
                "a symbolic link, not followed: not graded"),
    "odd_entry": ("普通のファイルではないので、読みませんでした。ノートブックのファイルを提出してください。",
                  "not a plain file: not read"),
    "unsafe_name": ("zip の中の名前が、提出物のフォルダーの外を指していたので、読みませんでした。",
                    "a name in the zip that points outside the class (.. or an absolute path): not read"),
    "too_large": ("ファイルが大きすぎるので、読みませんでした (出力を消してから保存してください)。",
                  "too large"),
    "not_the_handout": ("配布した演習のノートブックではありませんでした "
                        "(softmax、inference、学習のセルが見つかりません)。",
                        "not the handout: no cell defines softmax, inference or the training step"),
    "cells_reordered": ("セルの順番が入れ替わっていました。配布した順番で採点しました。",
                        "cells reordered: graded in the handout's order"),
    "no_record": ("採点の途中で問題が起きました (答え合わせの記録が残りませんでした)。",
                  "the box left no record of the lines"),
    "not_judged": ("答え合わせの記録を、採点の上限 (時間とメモリー) の中で判定できませんでした。"
                   "このノートブックは手で確かめてください。",
                   "the record of the lines could not be judged within the grader's limits: check this notebook by "
                   "hand"),
    "grader_error": ("採点の途中で、予期しないエラーが起きました。このノートブックは手で確かめてください。",
                     "the grader failed on this notebook (the rest of the class is graded): check it by hand"),
    "damaged_entry": ("zip の中のこのファイルが壊れていて (チェックサムの不一致、壊れたデータ、暗号化)、"
                      "読めませんでした。提出し直してもらってください。",
                      "a damaged entry of the class zip (a bad checksum, corrupt data or encrypted): not read; ask "
                      "for it again"),
    "record_unreadable": ("採点の途中で問題が起きました (答え合わせの記録を読めませんでした)。",
                          "the record of the lines could not be read"),
    "process_cap": ("プロセスの数の上限を超えたため、学習を最後まで実行できませんでした。", "not trained: process cap"),
    "file_size_cap": ("ファイルの大きさの上限を超えたため、学習を最後まで実行できませんでした。",
                      "not trained: file size cap"),
    "memory_cap_training": ("メモリーの上限を超えたため、学習を最後まで実行できませんでした。",
                            "not trained: memory cap"),
    "not_trained": ("学習を最後まで実行できなかったので、テストデータの正解率はありません。", "not trained"),
    "time_limit": ("制限時間を超えたので、テストデータの正解率はありません。", "time limit"),
    "memory_cap": ("メモリーの上限を超えたので、テストデータの正解率はありません。", "memory cap"),
    "kernel_died": ("ノートブックのカーネルが止まったので、テストデータの正解率はありません。", "the kernel died"),
    "not_run": ("ノートブックを実行できなかったので、テストデータの正解率はありません。",
                "the notebook could not be run"),
    "run_ended": ("ノートブックの実行が結果を残さずに終わったので、テストデータの正解率はありません。",
                  "the run ended without a result"),
    "no_weights": ("ノートブックは最後まで実行されましたが、学習した重みが残っていませんでした。",
                   "the notebook ran, but left no trained weights"),
}


def problem(code, detail=""):
    """A problem as a result holds it: its code (a key of PROBLEMS) and what follows its English words."""
    if code not in PROBLEMS:
        raise KeyError(f"unknown problem code {code!r}")
    return {"code": code, "detail": detail}


def problem_text(p, language="en"):
    """A result's problem in words: English with its detail (grades.csv), or Japanese (a student's page)."""
    if not p:
        return ""
    ja, en = PROBLEMS[p["code"]]
    return ja if language == "ja" else en + p.get("detail", "")


def split_text(split):
    """The split as a page says it: the course's, or n_train and n_valid."""
    if isinstance(split, dict):
        return ", ".join(f"{name}={value:,}" if isinstance(value, int) else f"{name}={value}"
                         for name, value in split.items())
    return str(split)


def _settings_line(settings):
    e = html.escape
    return (f"<p class=\"settings\">採点の設定 / settings: split {e(split_text(settings['split']))}, "
            f"sandbox {e(settings['sandbox'])}, {e(settings['date'])}</p>")


def feedback_page(submission, result, r, settings):
    e = html.escape
    parts = [f"<h1>答え合わせ / Feedback: {e(submission)}</h1>",
             f"<p>得点 / score: <strong>{e(r['score'])} / {e(r['max_score'])}</strong></p>"]
    if result.get("problem"):
        parts.append(f"<p><strong>問題 / problem:</strong> {e(problem_text(result['problem'], 'ja'))}<br>"
                     f"<i lang=\"en\">{e(problem_text(result['problem']))}</i></p>")
    for note in result.get("notes", []):
        parts.append(f"<p>{e(note)}</p>")
    if result.get("test_accuracy"):
        small = isinstance(settings["split"], dict) and settings["split"].get("n_train")
        note = (f" (訓練データ {small:,}枚で学習したネットワークです。講座の設定の 50,000枚とは違います / trained on "
                f"{small:,} digits, not the course's 50,000)") if small else ""
        parts.append(f"<p>学習したネットワークのテストデータでの正解率 / test accuracy of the trained network: "
                     f"<strong>{e(result['test_accuracy'])}</strong>{e(note)}</p>")
    verdicts = result.get("verdicts") or {}
    if verdicts:
        right = sum(v["status"] == "ok" for v in verdicts.values())
        parts.append(f"<p>{len(verdicts)} 個の空欄のうち {right} 個が正しいです。 / "
                     f"{right} of {len(verdicts)} blanks are right.</p>")
        ordered = sorted(verdicts.items(), key=lambda item: item[1]["status"] == "ok")  # what to fix comes first
        parts.append("<table><tr><th>空欄 / blank</th><th>判定 / verdict</th><th>書いた行 / your line</th>"
                     "<th>説明 / explanation</th></tr>")
        for column, v in ordered:
            ja, detail, en = message.render(column, v)
            explanation = "<br>".join(e(t) for t in ja) + (f"<br><code>{e(detail)}</code>" if detail else "")
            if en:
                explanation += "<br><i lang=\"en\">" + "<br>".join(e(t) for t in en) + "</i>"
            parts.append(f"<tr class=\"{v['status']}\"><td><code>{e(column)}</code></td>"
                         f"<td>{STATUS_JA[v['status']]} / {v['status']}</td><td><pre>{e(v['line'])}</pre></td>"
                         f"<td>{explanation}</td></tr>")
        parts.append("</table>")
    if result.get("checks_changed"):
        parts.append("<p>答え合わせのセルが書き換えられているか、消されていました。採点には配布したチェックを使いました。"
                     " / A check cell was edited or removed; the grader used its own checks.</p>")
    parts.append(_settings_line(settings))
    return _page(f"Feedback: {submission}", "\n".join(parts))


def _mistake(v):
    """A blank's verdict as the class page counts it: the named mistake, Japanese first."""
    if v["mistake"] in ("", "another mistake"):
        return "ほかの間違い (よくある間違いに当てはまりません) / another mistake"
    return f"{v['ja'][0]} / {v['mistake']}"


def class_page(rows, results, seconds, settings):
    e = html.escape
    judged = [r for r in rows if results[r["submission"]].get("verdicts")]
    trained = [r for r in rows if r["test_accuracy"]]
    counts = {c: sum(r[c] == "ok" for r in judged) for c in BLANK_COLUMNS}
    scores = collections.Counter(r["score"] for r in rows)
    most = rows[0]["max_score"] if rows else "0"
    spread = " ".join(f"{s}点: {n}人" for s, n in sorted(scores.items(), key=lambda item: -float(item[0])))
    parts = [f"<h1>クラスの結果 / Class results</h1><p>ノートブック {len(rows)} 件のうち、空欄を判定できたのは "
             f"{len(judged)} 件、学習が最後まで進んだのは {len(trained)} 件です ({seconds:.0f} 秒)。 / "
             f"{len(rows)} notebooks: "
             f"{len(judged)} judged, {len(trained)} trained to the end, in {seconds:.0f} s.</p>",
             f"<h2>得点の分布 / Scores (out of {e(most)})</h2><p>{e(spread)}</p>",
             f"<img src=\"data:image/png;base64,{_score_chart(rows)}\" alt=\"得点ごとの学生の数 / students per score, "
             f"out of {e(most)}\">",
             f"<h2>空欄ごと / Blanks</h2><img src=\"data:image/png;base64,{_chart(counts, len(judged))}\" "
             f"alt=\"各空欄を正しく書いた学生の数 / students right in each blank, out of {len(judged)}\">",
             "<table><tr><th>空欄 / blank</th><th>正しい / right</th><th>間違い / wrong</th><th>エラー / error</th>"
             "<th>空欄のまま / empty</th><th>いちばん多い間違い / most common mistake</th></tr>"]
    for column in BLANK_COLUMNS:
        statuses = collections.Counter(r[column] for r in judged)
        mistakes = collections.Counter(_mistake(results[r["submission"]]["verdicts"][column]) for r in judged
                                       if r[column] in ("wrong", "error"))
        common = mistakes.most_common(1)
        text = f"{e(common[0][0])} ({common[0][1]})" if common else ""
        parts.append(f"<tr><td><code>{e(column)}</code></td><td>{statuses['ok']} / {len(judged)}</td>"
                     f"<td>{statuses['wrong']}</td><td>{statuses['error']}</td><td>{statuses['empty']}</td>"
                     f"<td>{text}</td></tr>")
    parts.append("</table><h2>学生ごと / Students</h2><table><tr><th>提出 / submission</th><th>得点 / score</th>"
                 "<th>正解率 / test accuracy</th><th>チェックの変更 / checks changed</th><th>問題 / problem</th></tr>")
    for index, r in enumerate(rows, 1):
        link = f"feedback/{feedback_name(index, r['submission'])}"
        parts.append(f"<tr><td><a href=\"{e(link)}\">{e(r['submission'])}</a></td>"
                     f"<td>{e(r['score'])} / {e(r['max_score'])}</td><td>{e(r['test_accuracy'])}</td>"
                     f"<td>{e(r['checks_changed'])}</td><td>{e(r['problem'])}</td></tr>")
    parts.append("</table>")
    parts.append(_settings_line(settings))
    return _page("Class results", "\n".join(parts))


def _figure(draw):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 5))
    draw(ax)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _chart(counts, total):
    def draw(ax):
        names = list(counts)[::-1]
        ax.barh(names, [counts[n] for n in names], color="#4c72b0")
        ax.set_xlim(0, max(total, 1))
        ax.set_xlabel(f"Students right (of {total})")
        ax.set_title("Students right in each blank")
        ax.figure.set_size_inches(7, 7)
    return _figure(draw)


def _score_chart(rows):
    def draw(ax):
        values = [float(r["score"]) for r in rows]
        most = float(rows[0]["max_score"]) if rows else 1
        ax.hist(values, bins=min(25, int(most) + 1), range=(0, most), color="#55a868")
        ax.set_xlabel(f"Score (of {most:g})")
        ax.set_ylabel("Students")
        ax.set_title("How the scores are spread")
    return _figure(draw)


def write_report(folder, rows, results, seconds, settings):
    """grades.csv, feedback/NNN-name.html and index.html into folder (a new, empty one)."""
    # UTF-8 with a byte-order mark: Excel on a Japanese Windows then reads the names right
    with open(folder / "grades.csv", "w", newline="", encoding="utf-8-sig") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows({key: spreadsheet_safe(value) for key, value in r.items()} for r in rows)
    (folder / "feedback").mkdir()
    for index, r in enumerate(rows, 1):
        page = feedback_page(r["submission"], results[r["submission"]], r, settings)
        (folder / "feedback" / feedback_name(index, r["submission"])).write_text(page, encoding="utf-8")
    (folder / "index.html").write_text(class_page(rows, results, seconds, settings), encoding="utf-8")
