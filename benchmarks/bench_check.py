"""Prints how long `tt-ws run --all` takes on an unchanged tree with the cache and without it,
`tt-ws check --base main` for a branch that only touches documentation, and what the environment
fingerprint adds to every `tt-ws run`.

The project's real gates compile and simulate kernels (minutes); to time the orchestrator rather
than the compiler, the benchmark builds a scratch repository holding this repository's sources
and a registry of the same shape (every workstream, dependency, owned path and gate name of
`workstreams/`) whose gates are small: tests gates run a 3-test pytest file, build/checks/perf
gates a `python -c` that succeeds, docs gates read a page.

Targets: `tt-ws run --all` on an unchanged tree with the cache < 2 s (a fresh process, end to end);
the fingerprint < 50 ms per `tt-ws run` (timed inside a fresh process, as a run computes it: the
compiler's `--version` remembered from an earlier run). The scratch repository's own tt-ws runs
(`python -m orchestrator` there), i.e. the code of this repository's HEAD.
Run: python benchmarks/bench_check.py [--repeat N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from orchestrator.layout import Layout
from orchestrator.lint import load_checked_registry
from orchestrator.registry import Registry

ROOT = Path(__file__).resolve().parents[1]
TT_WS = [sys.executable, "-m", "orchestrator"]
# Run in the scratch repository: how long `environment()` takes in a fresh process.
FINGERPRINT = """\
import time
from pathlib import Path

from orchestrator.check.inputs import tree_files
from orchestrator.fingerprint import environment
from orchestrator.tree import source_tree

files = tree_files(Path.cwd(), source_tree(Path.cwd()).hash)
start = time.perf_counter()
environment(Path.cwd(), files)
print(time.perf_counter() - start)
"""
SMALL_TESTS = "def test_a():\n    pass\n\n\ndef test_b():\n    pass\n\n\ndef test_c():\n    pass\n"


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def small_gate(ws_id: str, gate: dict, root: Path) -> dict:
    """The gate with the same name and kind where possible, running something tiny."""
    name, kind = gate["name"], gate["kind"]
    if kind == "docs":
        page = f"docs/bench/{ws_id}-{name}.md"
        (root / page).parent.mkdir(parents=True, exist_ok=True)
        (root / page).write_text("# Page\n\n## Kernel\n\nText.\n")
        return {"name": name, "kind": "docs", "page": page, "headings": ["## Kernel"],
                "require": ["missing_headings == 0"]}  # fmt: skip
    if kind == "tests":
        test = f"tests/bench/test_{ws_id.replace('.', '_')}_{name}.py"
        (root / test).parent.mkdir(parents=True, exist_ok=True)
        (root / test).write_text(SMALL_TESTS)
        return {"name": name, "kind": "tests", "run": f"pytest {test}",
                "require": ["failed == 0", "passed >= 3"]}  # fmt: skip
    return {"name": name, "kind": "build", "run": "python -c pass", "require": ["exit_code == 0"]}


def scratch_repository(root: Path, registry: Registry) -> int:
    """This repository's sources with a registry of the same shape and small gates; gate count."""
    root.mkdir()
    archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(root)], input=archive.stdout, check=True)
    shutil.rmtree(root / "status", ignore_errors=True)
    shutil.rmtree(root / "workstreams")
    (root / "workstreams").mkdir()
    gates = 0
    for phase in registry.phases:
        entries = []
        for ws in (w for w in registry.workstreams if w.phase == phase.id):
            spec = ws.spec.model_dump(mode="json", exclude={"gates"})
            spec["gates"] = [small_gate(ws.id, g.model_dump(), root) for g in ws.gates]
            gates += len(ws.gates)
            entries.append(spec)
        document = {"phase": phase.spec.model_dump(), "workstreams": entries}
        (root / "workstreams" / f"phase-{phase.id}.yaml").write_text(yaml.safe_dump(document))
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.name=bench", "-c", "user.email=bench@localhost", "add", "-A")
    git(root, "-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-qm", "x")
    return gates


def timed(root: Path, *args: str, expect: int = 0) -> float:
    start = time.perf_counter()
    done = subprocess.run([*TT_WS, *args], cwd=root, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != expect:
        raise SystemExit(f"tt-ws {' '.join(args)} exited {done.returncode}:\n{done.stdout}")
    return seconds


def fingerprint_seconds(root: Path) -> float:
    done = subprocess.run(
        [sys.executable, "-c", FINGERPRINT], cwd=root, check=True, capture_output=True, text=True
    )
    return float(done.stdout)


def report(label: str, times: list[float], target: float | None = None) -> None:
    best, median = min(times), statistics.median(times)
    verdict = ""
    if target is not None:
        verdict = f" (target < {target:.3f} s: {'met' if median < target else 'MISSED'})"
    print(f"{label:58s} best {best:6.3f} s  median {median:6.3f} s{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    registry = load_checked_registry(Layout(ROOT).registry)
    with tempfile.TemporaryDirectory(prefix="tt-ws-bench-check-") as scratch:
        root = Path(scratch) / "repo"
        gates = scratch_repository(root, registry)
        print(f"scratch repository: {len(registry.workstreams)} workstreams, {gates} gates")
        (root / ".tt-ws" / "compilers.json").unlink(missing_ok=True)
        first_fingerprint = fingerprint_seconds(root)
        print(f"{'fingerprint, first run (asks the C++ compiler)':58s} {first_fingerprint:6.3f} s")
        fingerprints = [fingerprint_seconds(root) for _ in range(max(args.repeat, 5))]
        report("fingerprint per tt-ws run (fresh process)", fingerprints, target=0.050)
        first = timed(root, "run", "--all")
        print(f"{'tt-ws run --all, first run (every gate runs)':58s} {first:6.2f} s")
        cached = [timed(root, "run", "--all") for _ in range(args.repeat)]
        report("tt-ws run --all, unchanged tree, with the cache", cached, target=2.0)
        uncached = [timed(root, "run", "--all", "--no-cache") for _ in range(args.repeat)]
        report("tt-ws run --all, unchanged tree, --no-cache", uncached)
        git(root, "checkout", "-q", "-b", "docs")
        (root / "docs" / "notes.md").write_text("# Notes\n")
        git(root, "add", "docs/notes.md")
        git(root, "-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-qm", "d")
        checks = [timed(root, "check", "--base", "main") for _ in range(args.repeat)]
        report("tt-ws check --base main, docs-only branch (NOT_APPLICABLE)", checks)


if __name__ == "__main__":
    main()
