"""The package's shape: NumPy only behind `neuronet.backend` for device arrays, and an import graph without loops.

Both read the source with `ast` (nothing is imported), so a new module that breaks either rule fails here by name.
Function-level imports count as edges too, and so do the lazy names of package `__init__` files (checked by
importing them), so a loop cannot hide behind a late import.
"""
import ast
import functools
import importlib
import pathlib
import subprocess
import sys
import types

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "neuronet"

# Modules that may import NumPy because they work on the host: loading data, saving, progress, logs, host-side
# bookkeeping. Compute code (autodiff, ops, layers, losses, optimizers' update rules, variables, initializers,
# activations, models) gets its arrays from `neuronet.backend` instead. A path ending in "/" covers a package.
HOST_ONLY = {
    "backend/": "the door itself",
    "datasets/": "loading files into host arrays",
    "saving/": "weights go to the host before they are written",
    "callbacks/": "logs are Python floats; checkpoints go through saving",
    "tuners/": "hyperparameter search bookkeeping",
    "summary/": "TensorBoard event files from host values",
    "tuning/lr_finder.py": "shuffles host data and records host floats",
    "wrappers/scikit_learn.py": "scikit-learn's inputs and outputs are host arrays",
    "wrappers/sklearn_wrapper.py": "as scikit_learn.py",
    "perceptron.py": "a scikit-learn-style estimator on host arrays (no autodiff)",
    "testing/layer_test.py": "compares outputs copied to the host",
    "autodiff/gradient_check.py": "finite differences in float64 on the host",
    "metrics/metric.py": "metrics accumulate on the host in float64 (predictions copied by backend.to_numpy)",
    "metrics/accuracy_metrics.py": "as metric.py",
    "metrics/regression_metrics.py": "as metric.py",
    "metrics/metrics_utils.py": "confusion counts of host predictions, as metric.py",
    "metrics/confusion_metrics.py": "as metric.py",
    "metrics/auc.py": "as metric.py",
    "metrics/f_score_metrics.py": "as metric.py",
    "optimizers/schedules.py": "learning rates are host scalars",
    "trainers/data_adapters/": "data stays on the host and is sliced into batches there",
    "trainers/training_state.py": "BackupAndRestore's host copy of the generator state and shuffle order",
    "trainers/evaluate_predict.py": "the host side of predict's outputs (merged and checked for NaN/inf there)",
    "trainers/steps.py": "recognizes host batches (NumPy arrays) to move them to the device",
    "trainers/compile_utils.py": "checks host targets before training",
    "trainers/arguments.py": "validates fit's arguments; class weights become host sample weights",
    "utils/random.py": "the host generator that seeds everything",
    "utils/numerical_utils.py": "to_categorical/normalize on host data",
    "utils/plotting.py": "matplotlib",
    "utils/summary_utils.py": "parameter counts for printing",
}

# Compute modules that landed while the sweep did and still import NumPy: each one's host work (adapt, argument
# checks) may stay, but its `call` must get arrays from `backend`. Remove an entry when it is swept (a test checks).
NOT_YET_SWEPT = {
}

# Imports that close a loop on purpose, each with the reason it cannot be removed: {(importer, imported): why}.
# None today. A loop is broken by moving the shared code down a floor, by a table on the ground floor that the
# upper module fills (`utils.object_registration.register_builtin`: the saving code and `Model(inputs, outputs)`
# find the model classes by name), or by the upper module passing what the lower one needs.
LATE_BINDINGS: dict = {
}


@functools.lru_cache(maxsize=None)
def _modules():
    """(dotted name under neuronet, path relative to the package, syntax tree, path) for every module."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        parts = list(relative.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found.append((".".join(parts), relative.as_posix(), ast.parse(path.read_text(encoding="utf-8")), path))
    return tuple(found)


def _imports(module, tree, is_package, known):
    """(imported module, at module level?) for each import, names resolved to the deepest known module."""

    def walk(node, top):
        for child in ast.iter_child_nodes(node):
            inner = top and not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield alias.name, top
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = ("neuronet." + module).rstrip(".").split(".")
                    parts = parts if is_package else parts[:-1]
                    parts = parts[: len(parts) - child.level + 1]
                    base = ".".join(parts + ([base] if base else []))
                for alias in child.names:
                    yield (f"{base}.{alias.name}" if f"{base}.{alias.name}"[9:] in known else base), top
            yield from walk(child, inner)

    for name, top in walk(tree, True):
        if name == "neuronet" or name.startswith("neuronet."):
            target = name[9:]
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target != module:
                yield target, top
        else:
            yield name, top


def _allowed(relative):
    return any(relative == key or (key.endswith("/") and relative.startswith(key)) for key in HOST_ONLY)


def test_numpy_is_imported_only_by_the_backend_and_host_modules():
    offenders = []
    known = {m for m, *_ in _modules()}
    for module, relative, tree, path in _modules():
        uses_numpy = any(name == "numpy" or name.startswith("numpy.")
                         for name, _ in _imports(module, tree, path.name == "__init__.py", known))
        if uses_numpy and not _allowed(relative) and relative not in NOT_YET_SWEPT:
            offenders.append(relative)
    assert not offenders, (
        f"{offenders} import NumPy. Compute code gets its arrays from `neuronet.backend` (`backend.xp`, "
        "`backend.asarray`, `backend.to_numpy`, `backend.random`), so that the CuPy and strict backends see them. "
        "If the module only works on the host (files, logs, progress), add it to HOST_ONLY with the reason.")


def test_host_only_entries_are_real():
    stale = [key for key in HOST_ONLY if not (PACKAGE / key).exists()]
    assert not stale, f"HOST_ONLY names paths that do not exist: {stale}"
    swept = [key for key in NOT_YET_SWEPT if not (PACKAGE / key).exists()
             or "import numpy" not in (PACKAGE / key).read_text(encoding="utf-8")]
    assert not swept, f"{swept} no longer import NumPy: remove them from NOT_YET_SWEPT"


@functools.lru_cache(maxsize=None)
def _graph():
    """{importer: {imported: whether imported at module level}} over the package's modules."""
    modules = _modules()
    known = {m for m, *_ in modules}
    edges = {m: {} for m in known}
    for module, _, tree, path in modules:
        for target, top in _imports(module, tree, path.name == "__init__.py", known):
            if target in known:
                edges[module][target] = edges[module].get(target, False) or top
    return edges


def _cycle(edges):
    """One cycle as a list of modules, or None (depth-first search with colours)."""
    colour, stack = {}, []

    def visit(node):
        colour[node] = "grey"
        stack.append(node)
        for target in sorted(edges[node]):
            if colour.get(target) == "grey":
                return stack[stack.index(target):] + [target]
            if target not in colour:
                found = visit(target)
                if found:
                    return found
        colour[node] = "black"
        stack.pop()
        return None

    for node in sorted(edges):
        if node not in colour:
            found = visit(node)
            if found:
                return found
    return None


def test_the_import_graph_has_no_loops():
    edges = {module: dict(targets) for module, targets in _graph().items()}
    for (importer, imported) in LATE_BINDINGS:
        edges[importer].pop(imported, None)
    cycle = _cycle(edges)
    assert cycle is None, (
        f"Import loop: {' -> '.join(cycle)}. Move the shared helper down to the ground floor (`neuronet/utils/`, "
        "`neuronet/backend/`) instead of importing up.")


def _lazy_edges():
    """{package: {module it loads on first use of a lazy name}} for every package `__init__` with `__all__`."""
    edges = {}
    known = set(_graph())
    for module, _, _, path in _modules():
        if path.name != "__init__.py":
            continue
        package = importlib.import_module("neuronet" + (f".{module}" if module else ""))
        for name in getattr(package, "__all__", ()):
            value = getattr(package, name)
            target = value.__name__ if isinstance(value, types.ModuleType) else getattr(value, "__module__", "")
            target = target[len("neuronet."):] if target.startswith("neuronet.") else ""
            if target in known and target != module:
                edges.setdefault(module, set()).add(target)
    return edges


def test_lazy_names_close_no_loop():
    """A package's lazy names (`_lazy.lazy_names`, a module `__getattr__`) import when used: edges like any other."""
    edges = {module: dict(targets) for module, targets in _graph().items()}
    for (importer, imported) in LATE_BINDINGS:
        edges[importer].pop(imported, None)
    lazy = _lazy_edges()
    assert lazy.get("layers") and lazy.get("models"), "no lazy names found: the check would pass vacuously"
    for package, targets in lazy.items():
        for target in targets:
            edges[package].setdefault(target, False)
    cycle = _cycle(edges)
    assert cycle is None, f"Import loop through a lazy name: {' -> '.join(cycle)}."


def test_model_classes_are_registered_whatever_is_imported_first():
    """The saving code finds Sequential and Functional on the ground floor (`register_builtin`): whichever neuronet
    module a program imports first, `neuronet.models` (which loads all three model classes) has run."""
    code = ("import sys; import neuronet.saving.serialization\n"
            "from neuronet.utils.object_registration import builtin\n"
            "print(*[builtin(n).__module__ for n in ('Model', 'Sequential', 'Functional')])")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split()
    assert out == ["neuronet.models.model", "neuronet.models.sequential", "neuronet.models.functional"]


def test_late_bindings_are_function_level_imports_that_exist():
    wrong = {f"{importer} -> {imported}": "imported at module level" if at_top else "not imported any more"
             for importer, imported in LATE_BINDINGS
             for at_top in [_graph()[importer].get(imported)] if at_top is not False}
    assert not wrong, f"LATE_BINDINGS lists edges that are not function-level imports: {wrong}"


def test_a_loop_is_found():
    """The search itself: a two-module loop is reported."""
    assert _cycle({"a": {"b": True}, "b": {"a": False}}) in (["a", "b", "a"], ["b", "a", "b"])
    assert _cycle({"a": {"b": True}, "b": {}}) is None
