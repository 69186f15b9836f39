"""Pass `configure_formats`: the unpacker's SrcA/SrcB and the packer read and write tiles in the
data format they are configured for (`compute_kernel_hw_startup` sets them from its three CBs);
a tile of another format would be garbage on device. Before every unpack or pack whose CB
format differs from what the unit may hold at that point, emit a reconfiguration
(`reconfig_data_format_srca/srcb`, `pack_reconfig_data_format`).

Which unit an op uses, after the LLK: matmul feeds in0 to SrcB and in1 to SrcA; binary and
broadcast ops in0 to SrcA, in1 to SrcB; copy_tile SrcA; reduce_tile the data to SrcA and the
scaler to SrcB, except REDUCE_ROW sum (a matrix-vector multiply: the scaler in SrcA). The state
is tracked through the op stream; across a loop it is what holds both on entry and after a
trip, after a conditional what holds whether it ran or not (unknown units reconfigure). A unit
that a loop's body only ever uses in one format is reconfigured once before the loop, not per
trip, as a hand-written kernel does; it stays inside only when the body alternates formats."""

from __future__ import annotations

from dataclasses import replace

from compiler.kernel_ir import ops as k

State = dict[str, str]  # unit -> dtype known to be configured (absent: unknown)


def _needs(op: k.Op, dtypes: dict[str, str]) -> list[tuple[str, str]]:
    """(unit, CB) pairs the op unpacks or packs through."""
    if isinstance(op, k.UnaryBcast):
        # a broadcast goes through SrcB; 32-bit formats are unpacked to DST by SrcA's unpacker
        return [("srca" if dtypes[op.cb] == "float32" else "srcb", op.cb)]
    if isinstance(op, k.MatmulTiles):
        return [("srcb", op.a), ("srca", op.b)]
    if isinstance(op, k.BinaryTiles):
        return [("srca", op.a), ("srcb", op.b)]
    if isinstance(op, k.CopyTile):
        return [("srca", op.cb)]
    if isinstance(op, k.ReduceTile):
        if op.dim == "REDUCE_ROW" and op.kind == "sum":
            return [("srcb", op.src), ("srca", op.scaler)]
        return [("srca", op.src), ("srcb", op.scaler)]
    if isinstance(op, k.PackTile):
        return [("pack", op.cb)]
    return []


def _uniform(ops: tuple[k.Op, ...], dtypes: dict[str, str]) -> dict[str, str]:
    """unit -> a CB, for the units every op in `ops` (nested bodies included) uses in that CB's
    format alone; none when something in `ops` resets the formats."""
    every = list(k.walk_ops(ops))
    if any(isinstance(op, k.HwStartup) for op in every):
        return {}
    seen: dict[str, list[str]] = {}
    for op in every:
        for unit, cb in _needs(op, dtypes):
            seen.setdefault(unit, []).append(cb)
    return {unit: cbs[0] for unit, cbs in seen.items() if len({dtypes[cb] for cb in cbs}) == 1}


def _meet(a: State, b: State) -> State:
    return {unit: fmt for unit, fmt in a.items() if b.get(unit) == fmt}


class _Formats:
    def __init__(self, dtypes: dict[str, str]) -> None:
        self.dtypes = dtypes

    def configure(self, unit: str, cb: str, state: State, out: list[k.Op]) -> None:
        if state.get(unit) != self.dtypes[cb]:
            out.append(k.Reconfig(unit, cb))
            state[unit] = self.dtypes[cb]

    def ops(self, ops: tuple[k.Op, ...], state: State) -> tuple[tuple[k.Op, ...], State]:
        out: list[k.Op] = []
        for op in ops:
            if isinstance(op, k.For | k.BlockLoop):
                for unit, cb in _uniform(op.body, self.dtypes).items():
                    self.configure(unit, cb, state, out)
                _, after_one = self.ops(op.body, dict(state))
                entry = _meet(state, after_one)
                body, _ = self.ops(op.body, dict(entry))
                out.append(replace(op, body=body))
                state = entry
            elif isinstance(op, k.If):
                body, after = self.ops(op.body, dict(state))
                out.append(replace(op, body=body))
                state = _meet(state, after)
            else:
                if isinstance(op, k.HwStartup):
                    state = {
                        unit: self.dtypes[cb]
                        for unit, cb in zip(
                            ("srca", "srcb", "pack"), (op.in0, op.in1, op.out), strict=True
                        )
                    }
                for unit, cb in _needs(op, self.dtypes):
                    self.configure(unit, cb, state, out)
                out.append(op)
        return tuple(out), state


def configure_formats(lowered: k.Lowered) -> k.Lowered:
    dtypes = {c.name: c.dtype for c in lowered.program.cbs}
    body, _ = _Formats(dtypes).ops(lowered.body, {})
    return replace(lowered, body=body)
