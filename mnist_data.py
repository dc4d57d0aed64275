"""Loading MNIST for the NICO2AI lecture 5 exercise (mnist_mlp.ipynb): ``load_mnist``, one job.

``load_mnist()`` returns all 70,000 MNIST digits in the layout of the course's old ``fetch_mldata('MNIST original')``.
It looks in ``MNIST_DATA_HOME`` first (for machines without internet), then in the user's cache
(``$XDG_CACHE_HOME/mnist_mlp`` or ``~/.cache/mnist_mlp``), and only then downloads: the Keras ``mnist.npz``
(SHA-256), torchvision's IDX mirror (MD5 per file), then OpenML through scikit-learn. Whatever it gets is verified
against the published checksum of every array before use and written to the cache atomically, so a second call
makes no request. Offline with nothing local, it raises ``MNISTUnavailableError`` saying which file to put where.

Only the standard library, NumPy, scikit-learn (for OpenML, the last source, imported only then) and the
``Progress`` bar of progress.py (for downloads over 1 MB) are used: importing this module loads no plotting library.
"""

import gzip
import hashlib
import http.client
import io
import os
import tempfile
import urllib.request
import zipfile
import zlib
from pathlib import Path

import numpy as np

from progress import Progress

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
    print(f"MNIST (11 MB) をダウンロードしています / Downloading MNIST (11 MB) from {KERAS_URL} ...")
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
    print(f"MNIST (4つのファイル、11 MB) をダウンロードしています / "
          f"Downloading MNIST (4 files, 11 MB) from {base_url} ...")
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

    print("MNIST を OpenML からダウンロードしています / Downloading MNIST from OpenML (mnist_784) ...")
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


def _from_data_home(data_home):
    """The arrays of ``data_home/mnist.npz`` (a machine without internet, or the tests' sample), its layout checked."""
    if Path(data_home).is_file():
        raise ValueError(f"MNIST_DATA_HOME には mnist.npz の入ったフォルダーを指定してください (ファイルではなく)。"
                         f"いまは {data_home} です。\n"
                         f"MNIST_DATA_HOME must name the folder that holds mnist.npz, not a file; got {data_home}")
    path = Path(data_home) / MNIST_FILENAME
    if not path.is_file():
        raise ValueError(
            f"MNIST_DATA_HOME は {data_home!s} ですが、{path} がありません。mnist.npz をそこに置くか、"
            "MNIST_DATA_HOME の設定を外してダウンロードを使ってください。\n"
            f"MNIST_DATA_HOME is {data_home!s} but {path} does not exist; put mnist.npz there "
            "(the Keras layout) or unset MNIST_DATA_HOME to use the cache and downloads"
        )
    arrays = _read_npz(path)
    if not _is_full_mnist(arrays):
        n = len(arrays["x_train"]) + len(arrays["x_test"])
        print(f"注意: {path} の数字は {n:,} 枚で、MNIST 全体ではありません。結果は講座と変わります。 / "
              f"Note: {path} holds {n:,} digits, not the published MNIST; results will differ from the course's.")
    return arrays


def _from_cache(cached):
    """The cached arrays if they are the published MNIST; a damaged cache is said and removed (None)."""
    if not cached.is_file():
        return None
    try:
        arrays = _read_npz(cached)
        if _is_full_mnist(arrays):
            return arrays
        problem = "its arrays do not match the published MNIST checksums"
    except ValueError as e:
        problem = str(e)
    print(f"保存してあった {cached} が壊れているので、消してダウンロードし直します。 / "
          f"The cached {cached} is damaged ({problem}); removing it and downloading again.")
    try:
        cached.unlink()
    except OSError:
        pass  # a read-only cache: the download replaces it if it can
    return None


def _first_that_verifies(timeout, failures):
    """The first source's arrays that verify, or None; each failure appended to ``failures`` as a line."""
    for name, fetch in _sources(timeout):
        try:
            arrays = fetch()
            _check_layout(arrays, name)
            if not _is_full_mnist(arrays):
                raise ValueError("the arrays do not match the published MNIST checksums")
        except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as e:
            failures.append(f"  - {name}: {e}")
            continue
        return arrays
    return None


def _save(arrays, cached):
    """Write the downloaded arrays to the cache, or say why not (the next run then downloads again)."""
    try:
        _write_cache(arrays, cached)
        print(f"{cached} に保存しました。 / Saved to {cached}")
    except OSError as e:
        print(f"注意: MNIST を {cached} に保存できませんでした。次回もダウンロードします。 / "
              f"Note: could not save MNIST to {cached} ({e}); it will be downloaded again next time. "
              "Make that folder writable, or set XDG_CACHE_HOME to a writable folder.")


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
        return _combine(_from_data_home(data_home))
    cached = (Path(cache_dir) if cache_dir is not None else default_cache_dir()) / MNIST_FILENAME
    arrays = _from_cache(cached)
    if arrays is not None:
        return _combine(arrays)
    failures = []
    arrays = _first_that_verifies(timeout, failures)
    if arrays is not None:
        _save(arrays, cached)
        return _combine(arrays)
    raise MNISTUnavailableError(
        "MNIST を入手できませんでした (インターネットにつながっていないかもしれません)。インターネットにつながる"
        f"コンピューターで {KERAS_URL} をダウンロードし、{cached} に置いてから、もう一度実行してください。\n"
        "Could not get MNIST; every source failed:\n" + "\n".join(failures) + "\n"
        f"Fix: on a machine with internet, download {KERAS_URL} (sha256 {KERAS_SHA256}) "
        f"and put it at {cached}, or put it in a folder and set MNIST_DATA_HOME to that folder."
    )

