"""`import neuronet` loads the engine, the core layers and the model classes, and nothing else (issue 15).

No timing here (the ratio against `import numpy` is in `benchmarks/`): these tests count what a fresh interpreter
loads, so a module-level import that drags a package in fails here by name.
"""
import subprocess
import sys

# Loaded on first use: what compile() and fit() bring (the optimizers, losses and metrics they name, the compiled
# step, callbacks, the BLAS thread policy, adapters for generators and PyDatasets), and the optional parts.
LAZY = ["neuronet.trainers.compile_utils", "neuronet.trainers.threads", "neuronet.gradient_tape",
        "neuronet.callbacks", "neuronet.callbacks.history", "neuronet.trainers.data_adapters.py_dataset_adapter",
        "neuronet.trainers.data_adapters.generator_data_adapter", "neuronet.optimizers.optimizer",
        "neuronet.optimizers.sgd", "neuronet.optimizers.adam", "neuronet.optimizers.schedules",
        "neuronet.optimizers.loss_scale_optimizer", "neuronet.optimizers.registry",
        "neuronet.losses.losses", "neuronet.losses.functions", "neuronet.losses.registry",
        "neuronet.metrics.accuracy_metrics", "neuronet.metrics.auc", "neuronet.metrics.registry", "neuronet.compile",
        "neuronet.saving", "neuronet.callbacks.early_stopping", "neuronet.callbacks.tensorboard",
        "neuronet.callbacks.model_checkpoint", "neuronet.tuners", "neuronet.wrappers", "neuronet.datasets",
        "neuronet.utils.plotting", "neuronet.models.cloning",
        "neuronet.layers.normalization.batch_normalization", "neuronet.layers.preprocessing.normalization",
        "neuronet.layers.core.lambda_layer", "neuronet.utils.progbar", "numpy.random", "threadpoolctl", "h5py",
        "json", "csv", "difflib", "logging", "concurrent.futures"]
# Standard-library modules `import neuronet` may load beyond what `import numpy` loads, each with its reason. (Compare
# in a clean virtual environment: some installs' .pth files import more at start-up and hide the difference.)
STDLIB_NEEDED = {"threading": "the autodiff tape's recording state is per thread (threading.local)"}
# The import loads 63 modules of neuronet now; a few more for new engine parts are fine, a package is not.
MAX_NEURONET_MODULES = 70
# What a plain Sequential + compile + fit + predict does not need (the list): it loads on first use.
NOT_FOR_FIT = ["neuronet.saving", "neuronet.callbacks.early_stopping", "neuronet.callbacks.model_checkpoint",
               "neuronet.callbacks.tensorboard", "neuronet.callbacks.csv_logger", "neuronet.tuners",
               "neuronet.wrappers", "neuronet.datasets", "neuronet.utils.plotting", "neuronet.summary", "h5py",
               "matplotlib", "json", "csv"]
FIT = """
import numpy as np
import neuronet as keras
model = keras.Sequential([keras.layers.Input((4,)), keras.layers.Dense(3, activation="relu"),
                          keras.layers.Dense(2, activation="softmax")])
model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.SGD(0.01), metrics=["accuracy"])
model.fit(np.zeros((8, 4), "float32"), np.zeros(8, "int64"), epochs=2, verbose=0)
model.predict(np.zeros((2, 4), "float32"), verbose=0)
"""


def _loaded_after(code: str) -> set:
    out = subprocess.run([sys.executable, "-c", f"import sys\n{code}\nprint(' '.join(sys.modules))"],
                         check=True, capture_output=True, text=True).stdout
    return set(out.split())


def test_import_leaves_optional_modules_unloaded():
    loaded = _loaded_after("import neuronet")
    assert not loaded & set(LAZY), sorted(loaded & set(LAZY))


def test_import_loads_few_modules_and_no_library_numpy_does_not_load():
    loaded, numpy_loads = _loaded_after("import neuronet"), _loaded_after("import numpy")
    ours = sorted(m for m in loaded if m == "neuronet" or m.startswith("neuronet."))
    assert len(ours) <= MAX_NEURONET_MODULES, f"import neuronet loads {len(ours)} of its modules: {ours}"
    others = sorted(loaded - numpy_loads - set(ours) - set(STDLIB_NEEDED))
    assert not others, f"import neuronet loads modules that import numpy does not: {others}"


def test_sequential_fit_leaves_the_optional_parts_unloaded():
    loaded = _loaded_after(FIT)
    assert {"neuronet.trainers.trainer", "neuronet.callbacks.history", "neuronet.optimizers.sgd"} <= loaded
    assert not loaded & set(NOT_FOR_FIT), sorted(loaded & set(NOT_FOR_FIT))


def test_lazy_names_resolve_on_first_use():
    loaded = _loaded_after("import neuronet as keras\n"
                           "assert keras.callbacks.EarlyStopping.__name__ == 'EarlyStopping'\n"
                           "assert keras.optimizers.get('adam').__class__ is keras.optimizers.Adam\n"
                           "assert keras.losses.get('mse') is keras.losses.mean_squared_error\n"
                           "assert keras.metrics.get('auc').__class__ is keras.metrics.AUC\n"
                           "assert keras.mixed_precision.LossScaleOptimizer.__name__ == 'LossScaleOptimizer'\n"
                           "from neuronet.layers import Dense\n"
                           "from neuronet.models import load_model, clone_model\n"
                           "from neuronet.utils import to_categorical\n"
                           "from neuronet.autodiff import check_grads\n"
                           "from neuronet import GradientTape\n"
                           "assert 'TensorBoard' in dir(keras.callbacks) and 'SGD' in dir(keras.optimizers)")
    assert {"neuronet.callbacks.early_stopping", "neuronet.saving.saving_api", "neuronet.models.cloning",
            "neuronet.optimizers.adam", "neuronet.metrics.auc", "neuronet.optimizers.loss_scale_optimizer",
            "neuronet.gradient_tape"} <= loaded
