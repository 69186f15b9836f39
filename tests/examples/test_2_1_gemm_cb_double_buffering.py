"""Example 2.1: the pipelined TileLang GEMM; input CBs are num_stages K-blocks deep and the
emulator's CB trace shows the reader fetching block k+1 before compute releases block k."""

import pytest
import torch
from example_helpers import assert_matches_torch, compute_inits, lowered, run_shape

import compiler
from compiler.backends.sim import execute
from compiler.examples import get_example
from compiler.examples.gemm_cb_double_buffering import reader_lead
from compiler.kernel_ir import ops as k

EXAMPLE = get_example("2.1")
SHAPES = [s.name for s in EXAMPLE.shapes]
ONE_BLOCK = {"M": 64, "N": 64, "K": 512, "block_M": 64, "block_N": 64, "block_K": 32}


def run_one_block(num_stages: int):
    """One 64x64 block with 16 K-steps on one core, with a CB trace."""
    params = {**ONE_BLOCK, "num_stages": num_stages}
    artifact = compiler.compile(EXAMPLE.kernel(**params))
    inputs = EXAMPLE.make_inputs(params, torch.Generator().manual_seed(0))
    run = execute(artifact, inputs, trace=10_000)
    assert_matches_torch(run.outputs[0], EXAMPLE.reference(*inputs))
    return artifact, run


def a_cb_trace(num_stages: int):
    """(reader push seqs, compute pop seqs) of the A CB on core (0, 0), in logical time."""
    artifact, run = run_one_block(num_stages)
    cb = next(c.index for c in artifact.plan.cbs if c.buffer == "A_shared")
    mine = [e for e in run.report.events if e.core == (0, 0) and e.cb == cb]
    pushes = [e.seq for e in mine if e.op == "push" and e.kernel.endswith("reader.cpp")]
    pops = [e.seq for e in mine if e.op == "pop" and e.kernel.endswith("compute.cpp")]
    assert len(pushes) == len(pops) == 16
    return pushes, pops


def timing(num_stages: int, role: str):
    _, run = run_one_block(num_stages)
    return run.report.kernel_stats[((0, 0), role)].timing


@pytest.mark.parametrize("shape", SHAPES)
def test_matches_torch(shape):
    run, expected = run_shape("2.1", shape)
    assert_matches_torch(run.outputs[0], expected)


@pytest.mark.parametrize("stages", [2, 3])
def test_reader_pushes_block_k_plus_1_before_compute_pops_block_k(stages):
    pushes, pops = a_cb_trace(stages)
    # the first num_stages blocks are all in the CB before compute releases block 0; later the
    # cooperative scheduler lets compute drain what it has before the reader resumes
    assert pushes[stages - 1] < pops[0]
    ahead = sum(pushes[i + 1] < pops[i] for i in range(len(pops) - 1))
    assert ahead >= len(pops) // 2


def test_single_stage_reader_waits_for_every_pop():
    pushes, pops = a_cb_trace(1)
    assert all(pops[i] < pushes[i + 1] for i in range(len(pops) - 1))


def test_cost_model_reader_is_never_held_back_with_two_stages():
    single, double = timing(1, "reader"), timing(2, "reader")
    assert single.wait_out > 0 and double.wait_out == 0
    assert timing(2, "compute").cycles < timing(1, "compute").cycles


@pytest.mark.parametrize("stages", [1, 2, 3, 4])
def test_input_cb_depth_is_num_stages_blocks(stages):
    plan = compiler.compile(EXAMPLE.kernel(**{**ONE_BLOCK, "num_stages": stages})).plan
    cbs = {c.buffer: c for c in plan.cbs}
    assert cbs["A_shared"].num_pages == stages * 2 and cbs["B_shared"].num_pages == stages * 2


def test_compute_sets_up_only_matmul_and_copy():
    assert compute_inits(EXAMPLE.kernel(**ONE_BLOCK)) == {"MatmulInit", "CopyInit"}


def test_reader_reads_inside_the_k_loop_and_does_nothing_else():
    reader = lowered(EXAMPLE.kernel(**ONE_BLOCK)).kernels.reader
    (block,) = reader.body
    (k_loop,) = block.body
    assert isinstance(k_loop, k.For) and k_loop.extent == 16
    assert [(op.cb, op.tensor) for op in k_loop.body] == [
        ("cb_A_shared", "A"),
        ("cb_B_shared", "B"),
    ]


def test_reference_is_not_trivially_satisfied():
    run, expected = run_shape("2.1", "double_256")
    with pytest.raises(AssertionError):
        assert_matches_torch(run.outputs[0], (expected.float() * 1.05).to(torch.bfloat16))


def test_reader_lead_check_fails_when_the_a_cb_is_not_num_stages_k_blocks_deep():
    shape = next(s for s in EXAMPLE.shapes if s.name == "double_256")
    run, _ = run_shape("2.1", shape.name)
    plan = compiler.compile(EXAMPLE.kernel(**shape.params)).plan
    ((name, ok, _),) = reader_lead(shape, [plan], [run.report])
    assert (name, ok) == ("reader runs num_stages K-blocks ahead", True)
    # one K-block of 128x32 is 4 tiles: a CB of 3 blocks is too deep for num_stages=2
    deeper = [
        c.model_copy(update={"num_pages": 12}) if c.buffer == "A_shared" else c for c in plan.cbs
    ]
    ((_, ok, detail),) = reader_lead(shape, [plan.model_copy(update={"cbs": deeper})], [run.report])
    assert not ok and detail.startswith("A_shared CB: 12 pages (expected 2 x 4-tile K-blocks = 8)")
