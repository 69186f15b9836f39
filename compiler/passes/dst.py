"""Pass `manage_dst`: expand block-level compute ops into DST sections
(acquire -> math -> commit -> wait -> pack -> release), each touching at most the DST capacity
(8 tiles, 4 with fp32 accumulation): a block is processed in equal chunks — for matmul the
largest divisor of its tile count that fits, for element-wise gcd(tiles, DST capacity).

Matmul and reduce: per chunk of output tiles, reload the accumulator's running value
(copy_tile) when it holds one, accumulate `matmul_tiles` over K (or `reduce_tile` over the
folded tiles), then pop the old chunk and push the new one — the CB rotates, as tt-metal's
large-block matmul does with its partials CB. Element-wise: computed
sub-expressions feeding an FPU binary op are packed to temporary CBs first."""

from __future__ import annotations

from dataclasses import replace
from math import gcd

from compiler.errors import CompileError, located
from compiler.ir import FPU_BINARY
from compiler.kernel_ir import ops as k


def chunk_size(ntiles: int, capacity: int) -> int:
    return max(d for d in range(1, min(ntiles, capacity) + 1) if ntiles % d == 0)


def _section(math: list[k.Op], between: list[k.Op], cs: int, out_cb: str) -> list[k.Op]:
    return [
        k.TileRegs("acquire"),
        *math,
        k.TileRegs("commit"),
        *between,
        k.TileRegs("wait"),
        k.CBOp(k.CBKind.RESERVE_BACK, out_cb, cs),
        k.For("i", cs, (k.PackTile("i", out_cb, "i"),)),
        k.CBOp(k.CBKind.PUSH_BACK, out_cb, cs),
        k.TileRegs("release"),
    ]


def _accumulate(acc: str, live_flag: str, total: int, cs: int, math: list[k.Op]) -> list[k.Op]:
    """Per chunk of `cs` accumulator tiles: reload the running value when the flag says the CB
    holds one, run `math` (tile i of the chunk in DST slot i), pop the old chunk and push the new
    one — the CB rotates, as tt-metal's large-block matmul does with its partials CB."""
    reload = k.If(
        live_flag,
        (
            k.CBOp(k.CBKind.WAIT_FRONT, acc, cs),
            k.CopyInit(acc),
            k.For("i", cs, (k.CopyTile(acc, "i", "i"),)),
        ),
    )
    body = _section(
        [reload, *math], [k.If(live_flag, (k.CBOp(k.CBKind.POP_FRONT, acc, cs),))], cs, acc
    )
    return [k.For("chunk", total // cs, tuple(body))]


def _chunk_tile(cs: int) -> k.IExpr:
    return k.add(k.mul("chunk", cs), "i")


def _matmul(op: k.MatmulBlock, capacity: int) -> list[k.Op]:
    total = op.mt * op.nt
    cs = chunk_size(total, capacity)
    t = _chunk_tile(cs)
    m, n = k.IBin("/", t, op.nt), k.IBin("%", t, op.nt)
    ib = k.add(k.mul(n, op.kt), "kt") if op.transpose_b else k.add(k.mul("kt", op.nt), n)
    mac = k.MatmulTiles(op.a, op.b, k.add(k.mul(m, op.kt), "kt"), ib, "i")
    math = [
        k.MatmulInit(op.a, op.b, op.transpose_b),
        k.For("i", cs, (k.For("kt", op.kt, (mac,)),)),
    ]
    return _accumulate(op.acc, op.live_flag, total, cs, math)


def _reduce(op: k.ReduceBlock, capacity: int) -> list[k.Op]:
    """dim 1: output tile m folds row m's nt tiles (REDUCE_ROW); dim 0: output tile n folds
    column n's mt tiles (REDUCE_COL). reduce_tile accumulates into DST, so a reloaded value
    takes part in the sum/max."""
    total, folded = (op.mt, op.nt) if op.dim == 1 else (op.nt, op.mt)
    cs = chunk_size(total, capacity)
    t = _chunk_tile(cs)
    index = k.add(k.mul(t, op.nt), "r") if op.dim == 1 else k.add(k.mul("r", op.nt), t)
    dim = "REDUCE_ROW" if op.dim == 1 else "REDUCE_COL"
    tile = k.ReduceTile(op.kind, dim, op.src, op.scaler, index, "i")
    math = [
        k.ReduceInit(op.kind, dim, op.src, op.scaler, op.acc),
        k.For("i", cs, (k.For("r", folded, (tile,)),)),
    ]
    return _accumulate(op.acc, op.live_flag, total, cs, math)


# binary op with one scalar operand -> (SFPU op with the scalar second, with the scalar first)
SCALAR_FORMS = {
    "add": ("add_scalar", "add_scalar"),
    "mul": ("mul_scalar", "mul_scalar"),
    "sub": ("sub_scalar", "rsub_scalar"),
    "div": ("div_scalar", None),
    "max": ("max_scalar", "max_scalar"),
    "min": ("min_scalar", "min_scalar"),
    "lt": ("lt_scalar", "gt_scalar"),
    "le": ("le_scalar", "ge_scalar"),
    "gt": ("gt_scalar", "lt_scalar"),
    "ge": ("ge_scalar", "le_scalar"),
    "eq": ("eq_scalar", "eq_scalar"),
    "ne": ("ne_scalar", "ne_scalar"),
    "pow": ("pow_scalar", None),
}


def _scalar_operand(e: k.TileExpr) -> bool:
    return len(e.args) == 2 and any(a.op == "const" for a in e.args)


def _fpu(e: k.TileExpr) -> bool:
    """add/sub/mul the FPU performs from CBs: of loads or spilled operands, at most one a
    broadcast, which add/mul can take second (mirrors `passes/eltwise.fpu_from_cbs`)."""
    if e.op not in FPU_BINARY or _scalar_operand(e):
        return False
    a, b = e.args
    if a.bcast and (e.op == "sub" or b.bcast):
        return False
    return all(x.op == "load" or x.spill for x in e.args)


class _Eltwise:
    def __init__(self, op: k.EltwiseBlock, cs: int, temps: list[str]) -> None:
        self.op, self.cs = op, cs
        self.free_temps = list(temps)
        self.produced: list[k.Op] = []
        self.used_temps: list[str] = []

    def index(self, cb: str) -> k.IExpr:
        # the destination rotates chunk by chunk, so its current chunk is at the front
        return (
            "i"
            if cb == self.op.dst or cb in self.used_temps
            else k.add(k.mul("chunk", self.cs), "i")
        )

    def bcast_index(self, e: k.TileExpr) -> k.IExpr:
        """The vector tile broadcast onto block tile t: its column (row vector) or row."""
        t = k.add(k.mul("chunk", self.cs), "i")
        return k.IBin("%" if e.bcast == "rows" else "/", t, e.period)

    def slot(self, level: int) -> k.IExpr:
        """DST slot of chunk tile i at `level` (levels hold an SFPU op's operands)."""
        return k.add(k.mul(level, self.cs), "i")

    def each(self, op: k.Op) -> k.For:
        return k.For("i", self.cs, (op,))

    def operand(self, e: k.TileExpr) -> str:
        """The CB holding `e`: a load's, or a temporary `e` is first computed into."""
        if e.op == "load":
            return e.cb
        if not self.free_temps:
            raise CompileError("manage_dst", "element-wise expression needs more temporary CBs")
        tmp = self.free_temps.pop(0)
        math = self.into_dst(replace(e, spill=False))
        self.produced += _section(math, [], self.cs, tmp)
        self.produced.append(k.CBOp(k.CBKind.WAIT_FRONT, tmp, self.cs))
        self.used_temps.append(tmp)
        return tmp

    def into_dst(self, e: k.TileExpr, level: int = 0) -> list[k.Op]:
        """Ops leaving `e` for tile i of the chunk in DST slot `slot(level)` (inside a `For i`);
        slots of higher levels are free to use."""
        slot = self.slot(level)
        if e.spill:
            return self.into_dst(k.TileExpr("load", cb=self.operand(e)), level)
        if e.op == "load" and e.bcast:
            return [
                k.UnaryBcastInit(e.cb, e.bcast),
                self.each(k.UnaryBcast(e.cb, self.bcast_index(e), slot, e.bcast)),
            ]
        if e.op == "load":
            return [k.CopyInit(e.cb), self.each(k.CopyTile(e.cb, self.index(e.cb), slot))]
        if e.op in ("fill", "const"):
            return [k.UnaryInit("fill"), self.each(k.UnaryTile("fill", slot, e.value))]
        if len(e.args) == 1:
            return [
                *self.into_dst(e.args[0], level),
                k.UnaryInit(e.op),
                self.each(k.UnaryTile(e.op, slot)),
            ]
        if e.op != "where" and _scalar_operand(e):
            return self.scalar(e, level)
        if _fpu(e):
            return self.fpu(e, slot)
        args = e.args
        ops = [op for n, a in enumerate(args) for op in self.into_dst(a, level + n)]
        srcs = tuple(self.slot(level + n) for n in range(len(args)))
        name = f"{e.op}_binary" if e.op in FPU_BINARY else e.op
        return [*ops, k.UnaryInit(name), self.each(k.SfpuTiles(name, srcs, slot))]

    def scalar(self, e: k.TileExpr, level: int) -> list[k.Op]:
        """A binary op with one constant operand: the SFPU's op-with-scalar forms."""
        a, b = e.args
        tensor, scalar = (b, a) if a.op == "const" else (a, b)
        name = SCALAR_FORMS[e.op][1 if a.op == "const" else 0]
        slot = self.slot(level)
        if e.op == "div" and a.op == "const":
            # c / x: the reciprocal, then times c
            ops = [*self.into_dst(tensor, level), k.UnaryInit("recip")]
            ops.append(self.each(k.UnaryTile("recip", slot)))
            if scalar.value != 1.0:
                ops += [k.UnaryInit("mul_scalar")]
                ops.append(self.each(k.UnaryTile("mul_scalar", slot, scalar.value)))
            return ops
        if e.op == "pow":
            n = int(scalar.value)
            ops = [*self.into_dst(tensor, level), k.UnaryInit("pow_scalar")]
            ops.append(self.each(k.UnaryTile("pow_scalar", slot, float(abs(n)))))
            if n < 0:
                ops += [k.UnaryInit("recip"), self.each(k.UnaryTile("recip", slot))]
            return ops
        return [
            *self.into_dst(tensor, level),
            k.UnaryInit(name),
            self.each(k.UnaryTile(name, slot, scalar.value)),
        ]

    def fpu(self, e: k.TileExpr, slot: k.IExpr) -> list[k.Op]:
        """add/sub/mul of two tiles in CBs (a spilled operand from its temporary)."""
        a, b = e.args
        if a.bcast:
            a, b = b, a  # the FPU broadcasts its second operand (add and mul commute)
        ca, cb = self.operand(a), self.operand(b)
        ib = self.bcast_index(b) if b.bcast else self.index(cb)
        tile = k.BinaryTiles(e.op, ca, cb, self.index(ca), ib, slot, b.bcast)
        return [k.BinaryInit(e.op, ca, cb, b.bcast), self.each(tile)]


def _nodes(e: k.TileExpr) -> list[k.TileExpr]:
    return [e, *(n for a in e.args for n in _nodes(a))]


def _loads(e: k.TileExpr, ntiles: int) -> dict[str, int]:
    """CB -> tiles of one block it holds (a broadcast vector holds one row or column)."""
    if e.op == "load":
        vector = {"": ntiles, "rows": e.period, "cols": ntiles // max(e.period, 1)}
        return {e.cb: vector[e.bcast]}
    return {cb: n for a in e.args for cb, n in _loads(a, ntiles).items()}


def _eltwise(op: k.EltwiseBlock, capacity: int, temps: list[str], filled: set[str]) -> list[k.Op]:
    """`filled`: reader CBs, already waited for where their copy is."""
    # element-wise chunks divide the block and leave room for the expression's DST slots (an
    # SFPU op of several tiles holds each operand in a slot of its own; `spills` made them fit);
    # temporaries are shared by every statement: one tile per section never wraps their CBs
    spilled = any(e.spill for e in _nodes(op.expr))
    cs = 1 if spilled else gcd(op.ntiles, capacity // op.levels)
    gen = _Eltwise(op, cs, temps)
    reads = _loads(op.expr, op.ntiles)
    waits = [
        k.CBOp(k.CBKind.WAIT_FRONT, cb, reads[cb]) for cb in sorted(set(reads) - {op.dst} - filled)
    ]
    head = [k.CBOp(k.CBKind.WAIT_FRONT, op.dst, cs)] if op.dst in reads else []
    math = gen.into_dst(op.expr)
    drop_old = (
        [k.If(op.dst_live_flag, (k.CBOp(k.CBKind.POP_FRONT, op.dst, cs),))]
        if op.dst_live_flag
        else []
    )
    body = head + gen.produced + _section(math, drop_old, cs, op.dst)
    body += [k.CBOp(k.CBKind.POP_FRONT, tmp, cs) for tmp in gen.used_temps]
    return [*waits, k.For("chunk", op.ntiles // cs, tuple(body))]


def manage_dst(lowered: k.Lowered) -> k.Lowered:
    program = lowered.program
    capacity = program.target.dst_tiles(program.fp32_dest_acc)
    filled = {c.name for c in program.cbs if c.producer == "reader"}
    temps = [
        c.name
        for c in program.cbs
        if c.buffer.startswith("tmp") and program.buffer(c.buffer) is None
    ]

    def expand(ops: tuple[k.Op, ...]) -> tuple[k.Op, ...]:
        out: list[k.Op] = []
        for op in ops:
            if isinstance(op, k.MatmulBlock):
                out += _matmul(op, capacity)
            elif isinstance(op, k.ReduceBlock):
                out += _reduce(op, capacity)
            elif isinstance(op, k.EltwiseBlock):
                with located(op.where):
                    out += _eltwise(op, capacity, temps, filled)
            elif isinstance(op, k.For | k.BlockLoop | k.If):
                out.append(replace(op, body=expand(op.body)))
            else:
                out.append(op)
        return tuple(out)

    return replace(lowered, body=expand(lowered.body))
