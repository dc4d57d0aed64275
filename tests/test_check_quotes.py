"""scripts/check_quotes.py: the one checker of printed numbers: quotes, identical runs, floors and ceilings."""

import nbformat

from scripts.check_quotes import holds, main, printed_numbers, quotes


def executed(folder, printed, prose=""):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(prose), nbformat.v4.new_code_cell("print(...)")]
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text=printed)]
    folder.mkdir(exist_ok=True)
    path = folder / "run.ipynb"
    nbformat.write(nb, path)
    return str(path)


def test_a_quote_holds_when_a_printed_number_rounds_to_it():
    assert holds("0.94", [0.9446]) and holds("0.94", [0.9435]) and holds("0.9431", [0.9431])
    assert not holds("0.945", [0.9435]) and not holds("0.93", [0.9249])


def test_quotes_are_the_bold_numbers_and_printed_numbers_come_from_the_outputs(tmp_path):
    run = executed(tmp_path, "Test accuracy: 0.9431\ntook 12.5 s\n", "*You should see **0.9431**, and 0.5 unbolded.*")
    assert [q for _, q in quotes([run])] == ["0.9431"]
    assert printed_numbers(run) == [0.9431, 12.5]


def test_main_fails_naming_a_quote_that_a_run_did_not_print(tmp_path, capsys):
    run = executed(tmp_path / "a", "validation 0.9243\n", "*ReLU gives **0.92**; quoted too precisely: **0.924**.*")
    other = executed(tmp_path / "b", "validation 0.9163\n")  # the same run on another CPU
    assert main(["--runs", run, "--quotes", run]) == 0
    assert main(["--runs", run, other, "--quotes", run]) == 1
    assert "quotes 0.924, which" in capsys.readouterr().err


def test_runs_must_print_the_same_numbers_times_aside(tmp_path, capsys):
    one = executed(tmp_path / "a", "Test accuracy: 0.9431\nThe experiments took 62 s.\n")
    two = executed(tmp_path / "b", "Test accuracy: 0.9431\nThe experiments took 105 s.\n")
    three = executed(tmp_path / "c", "Test accuracy: 0.9430\nThe experiments took 62 s.\n")
    assert main(["--runs", one, two, "--same"]) == 0
    assert main(["--runs", one, three, "--same"]) == 1
    assert "printed different numbers" in capsys.readouterr().err


def test_floors_and_ceilings_of_one_labelled_line(tmp_path, capsys):
    run = executed(tmp_path / "a", "Test accuracy: 0.9431\nBest configuration training time: 21.2 s\n")
    assert main(["--runs", run, "--at-least", "Test accuracy=0.93",
                 "--at-most", "Best configuration training time=60"]) == 0
    assert main(["--runs", run, "--at-least", "Test accuracy=0.95"]) == 1
    assert main(["--runs", run, "--at-least", "Validation accuracy=0.9"]) == 1
    err = capsys.readouterr().err
    assert "Test accuracy is 0.9431, below 0.95" in err and "expected one line 'Validation accuracy: <number>'" in err
