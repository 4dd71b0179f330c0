"""Run the examples for real and write their results into the README's table: measured, never typed.

    python tools/example_results.py                     # every example, full runs (about 15 minutes on 2 cores)
    python tools/example_results.py wide_and_deep.py    # only these; the other rows keep their recorded results
    python tools/example_results.py --fast              # NEURONET_FAST=1 runs, to try the tool (README untouched)

Each example ends with one `summary: ...` line (`examples/_common.summary`). This tool runs each one as a user
would (`python examples/<name>.py`, from an empty working directory, outputs in a temporary directory), keeps
that line and the wall time, stores them in `tools/example_results.json`, and rewrites the table between the
`<!-- examples:begin -->` and `<!-- examples:end -->` markers of README.md. Data come from the loaders as usual
(set NEURONET_DATA_DIR for an offline copy).
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import pathlib
import platform
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
RESULTS = ROOT / "tools" / "example_results.json"
README = ROOT / "README.md"
BEGIN, END = "<!-- examples:begin -->", "<!-- examples:end -->"


def example_names():
    return sorted(p.name for p in EXAMPLES.glob("*.py") if not p.name.startswith("_"))


def title(name):
    """The first line of the example's docstring, without its final period."""
    doc = ast.get_docstring(ast.parse((EXAMPLES / name).read_text())) or name
    return doc.splitlines()[0].rstrip(".")


def run(name, fast=False):
    """Runs one example; returns {"summary", "seconds"}; raises with the output's tail when it fails."""
    with tempfile.TemporaryDirectory() as tmp:
        cwd, out = pathlib.Path(tmp, "cwd"), pathlib.Path(tmp, "out")
        cwd.mkdir()
        out.mkdir()
        env = dict(os.environ, NEURONET_OUTPUT_DIR=str(out), MPLBACKEND="Agg", NEURONET_FAST="1" if fast else "0")
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, str(EXAMPLES / name)], cwd=cwd, env=env, capture_output=True,
                              text=True, check=False)
        seconds = time.perf_counter() - start
    lines = [line[len("summary: "):] for line in proc.stdout.splitlines() if line.startswith("summary: ")]
    if proc.returncode != 0 or len(lines) != 1:
        raise RuntimeError(f"{name} exited with {proc.returncode} and {len(lines)} summary lines:\n"
                           f"{(proc.stdout + proc.stderr)[-3000:]}")
    return {"summary": lines[0], "seconds": round(seconds, 1)}


def _duration(seconds):
    return f"{seconds:.1f} s" if seconds < 60 else f"{int(seconds // 60)} min {round(seconds % 60):d} s"


def table(results):
    rows = ["| example | command | what it prints (measured) | time |", "|---|---|---|---|"]
    for name in example_names():
        if name in results:
            result = results[name]
            rows.append(f"| {title(name)} | `python examples/{name}` | {result['summary']} | "
                        f"{_duration(result['seconds'])} |")
    return "\n".join(rows)


def write_readme(results, machine):
    text = README.read_text()
    if BEGIN not in text or END not in text:
        raise SystemExit(f"README.md has no {BEGIN} ... {END} markers to write the table between.")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    note = f"Measured by `python tools/example_results.py` on {machine}.\n\n"
    README.write_text(head + BEGIN + "\n" + note + table(results) + "\n" + END + tail)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="examples to run (default: all)")
    parser.add_argument("--fast", action="store_true", help="fast mode; prints results, writes nothing")
    args = parser.parse_args(argv)
    names = args.names or example_names()
    unknown = sorted(set(names) - set(example_names()))
    if unknown:
        raise SystemExit(f"no such example: {unknown}; examples are {example_names()}")
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() and not args.fast else {}
    for name in names:
        results[name] = run(name, fast=args.fast)
        print(f"{name} ({_duration(results[name]['seconds'])}): {results[name]['summary']}", flush=True)
    if args.fast:
        return
    results = {name: results[name] for name in example_names() if name in results}  # drop removed examples
    RESULTS.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    machine = f"{os.cpu_count()} CPU cores, Python {platform.python_version()}"
    write_readme(results, machine)


if __name__ == "__main__":
    main()
