"""scripts/check_quotes.py: a number in bold in the prose must be one the notebook printed, at its precision."""

import nbformat

from scripts.check_quotes import holds, main, printed_numbers, quotes


def executed(tmp_path, printed, prose):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(prose), nbformat.v4.new_code_cell("print(...)")]
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text=printed)]
    path = tmp_path / "run.ipynb"
    nbformat.write(nb, path)
    return path


def test_a_quote_holds_when_a_printed_number_rounds_to_it():
    assert holds("0.94", [0.9446]) and holds("0.94", [0.9435]) and holds("0.9431", [0.9431])
    assert not holds("0.945", [0.9435]) and not holds("0.93", [0.9249])


def test_quotes_are_the_bold_numbers_and_printed_numbers_come_from_the_outputs(tmp_path):
    run = executed(tmp_path, "Test accuracy: 0.9431\ntook 12.5 s\n", "*You should see **0.9431**, and 0.5 unbolded.*")
    assert [q for _, q in quotes([run])] == ["0.9431"]
    assert printed_numbers(run) == [0.9431, 12.5]


def test_main_fails_naming_a_quote_that_a_run_did_not_print(tmp_path, capsys):
    run = executed(tmp_path, "validation 0.9243\n", "*ReLU gives **0.92**; quoted too precisely: **0.924**.*")
    (tmp_path / "other").mkdir()
    other = executed(tmp_path / "other", "validation 0.9163\n", "")  # the same run on another CPU
    assert main([str(run), "--runs", str(run)]) == 0
    assert main([str(run), "--runs", str(run), str(other)]) == 1
    assert "quotes 0.924, which" in capsys.readouterr().err
