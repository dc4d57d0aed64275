"""words.py: every sentence of the answer checks is there, ja and en together, and nowhere else; every key said has
words, every row is said somewhere, every kind of slip the rules make has its words."""

import ast
import re
from pathlib import Path

import pytest

from answer_check import contract, words

JAPANESE = re.compile(r"[\u3001-\u30ff\u3400-\u9fff\uff01-\uff60]")  # kana, kanji, full-width punctuation
MODULES = sorted(contract.PACKAGE.glob("*.py"))


def calls(name):
    """(module, first argument) of every call name("...") in the package."""
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == name \
                    and node.args and isinstance(node.args[0], ast.Constant):
                yield path.name, node.args[0].value


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_module_but_words_holds_japanese(path):
    if path.name == "words.py":
        return
    found = [(number, line.strip()) for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1)
             if JAPANESE.search(line)]
    assert found == [], f"{path.name}: move these words to words.py: {found}"


def strings():
    """Every string constant of the package's modules but words.py: where a key is named."""
    return {node.value for path in MODULES if path.name != "words.py"
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def test_every_key_said_has_words_and_every_row_is_said():
    said = {key for _, key in [*calls("say"), *calls("_fail")]}
    assert said - set(words.SAY) == set(), "keys said without words: add a row `key | ja | en` to SAY in words.txt"
    assert set(words.SAY) - strings() == set(), "rows of SAY in words.txt no code says: remove them"
    assert {key for _, key in calls("mistake")} - set(words.MISTAKES) == set(), \
        "mistakes without words: add a row `key | ja | en` to MISTAKES in words.txt"
    assert set(words.MISTAKES) - strings() == set(), "rows of MISTAKES in words.txt no blank has: remove them"


def test_a_key_without_words_is_an_error_not_a_generic_sentence():
    with pytest.raises(KeyError):
        words.say("no such sentence")
    with pytest.raises(KeyError):
        slip = type("Slip", (), {"kind": "no such kind", "part": "x", "fixed": "", "what": "", "shape": ()})()
        words.slip_sentence(slip)


def test_every_kind_of_slip_the_rules_make_has_its_words():
    kinds = set()
    for name in ("rules.py", "slips.py"):
        for node in ast.walk(ast.parse((contract.PACKAGE / name).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Slip" and node.args \
                    and isinstance(node.args[0], ast.Constant):
                kinds.add(node.args[0].value)
    from answer_check import rules

    assert kinds, "no Slip(...) found: the test reads the wrong files"
    assert kinds - set(rules.RANK) <= {"names swapped", "line twice", "axis fixed", "bracket", "other name",
                                           "overwritten in a loop"}, \
        "a kind the rules make that RANK (answer_check/rules.py) does not order: add it there"
    spoken = set(words.SLIP_WORDS) | set(words._SLIP_SAYERS)
    assert (kinds | set(rules.RANK)) - spoken == set(), \
        "kinds of slip without words: add a row `kind | ja | en` to SLIP_WORDS in answer_check/words.txt"


def test_a_field_differs_by_language_only_where_asked():
    assert words.say("not defined yet", names="a、b", names_en="a, b", where="セル", where_en="the cell") == (
        "a、b がまだ定義されていません。先にセルを実行してください (Shift+Enter)。",
        "a, b is not defined yet: run the cell first (Shift+Enter).")


def test_the_words_module_imports_nothing_of_the_package():
    tree = ast.parse(Path(words.__file__).read_text(encoding="utf-8"))
    assert not [node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level]


def test_a_malformed_row_or_a_key_twice_is_an_error_naming_it():
    with pytest.raises(ValueError, match="not 'broken row without cells'"):
        words._rows("good | 良い | good\nbroken row without cells")
    with pytest.raises(ValueError, match="'good' is written twice"):
        words._rows("good | 良い | good\ngood | よい | fine")
