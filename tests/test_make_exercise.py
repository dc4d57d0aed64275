"""scripts/make_exercise.py: the course's handout, generated from the completed notebook."""

import re

import nbformat
import pytest

import nbrun
from answer_check import contract
from helpers import NOTEBOOK, ROOT
from scripts.make_exercise import (
    BLANK,
    EXERCISE,
    HANDOUT_WORDING,
    NO_HINTS_LINE,
    TRIMMED_CELLS,
    blank_out,
    bound_names,
    main,
    make_exercise,
    render,
)

# The course's 24 blanks (../shared/seed/lecture5_practice_exercise.txt), cell by cell, in order.
SEED_BLANKS = [
    ["return", "return", "return", "return"],
    ["U_2", "Z_2", "U_3", "Z_3"],
    ["U_2", "Z_2", "U_3", "Z_3", "Delta_3", "Delta_2", "dLdW_3", "dLdb_3", "dLdW_2", "dLdb_2",
     "W_3", "b_3", "W_2", "b_2"],
    ["Y_hat", "testacc"],
]
SEED = ROOT.parent / "shared" / "seed" / "lecture5_practice_exercise.txt"


def blank_names(source):
    return [line.strip().split()[0] for line in source.split("\n") if BLANK in line]


@pytest.fixture(scope="module")
def pair():
    solution = nbformat.read(NOTEBOOK, as_version=4)
    return solution, make_exercise(solution)


def test_the_exercise_has_the_courses_24_blanks_in_their_places(pair):
    _, exercise = pair
    groups = [blank_names(c.source) for c in exercise.cells if c.cell_type == "code" and BLANK in c.source]
    assert groups == SEED_BLANKS
    assert sum(map(len, groups)) == 24
    lines = [line for c in exercise.cells if c.cell_type == "code" for line in c.source.split("\n") if BLANK in line]
    assert all(re.fullmatch(r"\s*(\w+ =|return) ### CODE HERE ###", line) for line in lines)


@pytest.mark.skipif(not SEED.exists(), reason="the course's seed notebook is not beside this checkout")
def test_the_blank_list_is_the_seeds():
    seed_cells = SEED.read_text(encoding="utf-8").split("In [None]:")
    groups = [blank_names(c) for c in seed_cells if f"= {BLANK}" in c or f"return {BLANK}" in c]
    assert groups == SEED_BLANKS


def test_every_other_line_is_the_solutions_and_the_solution_lines_fill_the_blanks(pair):
    solution, exercise = pair
    kept = [c for c in solution.cells if "going-further" not in c.metadata.get("tags", [])]
    assert [c.id for c in exercise.cells] == [c.id for c in kept]
    for sol, exe in zip(kept, exercise.cells, strict=True):
        if sol.cell_type != "code":
            expected = sol.source
            for solution_text, handout_text in HANDOUT_WORDING:
                expected = expected.replace(solution_text, handout_text)
            assert exe.source == expected
            continue
        assert exe.outputs == [] and exe.execution_count is None
        if sol.id in TRIMMED_CELLS:  # the lines only "Going further" uses are left out, nothing else
            lines, kept = sol.source.split("\n"), [line for line in exe.source.split("\n") if line.strip()]
            dropped = [line for line in lines if line not in kept and line.strip()]
            assert [line for line in lines if line.strip() and line not in dropped] == kept
            handout = "\n".join(c.source for c in exercise.cells if c.id != sol.id)
            assert dropped and all(not re.search(rf"\b{name}\b", handout) for line in dropped
                                   for name in bound_names(line)), dropped
            continue
        exe_lines = exe.source.split("\n")
        _, taken = blank_out(sol.source, sol.metadata.get("exercise_blanks", []))
        blanked = dict(taken)
        assert all(BLANK in exe_lines[i] and BLANK not in text for i, text in taken)
        assert all(BLANK not in line for i, line in enumerate(exe_lines) if i not in blanked)
        refilled = [blanked.get(i, e) for i, e in enumerate(exe_lines)]
        assert "\n".join(refilled) == sol.source  # the solution lines put back give the solution again


def test_a_statement_wrapped_over_lines_becomes_one_blank():
    source = "def f(U):\n  return (np.exp(U)\n          / np.exp(U).sum())\n\ndef g(U):\n  return U"
    exercise, taken = blank_out(source, ["return", "return"])
    assert exercise == "def f(U):\n  return ### CODE HERE ###\n\ndef g(U):\n  return ### CODE HERE ###"
    assert taken == [(1, "  return (np.exp(U)\n          / np.exp(U).sum())"), (4, "  return U")]


def test_blank_out_names_a_missing_line():
    with pytest.raises(ValueError, match="no line assigning 'Z_2'"):
        blank_out("U_2 = W_2 @ X + b_2\n", ["U_2", "Z_2"])


def test_blank_out_does_not_take_a_comparison_or_a_longer_name():
    source = "if W_3 == 0:\n  W_3x = 1\n  W_3 = W_3 - eta * dLdW_3"
    exercise, taken = blank_out(source, ["W_3"])
    assert taken == [(2, "  W_3 = W_3 - eta * dLdW_3")]
    assert exercise.endswith("  W_3 = ### CODE HERE ###")


def test_the_committed_exercise_is_what_the_solution_gives_now(capsys):
    assert EXERCISE.read_text(encoding="utf-8") == render(make_exercise(nbformat.read(NOTEBOOK, as_version=4)))
    assert main(["--check"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_each_notebooks_colab_badge_opens_itself(pair):
    solution, exercise = pair
    badge = re.compile(r"\(https://colab\.research\.google\.com/github/([\w.-]+/[\w.-]+)/blob/main/([\w.]+\.ipynb)\)")
    assert [m.group(2) for c in solution.cells for m in badge.finditer(c.source)] == ["mnist_mlp.ipynb"]
    assert [m.group(2) for c in exercise.cells for m in badge.finditer(c.source)] == ["mnist_mlp_exercise.ipynb"]


def test_every_handout_wording_change_applies(pair):
    solution, exercise = pair
    text = "".join(c.source for c in solution.cells if c.cell_type == "markdown")
    assert all(solution_text in text for solution_text, _ in HANDOUT_WORDING), "a wording the solution lost"
    handout = "".join(c.source for c in exercise.cells if c.cell_type == "markdown")
    assert "here each is filled" not in handout and "names it and the likely mistake" in handout


def test_the_handout_hides_the_backprop_equations_in_a_hint_and_no_hints_leaves_them_out(pair):
    _, exercise = pair
    heading = next(c.source for c in exercise.cells if c.id == "train-heading")
    visible, hint = heading.split("<details>")[0], heading.split("<details>")[1].split("</details>")[0]
    for equation in (r"\Delta_3 = Y - D", r"\Delta_2 = (W_3^\top \Delta_3)", r"\Delta_3 Z_2^\top", r"\Delta_2 X^\top"):
        assert equation in hint and equation not in visible
    assert "<summary>ヒント" in heading and "(256, 784), (256, 1)" in visible and r"U_2 = W_2 X + b_2" in visible
    bare = make_exercise(nbformat.read(NOTEBOOK, as_version=4), hints=False)
    text = "\n".join(c.source for c in bare.cells)
    assert "<details>" not in text and r"\Delta_3 = Y - D" not in text and NO_HINTS_LINE in text
    assert [c.id for c in bare.cells] == [c.id for c in exercise.cells]


# --------------------------------------------------------------------------------------
# The release: the class's repository, without the solution
# --------------------------------------------------------------------------------------

DERIVED_LINES = ["Delta_3 = Y - D", "(W_3.T @ Delta_3) * dsigmoid_du(U_2)", "Delta_3 @ Z_2.T",
                 "Delta_3.sum(axis=1, keepdims=True)", "Delta_2 @ X.T", "Delta_2.sum(axis=1, keepdims=True)"]
DERIVED_EQUATIONS = [r"\Delta_3 = Y - D", r"(W_3^\top \Delta_3)", r"\Delta_3 Z_2^\top", r"\Delta_2 X^\top"]
# The derived lines written any way in code: a name, then @ or * with a transpose, whatever quotes and brackets
# (r["old_W_3"].T @ r["Delta_3"]) lie between.
_ = r"[\s\"'\]\[()\w]*?"
DERIVED_CODE = [rf"W_3\W*\.T{_}@{_}Delta_3", rf"Delta_3\W*@{_}Z_2\W*\.T", rf"Delta_3\W*@{_}U_2\W*\.T",
                rf"Delta_2\W*@{_}X\W*\.T", rf"Delta_3{_}\.sum\(axis=1", rf"Delta_2{_}\.sum\(axis=1"]


def released_text(folder):
    """{path relative to the folder: text} of every file in a release, in every subfolder."""
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in folder.rglob("*") if p.is_file()}


def _expressions(statement):
    """What a blank's statement computes, whitespace removed: each line of it whole, and its right-hand side (or what
    it returns) where that computes something (an operator, a .T, a sum), each long enough to be an answer rather than
    a name (``Y-D`` alone is 3 characters; ``Delta_3=Y-D`` is the line)."""
    found = set()
    for line in statement.split("\n"):
        line = line.split("#")[0].strip()
        augmented = re.match(r"^[\w\[\], ]+?\s*[-+*/]=", line)  # `W_3 -= step`: the step alone updates nothing
        rhs = "" if augmented else re.sub(r"^(return\s+|[\w\[\], ]+?\s*=(?!=)\s*)", "", line)
        for text in (line, rhs if re.search(r"[-+*/@]|\.T\b|\.sum|\.dot", rhs) else ""):  # a lone call is no answer
            text = re.sub(r"\s+", "", text)
            if len(text) >= 8:
                found.add(text)
    return found


def answer_code():
    """{expression: where it comes from} for each blank: the solution's own line and every right variant of it that
    tests/mistakes.py holds."""
    from mistakes import _RIGHT
    from scripts.make_exercise import blank_out

    code, given = {}, set()
    for cell in nbformat.read(NOTEBOOK, as_version=4).cells:
        if cell.cell_type == "code" and cell.metadata.get("exercise_blanks"):
            exercise, taken = blank_out(cell.source, cell.metadata["exercise_blanks"])
            given |= {expression for line in exercise.split("\n") for expression in _expressions(line)}
            for _, statement in taken:
                code.update(dict.fromkeys(_expressions(statement), f"the solution's {statement.strip()!r}"))
    for line in _RIGHT:
        code.update(dict.fromkeys(_expressions(line.written), f"the right variant {line.written.strip()!r}"))
    return {expression: where for expression, where in code.items() if expression not in given}  # not the course's


@pytest.mark.parametrize("hints", [True, False])
def test_the_students_folder_is_the_handout_its_readme_the_helpers_and_one_package(tmp_path, hints):
    from scripts.make_exercise import release

    folder = tmp_path / "class-repo"
    release(folder, "my-school/mlp-2027", hints=hints)
    entries = sorted(p.name for p in folder.iterdir())
    assert entries == sorted([contract.HANDOUT, "README.md", "requirements.txt", *contract.COURSE_HELPERS,
                              contract.PACKAGE.name])
    assert len(entries) <= 7
    assert set(released_text(folder)) == {contract.HANDOUT, *contract.HELPERS, "requirements.txt", "README.md"}


@pytest.mark.parametrize("hints", [True, False])
def test_no_file_of_a_release_holds_a_blanks_answer_in_any_way_the_tables_write_it(tmp_path, hints):
    """Every blank's solution line and each of its right variants (tests/mistakes.py), whitespace aside, in every file
    of the student's folder: the handout, its README and the helpers, the answer checks' package included."""
    from scripts.make_exercise import release

    folder = tmp_path / "class-repo"
    release(folder, "my-school/mlp-2027", hints=hints)
    code = answer_code()
    assert len(code) > 150  # the table's right variants are all here
    for name, text in released_text(folder).items():
        flat = re.sub(r"\s+", "", text)
        found = [where for expression, where in code.items()
                 if re.search(rf"(?<![\\\w]){re.escape(expression)}", flat)]  # as code, not a hint's LaTeX
        assert found == [], (name, found)


@pytest.mark.parametrize("hints", [True, False])
def test_the_release_holds_the_handout_and_its_helpers_and_never_the_solution(tmp_path, hints):
    from scripts.make_exercise import release

    folder = tmp_path / "class-repo"
    release(folder, "my-school/mlp-2027", hints=hints)
    files = released_text(folder)
    assert contract.SOLUTION not in files
    for name, text in files.items():
        code = [line for line in DERIVED_LINES if re.search(rf"(?<!\\){re.escape(line)}", text)]  # not LaTeX
        code += [pattern for pattern in DERIVED_CODE if re.search(pattern, text)]
        assert code == [], (name, "a solution line as code")
        if not hints:
            assert not any(equation in text for equation in DERIVED_EQUATIONS), (name, "a derived equation")
    nb = files[contract.HANDOUT]
    assert "colab.research.google.com/github/my-school/mlp-2027/blob/main/mnist_mlp_exercise.ipynb" in nb
    assert "https://raw.githubusercontent.com/my-school/mlp-2027/main/" in nb and "mnist-mlp/mnist_mlp" not in nb
    assert (contract.NO_HINTS_LINE in nb) == (not hints) and ("<details>" in nb) == hints
    assert f"HELPERS_VERSION = '{contract.helpers_version(folder)}'" in nb  # the version of the files beside it
    readme = files["README.md"]
    assert readme.index("## 日本語") < readme.index("## English") and "my-school/mlp-2027" in readme
    assert "ダウンロード" in readme and "Download .ipynb" in readme


def test_a_bad_release_request_says_what_to_fix_and_writes_nothing(tmp_path):
    from scripts.make_exercise import release

    with pytest.raises(ValueError, match="OWNER/NAME"):
        release(tmp_path / "r", "not a repository")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("")
    with pytest.raises(ValueError, match="not empty"):
        release(tmp_path / "full", "a/b")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full"]


@pytest.mark.slow
def test_the_released_handout_runs_from_its_folder_alone(tmp_path):
    """As a student's Colab runs it: only the release's files, the solution's lines typed in, on the sample."""
    from helpers import filled_handout
    from scripts.make_exercise import release

    folder = tmp_path / "class-repo"
    release(folder, "my-school/mlp-2027")
    released = nbformat.read(folder / contract.HANDOUT, as_version=4)
    filled = filled_handout()
    for cell, full in zip(released.cells, filled.cells, strict=True):
        if cell.cell_type == "code" and cell.metadata.get("exercise_blanks"):
            cell.source = full.source
    run = nbrun.run_notebook(released, nbrun.SAMPLE, env={**nbrun.sample_env(), "PYTHONPATH": ""}, cwd=folder)
    assert nbrun.error(run) is None, nbrun.error(run)
    assert "Test accuracy: " in nbrun.printed(run)


def test_the_mistakes_of_derived_blanks_are_numbers_that_match_their_formulas():
    """mistake_values.json is what scripts/mistake_values.py computes now; the answer key holds no formula of them."""
    from scripts import mistake_values

    assert mistake_values.OUT.read_text(encoding="utf-8") == mistake_values.render()
    assert mistake_values.main(["--check"]) == 0
    blanks = (contract.PACKAGE / "blanks.py").read_text(encoding="utf-8")
    assert not any(re.search(pattern, blanks) for pattern in DERIVED_CODE)
