"""Helpers for the NICO2AI lecture 5 exercise (mnist_mlp.ipynb): small functions and what the notebook displays.

Small helpers, one job each:

- ``to_categorical``       labels (n,) -> one-hot rows (n, n_classes)
- ``calculate_accuracy``   fraction of equal labels
- ``plot_confusion_matrix`` an annotated heat map of a confusion matrix
- ``get_image_tile``       many 28x28 digits as one image that displays in a notebook
- ``LossPlot``             the live loss plot of the training loop, one image updated in place
- ``Progress``             a one-line progress bar with the time left, updated in place (from ``progress.py``)

Loading MNIST is the job of ``mnist_data.py`` (``load_mnist``). Only NumPy, matplotlib, seaborn, Pillow (which
matplotlib installs), IPython's display and ``progress.py`` are used.
"""

import io

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from IPython.display import DisplayHandle
from IPython.display import Image as IPythonImage
from PIL import Image

# Progress lives in progress.py, which loads no plotting library (mnist_data.py imports it from there); it is
# re-exported here so that the notebook's `from utils import Progress` keeps working.
from progress import Progress  # noqa: F401

# --------------------------------------------------------------------------------------
# Small helpers used by the notebook
# --------------------------------------------------------------------------------------


def _error(ja, en):
    """A ValueError a learner reads: the Japanese first, then the English on the next line."""
    return ValueError(f"{ja}\n{en}")


def _as_label_array(y, name):
    """Return ``y`` as a 1-D int64 array, or raise ValueError saying what is wrong."""
    y = np.asarray(y)
    if y.dtype.kind == "c":
        raise _error(f"{name} には実数のクラスのラベルを渡してください。複素数が入っています。",
                     f"{name} must hold real class labels; got complex numbers")
    if y.dtype.kind == "O":
        raise _error(f"{name} には int64 に収まる整数のクラスのラベルを渡してください。大きすぎる数か、"
                     "種類の違う値が混ざっています。",
                     f"{name} must hold integer class labels that fit in int64; got Python objects "
                     "(numbers too large for int64, or mixed types)")
    if y.ndim != 1:
        raise _error(f"{name} はクラスのラベルを並べた1次元の配列にしてください。形が {y.shape} です。"
                     "確率の行列を渡したときは、各行でいちばん大きい値の位置がラベルです。",
                     f"{name} must be a 1-D array of class labels; got shape {y.shape}")
    if y.size == 0:
        raise _error(f"{name} が空です。ラベルを1つ以上渡してください。", f"{name} is empty; pass at least one label")
    if y.dtype.kind == "f":
        if not np.all(np.isfinite(y)) or not np.all(y == np.round(y)):
            raise _error(f"{name} には整数 (0〜9 のようなクラスの番号) を渡してください。整数でない値が入っています。",
                         f"{name} must hold whole numbers (class indices such as 0..9); got non-integer values")
    elif y.dtype.kind not in "iub":
        raise _error(f"{name} には整数のクラスのラベルを渡してください。型が {y.dtype} です。",
                     f"{name} must hold integer class labels; got dtype {y.dtype}")
    if y.dtype.kind == "u" and y.max() > np.iinfo(np.int64).max:
        raise _error(f"{name} のラベルが int64 に収まりません (最大 {y.max()})。クラスのラベルは 0〜9 です。",
                     f"{name} holds labels too large for int64 (largest {y.max()}); class labels are 0..9")
    if y.dtype.kind == "f" and np.abs(y).max() >= 2.0 ** 63:
        raise _error(f"{name} のラベルが int64 に収まりません。クラスのラベルは 0〜9 です。",
                     f"{name} holds labels too large for int64; class labels are 0..9")
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
        raise _error(f"ラベルは 0〜{num_classes - 1} の範囲にしてください。{y.min()} から {y.max()} までの値が"
                     "入っています (クラスがもっと多いなら num_classes= を渡します)。",
                     f"labels must lie in 0..{num_classes - 1}; got values from {y.min()} to {y.max()} "
                     f"(pass num_classes= if you have more classes)")
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
        raise _error(f"y_true と y_pred の長さが違います ({len(y_true)} 個と {len(y_pred)} 個)。"
                     "同じデータ (たとえばテストデータ) の正解ラベルと予測ラベルを渡してください。",
                     f"y_true and y_pred have different lengths ({len(y_true)} and {len(y_pred)}): pass the true and "
                     "the predicted labels of the same data (the test set, say)")
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
        raise _error(f"C は空でない正方行列 (混同行列) にしてください。形が {C.shape} です。",
                     f"C must be a non-empty square matrix of counts; got shape {C.shape}")
    if C.dtype.kind not in "iub":
        if C.dtype.kind != "f" or not np.all(np.isfinite(C)) or not np.all(C == np.round(C)):
            raise _error("C には個数 (confusion_matrix が返す整数) を渡してください。整数でない値、nan か inf、"
                         "複素数のどれかが入っています。",
                         f"C must hold whole-number counts (what confusion_matrix returns); got dtype {C.dtype} "
                         "with non-integer, NaN or complex values")
        C = C.astype(np.int64)
    if len(labels) != C.shape[0]:
        raise _error(f"labels の名前は {len(labels)} 個ですが、C は {C.shape[0]}x{C.shape[1]} です。行ごとに1つの名前を"
                     "渡してください。",
                     f"labels has {len(labels)} names but C is {C.shape[0]}x{C.shape[1]}; pass one name per row")
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
        raise _error(f"X には画素の値 (uint8 か 0〜1 の小数) を渡してください。型が {X.dtype} です。",
                     f"X must hold real pixel values (uint8 or floats in [0, 1]); got dtype {X.dtype}")
    if width < 1 or height < 1 or scale < 1:
        raise _error(f"width、height、scale は 1 以上にしてください。{width}、{height}、{scale} です。",
                     f"width, height and scale must be at least 1; got {width}, {height}, {scale}")
    if X.ndim == 2 and X.shape[1] == 784:
        X = X.reshape(-1, 28, 28)
    if X.ndim != 3 or X.shape[1:] != (28, 28):
        raise _error(f"X には 28x28 の画像を、形 (n, 784) か (n, 28, 28) で渡してください。形が {X.shape} です。",
                     f"X must hold 28x28 images, shape (n, 784) or (n, 28, 28); got shape {X.shape}")
    n = width * height
    if len(X) < n:
        raise _error(f"{width}x{height} に並べるには {n} 枚の画像が要りますが、X には {len(X)} 枚しかありません。"
                     "width か height を小さくしてください。",
                     f"a {width}x{height} tile needs {n} images but X has {len(X)}; use a smaller width or height")
    if X.dtype.kind == "f" and not np.all(np.isfinite(X[:n])):
        raise _error("X に nan か inf が入っています。重みを並べているなら、学習が発散しています。"
                     "check_training で間違っている行を確かめてください。",
                     "X holds nan or inf values: if these are weights, the training diverged; check_training names "
                     "the wrong line")
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
