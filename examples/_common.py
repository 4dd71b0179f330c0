"""What the examples share: fast mode, where their files go, and the chapter's two data sets, ready to train on.

Two environment variables change every example without changing its code:

    NEURONET_FAST=1          few epochs on a small subset (2,000 rows), fewer search trials: a smoke test (CI uses it)
    NEURONET_OUTPUT_DIR=DIR  where model files, TensorBoard logs and pictures go (default: the current directory,
                             as in the book)

The data sets are read by neuronet's loaders (set NEURONET_DATA_DIR to a folder holding offline copies).
"""
import os
import time

FAST = os.environ.get("NEURONET_FAST", "0") not in ("", "0")
FAST_ROWS = 2000  # training rows in fast mode

_OUTPUT_DIR = os.environ.get("NEURONET_OUTPUT_DIR") or os.curdir


def epochs(full, fast=1):
    """The book's number of epochs, or `fast` of them in fast mode."""
    return fast if FAST else full


def output_path(*parts):
    """A path under the output directory (its folder is created); model files, logs and pictures go there."""
    path = os.path.join(_OUTPUT_DIR, *parts)
    os.makedirs(os.path.dirname(path) or os.curdir, exist_ok=True)
    return path


def get_run_logdir(root_logdir=None):
    """A new TensorBoard run directory, `my_logs/run_<date-time>`, as in the book.

    Two runs started within the same second (fast mode) get `_1`, `_2`... suffixes instead of sharing a directory.
    """
    root_logdir = root_logdir or output_path("my_logs")
    run_id = time.strftime("run_%Y_%m_%d-%H_%M_%S")
    run_logdir, n = os.path.join(root_logdir, run_id), 0
    while os.path.exists(run_logdir):
        n += 1
        run_logdir = os.path.join(root_logdir, f"{run_id}_{n}")
    os.makedirs(run_logdir)
    return run_logdir


def tensorboard_command(root_logdir):
    """The shell command that shows the runs under `root_logdir` at http://localhost:6006."""
    shown = root_logdir if os.path.isabs(root_logdir) or root_logdir.startswith(os.curdir) else f"./{root_logdir}"
    return f"tensorboard --logdir={shown} --port=6006"


def load_housing():
    """California housing as the chapter prepares it: train/valid/test split (random_state=42), standardized.

    Returns X_train, X_valid, X_test, y_train, y_valid, y_test (fast mode: the first 2,000 training rows).
    """
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    import neuronet as keras

    housing = keras.datasets.california_housing.load_sklearn_version()
    X_train_full, X_test, y_train_full, y_test = train_test_split(housing.data, housing.target, random_state=42)
    X_train, X_valid, y_train, y_valid = train_test_split(X_train_full, y_train_full, random_state=42)
    if FAST:
        X_train, y_train = X_train[:FAST_ROWS], y_train[:FAST_ROWS]
    scaler = StandardScaler()  # fitted on the training set only, then applied to all three
    X_train = scaler.fit_transform(X_train)
    X_valid = scaler.transform(X_valid)
    X_test = scaler.transform(X_test)
    return X_train, X_valid, X_test, y_train, y_valid, y_test


def load_housing_raw():
    """California housing as the current edition prepares it: the same splits, features left raw.

    The models scale their inputs themselves with `Normalization` layers (adapted on the training set), so there is
    no StandardScaler. Returns X_train, X_valid, X_test, y_train, y_valid, y_test (fast mode: 2,000 training rows).
    """
    from sklearn.model_selection import train_test_split

    import neuronet as keras

    housing = keras.datasets.california_housing.load_sklearn_version()
    X_train_full, X_test, y_train_full, y_test = train_test_split(housing.data, housing.target, random_state=42)
    X_train, X_valid, y_train, y_valid = train_test_split(X_train_full, y_train_full, random_state=42)
    if FAST:
        X_train, y_train = X_train[:FAST_ROWS], y_train[:FAST_ROWS]
    return X_train, X_valid, X_test, y_train, y_valid, y_test


def load_images(dataset="fashion_mnist"):
    """Fashion-MNIST (or MNIST) scaled to [0, 1], its first 5,000 training images kept for validation (as in the book).

    Returns (X_train, y_train), (X_valid, y_valid), (X_test, y_test) (fast mode: 2,000 training images).
    """
    import neuronet as keras

    (X_train_full, y_train_full), (X_test, y_test) = getattr(keras.datasets, dataset).load_data()
    X_valid, X_train = X_train_full[:5000] / 255.0, X_train_full[5000:] / 255.0
    y_valid, y_train = y_train_full[:5000], y_train_full[5000:]
    if FAST:
        X_train, y_train = X_train[:FAST_ROWS], y_train[:FAST_ROWS]
    return (X_train, y_train), (X_valid, y_valid), (X_test / 255.0, y_test)


def summary(text):
    """Print the example's one-line result, `summary: <text>`; `tools/example_results.py` puts it in the README table.

    Every example ends with one call, after all its training, with the numbers it measured in the text.
    """
    print(f"summary: {text}", flush=True)
