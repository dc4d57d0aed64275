"""Helpers for the NICO2AI lecture 5 exercise (mnist_mlp.ipynb).

Small helpers, one job each:

- ``to_categorical``       labels (n,) -> one-hot rows (n, n_classes)
- ``calculate_accuracy``   fraction of equal labels
- ``plot_confusion_matrix`` an annotated heat map of a confusion matrix
- ``get_image_tile``       many 28x28 digits as one image that displays in a notebook
- ``LossPlot``             the live loss plot of the training loop, one image updated in place
- ``Progress``             a one-line progress bar with the time left, updated in place
- ``load_mnist``           all 70,000 MNIST digits, downloaded once, verified and cached

Only NumPy, matplotlib, seaborn, Pillow (which matplotlib installs) and, as the last
download source, scikit-learn are used.
"""

import gzip
import hashlib
import http.client
import io
import os
import tempfile
import time
import urllib.request
import zipfile
import zlib
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from IPython.display import DisplayHandle
from IPython.display import Image as IPythonImage
from PIL import Image

# --------------------------------------------------------------------------------------
# Small helpers used by the notebook
# --------------------------------------------------------------------------------------


def _as_label_array(y, name):
    """Return ``y`` as a 1-D int64 array, or raise ValueError saying what is wrong."""
    y = np.asarray(y)
    if y.dtype.kind == "c":
        raise ValueError(f"{name} must hold real class labels; got complex numbers")
    if y.dtype.kind == "O":
        raise ValueError(f"{name} must hold integer class labels that fit in int64; got Python objects "
                         "(numbers too large for int64, or mixed types)")
    if y.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of class labels; got shape {y.shape}")
    if y.size == 0:
        raise ValueError(f"{name} is empty; pass at least one label")
    if y.dtype.kind == "f":
        if not np.all(np.isfinite(y)) or not np.all(y == np.round(y)):
            raise ValueError(f"{name} must hold whole numbers (class indices such as 0..9); got non-integer values")
    elif y.dtype.kind not in "iub":
        raise ValueError(f"{name} must hold integer class labels; got dtype {y.dtype}")
    if y.dtype.kind == "u" and y.max() > np.iinfo(np.int64).max:
        raise ValueError(f"{name} holds labels too large for int64 (largest {y.max()}); class labels are 0..9")
    if y.dtype.kind == "f" and np.abs(y).max() >= 2.0 ** 63:
        raise ValueError(f"{name} holds labels too large for int64; class labels are 0..9")
    return y.astype(np.int64)


def to_categorical(y, num_classes=10):
    """One-hot encode class labels.

    Args:
        y: labels, shape (n,), integers in 0..num_classes-1 (floats holding whole numbers are accepted).
        num_classes: number of classes, 10 for MNIST.

    Returns:
        float32 array of shape (n, num_classes) with a single 1.0 in each row, at column y[i].
    """
    y = _as_label_array(y, "y")
    if y.min() < 0 or y.max() >= num_classes:
        raise ValueError(
            f"labels must lie in 0..{num_classes - 1}; got values from {y.min()} to {y.max()} "
            f"(pass num_classes= if you have more classes)"
        )
    Y = np.zeros((len(y), num_classes), dtype=np.float32)
    Y[np.arange(len(y)), y] = 1.0
    return Y


def calculate_accuracy(y_true, y_pred):
    """Fraction of predictions equal to the true labels.

    Args:
        y_true: true class labels, shape (n,).
        y_pred: predicted class labels, shape (n,).

    Returns:
        Python float in [0, 1].
    """
    y_true = _as_label_array(y_true, "y_true")
    y_pred = _as_label_array(y_pred, "y_pred")
    if len(y_true) != len(y_pred):
        raise ValueError(
            f"y_true and y_pred must have the same length; got {len(y_true)} and {len(y_pred)} "
            "(did you pass one-hot rows instead of labels? use .argmax(axis=...))"
        )
    return float(np.mean(y_true == y_pred))


def plot_confusion_matrix(C, labels, ax=None, title="Confusion matrix"):
    """Draw a confusion matrix as an annotated heat map.

    Args:
        C: counts, shape (k, k); C[i, j] = how many digits of true class i were predicted as j
           (what ``sklearn.metrics.confusion_matrix(y_true, y_pred)`` returns).
        labels: k class names for the axes, e.g. ``range(10)``.
        ax: matplotlib Axes to draw on; a new 5x4-inch figure is made when None.
        title: the figure's title.

    Returns:
        The matplotlib Axes drawn on.
    """
    C = np.asarray(C)
    labels = list(labels)
    if C.ndim != 2 or C.shape[0] != C.shape[1] or C.size == 0:
        raise ValueError(f"C must be a non-empty square matrix of counts; got shape {C.shape}")
    if C.dtype.kind not in "iub":
        if C.dtype.kind != "f" or not np.all(np.isfinite(C)) or not np.all(C == np.round(C)):
            raise ValueError(f"C must hold whole-number counts (what confusion_matrix returns); got dtype {C.dtype} "
                             "with non-integer, NaN or complex values")
        C = C.astype(np.int64)
    if len(labels) != C.shape[0]:
        raise ValueError(f"labels has {len(labels)} names but C is {C.shape[0]}x{C.shape[1]}; pass one name per row")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4))
    sns.heatmap(C, annot=True, fmt="d", cmap="Blues", cbar=False, square=True,
                xticklabels=labels, yticklabels=labels, annot_kws={"size": 7}, ax=ax)
    ax.set_xlabel("Predicted label")
    ax.set_ylabel("True label")
    ax.set_title(title)
    return ax


def get_image_tile(X, width=10, height=10, scale=2):
    """Lay the first ``width * height`` digits out as one grey-scale image.

    Args:
        X: images, shape (n, 784) or (n, 28, 28); uint8 in 0..255 or floats in [0, 1].
        width: digits per row.
        height: rows of digits.
        scale: each pixel becomes a scale x scale block so the tile is easy to see.

    Returns:
        PIL.Image.Image of (28 * height * scale) x (28 * width * scale) pixels; a notebook shows it
        when it is the last expression of a cell.
    """
    X = np.asarray(X)
    if X.dtype.kind not in "uif" and X.dtype != np.bool_:
        raise ValueError(f"X must hold real pixel values (uint8 or floats in [0, 1]); got dtype {X.dtype}")
    if width < 1 or height < 1 or scale < 1:
        raise ValueError(f"width, height and scale must be at least 1; got {width}, {height}, {scale}")
    if X.ndim == 2 and X.shape[1] == 784:
        X = X.reshape(-1, 28, 28)
    if X.ndim != 3 or X.shape[1:] != (28, 28):
        raise ValueError(f"X must hold 28x28 images, shape (n, 784) or (n, 28, 28); got shape {X.shape}")
    n = width * height
    if len(X) < n:
        raise ValueError(f"a {width}x{height} tile needs {n} images but X has {len(X)}; use a smaller width or height")
    if X.dtype.kind == "f" and not np.all(np.isfinite(X[:n])):
        raise ValueError("X holds NaN or infinite values (the weights of a network that diverged? try a smaller "
                         "learning rate); pass finite pixel values")
    if X.dtype != np.uint8:
        X = np.clip(np.asarray(X[:n], dtype=np.float64) * 255.0, 0, 255).round().astype(np.uint8)
    tile = X[:n].reshape(height, width, 28, 28).transpose(0, 2, 1, 3).reshape(height * 28, width * 28)
    image = Image.fromarray(tile)  # uint8 2-D array -> 8-bit grey-scale image
    return image.resize((image.width * scale, image.height * scale), Image.NEAREST)


class LossPlot:
    """A live loss plot for a training loop: one image in the notebook, updated in place.

    The axes, labels and legend are drawn once; each ``update`` redraws only the two curves and the title
    (matplotlib's blitting) and sends the picture as a PNG through one display handle. That works the same in
    Jupyter, JupyterLab, VS Code, Colab and headless nbconvert, leaves a single figure in the saved notebook, and
    costs a few milliseconds instead of the ~40 ms of redrawing and re-displaying a whole figure.

    Args:
        nb_epoch: the x axis runs from 0 to nb_epoch.
        show: False makes every method do nothing (for timing the training alone).
    """

    def __init__(self, nb_epoch, show=True):
        self.show = show
        if not show:
            return
        self.fig, self.ax = plt.subplots(figsize=(4, 4))
        self.train_line, = self.ax.plot([], [], label="Train", animated=True)
        self.valid_line, = self.ax.plot([], [], "o-", label="Validation", animated=True)
        # the newest training loss as a dot, so the first frame (one point, no line yet) shows where training starts
        self.now, = self.ax.plot([], [], "o", color=self.train_line.get_color(), markersize=4, animated=True)
        self.title = self.ax.set_title(" ", animated=True)
        self.ax.set_xlim(0, nb_epoch)
        self.ax.set_yscale("log")
        self.ax.set_ylim(0.01, 100)  # whole decades; widened by whole decades if a loss falls outside
        self.ax.set_xlabel("Epoch")
        self.ax.set_ylabel("Loss per image (log scale)")
        self.ax.legend(loc="upper right")
        self.fig.tight_layout()
        self.background = None
        self.curves = ([], [], [], [])
        self.handle = DisplayHandle()
        self.shown = False

    def update(self, train_epochs, train_losses, valid_epochs, valid_losses, title):
        """Redraw the curves from the lists the training loop keeps, and show the result."""
        if not self.show:
            return
        self.curves = (train_epochs, train_losses, valid_epochs, valid_losses)
        self.train_line.set_data(train_epochs, train_losses)
        self.now.set_data(train_epochs[-1:], train_losses[-1:])
        self.valid_line.set_data(valid_epochs, valid_losses)
        self.title.set_text(title)
        self._redraw()

    def close(self, title):
        """Show the final curves under a final title and release the figure, so Jupyter does not show it twice.

        The final curves are the lists last passed to ``update``, as the loop has extended them since.
        """
        if not self.show:
            return
        self.update(*self.curves, title)
        plt.close(self.fig)

    def _redraw(self):
        losses = np.concatenate([self.train_line.get_ydata(), self.valid_line.get_ydata()]).astype(np.float64)
        losses = losses[np.isfinite(losses) & (losses > 0)]
        low, high = self.ax.get_ylim()
        if self.background is None or (losses.size and (losses.min() < low or losses.max() > high)):
            if losses.size:  # the curves left the axes: widen them to whole decades, draw the static parts again
                decades = np.log10([losses.min(), losses.max()])
                self.ax.set_ylim(min(low, 10 ** np.floor(decades[0])), max(high, 10 ** np.ceil(decades[1])))
            self.fig.canvas.draw()
            self.background = self.fig.canvas.copy_from_bbox(self.fig.bbox)
        else:
            self.fig.canvas.restore_region(self.background)
        for artist in (self.train_line, self.valid_line, self.now, self.title):
            self.fig.draw_artist(artist)
        png = io.BytesIO()
        Image.fromarray(np.asarray(self.fig.canvas.buffer_rgba())).convert("RGB").save(png, "png", compress_level=1)
        if self.shown:
            self.handle.update(IPythonImage(data=png.getvalue()))
        else:
            self.handle.display(IPythonImage(data=png.getvalue()))
            self.shown = True


class Progress:
    """A one-line progress bar for a loop of known length, updated in place: steps done, time spent, time left.

    In a notebook (Jupyter, JupyterLab, VS Code, Colab) it is one output updated through a display handle, an HTML
    bar with a plain-text copy, so a saved or headless-run notebook keeps only its last line. Elsewhere it rewrites
    one line of the terminal.

    Args:
        total: the number of steps, at least 1 (epochs, say).
        title: what is running, shown first.
        unit: the name of the steps.
    """

    def __init__(self, total, title="", unit="epochs"):
        if not isinstance(total, int | np.integer) or isinstance(total, bool) or total < 1:
            raise ValueError(f"total must be a whole number of steps, at least 1; got {total!r}")
        self.total, self.title, self.unit = int(total), title, unit
        self.done = 0
        self.start = time.perf_counter()
        self.last_shown = None  # None until the first line is shown
        self.handle = DisplayHandle() if _in_notebook() else None
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
        elapsed = time.perf_counter() - self.start
        head = f"{self.title}: " if self.title else ""
        if final:
            return f"{head}{self.total:,} {self.unit} in {elapsed:.1f} s"
        bar = "#" * (20 * self.done // self.total) + "." * (20 - 20 * self.done // self.total)
        left = f", about {elapsed / self.done * (self.total - self.done):.0f} s left" if self.done else ""
        return f"{head}[{bar}] {self.done:,}/{self.total:,} {self.unit}, {elapsed:.0f} s{left}  {status}".rstrip()

    def _show(self, status, final=False):
        now, first = time.perf_counter(), self.last_shown is None
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
    """True inside a Jupyter kernel (Jupyter, JupyterLab, VS Code, Colab, nbconvert), False in a terminal."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


# --------------------------------------------------------------------------------------
# Loading MNIST: MNIST_DATA_HOME, then the cache, then verified downloads
# --------------------------------------------------------------------------------------

# The Keras copy of MNIST: one .npz file with x_train, y_train, x_test, y_test.
KERAS_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
KERAS_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"

# torchvision's mirror of the original IDX files, with the md5 of each file.
IDX_MIRRORS = ["https://ossci-datasets.s3.amazonaws.com/mnist/"]
IDX_FILES = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}

# SHA-256 of each array's raw bytes: the same whichever source the digits came from.
MNIST_ARRAY_SHA256 = {
    "x_train": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
    "y_train": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
    "x_test": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
    "y_test": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
}

MNIST_N_TRAIN = 60000  # OpenML's mnist_784 lists the 60,000 training digits first, then the 10,000 test digits
MNIST_FILENAME = "mnist.npz"
TIMEOUT_S = 30


class MNISTUnavailableError(RuntimeError):
    """MNIST is neither in MNIST_DATA_HOME nor in the cache, and no source could be downloaded."""


def default_cache_dir():
    """The user's cache folder for MNIST: ``$XDG_CACHE_HOME/mnist_mlp`` or ``~/.cache/mnist_mlp``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mnist_mlp"


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def _check_layout(arrays, origin):
    """Raise ValueError unless ``arrays`` is MNIST in the Keras layout (any number of images)."""
    missing = [k for k in MNIST_ARRAY_SHA256 if k not in arrays]
    if missing:
        raise ValueError(f"{origin} lacks the arrays {missing}; an MNIST .npz holds x_train, y_train, x_test, y_test")
    for part in ("train", "test"):
        x, y = arrays[f"x_{part}"], arrays[f"y_{part}"]
        if x.dtype != np.uint8 or x.ndim != 3 or x.shape[1:] != (28, 28) or len(x) == 0:
            raise ValueError(f"{origin}: x_{part} must be uint8 of shape (n, 28, 28); got {x.dtype} {x.shape}")
        if y.dtype.kind not in "iu" or y.shape != (len(x),):
            raise ValueError(f"{origin}: y_{part} must be integer labels of shape ({len(x)},); got {y.dtype} {y.shape}")
        if y.min() < 0 or y.max() > 9:
            raise ValueError(f"{origin}: y_{part} must hold labels 0..9; got {y.min()}..{y.max()}")


def _is_full_mnist(arrays):
    """True when every array's bytes hash to the published MNIST value."""
    return all(_sha256(np.ascontiguousarray(arrays[k]).tobytes()) == h for k, h in MNIST_ARRAY_SHA256.items())


def _read_npz(source, origin=None):
    """Read the four arrays of an MNIST .npz (a path or a file object; never unpickling), or raise ValueError."""
    origin = origin or str(source)
    try:
        with np.load(source, allow_pickle=False) as f:
            arrays = {k: f[k] for k in f.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as e:
        raise ValueError(f"{origin} is not a readable .npz file ({e})") from e
    _check_layout(arrays, origin)
    return arrays


def _combine(arrays):
    """The layout of the course's fetch_mldata('MNIST original'): all digits, training set first."""
    return {
        "data": np.concatenate([arrays["x_train"], arrays["x_test"]]).reshape(-1, 784),
        "target": np.concatenate([arrays["y_train"], arrays["y_test"]]).astype(np.int64),
    }


def _download(url, timeout):
    """Return the bytes at ``url``, showing progress; raise OSError if they cannot be had whole within ``timeout``."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            length = int(response.headers.get("Content-Length") or 0)
            if length < 1 << 20:  # small files: no progress bar
                return response.read()
            progress = Progress(-(-length // 1024), url.rsplit("/", 1)[-1], unit="kB")
            chunks = []
            while chunk := response.read(1 << 18):
                chunks.append(chunk)
                progress.update(len(chunk) // 1024)
            data = b"".join(chunks)
            if len(data) != length:
                raise OSError(f"the download broke off after {len(data):,} of {length:,} bytes")
            progress.close()
            return data
    except http.client.HTTPException as e:  # IncompleteRead (a truncated download) and other protocol faults
        raise OSError(f"the download broke off: {e!r}") from e


def _from_keras(timeout):
    print(f"Downloading MNIST (11 MB) from {KERAS_URL} ...")
    data = _download(KERAS_URL, timeout)
    digest = _sha256(data)
    if digest != KERAS_SHA256:
        raise ValueError(f"checksum mismatch for {KERAS_URL}: sha256 {digest}, expected {KERAS_SHA256}")
    return _read_npz(io.BytesIO(data), KERAS_URL)


def _parse_idx(data, ndim):
    """Parse a (gunzipped) IDX file of unsigned bytes with ``ndim`` dimensions."""
    magic = int.from_bytes(data[:4], "big")
    if magic != 0x0800 + ndim:
        raise ValueError(f"not an IDX file of {ndim} dimensions (magic number {magic:#x})")
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(shape)):
        raise ValueError(f"IDX file holds {body.size} values, its header promises {shape}")
    return body.reshape(shape)


def _from_idx_mirror(base_url, timeout):
    print(f"Downloading MNIST (4 files, 11 MB) from {base_url} ...")
    raw = {}
    for name, md5 in IDX_FILES.items():
        data = _download(base_url + name, timeout)
        digest = hashlib.md5(data).hexdigest()
        if digest != md5:
            raise ValueError(f"checksum mismatch for {base_url + name}: md5 {digest}, expected {md5}")
        raw[name] = gzip.decompress(data)
    return {
        "x_train": _parse_idx(raw["train-images-idx3-ubyte.gz"], 3),
        "y_train": _parse_idx(raw["train-labels-idx1-ubyte.gz"], 1),
        "x_test": _parse_idx(raw["t10k-images-idx3-ubyte.gz"], 3),
        "y_test": _parse_idx(raw["t10k-labels-idx1-ubyte.gz"], 1),
    }


def _from_openml():
    from sklearn.datasets import fetch_openml

    print("Downloading MNIST from OpenML (mnist_784) ...")
    with tempfile.TemporaryDirectory(prefix="mnist-openml-") as scratch:  # its ARFF copy goes when we are done
        X, y = fetch_openml("mnist_784", version=1, as_frame=False, parser="liac-arff",
                            data_home=scratch, return_X_y=True)
    X = np.asarray(X).astype(np.uint8).reshape(-1, 28, 28)
    y = np.asarray(y).astype(np.uint8)
    n = MNIST_N_TRAIN
    return {"x_train": X[:n], "y_train": y[:n], "x_test": X[n:], "y_test": y[n:]}


def _sources(timeout):
    """(description, function) for each download source, in the order they are tried."""
    yield KERAS_URL, lambda: _from_keras(timeout)
    for base in IDX_MIRRORS:
        yield base, lambda base=base: _from_idx_mirror(base, timeout)
    yield "OpenML mnist_784", _from_openml


def _write_cache(arrays, path):
    """Write ``arrays`` to ``path`` atomically: a temporary file in the same folder, then a rename.

    Readers (another notebook loading at the same moment) see the old file or the whole new one, never a part.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".mnist-", suffix=".npz.part")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez_compressed(f, **arrays)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def load_mnist(data_home=None, cache_dir=None, timeout=TIMEOUT_S):
    """All MNIST digits, in the order of the original files (60,000 training, then 10,000 test).

    Looks in three places, in this order:

    1. ``data_home/mnist.npz``, where ``data_home`` defaults to the environment variable
       ``MNIST_DATA_HOME``: a file in the Keras layout (x_train, y_train, x_test, y_test), for
       machines without internet. Its layout is checked; it may hold fewer digits (the tests use a
       small sample), in which case a note says so.
    2. ``cache_dir/mnist.npz`` (default ``~/.cache/mnist_mlp``), verified against the published
       SHA-256 of every array.
    3. Downloads, each verified before use: the Keras ``mnist.npz`` (sha256), torchvision's IDX
       mirrors (md5 per file), then OpenML. The first that verifies is written to the cache
       atomically, so later calls make no request.

    Args:
        data_home: folder holding ``mnist.npz``; None reads ``MNIST_DATA_HOME``.
        cache_dir: cache folder; None means ``default_cache_dir()``.
        timeout: seconds to wait for a server before trying the next source.

    Returns:
        dict in the layout of the course's old ``fetch_mldata('MNIST original')``:
        ``'data'``: uint8 array of shape (70000, 784), pixels 0..255, each row a 28x28 image row by row;
        ``'target'``: int64 array of shape (70000,), labels 0..9.

    Raises:
        MNISTUnavailableError: nothing local and every download failed; says which file to put where.
        ValueError: the file in ``data_home`` is not MNIST in the Keras layout.
    """
    if not (isinstance(timeout, int | float) and timeout > 0):
        raise ValueError(f"timeout must be a positive number of seconds; got {timeout!r}")
    data_home = data_home if data_home is not None else os.environ.get("MNIST_DATA_HOME")
    if data_home:
        if Path(data_home).is_file():
            raise ValueError(f"MNIST_DATA_HOME must name the folder that holds mnist.npz, not a file; got {data_home}")
        path = Path(data_home) / MNIST_FILENAME
        if not path.is_file():
            raise ValueError(
                f"MNIST_DATA_HOME is {data_home!s} but {path} does not exist; put mnist.npz there "
                "(the Keras layout) or unset MNIST_DATA_HOME to use the cache and downloads"
            )
        arrays = _read_npz(path)
        if not _is_full_mnist(arrays):
            n = len(arrays["x_train"]) + len(arrays["x_test"])
            print(f"Note: {path} holds {n:,} digits, not the published MNIST; results will differ from the course's.")
        return _combine(arrays)

    cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    cached = cache_dir / MNIST_FILENAME
    if cached.is_file():
        try:
            arrays = _read_npz(cached)
            if _is_full_mnist(arrays):
                return _combine(arrays)
            problem = "its arrays do not match the published MNIST checksums"
        except ValueError as e:
            problem = str(e)
        print(f"The cached {cached} is damaged ({problem}); removing it and downloading again.")
        try:
            cached.unlink()
        except OSError:
            pass  # a read-only cache: the download below replaces it if it can

    failures = []
    for name, fetch in _sources(timeout):
        try:
            arrays = fetch()
            _check_layout(arrays, name)
            if not _is_full_mnist(arrays):
                raise ValueError("the arrays do not match the published MNIST checksums")
        except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as e:
            failures.append(f"  - {name}: {e}")
            continue
        try:
            _write_cache(arrays, cached)
            print(f"Saved to {cached}")
        except OSError as e:
            print(f"Note: could not save MNIST to {cached} ({e}); it will be downloaded again next time. "
                  "Make that folder writable, or set XDG_CACHE_HOME to a writable folder.")
        return _combine(arrays)

    raise MNISTUnavailableError(
        "Could not get MNIST; every source failed:\n" + "\n".join(failures) + "\n"
        f"Fix: on a machine with internet, download {KERAS_URL} (sha256 {KERAS_SHA256}) "
        f"and put it at {cached}, or put it in a folder and set MNIST_DATA_HOME to that folder."
    )

