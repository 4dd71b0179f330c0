"""Public modules list their names (`__all__`, shown by `dir()`, lazy names included) and show no imports."""
import importlib
import types

import pytest

PUBLIC_MODULES = [
    "neuronet", "neuronet.activations", "neuronet.backend", "neuronet.callbacks", "neuronet.constraints",
    "neuronet.datasets",
    "neuronet.datasets.california_housing", "neuronet.datasets.cifar10", "neuronet.datasets.fashion_mnist",
    "neuronet.datasets.mnist", "neuronet.initializers", "neuronet.layers", "neuronet.losses", "neuronet.metrics",
    "neuronet.models", "neuronet.ops", "neuronet.optimizers", "neuronet.optimizers.schedules",
    "neuronet.regularizers", "neuronet.saving", "neuronet.testing", "neuronet.utils", "neuronet.wrappers",
]


def _defined_here(module, name, value):
    """Whether `value` is neuronet's own (a class/function/constant of neuronet, or one of its modules)."""
    if isinstance(value, types.ModuleType):
        return value.__name__.startswith("neuronet.") or value.__name__ == "neuronet"
    owner = getattr(value, "__module__", None)
    if owner is not None and not isinstance(value, (str, int, float, tuple, dict, list)):
        return owner.startswith("neuronet")
    return True  # plain constants (`__version__`)


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_dir_lists_exactly_the_public_names(name):
    module = importlib.import_module(name)
    assert hasattr(module, "__all__"), f"{name} has no __all__"
    assert len(set(module.__all__)) == len(module.__all__), f"{name}.__all__ repeats names"
    assert sorted(dir(module)) == sorted(module.__all__), f"dir({name}) differs from its __all__"


def test_every_public_subpackage_imported_by_neuronet_is_listed():
    import neuronet

    internal = {"compile", "gradient_tape", "trainers", "variables", "version"}  # engine parts, not Keras names
    imported = {n for n, v in vars(neuronet).items() if isinstance(v, types.ModuleType) and not n.startswith("_")}
    assert imported - internal <= set(neuronet.__all__)


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_every_public_name_resolves_and_none_is_a_leaked_import(name):
    module = importlib.import_module(name)
    for attribute in module.__all__:
        value = getattr(module, attribute)  # lazy names load here
        assert _defined_here(module, attribute, value), f"{name}.{attribute} is an import: {value!r}"


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_star_import_brings_no_helpers(name):
    namespace = {}
    exec(f"from {name} import *", namespace)  # noqa: S102 (our own module names, above)
    leaked = {"np", "Any", "Optional", "annotations", "inspect", "difflib", "math", "sys", "types", "importlib"}
    assert not leaked & set(namespace)


def test_keras_names_of_this_issue_are_public():
    import neuronet as keras

    for module, names in [
        (keras.layers, ["LeakyReLU", "PReLU", "ReLU", "Softmax"]),
        (keras.optimizers, ["AdamW", "Adamax", "Lion", "Ftrl"]),
        (keras.metrics, ["BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy",
                         "KLDivergence", "Poisson", "LogCoshError", "MeanSquaredLogarithmicError",
                         "MeanAbsolutePercentageError", "CosineSimilarity", "Hinge", "SquaredHinge", "Precision",
                         "Recall", "AUC", "F1Score"]),
        (keras.utils, ["get_file", "custom_object_scope", "register_keras_serializable"]),
        (keras.saving, ["register_keras_serializable"]), (keras.backend, ["backend"]),
        (keras.wrappers, ["SKLearnClassifier", "SKLearnRegressor"]), (keras.datasets, ["cifar10"]),
    ]:
        assert set(names) <= set(dir(module)), module.__name__
    assert keras.backend.backend() == __import__("os").environ.get("NEURONET_BACKEND", "numpy")
