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
from dataclasses import dataclass, replace

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
    Mask,
    Program,
    Reduce,
    Region,
    Select,
    Stmt,
    TensorLayout,
    Unary,
    expr_children,
    expr_load_nodes,
    typecast_dtypes,
    walk,
)
from compiler.kernel_ir import ops as k
from compiler.passes.cbs import SCALER
from compiler.passes.eltwise import slots, spills
from compiler.targets import TILE


def _affine_index(a: Affine) -> k.IExpr:
    out: k.IExpr = a.const
    for var, coeff in a.terms:
        out = k.add(out, k.mul(var, coeff))
    return out


_CPP_COMPARE = {"lt": "<", "le": "<=", "gt": ">", "ge": ">=", "eq": "==", "ne": "!="}


def mask_condition(m: Mask) -> str:
    """The mask's condition as a C++ expression over int32 indices (loop and grid variables are
    uint32_t in the kernels; a difference of them may be negative)."""

    def term(var: str, coeff: int) -> str:
        value = var if var in (m.i, m.j) else f"static_cast<int32_t>({var})"
        return {1: value, -1: f"-{value}"}.get(coeff, f"{coeff} * {value}")

    def compare(d: Affine, op: str) -> str:
        lhs = " + ".join([term(v, c) for v, c in d.terms] + ([str(d.const)] if d.const else []))
        return f"{(lhs or '0').replace('+ -', '- ')} {_CPP_COMPARE[op]} 0"

    ands = [" && ".join(f"({compare(d, op)})" for d, op in conj) for conj in m.terms]
    return ands[0] if len(ands) == 1 else " || ".join(f"({a})" for a in ands)


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


def _edge_dims(
    layout: TensorLayout, start: tuple[Affine, ...], extent: tuple[int, ...]
) -> set[int]:
    """Dims (0 rows, 1 columns) along which a block copied from the tensor may hold elements
    past its logical edge: the tensor is ragged there, or the blocks do not tile its tiles."""
    out = set()
    sizes = ((layout.rows, layout.tile_rows), (layout.cols, layout.tile_cols))
    for dim, (size, tiles) in enumerate(sizes):
        if size % TILE or tiles % (extent[dim] // TILE) or not start[dim].divisible_by(TILE):
            out.add(dim)
    return out


@dataclass(frozen=True)
class Pad:
    """What a block holds past a tensor's edge along one dim: `value` (None: values computed
    from the padding), and where the block sits in the tensor along that dim (`start`, None
    when unknown) and the tensor's size there, so a length mask can be recognised."""

    value: float | None
    start: Affine | None = None
    size: int = 0
    # a block holding a mask select of constants (`-inf` where k * block_N + j >= seq_len, else
    # 0) has no padding of its own, but what a gemm accumulating onto it adds past an edge
    # gets the select's value there
    select: Select | None = None

    def computed(self) -> Pad:
        return Pad(None, self.start, self.size)


def _real(pads: dict[int, Pad]) -> dict[int, Pad]:
    """The dims that do hold padding (not just a mask select waiting for some)."""
    return {d: p for d, p in pads.items() if p.select is None}


NEUTRAL = {"sum": 0.0, "max": -math.inf}  # what padding must hold for a reduction to ignore it


def mask_on_padding(m: Mask, var: str, pad: Pad, other: Pad | None = None) -> bool | None:
    """The mask's value at every padded element along the dim indexed by `var`, when its
    condition is the length test `index < size` (or its negation) there; else None.

    With `other`, the padding along the other dim (indexed by the mask's other variable), a
    causal test `row + c >= col` is decided too, on the rows that are not themselves past the
    edge (those are padding along the other dim, tracked there): there `row < other.size`, so
    `row + c < col` on every padded column when `other.size + c <= size`."""
    if pad.start is None:
        return None
    index = Affine() + pad.start + Affine(((var, 1),))
    other_var = m.i if var == m.j else m.j
    other_index = (
        None
        if other is None or other.start is None
        else Affine() + other.start + Affine(((other_var, 1),))
    )

    flip = {"ge": "le", "gt": "lt", "le": "ge", "lt": "gt"}

    def on_padding(d: Affine, op: str) -> bool | None:
        """`d op 0` on the padding (index >= size) when d is +-(index - bound): `index >= bound`
        holds there for every bound <= size, `index < bound` fails there likewise."""
        for sign in (1, -1):
            rest = d + index.scale(-sign)
            if rest.terms and other_index is not None and op in flip:
                # sign * (index - other_index - c) op 0, with other_index <= other.size - 1
                c = (rest + other_index.scale(sign)).scale(-sign)
                if not c.terms and other.size + c.const <= pad.size:
                    return (op in ("ge", "gt")) == (sign == 1)
            if rest.terms or op not in flip:
                continue
            bound, cmp = -rest.const * sign, op if sign == 1 else flip[op]
            covered = bound < pad.size if cmp in ("gt", "le") else bound <= pad.size
            return (cmp in ("ge", "gt")) if covered else None
        return None

    conjs = [[on_padding(d, op) for d, op in conj] for conj in m.terms]
    if all(False in conj for conj in conjs):
        return False
    if any(conj and all(v is True for v in conj) for conj in conjs):
        return True
    return None


State = dict[str, dict[int, Pad]]
FINITE = "finite"  # an operand that is not padding along the dim: some finite value
_UNARY = {
    "exp": math.exp,
    "exp2": lambda x: 2.0**x,
    "log": math.log,
    "log2": math.log2,
    "sqrt": math.sqrt,
    "rsqrt": lambda x: 1 / math.sqrt(x),
    "abs": abs,
    "relu": lambda x: max(x, 0.0),
    "tanh": math.tanh,
    "erf": math.erf,
    "sigmoid": lambda x: 1 / (1 + math.exp(-x)),
}
_BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "max": max,
    "min": min,
}


def _at_padding(expr, dim: int, state: State) -> float | None:
    """What `expr` holds at the padded elements along `dim`, when the padding it reads is
    known: padding folded through the expression, other operands some finite value
    (`-inf * s - m * s` is -inf whatever m is, and exp2 of it 0); None when unknown."""

    def ev(e) -> float | str | None:
        if isinstance(e, Const):
            return e.value
        if isinstance(e, Load):
            keep = {"": (0, 1), "cols": (0,), "rows": (1,)}[e.bcast]
            pad = _real(state.get(e.region.buffer, {})).get(dim) if dim in keep else None
            return FINITE if pad is None else pad.value
        args = [ev(x) for x in expr_children(e)]
        if None in args or not isinstance(e, Unary | Binary):
            return None
        if all(isinstance(a, float) for a in args):
            fn = _UNARY.get(e.op) if isinstance(e, Unary) else _BINARY.get(e.op)
            try:
                return None if fn is None else float(fn(*args))
            except (ValueError, OverflowError, ZeroDivisionError):
                return None
        if isinstance(e, Unary):
            return FINITE if e.op in _UNARY else None
        a, b = args
        inf = next((x for x in args if isinstance(x, float) and math.isinf(x)), None)
        if inf is None:
            return FINITE if e.op in _BINARY else None
        if e.op == "add":
            return inf
        if e.op == "sub":
            return inf if a == inf else -inf
        if e.op in ("max", "min"):
            keeps_inf = (inf > 0) == (e.op == "max")
            return inf if keeps_inf else FINITE
        if e.op == "mul" and isinstance(a, float) != isinstance(b, float):
            return None  # inf times an unknown finite value: its sign, or NaN for 0
        return None

    value = ev(expr)
    return value if isinstance(value, float) else None


def _join(a: State, b: State) -> State:
    """What may hold after either of two paths: a dim padded on one path is padded after both;
    different contents become computed values."""
    out: State = {}
    for name in {*a, *b}:
        x, y = a.get(name, {}), b.get(name, {})
        out[name] = {
            d: x.get(d, y.get(d)) if x.get(d, y.get(d)) == y.get(d, x.get(d)) else Pad(None)
            for d in {*x, *y}
        }
    return out


class _Padding:
    """Flow analysis over the tile program: for every local buffer, the dims (0 rows, 1 columns)
    along which its block may hold elements past a tensor's edge, and what they hold — the
    reader's padding (0, or -inf for a buffer only max-reduced), what a reduction or a length
    mask makes of it, or values computed from it (`Pad(None)`: the writer crops them, but a
    reduction would fold them in). `at_reduce[id(stmt)]` is the padding a reduction's source
    holds along the reduced dim where it runs (loops are iterated to a fixed point)."""

    def __init__(self, program: Program) -> None:
        self.p = program
        self.at_reduce: dict[int, Pad | None] = {}
        # where each reader-fed block sits in its tensor along each dim, padded or not: a
        # causal mask's row bound (`rows < the tensor's size`) holds for unpadded rows too
        self.origin: dict[str, dict[int, Pad]] = {}
        self.stmts(program.body, {})

    def stmts(self, stmts: tuple[Stmt, ...], state: State) -> State:
        for s in stmts:
            if isinstance(s, Loop | BlockLoop):
                entry = state
                while True:
                    out = self.stmts(s.body, dict(entry))
                    joined = _join(entry, out)
                    if joined == entry:
                        break
                    entry = joined
                state = out
            else:
                written = self.write(s, state)
                if not (isinstance(s, Copy) and self.p.tensor(s.src.buffer)):
                    for name in written:  # no longer the block the reader copied
                        self.origin.pop(name, None)
                state = {**state, **written}
        return state

    def expr(self, expr, state: State) -> dict[int, Pad]:
        if isinstance(expr, Load):  # a plain copy keeps the padding as it is
            keep = {"": (0, 1), "cols": (0,), "rows": (1,)}[expr.bcast]
            return {d: v for d, v in _real(state.get(expr.region.buffer, {})).items() if d in keep}
        if isinstance(expr, Select) and isinstance(expr.cond, Mask):
            branches = [self.expr(x, state) for x in (expr.a, expr.b)]
            out = {}
            for d in {d for b in branches for d in b}:
                pad = next(b[d] for b in branches if d in b)
                side = mask_on_padding(expr.cond, expr.cond.i if d == 0 else expr.cond.j, pad)
                chosen = None if side is None else (expr.a if side else expr.b)
                if isinstance(chosen, Const):
                    out[d] = Pad(chosen.value, pad.start, pad.size)
                elif isinstance(chosen, Load):
                    out[d] = branches[0 if side else 1].get(d, pad)
                else:
                    out[d] = pad.computed()
            return out
        pads = {d: p for load in expr_load_nodes(expr) for d, p in self.expr(load, state).items()}
        return {d: Pad(_at_padding(expr, d, state), p.start, p.size) for d, p in pads.items()}

    def write(self, s: Stmt, state: State) -> State:
        """The buffers `s` writes -> their padding after it."""
        if isinstance(s, Copy) and self.p.tensor(s.src.buffer):
            layout = self.p.layout(s.src.buffer)
            edges = _edge_dims(layout, s.src.start, s.src.extent)
            value = _pad_value(self.p, s.dst.buffer, bool(edges))
            sizes = (layout.rows, layout.cols)
            self.origin[s.dst.buffer] = {d: Pad(None, s.src.start[d], sizes[d]) for d in (0, 1)}
            return {s.dst.buffer: {d: Pad(value, s.src.start[d], sizes[d]) for d in edges}}
        if (
            isinstance(s, Eltwise)
            and isinstance(s.expr, Select)
            and isinstance(s.expr.cond, Mask)
            and isinstance(s.expr.a, Const)
            and isinstance(s.expr.b, Const)
        ):
            return {s.dst.buffer: {d: Pad(None, select=s.expr) for d in (0, 1)}}
        if isinstance(s, Copy | Eltwise) and self.p.buffer(s.dst.buffer):
            return {s.dst.buffer: self.expr(Load(s.src) if isinstance(s, Copy) else s.expr, state)}
        if isinstance(s, Fill):
            return {s.buffer: {}}
        if isinstance(s, Gemm):
            # C's rows follow A's rows, its columns B's columns (rows when transposed): zero
            # padding gives zeros there, on top of what C held; anything but zeros along K
            # spoils all of C
            a, b = _real(state.get(s.a, {})), _real(state.get(s.b, {}))
            k_b = 1 if s.trans_b else 0
            if a.get(1, Pad(0.0)).value != 0.0 or b.get(k_b, Pad(0.0)).value != 0.0:
                return {s.c: {0: Pad(None), 1: Pad(None)}}
            old = {} if s.clear_accum else state.get(s.c, {})
            out = _real(old)
            for d, pad in ((0, a.get(0)), (1, b.get(1 - k_b))):
                if pad is None or d in out:
                    continue  # no padding added, or the product's zeros keep C's
                prior = old.get(d)
                if prior is None or prior.select is None:
                    out[d] = pad
                    continue
                var = prior.select.cond.i if d == 0 else prior.select.cond.j
                across = (
                    a.get(0) or self.origin.get(s.a, {}).get(0)
                    if d == 1
                    else b.get(1 - k_b) or self.origin.get(s.b, {}).get(1 - k_b)
                )
                side = mask_on_padding(prior.select.cond, var, pad, across)
                chosen = None if side is None else (prior.select.a if side else prior.select.b)
                out[d] = Pad(chosen.value, pad.start, pad.size) if chosen else pad.computed()
            return {s.c: out}
        if isinstance(s, Reduce):
            src = _real(state.get(s.src, {}))
            self.at_reduce[id(s)] = src.get(s.dim)
            kept = 1 - s.dim
            out = {} if s.clear else _real(state.get(s.dst, {}))
            if kept in src:
                pad = src[kept]
                new = pad if pad.value == NEUTRAL[s.kind] else pad.computed()
                out[kept] = new if out.get(kept, new) == new else Pad(None)
            return {s.dst: out}
        return {}


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
        self.padding = _Padding(program)
        self.spilled: set[int] = set()  # ids of the current expression's spilled operands
        self.pre: list[k.Op] = []  # mask tiles the current statement reads, made before it
        self.post: list[k.Op] = []  # and released after it

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
        if isinstance(e, Mask):
            return k.TileExpr("load", cb=self.mask(e, dst))
        cast = typecast_dtypes(e.op) if isinstance(e, Unary) else None
        if cast and cast[0] == "float32" and not self.p.fp32_dest_acc and not isinstance(e.x, Load):
            # a computed value already is in the 16-bit DST's format: TileLang's fp32
            # promotion of bf16 arithmetic has nothing to narrow
            inner = self.expr(e.x, dst, where)
            return replace(inner, spill=inner.spill or id(e) in self.spilled)
        args = tuple(self.expr(x, dst, where) for x in expr_children(e))
        op = "where" if isinstance(e, Select) else e.op
        return k.TileExpr(op, args, spill=id(e) in self.spilled)

    def mask(self, m: Mask, dst: Region) -> str:
        """The reader writes the mask's tiles for this statement; compute pops them after it."""
        cb = self.p.cb_for(m.name)
        rows, cols = (x // TILE for x in dst.extent)
        self.pre += [
            k.MaskTiles(cb.name, rows, cols, mask_condition(m), m.i, m.j, cb.dtype),
            k.CBOp(k.CBKind.WAIT_FRONT, cb.name, cb.block_tiles),
        ]
        self.post.append(k.CBOp(k.CBKind.POP_FRONT, cb.name, cb.block_tiles))
        return cb.name

    def write_local(self, dst: Region, expr: k.TileExpr, where: str, levels: int = 1) -> list[k.Op]:
        buf = self.p.buffer(dst.buffer)
        if dst.extent != buf.shape:
            raise CompileError(
                "T.Parallel", f"destination {dst} must cover the whole buffer", where
            )
        flag = live_flag(buf.name)
        self.live.add(buf.name)
        return [
            k.EltwiseBlock(
                self.cb(buf.name), expr, self.ntiles(buf.name), flag, levels=levels, where=where
            ),
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

    def write_global(
        self, dst: Region, expr: k.TileExpr, where: str, levels: int = 1
    ) -> list[k.Op]:
        """Compute packs the block into the tensor's output CB; the writer stores it."""
        out = self.p.cb_for(dst.buffer)
        rows, cols = (e // TILE for e in dst.extent)
        row0, col0 = (_tile_index(a) for a in dst.start)
        return [
            k.EltwiseBlock(out.name, expr, out.block_tiles, None, levels=levels, where=where),
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
        padding = self.padding.at_reduce.get(id(s)) or Pad(NEUTRAL[s.kind])
        if self.p.cb_for(s.src).producer == "compute" and padding.value != NEUTRAL[s.kind]:
            side = "columns" if s.dim == 1 else "rows"
            raise CompileError(
                f"T.reduce_{s.kind}",
                f"{s.src} is computed from a tensor block whose {side} reach past the tensor's "
                f"edge: the padding's computed values would take part in the reduction along "
                f"dim {s.dim}; mask them (`T.if_then_else(k * block + j < size, x, "
                f"{'-T.infinity(dtype)' if s.kind == 'max' else '0'})`) or use a block size "
                "that divides the tensor along it",
                s.where,
            )
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
            self.ensure, self.pre, self.post = [], [], []
            live_before = set(self.live)
            ops = self.stmt(s, pops)
            reads = [] if isinstance(s, Loop | BlockLoop) else self.ensure
            guards = [
                op for name in reads if name not in live_before for op in self.ensure_value(name)
            ]
            if isinstance(s, Loop | BlockLoop):
                out += guards + ops
            else:
                out += guards + self.pre + ops + self.post
        self.filled.pop()
        out += [k.CBOp(k.CBKind.POP_FRONT, cb, self.p.cb_for_name(cb).block_tiles) for cb in pops]
        return tuple(out)

    def stmt(self, s: Stmt, pops: list[str]) -> list[k.Op]:
        if isinstance(s, Loop):
            # what holds a value on every iteration: before the loop and after one body
            self.live &= live_after(self.p, s.body, self.live)
            count: k.IExpr = s.extent
            for a, by in s.stop:  # the block's own count: min(extent, a // by, ...)
                count = k.IBin("min", count, k.IBin("/", _affine_index(a), by))
            return [k.For(s.var, count, self.stmts(s.body))]
        if isinstance(s, BlockLoop):
            release = [op for name in self.owned() for op in self.clear(name)]
            self.live = set()
            body = self.stmts(s.body) + tuple(release)
            self.live = set()
            derived = tuple((d.name, d.var, d.op, d.by) for d in self.p.derived)
            counted = {
                v
                for x in walk(s.body)
                if isinstance(x, Loop)
                for a, _ in x.stop
                for v, _ in a.terms
            }
            zigzag = tuple(v for v, _ in self.p.grid if v in counted)
            return [k.BlockLoop(self.p.grid, body, derived, zigzag)]
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
        spilled = spills(s.expr, self.p.target.dst_tiles(self.p.fp32_dest_acc))
        self.spilled = {id(e) for e in spilled}
        expr = self.expr(s.expr, s.dst, s.where)
        levels = slots(s.expr, self.spilled)
        if self.p.tensor(s.dst.buffer):
            return self.write_global(s.dst, expr, s.where, levels)
        return self.write_local(s.dst, expr, s.where, levels)


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
