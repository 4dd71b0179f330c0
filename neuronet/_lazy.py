"""Lazy public names: a package lists them in `__all__` and imports the module behind one on first use.

This keeps `import neuronet` fast (issue 15) while `dir()`, tab completion and `from ... import *` see every name.
"""
import importlib
import sys


def lazy_names(package, table, names, prefix, submodules=()):
    """Returns `(__getattr__, __dir__)` for the package module named `package`.

    `table[name]` is the module, after `prefix`, that defines `name`; a name is imported once and then cached in
    the package's namespace. `names` is the package's `__all__`, which `__dir__` lists. A name in `submodules`
    is the module `table[name]` itself (`keras.optimizers.schedules`).
    """
    namespace = sys.modules[package].__dict__

    def __getattr__(name):  # noqa: N807 (module-level __getattr__, PEP 562)
        if name in table:
            module = importlib.import_module(prefix + table[name])
            value = module if name in submodules else getattr(module, name)
            namespace[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__():  # noqa: N807
        return list(names)

    return __getattr__, __dir__
