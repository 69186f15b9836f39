"""Render kernel IR as Metalium C++ against the pinned API (ttnn 0.81.1 headers).

A table maps each kernel-IR op to its C++; reader/compute/writer differ only by the attributes
of `ROLE_STYLE` (includes, entry comment). Runtime args per kernel: the addresses of the tensors
it addresses (in `Kernel.tensors` order), then `first_block`, `num_blocks`. Compile-time args:
one `TensorAccessorArgs` group per tensor, in the same order."""

from __future__ import annotations

import math
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass

from compiler.dtypes import DTYPES, dst_dtype
from compiler.ir import typecast_dtypes
from compiler.kernel_ir import ops as k
from compiler.targets import TILE

INDENT = "    "
# SFPU op -> (header, init call, tile call)
UNARY = {
    "exp": ("api/compute/eltwise_unary/exp.h", "exp_tile_init()", "exp_tile({d})"),
    "relu": ("api/compute/eltwise_unary/relu.h", "relu_tile_init()", "relu_tile({d})"),
    "sqrt": ("api/compute/eltwise_unary/sqrt.h", "sqrt_tile_init()", "sqrt_tile({d})"),
    "rsqrt": ("api/compute/eltwise_unary/rsqrt.h", "rsqrt_tile_init()", "rsqrt_tile({d})"),
    "sigmoid": ("api/compute/compute_kernel_api.h", "sigmoid_tile_init()", "sigmoid_tile({d})"),
    "tanh": ("api/compute/compute_kernel_api.h", "tanh_tile_init()", "tanh_tile({d})"),
    "log": ("api/compute/compute_kernel_api.h", "log_tile_init()", "log_tile({d})"),
    "abs": ("api/compute/compute_kernel_api.h", "abs_tile_init()", "abs_tile({d})"),
    "fill": ("api/compute/eltwise_unary/fill.h", "fill_tile_init()", "fill_tile({d}, {v})"),
    "exp2": ("api/compute/compute_kernel_api.h", "exp2_tile_init()", "exp2_tile({d})"),
    # log2(x) = ln(x) / ln(2): the argument is the fp32 bits of 1 / ln(2)
    "log2": (
        "api/compute/compute_kernel_api.h",
        "log_with_base_tile_init()",
        "log_with_base_tile({d}, 0x3fb8aa3bu)",
    ),
    "erf": ("api/compute/eltwise_unary/erf_erfc.h", "erf_tile_init()", "erf_tile({d})"),
    "recip": ("api/compute/eltwise_unary/recip.h", "recip_tile_init()", "recip_tile({d})"),
    # log10(x) = ln(x) / ln(10)
    "log10": (
        "api/compute/compute_kernel_api.h",
        "log_with_base_tile_init()",
        "log_with_base_tile({d}, 0x3ede5bd9u)",
    ),
    "log1p": ("api/compute/eltwise_unary/log1p.h", "log1p_tile_init()", "log1p_tile({d})"),
    "sin": ("api/compute/eltwise_unary/trigonometry.h", "sin_tile_init()", "sin_tile({d})"),
    "cos": ("api/compute/eltwise_unary/trigonometry.h", "cos_tile_init()", "cos_tile({d})"),
    **{
        op: ("api/compute/eltwise_unary/rounding.h", "rounding_op_tile_init()", f"{op}_tile({{d}})")
        for op in ("floor", "ceil", "trunc")
    },
    "round": (
        "api/compute/eltwise_unary/rounding.h",
        "rounding_op_tile_init()",
        "round_tile({d}, 0)",
    ),
    "isnan": ("api/compute/eltwise_unary/isinf_isnan.h", "isnan_tile_init()", "isnan_tile({d})"),
    "isinf": ("api/compute/eltwise_unary/isinf_isnan.h", "isinf_tile_init()", "isinf_tile({d})"),
    "pow_scalar": (
        "api/compute/compute_kernel_api.h",
        "power_iterative_tile_init()",
        "power_iterative_tile({d}, {n}u)",
    ),
}
COMPARE_HEADER = "api/compute/eltwise_unary/comp.h"
SCALAR_HEADER = "api/compute/eltwise_unary/binop_with_scalar.h"
KERNEL_API = "api/compute/compute_kernel_api.h"
# op with a scalar operand -> (header, init, call taking the scalar's fp32 bits)
SCALAR = {
    "add_scalar": (
        SCALAR_HEADER,
        "binop_with_scalar_tile_init",
        "add_unary_tile",
    ),
    "sub_scalar": (SCALAR_HEADER, "binop_with_scalar_tile_init", "sub_unary_tile"),
    "mul_scalar": (SCALAR_HEADER, "binop_with_scalar_tile_init", "mul_unary_tile"),
    "div_scalar": (SCALAR_HEADER, "binop_with_scalar_tile_init", "div_unary_tile"),
    "rsub_scalar": (SCALAR_HEADER, "binop_with_scalar_tile_init", "rsub_unary_tile"),
    "max_scalar": (KERNEL_API, "unary_max_tile_init", "unary_max_tile"),
    "min_scalar": (KERNEL_API, "unary_min_tile_init", "unary_min_tile"),
    **{
        f"{c}_scalar": (COMPARE_HEADER, f"unary_{c}_tile_init", f"unary_{c}_tile")
        for c in ("lt", "le", "gt", "ge", "eq", "ne")
    },
}
SFPU_BINARY_HEADER = "api/compute/eltwise_binary_sfpu.h"
# SFPU ops over several DST tiles -> (header, init, call with the source slots and the result)
SFPU_TILES = {
    "max": ("api/compute/binary_max_min.h", "binary_max_tile_init", "binary_max_tile"),
    "min": ("api/compute/binary_max_min.h", "binary_min_tile_init", "binary_min_tile"),
    "where": ("api/compute/eltwise_unary/where.h", "where_tile_init", "where_tile<{fmt}>"),
    **{
        op: (SFPU_BINARY_HEADER, f"{op}_binary_tile_init", f"{op}_binary_tile")
        for op in ("div", "lt", "le", "gt", "ge", "eq", "ne")
    },
    **{
        f"{op}_binary": (SFPU_BINARY_HEADER, f"{op}_binary_tile_init", f"{op}_binary_tile")
        for op in ("add", "sub", "mul")
    },
}
BCAST_TYPES = {"rows": "BroadcastType::ROW", "cols": "BroadcastType::COL"}
TYPECAST_HEADER = "api/compute/eltwise_unary/typecast.h"
BINARY_HEADER = "api/compute/eltwise_binary.h"
BCAST_HEADER = "api/compute/bcast.h"
# tt-metal's DataFormat codes, the template arguments of typecast_tile
FORMAT_CODES = {name: d.format_code for name, d in DTYPES.items()}
COMPUTE_HEADERS = (
    "api/compute/compute_kernel_hw_startup.h",
    "api/compute/cb_api.h",
    "api/compute/reg_api.h",
    "api/compute/pack.h",
)
# headers of the compute ops a kernel uses (only what it performs is included)
OP_HEADERS = {
    k.MatmulInit: "api/compute/matmul.h",
    k.CopyInit: "api/compute/tile_move_copy.h",
    k.ReduceInit: "api/compute/reduce.h",
    k.Reconfig: "api/compute/reconfig_data_format.h",
}
RECONFIG = {
    "srca": "reconfig_data_format_srca",
    "srcb": "reconfig_data_format_srcb",
    "pack": "pack_reconfig_data_format",
}
POOL_TYPES = {"sum": "PoolType::SUM", "max": "PoolType::MAX"}
TILE_BYTES = {name: d.tile_bytes for name, d in DTYPES.items()}


@dataclass(frozen=True)
class RoleStyle:
    title: str
    includes: tuple[str, ...]
    zero_fill: bool  # reader: helper that zero-fills tiles past a tensor's edge


ROLE_STYLE = {
    "reader": RoleStyle("Reader (RISCV_0 / NOC0): DRAM tiles -> input CBs", (), True),
    "compute": RoleStyle(
        "Compute (TRISC unpack/math/pack): tile math on the DST", COMPUTE_HEADERS, False
    ),
    "writer": RoleStyle("Writer (RISCV_1 / NOC1): output CBs -> DRAM tiles", (), False),
}

ZERO_FILL = """\
// Tiles past the tensor's edge read as zeros (the block overhangs a padded tensor).
static inline void zero_tile(uint32_t l1_addr, uint32_t bytes) {
    volatile uint32_t* p = reinterpret_cast<volatile uint32_t*>(l1_addr);
    for (uint32_t w = 0; w < bytes / 4; ++w) {
        p[w] = 0;
    }
}
"""


PAD_TILE = """\
// Elements past the tensor's edge read as `value` (-inf before a max reduction, where the
// zeros the host pads with would beat negative values): every element of a tile past the edge
// (valid 0x0), or the padded rows/columns of an edge tile. Tiles are four 16x16 faces in
// row-major order, each row-major.
static inline void pad_tile(uint32_t l1_addr, uint32_t elem_bytes, uint32_t value,
                            uint32_t valid_rows, uint32_t valid_cols) {
    for (uint32_t r = 0; r < 32; ++r) {
        for (uint32_t c = 0; c < 32; ++c) {
            if (r < valid_rows && c < valid_cols) {
                continue;
            }
            const uint32_t i = ((r / 16) * 2 + c / 16) * 256 + (r % 16) * 16 + c % 16;
            if (elem_bytes == 2) {
                reinterpret_cast<volatile uint16_t*>(l1_addr)[i] = static_cast<uint16_t>(value);
            } else {
                reinterpret_cast<volatile uint32_t*>(l1_addr)[i] = value;
            }
        }
    }
}
"""


def pad_bits(value: float, dtype: str) -> tuple[int, int]:
    """(bytes per element, bit pattern) of `value` in a tile of `dtype`."""
    if dtype == "float32":
        return 4, struct.unpack("<I", struct.pack("<f", value))[0]
    if dtype == "float16":
        return 2, struct.unpack("<H", struct.pack("<e", value))[0]
    assert dtype == "bfloat16", f"ReadTiles pad: no element encoding for {dtype}"
    return 2, struct.unpack("<I", struct.pack("<f", value))[0] >> 16


def expr(e: k.IExpr) -> str:
    if isinstance(e, int | str):
        return str(e)
    if e.op == "min":
        a, b = expr(e.a), expr(e.b)
        return f"({a} < {b} ? {a} : {b})"
    inner = f"{expr(e.a)} {e.op} {expr(e.b)}"
    return inner if e.op in "*/%" and not isinstance(e.a, k.IBin) else f"({inner})"


def float_literal(value: float) -> str:
    if math.isinf(value):
        return f"{'-' if value < 0 else ''}__builtin_inff()"
    return f"{value!r}f"


def float_bits(value: float) -> str:
    return f"0x{struct.unpack('<I', struct.pack('<f', value))[0]:08x}u /* {value!r}f */"


class Renderer:
    def __init__(self, program, kernel: k.Kernel) -> None:
        self.program = program
        self.kernel = kernel
        self.headers: set[str] = set()
        self.table: dict[type, Callable[[object, int], list[str]]] = {
            k.For: self.for_,
            k.BlockLoop: self.block_loop,
            k.If: lambda op, d: [
                f"if ({'!' if op.negate else ''}{op.flag}) {{",
                *self.body(op.body, 1),
                "}",
            ],
            k.FlagDecl: lambda op, d: [f"bool {op.flag} = false;"],
            k.FlagSet: lambda op, d: [f"{op.flag} = {'true' if op.value else 'false'};"],
            k.CBOp: lambda op, d: [f"{op.kind}({op.cb}, {expr(op.n)});"],
            k.ReadTiles: self.read_tiles,
            k.FillScaler: self.fill_scaler,
            k.GatherTiles: self.gather_tiles,
            k.Reconfig: lambda op, d: [f"{RECONFIG[op.unit]}({op.cb});"],
            k.ReduceInit: self.reduce_init,
            k.ReduceTile: lambda op, d: [
                f"reduce_tile<{POOL_TYPES[op.kind]}, ReduceDim::{op.dim}>({op.src}, {op.scaler}, "
                f"{expr(op.index)}, 0, {expr(op.dst)});"
            ],
            k.WriteTiles: self.write_tiles,
            k.HwStartup: lambda op, d: [
                f"compute_kernel_hw_startup({op.in0}, {op.in1}, {op.out});"
            ],
            k.TileRegs: lambda op, d: [f"tile_regs_{op.phase}();"],
            k.MatmulInit: lambda op, d: [f"matmul_init({op.a}, {op.b}, {int(op.transpose)});"],
            k.MatmulTiles: lambda op, d: [
                f"matmul_tiles({op.a}, {op.b}, {expr(op.ia)}, {expr(op.ib)}, {expr(op.dst)});"
            ],
            k.CopyInit: lambda op, d: [f"copy_tile_init({op.cb});"],
            k.CopyTile: lambda op, d: [f"copy_tile({op.cb}, {expr(op.index)}, {expr(op.dst)});"],
            k.BinaryInit: self.binary_init,
            k.BinaryTiles: lambda op, d: [
                f"{op.op}_tiles{'_bcast_' + op.bcast if op.bcast else ''}({op.a}, {op.b}, "
                f"{expr(op.ia)}, {expr(op.ib)}, {expr(op.dst)});"
            ],
            k.UnaryInit: self.unary_init,
            k.UnaryTile: self.unary_tile,
            k.UnaryBcastInit: self.unary_bcast_init,
            k.UnaryBcast: lambda op, d: [
                f"unary_bcast<{BCAST_TYPES[op.bcast]}>({op.cb}, {expr(op.index)}, {expr(op.dst)});"
            ],
            k.SfpuTiles: self.sfpu_tiles,
            k.MaskTiles: self.mask_tiles,
            k.PackTile: lambda op, d: [
                f"pack_tile<true>({expr(op.dst)}, {op.cb}, {expr(op.index)});"
            ],
        }

    # -- ops -----------------------------------------------------------------------------------
    def body(self, ops: tuple[k.Op, ...], depth: int) -> list[str]:
        lines: list[str] = []
        for op in ops:
            render = self.table.get(type(op))
            if type(op) in OP_HEADERS:
                self.headers.add(OP_HEADERS[type(op)])
            if render is None:
                raise AssertionError(
                    f"codegen: no C++ for {type(op).__name__} {op} in {self.kernel.role}"
                )
            lines += render(op, depth)
        return [INDENT + ln for ln in lines]

    def for_(self, op: k.For, depth: int) -> list[str]:
        count, pre = expr(op.extent), []
        if isinstance(op.extent, k.IBin) and op.extent.op == "min":
            # a block-dependent trip count (a causal key loop stopping at the diagonal)
            pre = [f"const uint32_t num_{op.var} = {count};  // this block's iterations"]
            count = f"num_{op.var}"
        head = f"for (uint32_t {op.var} = 0; {op.var} < {count}; ++{op.var}) {{"
        return [*pre, head, *self.body(op.body, 1), "}"]

    def block_loop(self, op: k.BlockLoop, depth: int) -> list[str]:
        body = self.body(op.body, 1)
        text = "\n".join(body)
        lines = ["for (uint32_t block = first_block; block < first_block + num_blocks; ++block) {"]

        def used(name: str) -> bool:
            return re.search(rf"\b{re.escape(name)}\b", text) is not None

        needed = {d[0] for d in op.derived if used(d[0])}
        for name, var, _, _ in reversed(op.derived):  # a coordinate derived from another
            if name in needed:
                needed.add(var)
        derived = [d for d in op.derived if d[0] in needed]
        stride = 1
        for var, extent in op.grid:
            value = "block" if stride == 1 else f"block / {stride}"
            # only the grid coordinates this kernel indexes with (no unused variables)
            if (used(var) or any(d[1] == var for d in derived)) and var in op.zigzag:
                # the loop counts grow with this coordinate: alternate short and long blocks
                lines += [
                    f"{INDENT}const uint32_t {var}_order = {value} % {extent};",
                    f"{INDENT}const uint32_t {var} = {var}_order % 2 == 0 ? {var}_order / 2 "
                    f": {extent - 1} - {var}_order / 2;",
                ]
            elif used(var) or any(d[1] == var for d in derived):
                lines.append(f"{INDENT}const uint32_t {var} = {value} % {extent};")
            stride *= extent
        lines += [f"{INDENT}const uint32_t {n} = {v} {how} {by};" for n, v, how, by in derived]
        return [*lines, *body, "}"]

    @staticmethod
    def typecast_args(op: str) -> str | None:
        """`<IN, OUT>` of a typecast op (DataFormat codes), None for other ops."""
        dtypes = typecast_dtypes(op)
        if dtypes is None:
            return None
        return f"<{FORMAT_CODES[dtypes[0]]}, {FORMAT_CODES[dtypes[1]]}>"

    def unary_init(self, op: k.UnaryInit, depth: int) -> list[str]:
        cast = self.typecast_args(op.op)
        if cast is not None:
            self.headers.add(TYPECAST_HEADER)
            return [f"typecast_tile_init{cast}();  // {op.op}"]
        if op.op in SCALAR or op.op in SFPU_TILES:
            header, init, _ = SCALAR.get(op.op) or SFPU_TILES[op.op]
            self.headers.add(header)
            return [f"{init}();"]
        header, init, _ = UNARY[op.op]
        self.headers.add(header)
        return [f"{init};"]

    def unary_bcast_init(self, op: k.UnaryBcastInit, depth: int) -> list[str]:
        self.headers.add(BCAST_HEADER)
        return [f"unary_bcast_init<{BCAST_TYPES[op.bcast]}>({op.cb});"]

    def sfpu_tiles(self, op: k.SfpuTiles, depth: int) -> list[str]:
        # the SFPU reads its operands in DST's float format (Float16 in an fp16-only program)
        declared = {x.dtype for x in (*self.program.buffers, *self.program.tensors)}
        held = DTYPES[dst_dtype(declared, self.kernel.fp32_acc)].data_format
        call = SFPU_TILES[op.op][2].format(fmt=f"DataFormat::{held}")
        return [f"{call}({', '.join(expr(x) for x in (*op.srcs, op.dst))});"]

    def unary_tile(self, op: k.UnaryTile, depth: int) -> list[str]:
        cast = self.typecast_args(op.op)
        if cast is not None:
            return [f"typecast_tile{cast}({expr(op.dst)});"]
        if op.op in SCALAR:
            return [f"{SCALAR[op.op][2]}({expr(op.dst)}, {float_bits(op.scalar)});"]
        value = "" if op.scalar is None else float_literal(op.scalar)
        n = int(op.scalar) if op.op == "pow_scalar" else 0
        return [UNARY[op.op][2].format(d=expr(op.dst), v=value, n=n) + ";"]

    def binary_init(self, op: k.BinaryInit, depth: int) -> list[str]:
        if op.bcast:
            self.headers.add(BCAST_HEADER)
            return [f"{op.op}_bcast_{op.bcast}_init({op.a}, {op.b});"]
        self.headers.add(BINARY_HEADER)
        return [f"{op.op}_init({op.a}, {op.b});"]

    def reduce_init(self, op: k.ReduceInit, depth: int) -> list[str]:
        return [
            f"reduce_init<{POOL_TYPES[op.kind]}, ReduceDim::{op.dim}>({op.src}, {op.scaler}, {op.out});"
        ]

    def mask_tiles(self, op: k.MaskTiles, depth: int) -> list[str]:
        n = op.rows * op.cols
        elem, one = pad_bits(1.0, op.dtype)
        word = "uint16_t" if elem == 2 else "uint32_t"
        face = "((m_r / 16) * 2 + m_c / 16) * 256 + (m_r % 16) * 16 + m_c % 16"
        return [
            f"// mask: 1.0 where {op.cond}, else 0.0 ({op.i}, {op.j}: the element's block row, column)",
            f"cb_reserve_back({op.cb}, {n});",
            "{",
            f"{INDENT}volatile tt_l1_ptr {word}* mask = reinterpret_cast<volatile tt_l1_ptr {word}*>(get_write_ptr({op.cb}));",
            f"{INDENT}for (uint32_t m_t = 0; m_t < {n}; ++m_t) {{",
            f"{INDENT * 2}for (uint32_t m_r = 0; m_r < 32; ++m_r) {{",
            f"{INDENT * 3}for (uint32_t m_c = 0; m_c < 32; ++m_c) {{",
            *[
                f"{INDENT * 4}const int32_t {var} = static_cast<int32_t>({value});"
                for var, value in (
                    (op.i, f"(m_t / {op.cols}) * 32 + m_r"),
                    (op.j, f"(m_t % {op.cols}) * 32 + m_c"),
                )
                if re.search(rf"\b{re.escape(var)}\b", op.cond)  # only the indices it uses
            ],
            f"{INDENT * 4}mask[m_t * 1024 + {face}] = ({op.cond}) ? 0x{one:x}u : 0u;",
            f"{INDENT * 3}}}",
            f"{INDENT * 2}}}",
            f"{INDENT}}}",
            "}",
            f"cb_push_back({op.cb}, {n});",
        ]

    def fill_scaler(self, op: k.FillScaler, depth: int) -> list[str]:
        bits = struct.unpack("<I", struct.pack("<f", op.value))[0] >> 16
        return [
            f"// reduce_tile's scaler: one tile of {op.value!r} (bf16), held by compute until it ends",
            f"cb_reserve_back({op.cb}, 1);",
            "{",
            f"{INDENT}volatile tt_l1_ptr uint16_t* scaler = reinterpret_cast<volatile tt_l1_ptr uint16_t*>(get_write_ptr({op.cb}));",
            f"{INDENT}for (uint32_t i = 0; i < 1024; ++i) {{",
            f"{INDENT * 2}scaler[i] = 0x{bits:04x};",
            f"{INDENT}}}",
            "}",
            f"cb_push_back({op.cb}, 1);",
        ]

    def _page(self, op: k.ReadTiles | k.WriteTiles) -> str:
        """The page of tile (row, col) of the panel the tile loop is in."""
        layout = self.program.layout(op.tensor)
        page = f"row * {layout.tile_cols} + col"
        return page if layout.panels == 1 else f"panel_page + {page}"

    def _tile_loop(
        self, op: k.ReadTiles | k.WriteTiles, inner: list[str], comment: str
    ) -> list[str]:
        """`inner` for every tile of the op's window (edge tiles: `inside` false), panel by
        panel for an N-D tensor."""
        layout = self.program.layout(op.tensor)
        tiles = [
            f"for (uint32_t r = 0; r < {op.rows}; ++r) {{",
            f"{INDENT}for (uint32_t c = 0; c < {op.cols}; ++c) {{",
            f"{INDENT * 2}const uint32_t row = {expr(op.row0)} + r;",
            f"{INDENT * 2}const uint32_t col = {expr(op.col0)} + c;",
            f"{INDENT * 2}const bool inside = row < {layout.tile_rows} && col < {layout.tile_cols};",
            *[INDENT * 2 + ln for ln in inner],
            f"{INDENT}}}",
            "}",
        ]
        if layout.panels == 1:
            return [f"// {comment}", *tiles]
        if op.panels == 1:
            panel = f"const uint32_t panel_page = {expr(op.panel)} * {layout.panel_tiles};"
            return [f"// {comment}, panel {expr(op.panel)}", panel, *tiles]
        first = expr(op.panel)
        return [
            f"// {comment}, {op.panels} panels from {first} (every {op.panel_stride})",
            f"for (uint32_t p = 0; p < {op.panels}; ++p) {{",
            f"{INDENT}const uint32_t panel_page = ({first} + p * {op.panel_stride}) * {layout.panel_tiles};",
            *[INDENT + ln for ln in tiles],
            "}",
        ]

    def read_tiles(self, op: k.ReadTiles, depth: int) -> list[str]:
        n = op.tiles
        page = self._page(op)
        if op.row0_only:
            # row 0 of a tile is row 0 of faces 0 and 1: two 16-element reads, not 1024 elements
            elem = TILE_BYTES[self.program.layout(op.tensor).dtype] // 1024
            face, row = 256 * elem, 16 * elem
            read = [
                "// a row vector broadcast over rows: only row 0 of the tile is ever read",
                f"noc_async_read({op.tensor}_acc.get_noc_addr({page}), l1_addr, {row});",
                f"noc_async_read({op.tensor}_acc.get_noc_addr({page}, {face}), l1_addr + {face}, {row});",
            ]
        else:
            read = [f"noc_async_read_page({page}, {op.tensor}_acc, l1_addr);"]
        if op.pad != 0.0:
            read, outside = self._padded_read(op, read)
        else:
            outside = f"zero_tile(l1_addr, {op.tensor}_PAGE_BYTES);"
        inner = [
            "if (inside) {",
            *[INDENT + ln for ln in read],
            "} else {",
            f"{INDENT}{outside}",
            "}",
            f"l1_addr += {op.tensor}_PAGE_BYTES;",
        ]
        return [
            f"cb_reserve_back({op.cb}, {n});",
            "{",
            f"{INDENT}uint32_t l1_addr = get_write_ptr({op.cb});",
            *[
                INDENT + ln
                for ln in self._tile_loop(op, inner, f"{op.rows}x{op.cols} tiles of {op.tensor}")
            ],
            "}",
            "noc_async_read_barrier();",
            f"cb_push_back({op.cb}, {n});",
        ]

    def _padded_read(self, op: k.ReadTiles, read: list[str]) -> tuple[list[str], str]:
        """The read of a tile followed, on an edge tile, by padding its elements past the
        tensor's logical edge; and the fill of a tile past the edge."""
        layout = self.program.layout(op.tensor)
        elem, bits = pad_bits(op.pad, layout.dtype)
        last_rows = layout.rows - TILE * (layout.tile_rows - 1)
        last_cols = layout.cols - TILE * (layout.tile_cols - 1)
        edge = []
        if (last_rows, last_cols) != (TILE, TILE):
            rows = f"row + 1 == {layout.tile_rows} ? {last_rows} : {TILE}"
            cols = f"col + 1 == {layout.tile_cols} ? {last_cols} : {TILE}"
            edge = [
                f"if (row + 1 == {layout.tile_rows} || col + 1 == {layout.tile_cols}) {{",
                f"{INDENT}noc_async_read_barrier();  // the edge tile lands before its padding is set",
                f"{INDENT}pad_tile(l1_addr, {elem}, 0x{bits:x}u, {rows}, {cols});",
                "}",
            ]
        return [*read, *edge], f"pad_tile(l1_addr, {elem}, 0x{bits:x}u, 0, 0);"

    def gather_tiles(self, op: k.GatherTiles, depth: int) -> list[str]:
        layout = self.program.layout(op.tensor)
        elem = TILE_BYTES[layout.dtype] // 1024
        face, row = 256 * elem, 16 * elem
        n = op.rows * op.cols
        inside = (
            f"({op.cond}) && g_row >= 0 && g_col >= 0 && g_row < {layout.rows} && "
            f"g_col < {layout.cols}"
        )
        page = f"static_cast<uint32_t>(g_row / 32) * {layout.tile_cols} + static_cast<uint32_t>(g_col / 32)"
        if layout.panels > 1:
            page = f"static_cast<uint32_t>({op.panel}) * {layout.panel_tiles} + {page}"
        src = f"static_cast<uint32_t>((g_row % 32) / 16) * {2 * face} + static_cast<uint32_t>(g_row % 16) * {row}"
        per_row = [
            f"const int32_t {op.i} = static_cast<int32_t>(g_tr * 32 + g_r);",
            f"const uint32_t g_dst = g_tile + (g_r / 16) * {2 * face} + (g_r % 16) * {row};",
            f"const int32_t g_row = {op.row};",
            f"const int32_t g_col = {op.col};",
            f"if ({inside}) {{",
            f"{INDENT}const uint32_t g_page = {page};",
            f"{INDENT}const uint32_t g_src = {src};",
            f"{INDENT}noc_async_read({op.tensor}_acc.get_noc_addr(g_page, g_src), g_dst, {row});",
            f"{INDENT}noc_async_read({op.tensor}_acc.get_noc_addr(g_page, g_src + {face}), g_dst + {face}, {row});",
            "} else {",
            f"{INDENT}zero_tile(g_dst, {row});",
            f"{INDENT}zero_tile(g_dst + {face}, {row});",
            "}",
        ]
        return [
            f"// gather {op.rows}x{op.cols} tiles of {op.tensor}: per row of each 32-column "
            "slice, 32 contiguous elements (two face rows) or zeros",
            f"cb_reserve_back({op.cb}, {n});",
            "{",
            f"{INDENT}const uint32_t g_base = get_write_ptr({op.cb});",
            f"{INDENT}for (uint32_t g_tr = 0; g_tr < {op.rows}; ++g_tr) {{",
            f"{INDENT * 2}for (uint32_t g_tc = 0; g_tc < {op.cols}; ++g_tc) {{",
            f"{INDENT * 3}const int32_t {op.j} = static_cast<int32_t>(g_tc * 32);",
            f"{INDENT * 3}const uint32_t g_tile = g_base + (g_tr * {op.cols} + g_tc) * {op.tensor}_PAGE_BYTES;",
            f"{INDENT * 3}for (uint32_t g_r = 0; g_r < 32; ++g_r) {{",
            *[INDENT * 4 + ln for ln in per_row],
            f"{INDENT * 3}}}",
            f"{INDENT * 2}}}",
            f"{INDENT}}}",
            "}",
            "noc_async_read_barrier();",
            f"cb_push_back({op.cb}, {n});",
        ]

    def write_tiles(self, op: k.WriteTiles, depth: int) -> list[str]:
        # one write barrier per block, as tt-metal's writers: a barrier per tile would pay a
        # DRAM round trip per tile; the block's pages stay in the CB until the barrier
        n = op.tiles
        inner = [
            "if (inside) {",
            f"{INDENT}noc_async_write_page({self._page(op)}, {op.tensor}_acc, l1_addr);",
            "}",
            f"l1_addr += {op.tensor}_PAGE_BYTES;",
        ]
        comment = (
            f"{op.rows}x{op.cols} tiles of {op.tensor} (edge tiles past the tensor are dropped)"
        )
        return [
            f"cb_wait_front({op.cb}, {n});",
            "{",
            f"{INDENT}uint32_t l1_addr = get_read_ptr({op.cb});",
            *[INDENT + ln for ln in self._tile_loop(op, inner, comment)],
            "}",
            "noc_async_write_barrier();",
            f"cb_pop_front({op.cb}, {n});",
        ]

    # -- whole kernel --------------------------------------------------------------------------
    def render(self) -> str:
        role = self.kernel.role
        style = ROLE_STYLE[role]
        main = self.body(self.kernel.body, 1)
        args = [f"{t}_addr" for t in self.kernel.tensors] + ["first_block", "num_blocks"]
        lines = [
            f"// {self.program.name}: {style.title}.",
            "// Generated by the tt-ws TileLang -> TT-Metalium compiler; do not edit.",
            f"// Runtime args: {', '.join(args)}.",
        ]
        if style.includes:
            lines += [
                "",
                "#include <cstdint>",
                *[f'#include "{h}"' for h in sorted({*style.includes, *self.headers})],
            ]
        used = self._used_cbs()
        lines += [""] + [
            f"constexpr uint32_t {c.name} = {c.index};  // {c.buffer}: {c.num_pages} x {c.dtype}"
            for c in self.program.cbs
            if c.name in used
        ]
        for t in self.kernel.tensors:
            layout = self.program.layout(t)
            lines.append(
                f"constexpr uint32_t {t}_PAGE_BYTES = {TILE_BYTES[layout.dtype]};  // {t}: "
                + (f"{layout.panels} panels of " if layout.panels > 1 else "")
                + f"{layout.tile_rows}x{layout.tile_cols} tiles"
            )
        if style.zero_fill:
            lines += ["", ZERO_FILL.rstrip()]
        if any(isinstance(op, k.ReadTiles) and op.pad for op in k.walk_ops(self.kernel.body)):
            lines += ["", PAD_TILE.rstrip()]
        lines += ["", "void kernel_main() {"]
        lines += [
            f"{INDENT}const uint32_t {name} = get_arg_val<uint32_t>({i});"
            for i, name in enumerate(args)
        ]
        prev = "0"
        for t in self.kernel.tensors:
            lines.append(f"{INDENT}constexpr auto {t}_args = TensorAccessorArgs<{prev}>();")
            lines.append(
                f"{INDENT}const auto {t}_acc = TensorAccessor({t}_args, {t}_addr, {t}_PAGE_BYTES);"
            )
            prev = f"{t}_args.next_compile_time_args_offset()"
        return "\n".join([*lines, *main, "}", ""])

    def _used_cbs(self) -> set[str]:
        fields = ("cb", "a", "b", "in0", "in1", "out", "src", "scaler")
        return {
            getattr(op, f)
            for op in k.walk_ops(self.kernel.body)
            for f in fields
            if isinstance(getattr(op, f, None), str)
        }


def render_kernel(program, kernel: k.Kernel) -> str:
    return Renderer(program, kernel).render()
