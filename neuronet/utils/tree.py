"""Nested structures (lists, tuples, dicts of leaves): flatten them, rebuild them, map over them.

The ground floor: layers, models and the trainer's data path all walk nested inputs and outputs with these.
"""
from __future__ import annotations

from typing import Any, Callable, List, Optional


def flatten(structure: Any) -> List[Any]:
    """The leaves of a nested list/tuple/dict, in order (dicts by insertion order); None has no leaves.

    Example:
    >>> flatten({"a": [1, 2], "b": (3,)})
    [1, 2, 3]
    """
    if structure is None:
        return []
    if isinstance(structure, dict):
        return [a for v in structure.values() for a in flatten(v)]
    if isinstance(structure, (list, tuple)):
        return [a for v in structure for a in flatten(v)]
    return [structure]


def pack_like(structure: Any, flat: List[Any]) -> Any:
    """Inverse of `flatten`: rebuild `structure`'s nesting from `flat`.

    Example:
    >>> pack_like({"a": [0, 0], "b": (0,)}, [1, 2, 3])
    {'a': [1, 2], 'b': (3,)}
    """
    items = iter(flat)

    def build(s: Any) -> Any:
        if isinstance(s, dict):
            return {k: build(v) for k, v in s.items()}
        if isinstance(s, (list, tuple)):
            return type(s)(build(v) for v in s)
        return next(items)

    return None if structure is None else build(structure)


def map_structure(fn: Callable[[Any], Any], structure: Any, leaf: Optional[Callable[[Any], bool]] = None) -> Any:
    """Apply `fn` to each leaf of a nested list/tuple/dict; `leaf(value)` may stop the descent early.

    Example:
    >>> map_structure(lambda v: v * 2, [1, {"a": 2}])
    [2, {'a': 4}]
    """
    if leaf is not None and leaf(structure):
        return fn(structure)
    if isinstance(structure, dict):
        return {k: map_structure(fn, v, leaf) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return type(structure)(map_structure(fn, v, leaf) for v in structure)
    return fn(structure)
