"""The README's results table is what tools/example_results.py wrote from measured runs, never typed by hand."""
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import example_results  # noqa: E402


def test_readme_table_is_the_recorded_results():
    results = json.loads(example_results.RESULTS.read_text())
    readme = example_results.README.read_text()
    assert example_results.table(results) in readme, "run `python tools/example_results.py` to rebuild the table"


def test_every_example_has_a_recorded_result():
    results = json.loads(example_results.RESULTS.read_text())
    missing = sorted(set(example_results.example_names()) - set(results))
    assert not missing, f"examples without a measured row in the README: {missing} (run tools/example_results.py)"


def test_write_readme_replaces_only_the_marked_table(tmp_path, monkeypatch):
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{example_results.BEGIN}\nold table\n{example_results.END}\noutro\n")
    monkeypatch.setattr(example_results, "README", readme)
    results = {"wide_and_deep.py": {"summary": "`test MSE: 0.4119`", "seconds": 4.1}}
    example_results.write_readme(results, "a test machine")
    text = readme.read_text()
    assert text.startswith("intro\n") and text.endswith("\noutro\n") and "old table" not in text
    assert "| `python examples/wide_and_deep.py` | `test MSE: 0.4119` | 4.1 s |" in text
