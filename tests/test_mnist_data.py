"""mnist_data.load_mnist: MNIST_DATA_HOME, the cache, and verified downloads from a local HTTP server on 127.0.0.1.

The server serves small fake MNIST files that the tests make; the module's URLs and checksums are pointed at them.
"""

import gzip
import hashlib
import io
import os
import subprocess
import sys
import urllib.request

import numpy as np
import pytest
import sklearn.datasets

import mnist_data
from helpers import ROOT, SAMPLE_DIR

N_TRAIN, N_TEST = 30, 10


def fake_arrays(seed=0):
    rng = np.random.default_rng(seed)
    return {
        "x_train": rng.integers(0, 256, (N_TRAIN, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, N_TRAIN, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (N_TEST, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, N_TEST, dtype=np.uint8),
    }


def npz_bytes(arrays):
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def idx_gz(array):
    header = (0x0800 + array.ndim).to_bytes(4, "big") + b"".join(n.to_bytes(4, "big") for n in array.shape)
    return gzip.compress(header + array.tobytes())


IDX_NAMES = {
    "train-images-idx3-ubyte.gz": "x_train",
    "train-labels-idx1-ubyte.gz": "y_train",
    "t10k-images-idx3-ubyte.gz": "x_test",
    "t10k-labels-idx1-ubyte.gz": "y_test",
}


@pytest.fixture
def fake(monkeypatch, server):
    """Point every source of mnist_data at the local server, with checksums of a small fake MNIST.

    Returns (arrays, server); the server starts empty, so each test says what it serves.
    scikit-learn's fetch_openml is replaced by one that fails as it does offline.
    """
    arrays = fake_arrays()
    keras = npz_bytes(arrays)
    idx = {name: idx_gz(arrays[key]) for name, key in IDX_NAMES.items()}
    monkeypatch.setattr(mnist_data, "KERAS_URL", server.url + "/keras/mnist.npz")
    monkeypatch.setattr(mnist_data, "KERAS_SHA256", hashlib.sha256(keras).hexdigest())
    monkeypatch.setattr(mnist_data, "IDX_MIRRORS", [server.url + "/mirror1/", server.url + "/mirror2/"])
    monkeypatch.setattr(mnist_data, "IDX_FILES", {name: hashlib.md5(data).hexdigest() for name, data in idx.items()})
    monkeypatch.setattr(mnist_data, "MNIST_ARRAY_SHA256",
                        {k: hashlib.sha256(a.tobytes()).hexdigest() for k, a in arrays.items()})

    monkeypatch.setattr(mnist_data, "MNIST_N_TRAIN", N_TRAIN)

    def openml_offline(*args, **kwargs):
        raise OSError("OpenML unreachable (test)")

    monkeypatch.setattr(sklearn.datasets, "fetch_openml", openml_offline)
    server.keras = keras
    server.idx = idx
    return arrays, server


def assert_is(data, arrays):
    np.testing.assert_array_equal(data["data"], np.concatenate([arrays["x_train"], arrays["x_test"]]).reshape(-1, 784))
    np.testing.assert_array_equal(data["target"], np.concatenate([arrays["y_train"], arrays["y_test"]]))
    assert data["data"].dtype == np.uint8
    assert data["target"].dtype == np.int64


def cache_files(cache):
    return sorted(p.name for p in cache.iterdir()) if cache.exists() else []


def test_keras_download_is_verified_cached_and_reused_without_a_request(fake, tmp_path):
    arrays, server = fake
    server.routes["/keras/mnist.npz"] = server.keras
    cache = tmp_path / "cache"
    assert_is(mnist_data.load_mnist(cache_dir=cache), arrays)
    assert server.requests == ["/keras/mnist.npz"]
    assert cache_files(cache) == ["mnist.npz"]

    server.requests.clear()
    assert_is(mnist_data.load_mnist(cache_dir=cache), arrays)
    assert server.requests == []  # a cache hit makes no request


def test_default_cache_is_under_xdg_cache_home(fake, tmp_path):
    _, server = fake
    server.routes["/keras/mnist.npz"] = server.keras
    mnist_data.load_mnist()
    assert (tmp_path / "xdg-cache" / "mnist_mlp" / "mnist.npz").is_file()


def test_wrong_checksum_is_rejected_and_the_next_source_used(fake, tmp_path):
    arrays, server = fake
    server.routes["/keras/mnist.npz"] = npz_bytes(fake_arrays(seed=1))  # a valid npz, but not the file we expect
    server.routes.update({"/mirror1/" + n: d for n, d in server.idx.items()})
    data = mnist_data.load_mnist(cache_dir=tmp_path)
    assert_is(data, arrays)
    assert server.requests[0] == "/keras/mnist.npz"
    assert cache_files(tmp_path) == ["mnist.npz"]


def test_truncated_download_is_rejected_and_the_next_source_used(fake, tmp_path):
    arrays, server = fake
    keras = server.keras
    server.routes["/keras/mnist.npz"] = (200, keras[: len(keras) // 2], len(keras))  # promises more than it sends
    server.routes.update({"/mirror1/" + n: d for n, d in server.idx.items()})
    assert_is(mnist_data.load_mnist(cache_dir=tmp_path), arrays)
    assert cache_files(tmp_path) == ["mnist.npz"]


def test_404_on_the_first_mirror_falls_through_to_the_next(fake, tmp_path):
    arrays, server = fake
    server.routes.update({"/mirror2/" + n: d for n, d in server.idx.items()})  # keras and mirror1 answer 404
    assert_is(mnist_data.load_mnist(cache_dir=tmp_path), arrays)
    assert server.requests[:2] == ["/keras/mnist.npz", "/mirror1/train-images-idx3-ubyte.gz"]
    assert server.requests[2:] == ["/mirror2/" + n for n in IDX_NAMES]


def test_a_mirror_with_one_wrong_file_is_abandoned(fake, tmp_path):
    arrays, server = fake
    server.routes.update({"/mirror1/" + n: d for n, d in server.idx.items()})
    server.routes["/mirror1/t10k-labels-idx1-ubyte.gz"] = idx_gz(np.zeros(N_TEST, dtype=np.uint8))
    server.routes.update({"/mirror2/" + n: d for n, d in server.idx.items()})
    assert_is(mnist_data.load_mnist(cache_dir=tmp_path), arrays)
    assert server.requests[-1] == "/mirror2/t10k-labels-idx1-ubyte.gz"


def test_openml_is_the_last_source_and_its_arrays_are_converted(fake, tmp_path, monkeypatch):
    arrays, _ = fake
    calls = []

    def fake_fetch_openml(name, **kwargs):
        calls.append((name, kwargs))
        X = np.concatenate([arrays["x_train"], arrays["x_test"]]).reshape(-1, 784).astype(np.float64)
        y = np.concatenate([arrays["y_train"], arrays["y_test"]]).astype(str).astype(object)
        return X, y

    monkeypatch.setattr(sklearn.datasets, "fetch_openml", fake_fetch_openml)
    data = mnist_data.load_mnist(cache_dir=tmp_path)
    assert_is(data, arrays)
    assert calls[0][0] == "mnist_784"
    assert calls[0][1]["parser"] == "liac-arff"
    assert calls[0][1]["as_frame"] is False
    assert cache_files(tmp_path) == ["mnist.npz"]  # OpenML's own download folder is removed


def test_offline_with_nothing_cached_says_which_file_to_put_where(fake, tmp_path):
    _, server = fake
    server.close()  # nothing answers any more
    with pytest.raises(mnist_data.MNISTUnavailableError) as excinfo:
        mnist_data.load_mnist(cache_dir=tmp_path / "cache", timeout=2)
    message = str(excinfo.value)
    assert "mnist.npz" in message
    assert str(tmp_path / "cache" / "mnist.npz") in message
    assert "MNIST_DATA_HOME" in message
    assert message.count("  - ") == 4  # keras, two mirrors, OpenML: each with its reason
    assert cache_files(tmp_path / "cache") == []  # nothing half-written left behind, not even the folder


def test_data_home_is_used_first_and_makes_no_request(fake, tmp_path, monkeypatch):
    arrays, server = fake
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "mnist.npz").write_bytes(server.keras)
    monkeypatch.setenv("MNIST_DATA_HOME", str(tmp_path / "home"))
    assert_is(mnist_data.load_mnist(cache_dir=tmp_path / "cache"), arrays)
    assert server.requests == []
    assert not (tmp_path / "cache").exists()


def test_data_home_without_the_file_names_the_missing_path(tmp_path):
    with pytest.raises(ValueError, match=r"does not exist; put mnist.npz there"):
        mnist_data.load_mnist(data_home=tmp_path)


def test_the_committed_sample_is_real_mnist_in_the_keras_layout(capsys):
    data = mnist_data.load_mnist(data_home=SAMPLE_DIR)
    assert data["data"].shape == (6000, 784)
    assert "holds 6,000 digits, not the published MNIST" in capsys.readouterr().out
    # the first training labels of MNIST, as ../shared/data/README.md lists them
    np.testing.assert_array_equal(data["target"][:10], [5, 0, 4, 1, 9, 2, 1, 3, 1, 4])


# --------------------------------------------------------------------------------------
# Faults on disk and on the wire: never trained on, never left in the cache
# --------------------------------------------------------------------------------------


def no_partial_files(folder):
    return not [p for p in folder.rglob("*") if p.name.endswith(".part")]


@pytest.mark.parametrize("where", [0.02, 0.2, 0.4, 0.6, 0.8, 0.98])
def test_a_bit_flipped_cache_is_detected_removed_and_downloaded_again(fake, tmp_path, capsys, where):
    arrays, server = fake
    server.routes["/keras/mnist.npz"] = server.keras
    mnist_data.load_mnist(cache_dir=tmp_path)
    cached = tmp_path / "mnist.npz"
    data = bytearray(cached.read_bytes())
    data[int(len(data) * where)] ^= 0x10
    cached.write_bytes(bytes(data))
    server.requests.clear()

    assert_is(mnist_data.load_mnist(cache_dir=tmp_path), arrays)
    assert "is damaged" in capsys.readouterr().out
    assert server.requests == ["/keras/mnist.npz"]
    server.requests.clear()
    assert_is(mnist_data.load_mnist(cache_dir=tmp_path), arrays)  # the cache is whole again: no request
    assert server.requests == []


BAD_LAYOUTS = {
    "float pixels": (lambda a: {**a, "x_train": a["x_train"].astype(np.float32)}, "must be uint8"),
    "27-pixel rows": (lambda a: {**a, "x_test": a["x_test"][:, :, :27]}, r"shape \(n, 28, 28\)"),
    "label 10": (lambda a: {**a, "y_train": np.full(N_TRAIN, 10, np.uint8)}, r"labels 0\.\.9"),
    "a label short": (lambda a: {**a, "y_test": a["y_test"][:-1]}, "labels of shape"),
    "float labels": (lambda a: {**a, "y_train": a["y_train"].astype(np.float64)}, "integer labels"),
    "no x_test": (lambda a: {k: v for k, v in a.items() if k != "x_test"}, r"lacks the arrays \['x_test'\]"),
    "no images": (lambda a: {**a, "x_train": a["x_train"][:0], "y_train": a["y_train"][:0]}, r"shape \(n, 28, 28\)"),
    "pickled objects": (lambda a: {**a, "y_train": np.array([object()] * N_TRAIN)}, r"not a readable \.npz"),
}


@pytest.mark.parametrize("fault", BAD_LAYOUTS)
def test_a_data_home_file_with_a_bad_layout_is_refused_with_the_reason(tmp_path, fault):
    change, message = BAD_LAYOUTS[fault]
    (tmp_path / "mnist.npz").write_bytes(npz_bytes(change(fake_arrays())))
    with pytest.raises(ValueError, match=message):
        mnist_data.load_mnist(data_home=tmp_path)


def test_a_data_home_file_that_is_not_a_zip_is_refused(tmp_path):
    (tmp_path / "mnist.npz").write_bytes(b"<html>404 Not Found</html>")
    with pytest.raises(ValueError, match=r"not a readable \.npz"):
        mnist_data.load_mnist(data_home=tmp_path)


def test_data_home_naming_the_file_instead_of_its_folder_says_so(tmp_path):
    (tmp_path / "mnist.npz").write_bytes(npz_bytes(fake_arrays()))
    with pytest.raises(ValueError, match="must name the folder"):
        mnist_data.load_mnist(data_home=tmp_path / "mnist.npz")


@pytest.mark.parametrize("timeout", [0, -1, "30", None])
def test_a_timeout_that_is_not_a_positive_number_is_refused(timeout, tmp_path):
    with pytest.raises(ValueError, match="timeout must be a positive number"):
        mnist_data.load_mnist(cache_dir=tmp_path, timeout=timeout)


@pytest.mark.parametrize("fault", ["float pixels", "label 10", "no x_test"])
def test_a_cached_file_with_a_bad_layout_is_replaced(fake, tmp_path, fault):
    arrays, server = fake
    server.routes["/keras/mnist.npz"] = server.keras
    change, _ = BAD_LAYOUTS[fault]
    (tmp_path / "mnist.npz").write_bytes(npz_bytes(change(arrays)))
    assert_is(mnist_data.load_mnist(cache_dir=tmp_path), arrays)
    assert server.requests == ["/keras/mnist.npz"]
    cached = mnist_data._read_npz(tmp_path / "mnist.npz")
    assert mnist_data._is_full_mnist(cached)  # the cache now holds the verified file


def test_a_download_with_the_right_checksum_but_a_bad_layout_falls_through(fake, tmp_path, monkeypatch):
    arrays, server = fake
    bad = npz_bytes(BAD_LAYOUTS["float pixels"][0](arrays))
    server.routes["/keras/mnist.npz"] = bad
    monkeypatch.setattr(mnist_data, "KERAS_SHA256", hashlib.sha256(bad).hexdigest())
    server.routes.update({"/mirror1/" + n: d for n, d in server.idx.items()})
    assert_is(mnist_data.load_mnist(cache_dir=tmp_path), arrays)
    assert server.requests[-1].startswith("/mirror1/")


def test_a_read_only_cache_still_gives_the_data_and_says_why_it_was_not_saved(fake, tmp_path, monkeypatch, capsys):
    arrays, server = fake
    server.routes["/keras/mnist.npz"] = server.keras

    def read_only(*args, **kwargs):
        raise PermissionError(13, "Permission denied")  # what mkstemp raises in a read-only folder (as non-root)

    monkeypatch.setattr(mnist_data.tempfile, "mkstemp", read_only)
    assert_is(mnist_data.load_mnist(cache_dir=tmp_path / "cache"), arrays)
    out = capsys.readouterr().out
    assert "could not save MNIST" in out and "Permission denied" in out and "XDG_CACHE_HOME" in out
    assert not (tmp_path / "cache" / "mnist.npz").exists()


def test_a_cache_folder_that_cannot_exist_still_gives_the_data(fake, tmp_path, capsys):
    arrays, server = fake
    server.routes["/keras/mnist.npz"] = server.keras
    (tmp_path / "a-file").write_text("not a folder")
    assert_is(mnist_data.load_mnist(cache_dir=tmp_path / "a-file" / "cache"), arrays)
    assert "could not save MNIST" in capsys.readouterr().out


def test_a_server_that_hangs_is_given_up_after_the_timeout(fake, tmp_path, monkeypatch):
    """Each source that sends nothing within ``timeout`` is abandoned for the next: one request each, no retry.

    The server would answer after 60 s, the client waits 0.3 s. Were the timeout not applied, the download would
    succeed after that wait and the test fail on it: nothing here is measured with a clock.
    """
    _, server = fake
    server.routes["/keras/mnist.npz"] = server.keras
    server.hang = 60.0
    opened = []
    real_urlopen = urllib.request.urlopen

    def recording_urlopen(url, timeout):
        opened.append((url.removeprefix(server.url), timeout))
        return real_urlopen(url, timeout=timeout)

    monkeypatch.setattr(urllib.request, "urlopen", recording_urlopen)
    with pytest.raises(mnist_data.MNISTUnavailableError) as excinfo:
        mnist_data.load_mnist(cache_dir=tmp_path, timeout=0.3)
    first_file = next(iter(IDX_NAMES))  # a mirror is abandoned at its first file
    assert opened == [("/keras/mnist.npz", 0.3), (f"/mirror1/{first_file}", 0.3), (f"/mirror2/{first_file}", 0.3)]
    assert str(excinfo.value).count("timed out") == 3  # the three HTTP sources; OpenML fails as offline
    assert cache_files(tmp_path) == []


def test_two_processes_loading_at_once_both_get_the_data_and_one_whole_cache(fake, tmp_path):
    arrays, server = fake
    server.routes["/keras/mnist.npz"] = server.keras
    # Neither request is answered before both have arrived: both downloads are in flight at once, however busy the
    # machine (no sleep). The server gives up after 60 s; the clients wait longer, so a hold that ends is the reason.
    server.hold_until, server.hold_timeout = 2, 60.0
    script = f"""
import sklearn.datasets
import mnist_data
mnist_data.KERAS_URL = {mnist_data.KERAS_URL!r}
mnist_data.KERAS_SHA256 = {mnist_data.KERAS_SHA256!r}
mnist_data.MNIST_ARRAY_SHA256 = {mnist_data.MNIST_ARRAY_SHA256!r}
mnist_data.IDX_MIRRORS = []
def offline(*args, **kwargs):
    raise OSError("offline")
sklearn.datasets.fetch_openml = offline
data = mnist_data.load_mnist(cache_dir={str(tmp_path / "cache")!r}, timeout=120)
print(int(data["data"].sum()), int(data["target"].sum()))
"""
    processes = [subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in processes]
    assert server.held_too_long == [], f"one request waited {server.hold_timeout} s for the other: {server.requests}"
    assert [p.returncode for p in processes] == [0, 0], [err for _, err in outputs]
    expected = f"{int(np.concatenate([arrays['x_train'], arrays['x_test']]).sum())} "
    assert all(out.splitlines()[-1].startswith(expected) for out, _ in outputs)
    assert server.requests == ["/keras/mnist.npz"] * 2
    assert cache_files(tmp_path / "cache") == ["mnist.npz"] and no_partial_files(tmp_path / "cache")
    assert_is(mnist_data.load_mnist(cache_dir=tmp_path / "cache"), arrays)


def test_a_large_download_shows_its_progress_and_a_short_one_is_refused(server, capsys):
    body = bytes(range(256)) * 8192  # 2 MB: large enough for a progress bar
    server.routes["/big.npz"] = body
    server.routes["/cut.npz"] = (200, body[: len(body) // 2], len(body))  # promises 2 MB, sends 1 MB
    assert mnist_data._download(server.url + "/big.npz", timeout=mnist_data.TIMEOUT_S) == body
    out = capsys.readouterr().out
    assert "\rbig.npz: [####################] 2,048/2,048 kB" in out and "big.npz: 2,048 kB in " in out
    with pytest.raises(OSError, match="broke off"):
        mnist_data._download(server.url + "/cut.npz", timeout=mnist_data.TIMEOUT_S)


def test_utils_does_not_import_the_loader():
    """utils stays free of the loader (mnist_data takes Progress from progress.py, not from utils)."""
    code = "import sys, utils; assert 'mnist_data' not in sys.modules and not hasattr(utils, 'load_mnist')"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_the_loader_imports_no_plotting_library_ipython_or_scikit_learn():
    """Importing mnist_data loads only the standard library, NumPy and progress.py: scikit-learn waits for OpenML."""
    code = ("import sys, mnist_data; print(sorted(m for m in sys.modules "
            "if m.split('.')[0] in {'matplotlib','seaborn','IPython','PIL','sklearn'}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n"
