"""manage_dst: DST sections in chunks that fit the DST, with the full lifecycle."""

import pytest
import tilelang.language as T
import tl_kernels as K

from compiler.kernel_ir import ops as k
from compiler.passes.dst import chunk_size


@pytest.mark.parametrize(
    ("tiles", "capacity", "chunk"), [(16, 4, 4), (16, 8, 8), (7, 4, 1), (6, 4, 3), (2, 8, 2)]
)
def test_chunk_is_largest_divisor_within_capacity(tiles, capacity, chunk):
    assert chunk_size(tiles, capacity) == chunk


def test_gemm_accumulator_of_16_tiles_is_split_into_fp32_dst_chunks_of_4():
    lowered = K.lowered(K.gemm(128, 128, 64, block_M=128, block_N=128), "manage_dst")
    ops = list(k.walk_ops(lowered.body))
    assert not any(isinstance(op, k.MatmulBlock | k.EltwiseBlock) for op in ops)
    chunk_loops = [op for op in ops if isinstance(op, k.For) and op.var == "chunk"]
    assert [c.extent for c in chunk_loops] == [4, 4]  # matmul, then copy-out
    phases = [op.phase for op in k.walk_ops(chunk_loops[0].body) if isinstance(op, k.TileRegs)]
    assert phases == ["acquire", "commit", "wait", "release"]
    dst_loops = [
        op for op in k.walk_ops(chunk_loops[0].body) if isinstance(op, k.For) and op.var == "i"
    ]
    assert {loop.extent for loop in dst_loops} == {4}


def test_computed_operands_of_a_binary_op_stay_in_dst_slots():
    """(A + B) * exp(A): the FPU sum lands in slot i, exp(A) in slot cs + i, and the SFPU
    multiplies the two DST tiles; no temporary CB."""
    lowered = K.lowered(K.sum_times_exp(64, 64), "manage_dst")
    ops = list(k.walk_ops(lowered.body))
    assert not any(isinstance(op, k.PackTile) and op.cb.startswith("cb_tmp") for op in ops)
    (add,) = [op for op in ops if isinstance(op, k.BinaryTiles)]
    (mul,) = [op for op in ops if isinstance(op, k.SfpuTiles)]
    exp = next(op for op in ops if isinstance(op, k.UnaryTile) and op.op == "exp")
    assert (add.op, add.dst) == ("add", "i")
    assert mul.op == "mul_binary" and mul.srcs == ("i", exp.dst) and mul.dst == "i"
    assert exp.dst == k.IBin("+", 1, "i")  # one-tile blocks: chunks of 1, exp(A) in slot 1


def _deep(M, N):
    """An expression needing 6 DST slots per tile at once, beyond the fp32 DST's 4."""

    @T.prim_func
    def main(
        A: T.Tensor((M, N), "float32"),
        B: T.Tensor((M, N), "float32"),
        C: T.Tensor((M, N), "float32"),
    ):
        with T.Kernel(1, threads=128) as _:
            A_s = T.alloc_shared((M, N), "float32")
            B_s = T.alloc_shared((M, N), "float32")
            C_l = T.alloc_fragment((M, N), "float32")
            T.copy(A[0, 0], A_s)
            T.copy(B[0, 0], B_s)
            for i, j in T.Parallel(M, N):
                a, b = A_s[i, j], B_s[i, j]
                C_l[i, j] = (a + b) * (a - b * (a + b * T.exp(a)))
            T.copy(C_l, C[0, 0])

    return main


def test_an_expression_deeper_than_the_dst_goes_through_temporaries_one_tile_at_a_time():
    import torch

    import compiler

    lowered = K.lowered(_deep(64, 64), "manage_dst")
    ops = list(k.walk_ops(lowered.body))
    assert any(isinstance(op, k.PackTile) and op.cb.startswith("cb_tmp") for op in ops)
    # one tile per section: temporaries shared by statements of other chunk sizes never wrap
    assert {op.extent for op in ops if isinstance(op, k.For) and op.var == "i"} == {1}
    a, b = (torch.rand(64, 64, generator=torch.Generator().manual_seed(s)) for s in (0, 1))
    got = compiler.run(compiler.compile(_deep(64, 64)), a, b)
    # the temporaries are fp32 CBs the FPU reads through SrcA as tf32: 2^-11 per operand, four
    # FPU ops deep
    torch.testing.assert_close(got, (a + b) * (a - b * (a + b * a.exp())), rtol=4e-3, atol=1e-3)


def test_reading_a_shared_buffer_after_the_loop_that_filled_it_is_an_error():
    import pytest

    from compiler.errors import CompileError

    with pytest.raises(CompileError) as err:
        K.lowered(K.read_after_loop(64), "tensorize")
    assert err.value.op == "read"
    assert (
        "A_s is read where no T.copy in this or an enclosing loop body fills it" in err.value.reason
    )


def test_elementwise_chunks_divide_the_temporary_cbs():
    """6-tile blocks with a 4-tile fp32 DST: chunks of 2, so a 4-page temporary never wraps."""
    import torch

    import compiler
    from compiler.examples.multi_operand_elementwise import EXAMPLE

    params = {"M": 100, "N": 70, "block_M": 96, "block_N": 64}
    a, b, c = EXAMPLE.make_inputs(params, torch.Generator().manual_seed(12))
    out = compiler.run(compiler.compile(EXAMPLE.kernel(**params)), a, b, c)
    torch.testing.assert_close(
        out.float(), EXAMPLE.reference(a, b, c).float(), rtol=2e-2, atol=2e-2
    )


def test_reduce_of_a_4x2_tile_block_folds_each_tile_row_into_one_dst_tile():
    ops = list(k.walk_ops(K.lowered(K.block_row_max(128, 64), "manage_dst").body))
    assert not any(isinstance(op, k.ReduceBlock) for op in ops)
    (init,) = [op for op in ops if isinstance(op, k.ReduceInit)]
    assert (init.kind, init.dim, init.src, init.scaler) == (
        "max",
        "REDUCE_ROW",
        "cb_A_s_frag",  # TileLang copies a shared reduce source to a fragment first
        "cb_scaler",
    )
    (fold,) = [op for op in ops if isinstance(op, k.For) and op.var == "r"]
    assert fold.extent == 2  # two tiles per tile row, one DST tile each: 4 output tiles
    (chunk,) = [
        op
        for op in ops
        if isinstance(op, k.For)
        and op.var == "chunk"
        and any(isinstance(o, k.ReduceInit) for o in k.walk_ops(op.body))
    ]
    # 4 fp32 DST tiles hold the 4 output tiles at once; the accumulator reload is conditional
    assert chunk.extent == 1 and any(isinstance(o, k.If) for o in chunk.body)


def _outer(M, N):
    @T.prim_func
    def main(
        X: T.Tensor((M,), "float32"), Y: T.Tensor((N,), "float32"), Out: T.Tensor((M, N), "float32")
    ):
        with T.Kernel(1, threads=128) as _:
            x = T.alloc_shared((M,), "float32")
            y = T.alloc_shared((N,), "float32")
            o = T.alloc_fragment((M, N), "float32")
            T.copy(X[0], x)
            T.copy(Y[0], y)
            for i, j in T.Parallel(M, N):
                o[i, j] = x[i] + y[j] - x[i] * 2.0
            T.copy(o, Out[0, 0])

    return main


def test_two_broadcast_operands_meet_in_dst_slots():
    """x[i] + y[j]: the FPU broadcasts only its second operand, so both vectors come into DST
    with unary_bcast and the SFPU adds them."""
    import torch

    import compiler

    ops = list(k.walk_ops(K.lowered(_outer(64, 96), "manage_dst").body))
    assert {op.bcast for op in ops if isinstance(op, k.UnaryBcast)} == {"rows", "cols"}
    assert not any(isinstance(op, k.BinaryTiles) for op in ops)
    x, y = torch.randn(64), torch.randn(96)
    got = compiler.run(compiler.compile(_outer(64, 96)), x, y)
    # unary_bcast of fp32 tiles unpacks to DST unrounded; the SFPU adds in fp32
    torch.testing.assert_close(got, x[:, None] + y[None, :] - 2 * x[:, None], rtol=0, atol=1e-6)
