"""`import neuronet` loads what a Sequential + fit needs, and nothing else (issue 15: a fast start)."""
import subprocess
import sys

LAZY = ["neuronet.saving", "neuronet.callbacks.early_stopping", "neuronet.callbacks.tensorboard",
        "neuronet.callbacks.model_checkpoint", "neuronet.tuners", "neuronet.wrappers", "neuronet.datasets",
        "neuronet.utils.plotting", "neuronet.models.cloning", "neuronet.compile", "numpy.random", "json", "csv",
        "difflib", "neuronet.layers.normalization.batch_normalization", "neuronet.layers.preprocessing.normalization",
        "neuronet.layers.core.lambda_layer"]


def _loaded_after(code: str) -> set:
    out = subprocess.run([sys.executable, "-c", f"import sys\n{code}\nprint(' '.join(sys.modules))"],
                         check=True, capture_output=True, text=True).stdout
    return set(out.split())


def test_import_leaves_optional_modules_unloaded():
    loaded = _loaded_after("import neuronet")
    assert not loaded & set(LAZY), sorted(loaded & set(LAZY))


def test_lazy_names_resolve_on_first_use():
    loaded = _loaded_after("import neuronet as keras\n"
                           "assert keras.callbacks.EarlyStopping.__name__ == 'EarlyStopping'\n"
                           "from neuronet.models import load_model, clone_model\n"
                           "from neuronet.utils import to_categorical\n"
                           "from neuronet.autodiff import check_grads\n"
                           "assert 'TensorBoard' in dir(keras.callbacks)")
    assert {"neuronet.callbacks.early_stopping", "neuronet.saving.saving_api", "neuronet.models.cloning"} <= loaded
