"""Colab from a cold start: the notebook alone in an empty folder, with a fake ``google.colab``.

The first code cell must fetch the helper modules from the repository's address (here a local HTTP server);
when that fails, say so in Japanese and English and offer Colab's upload button (a stub here), then go on.
"""

import re
import shutil
import textwrap

import nbformat
import pytest

import nbrun
from helpers import HELPER_MODULES, NOTEBOOK, ROOT

HELPERS = HELPER_MODULES

# A stand-in for Colab's google.colab: files.upload() records the call and "uploads" the files from UPLOAD_FROM.
FAKE_FILES = textwrap.dedent('''
    import os, shutil
    def upload():
        open(os.path.join(os.environ["UPLOAD_LOG"]), "a").write("upload\\n")
        source = os.environ.get("UPLOAD_FROM")
        names = os.listdir(source) if source else []
        for name in names:
            shutil.copy(os.path.join(source, name), name)
        return {name: open(name, "rb").read() for name in names}
''')


def repository(url):
    """The first code cell's REPOSITORY line, pointed at url."""
    return f"REPOSITORY = '{url}'"


@pytest.fixture
def colab(tmp_path, monkeypatch):
    """An empty folder holding only the notebook (course part), and a fake google.colab on the kernel's path."""
    folder, fake, uploads = tmp_path / "content", tmp_path / "fake", tmp_path / "uploads"
    folder.mkdir()
    (fake / "google" / "colab").mkdir(parents=True)
    (fake / "google" / "__init__.py").write_text("")
    (fake / "google" / "colab" / "__init__.py").write_text("")
    (fake / "google" / "colab" / "files.py").write_text(FAKE_FILES)
    uploads.mkdir()
    for name in HELPERS:
        shutil.copy(ROOT / name, uploads / name)
    monkeypatch.setenv("PYTHONPATH", str(fake))
    monkeypatch.setenv("UPLOAD_LOG", str(tmp_path / "upload.log"))
    monkeypatch.setenv("UPLOAD_FROM", str(uploads))
    return folder, tmp_path / "upload.log"


def run(folder, url, on_colab=True):
    """Run the notebook's course part from ``folder``; return (outputs by cell id, the first error or None)."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells = [c for c in nb.cells if "going-further" not in c.metadata.get("tags", [])]
    first = next(c for c in nb.cells if c.id == "colab-utils")
    assert len(re.findall(r"^REPOSITORY = '[^']*'", first.source, re.M)) == 1
    first.source = re.sub(r"^REPOSITORY = '[^']*'", repository(url), first.source, flags=re.M)
    if on_colab:
        nb.cells.insert(0, nbformat.v4.new_code_cell("import google.colab  # Colab imports it at start"))
    nbformat.write(nb, folder / NOTEBOOK.name)
    assert sorted(p.name for p in folder.iterdir()) == [NOTEBOOK.name]  # the notebook alone
    nb = nbrun.run_notebook(nb, nbrun.SAMPLE, env=nbrun.sample_env(), cwd=folder)
    errors = [(c.id, o.ename) for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    return nbrun.cell_printed(nb), errors[0] if errors else None


@pytest.mark.slow
def test_colab_fetches_the_helpers_and_runs_to_the_end(colab, server):
    folder, upload_log = colab
    for name in HELPERS:
        server.routes["/" + name] = (ROOT / name).read_bytes()
    text, error = run(folder, server.url + "/")
    assert error is None
    assert server.requests == [f"/{name}" for name in HELPERS]
    assert text["colab-utils"] == "" and not upload_log.exists()
    assert text["test-confusion"].startswith("Test accuracy: 0.")
    assert all((folder / name).read_bytes() == (ROOT / name).read_bytes() for name in HELPERS)


@pytest.mark.slow
def test_colab_with_the_address_unreachable_offers_the_upload_and_goes_on(colab, server):
    folder, upload_log = colab
    text, error = run(folder, server.url + "/nowhere/")  # every file answers 404
    assert error is None, "after the upload the notebook must run to the end"
    message = text["colab-utils"]
    lines = message.strip().split("\n")
    for name in HELPERS:
        japanese = lines.index(f"{name} をダウンロードできませんでした。"
                               "リポジトリから入手して、このノートブックと同じフォルダーに置いてください。")
        assert lines[japanese + 1] == f"Could not download {name} (Not Found): put it beside this notebook."
    assert lines[-1].startswith("下のボタンで、入手したファイルをアップロードしてください。") and "button" in lines[-1]
    assert len(lines) == 2 * len(HELPERS) + 1, "one short message, no traceback"
    assert upload_log.read_text() == "upload\n"
    assert text["test-confusion"].startswith("Test accuracy: 0.")


@pytest.mark.slow
def test_outside_colab_a_missing_helper_is_named_and_no_upload_is_offered(colab, server):
    folder, upload_log = colab
    text, error = run(folder, server.url + "/nowhere/", on_colab=False)
    assert "utils.py をダウンロードできませんでした" in text["colab-utils"]
    assert "Could not download checks.py" in text["colab-utils"]
    assert "ボタン" not in text["colab-utils"] and not upload_log.exists()
    assert error == ("imports", "ModuleNotFoundError")


def test_in_a_checkout_the_cell_does_nothing(server, monkeypatch):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    source = next(c for c in nb.cells if c.id == "colab-utils").source
    monkeypatch.chdir(ROOT)
    exec(re.sub(r"^REPOSITORY = '[^']*'", repository(server.url + "/"), source, flags=re.M), {})
    assert server.requests == []


def test_the_repository_address_is_one_constant_that_the_badges_agree_with():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    nb_text = NOTEBOOK.read_text(encoding="utf-8")
    constant = re.search(r"REPOSITORY = 'https://raw\.githubusercontent\.com/([\w.-]+/[\w.-]+)/main/'", nb_text)
    assert constant
    badges = re.findall(r"colab\.research\.google\.com/github/([\w.-]+/[\w.-]+)/blob", readme + nb_text)
    assert badges and set(badges) == {constant.group(1)}
