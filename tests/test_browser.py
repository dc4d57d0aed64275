"""The notebook in a real browser, as a learner runs it: JupyterLab and Notebook 7 in headless Chromium.

    python -m pytest -m browser        # these tests only; the default run leaves them out

Each test starts a fresh Jupyter server on 127.0.0.1 in a temporary folder holding a copy of the notebook and its
helpers, opens the notebook in Debian's Chromium driven by Playwright, runs all cells on a small split and checks
what a learner sees: no error output, the live loss plot animating, the LaTeX typeset, the Japanese headings drawn
with a Japanese font. They need ``sudo apt install chromium fonts-noto-cjk`` and ``pip install playwright`` (never
``playwright install``: its browser download cannot work here), and skip with the reason when either is missing.
``MNIST_MLP_SCREENSHOTS=images`` saves the screenshots (mid-training, end) for the README.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

import nbrun
from helpers import HELPER_MODULES, NOTEBOOK, ROOT, SAMPLE_DIR

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
FULL_DATA = ROOT.parent / "shared" / "data"  # the full MNIST, where it is (CI); else the committed sample

# JupyterLab settings for a test run: no news pop-up, and every cell kept in the page (not only those on screen).
SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}

# Counts the frames of the live loss plot: every new picture in the training cell's output.
COUNT_FRAMES = """() => {
  const cell = [...document.querySelectorAll('.jp-Cell')].find(c => c.querySelector('.jp-InputArea')
    && c.querySelector('.jp-InputArea').textContent.includes('loss_plot = LossPlot('));
  cell.setAttribute('data-test', 'training-cell');  // CodeMirror drops off-screen lines: find it once, by text
  window.frames_seen = new Set();
  const note = () => cell.querySelectorAll('.jp-OutputArea img').forEach(img => window.frames_seen.add(img.src));
  new MutationObserver(note).observe(cell, {subtree: true, childList: true, attributes: true,
                                            attributeFilter: ['src']});
  return !!cell;
}"""

# Rendered markdown text with code and typeset maths taken out: a `$` left in it is LaTeX that did not render.
RAW_DOLLARS = """() => [...document.querySelectorAll('.jp-RenderedMarkdown')].map(md => {
  const copy = md.cloneNode(true);
  copy.querySelectorAll('code, pre, mjx-container').forEach(e => e.remove());
  return copy.textContent;
}).filter(text => text.includes('$'))"""


def missing_tools():
    if not CHROMIUM.exists():
        return "Debian's chromium is not installed (sudo apt install chromium fonts-noto-cjk)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright; never 'playwright install')"
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(request, tmp_path):
    """A fresh Jupyter server (``request.param``: 'lab' or 'notebook') on a copy of the notebook; its URL."""
    if reason := missing_tools():
        pytest.skip(reason)
    app = request.param
    work = tmp_path / "work"
    work.mkdir()
    for name in HELPER_MODULES:
        (work / name).parent.mkdir(exist_ok=True)
        shutil.copy(ROOT / name, work / name)
    settings = tmp_path / "settings"
    for name, values in SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    full = (FULL_DATA / "mnist.npz").exists()
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(settings), "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "ws"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), "MPLBACKEND": "module://matplotlib_inline.backend_inline",
           "MNIST_DATA_HOME": str(FULL_DATA if full else SAMPLE_DIR)}
    # the course's split on the full MNIST (101 frames of the live plot, one per 50 batches, over about 6 s); the
    # sample's 2,000 training digits give one frame an epoch
    small = {"experiment_epochs": 1, "best_epochs": 2} if full else nbrun.SAMPLE
    nb = nbrun.inject_parameters(nbformat.read(NOTEBOOK, as_version=4), small)
    nbformat.write(nb, work / NOTEBOOK.name)
    port = free_port()
    log = open(tmp_path / "server.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyter", app, "--no-browser", "--allow-root", f"--port={port}", "--ip=127.0.0.1",
         "--ServerApp.token=", "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True",
         f"--ServerApp.root_dir={work}"],
        cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # bounds a server that never starts; a busy machine only makes it later
        while True:
            try:
                with urllib.request.urlopen(url + "/api/status", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"jupyter {app} did not start:\n{(tmp_path / 'server.log').read_text()}")
                time.sleep(0.5)
        yield app, url, work
    finally:
        process.terminate()  # the server we started, by its own PID
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def run_all(page, app):
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()


def wait_for_kernel(url, timeout_s=180):
    """Until the notebook's kernel has started, is idle and the page is connected to it (Jupyter's REST API).

    Polls the condition; ``timeout_s`` only bounds a kernel that never starts.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        with urllib.request.urlopen(url + "/api/kernels", timeout=30) as response:
            kernels = json.load(response)
        if any(k["execution_state"] == "idle" and k.get("connections", 0) >= 1 for k in kernels):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"no kernel was idle and connected after {timeout_s} s: {kernels}")
        time.sleep(0.5)


# True when every code cell shows an execution count: none is queued or running ([*]) or never run ([ ]).
ALL_CELLS_RUN = """() => {
  const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent.trim());
  return prompts.length > 0 && prompts.every(p => p.startsWith('[') && !p.includes('*') && p !== '[ ]:');
}"""


def wait_until_done(page, timeout_s=900):
    """Until every code cell shows an execution count; ``timeout_s`` only bounds a notebook that never ends."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    try:
        page.wait_for_function(ALL_CELLS_RUN, timeout=timeout_s * 1000, polling=1000)
    except PlaywrightTimeoutError:
        raise AssertionError(f"the notebook did not finish in {timeout_s} s") from None


def screenshot(page, locator, name):
    folder = os.environ.get("MNIST_MLP_SCREENSHOTS")
    if folder:
        locator.evaluate("e => e.scrollIntoView({block: 'center'})")  # cells off screen are not drawn
        # the page has drawn since the scroll: two animation frames, not a fixed wait
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        locator.screenshot(path=str(ROOT / folder / name))


@pytest.mark.parametrize("server", ["lab", "notebook"], indirect=True)
def test_a_learner_runs_the_whole_notebook_in_the_browser(server):
    from playwright.sync_api import sync_playwright

    app, url, _ = server
    path = "/lab/tree/" if app == "lab" else "/notebooks/"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url + path + NOTEBOOK.name)
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
            page.wait_for_selector(".jp-InputArea:has-text('loss_plot = LossPlot(')", state="attached",
                                   timeout=60_000)
            wait_for_kernel(url)  # the kernel has started and the page is connected to it: Run All reaches it
            assert page.evaluate(COUNT_FRAMES), "the training cell was not found in the page"
            run_all(page, app)
            train = page.locator(".jp-Cell[data-test='training-cell']")
            # the plot animates: a second picture replaces the first (how many a busy browser draws is not asked)
            page.wait_for_function("() => window.frames_seen.size >= 2", timeout=300_000)
            screenshot(page, train.locator(".jp-OutputArea").first, f"browser_{app}_training.png")
            wait_until_done(page)
            frames = page.evaluate("() => window.frames_seen.size")
            screenshot(page, train.locator(".jp-OutputArea").first, f"browser_{app}_end.png")
            screenshot(page, page.locator(".jp-Cell", has=page.locator("h1")).first, f"browser_{app}_title.png")

            errors = page.eval_on_selector_all(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
                                               "es => es.map(e => e.textContent)")
            assert errors == [], f"the notebook showed errors or warnings: {errors[:2]}"
            assert frames >= 2, f"the live loss plot showed {frames} picture; expected it to animate"
            printed = page.locator(".jp-OutputArea-output", has_text=re.compile(r"^Test accuracy: 0\.\d{4}")).count()
            assert printed == 1
            assert page.locator("mjx-container").count() > 20, "the LaTeX was not typeset"
            assert page.evaluate(RAW_DOLLARS) == [], "some LaTeX was left as raw $...$"
            heading = page.locator(".jp-RenderedMarkdown h1").first
            assert "勾配法と誤差逆伝搬法" in heading.text_content()
            japanese_fonts = subprocess.run(["fc-list", ":lang=ja", "family"], capture_output=True, text=True).stdout
            assert japanese_fonts.strip(), "no Japanese font (headings show as boxes): sudo apt install fonts-noto-cjk"
        finally:
            browser.close()
