"""What the tests share: the notebook's cells and a local HTTP server on 127.0.0.1 (a plain module: import it)."""

import http.server
import threading
from pathlib import Path

import nbformat
import numpy as np

from answer_check import contract, judge, runlines
from mistakes import apply
from scripts.make_exercise import blank_out

ROOT = contract.ROOT
NOTEBOOK = ROOT / "mnist_mlp.ipynb"
EXERCISE = ROOT / "mnist_mlp_exercise.ipynb"
SAMPLE_DIR = Path(__file__).resolve().parent / "data"  # mnist.npz: 5,000 + 1,000 real MNIST digits
HELPER_MODULES = contract.HELPERS  # what the notebook imports, beside it


def notebook_cell(cell_id, path=NOTEBOOK):
    """The source of the notebook cell with this id."""
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.get("id") == cell_id:
            return cell.source
    raise KeyError(f"{path.name} has no cell with id {cell_id!r}")


def filled_handout(line=None, blank=None, root=ROOT):
    """The handout with each blank filled by the solution's line; one line written differently, or one blank left
    (``root``: the project's folder, or a copy of it holding a teacher's variant)."""
    solution = nbformat.read(Path(root) / NOTEBOOK.name, as_version=4)
    handout = nbformat.read(Path(root) / EXERCISE.name, as_version=4)
    lines = {c.id: dict(blank_out(c.source, c.metadata.get("exercise_blanks", []))[1])
             for c in solution.cells if c.cell_type == "code"}
    for cell in handout.cells:
        if cell.cell_type == "code" and cell.metadata.get("exercise_blanks"):
            source = cell.source.split("\n")
            cell.source = "\n".join(line_text if blank and line_text.strip().startswith(f"{blank} = ") else
                                    lines[cell.id].get(i, line_text) for i, line_text in enumerate(source))
            if line and cell.id == line.cell:
                cell.source = apply(cell.source, line)
    return handout


def judge_notebook(cells, hints=True):
    """A verdict for each of the 24 blanks from the four cells' sources: run, then judged, as the grader does."""
    return judge.judge_cells(runlines.run_cells(cells), hints)


def notebook_functions():
    """softmax, softmax_cross_entropy, sigmoid and dsigmoid_du as the notebook defines them."""
    namespace = {"np": np}
    exec(notebook_cell("functions"), namespace)
    return namespace


# --------------------------------------------------------------------------------------
# A small HTTP server on 127.0.0.1 that the tests fill with files
# --------------------------------------------------------------------------------------


class LocalServer:
    """Serves ``routes``: path -> bytes (200), or path -> (status, bytes, declared_length or None).

    ``requests`` lists every path asked for, in order. A path not in ``routes`` answers 404.
    ``hang`` makes every request wait that many seconds before answering.
    ``hold_until = n`` holds every request until n requests have arrived, so n downloads are provably in flight at
    once, whatever the machine's load. A request still held after ``hold_timeout`` seconds is answered 503 and its
    path listed in ``held_too_long``, for the test to fail on loudly.
    """

    def __init__(self, hold_until=0, hold_timeout=60.0):
        self.routes = {}
        self.requests = []
        self.hang = 0.0
        self.hold_until = hold_until
        self.hold_timeout = hold_timeout
        self.held_too_long = []
        self._stop = threading.Event()
        self._arrived = threading.Condition()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                with server._arrived:
                    server.requests.append(self.path)
                    server._arrived.notify_all()
                    released = not server.hold_until or server._arrived.wait_for(
                        lambda: len(server.requests) >= server.hold_until or server._stop.is_set(),
                        timeout=server.hold_timeout)
                    if not released:
                        server.held_too_long.append(self.path)
                if server.hang:
                    server._stop.wait(server.hang)
                try:
                    if released:
                        self.answer(server.routes.get(self.path))
                    else:
                        self.send_error(503, f"held {server.hold_timeout} s waiting for {server.hold_until} requests")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test): nothing to answer

            def answer(self, route):
                if route is None:
                    self.send_error(404)
                    return
                status, body, length = route if isinstance(route, tuple) else (200, route, None)
                self.send_response(status)
                self.send_header("Content-Length", str(length if length is not None else len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def close(self):
        self._stop.set()
        with self._arrived:
            self._arrived.notify_all()  # release held requests
        self.httpd.shutdown()
        self.httpd.server_close()
