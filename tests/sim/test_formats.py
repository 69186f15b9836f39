"""Tile layout (4 faces of 16x16) and number formats (bf16 round-to-nearest-even, bfp8_b)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from compiler.sim import ConfigError, DataFormat, tile_size, tilize, untilize
from compiler.sim.formats import bf16_bits_to_float, float_to_bf16_bits


def test_tile_sizes_match_the_hardware():
    assert tile_size(DataFormat.Float16_b) == 2048
    assert tile_size(DataFormat.Float32) == 4096
    assert tile_size(DataFormat.Bfp8_b) == 1088


def test_tilize_orders_tiles_row_major_and_faces_tl_tr_bl_br():
    m = np.arange(64 * 64, dtype=np.float32).reshape(64, 64)
    flat = tilize(m, DataFormat.Float32).view(np.float32)
    tile1 = flat[1024:2048]  # second tile: rows 0..31, columns 32..63
    assert tile1[0] == m[0, 32]
    assert tile1[15] == m[0, 47]
    assert tile1[16] == m[1, 32]  # face 0 is row-major 16x16
    assert tile1[256] == m[0, 48]  # face 1: top-right
    assert tile1[512] == m[16, 32]  # face 2: bottom-left
    assert tile1[768] == m[16, 48]  # face 3: bottom-right


@pytest.mark.parametrize("fmt", [DataFormat.Float32, DataFormat.Float16_b, DataFormat.Int32])
def test_untilize_inverts_tilize(fmt):
    m = (np.arange(96 * 64).reshape(96, 64) % 251 - 125).astype(np.float32)
    np.testing.assert_array_equal(untilize(tilize(m, fmt), m.shape, fmt), m)


def test_bf16_rounds_to_nearest_even_like_torch():
    values = np.array(
        [1.0, 1.00390625, 1.01171875, -3.3, 1e-40, 65504.0, np.inf, -np.inf], np.float32
    )
    rng_values = np.random.default_rng(1).standard_normal(1000).astype(np.float32)
    for v in (values, rng_values):
        expected = torch.from_numpy(v).to(torch.bfloat16).float().numpy()
        np.testing.assert_array_equal(bf16_bits_to_float(float_to_bf16_bits(v)), expected)
    assert np.isnan(bf16_bits_to_float(float_to_bf16_bits(np.array([np.nan], np.float32))))[0]


def test_bfp8_b_shares_one_exponent_per_face_row():
    m = np.zeros((32, 32), np.float32)
    m[0, :16] = np.linspace(-1, 1, 16)
    m[0, 3] = 8.0  # the row's largest exponent: small values lose precision
    m[1, :16] = 0.001  # another face row keeps its own exponent
    raw = tilize(m, DataFormat.Bfp8_b)
    assert raw.size == 1088
    back = untilize(raw, (32, 32), DataFormat.Bfp8_b)
    assert back[0, 3] == 8.0
    np.testing.assert_allclose(back[0, :16], m[0, :16], atol=8.0 / 64)
    np.testing.assert_allclose(back[1, :16], m[1, :16], rtol=1 / 64)


def test_shapes_not_multiple_of_a_tile_are_rejected():
    with pytest.raises(ConfigError, match=r"multiples of 32, got \(30, 32\); pad the matrix first"):
        tilize(np.zeros((30, 32), np.float32), DataFormat.Float16_b)
