"""Data formats and tile layout: DataFormat codes, float <-> storage conversion, tilize/untilize.

A tile is 32x32 elements stored as four 16x16 faces (top-left, top-right, bottom-left,
bottom-right), each face row-major. A tilized matrix is its tiles in row-major tile order.
bf16 (Float16_b) and IEEE half (Float16) conversions round to nearest even, as the packer does.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from compiler.sim.errors import ConfigError

TILE = 32
FACE = 16
TILE_ELEMENTS = TILE * TILE


class DataFormat(IntEnum):
    """Storage formats, numbered as tt-metal's `DataFormat` enum (tensix_types.h)."""

    Float32 = 0
    Float16 = 1
    Float16_b = 5
    Bfp8_b = 6
    Int32 = 8
    UInt16 = 9
    UInt32 = 24
    UInt8 = 30


_ELEMENT_BYTES = {
    DataFormat.Float32: 4,
    DataFormat.Float16: 2,
    DataFormat.Float16_b: 2,
    DataFormat.Int32: 4,
    DataFormat.UInt16: 2,
    DataFormat.UInt32: 4,
    DataFormat.UInt8: 1,
}
# formats stored as numpy's own element type (integers, and IEEE half: numpy's float32 -> float16
# conversion rounds to nearest even with subnormals, inf and NaN, as the packer does)
_NUMPY_TYPES = {
    DataFormat.Int32: np.int32,
    DataFormat.UInt32: np.uint32,
    DataFormat.UInt16: np.uint16,
    DataFormat.UInt8: np.uint8,
    DataFormat.Float16: np.float16,
}

# bfp8_b: 16 shared exponents (one per face row) in 64 bytes, then 1024 sign+7-bit mantissas.
_BFP8_EXPONENT_BYTES = 64


def tile_size(fmt: DataFormat) -> int:
    """Bytes of one 32x32 tile in `fmt` (bf16 and fp16 2048, fp32 4096, bfp8_b 1088, uint8 1024)."""
    if fmt == DataFormat.Bfp8_b:
        return _BFP8_EXPONENT_BYTES + TILE_ELEMENTS
    return _ELEMENT_BYTES[fmt] * TILE_ELEMENTS


def float_to_bf16_bits(values: np.ndarray) -> np.ndarray:
    """bf16 bit patterns of float32 `values`, rounded to nearest even (NaN stays NaN)."""
    bits = np.ascontiguousarray(values, dtype=np.float32).view(np.uint32)
    rounded = (bits + (((bits >> 16) & 1) + 0x7FFF)) >> 16
    is_nan = np.isnan(values)
    rounded = np.where(is_nan, (bits >> 16) | 0x40, rounded)
    return rounded.astype(np.uint16)


def bf16_bits_to_float(bits: np.ndarray) -> np.ndarray:
    """float32 values of bf16 bit patterns."""
    return (np.asarray(bits, dtype=np.uint16).astype(np.uint32) << 16).view(np.float32)


def round_to_bf16(values: np.ndarray) -> np.ndarray:
    """float32 values rounded to the nearest bf16 (what a bf16 round trip through L1 gives)."""
    return bf16_bits_to_float(float_to_bf16_bits(np.asarray(values, dtype=np.float32)))


def _to_face_order(matrix: np.ndarray) -> np.ndarray:
    """(R, C) -> (R/32 * C/32, 1024): tiles in row-major order, each tile in face order."""
    rows, cols = matrix.shape
    t = matrix.reshape(rows // TILE, 2, FACE, cols // TILE, 2, FACE)
    # axes: tile_row, face_row, row_in_face, tile_col, face_col, col_in_face
    return t.transpose(0, 3, 1, 4, 2, 5).reshape(-1, TILE_ELEMENTS)


def _from_face_order(tiles: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    rows, cols = shape
    t = tiles.reshape(rows // TILE, cols // TILE, 2, 2, FACE, FACE)
    return t.transpose(0, 2, 4, 1, 3, 5).reshape(rows, cols)


def _check_shape(shape: tuple[int, ...]) -> tuple[int, int]:
    if len(shape) != 2 or shape[0] % TILE or shape[1] % TILE:
        raise ConfigError(
            f"tilize/untilize needs a 2-D shape with both sides multiples of {TILE}, got {shape}; "
            "pad the matrix first"
        )
    return shape[0], shape[1]


def _bfp8_pack(tiles: np.ndarray) -> np.ndarray:
    """float32 (n, 1024) in face order -> bfp8_b bytes (n, 1088): per face row of 16 values one
    shared exponent (the largest), each value a sign bit and a 7-bit mantissa, round to nearest even."""
    n = tiles.shape[0]
    bits = np.ascontiguousarray(tiles.reshape(n, 64, FACE), dtype=np.float32).view(np.uint32)
    exps = ((bits >> 23) & 0xFF).astype(np.int64)
    shared = exps.max(axis=2, keepdims=True)
    # 24-bit mantissa with its hidden bit; keep 7 bits (hidden + 6) relative to the shared exponent
    mant = ((bits & 0x7FFFFF) | np.where(exps > 0, 0x800000, 0)).astype(np.int64)
    shift = np.minimum((shared - exps) + 17, 40)
    half = np.int64(1) << (shift - 1)
    quot = mant >> shift
    rem = mant & ((np.int64(1) << shift) - 1)
    quot = quot + ((rem > half) | ((rem == half) & ((quot & 1) == 1)))
    magnitude = np.minimum(quot, 0x7F).astype(np.uint8)
    sign = ((bits >> 31) & 1).astype(np.uint8)
    data = ((sign << 7) | magnitude).reshape(n, TILE_ELEMENTS)
    exp_bytes = shared.reshape(n, 64).astype(np.uint8)
    return np.concatenate([exp_bytes, data], axis=1)


def _bfp8_unpack(raw: np.ndarray) -> np.ndarray:
    n = raw.shape[0]
    exps = raw[:, :_BFP8_EXPONENT_BYTES].astype(np.int32).reshape(n, 64, 1)
    data = raw[:, _BFP8_EXPONENT_BYTES:].reshape(n, 64, FACE)
    mag = (data & 0x7F).astype(np.float32)
    sign = np.where(data & 0x80, -1.0, 1.0).astype(np.float32)
    scale = np.ldexp(np.float32(1.0), exps - 127 - 6).astype(np.float32)
    return (sign * mag * scale).reshape(n, TILE_ELEMENTS).astype(np.float32)


def tilize(matrix: np.ndarray, fmt: DataFormat) -> np.ndarray:
    """A 2-D array -> uint8 bytes in tile layout and format `fmt` (floats round to nearest even)."""
    shape = _check_shape(np.shape(matrix))
    fmt = DataFormat(fmt)
    if fmt in _NUMPY_TYPES:
        with np.errstate(over="ignore"):  # fp16 overflow to inf is the conversion's meaning
            tiles = _to_face_order(np.asarray(matrix).astype(_NUMPY_TYPES[fmt]))
        return np.ascontiguousarray(tiles).view(np.uint8).reshape(-1)
    tiles = _to_face_order(np.asarray(matrix, dtype=np.float32).reshape(shape))
    if fmt == DataFormat.Float32:
        return np.ascontiguousarray(tiles).view(np.uint8).reshape(-1)
    if fmt == DataFormat.Float16_b:
        return float_to_bf16_bits(np.ascontiguousarray(tiles)).view(np.uint8).reshape(-1)
    return _bfp8_pack(tiles).reshape(-1)


def untilize(data: np.ndarray, shape: tuple[int, int], fmt: DataFormat) -> np.ndarray:
    """Bytes in tile layout and format `fmt` -> a 2-D array of `shape` (float32 for float formats)."""
    rows, cols = _check_shape(tuple(shape))
    fmt = DataFormat(fmt)
    count = rows * cols // TILE_ELEMENTS
    raw = np.ascontiguousarray(
        np.asarray(data, dtype=np.uint8).reshape(-1)[: count * tile_size(fmt)]
    )
    if raw.size != count * tile_size(fmt):
        raise ConfigError(
            f"untilize: {raw.size} bytes given, {count} tiles of {fmt.name} need {count * tile_size(fmt)}"
        )
    if fmt == DataFormat.Float32:
        tiles = raw.view(np.float32)
    elif fmt == DataFormat.Float16_b:
        tiles = bf16_bits_to_float(raw.view(np.uint16))
    elif fmt == DataFormat.Bfp8_b:
        tiles = _bfp8_unpack(raw.reshape(count, tile_size(fmt)))
    elif fmt == DataFormat.Float16:
        tiles = raw.view(np.float16).astype(np.float32)
    else:
        tiles = raw.view(_NUMPY_TYPES[fmt])
    return _from_face_order(tiles.reshape(count, TILE_ELEMENTS), (rows, cols))
