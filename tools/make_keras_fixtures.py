"""Make the model files that prove neuronet and real Keras read each other's files.

Three modes, each run by hand (CI never runs this script; it runs the tests that read its output):

    python tools/make_keras_fixtures.py real-keras        # needs TensorFlow (Keras 3) and, optionally, tf_keras
    python tools/make_keras_fixtures.py neuronet          # needs neuronet (+ h5py): writes neuronet_written/
    python tools/make_keras_fixtures.py check-neuronet    # needs TensorFlow: loads neuronet_written/ in real Keras

Everything goes to tests/saving/fixtures/. Model files are stored gzip-compressed (`<name>.gz`, byte-identical
once decompressed) because HDF5 files are mostly padding: the whole fixture set stays under 200 KB. Arrays are
`.npz` archives of plain `.npy` members, read with `allow_pickle=False`; metadata is JSON. Nothing is pickled.

`real-keras` writes, with fixed seeds, a Sequential regression model (Adam, mse), a functional classifier
(SGD with momentum, sparse categorical cross-entropy, Concatenate), a regression model with an adapted Normalization,
BatchNormalization and LayerNormalization, and a classifier with Rescaling, a fixed Normalization, Reshape and
BatchNormalization over a 3-D input, trained for a few steps, as:
Keras 3 `.h5`, `.keras`, `.weights.h5`, and tf.keras 2 (tf_keras) `.h5` model and weights files. Beside each
model it stores inputs, the predictions of the model that was saved, one more training batch, and the weights
that model has after one more `train_on_batch` on it (the next step a restored model must reproduce). It also records
one BatchNormalization layer's outputs, in inference and training mode, for given weights and moving statistics.

`neuronet` writes the same two architectures with neuronet (`.h5`, `.keras`, `.weights.h5`) and their
predictions; `check-neuronet` loads them with real Keras 3 (and tf_keras for `.h5`), compares the predictions and
records the outcome, with the SHA-256 of each file it checked, in `neuronet_written/real_keras_check.json`.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import pathlib
import shutil
import sys
import tempfile

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "saving" / "fixtures"
NEURONET_WRITTEN = FIXTURES / "neuronet_written"
SEED = 42


# --- data shared by both sides ---------------------------------------------------------------------------------
def regression_data():
    rng = np.random.default_rng(SEED)
    x = rng.normal(size=(64, 5)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5], [0.0], [3.0]], dtype="float32") + 0.1).astype("float32")
    return x, y


def classification_data():
    rng = np.random.default_rng(SEED + 1)
    x = rng.normal(size=(64, 6)).astype("float32")
    y = (np.argmax(x[:, :3], axis=1)).astype("int64")
    return x, y


def normalization_data():
    """Features on very different scales (what Normalization is for), and a target linear in the standardized ones."""
    rng = np.random.default_rng(SEED + 2)
    scale = np.array([1.0, 10.0, 100.0, 0.1, 1.0, 5.0, 50.0, 2.0])
    offset = np.array([0.0, 5.0, -100.0, 1.0, 0.0, 0.0, 30.0, -2.0])
    z = rng.normal(size=(64, 8))
    y = z @ np.array([[1.0], [-1.0], [0.5], [0.0], [2.0], [0.0], [-0.5], [1.0]]) + 0.5
    return (z * scale + offset).astype("float32"), y.astype("float32")


PREPROCESSING_MEAN = [0.0, 0.5, -0.5, 1.0, 0.0, 0.25]
PREPROCESSING_VARIANCE = [1.0, 2.0, 0.5, 1.0, 4.0, 1.0]


def normalization_model(lib, name):
    """Normalization (adapted) + Dense + BatchNormalization + Dense + LayerNormalization + Dense, for regression."""
    L = lib.layers
    return lib.Sequential([lib.Input((8,), name="input_layer"), L.Normalization(name="normalization"),
                           L.Dense(16, activation="relu", name="dense"),
                           L.BatchNormalization(momentum=0.9, name="batch_normalization"),
                           L.Dense(8, activation="relu", name="dense_1"), L.LayerNormalization(name="layer_normalization"),
                           L.Dense(1, name="dense_2")], name=name)


def preprocessing_model(lib):
    """Rescaling, a Normalization with given mean/variance, Reshape, BatchNormalization over a 3-D input."""
    L = lib.layers
    inputs = lib.Input((6,), name="features")
    x = L.Rescaling(0.5, offset=-0.25, name="rescaling")(inputs)
    x = L.Normalization(mean=PREPROCESSING_MEAN, variance=PREPROCESSING_VARIANCE, name="fixed_normalization")(x)
    x = L.Reshape((2, 3), name="reshape")(x)
    x = L.BatchNormalization(name="batch_normalization")(x)
    x = L.Flatten(name="flatten")(x)
    outputs = L.Dense(3, activation="softmax", name="probabilities")(x)
    return lib.Model(inputs, outputs, name="preprocessed_classifier")


# --- gzip helpers ----------------------------------------------------------------------------------------------
def gzip_file(src, dst):
    with open(src, "rb") as fin, gzip.GzipFile(dst, "wb", mtime=0) as fout:
        shutil.copyfileobj(fin, fout)


def gunzip_to(src, dst):
    with gzip.open(src, "rb") as fin, open(dst, "wb") as fout:
        shutil.copyfileobj(fin, fout)


def sha256_of_gz(path):
    with gzip.open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


# --- real Keras -------------------------------------------------------------------------------------------------
def _quiet_tf():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")


def _train_and_record(keras, model, x, y, name, files):
    """Train a few steps, save through `files(model, tmpdir)`, then record predictions and the next step."""
    model.fit(x[:48], y[:48], batch_size=16, epochs=2, shuffle=False, verbose=0)
    with tempfile.TemporaryDirectory() as tmp:
        written = files(model, tmp)
        for filename in written:
            gzip_file(os.path.join(tmp, filename), FIXTURES / f"{filename}.gz")
    arrays = {"x": x[48:58], "y_pred": model.predict(x[48:58], verbose=0), "train_x": x[:16], "train_y": y[:16]}
    model.train_on_batch(x[:16], y[:16])
    for i, w in enumerate(model.get_weights()):
        arrays[f"next_weight_{i}"] = np.asarray(w)
    np.savez_compressed(FIXTURES / f"{name}.npz", **arrays)
    return written


def make_real_keras():
    _quiet_tf()
    import keras
    import tensorflow as tf

    FIXTURES.mkdir(parents=True, exist_ok=True)
    manifest = {}

    def k3_files(stem, h5=True, native=True, weights=True):
        def save(model, tmp):
            # `.h5` last: Keras 3.15's legacy saving pops "optimizer" out of the model's compile config, so a
            # `.keras` file saved after it would not record the optimizer.
            out = []
            if native:
                model.save(os.path.join(tmp, f"{stem}.keras"))
                out.append(f"{stem}.keras")
            if weights:
                model.save_weights(os.path.join(tmp, f"{stem}.weights.h5"))
                out.append(f"{stem}.weights.h5")
            if h5:
                model.save(os.path.join(tmp, f"{stem}.h5"))
                out.append(f"{stem}.h5")
            return out
        return save

    # Keras 3 (tf.keras in TensorFlow 2.16+).
    keras.utils.set_random_seed(SEED)
    x, y = regression_data()
    model = keras.Sequential([keras.Input((5,)), keras.layers.Flatten(), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(1)], name="regressor")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
    for f in _train_and_record(keras, model, x, y, "keras3_sequential", k3_files("keras3_sequential")):
        manifest[f] = {"arrays": "keras3_sequential.npz", "writer": f"keras {keras.__version__}",
                       "optimizer": "Adam", "loss": "mse"}

    keras.utils.set_random_seed(SEED)
    x, y = classification_data()
    inputs = keras.Input((6,), name="features")
    hidden = keras.layers.Dense(12, activation="tanh", name="hidden_1")(inputs)
    hidden = keras.layers.Dense(6, activation="relu", name="hidden_2")(hidden)
    merged = keras.layers.Concatenate(name="wide_and_deep")([inputs, hidden])
    outputs = keras.layers.Dense(3, activation="softmax", name="probabilities")(merged)
    model = keras.Model(inputs, outputs, name="classifier")
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    for f in _train_and_record(keras, model, x, y, "keras3_functional",
                               k3_files("keras3_functional", weights=False)):
        manifest[f] = {"arrays": "keras3_functional.npz", "writer": f"keras {keras.__version__}",
                       "optimizer": "SGD", "loss": "sparse_categorical_crossentropy"}

    keras.utils.set_random_seed(SEED)
    x, y = normalization_data()
    model = normalization_model(keras, "normalized_regressor")
    model.layers[0].adapt(x)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
    for f in _train_and_record(keras, model, x, y, "keras3_normalization", k3_files("keras3_normalization")):
        manifest[f] = {"arrays": "keras3_normalization.npz", "writer": f"keras {keras.__version__}",
                       "optimizer": "Adam", "loss": "mse"}

    keras.utils.set_random_seed(SEED)
    x, y = classification_data()
    model = preprocessing_model(keras)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    for f in _train_and_record(keras, model, x, y, "keras3_preprocessing", k3_files("keras3_preprocessing")):
        manifest[f] = {"arrays": "keras3_preprocessing.npz", "writer": f"keras {keras.__version__}",
                       "optimizer": "SGD", "loss": "sparse_categorical_crossentropy"}
    record_batch_normalization(keras)

    try:
        import tf_keras
    except ImportError:
        print("tf_keras is not installed: no tf.keras 2 fixtures written", file=sys.stderr)
        tf_keras = None
    if tf_keras is not None:
        def k2_files(stem):
            def save(model, tmp):
                model.save(os.path.join(tmp, f"{stem}.h5"))
                model.save_weights(os.path.join(tmp, f"{stem}_weights.h5"))
                return [f"{stem}.h5", f"{stem}_weights.h5"]
            return save

        tf_keras.utils.set_random_seed(SEED)
        x, y = regression_data()
        model = tf_keras.Sequential([tf_keras.layers.Flatten(input_shape=(5,)),
                                     tf_keras.layers.Dense(16, activation="relu"), tf_keras.layers.Dense(1)])
        model.compile(optimizer=tf_keras.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
        for f in _train_and_record(tf_keras, model, x, y, "tfkeras2_sequential", k2_files("tfkeras2_sequential")):
            manifest[f] = {"arrays": "tfkeras2_sequential.npz", "writer": f"tf_keras {tf_keras.__version__}",
                           "optimizer": "Adam", "loss": "mse"}

        tf_keras.utils.set_random_seed(SEED)
        x, y = classification_data()
        inputs = tf_keras.Input((6,), name="features")
        hidden = tf_keras.layers.Dense(12, activation="tanh", name="hidden_1")(inputs)
        hidden = tf_keras.layers.Dense(6, activation="relu", name="hidden_2")(hidden)
        merged = tf_keras.layers.Concatenate(name="wide_and_deep")([inputs, hidden])
        outputs = tf_keras.layers.Dense(3, activation="softmax", name="probabilities")(merged)
        model = tf_keras.Model(inputs, outputs, name="classifier")
        model.compile(optimizer=tf_keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        for f in _train_and_record(tf_keras, model, x, y, "tfkeras2_functional", k2_files("tfkeras2_functional")):
            manifest[f] = {"arrays": "tfkeras2_functional.npz", "writer": f"tf_keras {tf_keras.__version__}",
                           "optimizer": "SGD", "loss": "sparse_categorical_crossentropy"}

        tf_keras.utils.set_random_seed(SEED)
        x, y = normalization_data()
        model = normalization_model(tf_keras, "normalized_regressor")
        model.layers[0].adapt(x)
        model.compile(optimizer=tf_keras.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
        for f in _train_and_record(tf_keras, model, x, y, "tfkeras2_normalization",
                                   k2_files("tfkeras2_normalization")):
            manifest[f] = {"arrays": "tfkeras2_normalization.npz", "writer": f"tf_keras {tf_keras.__version__}",
                           "optimizer": "Adam", "loss": "mse"}

    manifest = {"tensorflow": tf.__version__, "files": manifest}
    (FIXTURES / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    print(json.dumps(manifest, indent=1))


def record_batch_normalization(keras):
    """One BatchNormalization layer with given weights: Keras's outputs in inference and training mode, and the
    moving statistics after the training call (`keras3_batch_normalization.npz`)."""
    rng = np.random.default_rng(SEED + 3)
    layer = keras.layers.BatchNormalization(momentum=0.8, epsilon=0.01)
    layer.build((None, 3, 5))
    weights = [rng.uniform(0.5, 2.0, 5), rng.normal(size=5), rng.normal(size=5), rng.uniform(0.5, 3.0, 5)]
    layer.set_weights([w.astype("float32") for w in weights])
    x = (rng.normal(size=(4, 3, 5)) * 3 + 1).astype("float32")
    arrays = {"x": x, **{f"weight_{i}": w.astype("float32") for i, w in enumerate(weights)},
              "inference": np.asarray(layer(x, training=False)), "training": np.asarray(layer(x, training=True)),
              "moving_mean": layer.moving_mean.numpy(), "moving_variance": layer.moving_variance.numpy()}
    np.savez_compressed(FIXTURES / "keras3_batch_normalization.npz", **arrays)


# --- neuronet side ------------------------------------------------------------------------------------------------
def build_neuronet_models(keras):
    """The two architectures, built by neuronet with fixed names and weights; compiled and trained a little.

    Returns {stem: (model, x_for_predictions, train_x, train_y)}. The tests call this too, to check that neuronet
    still writes files structurally identical to the ones real Keras accepted.
    """
    models = {}
    x, y = regression_data()
    model = keras.Sequential([keras.Input((5,), name="input_layer"), keras.layers.Dense(16, activation="relu",
                              name="dense"), keras.layers.Dense(1, name="dense_1")], name="regressor")
    _set_deterministic_weights(model, SEED)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01, name="adam"), loss="mean_squared_error",
                  metrics=["mae"])
    model.fit(x[:48], y[:48], batch_size=16, epochs=1, shuffle=False, verbose=0)
    models["neuronet_sequential"] = (model, x[48:58], x[:16], y[:16])

    x, y = classification_data()
    inputs = keras.Input((6,), name="features")
    hidden = keras.layers.Dense(12, activation="tanh", name="hidden_1")(inputs)
    hidden = keras.layers.Dense(6, activation="relu", name="hidden_2")(hidden)
    merged = keras.layers.Concatenate(name="wide_and_deep")([inputs, hidden])
    outputs = keras.layers.Dense(3, activation="softmax", name="probabilities")(merged)
    model = keras.Model(inputs, outputs, name="classifier")
    _set_deterministic_weights(model, SEED + 1)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x[:48], y[:48], batch_size=16, epochs=1, shuffle=False, verbose=0)
    models["neuronet_functional"] = (model, x[48:58], x[:16], y[:16])

    x, y = normalization_data()
    model = normalization_model(keras, "normalized_regressor")
    _set_deterministic_weights(model, SEED + 2)
    model.layers[0].adapt(x)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01, name="adam"), loss="mean_squared_error",
                  metrics=["mae"])
    model.fit(x[:48], y[:48], batch_size=16, epochs=1, shuffle=False, verbose=0)
    models["neuronet_normalization"] = (model, x[48:58], x[:16], y[:16])

    x, y = classification_data()
    model = preprocessing_model(keras)
    _set_deterministic_weights(model, SEED + 3)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x[:48], y[:48], batch_size=16, epochs=1, shuffle=False, verbose=0)
    models["neuronet_preprocessing"] = (model, x[48:58], x[:16], y[:16])
    return models


def _set_deterministic_weights(model, seed):
    """Trainable weights from a seeded uniform(-0.5, 0.5); statistics (non-trainable) stay as built or adapted."""
    rng = np.random.default_rng(seed)
    for w in model.trainable_weights:
        w.assign(rng.uniform(-0.5, 0.5, size=w.shape).astype("float32"))


def make_neuronet():
    import neuronet as keras
    from neuronet import saving

    NEURONET_WRITTEN.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for stem, (model, x, train_x, train_y) in build_neuronet_models(keras).items():
            for suffix in (".h5", ".keras"):
                path = os.path.join(tmp, stem + suffix)
                saving.save_model(model, path)
                gzip_file(path, NEURONET_WRITTEN / f"{stem}{suffix}.gz")
            path = os.path.join(tmp, stem + ".weights.h5")
            saving.save_weights(model, path)
            gzip_file(path, NEURONET_WRITTEN / f"{stem}.weights.h5.gz")
            arrays = {"x": x, "y_pred": model.predict(x, verbose=0), "train_x": train_x, "train_y": train_y}
            model.train_on_batch(train_x, train_y)  # the next step a restored model must reproduce
            arrays.update({f"next_weight_{i}": w for i, w in enumerate(model.get_weights())})
            np.savez_compressed(NEURONET_WRITTEN / f"{stem}.npz", **arrays)
    print("wrote", sorted(p.name for p in NEURONET_WRITTEN.iterdir()))


def check_neuronet():
    _quiet_tf()
    import keras

    try:
        import tf_keras
    except ImportError:
        tf_keras = None
    results = {"keras": keras.__version__, "tf_keras": getattr(tf_keras, "__version__", None), "files": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for gz in sorted(NEURONET_WRITTEN.glob("*.gz")):
            name = gz.name[:-3]
            stem = name.split(".")[0]
            arrays = np.load(NEURONET_WRITTEN / f"{stem}.npz", allow_pickle=False)
            path = os.path.join(tmp, name)
            gunzip_to(gz, path)
            entry = {"sha256": sha256_of_gz(gz)}
            loaders = [("keras", keras)] + ([("tf_keras", tf_keras)] if tf_keras and name.endswith(".h5")
                                              and not name.endswith(".weights.h5") else [])
            for label, lib in loaders:
                entry[label] = _check_with(lib, path, name, stem, arrays, tmp)
            results["files"][name] = entry
    out = NEURONET_WRITTEN / "real_keras_check.json"
    out.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    print(json.dumps(results, indent=1))


def _check_with(lib, path, name, stem, arrays, tmp):
    record = {}
    try:
        if name.endswith(".weights.h5"):
            # Weights only: rebuild the architecture from the matching .keras file, then load the weights.
            arch = os.path.join(tmp, f"{stem}_arch.keras")
            gunzip_to(NEURONET_WRITTEN / f"{stem}.keras.gz", arch)
            model = lib.models.load_model(arch, compile=False)
            for w in model.weights:
                w.assign(np.zeros(w.shape, dtype=w.dtype))
            model.load_weights(path)
            record["compiled"] = False
        else:
            try:
                model = lib.models.load_model(path)
                record["compiled"] = True
            except Exception as e:  # noqa: BLE001 - record why, then try the architecture and weights alone
                record["compile_error"] = f"{type(e).__name__}: {e}"[:300]
                model = lib.models.load_model(path, compile=False)
                record["compiled"] = False
        y_pred = model.predict(arrays["x"], verbose=0)
        diff = float(np.max(np.abs(y_pred - arrays["y_pred"])))
        record.update(loaded=True, max_abs_diff=diff, predictions_match=bool(diff <= 1e-5))
        if record["compiled"]:
            record["optimizer"] = type(model.optimizer).__name__
            record["optimizer_iterations"] = int(np.asarray(model.optimizer.iterations))
            record.update(_next_step(model, arrays))
    except Exception as e:  # noqa: BLE001 - whatever real Keras raises is the finding to record
        record.update(loaded=False, error=f"{type(e).__name__}: {e}"[:500])
    return record


def _next_step(model, arrays):
    """Does real Keras continue training from the restored state exactly as neuronet's never-saved model did?"""
    try:
        model.train_on_batch(arrays["train_x"], arrays["train_y"])
    except Exception as e:  # noqa: BLE001 - Keras 3.15 cannot continue training a model loaded from .h5
        return {"next_step_error": f"{type(e).__name__}: {e}"[:300]}
    step = max(float(np.max(np.abs(np.asarray(w) - arrays[f"next_weight_{i}"])))
               for i, w in enumerate(model.get_weights()))
    return {"next_step_max_abs_diff": step, "next_step_matches": bool(step <= 1e-5)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["real-keras", "neuronet", "check-neuronet"])
    args = parser.parse_args(argv)
    {"real-keras": make_real_keras, "neuronet": make_neuronet, "check-neuronet": check_neuronet}[args.mode]()


if __name__ == "__main__":
    main()
