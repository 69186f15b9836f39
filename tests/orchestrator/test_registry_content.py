"""The project's own registry in workstreams/: sound, and holding the 20 examples of phases 1-6."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from orchestrator.lint import lint
from orchestrator.registry import Registry

WORKSTREAMS = Path(__file__).resolve().parents[2] / "workstreams"

EXAMPLES = {
    "1.1": "Elementwise add",
    "1.2": "Multi-operand elementwise",
    "1.3": "Simple GEMM",
    "2.1": "GEMM with CB double-buffering",
    "2.2": "Cast / type conversion",
    "2.3": "Reduction",
    "3.1": "GEMV",
    "3.2": "Convolution",
    "3.3": "Split-K GEMM",
    "4.1": "FlashAttention forward",
    "4.2": "FlashAttention backward",
    "4.3": "Grouped-query attention",
    "4.4": "Linear attention",
    "4.5": "Block-sparse attention",
    "5.1": "FP8 GEMM",
    "5.2": "Fused MoE",
    "5.3": "TopK / sampling",
    "6.1": "DeepSeek NSA",
    "6.2": "DeepSeek MLA",
    "6.3": "Warp specialization",
}
INFRA = {
    "infra.registry",
    "infra.orchestrator",
    "infra.claims",
    "infra.checks",
    "infra.dispatch",
    "infra.simulator",
    "infra.compiler",
}


def checks_required(require) -> int:
    (bound,) = (int(str(r).split(">=")[1]) for r in require if str(r).startswith("passed >="))
    return bound


def harness_checks(example: str) -> int:
    """The harness's own checks over every shape of a written example (its extra checks come on
    top); 10 for an example not written yet."""
    from compiler.examples import MODULES, get_example
    from compiler.examples.harness import CHECK_NAMES

    return len(get_example(example).shapes) * len(CHECK_NAMES) if example in MODULES else 10


@pytest.fixture(scope="module")
def registry() -> Registry:
    registry, problems = lint(WORKSTREAMS)
    assert [str(p) for p in problems] == []
    return registry


def test_examples_have_the_agreed_ids_titles_and_phases(registry: Registry) -> None:
    examples = {ws.id: ws for ws in registry.workstreams if ws.spec.kind == "example"}
    assert {i: ws.title for i, ws in examples.items()} == EXAMPLES
    assert all(ws.phase == int(ws.id.split(".")[0]) for ws in examples.values())
    assert sorted(p.id for p in registry.phases) == [0, 1, 2, 3, 4, 5, 6]


def test_infrastructure_is_tracked_too(registry: Registry) -> None:
    infra = {ws.id for ws in registry.workstreams if ws.spec.kind == "infra"}
    assert infra == INFRA


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_every_example_follows_the_harness_contract(registry: Registry, example: str) -> None:
    ws = registry.get(example)
    assert [(g.name, g.kind) for g in ws.gates][:4] == [
        ("build", "build"), ("tests", "tests"), ("checks", "checks"), ("docs", "docs")
    ]  # fmt: skip
    # beyond the contract, only a perf gate fed by `tt-ws bench` (docs/performance.md)
    extra = ws.gates[4:]
    assert all((g.name, g.kind) == ("perf", "perf") for g in extra)
    assert all(g.run == f"tt-ws bench {example} --report {{report}}" for g in extra)
    assert ws.gate("build").run == f"python -m compiler.examples build {example}"
    assert (
        ws.gate("checks").run == f"python -m compiler.examples check {example} --report {{report}}"
    )
    assert "failed == 0" in map(str, ws.gate("checks").require)
    assert checks_required(ws.gate("checks").require) >= harness_checks(example)
    test_file = (ws.gate("tests").run or "").split()[1]
    assert test_file.startswith(f"tests/examples/test_{example.replace('.', '_')}_")
    assert ws.gate("docs").headings == (
        "## Kernel", "## Mapping to Tensix", "## Verification", "## Limitations"
    )  # fmt: skip


def test_every_example_rests_on_the_compiler_and_simulator(registry: Registry) -> None:
    def ancestors(ws_id: str) -> set[str]:
        deps = set(registry.get(ws_id).depends_on)
        return deps.union(*(ancestors(d) for d in deps)) if deps else set()

    for example in EXAMPLES:
        assert {"infra.compiler", "infra.simulator"} <= ancestors(example), example


def test_the_evidence_of_every_gate_can_be_committed(registry: Registry) -> None:
    paths = [
        f"status/evidence/{ws.id}/{gate.name}/20260101T000000.000000Z-host-1.json"
        for ws in registry.workstreams
        for gate in ws.gates
    ]
    ignored = subprocess.run(
        ["git", "check-ignore", "--stdin"],
        cwd=WORKSTREAMS.parent,
        input="\n".join(paths),
        capture_output=True,
        text=True,
    )
    assert ignored.stdout == ""
