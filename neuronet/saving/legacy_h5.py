"""The legacy HDF5 format (`model.save("model.h5")`) in the tf.keras layout, and the HDF5 helpers both formats use.

```
/                      attrs keras_version, backend, model_config (JSON), training_config (JSON, if compiled)
/model_weights         attrs layer_names (one per model.layers), backend, keras_version
    /<layer name>      attrs weight_names (trainable, then non-trainable); one dataset per name ("dense/kernel:0")
    /top_level_model_weights
/optimizer_weights     attrs weight_names; one dataset per optimizer variable, in `optimizer.variables` order
```
Attributes larger than HDF5's object header are split into `layer_names0`, `layer_names1`, ... as Keras does.
Readers follow the `weight_names` attributes and their order, so tf.keras 2 names (`dense/kernel:0`) and Keras 3
names (`sequential/dense/kernel`) both load. Everything is read and checked into fresh arrays before the first
weight is assigned: a file that does not fit the model changes nothing.
"""
from __future__ import annotations

import contextlib
import json
import warnings
from typing import Any, Iterator, List, Optional, Tuple

import numpy as np

from neuronet.layers.layer import dtype_name
from neuronet.saving import limits, serialization

HDF5_OBJECT_HEADER_LIMIT = 64512
BACKEND = "numpy"  # neuronet computes with NumPy: the Keras 3 backend name that says so
Plan = List[Tuple[Any, np.ndarray]]  # (variable, value) pairs, assigned only once every check passed


# --- h5py and safe access ----------------------------------------------------------------------------------------
def import_h5py() -> Any:
    try:
        import h5py
    except ImportError:
        raise ImportError("Saving and loading `.h5`, `.weights.h5` and `.keras` files needs h5py, which is not "
                          "installed. Install it with `pip install \"neuronet[h5]\"` (or `pip install h5py`).") from None
    return h5py


@contextlib.contextmanager
def reading(source: str) -> Iterator[None]:
    """Turn the errors h5py raises on damaged files into one clear ValueError naming the file."""
    try:
        yield
    except (OSError, RuntimeError, KeyError, IndexError, TypeError, OverflowError, UnicodeError, EOFError,
            AttributeError, RecursionError, MemoryError, json.JSONDecodeError) as error:
        if isinstance(error, (FileNotFoundError, PermissionError)):
            raise
        raise ValueError(f"Could not read {source}: the file is damaged, truncated or not a Keras model file "
                         f"({type(error).__name__}: {error}).") from error


def open_h5(path_or_file: Any, source: str) -> Any:
    """Open an HDF5 file for reading; a file cut short or of another kind gives a ValueError naming it."""
    h5py = import_h5py()
    try:
        return h5py.File(path_or_file, "r")
    except OSError as error:
        text = str(error)
        if "truncated" in text:
            reason = "it was cut short (truncated), e.g. by a crash or an interrupted copy"
        elif "signature" in text or "not an HDF5" in text.lower():
            reason = "it is not an HDF5 file"
        else:
            reason = "it is damaged"
        raise ValueError(f"Could not open {source} as HDF5: {reason} ({text}).") from error


def get_group(parent: Any, path: str) -> Any:
    """A group below `parent`, following hard links only (no soft or external links out of the file)."""
    h5py = import_h5py()
    current = parent
    for part in [p for p in path.split("/") if p]:
        link = current.get(part, getlink=True)
        if link is None:
            raise KeyError(f"missing group {path!r} (in {current.name!r})")
        if not isinstance(link, h5py.HardLink):  # a bad file, not a bad argument: ValueError
            raise ValueError(f"Refusing to follow {path!r}, a {type(link).__name__}: a model "  # noqa: TRY004
                             "file must not link to other files or places.")
        current = current[part]
        if not isinstance(current, h5py.Group):
            raise KeyError(f"{path!r} is a dataset, expected a group")
    return current


def get_dataset(group: Any, name: str) -> Any:
    """A numeric dataset, stored in the file itself (not external, not virtual)."""
    h5py = import_h5py()
    parent_path, _, leaf = name.rpartition("/")
    parent = get_group(group, parent_path) if parent_path else group
    link = parent.get(leaf, getlink=True)
    if link is None:
        raise KeyError(f"missing dataset {name!r} (in {group.name!r})")
    if not isinstance(link, h5py.HardLink):
        raise ValueError(f"Refusing to follow {name!r}, a {type(link).__name__}: a model file must "  # noqa: TRY004
                         "not link to other files or places.")
    dataset = parent[leaf]
    if not isinstance(dataset, h5py.Dataset):
        raise KeyError(f"{name!r} is a group, expected a dataset")
    if dataset.external or dataset.is_virtual:
        raise ValueError(f"Refusing dataset {name!r}: its data lives outside the file.")
    if dataset.dtype.kind not in "fiub":
        raise ValueError(f"Dataset {name!r} holds {dataset.dtype} values, expected numbers.")
    limits.check_dataset_storage(dataset, name)
    return dataset


def read_array(dataset: Any) -> np.ndarray:
    return np.array(dataset[()])


# --- attributes, chunked as Keras does ---------------------------------------------------------------------------
def save_attributes(group: Any, name: str, data: List[bytes]) -> None:
    """Store a list of byte strings; split over `name0`, `name1`... when larger than the HDF5 header limit."""
    too_long = [x for x in data if len(x) > HDF5_OBJECT_HEADER_LIMIT]
    if too_long:
        raise RuntimeError(f"These attributes cannot be saved to HDF5 because they are larger than "
                           f"{HDF5_OBJECT_HEADER_LIMIT} bytes: {too_long}")
    array = np.asarray(data)
    chunks, count = [array], 1
    while any(chunk.nbytes > HDF5_OBJECT_HEADER_LIMIT for chunk in chunks):
        count += 1
        chunks = np.array_split(array, count)
    if count > 1:
        for i, chunk in enumerate(chunks):
            group.attrs[f"{name}{i}"] = chunk
    else:
        group.attrs[name] = data


def load_attributes(group: Any, name: str) -> List[str]:
    """Read what `save_attributes` wrote (either form), as str."""
    if name in group.attrs:
        return [_text(x) for x in group.attrs[name]]
    data: List[str] = []
    chunk = 0
    while f"{name}{chunk}" in group.attrs:
        data.extend(_text(x) for x in group.attrs[f"{name}{chunk}"])
        chunk += 1
    return data


def _text(value: Any) -> str:
    return value.decode("utf8") if isinstance(value, (bytes, np.bytes_)) else str(value)


def json_attribute(group: Any, name: str, source: str) -> Optional[Any]:
    """A JSON attribute (`model_config`, `training_config`), its size checked before it is read."""
    if name not in group.attrs:
        return None
    size = group.attrs.get_id(name).get_storage_size()
    if size > limits.MAX_CONFIG_BYTES:
        raise ValueError(f"Refusing to load {source}: its {name!r} attribute takes {size:,} bytes, over the "
                         f"limit of {limits.MAX_CONFIG_BYTES:,}; a model config is a few MB at most.")
    return limits.parse_json(_text(group.attrs[name]), source, f"{name!r} attribute")


# --- writing -------------------------------------------------------------------------------------------------------
def save_model(model: Any, filepath: str, include_optimizer: bool = True) -> None:
    """Write `model` to `filepath` (the caller makes the write atomic)."""
    from neuronet.version import __version__

    h5py = import_h5py()
    with h5py.File(filepath, "w") as f:
        f.attrs["keras_version"] = __version__
        f.attrs["backend"] = BACKEND
        config = {"class_name": type(model).__name__, "config": model.get_config()}
        f.attrs["model_config"] = _json_bytes(tf_keras_config(config))
        compiled = getattr(model, "compiled", False) and getattr(model, "optimizer", None) is not None
        if include_optimizer and compiled:
            f.attrs["training_config"] = _json_bytes(serialization.training_config(model))
        save_weights_to_group(f.create_group("model_weights"), model)
        if include_optimizer and compiled and model.optimizer.variables:
            save_optimizer_weights(f, model.optimizer)


def save_weights(model: Any, filepath: str) -> None:
    """`model.save_weights("x.h5")`: the `model_weights` layout at the file's root."""
    h5py = import_h5py()
    with h5py.File(filepath, "w") as f:
        save_weights_to_group(f, model)


def tf_keras_config(config: Any) -> Any:
    """InputLayer's `batch_shape` written as `batch_input_shape`, dtypes as names, no unset `input_axes`: the
    spellings tf.keras 2 and Keras 3 both read."""
    if isinstance(config, list):
        return [tf_keras_config(x) for x in config]
    if not isinstance(config, dict):
        return config
    config = {k: tf_keras_config(v) for k, v in config.items()}
    if isinstance(config.get("dtype"), dict):  # tf.keras 2 reads the dtype's name, not Keras 3's DTypePolicy
        config["dtype"] = dtype_name(config["dtype"])
    for key in ("input_axes", "output_axes"):  # Keras 3 initializers' keys, refused by tf.keras 2's
        if key in config and config[key] is None:
            del config[key]
    inner = config.get("config")
    if config.get("class_name") == "InputLayer" and isinstance(inner, dict) and "batch_shape" in inner:
        inner = dict(inner)
        inner["batch_input_shape"] = inner.pop("batch_shape")
        config["config"] = inner
    return config


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, default=serialization.json_default).encode("utf8")


def legacy_weights(layer: Any) -> list:
    return layer.trainable_weights + layer.non_trainable_weights


def save_weights_to_group(group: Any, model: Any) -> None:
    from neuronet.version import __version__

    layers = model.layers
    save_attributes(group, "layer_names", [layer.name.encode("utf8") for layer in layers])
    group.attrs["backend"] = BACKEND.encode("utf8")
    group.attrs["keras_version"] = str(__version__).encode("utf8")
    for layer in sorted(layers, key=lambda x: x.name):  # sorted: no group name is a prefix issue
        _save_subset(group.create_group(layer.name), legacy_weights(layer))
    own = [w for w in getattr(model, "_weights", [])]
    _save_subset(group.create_group("top_level_model_weights"), own)


def weight_names(variables: list) -> List[bytes]:
    """tf.keras 2 names (`dense/kernel:0`), made unique within the group."""
    names: List[bytes] = []
    for variable in variables:
        base = str(getattr(variable, "path", None) or variable.name)
        name, i = f"{base}:0", 1
        while name.encode("utf8") in names:
            name, i = f"{base}_{i}:0", i + 1
        names.append(name.encode("utf8"))
    return names


def _save_subset(group: Any, variables: list) -> None:
    names = weight_names(variables)
    save_attributes(group, "weight_names", names)
    for name, variable in zip(names, variables):
        value = variable.numpy()
        dataset = group.create_dataset(name.decode("utf8"), value.shape, dtype=value.dtype)
        if value.shape:
            dataset[:] = value
        else:
            dataset[()] = value


def save_optimizer_weights(f: Any, optimizer: Any) -> None:
    _save_subset(f.create_group("optimizer_weights"), optimizer.variables)


# --- reading -------------------------------------------------------------------------------------------------------
def load_model(filepath: Any, source: str, custom_objects: Optional[dict] = None, compile: bool = True,
               safe_mode: bool = True, max_bytes: int = limits.MIN_MAX_BYTES) -> Any:
    """Rebuild, fill and (if the file says how) compile the model saved in a legacy .h5 file."""
    with open_h5(filepath, source) as f, reading(source):
        config = json_attribute(f, "model_config", source)
        if config is None:
            raise ValueError(f"No model config found in {source}: it holds weights only (written by "
                             "`save_weights`?). Build the model in code, then call `model.load_weights(path)`.")
        total = limits.scan_weights(f, source, max_bytes)  # every dataset checked before any array exists
        with limits.building_within(total, source):
            model = model_from_config(config, custom_objects, safe_mode, source)
        plan = weights_plan(get_group(f, "model_weights"), model, source)
        training = json_attribute(f, "training_config", source) if compile else None
        optimizer_values = None
        if training is not None and "optimizer_weights" in f:
            group = get_group(f, "optimizer_weights")
            optimizer_values = [read_array(get_dataset(group, n)) for n in load_attributes(group, "weight_names")]
    assign(plan)
    if compile:
        compile_from_config(model, training, custom_objects, source)
        if optimizer_values is not None:
            restore_optimizer(model, optimizer_values, source)
    return model


def model_from_config(config: Any, custom_objects: Optional[dict], safe_mode: bool, source: str) -> Any:
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"The model config in {source} is not a Keras model config (expected a JSON object with "
                         f"'class_name' and 'config'). Received: {str(config)[:200]}")
    serialization.check_safe(config, custom_objects, safe_mode)
    try:
        with serialization.safe_mode_scope(safe_mode):
            return serialization.deserialize_layer(config, custom_objects)
    except (KeyError, IndexError, AttributeError, TypeError, OverflowError, RecursionError) as error:
        raise ValueError(f"Could not rebuild the model from the config in {source}: the config is damaged, "
                         f"incomplete or of an unsupported kind ({type(error).__name__}: {error}).") from error


def compile_from_config(model: Any, config: Optional[dict], custom_objects: Optional[dict], source: str) -> None:
    if config is None:
        warnings.warn(f"No training configuration found in {source}, so the model was *not* compiled. Compile it "
                      "manually.", stacklevel=4)
        return
    outputs = len(model._output_names()) if hasattr(model, "_output_names") else 1
    model.compile(**serialization.compile_arguments(config, outputs, custom_objects))


def load_weights(model: Any, filepath: Any, source: str, skip_mismatch: bool = False, by_name: bool = False,
                 max_bytes: int = limits.MIN_MAX_BYTES) -> None:
    """`model.load_weights("x.h5")` for a weights file or a whole-model .h5 file."""
    with open_h5(filepath, source) as f, reading(source):
        limits.scan_weights(f, source, max_bytes)
        group = f if "layer_names" in f.attrs or "layer_names0" in f.attrs else get_group(f, "model_weights")
        plan = weights_plan(group, model, source, skip_mismatch=skip_mismatch, by_name=by_name)
    assign(plan)


def weights_plan(group: Any, model: Any, source: str, skip_mismatch: bool = False, by_name: bool = False) -> Plan:
    """Read and check every weight the model will receive; assign nothing."""
    saved = [(name, get_group(group, name)) for name in load_attributes(group, "layer_names")]
    plan: Plan = []
    if by_name:
        index = {layer.name: layer for layer in model.layers}
        pairs = [(index[name], name, layer_group) for name, layer_group in saved if name in index]
    else:
        layers = [layer for layer in model.layers if legacy_weights(layer)]
        saved = [(name, g) for name, g in saved if load_attributes(g, "weight_names")]
        if len(layers) != len(saved):
            raise ValueError(f"Layer count mismatch when loading weights from {source}: the model has {len(layers)} "
                             f"layers with weights {[x.name for x in layers]}, the file has {len(saved)} "
                             f"{[name for name, _ in saved]}. The file was saved from another architecture; "
                             "rebuild the same model (or pass by_name=True to match layers by name).")
        pairs = [(layer, name, g) for layer, (name, g) in zip(layers, saved)]
    for k, (layer, name, layer_group) in enumerate(pairs):
        plan += _layer_plan(layer, name, layer_group, f"layer #{k} (named {layer.name!r} in the model, {name!r} in "
                                                      f"{source})", skip_mismatch and by_name, skip_mismatch)
    if "top_level_model_weights" in group:
        own = list(getattr(model, "_weights", []))
        plan += _layer_plan(model, "top_level_model_weights", get_group(group, "top_level_model_weights"),
                            f"the top-level weights of model {model.name!r}", skip_mismatch and by_name,
                            skip_mismatch, variables=own)
    return plan


def _layer_plan(layer: Any, name: str, group: Any, label: str, skip_count: bool, skip_shape: bool,
                variables: Optional[list] = None) -> Plan:
    variables = legacy_weights(layer) if variables is None else variables
    names = load_attributes(group, "weight_names")
    if len(names) != len(variables):
        message = (f"Weight count mismatch for {label}: the layer expects {len(variables)} weight(s), the file has "
                   f"{len(names)} ({names}).")
        if skip_count:
            warnings.warn("Skipping " + message, stacklevel=5)
            return []
        raise ValueError(message)
    plan: Plan = []
    for variable, weight_name in zip(variables, names):
        dataset = get_dataset(group, weight_name)
        if tuple(dataset.shape) != tuple(variable.shape):
            message = (f"Shape mismatch in {label} for weight {variable.path!r}: the weight has shape "
                       f"{tuple(variable.shape)}, the saved value {weight_name!r} has shape {tuple(dataset.shape)}.")
            if skip_shape:
                warnings.warn("Skipping loading " + message, stacklevel=5)
                continue
            raise ValueError(message)
        plan.append((variable, read_array(dataset)))
    return plan


def assign(plan: Plan) -> None:
    for variable, value in plan:
        variable.assign(value)


def restore_optimizer(model: Any, values: List[np.ndarray], source: str) -> bool:
    """Give the compiled model's optimizer the saved state; warn (as Keras does) if it does not fit."""
    optimizer = model.optimizer
    if not optimizer.built and len(values) != len(optimizer.variables):
        optimizer.build(model.trainable_weights)  # create the slots the saved state fills
    targets = optimizer.variables
    if len(values) == len(targets) - 1:  # tf.keras 2 does not save the learning rate as a variable
        targets = [v for v in targets if v.name != "learning_rate"]
    problem = None
    if len(values) != len(targets):
        problem = f"the optimizer has {len(targets)} variables, the file {len(values)}"
    else:
        bad = [(v.path, v.shape, np.shape(x)) for v, x in zip(targets, values) if tuple(v.shape) != np.shape(x)]
        problem = f"shapes differ: {bad[:3]}" if bad else None
    if problem:
        warnings.warn(f"Could not restore the optimizer state saved in {source} ({problem}). The model starts with "
                      "a freshly initialized optimizer.", stacklevel=4)
        return False
    for variable, value in zip(targets, values):
        variable.assign(np.asarray(value).astype(variable.dtype))
    return True
