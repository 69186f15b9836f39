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
from compiler.kernel_ir import ops as k

SCALAR_OPS = {
    "add": ("add_scalar", "add_scalar"),
    "mul": ("mul_scalar", "mul_scalar"),
    "sub": ("sub_scalar", "rsub_scalar"),
}


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

    def operand(self, e: k.TileExpr) -> str:
        if e.op == "load":
            return e.cb
        if not self.free_temps:
            raise CompileError("manage_dst", "element-wise expression needs more temporary CBs")
        tmp = self.free_temps.pop(0)
        math = self.into_dst(e)
        self.produced += _section(math, [], self.cs, tmp)
        self.produced.append(k.CBOp(k.CBKind.WAIT_FRONT, tmp, self.cs))
        self.used_temps.append(tmp)
        return tmp

    def into_dst(self, e: k.TileExpr) -> list[k.Op]:
        """Ops leaving `e` for tile i of the chunk in DST slot i (inside a `For i`)."""
        if e.op == "load":
            if e.bcast:
                raise CompileError(
                    "T.Parallel", f"broadcast vector {e.cb} must be an operand of add, sub or mul"
                )
            return [
                k.CopyInit(e.cb),
                k.For("i", self.cs, (k.CopyTile(e.cb, self.index(e.cb), "i"),)),
            ]
        if e.op == "fill":
            return [k.UnaryInit("fill"), k.For("i", self.cs, (k.UnaryTile("fill", "i", e.value),))]
        if e.op == "const":
            raise CompileError("T.Parallel", "an element-wise expression needs a tensor operand")
        if len(e.args) == 1:
            return [
                *self.into_dst(e.args[0]),
                k.UnaryInit(e.op),
                k.For("i", self.cs, (k.UnaryTile(e.op, "i"),)),
            ]
        a, b = e.args
        if a.op == "const" or b.op == "const":
            if e.op not in SCALAR_OPS:
                raise CompileError("T.Parallel", f"{e.op} with a scalar operand is not supported")
            tensor, scalar = (b, a) if a.op == "const" else (a, b)
            name = SCALAR_OPS[e.op][1 if a.op == "const" else 0]
            return [
                *self.into_dst(tensor),
                k.UnaryInit(name),
                k.For("i", self.cs, (k.UnaryTile(name, "i", scalar.value),)),
            ]
        if a.bcast and e.op in ("add", "mul"):
            a, b = b, a  # the FPU broadcasts its second operand
        if a.bcast:
            raise CompileError("T.Parallel", f"{e.op} with a broadcast first operand")
        ca, cb = self.operand(a), self.operand(b)
        ib = self.bcast_index(b) if b.bcast else self.index(cb)
        tile = k.BinaryTiles(e.op, ca, cb, self.index(ca), ib, "i", b.bcast)
        return [k.BinaryInit(e.op, ca, cb, b.bcast), k.For("i", self.cs, (tile,))]


def _loads(e: k.TileExpr, ntiles: int) -> dict[str, int]:
    """CB -> tiles of one block it holds (a broadcast vector holds one row or column)."""
    if e.op == "load":
        vector = {"": ntiles, "rows": e.period, "cols": ntiles // max(e.period, 1)}
        return {e.cb: vector[e.bcast]}
    return {cb: n for a in e.args for cb, n in _loads(a, ntiles).items()}


def _eltwise(op: k.EltwiseBlock, capacity: int, temps: list[str], filled: set[str]) -> list[k.Op]:
    """`filled`: reader CBs, already waited for where their copy is."""
    # temporaries hold one DST's worth of tiles; a CB's size must be a multiple of what is
    # reserved at once, so element-wise chunks divide the DST capacity as well as the block
    cs = gcd(op.ntiles, capacity)
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
