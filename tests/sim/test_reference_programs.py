"""The reference kernels (eltwise binary, SFPU unary, matmul, reduce) compiled and run on 1 and
64 emulated cores, compared with torch (PCC and allclose)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from compiler.sim import (
    DataFormat,
    Device,
    Program,
    round_to_bf16,
    tensor_accessor_args,
    tilize,
    untilize,
)
from compiler.sim import reference_programs as rp

ONE_CORE = (0, 0)
ALL_64 = ((0, 0), (7, 7))
CORES = pytest.mark.parametrize("cores", [ONE_CORE, ALL_64], ids=["1core", "64cores"])
KERNELS = rp.KERNELS
TEST_KERNELS = Path(__file__).parent / "kernels"


def pcc(a: np.ndarray, b: np.ndarray) -> float:
    return float(
        np.corrcoef(np.asarray(a, np.float64).ravel(), np.asarray(b, np.float64).ravel())[0, 1]
    )


def bf16_torch(x: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(x).to(torch.bfloat16)


@pytest.fixture(scope="module")
def dev() -> Device:
    return Device("wormhole_n150")


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)


@CORES
@pytest.mark.parametrize("op", ["add", "sub", "mul"])
def test_eltwise_binary_matches_torch(dev, rng, cores, op):
    a = rng.standard_normal((256, 320)).astype(np.float32)
    b = rng.standard_normal((256, 320)).astype(np.float32)
    expected = getattr(torch, op)(bf16_torch(a), bf16_torch(b)).float().numpy()
    got = rp.eltwise_binary(dev, a, b, op, cores).output
    assert pcc(got, expected) >= 0.999
    # bf16 inputs, fp32 math, one round-to-nearest-even: bit-identical to torch's bf16 op
    np.testing.assert_array_equal(got, expected)


SFPU_CASES = {
    # op: (header, torch reference, input transform keeping the op in its domain)
    "exp": ("api/compute/eltwise_unary/exp.h", torch.exp, lambda x: x),
    "log": (None, torch.log, lambda x: np.abs(x) + 0.1),
    "recip": ("api/compute/eltwise_unary/recip.h", torch.reciprocal, lambda x: np.abs(x) + 0.5),
    "sqrt": ("api/compute/eltwise_unary/sqrt.h", torch.sqrt, np.abs),
    "rsqrt": ("api/compute/eltwise_unary/rsqrt.h", torch.rsqrt, lambda x: np.abs(x) + 0.1),
    "relu": ("api/compute/eltwise_unary/relu.h", torch.relu, lambda x: x),
    "gelu": ("api/compute/eltwise_unary/gelu.h", torch.nn.functional.gelu, lambda x: x),
    "sigmoid": (None, torch.sigmoid, lambda x: x),
    "tanh": (None, torch.tanh, lambda x: x),
    "negative": ("api/compute/eltwise_unary/negative.h", torch.neg, lambda x: x),
    "abs": (None, torch.abs, lambda x: x),
    "square": (None, torch.square, lambda x: x),
    "silu": (None, torch.nn.functional.silu, lambda x: x),
}


@CORES
@pytest.mark.parametrize("op", sorted(SFPU_CASES))
def test_sfpu_unary_matches_torch(dev, rng, cores, op):
    header, reference, domain = SFPU_CASES[op]
    x = domain(rng.standard_normal((128, 256)).astype(np.float32)).astype(np.float32)
    expected = reference(bf16_torch(x).float()).to(torch.bfloat16).float().numpy()
    got = rp.sfpu_unary(dev, x, op, cores, include=header).output
    assert pcc(got, expected) >= 0.999
    np.testing.assert_allclose(got, expected, rtol=1e-2, atol=1e-2)


@CORES
def test_matmul_bf16_matches_torch(dev, rng, cores):
    a = rng.standard_normal((256, 192)).astype(np.float32)
    b = rng.standard_normal((192, 320)).astype(np.float32)
    expected = (bf16_torch(a) @ bf16_torch(b)).float().numpy()
    got = rp.matmul(dev, a, b, cores).output
    assert pcc(got, expected) >= 0.999
    # 16-bit DST rounds after each of the 6 K-tiles: a few bf16 ulps of the result
    np.testing.assert_allclose(got, expected, rtol=0.03, atol=0.25)


def test_matmul_fp32_dest_accumulation_is_one_rounding(dev, rng):
    a = rng.standard_normal((64, 256)).astype(np.float32)
    b = rng.standard_normal((256, 64)).astype(np.float32)
    exact = round_to_bf16(a).astype(np.float64) @ round_to_bf16(b).astype(np.float64)
    got_fp32 = rp.matmul(dev, a, b, ONE_CORE, fp32_dest_acc_en=True).output
    got_bf16 = rp.matmul(dev, a, b, ONE_CORE, fp32_dest_acc_en=False).output
    err_fp32 = np.abs(got_fp32 - exact).max()
    assert err_fp32 <= np.abs(exact).max() * 2**-8  # within one bf16 rounding of the result
    assert err_fp32 < np.abs(got_bf16 - exact).max()


def test_matmul_in_fp32_storage(dev, rng):
    a = rng.standard_normal((64, 128)).astype(np.float32)
    b = rng.standard_normal((128, 96)).astype(np.float32)
    got = rp.matmul(dev, a, b, ONE_CORE, fmt=DataFormat.Float32, fp32_dest_acc_en=True).output
    # fp32 operands pass through tf32 source registers: ~1e-3 relative
    np.testing.assert_allclose(got, a @ b, rtol=0, atol=np.abs(a @ b).max() * 4e-3)
    assert pcc(got, a @ b) >= 0.99999


REDUCE_REFERENCE = {
    ("sum", "row"): lambda t: (t.sum(dim=1), lambda out: out[:, 0]),
    ("sum", "col"): lambda t: (t.sum(dim=0), lambda out: out[0, :]),
    ("sum", "scalar"): lambda t: (t.sum().reshape(1), lambda out: out[0, :1]),
    ("max", "row"): lambda t: (t.amax(dim=1), lambda out: out[:, 0]),
    ("max", "col"): lambda t: (t.amax(dim=0), lambda out: out[0, :]),
    ("max", "scalar"): lambda t: (t.amax().reshape(1), lambda out: out[0, :1]),
}


@CORES
@pytest.mark.parametrize(("op", "dim"), sorted(REDUCE_REFERENCE))
def test_reduce_matches_torch(dev, rng, cores, op, dim):
    x = rng.standard_normal((64 * 8 if dim == "row" else 128, 96)).astype(np.float32)
    if op == "max":
        x -= 5.0  # all negative: a max that started from a zeroed DST would be wrong
    scaler = 0.5
    expected, select = REDUCE_REFERENCE[(op, dim)](bf16_torch(x).float() * scaler)
    got = select(rp.reduce(dev, x, op, dim, scaler, cores).output)
    assert got.shape == expected.shape
    if expected.numel() > 1:
        assert pcc(got, expected.numpy()) >= 0.999
    np.testing.assert_allclose(got, expected.numpy(), rtol=2e-2, atol=0.5)


def test_legacy_kernel_forms_run(dev, rng):
    """Old include paths and names, NAMESPACE/MAIN entry, acquire_dst/release_dst,
    InterleavedAddrGenFast and noc_async_read_tile."""
    fmt = DataFormat.Float16_b
    a = rng.standard_normal((64, 64)).astype(np.float32)
    b = rng.standard_normal((64, 64)).astype(np.float32)
    bufs = []
    for m in (a, b, np.zeros_like(a)):
        data = tilize(m, fmt)
        buf = dev.create_buffer(data.size, 2048)
        dev.write_buffer(buf, data)
        bufs.append(buf)
    p = Program()
    for cb in (0, 1, 16):
        p.add_circular_buffer(ONE_CORE, cb, 2048, 2, fmt)
    r = p.add_kernel(TEST_KERNELS / "legacy_reader_binary.cpp", ONE_CORE, "reader")
    c = p.add_kernel(TEST_KERNELS / "legacy_eltwise_compute.cpp", ONE_CORE, "compute")
    w = p.add_kernel(
        KERNELS / "writer_unary.cpp", ONE_CORE, "writer", compile_args=tensor_accessor_args(bufs[2])
    )
    p.set_runtime_args(r, ONE_CORE, [bufs[0].address, bufs[1].address, 4])
    p.set_runtime_args(c, ONE_CORE, [4])
    p.set_runtime_args(w, ONE_CORE, [bufs[2].address, 4, 0])
    dev.run(p)
    got = untilize(dev.read_buffer(bufs[2]), a.shape, fmt)
    np.testing.assert_array_equal(got, (bf16_torch(a) + bf16_torch(b)).float().numpy())


def test_report_counts_pages_and_blocking(dev, rng):
    a = rng.standard_normal((64, 64)).astype(np.float32)
    report = rp.matmul(dev, a, a, ((0, 0), (1, 1))).report
    # 4 output tiles over 4 cores, Kt = 2: each core streams 2 A and 2 B tiles
    assert report.cb_stats[((1, 1), 0)].pages_pushed == 2
    assert report.cb_stats[((1, 1), 16)].pages_popped == 1
    assert report.kernel_stats[((0, 0), "compute")].tile_ops == 2
    assert report.kernel_stats[((0, 0), "reader")].noc_bytes == 4 * 2048
    # one core, 4 output tiles: the reader fills the 2-page CBs, blocks, and compute's CB
    # operations happen while it waits
    reader = rp.matmul(dev, a, a, ONE_CORE).report.kernel_stats[((0, 0), "reader")]
    assert reader.times_blocked >= 1 and reader.blocked_ops >= 1


def test_trace_orders_cb_operations(dev, rng):
    a = rng.standard_normal((32, 64)).astype(np.float32)
    assert rp.eltwise_binary(dev, a, a, "add", ONE_CORE).report.events == []
    events = rp.eltwise_binary(dev, a, a, "add", ONE_CORE, trace=1000).report.events
    assert [e.seq for e in events] == sorted(e.seq for e in events)
    pushes = [e for e in events if e.op == "push" and e.cb == 0]
    assert [e.kernel for e in pushes] == ["reader_binary.cpp"] * 2
    first_pop = next(e for e in events if e.op == "pop" and e.cb == 0)
    # the reader ran ahead: both input tiles were pushed before compute popped the first
    assert pushes[-1].seq < first_pop.seq and pushes[-1].occupancy == 2


def _truncate(x: np.ndarray, fraction_bits: int) -> np.ndarray:
    bits = np.ascontiguousarray(x, np.float32).view(np.uint32)
    return (bits & np.uint32(~((1 << (23 - fraction_bits)) - 1) & 0xFFFFFFFF)).view(np.float32)


@pytest.mark.parametrize("fidelity", ["LoFi", "HiFi2", "HiFi3", "HiFi4"])
def test_matmul_math_fidelity_follows_the_phase_model(dev, rng, fidelity):
    """in1 feeds SrcA (top 4 fraction bits per pass), in0 feeds SrcB (top 6 bits per pass)."""
    a = round_to_bf16(rng.standard_normal((32, 64)).astype(np.float32))
    b = round_to_bf16(rng.standard_normal((64, 32)).astype(np.float32))
    a_hi, b_hi = _truncate(a, 6), _truncate(b, 4)
    expected = {
        "LoFi": a_hi @ b_hi,
        "HiFi2": a_hi @ b,
        "HiFi3": a_hi @ b + (a - a_hi) @ b_hi,
        "HiFi4": a @ b,
    }[fidelity].astype(np.float64)
    got = rp.matmul(
        dev, a, b, ONE_CORE, fmt=DataFormat.Float32, fp32_dest_acc_en=True, math_fidelity=fidelity
    )
    np.testing.assert_allclose(got.output, expected, rtol=1e-5, atol=1e-4)
    if fidelity != "HiFi4":
        assert np.abs(got.output - a @ b).max() > 1e-3  # the model really drops bits


def test_typecast_fp32_to_bf16_rounds_in_dst(dev, rng):
    x = rng.standard_normal((64, 64)).astype(np.float32)
    f32 = DataFormat.Float32
    got = rp.sfpu_unary(
        dev, x, "typecast", fmt=f32, include="api/compute/eltwise_unary/typecast.h",
        fp32_dest_acc_en=True, init="typecast_tile_init<0, 5>()", call="typecast_tile<0, 5>(0)",
        out_fmt=f32,
    ).output  # fmt: skip
    # fp32 in, fp32 DST, fp32 out: only the typecast to Float16_b rounds
    np.testing.assert_array_equal(got, round_to_bf16(x))


def test_bfp8_b_storage_round_trips_through_kernels(dev, rng):
    bfp8 = DataFormat.Bfp8_b
    a = rng.standard_normal((64, 96)).astype(np.float32)
    b = rng.standard_normal((64, 96)).astype(np.float32)
    quantized = [untilize(tilize(m, bfp8), m.shape, bfp8) for m in (a, b)]
    expected = untilize(tilize(quantized[0] + quantized[1], bfp8), a.shape, bfp8)
    got = rp.eltwise_binary(dev, a, b, "add", ALL_64, fmt=bfp8).output
    # DST is bf16 (no fp32_dest_acc_en): the sum is rounded to bf16 before bfp8 packing
    np.testing.assert_allclose(got, expected, atol=np.abs(expected).max() / 64)
    assert pcc(got, a + b) >= 0.99


@pytest.mark.parametrize(
    ("op", "reference"),
    [
        ("add_unary", lambda x, s: x + s),
        ("sub_unary", lambda x, s: x - s),
        ("mul_unary", lambda x, s: x * s),
        ("div_unary", lambda x, s: x / s),
        ("rsub_unary", lambda x, s: s - x),
    ],
)
def test_binop_with_scalar_matches_torch(dev, rng, op, reference):
    x = rng.standard_normal((64, 64)).astype(np.float32)
    scalar = np.float32(1.75)
    bits = int(np.array([scalar], np.float32).view(np.uint32)[0])
    got = rp.sfpu_unary(
        dev, x, op, include="api/compute/eltwise_unary/binop_with_scalar.h",
        init="binop_with_scalar_tile_init()", call=f"{op}_tile(0, {bits:#x}u)",
    ).output  # fmt: skip
    expected = reference(bf16_torch(x).float(), float(scalar)).to(torch.bfloat16).float().numpy()
    np.testing.assert_array_equal(got, expected)


@CORES
def test_softmax_rows_matches_torch(dev, rng, cores):
    """Exercises reduce MAX and SUM, column-broadcast sub and mul, exp and recip together."""
    x = (rng.standard_normal((64 * 32, 32)) * 3).astype(np.float32)
    expected = torch.softmax(bf16_torch(x).float(), dim=1).numpy()
    got = rp.softmax_rows(dev, x, cores).output
    assert pcc(got, expected) >= 0.999
    np.testing.assert_allclose(got, expected, rtol=0.02, atol=2e-3)
    np.testing.assert_allclose(got.sum(axis=1), 1.0, atol=0.03)


BCAST_CASES = {
    "cols": lambda a, b: a - b[:, :1],
    "rows": lambda a, b: a - b[:1, :],
    "scalar": lambda a, b: a - b[:1, :1],
}


@pytest.mark.parametrize("dim", sorted(BCAST_CASES))
def test_sub_bcast_uses_the_right_vector(dev, rng, dim):
    a = round_to_bf16(rng.standard_normal((32, 32)).astype(np.float32))
    b = round_to_bf16(rng.standard_normal((32, 32)).astype(np.float32))
    got = rp.eltwise_binary(dev, a, b, "sub", ONE_CORE, bcast=dim).output
    np.testing.assert_array_equal(got, round_to_bf16(BCAST_CASES[dim](a, b)))


def test_fill_and_binary_max_make_a_relu(dev, rng):
    x = rng.standard_normal((64, 64)).astype(np.float32)
    got = rp.sfpu_unary(
        dev, x, "relu_by_max",
        include=("api/compute/binary_max_min.h", "api/compute/eltwise_unary/fill.h"),
        init="fill_tile_init(); binary_max_tile_init()",
        call="fill_tile(1, 0.0f); binary_max_tile(0, 1, 0)",
    ).output  # fmt: skip
    np.testing.assert_array_equal(got, np.maximum(round_to_bf16(x), 0))


def test_transpose_tile(dev, rng):
    x = rng.standard_normal((32, 32)).astype(np.float32)
    got = rp.sfpu_unary(
        dev, x, "transpose", include="api/compute/transpose.h",
        # re-initialising between ops, as kernels mixing FPU ops must
        init="(void)0",
        call="transpose_init(tt::CBIndex::c_0); transpose_tile(tt::CBIndex::c_0, 0, 0); "
        "copy_init(tt::CBIndex::c_0)",
    ).output  # fmt: skip
    np.testing.assert_array_equal(got, round_to_bf16(x).T)


def test_pack_with_l1_accumulation_adds_to_the_page(dev, rng):
    fmt = DataFormat.Float16_b
    x = round_to_bf16(rng.standard_normal((32, 64)).astype(np.float32))
    src = dev.create_buffer(2 * 2048, 2048)
    dev.write_buffer(src, tilize(x, fmt))
    out = dev.create_buffer(2 * 2048, 2048)
    p = Program()
    for cb in (0, 16):
        p.add_circular_buffer(ONE_CORE, cb, 2048, 2, fmt)
    r = p.add_kernel(
        KERNELS / "reader_unary.cpp", ONE_CORE, "reader", compile_args=tensor_accessor_args(src)
    )
    c = p.add_kernel(TEST_KERNELS / "l1_acc_compute.cpp", ONE_CORE, "compute")
    w = p.add_kernel(
        KERNELS / "writer_unary.cpp", ONE_CORE, "writer", compile_args=tensor_accessor_args(out)
    )
    p.set_runtime_args(r, ONE_CORE, [src.address, 2, 0])
    p.set_runtime_args(c, ONE_CORE, [2])
    p.set_runtime_args(w, ONE_CORE, [out.address, 2, 0])
    dev.run(p)
    np.testing.assert_array_equal(untilize(dev.read_buffer(out), x.shape, fmt), 2 * x)


def test_in_order_pack_places_tiles_on_consecutive_pages(dev, rng):
    """pack_tile without out_of_order_output ignores the index, as the hardware packer does:
    two tiles packed into one reservation land on its first and second page."""
    fmt = DataFormat.Float16_b
    x = round_to_bf16(rng.standard_normal((32, 128)).astype(np.float32))
    src = dev.create_buffer(4 * 2048, 2048)
    dev.write_buffer(src, tilize(x, fmt))
    out = dev.create_buffer(4 * 2048, 2048)
    p = Program()
    for cb in (0, 16):
        p.add_circular_buffer(ONE_CORE, cb, 2048, 4, fmt)
    r = p.add_kernel(
        KERNELS / "reader_unary.cpp", ONE_CORE, "reader", compile_args=tensor_accessor_args(src)
    )
    c = p.add_kernel(TEST_KERNELS / "pack_in_order_compute.cpp", ONE_CORE, "compute")
    w = p.add_kernel(
        KERNELS / "writer_unary.cpp", ONE_CORE, "writer", compile_args=tensor_accessor_args(out)
    )
    p.set_runtime_args(r, ONE_CORE, [src.address, 4, 0])
    p.set_runtime_args(c, ONE_CORE, [4])
    p.set_runtime_args(w, ONE_CORE, [out.address, 4, 0])
    dev.run(p)
    np.testing.assert_array_equal(untilize(dev.read_buffer(out), x.shape, fmt), x)


def test_kernel_packer_and_host_tilize_agree_on_bfp8_b(dev, rng):
    """fp32 in, fp32 DST, bfp8_b out: the runtime's packer gives the bytes tilize gives."""
    x = (rng.standard_normal((64, 64)) * np.exp(rng.uniform(-4, 4, (64, 64)))).astype(np.float32)
    result = rp.sfpu_unary(
        dev, x, "identity", fmt=DataFormat.Float32, fp32_dest_acc_en=True,
        init="(void)0", call="(void)0", out_fmt=DataFormat.Bfp8_b,
    )  # fmt: skip
    expected = untilize(tilize(x, DataFormat.Bfp8_b), x.shape, DataFormat.Bfp8_b)
    np.testing.assert_array_equal(result.output, expected)
