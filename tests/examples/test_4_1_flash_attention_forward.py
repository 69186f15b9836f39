"""Example 4.1: TileLang's FlashAttention forward (example_mha_fwd_bhsd.py) on 4-D BHSD tensors,
causal and not, head dims 64 and 128, ragged sequences, against torch's
scaled_dot_product_attention in fp32, on the emulator."""

import pytest
import tilelang.language as T
import torch
from example_helpers import assert_matches_torch, lowered, op_types, run_shape

import compiler
from compiler.errors import CompileError
from compiler.examples import get_example
from compiler.examples.flash_attention_forward import flashattn
from compiler.kernel_ir import ops as k

EXAMPLE = get_example("4.1")
SHAPES = [s.name for s in EXAMPLE.shapes]


@pytest.mark.parametrize("shape", SHAPES)
def test_matches_torch(shape):
    run, expected = run_shape("4.1", shape)
    params = next(s for s in EXAMPLE.shapes if s.name == shape).params
    out, lse = run.outputs
    want_out, want_lse = expected
    assert lse.shape == (params["batch"], params["heads"], params["seq_q"])
    assert_matches_torch(out, want_out, *EXAMPLE.tolerances(params))
    assert_matches_torch(lse, want_lse, *EXAMPLE.tolerances(params))


def test_causal_output_is_not_the_unmasked_attention():
    run, _ = run_shape("4.1", "ragged_causal")
    params = next(s for s in EXAMPLE.shapes if s.name == "ragged_causal").params
    q, k_, v = EXAMPLE.make_inputs(params, torch.Generator().manual_seed(0))
    with pytest.raises(AssertionError):
        assert_matches_torch(run.outputs[0], EXAMPLE.reference(q, k_, v, is_causal=False)[0])


def test_the_reader_makes_the_causal_mask_and_compute_never_branches_on_indices():
    ir = lowered(flashattn(1, 2, 256, 256, 64, is_causal=True))
    masks = [op for op in k.walk_ops(ir.kernels.reader.body) if isinstance(op, k.MaskTiles)]
    assert len(masks) == 1 and (masks[0].rows, masks[0].cols) == (2, 2)
    assert "MaskTiles" not in op_types(ir.kernels.compute.body)


def test_both_gemms_accumulate_in_fp32_and_the_statistics_stay_fp32():
    plan = compiler.compile(flashattn(1, 1, 128, 128, 128, is_causal=False)).plan
    cbs = {cb.buffer: cb for cb in plan.cbs}
    for name in ("acc_s", "acc_o", "scores_max", "logsum"):
        assert cbs[name].data_format == "Float32", name
    assert cbs["acc_s_cast"].data_format == "Float16_b"
    assert (cbs["acc_o"].num_pages, cbs["K_shared"].num_pages) == (2 * 4, 2 * 4)


def test_a_row_of_minus_infinity_scores_after_a_fully_masked_block_stays_finite():
    """Query 0 of a causal block sees one key: every other key block is entirely masked, so
    its running max must come from the earlier blocks (T.max(scores_max, scores_max_prev)),
    not become -inf and turn exp2(-inf - -inf) into NaN."""
    run, expected = run_shape("4.1", "heads_batches_causal")
    assert torch.isfinite(run.outputs[0].float()).all()
    # query 0 attends to key 0 alone: its output is V's row 0 exactly, its lse the one score
    assert torch.isfinite(run.outputs[1]).all()
    assert torch.equal(run.outputs[0][:, :, 0], expected[0][:, :, 0])


def prefix_sums_of_key_blocks(seq_len, dim, block_M=64, block_N=64, past_len=0):
    """Output block bx = the sum of K's blocks 0..bx: the GPU example's causal loop range
    (`T.min(..., T.ceildiv((bx + 1) * block_M + past_len, block_N))`) with no mask to hide
    extra iterations, so every block must run exactly its own count."""
    shape = [1, 1, seq_len, dim]

    @T.prim_func
    def main(K: T.Tensor(shape, "bfloat16"), Output: T.Tensor(shape, "float")):
        with T.Kernel(T.ceildiv(seq_len, block_M), 1, 1, threads=128) as (bx, by, bz):
            K_shared = T.alloc_shared([block_N, dim], "bfloat16")
            acc = T.alloc_fragment([block_M, dim], "float")
            T.clear(acc)
            loop_range = T.min(
                T.ceildiv(seq_len, block_N), T.ceildiv((bx + 1) * block_M + past_len, block_N)
            )
            for kb in T.Pipelined(loop_range, num_stages=1):
                T.copy(K[bz, by, kb * block_N : (kb + 1) * block_N, :], K_shared)
                for i, j in T.Parallel(block_M, dim):
                    acc[i, j] += K_shared[i, j]
            T.copy(acc, Output[bz, by, bx * block_M : (bx + 1) * block_M, :])

    return main


@pytest.mark.parametrize("past_len", [0, 64])
def test_each_block_runs_its_own_causal_loop_count(past_len):
    keys = torch.randn(1, 1, 256, 64, generator=torch.Generator().manual_seed(2)).bfloat16()
    out = compiler.run(
        compiler.compile(prefix_sums_of_key_blocks(256, 64, past_len=past_len)), keys
    )
    blocks = keys.float().reshape(4, 64, 64)
    counts = [min(4, bx + 1 + past_len // 64) for bx in range(4)]
    expected = torch.cat([blocks[:n].sum(0) for n in counts]).reshape(1, 1, 256, 64)
    torch.testing.assert_close(out, expected, rtol=0, atol=1e-5)  # fp32 sums of <= 4 bf16


def test_the_reader_and_compute_run_the_same_block_dependent_count():
    ir = lowered(flashattn(1, 2, 256, 256, 64, is_causal=True))
    counts = [
        [op.extent for op in k.walk_ops(kernel.body) if isinstance(op, k.For) and op.var == "k"]
        for kernel in (ir.kernels.reader, ir.kernels.compute)
    ]
    assert counts[0] == counts[1] and len(counts[0]) == 1
    assert isinstance(counts[0][0], k.IBin) and counts[0][0].op == "min"


def test_a_loop_count_that_can_reach_zero_is_rejected_naming_t_min():
    @T.prim_func
    def main(K: T.Tensor([256, 64], "bfloat16"), Output: T.Tensor([256, 64], "float")):
        with T.Kernel(4, threads=128) as bx:
            K_shared = T.alloc_shared([64, 64], "bfloat16")
            acc = T.alloc_fragment([64, 64], "float")
            T.clear(acc)
            for kb in T.serial(T.min(4, T.ceildiv(256 - (bx + 1) * 64, 64))):
                T.copy(K[kb * 64, 0], K_shared)
                for i, j in T.Parallel(64, 64):
                    acc[i, j] += K_shared[i, j]
            T.copy(acc, Output[bx * 64, 0])

    with pytest.raises(CompileError) as err:
        compiler.compile(main)
    assert err.value.op == "T.min" and "at least 1 for every block" in err.value.reason


def test_flops_count_the_useful_work_halved_for_causal():
    params = {"batch": 2, "heads": 3, "seq_q": 100, "seq_kv": 200, "dim": 64}
    assert EXAMPLE.flops({**params, "is_causal": False}) == 4 * 2 * 3 * 100 * 200 * 64
    assert EXAMPLE.flops({**params, "is_causal": True}) == 2 * 2 * 3 * 100 * 200 * 64


def test_causal_blocks_take_the_query_blocks_in_zigzag_order():
    causal = lowered(flashattn(1, 2, 256, 256, 64, is_causal=True)).kernels.compute.body
    full = lowered(flashattn(1, 2, 256, 256, 64, is_causal=False)).kernels.compute.body
    assert [op.zigzag for op in causal if isinstance(op, k.BlockLoop)] == [("bx",)]
    assert [op.zigzag for op in full if isinstance(op, k.BlockLoop)] == [()]


def test_causal_attention_models_about_half_the_time_of_the_full_one():
    """Each core's range of 4 query blocks mixes short and long key loops, so skipping the key
    blocks above the diagonal shows in the slowest core's time."""
    from compiler.perf.bench import run_generated

    params = {"batch": 1, "heads": 8, "seq_q": 1024, "seq_kv": 1024, "dim": 64}
    cycles = [
        run_generated(EXAMPLE, {**params, "is_causal": c}, f"c{c}", "wormhole_n150").perf.cycles
        for c in (False, True)
    ]
    assert cycles[1] < 0.6 * cycles[0]
