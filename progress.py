"""A one-line progress bar with the time left, updated in place: ``Progress``, one job.

The notebook shows it over its longer loops (the experiments, the best configuration) and ``mnist_data.py`` over
downloads of more than 1 MB. It uses only the standard library; inside a Jupyter kernel it also uses IPython's
display, imported only there. Importing this module loads no plotting library and not IPython, so the loader that
imports it stays light.
"""

import numbers
import sys
import time


class Progress:
    """A one-line progress bar for a loop of known length, updated in place: steps done, time spent, time left.

    In a notebook (Jupyter, JupyterLab, VS Code, Colab) it is one output updated through a display handle, an HTML
    bar with a plain-text copy, so a saved or headless-run notebook keeps only its last line. Elsewhere it rewrites
    one line of the terminal. It shows at most four updates a second, and always the last step.

    Args:
        total: the number of steps, at least 1 (epochs, say).
        title: what is running, shown first.
        unit: the name of the steps.
        clock: a function returning the time in seconds; the tests pass a fake clock.
    """

    def __init__(self, total, title="", unit="epochs", clock=time.perf_counter):
        if not isinstance(total, numbers.Integral) or isinstance(total, bool) or total < 1:
            raise ValueError(f"total must be a whole number of steps, at least 1; got {total!r}")
        self.total, self.title, self.unit = int(total), title, unit
        self.clock = clock
        self.done = 0
        self.start = clock()
        self.last_shown = None  # None until the first line is shown
        self.handle = None  # a terminal: print
        if _in_notebook():
            from IPython.display import DisplayHandle

            self.handle = DisplayHandle()
        self._show("")

    def update(self, n=1, status=""):
        """Count n more steps done; ``status`` says what runs now."""
        self.done = min(self.total, self.done + n)
        self._show(status)

    def close(self):
        """Show the final line: all steps and the time they took."""
        self.done = self.total
        self._show("", final=True)
        if self.handle is None:
            print()

    def line(self, status="", final=False):
        """The text of the bar now: steps done, seconds spent and left, then ``status``; or the final summary."""
        elapsed = self.clock() - self.start
        head = f"{self.title}: " if self.title else ""
        if final:
            return f"{head}{self.total:,} {self.unit} in {elapsed:.1f} s"
        bar = "#" * (20 * self.done // self.total) + "." * (20 - 20 * self.done // self.total)
        left = f", about {elapsed / self.done * (self.total - self.done):.0f} s left" if self.done else ""
        return f"{head}[{bar}] {self.done:,}/{self.total:,} {self.unit}, {elapsed:.0f} s{left}  {status}".rstrip()

    def _show(self, status, final=False):
        now, first = self.clock(), self.last_shown is None
        if not (first or final or self.done == self.total or now - self.last_shown >= 0.25):
            return  # at most four updates a second
        self.last_shown = now
        text = self.line(status, final)
        if self.handle is None:
            print("\r" + text, end="", flush=True)
            return
        html = f"<code>{text}</code>"
        if not final:
            html = f'<progress value="{self.done}" max="{self.total}" style="width: 14em"></progress> ' + html
        bundle = {"text/plain": text, "text/html": html}
        if first:
            self.handle.display(bundle, raw=True)
        else:
            self.handle.update(bundle, raw=True)


def _in_notebook():
    """True inside a Jupyter kernel (Jupyter, JupyterLab, VS Code, Colab, nbconvert), False in a terminal.

    A kernel has imported IPython before any cell runs, so when IPython is not imported this is no notebook, and
    IPython is not imported to find that out.
    """
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and hasattr(shell, "kernel")
