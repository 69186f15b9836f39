"""Example 2.2: T.cast between fp32 and bf16 as an SFPU typecast_tile in DST, rounding to
nearest even as the hardware does, on the emulator."""

import pytest
import tilelang.language as T
import torch
from example_helpers import compute_inits, lowered, run_shape

import compiler
from compiler.examples import get_example
from compiler.examples.cast import cast
from compiler.kernel_ir import ops as k

SHAPES = [s.name for s in get_example("2.2").shapes]


def round_trip(M, N):
    """fp32 -> bf16 -> fp32 inside one expression: only a cast that rounds in DST changes it."""

    @T.prim_func
    def main(A: T.Tensor((M, N), "float32"), B: T.Tensor((M, N), "float32")):
        with T.Kernel(T.ceildiv(N, 32), T.ceildiv(M, 32), threads=128) as (bx, by):
            for i, j in T.Parallel(32, 32):
                B[by * 32 + i, bx * 32 + j] = T.cast(
                    T.cast(A[by * 32 + i, bx * 32 + j], "bfloat16"), "float32"
                )

    return main


@pytest.mark.parametrize("shape", SHAPES)
def test_matches_torch_bit_for_bit(shape):
    run, expected = run_shape("2.2", shape)
    assert run.outputs[0].dtype == expected.dtype and torch.equal(run.outputs[0], expected)


@pytest.mark.parametrize(("src", "dst"), [("float32", "bfloat16"), ("bfloat16", "float32")])
def test_compute_sets_up_only_copy_and_typecast(src, dst):
    func = cast(64, 64, in_dtype=src, out_dtype=dst)
    assert compute_inits(func) == {"CopyInit", "UnaryInit"}
    body = lowered(func).kernels.compute.body
    inits = {op.op for op in k.walk_ops(body) if isinstance(op, k.UnaryInit)}
    assert inits == {f"typecast_{src}_{dst}"}


def test_typecast_renders_with_dataformat_codes():
    source = compiler.compile(cast(64, 64)).sources["compute.cpp"]
    assert "typecast_tile_init<0, 5>();" in source and "typecast_tile<0, 5>(i);" in source


def test_halfway_values_round_to_even():
    ulp = 2.0**-7  # bf16 spacing in [1, 2)
    halves = torch.tensor([1 + ulp / 2, 1 + 3 * ulp / 2, -(1 + ulp / 2), 2 - ulp / 2])
    a = torch.ones(32, 32)
    a[0, :4] = halves
    out = compiler.run(compiler.compile(cast(32, 32, block_M=32, block_N=32)), a)
    assert out[0, :4].float().tolist() == [1.0, 1 + 2 * ulp, -1.0, 2.0]
    assert torch.equal(out, a.to(torch.bfloat16))


def test_narrowing_cast_rounds_in_dst_before_an_fp32_pack():
    a = torch.randn(64, 96, generator=torch.Generator().manual_seed(2))
    out = compiler.run(compiler.compile(round_trip(64, 96)), a)
    assert torch.equal(out, a.to(torch.bfloat16).float()) and not torch.equal(out, a)


def test_fp32_tensors_put_the_dst_in_fp32_mode():
    plan = compiler.compile(cast(64, 64)).plan
    assert [kp.fp32_dest_acc_en for kp in plan.kernels if kp.role == "compute"] == [True]


def test_reference_is_not_trivially_satisfied():
    run, expected = run_shape("2.2", "fp32_to_bf16_one_block")
    assert not torch.equal(run.outputs[0], expected.float().mul(1.01).to(torch.bfloat16))
