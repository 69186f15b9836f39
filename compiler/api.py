"""Public API: `compile(prim_func, target=...) -> Artifact` (kernel sources + `tt.plan.json`,
writable to a directory; `Launches` of several for a PrimFunc of several `T.Kernel` scopes) and
`run(artifact, *tensors, backend="sim") -> outputs`."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from compiler.codegen import render_kernel
from compiler.ir import Copy, Eltwise, Gather, Program, walk
from compiler.kernel_ir import ops as k
from compiler.pipeline import run_pipeline
from compiler.plan import (
    DATA_FORMATS,
    PAGE_BYTES,
    BufferPlan,
    CBPlan,
    CoreWorkPlan,
    KernelPlan,
    Plan,
)
from compiler.targets import Target, get_target

PLAN_FILE = "tt.plan.json"
ARTIFACTS_INDEX = "index.json"
ARTIFACTS_INDEX_SCHEMA = "tt-ws.artifacts/1"
# backend name -> module whose `execute(artifact, tensors)` returns a run with `.outputs`
BACKENDS = {"sim": "compiler.backends.sim", "ttnn": "compiler.backends.ttnn"}
PROCESSORS = {"reader": ("RISCV_0", 0), "compute": ("COMPUTE", None), "writer": ("RISCV_1", 1)}


@dataclass(frozen=True)
class Artifact:
    plan: Plan
    sources: dict[str, str]  # file name -> C++ text

    def write(self, out_dir: str | Path) -> Path:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        for name, text in self.sources.items():
            (out / name).write_text(text)
        (out / PLAN_FILE).write_text(self.plan.to_json())
        return out

    @staticmethod
    def load(directory: str | Path) -> Artifact:
        d = Path(directory)
        plan = Plan.model_validate_json((d / PLAN_FILE).read_text())
        return Artifact(plan, {kp.source: (d / kp.source).read_text() for kp in plan.kernels})


@dataclass(frozen=True)
class Launches:
    """A PrimFunc of several `T.Kernel` scopes: one artifact per launch, run in order on the same
    tensors (each takes every parameter), as a GPU runs the kernels of one stream."""

    artifacts: tuple[Artifact, ...]

    def write(self, out_dir: str | Path) -> Path:
        out = Path(out_dir)
        for i, artifact in enumerate(self.artifacts):
            artifact.write(out / f"launch{i}")
        return out

    def written(self) -> list[str]:
        """Parameters some launch writes, in parameter order."""
        names = {b.name for a in self.artifacts for b in a.plan.outputs()}
        return [b.name for b in self.artifacts[0].plan.buffers if b.name in names]


class ArtifactIndex(BaseModel):
    """`index.json` of an artifact root (`python -m compiler.examples emit all`): the artifact
    directories, relative to the root, written after all of them."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    schema_: Literal["tt-ws.artifacts/1"] = Field(default=ARTIFACTS_INDEX_SCHEMA, alias="schema")
    artifacts: list[str]

    @staticmethod
    def load(root: str | Path) -> dict[str, Artifact]:
        """Relative directory -> its artifact, for every directory the index lists."""
        index = ArtifactIndex.model_validate_json((Path(root) / ARTIFACTS_INDEX).read_text())
        return {d: Artifact.load(Path(root) / d) for d in index.artifacts}

    def to_json(self) -> str:
        return self.model_dump_json(indent=2, by_alias=True) + "\n"


def _access(program: Program, name: str) -> str:
    read = write = False
    for s in walk(program.body):
        if isinstance(s, Copy):
            read |= s.src.buffer == name
        if isinstance(s, Gather):
            read |= s.tensor == name
        if isinstance(s, Copy | Eltwise):
            write |= s.dst.buffer == name
    return {(True, True): "readwrite", (True, False): "read", (False, True): "write"}.get(
        (read, write), "unused"
    )


def _unpack_to_dest_fp32(kernel: k.Kernel, program: Program) -> list[int]:
    """fp32 CBs a compute kernel with fp32 DST only copies into DST (accumulators reloaded
    with copy_tile): unpacked straight to DST they keep full precision, as tt-metal's fp32-
    accumulating matmul sets for its intermediate CB. A CB an FPU op also reads stays on SrcA."""
    if not kernel.fp32_acc:
        return []
    fpu = k.MatmulTiles | k.BinaryTiles | k.ReduceTile
    ops = list(k.walk_ops(kernel.body))
    through_src = {cb for op in ops if isinstance(op, fpu) for cb in vars(op).values()}
    copied = {op.cb for op in ops if isinstance(op, k.CopyTile)} - through_src
    return sorted(c.index for c in program.cbs if c.name in copied and c.dtype == "float32")


def build_plan(lowered: k.Lowered) -> Plan:
    p: Program = lowered.program
    buffers = [
        BufferPlan(
            name=t.name,
            param_index=i,
            host_shape=t.host_shape or t.shape,
            shape=t.shape,
            dtype=t.dtype,
            tile_rows=p.layout(t.name).tile_rows,
            tile_cols=p.layout(t.name).tile_cols,
            page_size=PAGE_BYTES[t.dtype],
            access=_access(p, t.name),
            panels=t.panels,
            dim_order=t.dim_order,
        )
        for i, t in enumerate(p.tensors)
    ]
    cbs = [
        CBPlan(
            index=c.index,
            name=c.name,
            buffer=c.buffer,
            data_format=DATA_FORMATS[c.dtype],
            page_size=PAGE_BYTES[c.dtype],
            num_pages=c.num_pages,
            producer=c.producer,
        )
        for c in p.cbs
    ]
    kernels = [
        KernelPlan(
            role=kern.role,
            source=f"{kern.role}.cpp",
            processor=PROCESSORS[kern.role][0],
            noc=PROCESSORS[kern.role][1],
            accessor_tensors=list(kern.tensors),
            runtime_args=[f"{t}_addr" for t in kern.tensors] + ["first_block", "num_blocks"],
            fp32_dest_acc_en=kern.fp32_acc,
            math_fidelity="HiFi4",
            unpack_to_dest_fp32=_unpack_to_dest_fp32(kern, p),
        )
        for kern in lowered.kernels.kernels()
    ]
    cores = [
        CoreWorkPlan(core=w.core, first_block=w.first_block, num_blocks=w.num_blocks)
        for w in p.schedule.work
    ]
    return Plan(
        name=p.name,
        target=p.target.name,
        grid=list(p.grid),
        num_blocks=p.schedule.num_blocks,
        buffers=buffers,
        cbs=cbs,
        kernels=kernels,
        cores=cores,
    )


def compile(
    prim_func,
    target: str | Target | None = None,
    dump_ir: str | Path | None = None,
    name: str | None = None,
    coarsen: bool = True,
) -> Artifact | Launches:
    """Compile a TileLang PrimFunc for a Tenstorrent target (default Wormhole n150).
    `coarsen=False` skips `coarsen_blocks`: every TileLang block stays one scheduled block.
    A PrimFunc of several `T.Kernel` scopes gives `Launches` (IR dumps in `launch<i>/`)."""
    from compiler.frontend import launches_of

    programs = launches_of(prim_func, name)
    artifacts = []
    for i, program in enumerate(programs):
        dump_dir = Path(dump_ir) if dump_ir else None
        if dump_dir is not None and len(programs) > 1:
            dump_dir = dump_dir / f"launch{i}"
        lowered = run_pipeline(program, get_target(target), dump_dir, coarsen)
        sources = {
            f"{kern.role}.cpp": render_kernel(lowered.program, kern)
            for kern in lowered.kernels.kernels()
        }
        artifacts.append(Artifact(build_plan(lowered), sources))
    return artifacts[0] if len(artifacts) == 1 else Launches(tuple(artifacts))


def run(artifact: Artifact | Launches, *tensors, backend: str = "sim"):
    """Run on `backend` ("sim": the Metalium emulator; "ttnn": a Tenstorrent device through
    ttnn's generic op). Pass every PrimFunc parameter (outputs are overwritten) or only the
    inputs (outputs are allocated); returns the output tensor, or a tuple of them. `Launches`
    run in order; their outputs are the parameters any launch writes."""
    from compiler.errors import CompileError

    if backend not in BACKENDS:
        raise CompileError("run", f"unknown backend {backend!r}; available: {', '.join(BACKENDS)}")
    execute = importlib.import_module(BACKENDS[backend]).execute
    if isinstance(artifact, Artifact):
        outputs = execute(artifact, list(tensors)).outputs
    else:
        from compiler.backends.sim import allocate

        params = artifact.artifacts[0].plan.buffers
        written = artifact.written()
        given = iter(tensors)
        if len(tensors) == len(params):
            full = list(tensors)
        elif len(tensors) == len(params) - len(written):
            full = [allocate(b) if b.name in written else next(given) for b in params]
        else:
            raise CompileError(
                "run",
                f"the {len(artifact.artifacts)} launches take {len(params)} tensors "
                f"({', '.join(b.name for b in params)}) or only the inputs; got {len(tensors)}",
            )
        for launch in artifact.artifacts:
            execute(launch, full)  # writes its outputs into `full` in place
        outputs = [t for b, t in zip(params, full, strict=True) if b.name in written]
    return outputs[0] if len(outputs) == 1 else tuple(outputs)
