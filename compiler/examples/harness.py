"""The example harness behind `python -m compiler.examples build|check <id>`: `build` emits the
artifacts of every shape and compiles their C++ against the emulator headers; `check` runs every
shape in the emulator and writes a `tt-ws.checks/1` report in which every check can fail."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

import compiler
from compiler.api import ARTIFACTS_INDEX, Artifact, ArtifactIndex
from compiler.examples import get_example
from compiler.examples.spec import PCC_MIN, Example, Shape, as_outputs
from compiler.plan import Plan

CHECKS_SCHEMA = "tt-ws.checks/1"
BUILD_ROOT = Path("build") / "examples"
CHECK_NAMES = (
    "run completed",
    f"PCC >= {PCC_MIN}",
    "allclose",
    "CB traffic balanced",
    "every core ran its kernels",
    "outputs fully written",
)


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str


def pcc(a: torch.Tensor, b: torch.Tensor) -> float:
    x, y = a.double().flatten(), b.double().flatten()
    x, y = x - x.mean(), y - y.mean()
    denom = x.norm() * y.norm()
    if denom == 0:
        return 1.0 if torch.equal(a, b) else 0.0
    return float((x @ y) / denom)


def compile_shape(example: Example, shape: Shape, target: str | None = None) -> list[Artifact]:
    """One artifact per program of the shape (an example may be several kernels in sequence)."""
    built = example.kernel(**shape.params)
    funcs = built if isinstance(built, tuple | list) else (built,)
    name = f"{example.id}-{shape.name}"
    names = [name] if len(funcs) == 1 else [f"{name}-{i}" for i in range(len(funcs))]
    return [
        compiler.compile(f, target=target, name=n, coarsen=shape.coarsen)
        for f, n in zip(funcs, names, strict=True)
    ]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("s" if n != 1 else "")


def schedule(plans: list[Plan]) -> str:
    """What the compiled plans run, e.g. "90 blocks on 64 cores, 1-2 per core"."""

    def one(plan: Plan) -> str:
        per_core = [w.num_blocks for w in plan.cores if w.num_blocks > 0]
        lo, hi = min(per_core), max(per_core)
        spread = f"{lo}" if lo == hi else f"{lo}-{hi}"
        return f"{_count(plan.num_blocks, 'block')} on {_count(len(per_core), 'core')}, {spread} per core"

    return " then ".join(one(p) for p in plans)


@dataclass(frozen=True)
class ShapeRun:
    """The programs of one shape run in order; tensors pass between them by parameter name."""

    plans: list[Plan]
    runs: list  # one per program: compiler.backends.sim.SimRun, or ttnn.TtnnRun on hardware

    @property
    def outputs(self) -> list[torch.Tensor]:
        return self.runs[-1].outputs


def _tensors(plan: Plan, pool: dict[str, torch.Tensor]) -> list[torch.Tensor]:
    """Every tensor of the program: inputs from `pool`; outputs the kernels only write filled
    with NaN, so that elements no kernel wrote stay NaN (a zero-filled output would pass for a
    correct zero)."""
    from compiler.backends.sim import TORCH_DTYPES

    return [
        torch.full(tuple(b.host_shape), float("nan"), dtype=TORCH_DTYPES[b.dtype])
        if b.access == "write"
        else pool[b.name]
        if b.name in pool
        else torch.zeros(tuple(b.host_shape), dtype=TORCH_DTYPES[b.dtype])
        for b in plan.buffers
    ]


def run_artifacts(
    artifacts: list[Artifact], inputs: list[torch.Tensor], backend: str = "sim"
) -> ShapeRun:
    """`inputs` are the first program's inputs; each later program takes its inputs by name from
    everything given or produced so far. `backend` is one of `compiler.api.BACKENDS`."""
    import importlib

    from compiler.api import BACKENDS

    execute = importlib.import_module(BACKENDS[backend]).execute
    pool = dict(zip((b.name for b in artifacts[0].plan.inputs()), inputs, strict=True))
    runs = []
    for artifact in artifacts:
        run = execute(artifact, _tensors(artifact.plan, pool))
        pool |= dict(zip((b.name for b in artifact.plan.outputs()), run.outputs, strict=True))
        runs.append(run)
    return ShapeRun([a.plan for a in artifacts], runs)


def build_cpp(plan: Plan, directory: Path) -> None:
    """Compile the artifact's kernels against the emulator headers (raises KernelCompileError)."""
    from compiler.sim import Buffer, Program, tensor_accessor_args
    from compiler.sim.build import compile_kernels

    program = Program()
    cores = [w.core for w in plan.cores]
    accessor_args = {
        b.name: tensor_accessor_args(Buffer(0, b.num_pages * b.page_size, b.page_size))
        for b in plan.buffers
    }
    for kp in plan.kernels:
        program.add_kernel(
            directory / kp.source,
            cores,
            role=kp.role,
            compile_args=kp.compile_time_arg_values(accessor_args),
            fp32_dest_acc_en=kp.fp32_dest_acc_en,
            math_fidelity=kp.math_fidelity,
        )
    compile_kernels(program.kernels)


def emit(example_id: str, out_root: Path = BUILD_ROOT) -> list[Path]:
    """Write the artifacts of every shape: `<root>/<id>/<shape>[/stage<i>]`."""
    example = get_example(example_id)
    written = []
    for shape in example.shapes:
        artifacts = compile_shape(example, shape)
        where = out_root / example.id / shape.name
        for i, artifact in enumerate(artifacts):
            written.append(artifact.write(where / f"stage{i}" if len(artifacts) > 1 else where))
    return written


def emit_all(out_root: Path = BUILD_ROOT) -> list[Path]:
    """`emit` every example, then `<root>/index.json` listing the artifact directories: written
    last, so a root without it is an interrupted run, not a complete set."""
    from compiler.examples import MODULES

    written = [d for example_id in sorted(MODULES) for d in emit(example_id, out_root)]
    index = ArtifactIndex(artifacts=[str(d.relative_to(out_root)) for d in written])
    (out_root / ARTIFACTS_INDEX).write_text(index.to_json())
    return written


def build(example_id: str, out_root: Path = BUILD_ROOT) -> list[Path]:
    """`emit`, then compile each artifact's C++ against the emulator headers."""
    written = emit(example_id, out_root)
    for directory in written:
        build_cpp(Plan.model_validate_json((directory / "tt.plan.json").read_text()), directory)
    return written


def cb_balance(reports: list) -> Check:
    unbalanced = {
        f"program {i} core {core} CB {cb}": (s.pages_pushed, s.pages_popped)
        for i, report in enumerate(reports)
        for (core, cb), s in report.cb_stats.items()
        if s.pages_pushed != s.pages_popped
    }
    cbs = sum(len(r.cb_stats) for r in reports)
    detail = f"pushed/popped {unbalanced}" if unbalanced else f"pushed == popped on all {cbs} CBs"
    return Check("CB traffic balanced", not unbalanced, detail)


def cores_ran(plans: list[Plan], reports: list) -> Check:
    """The emulator ran every planned kernel on every planned core, every core given blocks wrote
    to DRAM and every idle core wrote nothing."""
    faults = []
    for i, (plan, report) in enumerate(zip(plans, reports, strict=True)):
        planned = {(tuple(w.core), kp.role) for w in plan.cores for kp in plan.kernels}
        ran = {(tuple(core), role) for core, role in report.kernel_stats}
        if planned - ran:
            faults.append(f"program {i}: kernels missing {sorted(planned - ran)}")
        if ran - planned:
            faults.append(f"program {i}: kernels not in the plan {sorted(ran - planned)}")
        writes = {tuple(w.core): 0 for w in plan.cores}
        for (core, _), stat in report.kernel_stats.items():
            writes[tuple(core)] = writes.get(tuple(core), 0) + stat.noc_writes
        for w in plan.cores:
            if (w.num_blocks > 0) != (writes[tuple(w.core)] > 0):
                faults.append(
                    f"program {i}: core {tuple(w.core)} has {w.num_blocks} blocks and made "
                    f"{writes[tuple(w.core)]} NOC writes"
                )
    kernels = sum(len(r.kernel_stats) for r in reports)
    detail = "; ".join(faults) or f"{kernels} kernels ran; cores with blocks wrote, idle ones not"
    return Check("every core ran its kernels", not faults, detail)


def outputs_written(run: ShapeRun) -> Check:
    """No output element is still the NaN it was filled with before the run (no reference here
    yields NaN, so any NaN left is an element no kernel wrote)."""
    left = {
        f"program {i} {b.name}": int(torch.isnan(out.float()).sum())
        for i, (plan, program_run) in enumerate(zip(run.plans, run.runs, strict=True))
        for b, out in zip(plan.outputs(), program_run.outputs, strict=True)
    }
    unwritten = {name: n for name, n in left.items() if n}
    total = sum(o.numel() for r in run.runs for o in r.outputs)
    detail = f"NaN left in {unwritten}" if unwritten else f"all {total} output elements written"
    return Check("outputs fully written", not unwritten, detail)


def check_shape(example: Example, shape: Shape, seed: int = 0) -> list[Check]:
    from compiler.sim import SimError

    artifacts = compile_shape(example, shape)
    prefix = f"{shape.name} ({shape.why}; {schedule([a.plan for a in artifacts])})"
    inputs = example.make_inputs(shape.params, torch.Generator().manual_seed(seed))
    expected = example.expected(shape.params, inputs)
    try:
        run = run_artifacts(artifacts, inputs)
    except SimError as err:
        # nothing can be verified of a run that did not finish: the first check names the fault
        fault = f"{type(err).__name__}: {str(err).splitlines()[0]}"
        return [Check(f"{prefix}: run completed", False, fault)] + [
            Check(f"{prefix}: {name}", False, "not evaluated: the run did not complete")
            for name in CHECK_NAMES[1:]
        ]
    pairs = list(zip(run.outputs, as_outputs(expected), strict=True))
    value = min(pcc(out, want) for out, want in pairs)
    diff = max((out.float() - want.float()).abs().max().item() for out, want in pairs)
    rtol, atol = example.tolerances(shape.params)
    close = all(
        torch.allclose(out.float(), want.float(), rtol=rtol, atol=atol) for out, want in pairs
    )
    reports = [r.report for r in run.runs]
    programs = f"{len(reports)} programs" if len(reports) > 1 else "1 program"
    extra = [
        Check(name, ok, detail)
        for name, ok, detail in (
            example.extra_checks(shape, run.plans, reports) if example.extra_checks else []
        )
    ]
    checks = [
        Check("run completed", True, f"{programs} finished without an emulator fault"),
        Check(CHECK_NAMES[1], value >= PCC_MIN, f"PCC {value:.6f}"),
        Check("allclose", close, f"max |diff| {diff:.4g} (rtol {rtol:.4g}, atol {atol:.4g})"),
        cb_balance(reports),
        cores_ran(run.plans, reports),
        outputs_written(run),
        *extra,
    ]
    return [Check(f"{prefix}: {c.name}", c.passed, c.detail) for c in checks]


def check(example_id: str, report: Path | None = None) -> list[Check]:
    example = get_example(example_id)
    checks = [c for shape in example.shapes for c in check_shape(example, shape)]
    if report is not None:
        report.parent.mkdir(parents=True, exist_ok=True)
        body = {
            "schema": CHECKS_SCHEMA,
            "subject": example.id,
            "checks": [asdict(c) for c in checks],
        }
        report.write_text(json.dumps(body, indent=2) + "\n")
    return checks
