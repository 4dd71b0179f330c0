"""Packaging promises: metadata, the core dependencies, consistent extras, and how error messages name extras."""
import pathlib
import re
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_metadata_license_and_typing_marker():
    assert PYPROJECT["license"] == {"text": "Apache-2.0"}
    assert "Apache License" in (ROOT / "LICENSE").read_text()
    assert PYPROJECT["authors"] and PYPROJECT["classifiers"] and PYPROJECT["urls"]
    assert (ROOT / "neuronet" / "py.typed").is_file()


def test_threadpoolctl_is_a_core_dependency():
    # Without it, two BLAS threads fight over one free core on a busy machine (20-35x slower training).
    assert any(dep.startswith("threadpoolctl") for dep in PYPROJECT["dependencies"])


def test_every_extra_asks_for_the_same_version_of_a_package():
    bounds = {}
    for extra, requirements in PYPROJECT["optional-dependencies"].items():
        for requirement in requirements:
            name = re.split(r"[<>=\[ ]", requirement, maxsplit=1)[0]
            bounds.setdefault(name, {})[extra] = requirement[len(name):].split("]")[-1]
    inconsistent = {name: found for name, found in bounds.items() if len(set(found.values())) > 1}
    assert not inconsistent, f"extras ask for different versions: {inconsistent}"


def test_error_messages_quote_extras_the_same_way():
    unquoted = []
    for path in (ROOT / "neuronet").rglob("*.py"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"pip install neuronet\[", line):
                unquoted.append(f"{path.relative_to(ROOT)}:{number}")
    assert not unquoted, f'write `pip install "neuronet[extra]"` (quoted, as shells need): {unquoted}'
