"""Fault injection: a broken environment, a broken file nobody declared, a broken tool in the tree
under test, misdated records. Each case is a real command sequence on a scratch repository, and
in none of them does a gate come out PASS where its real run fails (false PASS count: 0).

Gates are small stand-ins where the real one would take minutes (a C++ compile of one file
for the emulator build, `import torch` for the build and perf gates of an example); the perf
gate on a broken tree runs the real `tt-ws bench` of a scratch copy of this repository.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from check_helpers import change, tt_ws
from repo_helpers import commit_all, git, write

import orchestrator
from orchestrator.evidence import EvidenceStore
from orchestrator.layout import Layout
from orchestrator.lint import load_checked_registry
from orchestrator.status import GateState, WorkstreamState, current_status, render_pages

REGISTRY = """\
phase: {id: 1, title: Faults}
workstreams:
  - id: emu
    title: Emulator build
    kind: infra
    owns: [tools/build.py, tools/hello.cpp]
    gates:
      - {name: build, kind: build, run: python tools/build.py, require: [exit_code == 0]}
  - id: gemm
    title: An example on torch
    kind: example
    depends_on: [emu]
    owns: [tools/torch_perf.py]
    gates:
      - name: build
        kind: build
        run: 'python -c "import torch; assert torch.ones(2).sum() == 2"'
        require: [exit_code == 0]
      - name: perf
        kind: perf
        run: python tools/torch_perf.py {report}
        require: [speed >= 3]
  - id: registry
    title: Registry
    kind: infra
    owns: [unit/registry.py, tests/unit/test_registry.py]
    gates:
      - {name: tests, kind: tests, run: pytest tests/unit/test_registry.py, require: [failed == 0, passed >= 1]}
  - id: orchestrator
    title: Orchestrator
    kind: infra
    owns: [tests/unit/conftest.py, tests/unit/test_orchestrator.py]
    gates:
      - {name: tests, kind: tests, run: pytest tests/unit/test_orchestrator.py, require: [failed == 0]}
"""

FILES = {
    "workstreams/phase-1.yaml": REGISTRY,
    "tools/hello.cpp": "int answer() { return 42; }\n",
    "tools/build.py": (
        '"""Compile the emulator stand-in with $CXX, as compiler/sim/build.py does."""\n'
        "import os, subprocess, sys, tempfile\n\n"
        "with tempfile.TemporaryDirectory() as out:\n"
        "    cxx = os.environ.get('CXX', 'g++')\n"
        "    cmd = [cxx, '-c', 'tools/hello.cpp', '-o', os.path.join(out, 'hello.o')]\n"
        "    sys.exit(subprocess.run(cmd).returncode)\n"
    ),
    "tools/torch_perf.py": (
        "import json, sys\n\nimport torch\n\n"
        "report = {'schema': 'tt-ws.perf/1', 'subject': 'gemm',\n"
        "          'metrics': {'speed': float(torch.ones(3).sum())}}\n"
        "with open(sys.argv[1], 'w') as out:\n    json.dump(report, out)\n"
    ),
    "unit/__init__.py": "",
    "unit/registry.py": "def load():\n    return {'1.1': 'Add'}\n",
    "tests/unit/conftest.py": "import pytest\n\n\n@pytest.fixture\ndef answer():\n    return 42\n",
    "tests/unit/test_registry.py": (
        "from unit.registry import load\n\n\ndef test_load():\n    assert load() == {'1.1': 'Add'}\n"
    ),
    "tests/unit/test_orchestrator.py": "def test_answer(answer):\n    assert answer == 42\n",
}


@pytest.fixture
def faults(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The check project with the registry above, one simulator cache and no CXX set."""
    change(project, dict(FILES), "fault-injection registry")
    monkeypatch.delenv("CXX", raising=False)
    monkeypatch.delenv("PYTHONPATH", raising=False)
    monkeypatch.setenv("TT_WS_SIM_CACHE", str(tmp_path / "sim-cache"))
    return project


def states(root: Path) -> dict[tuple[str, str], GateState]:
    layout = Layout(root)
    report = current_status(layout, load_checked_registry(layout.registry))
    return {(w, g.gate.name): g.state for w, s in report.workstreams.items() for g in s.gates}


def run(*args: str) -> tuple[int, str]:
    """`tt-ws run ARGS`: exit code and output with line wrapping undone (paths are long)."""
    code, output = tt_ws("run", *args)
    return code, " ".join(output.split())


def test_a_new_environment_reruns_and_says_why_the_same_one_is_cached(
    faults: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("emu")[0] == 0
    code, output = run("emu")
    assert code == 0 and "cached: inputs unchanged" in output
    monkeypatch.setenv("TT_WS_SIM_CACHE", str(tmp_path / "another-cache"))
    code, output = run("emu")
    assert code == 0 and "cached: inputs unchanged" not in output
    assert "ran: the records on these inputs come from environment" in output
    assert f"TT_WS_SIM_CACHE: {tmp_path / 'sim-cache'} -> {tmp_path / 'another-cache'}" in output
    assert "cached: inputs unchanged" in run("emu")[1]  # the same environment again


def test_cxx_false_with_an_empty_simulator_cache_does_not_pass_from_cache(
    faults: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("emu")[0] == 0
    monkeypatch.setenv("CXX", "/bin/false")
    monkeypatch.setenv("TT_WS_SIM_CACHE", str(tmp_path / "empty-cache"))
    code, output = run("emu")
    assert code == 1 and "FAIL emu build" in output and "cached: inputs unchanged" not in output
    assert "compiler:" in output  # why it ran: the compiler changed
    newest = next(EvidenceStore(Layout(faults).evidence).history("emu", "build"))
    assert newest.environment is not None and newest.environment.compiler.command == "/bin/false"
    assert newest.environment.compiler.version.startswith("unusable")


def test_a_shadowed_broken_torch_does_not_pass_build_or_perf_from_cache(
    faults: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("gemm")[0] == 0
    shadow = write(tmp_path / "shadow", "torch/__init__.py", "raise ImportError('broken torch')\n")
    monkeypatch.setenv("PYTHONPATH", str(shadow.parent.parent))
    code, output = run("gemm")
    assert code == 1 and "cached: inputs unchanged" not in output
    assert "FAIL gemm build" in output and "FAIL gemm perf" in output
    store = EvidenceStore(Layout(faults).evidence)
    for gate in load_checked_registry(Layout(faults).registry).get("gemm").gates:
        assert next(store.history("gemm", gate.name)).failures(gate)  # the shadow's run counts
        assert states(faults)[("gemm", gate.name)] is GateState.ENV_DEPENDENT


def test_a_broken_conftest_outside_the_owned_paths_is_not_cached_as_pass(faults: Path) -> None:
    assert run("registry")[0] == 0
    change(faults, {"tests/unit/conftest.py": "raise RuntimeError('broken conftest')\n"})
    code, output = run("registry")
    assert code == 1 and "cached" not in output
    assert states(faults)[("registry", "tests")] is GateState.FAIL


def test_a_future_dated_or_later_dated_pass_never_beats_a_real_failure(faults: Path) -> None:
    assert run("registry")[0] == 0
    change(faults, {"unit/registry.py": "def load():\n    return {}\n"})
    assert run("registry", "--no-cache")[0] == 1
    store = EvidenceStore(Layout(faults).evidence)
    failed = next(store.history("registry", "tests"))

    def plant(when: datetime) -> None:
        store.append(
            failed.model_copy(
                update={
                    "metrics": {**failed.metrics, "failed": 0.0, "passed": 1.0},
                    "cases": {case: "passed" for case in failed.cases},
                    "exit_code": 0,
                    "started_at": when,
                    "finished_at": when,
                    "pid": failed.pid + 1,
                }
            )
        )

    plant(datetime(2099, 1, 1, tzinfo=timezone.utc))
    assert states(faults)[("registry", "tests")] is GateState.FAIL
    code, output = tt_ws("history", "registry")
    assert code == 0 and "dated in the future" in output
    plant(datetime.now(timezone.utc) + timedelta(minutes=1))  # newer than the run, in the skew
    assert states(faults)[("registry", "tests")] is GateState.FLAKY
    code, output = run("registry")
    assert code == 1 and "cached: inputs unchanged" not in output


def test_one_failing_environment_is_environment_dependent_and_blocks_nothing(
    faults: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CXX", "/bin/false")
    assert run("emu")[0] == 1
    assert states(faults)[("emu", "build")] is GateState.FAIL
    monkeypatch.delenv("CXX")
    code, output = run("emu")
    assert code == 0 and "ran: the records on these inputs come from environment" in output
    layout = Layout(faults)
    report = current_status(layout, load_checked_registry(layout.registry))
    emu = report.workstreams["emu"]
    assert emu.gates[0].state is GateState.ENV_DEPENDENT
    assert emu.state is WorkstreamState.DONE
    assert report.workstreams["gemm"].blocked_by == ()
    dashboard = render_pages(report)["DASHBOARD.md"]
    failing_env = emu.gates[0].environments
    assert [e.passed for e in failing_env].count(False) == 1
    bad = next(e.environment for e in failing_env if not e.passed)
    assert f"| emu | build | `{emu.gates[0].record.environment_id}` | `{bad}` |" in dashboard
    code, shown = tt_ws("show", "emu")
    assert code == 0 and "ENV-DEPENDENT" in shown and f"fails in environment {bad}" in shown
    assert f"in environment {emu.gates[0].record.environment_id}:" in " ".join(shown.split())


def test_rendered_status_is_the_same_across_identical_environments(faults: Path) -> None:
    assert run("emu")[0] == 0
    assert tt_ws("status")[0] == 0
    first = {p.name: p.read_text() for p in (faults / "status").glob("*.md")}
    code, output = tt_ws("status", "--check")
    assert code == 0, output
    record = next(EvidenceStore(Layout(faults).evidence).history("emu", "build"))
    assert f"`{record.environment_id}`" in first["PHASES.md"]


@pytest.fixture
def clone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch copy of this repository's code (as it is on disk) with the real perf gate of
    1.3 and the real build of its example (under another id: a perf report names its subject)."""
    source = Path(orchestrator.__file__).resolve().parents[1]
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "--", "orchestrator", "compiler"],
        cwd=source,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    root = tmp_path / "clone"
    for relative in [*listed, "pyproject.toml", ".gitignore"]:
        if (source / relative).is_file():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / relative, root / relative)
    write(
        root,
        "workstreams/phase-1.yaml",
        """\
        phase: {id: 1, title: Perf}
        workstreams:
          - id: "1.3"
            title: Simple GEMM
            kind: example
            gates:
              - name: perf
                kind: perf
                run: tt-ws bench 1.3 --report {report}
                require: [gemm_1024_ratio <= 1.10]
          - id: emulator
            title: The build of 1.3 on the emulator
            kind: example
            gates:
              - name: build
                kind: build
                run: python -m compiler.examples build 1.3
                require: [exit_code == 0]
        """,
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "test@example.com")
    git(root, "config", "user.name", "test")
    commit_all(root, "clone")
    monkeypatch.chdir(root)
    return root


def test_the_perf_gate_measures_the_tree_under_test_not_the_installed_copy(clone: Path) -> None:
    bench = clone / "compiler" / "perf" / "bench.py"
    future = "from __future__ import annotations\n"
    broken = f"{future}\nraise RuntimeError('this tree has a broken benchmark')\n"
    bench.write_text(bench.read_text().replace(future, broken, 1))
    commit_all(clone, "break the benchmark")
    code, output = run("1.3")
    assert code == 1 and "FAIL 1.3 perf" in output
    record = next(EvidenceStore(Layout(clone).evidence).history("1.3", "perf"))
    assert record.error is not None and "did not write" in record.error
    log = next((clone / ".tt-ws" / "runs" / "1.3" / "perf").glob("*/output.log"))
    assert "this tree has a broken benchmark" in log.read_text()
    assert json.loads(record.model_dump_json())["environment"]["runtime"] != "none"


@pytest.mark.slow
def test_the_real_build_with_cxx_false_and_an_empty_simulator_cache_fails(
    clone: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CXX", raising=False)
    assert run("emulator")[0] == 0  # the user's simulator cache, the usual compiler
    monkeypatch.setenv("CXX", "/bin/false")
    monkeypatch.setenv("TT_WS_SIM_CACHE", str(tmp_path / "empty-sim-cache"))
    code, output = run("emulator")
    assert code == 1 and "FAIL emulator build" in output
    assert "cached: inputs unchanged" not in output
    logs = sorted((clone / ".tt-ws" / "runs" / "emulator" / "build").glob("*/output.log"))
    assert "the emulator runtime failed to compile" in logs[-1].read_text()
