"""Pass `split_kernels`: project the role-tagged op stream onto the three RISC-V roles — the
reader keeps its tile reads, the writer its tile writes, compute everything else — keeping the
loops that still contain work, so all three walk the same blocks and K steps in lockstep
through their CBs."""

from __future__ import annotations

from dataclasses import replace

from compiler.kernel_ir import ops as k

STRUCTURE = (k.For, k.BlockLoop)


def role_of(op: k.Op) -> str:
    if isinstance(op, k.ReadTiles | k.GatherTiles | k.MaskTiles | k.FillScaler):
        return "reader"
    if isinstance(op, k.WriteTiles):
        return "writer"
    return "compute"


def _project(ops: tuple[k.Op, ...], role: str) -> tuple[k.Op, ...]:
    out: list[k.Op] = []
    for op in ops:
        if isinstance(op, STRUCTURE):
            body = _project(op.body, role)
            if body:
                out.append(replace(op, body=body))
        elif role_of(op) == role:
            out.append(op)
    return tuple(out)


def _tensors(ops: tuple[k.Op, ...]) -> list[str]:
    """Tensors the ops address, in order of first use (the kernel's runtime-arg order)."""
    moves = (
        op.tensor
        for op in k.walk_ops(ops)
        if isinstance(op, k.ReadTiles | k.GatherTiles | k.WriteTiles)
    )
    return list(dict.fromkeys(moves))


def split_kernels(lowered: k.Lowered) -> k.Lowered:
    fp32 = lowered.program.fp32_dest_acc
    kernels = {}
    for role in k.ROLES:
        body = _project(lowered.body, role)
        kernels[role] = k.Kernel(role, fp32, tuple(_tensors(body)), body)
    return replace(lowered, kernels=k.KernelSet(**kernels))
