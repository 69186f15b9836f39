"""The TileLang dtypes the compiler maps to Tensix data formats, in one table: the tt-metal
`DataFormat` each becomes (name and enum value, as in 0.81.1's `tensix_types.h`), its element
size, and the message for every dtype it refuses — so the frontend, the CB allocator, the
codegen, the plan and the sim backend agree on one set of facts."""

from __future__ import annotations

from dataclasses import dataclass

from compiler.errors import CompileError
from compiler.targets import TILE


@dataclass(frozen=True)
class DType:
    name: str  # TileLang / TVM spelling
    data_format: str  # tt-metal DataFormat name
    format_code: int  # its enum value (typecast_tile's IN_DTYPE/OUT_DTYPE)
    element_bytes: int

    @property
    def tile_bytes(self) -> int:
        return self.element_bytes * TILE * TILE


DTYPES = {
    d.name: d
    for d in (
        DType("float32", "Float32", 0, 4),
        DType("float16", "Float16", 1, 2),
        DType("bfloat16", "Float16_b", 5, 2),
    )
}
FLOAT_DTYPES = frozenset(DTYPES)

_INTEGER_ADVICE = (
    "integer tensors and buffers are not supported yet: index, offset and count tensors that "
    "address other tensors (a gather such as T.copy(A[idx[bx] * block_M, 0], A_s)) would need the reader to "
    "read them first, which this compiler does not do; compute the addresses from the grid "
    "indices, or gather on the host"
)
_MASK_ADVICE = (
    "mask tensors are not supported yet; build the mask from index expressions with "
    "T.if_then_else(cond, x, other), or pass it as a bfloat16/float32 tensor of 0s and 1s and "
    "multiply"
)
_FP8_ADVICE = (
    "fp8 tensors are not supported: Tensix stores e5m2 as Lf8 (Wormhole and Blackhole) and e4m3 "
    "as Fp8_e4m3 (Blackhole only; Wormhole has no e4m3 format), but the emulator does not model "
    "those formats (their packer's overflow and NaN handling is not documented in the 0.81.1 "
    "headers), so results could not be checked; pass the tensor as bfloat16 (every fp8 value is "
    "exact in bfloat16)"
)
REFUSED = {
    **dict.fromkeys(
        ("int8", "int16", "int32", "int64", "uint16", "uint32", "uint64"), _INTEGER_ADVICE
    ),
    **dict.fromkeys(("bool", "uint8"), _MASK_ADVICE),
    **dict.fromkeys(
        ("float8_e4m3fn", "float8_e4m3", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz"),
        _FP8_ADVICE,
    ),
}


def check_dtype(dtype: str, what: str, where: str | None = None) -> DType:
    """The table entry of `dtype`, or a CompileError naming `what` (the TileLang construct that
    declared it) and what to write instead."""
    if dtype in DTYPES:
        return DTYPES[dtype]
    supported = ", ".join(sorted(DTYPES))
    advice = REFUSED.get(dtype, f"supported: {supported}")
    raise CompileError("dtype", f"{what} has dtype {dtype}; {advice}", where)


def converted_by_packer(src: str, dst: str) -> bool:
    """A cast to or from float16: 0.81.1's SFPU `typecast_tile` has no Float16 conversion (the
    call compiles to nothing on device), so the unpacker and packer convert — a cast that is the
    whole value stored into a `dst` buffer becomes the pack into that buffer's CB."""
    return src != dst and "float16" in (src, dst)


def check_cast_in_expression(src: str, dst: str, where: str | None) -> None:
    """A packer cast nested inside an expression: only float16 -> float32 passes (exact — DST
    holds the float16 value as it is), every other one is a CompileError saying what to write."""
    if (src, dst) != ("float16", "float32"):
        raise CompileError(
            "T.cast",
            f"{src} -> {dst} inside an expression: Tensix converts to and from float16 only when "
            "it unpacks or packs a tile (0.81.1's typecast_tile has no Float16 conversion); store "
            f'the cast into a {dst} buffer on its own (B[i, j] = T.cast(A[i, j], "{dst}")) and '
            "compute with that buffer",
            where,
        )


def dst_dtype(dtypes: set[str], fp32_dest_acc: bool) -> str:
    """The dtype DST holds math results in, which a temporary CB stores without loss: float32
    with fp32 accumulation; else float16 when the program's only 16-bit float is float16 (a
    16-bit DST fed from Float16 tiles holds Float16), else bfloat16."""
    if fp32_dest_acc:
        return "float32"
    return "float16" if dtypes & {"float16", "bfloat16"} == {"float16"} else "bfloat16"
