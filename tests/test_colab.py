"""Colab from a cold start: the notebook alone in an empty folder, with a fake ``google.colab``.

The first code cell must fetch the helpers whole (the course's three and the package ``answer_check/``) from the
repository's address (here a local HTTP server), replace a stale copy (its version differs), write nothing when one
file fails, and then say in one Japanese-first line what to upload: the repository's ZIP, which it unpacks.
"""

import io
import re
import textwrap
import zipfile

import nbformat
import pytest

import nbrun
from helpers import HELPER_MODULES, NOTEBOOK, ROOT

HELPERS = HELPER_MODULES

# A stand-in for Colab's google.colab: files.upload() records the call and "uploads" the files in UPLOAD_FROM (Colab
# saves each in the current folder and returns {name: bytes}).
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


def repository_zip(prefix="mlp-2027-main/"):
    """The repository's ZIP as GitHub's Code -> Download ZIP gives it: every file under one folder."""
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as z:
        for name in (*HELPERS, "README.md", "mnist_mlp_exercise.ipynb", "utils_extra/utils.py"):
            z.writestr(prefix + name, (ROOT / name).read_bytes() if (ROOT / name).is_file() else b"decoy")
    return data.getvalue()


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
    (uploads / "mlp-2027-main.zip").write_bytes(repository_zip())
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
def test_colab_with_the_address_unreachable_asks_for_the_zip_in_one_line_unpacks_it_and_goes_on(colab, server):
    folder, upload_log = colab
    text, error = run(folder, server.url + "/nowhere/")  # every file answers 404
    assert error is None, "after the upload the notebook must run to the end"
    lines = text["colab-utils"].strip().split("\n")
    assert len(lines) == 1, "one short message, no traceback"
    assert lines[0].startswith("ヘルパーのファイルをダウンロードできませんでした (Not Found)。リポジトリの ZIP")
    assert "アップロード" in lines[0] and lines[0].index("アップロード") < lines[0].index("/ Could not download")
    assert upload_log.read_text() == "upload\n"
    assert all((folder / name).read_bytes() == (ROOT / name).read_bytes() for name in HELPERS)
    assert text["test-confusion"].startswith("Test accuracy: 0.")


@pytest.mark.slow
def test_outside_colab_a_failed_download_says_what_to_get_and_no_upload_is_offered(colab, server):
    folder, upload_log = colab
    text, error = run(folder, server.url + "/nowhere/", on_colab=False)
    message = text["colab-utils"].strip()
    assert "\n" not in message and "ダウンロードできませんでした" in message and "ZIP" in message
    assert "展開して" in message and "ボタン" not in message and not upload_log.exists()
    assert error == ("imports", "ModuleNotFoundError")


def cell_source(url):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    source = next(c for c in nb.cells if c.id == "colab-utils").source
    return re.sub(r"^REPOSITORY = '[^']*'", repository(url), source, flags=re.M)


def test_a_stale_copy_is_replaced_whole(server, tmp_path, monkeypatch):
    """A folder with last year's checks (one file differs): the cell fetches every helper again and overwrites."""
    for name in HELPERS:
        server.routes["/" + name] = (ROOT / name).read_bytes()
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    (tmp_path / "answer_check" / "words.py").write_text("# an older version\n")
    monkeypatch.chdir(tmp_path)
    exec(cell_source(server.url + "/"), {})
    assert server.requests == [f"/{name}" for name in HELPERS]
    assert all((tmp_path / name).read_bytes() == (ROOT / name).read_bytes() for name in HELPERS)


def test_a_download_that_fails_half_way_writes_nothing(server, tmp_path, monkeypatch, capsys):
    for name in HELPERS[:-1]:  # the last file answers 404
        server.routes["/" + name] = (ROOT / name).read_bytes()
    monkeypatch.chdir(tmp_path)
    exec(cell_source(server.url + "/"), {})
    assert list(tmp_path.iterdir()) == []
    assert capsys.readouterr().out.count("\n") == 1


def test_the_uploaded_zip_is_unpacked_and_anything_else_is_said_to_be_no_zip(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    names = {}
    exec(cell_source("http://127.0.0.1:9/").split("\nif not all(")[0], names)  # the cell's functions alone
    names["from_zip"](repository_zip())
    assert all((tmp_path / name).read_bytes() == (ROOT / name).read_bytes() for name in HELPERS)
    assert not (tmp_path / "utils_extra").exists()
    with pytest.raises(zipfile.BadZipFile):
        names["from_zip"](b"not a zip")


def test_in_a_checkout_the_cell_does_nothing(server, monkeypatch):
    monkeypatch.chdir(ROOT)
    exec(cell_source(server.url + "/"), {})
    assert server.requests == []


def test_the_repository_address_is_one_constant_that_the_badges_agree_with():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    nb_text = NOTEBOOK.read_text(encoding="utf-8")
    constant = re.search(r"REPOSITORY = 'https://raw\.githubusercontent\.com/([\w.-]+/[\w.-]+)/main/'", nb_text)
    assert constant
    badges = re.findall(r"colab\.research\.google\.com/github/([\w.-]+/[\w.-]+)/blob", readme + nb_text)
    assert badges and set(badges) == {constant.group(1)}
