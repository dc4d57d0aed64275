"""grading/report.py: grades.csv's row, the problem codes and their words, the pages, from made-up results (no box)."""

import csv

import pytest

from answer_check.blanks import BLANK_COLUMNS as COLUMNS
from grading import report

OK = {"status": "ok", "ja": [], "en": [], "line": "", "lineno": 0, "mistake": "", "shape": "", "detail": "",
      "error": 1e-9}
WRONG = {"status": "wrong", "ja": ["よくある間違い: 符号が逆です。"],
         "en": ["Delta_3 is wrong. Likely mistake: the sign."],
         "line": "Delta_3 = D - Y", "lineno": 30, "mistake": "the sign is flipped", "shape": "(10, 100)", "detail": "",
         "error": 1.0}
SETTINGS = {"split": {"n_train": 2000, "n_valid": 500}, "sandbox": "bubblewrap", "date": "2026-12-04 12:00"}


def result(problem=None, **verdicts):
    return {"verdicts": {c: verdicts.get(c.replace(".", "_"), OK) for c in COLUMNS}, "test_accuracy": "0.9431",
            "notes": [], "checks_changed": False, "problem": problem}


def test_a_row_scores_its_right_blanks_and_writes_the_problem_in_english_with_its_detail():
    points = dict.fromkeys(COLUMNS, 1.0) | {"training.Delta_3": 3.0}
    row = report.row("a.ipynb", result(report.problem("time_limit", " (CellTimeoutError: cell train)"),
                                       training_Delta_3=WRONG), points)
    assert row["training.Delta_3"] == "wrong" and row["score"] == "23" and row["max_score"] == "26"
    assert row["problem"] == "time limit (CellTimeoutError: cell train)"
    assert list(row) == report.CSV_COLUMNS


def test_every_problem_code_has_japanese_and_english_words_and_an_unknown_code_is_refused():
    for code, (ja, en) in report.PROBLEMS.items():
        assert ja and en and not any("\u3040" <= c <= "\u30ff" for c in en), code
        assert report.problem_text(report.problem(code), "ja") == ja
    with pytest.raises(KeyError):
        report.problem("no such thing")
    assert report.problem_text(None) == ""


def test_a_feedback_page_shows_the_problem_in_japanese_first_and_what_to_fix_first(tmp_path):
    res = result(report.problem("cells_reordered"), training_Delta_3=WRONG)
    row = report.row("taro/mnist_mlp_exercise.ipynb", res, dict.fromkeys(COLUMNS, 1.0))
    page = report.feedback_page("taro/mnist_mlp_exercise.ipynb", res, row, SETTINGS)
    assert page.index("セルの順番が入れ替わっていました") < page.index("cells reordered")
    assert page.index("training.Delta_3") < page.index("training.U_2")  # the wrong blank first
    assert "学習のセルの Delta_3 の行が間違っています (30行目 `Delta_3 = D - Y`)。" in page
    assert "訓練データ 2,000枚で学習した" in page and "23 / 24" in page


def test_the_report_is_written_whole_and_the_csv_opens_in_excel(tmp_path):
    res = {"a.ipynb": result(), "b.ipynb": result(report.problem("not_a_notebook", ": JSONDecodeError"))}
    res["b.ipynb"]["verdicts"] = {}
    points = dict.fromkeys(COLUMNS, 1.0)
    rows = [report.row(name, r, points) for name, r in res.items()]
    report.write_report(tmp_path, rows, res, 12.0, SETTINGS)
    assert (tmp_path / "grades.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM for Excel on Japanese Windows
    with open(tmp_path / "grades.csv", encoding="utf-8-sig") as f:
        read = list(csv.DictReader(f))
    assert [r["problem"] for r in read] == ["", "not a notebook: JSONDecodeError"]
    assert sorted(p.name for p in (tmp_path / "feedback").iterdir()) == ["001-a.html", "002-b.html"]
    assert "ノートブック 2 件のうち、空欄を判定できたのは 1 件" in (tmp_path / "index.html").read_text()


def test_points_from_a_bad_csv_name_the_line_and_the_fix(tmp_path):
    bad = tmp_path / "points.csv"
    bad.write_text("column,points\ntraining.Delta_9,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 2: 'training.Delta_9,2' is not a column"):
        report.read_points(bad)
