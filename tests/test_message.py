"""answer_check/message.py: the one renderer, a verdict to the message the notebook, a page and Gradescope show."""

from answer_check import message


def verdict(**changes):
    return {"status": "wrong", "ja": ["よくある間違い: 符号が逆です。"], "en": ["Delta_3 is wrong."],
            "line": "Delta_3 = D - Y", "lineno": 30, "mistake": "the sign is flipped", "detail": "", **changes}


def test_the_headline_names_the_cell_the_blank_and_the_line():
    ja, detail, en = message.render("training.Delta_3", verdict())
    assert ja[0] == "学習のセルの Delta_3 の行が間違っています (30行目 `Delta_3 = D - Y`)。"
    assert ja[1].startswith("よくある")
    assert detail == "" and en == ["Delta_3 is wrong."]
    assert message.render("sigmoid", verdict(line="return U"))[0][0].startswith("sigmoid の return の行が間違って")
    assert message.render("testacc", verdict())[0][0].startswith("テストデータのセルの testacc の行")


def test_a_blank_written_over_two_lines_shows_each_line_on_its_own():
    ja, _, _ = message.render("training.Delta_2", verdict(line="Delta_2 = W_3.T @ Delta_3\nDelta_2 *= Z_2", lineno=36))
    assert ja[0].endswith("(36〜37行目)。") and ja[1:3] == ["    Delta_2 = W_3.T @ Delta_3", "    Delta_2 *= Z_2"]


def test_pythons_words_come_after_the_japanese_paragraph_and_before_the_english():
    v = verdict(status="error", ja=["`Dleta_3` という名前はまだ定義されていません。"],
                detail="NameError: name 'Dleta_3'", en=["The line raised NameError."])
    text = message.text(*message.render("training.Delta_2", v))
    japanese, python, english = text.split("\n\n")
    assert "でエラーが出ました" in japanese and "NameError" not in japanese
    assert python == "(NameError: name 'Dleta_3')" and english == "The line raised NameError."


def test_a_missing_line_is_said_missing_and_an_empty_blank_empty():
    missing = verdict(status="error", mistake="line missing", ja=["X", "行を消していないか確かめてください。"])
    assert message.render("training.b_2", missing)[0][0] == "学習のセルに b_2 の行が見つかりません。"
    empty = verdict(status="empty", ja=["b_2 の空欄がまだ埋まっていません。", "式を見ながら書いてください。"],
                    lineno=44)
    assert message.render("training.b_2", empty)[0] == ["学習のセルの b_2 の行 (44行目) がまだ埋まっていません。",
                                                          "式を見ながら書いてください。"]


def test_two_names_swapped_show_no_one_sided_fix():
    from answer_check.syntax import Slip

    ja, _ = message.slip_message([Slip("names swapped", "Y", "D", "Y")], hints=True, show_fix=True)
    assert "入れ替わっています" in ja and "で合います" not in ja


def test_a_pair_of_slips_shows_no_fix_and_a_sentence_once():
    from answer_check.syntax import Slip

    twice = [Slip("function missing", "U", "sigmoid(U)", "sigmoid")] * 2
    ja, _ = message.slip_message(twice, hints=True, show_fix=True)
    assert ja.count("通し忘れています") == 1 and "で合います" not in ja
