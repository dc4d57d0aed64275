"""The helpers of utils.py: to_categorical, calculate_accuracy, plot_confusion_matrix, get_image_tile, LossPlot.

Progress, which utils.py re-exports, has its own tests in test_progress.py.
"""

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image

import utils
from utils import LossPlot, calculate_accuracy, get_image_tile, plot_confusion_matrix, to_categorical


def test_to_categorical_puts_one_one_per_row_at_the_label():
    Y = to_categorical(np.array([3, 0, 9, 3]))
    assert Y.shape == (4, 10)
    assert Y.dtype == np.float32
    np.testing.assert_array_equal(Y.sum(axis=1), 1.0)
    np.testing.assert_array_equal(Y.argmax(axis=1), [3, 0, 9, 3])


def test_to_categorical_accepts_whole_floats_like_the_old_fetch_mldata_targets():
    np.testing.assert_array_equal(to_categorical(np.array([1.0, 7.0])).argmax(axis=1), [1, 7])


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (np.array([0, 10]), r"0\.\.9"),
        (np.array([-1, 2]), r"0\.\.9"),
        (np.array([0.5, 2.0]), "whole numbers"),
        (np.array([np.nan]), "whole numbers"),
        (np.array(["a", "b"]), "integer class labels"),
        (np.array([], dtype=int), "empty"),
        (np.zeros((2, 10)), "1-D"),
        (np.array([2**63], dtype=np.uint64), "too large for int64"),
        (np.array([2**64, 1], dtype=object), "fit in int64"),
        (np.array([1e30]), "too large for int64"),
        (np.array([1 + 2j]), "complex"),
    ],
)
def test_to_categorical_rejects_bad_labels(labels, message):
    with pytest.raises(ValueError, match=message):
        to_categorical(labels)


def test_calculate_accuracy_is_the_fraction_of_equal_labels():
    assert calculate_accuracy([1, 2, 3, 4], [1, 2, 0, 0]) == 0.5
    assert calculate_accuracy(np.array([7]), np.array([7])) == 1.0


@pytest.mark.parametrize(
    ("y_true", "y_pred", "message"),
    [
        ([1, 2, 3], [1, 2], "different lengths"),
        ([], [], "empty"),
        (np.eye(3), [0, 1, 2], "1-D"),
        ([1.5, 2.0], [1, 2], "whole numbers"),
    ],
)
def test_calculate_accuracy_rejects_bad_input(y_true, y_pred, message):
    with pytest.raises(ValueError, match=message):
        calculate_accuracy(y_true, y_pred)


def test_plot_confusion_matrix_annotates_counts_and_labels_axes():
    C = np.array([[5, 1], [0, 7]])
    ax = plot_confusion_matrix(C, ["zero", "one"])
    texts = [t.get_text() for t in ax.texts]
    assert sorted(texts) == ["0", "1", "5", "7"]
    assert ax.get_xlabel() == "Predicted label"
    assert ax.get_ylabel() == "True label"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["zero", "one"]
    plt.close(ax.figure)


@pytest.mark.parametrize(
    ("C", "labels", "message"),
    [
        (np.zeros((2, 3), dtype=int), range(2), "square"),
        (np.zeros((0, 0), dtype=int), [], "non-empty"),
        (np.zeros((3, 3), dtype=int), range(2), "one name per row"),
        (np.ones((2, 2)) * 1j, range(2), "whole-number counts"),
        (np.full((2, 2), np.nan), range(2), "whole-number counts"),
        (np.full((2, 2), 0.5), range(2), "whole-number counts"),
    ],
)
def test_plot_confusion_matrix_rejects_bad_input(C, labels, message):
    with pytest.raises(ValueError, match=message):
        plot_confusion_matrix(C, labels)


def test_get_image_tile_places_each_digit_in_its_cell():
    X = np.zeros((6, 784), dtype=np.float32)
    X[4] = 1.0  # the fifth digit is all white: row 1, column 1 of a 3-wide tile
    im = get_image_tile(X, width=3, height=2, scale=1)
    assert isinstance(im, Image.Image)
    assert im.size == (3 * 28, 2 * 28)
    pixels = np.asarray(im)
    assert pixels[28:, 28:56].min() == 255
    assert pixels.sum() == 255 * 28 * 28


def test_get_image_tile_scales_up_and_accepts_uint8_images():
    X = np.full((4, 28, 28), 128, dtype=np.uint8)
    im = get_image_tile(X, width=2, height=2, scale=3)
    assert im.size == (2 * 28 * 3, 2 * 28 * 3)
    assert np.all(np.asarray(im) == 128)
    assert im._repr_png_()[:8] == b"\x89PNG\r\n\x1a\n"  # what Jupyter shows


@pytest.mark.parametrize(
    ("X", "kwargs", "message"),
    [
        (np.zeros((100, 100)), {}, "28x28"),
        (np.zeros((5, 784)), {"width": 3, "height": 2}, "needs 6 images"),
        (np.zeros((0, 784)), {}, "needs 100 images"),
        (np.zeros((10, 784)), {"width": 0}, "at least 1"),
        (np.full((100, 784), np.nan), {}, "nan or inf"),  # the weights of a diverged network
        (np.full((100, 784), np.inf, dtype=np.float32), {}, "nan or inf"),
        (np.ones((100, 784)) * (1 + 1j), {}, "real pixel values"),
    ],
)
def test_get_image_tile_rejects_bad_input(X, kwargs, message):
    with pytest.raises(ValueError, match=message):
        get_image_tile(X, **kwargs)


class FakeHandle:
    """Stands in for IPython's DisplayHandle and records what would be shown."""

    def __init__(self):
        self.calls = []

    def display(self, obj):
        self.calls.append(("display", obj.data))

    def update(self, obj):
        self.calls.append(("update", obj.data))


def test_loss_plot_shows_one_image_then_updates_it_in_place():
    plot = LossPlot(nb_epoch=10)
    plot.handle = FakeHandle()
    train_x, train_y, valid_x, valid_y = [0.0], [9.0], [], []
    plot.update(train_x, train_y, valid_x, valid_y, "epoch: 00, batch: 0000")
    train_x.append(0.5)
    train_y.append(0.5)
    plot.update(train_x, train_y, valid_x, valid_y, "epoch: 00, batch: 0050")
    valid_x.append(1)
    valid_y.append(0.4)  # added after the last update, as the notebook's loop does
    plot.close("Loss after 1 epochs")
    assert [kind for kind, _ in plot.handle.calls] == ["display", "update", "update"]
    assert all(png[:8] == b"\x89PNG\r\n\x1a\n" for _, png in plot.handle.calls)
    assert plot.title.get_text() == "Loss after 1 epochs"
    np.testing.assert_array_equal(plot.valid_line.get_ydata(), [0.4])  # close shows the final validation point
    assert plot.fig.number not in plt.get_fignums()  # released: Jupyter will not show it a second time


def test_loss_plot_widens_its_axis_when_a_loss_leaves_it_and_ignores_nan():
    plot = LossPlot(nb_epoch=2)
    plot.handle = FakeHandle()
    plot.update([0.0, 0.1], [500.0, 1e-4], [], [], "t")
    low, high = plot.ax.get_ylim()
    assert (low, high) == pytest.approx((1e-4, 1e3))  # whole decades, so the tick labels stay 10^k
    plot.update([0.0, 0.1, 0.2], [500.0, 1e-4, float("nan")], [], [], "t")
    assert plot.ax.get_ylim() == (low, high)
    plot.close("done")


def test_loss_plot_first_frame_shows_the_first_loss_on_fixed_decades():
    plot = LossPlot(nb_epoch=10)
    plot.handle = FakeHandle()
    plot.update([0.0], [9.7], [], [], "epoch: 00, batch: 0000")  # one point: no line yet, but a dot
    assert plot.ax.get_ylim() == pytest.approx((0.01, 100))
    np.testing.assert_array_equal(plot.now.get_data(), ([0.0], [9.7]))
    png = Image.open(__import__("io").BytesIO(plot.handle.calls[0][1])).convert("RGB")
    colour = np.array(png).reshape(-1, 3)
    blue = np.array([31, 119, 180])  # matplotlib's first colour: the training curve
    assert (np.abs(colour - blue).sum(axis=1) < 30).sum() > 5, "the first frame must show the first loss"
    for x, loss in [(0.1, 12.0), (0.2, 3.0), (0.5, 0.3), (1.0, 0.05)]:  # the exercise's range: no axis change
        plot.update([0.0, x], [9.7, loss], [], [], "t")
    assert plot.ax.get_ylim() == pytest.approx((0.01, 100))
    plot.close("done")


def test_loss_plot_that_is_not_shown_makes_no_figure():
    before = plt.get_fignums()
    plot = LossPlot(nb_epoch=10, show=False)
    plot.update([0.0], [1.0], [], [], "t")
    plot.close("done")
    assert plt.get_fignums() == before


@pytest.mark.parametrize("call", [
    lambda: utils.to_categorical([0, 12]),
    lambda: utils.to_categorical(np.ones((3, 10))),
    lambda: utils.calculate_accuracy([1, 2, 3], np.ones((3, 10))),
    lambda: utils.calculate_accuracy([1, 2, 3], [1, 2]),
    lambda: utils.plot_confusion_matrix(np.ones((3, 2)), range(3)),
    lambda: utils.get_image_tile(np.zeros((5, 784)), width=10, height=10),
    lambda: utils.get_image_tile(np.full((100, 784), np.nan)),
])
def test_errors_a_learner_can_meet_come_japanese_first(call):
    with pytest.raises(ValueError) as error:
        call()
    japanese, english = str(error.value).split("\n")
    assert re.search(r"[\u3040-\u30ff]", japanese) and not re.search(r"[\u3040-\u30ff]", english)


def test_labels_of_different_lengths_are_named_as_that_not_as_probabilities():
    with pytest.raises(ValueError) as error:
        calculate_accuracy(np.arange(10), np.arange(9))
    assert "長さが違います" in str(error.value) and "確率" not in str(error.value)
