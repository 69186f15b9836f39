"""Kernel-IR verifier, run before codegen: ops are in the right role, every CB exists, DST
sections follow acquire -> math -> commit -> wait -> pack -> release, DST and CB tile indices stay
within capacity (interval arithmetic over loop bounds), and per block the tiles the producer of
each reader/writer CB pushes equal what its consumer pops. Errors name the op that failed."""

from __future__ import annotations

from collections import Counter

from compiler.errors import CompileError
from compiler.kernel_ir import ops as k

MATH_OPS = (
    k.MatmulInit,
    k.MatmulTiles,
    k.CopyInit,
    k.CopyTile,
    k.BinaryInit,
    k.BinaryTiles,
    k.UnaryInit,
    k.UnaryTile,
    k.UnaryBcastInit,
    k.UnaryBcast,
    k.SfpuTiles,
    k.ReduceInit,
    k.ReduceTile,
)
INITS = (k.MatmulInit, k.CopyInit, k.BinaryInit, k.UnaryInit, k.UnaryBcastInit, k.ReduceInit)
READS = (k.ReadTiles, k.GatherTiles, k.MaskTiles)  # reader ops that fill a block of tiles
ALLOWED = {
    "reader": (k.For, k.BlockLoop, *READS, k.FillScaler),
    "writer": (k.For, k.BlockLoop, k.WriteTiles),
}
# DST lifecycle: state -> {phase: next state}
TRANSITIONS = {
    "idle": {"acquire": "math"},
    "math": {"commit": "committed"},
    "committed": {"wait": "pack"},
    "pack": {"release": "idle"},
}


def _fail(op: object, reason: str) -> CompileError:
    return CompileError("verify", f"{reason} at {op}")


def bounds(e: k.IExpr, env: dict[str, tuple[int, int]]) -> tuple[int, int]:
    if isinstance(e, int):
        return e, e
    if isinstance(e, str):
        if e not in env:
            raise CompileError("verify", f"index variable {e} is not bound by an enclosing loop")
        return env[e]
    if e.op == "min":  # a block-dependent loop count: bounded by its constant side
        sides = []
        for x in (e.a, e.b):
            try:
                sides.append(bounds(x, env))
            except CompileError:
                continue
        if not sides:
            raise CompileError("verify", f"loop count {e} has no bound")
        low = min(lo for lo, _ in sides) if len(sides) == 2 else 0
        return low, min(hi for _, hi in sides)
    (alo, ahi), (blo, bhi) = bounds(e.a, env), bounds(e.b, env)
    if e.op == "+":
        return alo + blo, ahi + bhi
    if e.op == "*":
        products = [alo * blo, alo * bhi, ahi * blo, ahi * bhi]
        return min(products), max(products)
    if e.op == "/":
        return alo // max(bhi, 1), ahi // max(blo, 1)
    if e.op == "%":
        return 0, min(ahi, bhi - 1)
    return alo - bhi, ahi - blo


class _Verifier:
    def __init__(self, lowered: k.Lowered) -> None:
        self.program = lowered.program
        self.cbs = {c.name: c for c in self.program.cbs}
        self.capacity = self.program.target.dst_tiles(lowered.kernels.compute.fp32_acc)

    def cb(self, name: str, op: object) -> None:
        if name not in self.cbs:
            raise _fail(op, f"unknown circular buffer {name}")

    def index(self, cb: str, index: k.IExpr, env: dict, op: object) -> None:
        self.cb(cb, op)
        hi = bounds(index, env)[1]
        if hi >= self.cbs[cb].num_pages:
            raise _fail(op, f"tile index up to {hi} in {cb} of {self.cbs[cb].num_pages} pages")

    def dst(self, index: k.IExpr, env: dict, op: object) -> None:
        hi = bounds(index, env)[1]
        if hi >= self.capacity:
            raise _fail(op, f"DST index up to {hi}, but DST holds {self.capacity} tiles")

    def walk(self, role: str, ops: tuple[k.Op, ...], env: dict, state: str) -> str:
        for op in ops:
            if role in ALLOWED and not isinstance(op, ALLOWED[role]):
                raise _fail(op, f"{type(op).__name__} does not belong in the {role} kernel")
            if role == "compute" and isinstance(
                op,
                k.ReadTiles
                | k.GatherTiles
                | k.MaskTiles
                | k.WriteTiles
                | k.FillScaler
                | k.MatmulBlock
                | k.ReduceBlock
                | k.EltwiseBlock,
            ):
                raise _fail(op, f"{type(op).__name__} must be lowered before codegen")
            if isinstance(op, k.For | k.BlockLoop):
                inner = dict(env)
                if isinstance(op, k.For):
                    inner[op.var] = (0, bounds(op.extent, env)[1] - 1)
                else:
                    inner.update({var: (0, ext - 1) for var, ext in op.grid})
                    for name, var, how, by in op.derived:
                        hi = inner[var][1]
                        inner[name] = (0, hi // by if how == "/" else min(hi, by - 1))
                if self.walk(role, op.body, inner, state) != state:
                    raise _fail(op, "a loop body must leave the DST in the state it found it")
            elif isinstance(op, k.If):
                if self.walk(role, op.body, env, state) != state:
                    raise _fail(op, "a conditional must leave the DST in the state it found it")
            elif isinstance(op, k.TileRegs):
                nxt = TRANSITIONS[state].get(op.phase)
                if nxt is None:
                    raise _fail(op, f"tile_regs_{op.phase} while the DST is in state '{state}'")
                state = nxt
            elif isinstance(op, MATH_OPS) and state != "math" and not isinstance(op, INITS):
                raise _fail(op, f"math on the DST outside acquire..commit (state '{state}')")
            elif isinstance(op, k.PackTile) and state != "pack":
                raise _fail(op, f"pack_tile outside wait..release (state '{state}')")
            self.operands(op, env)
        return state

    def operands(self, op: k.Op, env: dict) -> None:
        if isinstance(op, (k.MatmulTiles, k.BinaryTiles)):
            self.index(op.a, op.ia, env, op)
            self.index(op.b, op.ib, env, op)
            self.dst(op.dst, env, op)
        elif isinstance(op, k.CopyTile | k.UnaryBcast):
            self.index(op.cb, op.index, env, op)
            self.dst(op.dst, env, op)
        elif isinstance(op, k.SfpuTiles):
            for index in (*op.srcs, op.dst):
                self.dst(index, env, op)
        elif isinstance(op, k.ReduceTile):
            self.index(op.src, op.index, env, op)
            self.index(op.scaler, 0, env, op)
            self.dst(op.dst, env, op)
        elif isinstance(op, k.UnaryTile | k.PackTile):
            self.dst(op.dst, env, op)
            if isinstance(op, k.PackTile):
                self.cb(op.cb, op)
        elif isinstance(op, (k.CBOp, k.WriteTiles, k.FillScaler, *READS)):
            self.cb(op.cb, op)


def _traffic(
    ops: tuple[k.Op, ...], kinds: tuple[type | k.CBKind, ...], trips: int, out: Counter
) -> None:
    """Tiles moved per block through each CB by ops of `kinds` (op classes, or CB calls for
    `CBOp`s) (loops multiply, If excluded)."""
    for op in ops:
        if isinstance(op, k.For):
            _traffic(op.body, kinds, trips * bounds(op.extent, {})[1], out)
        elif isinstance(op, k.BlockLoop):
            _traffic(op.body, kinds, trips, out)
        elif (op.kind if isinstance(op, k.CBOp) else type(op)) in kinds:
            if isinstance(op, (k.WriteTiles, *READS)):
                n = op.tiles
            else:
                n = 1 if isinstance(op, k.FillScaler) else bounds(op.n, {})[1]
            out[op.cb] += trips * n


def verify(lowered: k.Lowered) -> k.Lowered:
    assert lowered.kernels is not None, "split_kernels must run before verify"
    v = _Verifier(lowered)
    for kernel in lowered.kernels.kernels():
        if v.walk(kernel.role, kernel.body, {}, "idle") != "idle":
            raise CompileError("verify", f"{kernel.role} kernel ends with the DST still acquired")
    ks = lowered.kernels
    flows = {
        "reader": (
            ks.reader.body,
            (*READS, k.FillScaler),
            ks.compute.body,
            (k.CBKind.POP_FRONT,),
        ),
        "compute": (ks.compute.body, (k.CBKind.PUSH_BACK,), ks.writer.body, (k.WriteTiles,)),
    }
    for producer, (p_ops, p_kinds, c_ops, c_kinds) in flows.items():
        produced, consumed = Counter(), Counter()
        _traffic(p_ops, p_kinds, 1, produced)
        _traffic(c_ops, c_kinds, 1, consumed)
        for cb in v.cbs.values():
            crosses = (
                cb.producer == "reader"
                if producer == "reader"
                else cb.buffer in {t for t in ks.writer.tensors}
            )
            if crosses and produced[cb.name] != consumed[cb.name]:
                raise CompileError(
                    "verify",
                    f"buffer {cb.buffer}: the {producer} kernel produces {produced[cb.name]} "
                    f"tiles per block but its consumer takes {consumed[cb.name]} (a pattern of "
                    "copies and uses the lowering does not balance; `--dump-ir` shows where)",
                )
    return lowered
