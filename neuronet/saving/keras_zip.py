"""The Keras 3 native format: `.keras` zip archives and `.weights.h5` files.

A `.keras` file is a zip holding `metadata.json`, `config.json` (the model's serialized config, with `build_config`
and `compile_config`) and `model.weights.h5`. The weights file (also written alone by `save_weights("x.weights.h5")`)
stores each object's own variables under `<path>/vars/<index>`, the path following Keras 3's walk of the model:
`vars` for the model itself, `layers/<snake_case class name, made unique>` for each of its layers (`dense`,
`dense_1`...), sublayers held by attributes under their attribute names, and `optimizer/vars` for the optimizer
(keras/src/saving/saving_lib.py). Loading walks the freshly built model the same way and checks every variable
before assigning any.
"""
from __future__ import annotations

import datetime
import io
import json
import warnings
import zipfile
import zlib
from typing import Any, Dict, Iterator, List, Optional, Tuple

import numpy as np

from neuronet.saving import legacy_h5, limits, serialization
from neuronet.utils import naming
from neuronet.utils.object_registration import builtin

CONFIG_FILENAME = "config.json"
METADATA_FILENAME = "metadata.json"
WEIGHTS_FILENAME = "model.weights.h5"


# --- the walk ------------------------------------------------------------------------------------------------------
def own_variables(obj: Any) -> list:
    """What Keras 3's `save_own_variables` stores: a layer's own trainable, then non-trainable variables."""
    from neuronet.layers.layer import Layer

    if isinstance(obj, Layer):
        own = list(obj._weights)
        return [v for v in own if v.trainable] + [v for v in own if not v.trainable]
    return list(obj.variables)  # an optimizer


def saveables(model: Any, include_optimizer: bool = True) -> List[Tuple[str, Any]]:
    """(path, object) for the model, its layers (recursively) and its optimizer, in Keras 3's walk order."""
    found: List[Tuple[str, Any]] = []
    _walk(model, "", set(), found, include_optimizer)
    return found


def _walk(obj: Any, path: str, visited: set, found: list, include_optimizer: bool) -> None:
    if id(obj) in visited:
        return
    visited.add(id(obj))
    found.append((path, obj))
    for attr, child in _children(obj, include_optimizer):
        child_path = f"{path}/{attr}" if path else attr
        if _is_saveable(child):
            _walk(child, child_path, visited, found, include_optimizer)
        else:
            _walk_container(child, child_path, visited, found, include_optimizer)


def _walk_container(container: Any, path: str, visited: set, found: list, include_optimizer: bool) -> None:
    used: Dict[str, int] = {}
    items = list(container.values()) if isinstance(container, dict) else list(container)
    for item in items:
        if _is_saveable(item):
            _walk(item, f"{path}/{_unique(naming.to_snake_case(type(item).__name__), used)}", visited, found,
                  include_optimizer)
        elif isinstance(item, (list, tuple, dict)) and _holds_saveables(item):
            _walk_container(item, f"{path}/{_unique('container', used)}", visited, found, include_optimizer)


def _unique(name: str, used: Dict[str, int]) -> str:
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


def _is_saveable(obj: Any) -> bool:
    from neuronet.layers.layer import Layer
    from neuronet.optimizers import Optimizer

    return isinstance(obj, (Layer, Optimizer))


def _holds_saveables(value: Any) -> bool:
    items = value.values() if isinstance(value, dict) else value
    return any(_is_saveable(x) or (isinstance(x, (list, tuple, dict)) and _holds_saveables(x)) for x in items)


# Attributes that hold layers neuronet tracks for its own bookkeeping (Keras 3 skips its equivalents).
_SKIPPED = {"_tracked", "_input_layer", "_trainable_cache", "_inbound_nodes", "_nodes", "inputs", "outputs"}


def _children(obj: Any, include_optimizer: bool) -> Iterator[Tuple[str, Any]]:
    """Sequential and functional models yield `layers` first; then attributes, public before private, sorted.

    A subclassed model's `layers` property is one of those attributes, as in Keras 3: a sublayer reached there
    first (its attribute name sorts after "layers") is saved under `layers/<class name>`.
    """
    attributes = dict(vars(obj))
    if _is_a(obj, "Sequential", "Functional"):
        yield "layers", obj.layers
    elif _is_a(obj, "Model"):
        attributes["layers"] = obj.layers
    for attr in sorted(attributes, key=lambda a: f"~{a}" if a.startswith("_") else a):
        if attr in _SKIPPED or (attr == "optimizer" and not include_optimizer):
            continue
        value = attributes[attr]
        if _is_saveable(value) or (isinstance(value, (list, tuple, dict)) and _holds_saveables(value)):
            yield attr, value


# --- writing -------------------------------------------------------------------------------------------------------
def save_model(model: Any, filepath: str) -> None:
    """Write the `.keras` zip to `filepath` (the caller makes the write atomic)."""
    from neuronet.version import __version__

    config = json.dumps(model_config(model), default=serialization.json_default)
    metadata = json.dumps({"keras_version": __version__, "backend": legacy_h5.BACKEND,
                           "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")})
    weights = io.BytesIO()
    write_weights(model, weights)
    with zipfile.ZipFile(filepath, "w") as archive:
        archive.writestr(METADATA_FILENAME, metadata)
        archive.writestr(CONFIG_FILENAME, config)
        archive.writestr(WEIGHTS_FILENAME, weights.getvalue())


def model_config(model: Any) -> dict:
    """`serialize_keras_object(model)` as Keras 3 writes it into config.json."""
    config = serialization.serialize_layer(model)
    config["build_config"] = {"input_shape": _build_input_shape(model)}
    if getattr(model, "compiled", False) and getattr(model, "optimizer", None) is not None:
        config["compile_config"] = serialization.compile_config(model)
    return config


def _build_input_shape(model: Any) -> Any:
    """Sequential: its build shape; subclassed models: the shape of their first call, batch axis as None."""
    shape = getattr(model, "_build_input_shape", None)
    if shape is None and not _is_a(model, "Functional"):
        shape = getattr(model, "_build_shape", None)
    return _shape_to_json(shape, batch_axis=True)


def _shape_to_json(shape: Any, batch_axis: bool = False) -> Any:
    if shape is None:
        return None
    if all(d is None or isinstance(d, (int, np.integer)) for d in shape):
        dims = [None if d is None else int(d) for d in shape]
        return ([None] + dims[1:]) if batch_axis and dims else dims
    return [_shape_to_json(s, batch_axis) for s in shape]


def write_weights(model: Any, target: Any) -> None:
    """Write the Keras 3 weights layout to a path or a binary file object."""
    h5py = legacy_h5.import_h5py()
    with h5py.File(target, "w") as f:
        for path, obj in saveables(model):
            group = f.create_group(f"{path}/vars" if path else "vars")
            group.attrs["name"] = obj.name
            for i, variable in enumerate(own_variables(obj)):
                group[str(i)] = variable.numpy()


# --- reading -------------------------------------------------------------------------------------------------------
def open_archive(filepath: str, source: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(filepath, "r")
        names = archive.namelist()
    except (zipfile.BadZipFile, EOFError, OSError) as error:
        if isinstance(error, (FileNotFoundError, PermissionError)):
            raise
        raise ValueError(f"Could not open {source} as a `.keras` zip archive: it is damaged or truncated "
                         f"({error}).") from error
    missing = [n for n in (CONFIG_FILENAME, WEIGHTS_FILENAME) if n not in names]
    if missing:
        archive.close()
        raise ValueError(f"{source} is a zip archive but not a `.keras` model file: it lacks {missing} "
                         f"(it holds {names[:10]}).")
    return archive


def read_member(archive: zipfile.ZipFile, name: str, source: str, limit: int) -> bytes:
    """One member, read as a stream and refused past `limit` bytes (the size in the zip header may lie)."""
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise ValueError(f"Refusing to load {source}: its member {name!r} declares {info.file_size:,} bytes, over "
                         f"the limit of {limit:,}. Pass a larger `max_bytes` if the file is trusted.")
    try:
        with archive.open(name) as handle:
            return limits.read_capped(handle, limit, source, f"its member {name!r}")
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError, zlib.error) as error:
        raise ValueError(f"Could not read {name!r} from {source}: the archive is damaged ({error}).") from error


def load_model(filepath: str, source: str, custom_objects: Optional[dict] = None, compile: bool = True,
               safe_mode: bool = True, max_bytes: int = limits.MIN_MAX_BYTES) -> Any:
    with open_archive(filepath, source) as archive:
        config = limits.parse_json(read_member(archive, CONFIG_FILENAME, source, limits.MAX_CONFIG_BYTES), source,
                                   "config.json")
        weights = read_member(archive, WEIGHTS_FILENAME, source, max_bytes + limits.MIN_MAX_BYTES)
    if not isinstance(config, dict):
        raise ValueError(f"The config.json in {source} is not a Keras model config (a JSON object).")
    with legacy_h5.open_h5(io.BytesIO(weights), source) as f, legacy_h5.reading(source):
        total = limits.scan_weights(f, source, max_bytes)  # every dataset checked before any array exists
    with limits.building_within(total, source):
        model = legacy_h5.model_from_config(config, custom_objects, safe_mode, source)
        _build_from_config(model, config.get("build_config"), source)
    compile_config = config.get("compile_config") if compile else None
    if compile_config:
        legacy_h5.compile_from_config(model, compile_config, custom_objects, source)
    load_weights(model, io.BytesIO(weights), source, optimizer_state=bool(compile_config), max_bytes=max_bytes)
    return model


def _build_from_config(model: Any, build_config: Any, source: str) -> None:
    """Create the weights before loading them: Sequential builds; a subclassed model runs once on zeros."""
    from neuronet.autodiff import no_grad

    shape = build_config.get("input_shape") if isinstance(build_config, dict) else None
    if model.built or shape is None:
        return
    if _is_a(model, "Sequential"):
        model.build(tuple(shape))
        return
    for part in (shape if shape and not all(d is None or isinstance(d, int) for d in shape) else [shape]):
        limits.check_shape_bytes(part, 4, limits.MIN_MAX_BYTES, f"the build input shape {part}", source)
    with no_grad():
        model(_zeros_like_shape(shape), training=False)


def _zeros_like_shape(shape: Any) -> Any:
    if all(d is None or isinstance(d, int) for d in shape):
        return np.zeros(tuple(1 if d is None else d for d in shape), dtype="float32")
    return tuple(_zeros_like_shape(s) for s in shape)


def load_weights(model: Any, target: Any, source: str, skip_mismatch: bool = False,
                 optimizer_state: bool = True, max_bytes: int = limits.MIN_MAX_BYTES) -> None:
    """Fill `model` from a Keras 3 weights file (a path or file object): everything checked before assigning."""
    with legacy_h5.open_h5(target, source) as f, legacy_h5.reading(source):
        limits.scan_weights(f, source, max_bytes)
        plan, optimizer_values = _plan(f, model, source, skip_mismatch, optimizer_state)
    legacy_h5.assign(plan)
    if optimizer_values is not None:
        legacy_h5.restore_optimizer(model, optimizer_values, source)


def _plan(f: Any, model: Any, source: str, skip_mismatch: bool, optimizer_state: bool) -> tuple:
    plan: legacy_h5.Plan = []
    errors: List[str] = []
    optimizer_values = None
    for path, obj in saveables(model):
        group_path = f"{path}/vars" if path else "vars"
        if not _is_layer(obj):
            if optimizer_state and group_path in f:
                group = legacy_h5.get_group(f, group_path)
                optimizer_values = [legacy_h5.read_array(legacy_h5.get_dataset(group, str(i)))
                                    for i in range(len(group))]
            continue
        variables = own_variables(obj)
        if variables:
            plan += _object_plan(f, group_path, obj, variables, skip_mismatch, errors)
        elif group_path in f and len(legacy_h5.get_group(f, group_path)):
            errors.append(f"{type(obj).__name__} {obj.name!r} at {group_path!r}: the file holds "
                          f"{len(legacy_h5.get_group(f, group_path))} variables but the object has none (is it "
                          "built? Call a subclassed model on data once before loading weights into it).")
    if errors:
        message = (f"{len(errors)} object(s) could not be loaded from {source}; the file does not match the "
                   "model's architecture:\n  " + "\n  ".join(errors[:10]))
        if not skip_mismatch:
            raise ValueError(message)
        warnings.warn(message + "\nThese were skipped (skip_mismatch=True).", stacklevel=4)
    return plan, optimizer_values


def _is_a(obj: Any, *class_names: str) -> bool:
    """isinstance against neuronet's model classes, found on the ground floor: models are above saving (they save
    themselves through it). An unregistered class has no instances, so it is skipped."""
    return any(cls is not None and isinstance(obj, cls) for cls in map(builtin, class_names))


def _is_layer(obj: Any) -> bool:
    from neuronet.layers.layer import Layer

    return isinstance(obj, Layer)


def _object_plan(f: Any, group_path: str, obj: Any, variables: list, skip_mismatch: bool,
                 errors: List[str]) -> legacy_h5.Plan:
    label = f"{type(obj).__name__} {obj.name!r} at {group_path!r}"
    if group_path not in f:
        errors.append(f"{label}: no such group in the file (expected {len(variables)} variables).")
        return []
    group = legacy_h5.get_group(f, group_path)
    if len(group) != len(variables):
        errors.append(f"{label}: expected {len(variables)} variables, the file has {len(group)}.")
        return []
    plan: legacy_h5.Plan = []
    for i, variable in enumerate(variables):
        dataset = legacy_h5.get_dataset(group, str(i))
        if tuple(dataset.shape) != tuple(variable.shape):
            errors.append(f"{label}: variable {variable.path!r} has shape {tuple(variable.shape)}, the saved value "
                          f"has shape {tuple(dataset.shape)}.")
            if skip_mismatch:
                continue
            return []
        plan.append((variable, legacy_h5.read_array(dataset)))
    return plan
