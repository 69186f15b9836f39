"""The tile-program IR: what the frontend reads out of a TileLang PrimFunc, and what the passes
in `compiler.passes` rewrite before lowering to per-role kernel IR (`compiler.kernel_ir`).

It keeps TileLang's vocabulary (global tensors, shared/fragment buffers, copies, gemm, fills,
element-wise Parallel assignments, serial/pipelined loops) with indices as affine expressions
over the grid and loop variables. Passes add their results as fields (target, schedule, CBs).
"""

from __future__ import annotations

from dataclasses import dataclass

from compiler.targets import Target


@dataclass(frozen=True)
class Affine:
    """sum(coeff * var) + const over integer loop/grid variables."""

    terms: tuple[tuple[str, int], ...] = ()
    const: int = 0

    @staticmethod
    def of(value: int) -> Affine:
        return Affine((), value)

    def __add__(self, other: Affine) -> Affine:
        merged = dict(self.terms)
        for var, coeff in other.terms:
            merged[var] = merged.get(var, 0) + coeff
        terms = tuple(sorted((v, c) for v, c in merged.items() if c != 0))
        return Affine(terms, self.const + other.const)

    def scale(self, factor: int) -> Affine:
        if factor == 0:
            return Affine()
        return Affine(tuple((v, c * factor) for v, c in self.terms), self.const * factor)

    def coeff(self, var: str) -> int:
        return dict(self.terms).get(var, 0)

    def without(self, var: str) -> Affine:
        return Affine(tuple((v, c) for v, c in self.terms if v != var), self.const)

    def divisible_by(self, n: int) -> bool:
        return self.const % n == 0 and all(c % n == 0 for _, c in self.terms)

    def floordiv_exact(self, n: int) -> Affine:
        assert self.divisible_by(n), f"{self} is not divisible by {n}"
        return Affine(tuple((v, c // n) for v, c in self.terms), self.const // n)

    def __str__(self) -> str:
        parts = [f"{c}*{v}" if c != 1 else v for v, c in self.terms]
        if self.const or not parts:
            parts.append(str(self.const))
        return " + ".join(parts)


@dataclass(frozen=True)
class Derived:
    """`var / by` or `var % by` (C++ unsigned division) of a grid variable, named `name` in
    affine indices: a flattened grid's coordinates (`bz = by // heads`) or a GQA head group
    (`by // groups`). The block loop computes it beside the grid coordinates."""

    name: str
    var: str
    op: str  # "/" | "%"
    by: int

    def extent(self, var_extent: int) -> int:
        return -(-var_extent // self.by) if self.op == "/" else min(self.by, var_extent)


@dataclass(frozen=True)
class Tensor:
    """A global (DRAM) tensor parameter of the kernel. `shape` is 2-D; a 1-D parameter
    (`host_shape`) is viewed as a (1, n) row or (n, 1) column (see the frontend). A tensor of
    rank >= 3 is `panels` 2-D panels of `shape`: `dim_order` permutes its dims to (panel dims...,
    tiled row dim, tiled column dim) and the panels follow each other in row-major order of the
    panel dims (`compiler/frontend/ndim.py` picks the tiled pair from the kernel's windows)."""

    name: str
    shape: tuple[int, ...]
    dtype: str
    host_shape: tuple[int, ...] = ()
    dim_order: tuple[int, ...] = ()
    panels: int = 1


@dataclass(frozen=True)
class LocalBuffer:
    """`T.alloc_shared` (scope "shared") or `T.alloc_fragment` (scope "fragment"); a 1-D buffer
    is a "row" or "col" `vector` viewed as whole tiles."""

    name: str
    shape: tuple[int, ...]
    dtype: str
    scope: str
    vector: str = ""


@dataclass(frozen=True)
class Region:
    """A rectangular window `buffer[start : start + extent]`, `start` affine in loop variables.
    A window of an N-D tensor also names its panels: `panels` 2-D panels from flat panel index
    `panel` on, `panel_stride` apart, each windowed by start/extent (stacked, they are `shape`)."""

    buffer: str
    start: tuple[Affine, ...]
    extent: tuple[int, ...]
    panel: Affine = Affine()
    panels: int = 1
    panel_stride: int = 1

    @property
    def shape(self) -> tuple[int, ...]:
        """The data the window moves: its panels stacked along the rows."""
        if self.panels == 1:
            return self.extent
        return (self.panels * self.extent[0], *self.extent[1:])

    def __str__(self) -> str:
        dims = ", ".join(f"{s} : +{e}" for s, e in zip(self.start, self.extent, strict=True))
        if self.panel == Affine() and self.panels == 1:
            return f"{self.buffer}[{dims}]"
        step = f" step {self.panel_stride}" if self.panels > 1 else ""
        return f"{self.buffer}[panel {self.panel} : +{self.panels}{step}; {dims}]"


# --- element-wise expressions (bodies of T.Parallel loops) -------------------------------------
@dataclass(frozen=True)
class Load:
    """A read of `region`; with `bcast`, a vector broadcast over the T.Parallel nest: "rows"
    (a row vector `x[j]`, the same for every row) or "cols" (a column vector `x[i]`)."""

    region: Region
    bcast: str = ""


@dataclass(frozen=True)
class Const:
    value: float


@dataclass(frozen=True)
class Unary:
    op: str  # exp, relu, sqrt, ... or typecast_<from>_<to> (see `typecast_op`)
    x: Expr


def typecast_op(src: str, dst: str) -> str:
    """The unary op of `T.cast(x, dst)` on an x of dtype `src` (an SFPU `typecast_tile`)."""
    return f"typecast_{src}_{dst}"


def typecast_dtypes(op: str) -> tuple[str, str] | None:
    """(from, to) of a `typecast_op`, None for other ops."""
    if not op.startswith("typecast_"):
        return None
    src, dst = op.removeprefix("typecast_").split("_")
    return src, dst


# FPU binary ops (both operands tiles in CBs) and the SFPU's binary ops on two DST tiles;
# comparisons give 1.0 where they hold, else 0.0; `pow` takes an integer constant exponent.
FPU_BINARY = ("add", "sub", "mul")
COMPARISONS = ("lt", "le", "gt", "ge", "eq", "ne")
BINARY_OPS = (*FPU_BINARY, "div", "max", "min", "pow", *COMPARISONS)


@dataclass(frozen=True)
class Binary:
    op: str  # one of BINARY_OPS
    a: Expr
    b: Expr


@dataclass(frozen=True)
class Select:
    """`T.if_then_else(cond, a, b)` element-wise: a where cond is non-zero, else b."""

    cond: Expr
    a: Expr
    b: Expr


@dataclass(frozen=True)
class Mask:
    """A condition on element indices only (a causal or length mask): 1.0 where, for some
    conjunction of `terms`, every `(d, op)` of it holds as `d op 0`, with `d` affine in the
    T.Parallel variables `i` (rows) and `j` (columns) and the loop/grid variables. The reader
    writes it as tiles of the destination's block (`name` is its CB's buffer), as tt-metal's
    attention kernels do."""

    terms: tuple[tuple[tuple[Affine, str], ...], ...]  # or of ands
    i: str
    j: str
    name: str


Expr = Load | Const | Unary | Binary | Select | Mask


def expr_children(expr: Expr) -> tuple[Expr, ...]:
    if isinstance(expr, Unary):
        return (expr.x,)
    if isinstance(expr, Binary):
        return (expr.a, expr.b)
    if isinstance(expr, Select):
        return (expr.cond, expr.a, expr.b)
    return ()


def with_children(expr: Expr, children: tuple[Expr, ...]) -> Expr:
    """`expr` with its sub-expressions replaced by `children` (in `expr_children` order)."""
    if isinstance(expr, Unary):
        return Unary(expr.op, *children)
    if isinstance(expr, Binary):
        return Binary(expr.op, *children)
    if isinstance(expr, Select):
        return Select(*children)
    return expr


def expr_nodes(expr: Expr) -> list[Expr]:
    """`expr` and every sub-expression, parents first."""
    return [expr, *(n for c in expr_children(expr) for n in expr_nodes(c))]


def expr_load_nodes(expr: Expr) -> list[Load]:
    return [n for n in expr_nodes(expr) if isinstance(n, Load)]


def expr_masks(expr: Expr) -> list[Mask]:
    return [n for n in expr_nodes(expr) if isinstance(n, Mask)]


def expr_loads(expr: Expr) -> list[Region]:
    return [load.region for load in expr_load_nodes(expr)]


def expr_str(expr: Expr) -> str:
    if isinstance(expr, Load):
        return f"{expr.region}{' bcast ' + expr.bcast if expr.bcast else ''}"
    if isinstance(expr, Const):
        return repr(expr.value)
    if isinstance(expr, Unary):
        return f"{expr.op}({expr_str(expr.x)})"
    if isinstance(expr, Select):
        return f"select({expr_str(expr.cond)}, {expr_str(expr.a)}, {expr_str(expr.b)})"
    if isinstance(expr, Mask):
        terms = " or ".join(
            "(" + " and ".join(f"{d} {op} 0" for d, op in conj) + ")" for conj in expr.terms
        )
        return f"{expr.name}[{expr.i}, {expr.j}]({terms})"
    return f"{expr.op}({expr_str(expr.a)}, {expr_str(expr.b)})"


# --- statements ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Copy:
    src: Region
    dst: Region
    where: str


@dataclass(frozen=True)
class Fill:
    buffer: str
    value: float
    where: str


@dataclass(frozen=True)
class Gemm:
    a: str
    b: str
    c: str
    trans_a: bool
    trans_b: bool
    clear_accum: bool
    where: str


@dataclass(frozen=True)
class Reduce:
    """`T.reduce_sum/max(src, dst, dim, clear)`: `dim` of src's 2-D view is folded away; with
    `clear` false the result is combined with dst's value."""

    src: str
    dst: str
    kind: str  # sum | max
    dim: int
    clear: bool
    where: str


@dataclass(frozen=True)
class Eltwise:
    """`dst[i, j] = expr` for every (i, j) of a T.Parallel nest; regions span the whole nest."""

    dst: Region
    expr: Expr
    where: str


@dataclass(frozen=True)
class Gather:
    """`dst[i, j] = cond ? tensor[row, col] : 0` over a whole local buffer, with row/col/cond
    C++ int32 expressions in i, j and the loop/grid variables (see `frontend/gather.py`: within
    a 32-column slice row and cond are constant and col is contiguous from a multiple of 32)."""

    dst: str
    tensor: str
    row: str
    col: str
    cond: str
    i: str
    j: str
    where: str
    panel: str = "0"  # an N-D tensor: the flat panel index of the row (constant per slice too)


@dataclass(frozen=True)
class Loop:
    """A serial loop; `num_stages` is n when written as `T.Pipelined(..., num_stages=n)`, 0 for
    a plain serial loop. With `stop`, a block-dependent bound (the causal key loop of flash
    attention, `T.min(n, T.ceildiv((bx + 1) * block_M, block_N))`): the loop runs
    min(extent, a // d for every (a, d) of `stop`) times, `a` affine in grid variables, at
    least once for every block; `extent` stays the upper bound."""

    var: str
    extent: int
    num_stages: int
    body: tuple[Stmt, ...]
    where: str
    stop: tuple[tuple[Affine, int], ...] = ()


@dataclass(frozen=True)
class BlockLoop:
    """The persistent per-core loop over this core's contiguous range of grid blocks."""

    body: tuple[Stmt, ...]


Stmt = Copy | Fill | Gemm | Reduce | Gather | Eltwise | Loop | BlockLoop


@dataclass(frozen=True)
class CoreWork:
    core: tuple[int, int]
    first_block: int
    num_blocks: int


@dataclass(frozen=True)
class Schedule:
    """Blocks (row-major over the grid, first grid variable fastest) to cores."""

    num_blocks: int
    work: tuple[CoreWork, ...]


@dataclass(frozen=True)
class TensorLayout:
    """A DRAM-interleaved tensor in 32x32 tiles (row-major tile order), zero-padded to tiles."""

    tensor: str
    rows: int
    cols: int
    tile_rows: int
    tile_cols: int
    dtype: str
    panels: int = 1  # an N-D tensor: this many rows x cols panels, one after the other

    @property
    def panel_tiles(self) -> int:
        return self.tile_rows * self.tile_cols


@dataclass(frozen=True)
class CB:
    """A circular buffer in L1: one per local buffer, plus staging CBs for global outputs."""

    index: int
    name: str
    buffer: str
    dtype: str
    block_tiles: int  # tiles of one block (one fill)
    num_pages: int  # capacity: block_tiles * depth
    producer: str  # "reader" | "compute"


@dataclass(frozen=True)
class Program:
    name: str
    tensors: tuple[Tensor, ...]
    buffers: tuple[LocalBuffer, ...]
    grid: tuple[tuple[str, int], ...]  # (var, extent), first = blockIdx.x
    threads: int
    body: tuple[Stmt, ...]
    derived: tuple[Derived, ...] = ()  # floordiv/mod of grid variables used in indices
    target: Target | None = None
    fp32_dest_acc: bool = False  # DST holds fp32 (half the tiles); set with the target
    schedule: Schedule | None = None
    layouts: tuple[TensorLayout, ...] = ()
    cbs: tuple[CB, ...] = ()

    def tensor(self, name: str) -> Tensor | None:
        return next((t for t in self.tensors if t.name == name), None)

    def buffer(self, name: str) -> LocalBuffer | None:
        return next((b for b in self.buffers if b.name == name), None)

    def cb_for(self, buffer: str) -> CB:
        found = next((c for c in self.cbs if c.buffer == buffer), None)
        assert found is not None, f"no CB allocated for {buffer}"
        return found

    def cb_for_name(self, name: str) -> CB:
        found = next((c for c in self.cbs if c.name == name), None)
        assert found is not None, f"no CB named {name}"
        return found

    def layout(self, tensor: str) -> TensorLayout:
        found = next((x for x in self.layouts if x.tensor == tensor), None)
        assert found is not None, f"no layout for tensor {tensor}"
        return found


def walk(stmts: tuple[Stmt, ...]):
    """Every statement in program order, loops before their bodies."""
    for s in stmts:
        yield s
        if isinstance(s, Loop | BlockLoop):
            yield from walk(s.body)


def dump(program: Program) -> str:
    """A readable text form of the program, used by --dump-ir."""
    lines = [f"program {program.name} grid={list(program.grid)} threads={program.threads}"]
    if program.target:
        lines.append(f"  target {program.target.name} grid={program.target.grid}")
    lines += [f"  tensor {t.name}{list(t.shape)} {t.dtype}" for t in program.tensors]
    lines += [f"  layout {x}" for x in program.layouts]
    lines += [f"  {b.scope} {b.name}{list(b.shape)} {b.dtype}" for b in program.buffers]
    lines += [f"  cb {c}" for c in program.cbs]
    if program.schedule:
        s = program.schedule
        lines.append(f"  schedule {s.num_blocks} blocks on {len(s.work)} cores")
        lines += [f"    core {w.core}: blocks [{w.first_block}, +{w.num_blocks})" for w in s.work]

    def emit(stmts: tuple[Stmt, ...], depth: int) -> None:
        pad = "  " * depth
        for s in stmts:
            if isinstance(s, Loop):
                lines.append(f"{pad}for {s.var} in range({s.extent}) stages={s.num_stages}:")
                emit(s.body, depth + 1)
            elif isinstance(s, BlockLoop):
                lines.append(f"{pad}for block in this core's blocks:")
                emit(s.body, depth + 1)
            elif isinstance(s, Copy):
                lines.append(f"{pad}copy {s.src} -> {s.dst}")
            elif isinstance(s, Fill):
                lines.append(f"{pad}fill {s.buffer} = {s.value}")
            elif isinstance(s, Gemm):
                lines.append(f"{pad}gemm {s.c} += {s.a} @ {s.b} trans_b={s.trans_b}")
            elif isinstance(s, Reduce):
                lines.append(f"{pad}reduce_{s.kind} {s.dst} <- {s.src} dim={s.dim} clear={s.clear}")
            elif isinstance(s, Gather):
                lines.append(
                    f"{pad}gather {s.dst}[{s.i}, {s.j}] = {s.cond} ? {s.tensor}[{s.row}, {s.col}] : 0"
                )
            else:
                lines.append(f"{pad}{s.dst} = {expr_str(s.expr)}")

    emit(program.body, 2)
    return "\n".join(lines) + "\n"
