"""gradescope.py: the autograder zip, unpacked into a folder that stands in for Gradescope's /autograder, grading
a right, a one-wrong, an empty and a not-a-notebook submission; every field of results.json as Gradescope documents.
"""

import json
import os
import subprocess
import sys
import zipfile

import nbformat
import pytest

import nbrun
from answer_check import blanks
from grading.__main__ import main
from helpers import EXERCISE, SAMPLE_DIR, filled_handout
from mistakes import WRONG

TOP = {"score", "execution_time", "output", "output_format", "test_output_format", "visibility", "stdout_visibility",
       "tests"}
TEST = {"name", "score", "max_score", "status", "output", "output_format", "visibility"}


@pytest.fixture(scope="module")
def autograder(tmp_path_factory):
    top = tmp_path_factory.mktemp("gradescope")
    points = top / "points.csv"
    points.write_text("column,points\ntraining.Delta_2,3\n", encoding="utf-8")
    assert main(["--gradescope", str(top / "autograder.zip"), "--data", str(SAMPLE_DIR), "--points",
                         str(points), "--timeout", "900"]) == 0
    with zipfile.ZipFile(top / "autograder.zip") as z:
        names = z.namelist()
        modes = {info.filename: info.external_attr >> 16 for info in z.infolist()}
    assert {"setup.sh", "run_autograder", "config.json", "data/mnist.npz", "requirements.txt"} <= set(names)
    assert modes["run_autograder"] & 0o111 and modes["setup.sh"] & 0o111
    config = json.loads(zipfile.ZipFile(top / "autograder.zip").read("config.json"))
    config["parameters"] = {name: nbrun.SAMPLE[name] for name in ("n_train", "n_valid")}  # the sample's split
    return top, config


def grade(autograder, name, content):
    """Unpack the zip into a fresh /autograder stand-in, submit content, run run_autograder; results.json."""
    top, config = autograder
    root = top / name
    (root / "source").mkdir(parents=True)
    (root / "submission").mkdir()
    with zipfile.ZipFile(top / "autograder.zip") as z:
        z.extractall(root / "source")
    (root / "source" / "config.json").write_text(json.dumps(config))
    if content is not None:
        (root / "submission" / "notebook.ipynb").write_bytes(content)
    path = f"{os.path.dirname(sys.executable)}:{os.environ['PATH']}"  # python3 is the test's own
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "PATH": path}
    subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, check=True, timeout=1800)
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    check_format(results)
    return results


def check_format(results):
    """Gradescope's documented results.json: these keys and types, each test visible."""
    assert set(results) == TOP
    assert isinstance(results["score"], float) and isinstance(results["execution_time"], int)
    assert results["output_format"] == results["test_output_format"] == "text"
    assert results["visibility"] == "visible" and results["stdout_visibility"] in ("hidden", "visible")
    assert [t["name"] for t in results["tests"]] == [*blanks.BLANK_COLUMNS, "test_accuracy"]
    for test in results["tests"]:
        assert set(test) == TEST
        assert isinstance(test["score"], float) and isinstance(test["max_score"], float)
        assert test["status"] in ("passed", "failed") and test["visibility"] == "visible"
        assert test["output_format"] == "text" and isinstance(test["output"], str) and test["output"]
    assert results["score"] == sum(t["score"] for t in results["tests"])


@pytest.mark.slow
def test_a_right_handout_gets_every_point_and_its_test_accuracy(autograder):
    results = grade(autograder, "right", nbformat.writes(filled_handout()).encode())
    assert results["score"] == 26.0 and all(t["status"] == "passed" for t in results["tests"])
    accuracy = results["tests"][-1]
    assert accuracy["max_score"] == 0.0 and "test accuracy: 0." in accuracy["output"]


@pytest.mark.slow
def test_one_wrong_line_loses_its_points_with_the_notebooks_message(autograder):
    results = grade(autograder, "wrong", nbformat.writes(filled_handout(WRONG["sigma' forgotten"])).encode())
    delta = next(t for t in results["tests"] if t["name"] == "training.Delta_2")
    assert (delta["score"], delta["max_score"], delta["status"]) == (0.0, 3.0, "failed")
    text = delta["output"]
    assert text.index("に σ' を掛け忘れています") < text.index("the sigmoid's derivative is missing")
    assert results["score"] == 23.0


@pytest.mark.slow
def test_an_empty_handout_scores_zero_without_the_answers(autograder):
    results = grade(autograder, "empty", EXERCISE.read_bytes())
    assert results["score"] == 0.0
    assert all("まだ埋まっていません" in t["output"] for t in results["tests"][:-1])
    assert not any("W_3.T @ Delta_3" in t["output"] for t in results["tests"])


@pytest.mark.slow
@pytest.mark.parametrize("content", [b"not a notebook at all", None])
def test_a_file_that_is_not_the_handout_scores_zero_and_says_why(autograder, content):
    results = grade(autograder, "not-a-notebook" if content else "nothing", content)
    assert results["score"] == 0.0 and "not a notebook" in results["output"]


def test_results_json_from_a_result_has_one_test_per_blank_with_the_notebooks_message():
    from grading import gradescope, report

    ok = {"status": "ok", "ja": [], "en": [], "line": "", "lineno": 0, "mistake": "", "detail": ""}
    wrong = {**ok, "status": "wrong", "ja": ["よくある間違い: 符号が逆です。"], "en": ["Delta_3 is wrong."],
             "line": "Delta_3 = D - Y", "lineno": 30}
    result = {"verdicts": {c: (wrong if c == "training.Delta_3" else ok) for c in blanks.BLANK_COLUMNS},
              "test_accuracy": "0.9431", "notes": [], "problem": report.problem("cells_reordered")}
    points = dict.fromkeys(blanks.BLANK_COLUMNS, 1.0) | {"training.Delta_3": 3.0}
    out = gradescope.results(result, points, 12.3)
    assert set(out) == TOP and out["score"] == 23.0 and out["execution_time"] == 12
    tests = {t["name"]: t for t in out["tests"]}
    assert [t["name"] for t in out["tests"]] == [*blanks.BLANK_COLUMNS, "test_accuracy"]
    assert all(set(t) == TEST for t in out["tests"])
    delta = tests["training.Delta_3"]
    assert (delta["status"], delta["score"], delta["max_score"]) == ("failed", 0.0, 3.0)
    assert delta["output"].startswith("学習のセルの Delta_3 の行が間違っています (30行目 `Delta_3 = D - Y`)。")
    assert tests["training.U_2"]["output"] == "正しいです。\n\nRight."
    assert "セルの順番が入れ替わっていました" in out["output"] and "0.9431" in tests["test_accuracy"]["output"]
