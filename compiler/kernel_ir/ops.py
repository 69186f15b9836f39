"""Kernel IR: a small tree of ops, each naming the Metalium call (or call pattern) it renders to.

Index expressions (`IExpr`) are ints, variable names, or `IBin` over them; they stay symbolic so
codegen can print readable loops and the verifier can bound them by interval arithmetic."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class IBin:
    op: str  # + - * / % min
    a: IExpr
    b: IExpr


IExpr = int | str | IBin


def add(a: IExpr, b: IExpr) -> IExpr:
    if a == 0:
        return b
    if b == 0:
        return a
    return IBin("+", a, b)


def mul(a: IExpr, b: IExpr) -> IExpr:
    if a == 1:
        return b
    if b == 1:
        return a
    if a == 0 or b == 0:
        return 0
    return IBin("*", a, b)


# --- structure ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class For:
    var: str
    extent: IExpr
    body: tuple[Op, ...]


@dataclass(frozen=True)
class BlockLoop:
    """This core's contiguous block range, decomposed into the TileLang grid variables."""

    grid: tuple[tuple[str, int], ...]
    body: tuple[Op, ...]
    # (name, grid var, "/" or "%", divisor): indices computed from the grid coordinates
    derived: tuple[tuple[str, str, str, int], ...] = ()
    # grid vars taken in zigzag order (0, n-1, 1, n-2, ...): a loop count grows with them, and
    # a core's contiguous range of blocks then mixes short and long ones
    zigzag: tuple[str, ...] = ()


@dataclass(frozen=True)
class If:
    flag: str
    body: tuple[Op, ...]
    negate: bool = False  # run the body when the flag is false


@dataclass(frozen=True)
class FlagDecl:
    flag: str


@dataclass(frozen=True)
class FlagSet:
    flag: str
    value: bool


# --- circular buffers ---------------------------------------------------------------------------
class CBKind(StrEnum):
    """The four CB synchronisation calls; each value is the Metalium call's name."""

    RESERVE_BACK = "cb_reserve_back"
    PUSH_BACK = "cb_push_back"
    WAIT_FRONT = "cb_wait_front"
    POP_FRONT = "cb_pop_front"


@dataclass(frozen=True)
class CBOp:
    kind: CBKind
    cb: str
    n: IExpr


# --- data movement --------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReadTiles:
    """Reserve `rows x cols` tiles of `cb`, NOC-read them from `tensor` starting at tile
    (row0, col0) (tiles past the tensor's edge filled with `pad`), barrier, push."""

    cb: str
    tensor: str
    row0: IExpr
    col0: IExpr
    rows: int
    cols: int
    row0_only: bool = False  # a row vector read only as a broadcast: row 0 of each tile
    # what elements past the tensor's logical edge read as: 0, or -inf for a max reduction
    # (then also the padded rows/columns of edge tiles, which the host fills with zeros)
    pad: float = 0.0
    panel: IExpr = 0  # an N-D tensor: the first panel read (flat index over its panel dims)
    panels: int = 1  # panels read one after the other, `panel_stride` apart
    panel_stride: int = 1

    @property
    def tiles(self) -> int:
        return self.rows * self.cols * self.panels


@dataclass(frozen=True)
class WriteTiles:
    """Wait for `rows x cols` tiles of `cb`, NOC-write them into `tensor` from tile (row0, col0)
    (tiles past the tensor's edge dropped), one barrier for the block, pop."""

    cb: str
    tensor: str
    row0: IExpr
    col0: IExpr
    rows: int
    cols: int
    panel: IExpr = 0  # as ReadTiles
    panels: int = 1
    panel_stride: int = 1

    @property
    def tiles(self) -> int:
        return self.rows * self.cols * self.panels


@dataclass(frozen=True)
class GatherTiles:
    """Reserve `rows x cols` tiles of `cb` and fill them row by row: row i of tile slice
    (tile column tc, j = 32 tc) is `tensor` row `row` from column `col` (32 elements, two face
    rows) when `cond` holds, else zeros; barrier, push. row/col/cond are C++ int32 expressions
    in `i`, `j` and the kernel's loop variables."""

    cb: str
    tensor: str
    rows: int
    cols: int
    row: str
    col: str
    cond: str
    i: str
    j: str
    panel: str = "0"  # an N-D tensor: C++ int32 flat panel index of the row

    @property
    def tiles(self) -> int:
        return self.rows * self.cols


@dataclass(frozen=True)
class MaskTiles:
    """Reserve `rows x cols` tiles of `cb` and write 1.0 where `cond` holds, else 0.0: `cond` is
    a C++ int32 expression in the element's block row `i`, column `j` and the kernel's loop and
    grid variables (a causal or length mask, made on the device); push."""

    cb: str
    rows: int
    cols: int
    cond: str
    i: str
    j: str
    dtype: str

    @property
    def tiles(self) -> int:
        return self.rows * self.cols


@dataclass(frozen=True)
class FillScaler:
    """Reserve one tile of `cb`, set every element to `value` (bf16), push: `reduce_tile`'s
    scaler operand."""

    cb: str
    value: float


# --- compute --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class HwStartup:
    in0: str
    in1: str
    out: str


@dataclass(frozen=True)
class TileRegs:
    phase: str  # acquire | commit | wait | release


@dataclass(frozen=True)
class MatmulInit:
    a: str
    b: str
    transpose: bool


@dataclass(frozen=True)
class MatmulTiles:
    a: str
    b: str
    ia: IExpr
    ib: IExpr
    dst: IExpr


@dataclass(frozen=True)
class CopyInit:
    cb: str


@dataclass(frozen=True)
class CopyTile:
    cb: str
    index: IExpr
    dst: IExpr


@dataclass(frozen=True)
class BinaryInit:
    op: str
    a: str
    b: str
    bcast: str = ""  # "" | rows (b's row 0 to every row) | cols (b's column 0 to every column)


@dataclass(frozen=True)
class BinaryTiles:
    op: str  # add | sub | mul
    a: str
    b: str
    ia: IExpr
    ib: IExpr
    dst: IExpr
    bcast: str = ""


@dataclass(frozen=True)
class UnaryBcastInit:
    cb: str
    bcast: str  # rows | cols


@dataclass(frozen=True)
class UnaryBcast:
    """Copy tile `index` of `cb` into DST[dst], its row 0 broadcast down ("rows") or its
    column 0 across ("cols")."""

    cb: str
    index: IExpr
    dst: IExpr
    bcast: str


@dataclass(frozen=True)
class SfpuTiles:
    """An SFPU op reading several DST tiles (`srcs`) into DST[dst]: a binary op (div, max,
    comparisons, ...) or `where` (srcs: condition, then, else)."""

    op: str
    srcs: tuple[IExpr, ...]
    dst: IExpr


@dataclass(frozen=True)
class UnaryInit:
    op: str


@dataclass(frozen=True)
class UnaryTile:
    op: str  # exp, relu, ... or add_scalar / mul_scalar / sub_scalar / rsub_scalar
    dst: IExpr
    scalar: float | None = None


@dataclass(frozen=True)
class ReduceInit:
    kind: str  # sum | max  (PoolType)
    dim: str  # REDUCE_ROW | REDUCE_COL  (ReduceDim)
    src: str
    scaler: str
    out: str


@dataclass(frozen=True)
class ReduceTile:
    kind: str
    dim: str
    src: str
    scaler: str
    index: IExpr
    dst: IExpr


@dataclass(frozen=True)
class Reconfig:
    """Configure `unit` (srca | srcb | pack) for the data format of `cb`."""

    unit: str
    cb: str


@dataclass(frozen=True)
class PackTile:
    """Pack DST[dst] to page `index` of the CB's reserved region (`pack_tile<true>`: out-of-order
    output, so the page is explicit rather than the packer's sequential write pointer)."""

    dst: IExpr
    cb: str
    index: IExpr


# --- pre-DST block ops (tensorize output; `manage_dst` expands them into DST sections) ---------
@dataclass(frozen=True)
class MatmulBlock:
    acc: str  # accumulator CB, holds the running value between K steps
    a: str
    b: str
    mt: int
    nt: int
    kt: int
    transpose_b: bool
    live_flag: str  # runtime flag: accumulator CB holds a value (else start from zero)


@dataclass(frozen=True)
class ReduceBlock:
    """Fold the `mt x nt` tiles of `src` along `dim` (1: each row -> REDUCE_ROW, result in
    column 0 of `mt` tiles; 0: each column -> REDUCE_COL, row 0 of `nt` tiles) into `acc`,
    combining with its value when `live_flag` is set."""

    acc: str
    src: str
    scaler: str
    kind: str
    dim: int
    mt: int
    nt: int
    live_flag: str


@dataclass(frozen=True)
class TileExpr:
    """Element-wise expression over CB tiles: leaves are ("cb", name) or ("const", value)."""

    # load | const | fill (every element = value) | unary op | binary op | where (cond, a, b)
    op: str
    args: tuple[TileExpr, ...] = ()
    cb: str = ""
    value: float = 0.0
    # a broadcast load: "rows" (a row vector, tile c of the block's column c) or "cols" (a
    # column vector, tile r of the block's row r); `period` = the block's tile columns
    bcast: str = ""
    period: int = 0
    # computed first, in a DST section of its own, into a temporary CB (the expression would
    # not fit the DST otherwise: `passes/eltwise.spills`)
    spill: bool = False


@dataclass(frozen=True)
class EltwiseBlock:
    dst: str
    expr: TileExpr
    ntiles: int
    dst_live_flag: str | None  # the destination's previous value is replaced chunk by chunk
    # DST slots per tile the expression holds at once (`passes/eltwise.slots`)
    levels: int = 1
    where: str = ""  # the T.Parallel statement it computes, for error messages


Op = (
    For
    | BlockLoop
    | If
    | FlagDecl
    | FlagSet
    | CBOp
    | ReadTiles
    | WriteTiles
    | GatherTiles
    | MaskTiles
    | FillScaler
    | HwStartup
    | TileRegs
    | MatmulInit
    | MatmulTiles
    | CopyInit
    | CopyTile
    | BinaryInit
    | BinaryTiles
    | UnaryBcastInit
    | UnaryBcast
    | SfpuTiles
    | UnaryInit
    | UnaryTile
    | ReduceInit
    | ReduceTile
    | Reconfig
    | PackTile
    | MatmulBlock
    | ReduceBlock
    | EltwiseBlock
)
ROLES = ("reader", "compute", "writer")


def walk_ops(ops: tuple[Op, ...]):
    """Every op in order, each loop or conditional before its body."""
    for op in ops:
        yield op
        if isinstance(op, For | BlockLoop | If):
            yield from walk_ops(op.body)


@dataclass(frozen=True)
class Kernel:
    role: str
    fp32_acc: bool
    tensors: tuple[str, ...]  # tensors this kernel addresses, in runtime-arg order
    body: tuple[Op, ...]


@dataclass(frozen=True)
class KernelSet:
    """The three kernels of a program, plus the role-tagged stream they were split from."""

    reader: Kernel
    compute: Kernel
    writer: Kernel

    def kernels(self) -> tuple[Kernel, Kernel, Kernel]:
        return (self.reader, self.compute, self.writer)


@dataclass(frozen=True)
class Lowered:
    """A program after tensorize: the tile-program IR it came from (CBs, schedule, layouts) and
    one role-tagged op stream; `split_kernels` fills `kernels`."""

    program: object  # compiler.ir.Program (not imported: kernel IR stays independent of it)
    body: tuple[Op, ...]
    kernels: KernelSet | None = None
