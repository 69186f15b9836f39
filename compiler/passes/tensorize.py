"""Pass `tensorize`: tile-program statements -> kernel-IR ops, decided by what each operation
does (never by names): global->local copies become reader tile reads that compute waits for and
pops at the end of the enclosing scope; local->global copies become a compute copy into the
output staging CB plus writer tile writes; `T.gemm` becomes a `MatmulBlock` over the 32x32 tile
decomposition accumulating in its CB; `T.reduce_sum/max` becomes a `ReduceBlock` (reduce_tile
with the scaler tile the reader fills once); `T.Parallel` assignments become `EltwiseBlock`s;
`T.clear` drops an accumulator's value. Compute-owned buffers carry a runtime `<buf>_live` flag saying
whether their CB currently holds a value."""

from __future__ import annotations

import math

from compiler.errors import CompileError
from compiler.ir import (
    Affine,
    Binary,
    BlockLoop,
    Const,
    Copy,
    Eltwise,
    Expr,
    Fill,
    Gather,
    Gemm,
    Load,
    Loop,
    Program,
    Reduce,
    Region,
    Stmt,
    TensorLayout,
    Unary,
    expr_load_nodes,
    walk,
)
from compiler.kernel_ir import ops as k
from compiler.passes.cbs import SCALER
from compiler.targets import TILE


def _affine_index(a: Affine) -> k.IExpr:
    out: k.IExpr = a.const
    for var, coeff in a.terms:
        out = k.add(out, k.mul(var, coeff))
    return out


def _tile_index(a: Affine) -> k.IExpr:
    return _affine_index(a.floordiv_exact(TILE))


def live_flag(buffer: str) -> str:
    return f"{buffer}_live"


def live_after(program: Program, stmts: tuple[Stmt, ...], live: set[str]) -> set[str]:
    """Compute-owned buffers certainly holding a value after `stmts` (loops run at least once)."""
    live = set(live)
    for s in stmts:
        if isinstance(s, Loop):
            entry = live & live_after(program, s.body, live)
            live = live_after(program, s.body, entry)
        elif isinstance(s, BlockLoop):
            live = set()
        elif isinstance(s, Gemm):
            live.add(s.c)
        elif isinstance(s, Reduce):
            live.add(s.dst)
        elif isinstance(s, Gather):
            continue  # reader-fed
        elif isinstance(s, Fill):
            (live.add if s.value != 0.0 else live.discard)(s.buffer)
        elif program.buffer(s.dst.buffer) and not (
            isinstance(s, Copy) and program.tensor(s.src.buffer)
        ):
            live.add(s.dst.buffer)
    return live


def _only_row_broadcast(program: Program, buffer: str) -> bool:
    """Every read of `buffer` uses row 0 of its tiles only: a row broadcast (`x[j]` in a 2-D
    nest) or the transposed operand of a gemm into a column vector."""
    uses = []
    for s in walk(program.body):
        if isinstance(s, Eltwise):
            loads = expr_load_nodes(s.expr)
            uses += [e.bcast == "rows" for e in loads if e.region.buffer == buffer]
        elif isinstance(s, Gemm) and s.b == buffer and s.trans_b:
            # column 0 of a column-vector result reads only row 0 of the transposed operand
            uses.append(program.buffer(s.c).vector == "col" and buffer not in (s.a, s.c))
        elif isinstance(s, Gemm | Reduce):
            names = (s.a, s.b, s.c) if isinstance(s, Gemm) else (s.src, s.dst)
            uses += [False for name in names if name == buffer]
        elif isinstance(s, Copy):
            uses.append(s.src.buffer != buffer)
    return bool(uses) and all(uses)


def _overhangs(layout: TensorLayout, rows: int, cols: int) -> bool:
    """A block of rows x cols tiles may reach past the tensor's logical edge."""
    return bool(
        layout.rows % TILE
        or layout.cols % TILE
        or layout.tile_rows % rows
        or layout.tile_cols % cols
    )


def _pad_value(program: Program, buffer: str, overhangs: bool) -> float:
    """What elements past a tensor's edge must read as in `buffer`: -inf when only max
    reductions read it (zero padding would beat negative values), else 0."""
    uses: list[tuple[bool, str]] = []  # (a max reduction, where)
    for s in walk(program.body):
        if isinstance(s, Reduce) and s.src == buffer:
            uses.append((s.kind == "max", s.where))
        elif isinstance(s, Eltwise):
            uses += [(False, s.where) for e in expr_load_nodes(s.expr) if e.region.buffer == buffer]
        elif isinstance(s, Gemm):
            uses += [(False, s.where) for name in (s.a, s.b) if name == buffer]
        elif isinstance(s, Copy) and s.src.buffer == buffer:
            uses.append((False, s.where))
    if overhangs and any(is_max for is_max, _ in uses) and not all(is_max for is_max, _ in uses):
        where = next(w for is_max, w in uses if is_max)
        raise CompileError(
            "T.reduce_max",
            f"{buffer} is max-reduced and also read by other ops, and its block reaches past the "
            "tensor's edge: that padding cannot read as -inf for the max and as 0 for the rest; "
            "copy the tensor into a second buffer that only the max reads",
            where,
        )
    return -math.inf if uses and all(is_max for is_max, _ in uses) else 0.0


class _Tensorizer:
    def __init__(self, program: Program) -> None:
        self.p = program
        self.filled: list[list[str]] = []  # reader CBs holding a block, per enclosing scope
        self.ensure: list[str] = []  # compute-owned buffers the current statement reads
        self.live: set[str] = set()  # compute-owned buffers certainly holding a value here

    def read(self, buffer: str, where: str) -> str:
        """The CB of a local buffer compute reads; a reader-fed one must hold its block here."""
        cb = self.p.cb_for(buffer)
        if cb.producer == "reader" and not any(cb.name in scope for scope in self.filled):
            raise CompileError(
                "read",
                f"{buffer} is read where no T.copy in this or an enclosing loop body fills it "
                "(its block is released at the end of the loop body that copied it)",
                where,
            )
        if cb.producer == "compute" and buffer not in self.ensure:
            self.ensure.append(buffer)
        return cb.name

    def ensure_value(self, buffer: str) -> list[k.Op]:
        """A compute-owned buffer read while it holds no value (cleared, never written) reads
        as zeros: fill its CB first. (`T.clear` itself stays lazy, so a gemm accumulating into
        a cleared buffer starts from zero without a reload.)"""
        flag = live_flag(buffer)
        zeros = k.EltwiseBlock(
            self.cb(buffer), k.TileExpr("fill", value=0.0), self.ntiles(buffer), None
        )
        return [k.If(flag, (zeros, k.FlagSet(flag, True)), negate=True)]

    def cb(self, buffer: str) -> str:
        return self.p.cb_for(buffer).name

    def ntiles(self, buffer: str) -> int:
        return self.p.cb_for(buffer).block_tiles

    def owned(self) -> list[str]:
        return [c.buffer for c in self.p.cbs if c.producer == "compute" and self.p.buffer(c.buffer)]

    def expr(self, e: Expr, dst: Region, where: str) -> k.TileExpr:
        if isinstance(e, Load):
            r = e.region
            rows, cols = dst.shape
            shape = {"": dst.shape, "rows": (TILE, cols), "cols": (rows, TILE)}[e.bcast]
            if (
                self.p.buffer(r.buffer) is None
                or r.shape != shape
                or any(s != Affine() for s in r.start)
            ):
                raise CompileError(
                    "T.Parallel",
                    f"operand {r} must be a whole local buffer shaped like the destination {dst}"
                    + (f" (a broadcast vector: {shape[0]}x{shape[1]})" if e.bcast else ""),
                    where,
                )
            cb = self.read(r.buffer, where)
            return k.TileExpr("load", cb=cb, bcast=e.bcast, period=cols // TILE if e.bcast else 0)
        if isinstance(e, Const):
            return k.TileExpr("const", value=e.value)
        if isinstance(e, Unary):
            return k.TileExpr(e.op, (self.expr(e.x, dst, where),))
        assert isinstance(e, Binary)
        return k.TileExpr(e.op, (self.expr(e.a, dst, where), self.expr(e.b, dst, where)))

    def write_local(self, dst: Region, expr: k.TileExpr, where: str) -> list[k.Op]:
        buf = self.p.buffer(dst.buffer)
        if dst.extent != buf.shape:
            raise CompileError(
                "T.Parallel", f"destination {dst} must cover the whole buffer", where
            )
        flag = live_flag(buf.name)
        self.live.add(buf.name)
        return [
            k.EltwiseBlock(self.cb(buf.name), expr, self.ntiles(buf.name), flag, where),
            k.FlagSet(flag, True),
        ]

    def copy(self, s: Copy, pops: list[str]) -> list[k.Op]:
        src_global, dst_global = self.p.tensor(s.src.buffer), self.p.tensor(s.dst.buffer)
        if src_global:
            cb = self.cb(s.dst.buffer)
            if cb in pops:
                raise CompileError(
                    "T.copy", f"{s.dst.buffer} is filled twice in one loop body", s.where
                )
            pops.append(cb)
            rows, cols = (e // TILE for e in s.src.extent)
            row0, col0 = (_tile_index(a) for a in s.src.start)
            row0_only = src_global.shape[0] == 1 and _only_row_broadcast(self.p, s.dst.buffer)
            read = k.ReadTiles(
                cb,
                src_global.name,
                row0,
                col0,
                rows,
                cols,
                row0_only,
                _pad_value(
                    self.p, s.dst.buffer, _overhangs(self.p.layout(src_global.name), rows, cols)
                ),
                _affine_index(s.src.panel),
                s.src.panels,
                s.src.panel_stride,
            )
            return [read, k.CBOp(k.CBKind.WAIT_FRONT, cb, read.tiles)]
        if self.p.buffer(s.src.buffer).shape != s.src.shape:
            raise CompileError("T.copy", f"source {s.src} must be a whole local buffer", s.where)
        load = k.TileExpr("load", cb=self.read(s.src.buffer, s.where))
        if dst_global:
            return self.write_global(s.dst, load, s.where)
        return self.write_local(s.dst, load, s.where)

    def gather(self, s: Gather, pops: list[str]) -> list[k.Op]:
        cb = self.cb(s.dst)
        if cb in pops:
            raise CompileError("T.Parallel", f"{s.dst} is filled twice in one loop body", s.where)
        pops.append(cb)
        rows, cols = (d // TILE for d in self.p.buffer(s.dst).shape)
        read = k.GatherTiles(cb, s.tensor, rows, cols, s.row, s.col, s.cond, s.i, s.j, s.panel)
        return [read, k.CBOp(k.CBKind.WAIT_FRONT, cb, rows * cols)]

    def write_global(self, dst: Region, expr: k.TileExpr, where: str) -> list[k.Op]:
        """Compute packs the block into the tensor's output CB; the writer stores it."""
        out = self.p.cb_for(dst.buffer)
        rows, cols = (e // TILE for e in dst.extent)
        row0, col0 = (_tile_index(a) for a in dst.start)
        return [
            k.EltwiseBlock(out.name, expr, out.block_tiles, None, where),
            k.WriteTiles(
                out.name,
                dst.buffer,
                row0,
                col0,
                rows,
                cols,
                _affine_index(dst.panel),
                dst.panels,
                dst.panel_stride,
            ),
        ]

    def gemm(self, s: Gemm) -> list[k.Op]:
        if s.trans_a:
            raise CompileError("T.gemm", "transpose_A is not supported on Tensix yet", s.where)
        a, b, c = (self.p.buffer(x) for x in (s.a, s.b, s.c))
        (m, ka), (kb, n) = a.shape, (b.shape[::-1] if s.trans_b else b.shape)
        if ka != kb or c.shape != (m, n):
            raise CompileError(
                "T.gemm", f"shapes {a.shape} @ {b.shape} -> {c.shape} do not agree", s.where
            )
        if c.name not in self.owned():
            raise CompileError("T.gemm", f"accumulator {c.name} is filled from DRAM", s.where)
        self.live.add(c.name)
        flag = live_flag(c.name)
        out: list[k.Op] = []
        if s.clear_accum:
            out += self.clear(c.name)
        block = k.MatmulBlock(
            self.cb(c.name),
            self.read(a.name, s.where),
            self.read(b.name, s.where),
            m // TILE,
            n // TILE,
            ka // TILE,
            s.trans_b,
            flag,
        )
        # operands computed on this core (e.g. a Parallel copy into B_shared) are waited for here;
        # reader-fed ones were waited for at their copy
        waits = [
            k.CBOp(k.CBKind.WAIT_FRONT, self.cb(x.name), self.ntiles(x.name))
            for x in (a, b)
            if self.p.cb_for(x.name).producer == "compute"
        ]
        return [*out, *waits, block, k.FlagSet(flag, True)]

    def reduce(self, s: Reduce) -> list[k.Op]:
        src, dst = self.p.buffer(s.src), self.p.buffer(s.dst)
        mt, nt = (d // TILE for d in src.shape)
        want = (mt, 1) if s.dim == 1 else (1, nt)
        if tuple(d // TILE for d in dst.shape) != want:
            raise CompileError(
                "T.reduce",
                f"reducing {src.name}{list(src.shape)} along dim {s.dim} gives {want[0]}x{want[1]} "
                f"tiles, but {dst.name} holds {dst.shape[0] // TILE}x{dst.shape[1] // TILE}",
                s.where,
            )
        if dst.name not in self.owned():
            raise CompileError("T.reduce", f"destination {dst.name} is filled from DRAM", s.where)
        out = self.clear(dst.name) if s.clear else []
        self.live.add(dst.name)
        flag = live_flag(dst.name)
        block = k.ReduceBlock(
            self.cb(dst.name),
            self.read(src.name, s.where),
            self.p.cb_for(SCALER).name,
            s.kind,
            s.dim,
            mt,
            nt,
            flag,
        )
        waits = (
            [k.CBOp(k.CBKind.WAIT_FRONT, self.cb(src.name), self.ntiles(src.name))]
            if self.p.cb_for(src.name).producer == "compute"
            else []
        )
        return [*out, *waits, block, k.FlagSet(flag, True)]

    def fill(self, s: Fill) -> list[k.Op]:
        if s.buffer not in self.owned():
            raise CompileError(
                "T.fill", f"{s.buffer} is filled from DRAM; fill a separate buffer", s.where
            )
        if math.isnan(s.value):
            raise CompileError("T.fill", "fill value NaN has no use on Tensix", s.where)
        if s.value == 0.0:
            return self.clear(s.buffer)
        flag = live_flag(s.buffer)
        self.live.add(s.buffer)
        tiles = k.EltwiseBlock(
            self.cb(s.buffer), k.TileExpr("fill", value=s.value), self.ntiles(s.buffer), None
        )
        return [*self.clear(s.buffer), tiles, k.FlagSet(flag, True)]

    def clear(self, buffer: str) -> list[k.Op]:
        self.live.discard(buffer)
        flag = live_flag(buffer)
        return [
            k.If(flag, (k.CBOp(k.CBKind.POP_FRONT, self.cb(buffer), self.ntiles(buffer)),)),
            k.FlagSet(flag, False),
        ]

    def stmts(self, stmts: tuple[Stmt, ...]) -> tuple[k.Op, ...]:
        out: list[k.Op] = []
        pops: list[str] = []
        self.filled.append(pops)
        for s in stmts:
            self.ensure = []
            live_before = set(self.live)
            ops = self.stmt(s, pops)
            reads = [] if isinstance(s, Loop | BlockLoop) else self.ensure
            guards = [
                op for name in reads if name not in live_before for op in self.ensure_value(name)
            ]
            out += guards + ops
        self.filled.pop()
        out += [k.CBOp(k.CBKind.POP_FRONT, cb, self.p.cb_for_name(cb).block_tiles) for cb in pops]
        return tuple(out)

    def stmt(self, s: Stmt, pops: list[str]) -> list[k.Op]:
        if isinstance(s, Loop):
            # what holds a value on every iteration: before the loop and after one body
            self.live &= live_after(self.p, s.body, self.live)
            return [k.For(s.var, s.extent, self.stmts(s.body))]
        if isinstance(s, BlockLoop):
            release = [op for name in self.owned() for op in self.clear(name)]
            self.live = set()
            body = self.stmts(s.body) + tuple(release)
            self.live = set()
            derived = tuple((d.name, d.var, d.op, d.by) for d in self.p.derived)
            return [k.BlockLoop(self.p.grid, body, derived)]
        if isinstance(s, Copy):
            return self.copy(s, pops)
        if isinstance(s, Gemm):
            return self.gemm(s)
        if isinstance(s, Reduce):
            return self.reduce(s)
        if isinstance(s, Gather):
            return self.gather(s, pops)
        if isinstance(s, Fill):
            return self.fill(s)
        expr = self.expr(s.expr, s.dst, s.where)
        if self.p.tensor(s.dst.buffer):
            return self.write_global(s.dst, expr, s.where)
        return self.write_local(s.dst, expr, s.where)


def tensorize(program: Program) -> k.Lowered:
    assert program.cbs, "allocate_cbs must run before tensorize"
    t = _Tensorizer(program)
    decls: list[k.Op] = [k.FlagDecl(live_flag(b)) for b in t.owned()]
    inputs = [c.name for c in program.cbs if c.producer == "reader"]
    outputs = [c.name for c in program.cbs if c.producer == "compute"]
    in0 = inputs[0] if inputs else outputs[0]
    startup = k.HwStartup(in0, inputs[1] if len(inputs) > 1 else in0, outputs[0])
    scaler = next((c.name for c in program.cbs if c.buffer == SCALER), None)
    # the scaler tile is filled once per kernel and held until compute ends
    head = [k.FillScaler(scaler, 1.0), k.CBOp(k.CBKind.WAIT_FRONT, scaler, 1)] if scaler else []
    tail = [k.CBOp(k.CBKind.POP_FRONT, scaler, 1)] if scaler else []
    return k.Lowered(program, (*decls, startup, *head, *t.stmts(program.body), *tail))
