"""Rules where the emulator refuses kernels that real hardware would run incorrectly: the
unpacker and packer formats a kernel configured, fp32 precision through SrcA, what reduce_tile
reads of its scaler and leaves undefined. Each rule is provoked by a deliberately broken kernel
(tests/sim/kernels/) and its correct variant runs clean with exact results."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from compiler.sim import (
    ComputeStateError,
    ConfigError,
    DataFormat,
    Device,
    Program,
    tensor_accessor_args,
    tile_size,
    tilize,
    untilize,
)
from compiler.sim import reference_programs as rp
from compiler.sim.reference_programs import KERNELS as REFERENCE

KERNELS = Path(__file__).parent / "kernels"
BF16 = DataFormat.Float16_b
FP32 = DataFormat.Float32
N_TILES = 2


def run_roundtrip(defines: dict[str, str]) -> tuple[np.ndarray, np.ndarray]:
    """c_0 (bf16) -> DST -> c_24 (fp32) -> DST -> c_16 (bf16) on one core; (input, output)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 32 * N_TILES)).astype(np.float32)
    dev = Device()
    page = tile_size(BF16)
    src = dev.create_buffer(N_TILES * page, page)
    dst = dev.create_buffer(N_TILES * page, page)
    dev.write_buffer(src, tilize(x, BF16))
    p = Program()
    core = (0, 0)
    p.add_circular_buffer(core, 0, page, 2, BF16)
    p.add_circular_buffer(core, 16, page, 2, BF16)
    p.add_circular_buffer(core, 24, tile_size(FP32), 1, FP32)
    r = p.add_kernel(
        REFERENCE / "reader_unary.cpp", core, "reader", compile_args=tensor_accessor_args(src)
    )
    c = p.add_kernel(KERNELS / "format_roundtrip_compute.cpp", core, "compute", defines=defines)
    w = p.add_kernel(
        REFERENCE / "writer_unary.cpp", core, "writer", compile_args=tensor_accessor_args(dst)
    )
    p.set_runtime_args(r, core, [src.address, N_TILES, 0])
    p.set_runtime_args(c, core, [N_TILES])
    p.set_runtime_args(w, core, [dst.address, N_TILES, 0])
    dev.run(p, timeout_s=30)
    return x, untilize(dev.read_buffer(dst), x.shape, BF16)


def test_reconfigured_formats_round_trip_exactly():
    x, y = run_roundtrip({})
    bf16_x = untilize(tilize(x, BF16), x.shape, BF16)
    np.testing.assert_array_equal(y, bf16_x)


FORMAT_FAULTS = {
    "NO_PACK_RECONFIG": r"pack_tile at line 33 packs into CB 24 \(Float32\) but the packer is configured for "
    r"Float16_b \(by compute_kernel_hw_startup\).*call pack_reconfig_data_format\(24\)",
    "NO_SRCA_RECONFIG": r"copy_tile at line 45 unpacks CB 24 \(Float32\) into SrcA, which is configured for "
    r"Float16_b \(by compute_kernel_hw_startup\).*call reconfig_data_format_srca\(24\)",
    "STALE_CLAIM": r"copy_tile at line 45 unpacks CB 24 \(Float32\) into SrcA, which is configured for "
    r"Float16_b \(by compute_kernel_hw_startup\)",
}  # fmt: skip


@pytest.mark.parametrize("define", sorted(FORMAT_FAULTS))
def test_a_missing_format_reconfiguration_is_a_fault(define):
    with pytest.raises(ComputeStateError, match=FORMAT_FAULTS[define]):
        run_roundtrip({define: "1"})


def to_tf32(x: np.ndarray) -> np.ndarray:
    """Round float32 to 10 mantissa bits, nearest even (what SrcA holds of an fp32 value)."""
    u = x.astype(np.float32).view(np.uint32).astype(np.uint64)
    u = (u + 0xFFF + ((u >> 13) & 1)) & ~np.uint64(0x1FFF)
    return u.astype(np.uint32).view(np.float32)


def copy_fp32(unpack_to_dest_fp32: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """An fp32 tile copied c_0 -> DST (fp32) -> c_16, both CBs fp32; (input, output)."""
    x = np.random.default_rng(1).standard_normal((32, 32)).astype(np.float32)
    dev = Device()
    page = tile_size(FP32)
    src, dst = dev.create_buffer(page, page), dev.create_buffer(page, page)
    dev.write_buffer(src, tilize(x, FP32))
    p = Program()
    core = (0, 0)
    for cb in (0, 16):
        p.add_circular_buffer(core, cb, page, 2, FP32)
    r = p.add_kernel(
        REFERENCE / "reader_unary.cpp", core, "reader", compile_args=tensor_accessor_args(src)
    )
    c = p.add_kernel(
        KERNELS / "compute_copy.cpp",
        core,
        "compute",
        fp32_dest_acc_en=True,
        unpack_to_dest_fp32=unpack_to_dest_fp32,
    )
    w = p.add_kernel(
        REFERENCE / "writer_unary.cpp", core, "writer", compile_args=tensor_accessor_args(dst)
    )
    p.set_runtime_args(r, core, [src.address, 1, 0])
    p.set_runtime_args(c, core, [1])
    p.set_runtime_args(w, core, [dst.address, 1, 0])
    dev.run(p, timeout_s=30)
    return x, untilize(dev.read_buffer(dst), x.shape, FP32)


def test_fp32_copy_goes_through_srca_as_tf32_without_unpack_to_dest():
    x, y = copy_fp32(())
    np.testing.assert_array_equal(y, to_tf32(x))
    assert not np.array_equal(y, x)


def test_fp32_copy_is_exact_with_unpack_to_dest_fp32():
    x, y = copy_fp32((0,))
    np.testing.assert_array_equal(y, x)


def test_unpack_to_dest_is_a_compute_setting():
    with pytest.raises(
        ConfigError, match="unpack_to_dest_fp32 is a compute kernel setting, not a reader's"
    ):
        Program().add_kernel(
            REFERENCE / "reader_unary.cpp", (0, 0), "reader", unpack_to_dest_fp32=(0,)
        )


def row_sums(x: np.ndarray) -> np.ndarray:
    return untilize(tilize(x, BF16), x.shape, BF16).astype(np.float64).sum(axis=1)


def test_reduce_packs_its_result_and_zeros_into_its_output_cb():
    x = np.random.default_rng(2).standard_normal((64, 32)).astype(np.float32)
    y = rp.reduce(Device(), x, "sum", "row").output
    np.testing.assert_allclose(y[:, 0], row_sums(x), rtol=0.02, atol=0.05)
    assert not y[:, 1:].any()


def test_a_scaler_set_only_at_its_first_element_is_a_fault():
    x = np.ones((32, 32), np.float32)
    with pytest.raises(
        ComputeStateError,
        match=r"reduce_tile at line 28: scaler tile 0 of CB 2 holds 0 at row 0 column 1 but 1 at "
        r"\[0\]\[0\]: the hardware multiplies by row 0 of each face \(rows 0 and 16\)",
    ):
        rp.reduce(Device(), x, "sum", "row", reader=KERNELS / "scaler_corner_reader.cpp")


def test_packing_a_reduce_result_without_its_edge_mask_exposes_the_undefined_positions():
    x = np.random.default_rng(3).standard_normal((64, 32)).astype(np.float32)
    y = rp.reduce(Device(), x, "sum", "row", compute=KERNELS / "reduce_uninit_compute.cpp").output
    np.testing.assert_allclose(y[:, 0], row_sums(x), rtol=0.02, atol=0.05)
    assert np.isnan(y[:, 1:]).all()
