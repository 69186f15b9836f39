"""allocate_cbs: CB depth from num_stages, output staging CBs, L1 budget."""

import pytest
import tl_kernels as K

from compiler.errors import CompileError
from compiler.frontend import from_prim_func
from compiler.passes.cbs import allocate_cbs
from compiler.passes.stage_globals import stage_globals
from compiler.passes.target import attach_target
from compiler.targets import get_target


def cbs(func):
    program = stage_globals(attach_target(from_prim_func(func), get_target("wormhole_n150")))
    return {c.buffer: c for c in allocate_cbs(program).cbs}


def test_pipelined_inputs_get_num_stages_blocks_and_accumulator_one():
    table = cbs(K.gemm(256, 256, 256, stages=3))
    assert (table["A_s"].block_tiles, table["A_s"].num_pages, table["A_s"].index) == (2, 6, 0)
    assert table["A_s"].producer == "reader"
    assert (table["C_l"].num_pages, table["C_l"].dtype, table["C_l"].index) == (4, "float32", 24)
    assert (table["C"].num_pages, table["C"].dtype, table["C"].index) == (8, "bfloat16", 16)


def test_unpipelined_inputs_are_double_buffered():
    table = cbs(K.add_global(64, 64))
    assert table["A_block"].num_pages == 2 * table["A_block"].block_tiles


def test_temporaries_for_computed_binary_operands():
    table = cbs(K.exp_scaled(64, 64))
    assert "tmp0" not in table  # exp(x) * 2 - 1: only scalar binaries, no temporary


def test_l1_overflow_names_the_buffers():
    with pytest.raises(CompileError) as err:
        cbs(K.huge_stages(512))
    assert "over the 1200000 B budget of wormhole_n150" in str(err.value)
    assert "A_s: 1024 x 2048 B" in str(err.value)


def test_a_reduction_adds_one_bf16_scaler_page_filled_by_the_reader():
    table = cbs(K.block_row_max(128, 64))
    scaler = table["scaler"]
    assert (scaler.num_pages, scaler.dtype, scaler.producer) == (1, "bfloat16", "reader")
    assert table["S"].block_tiles == 4 and table["S"].dtype == "float32"


def test_num_stages_1_single_buffers_and_plain_loops_double_buffer():
    assert cbs(K.gemm(128, 128, 128, stages=1))["A_s"].num_pages == 2
    assert cbs(K.gemm(128, 128, 128, stages=2))["A_s"].num_pages == 4


def test_past_eight_intermediates_the_free_input_and_output_indices_are_used():
    from compiler.examples.flash_attention_forward import flashattn

    table = cbs(flashattn(1, 2, 128, 128, 64, is_causal=True))
    indices = [c.index for c in table.values()]
    assert len(indices) == len(set(indices)) and max(indices) < 32
    compute = sorted(c.index for c in table.values() if c.producer == "compute")
    readers = [c.index for c in table.values() if c.producer == "reader"]
    # 24..31 first, then the indices the reader's CBs and the one output staging CB leave free
    assert compute[-8:] == list(range(24, 32)) and len(compute) > 9
    assert set(compute) & set(range(len(readers), 16))
