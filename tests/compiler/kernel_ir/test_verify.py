"""The kernel-IR verifier rejects broken DST lifecycles, out-of-range indices, misplaced ops and
unbalanced CB traffic, naming what failed."""

from dataclasses import replace

import pytest
import tl_kernels as K

from compiler.errors import CompileError
from compiler.kernel_ir import ops as k
from compiler.kernel_ir.verify import verify


def with_compute(lowered, body):
    ks = lowered.kernels
    return replace(lowered, kernels=replace(ks, compute=replace(ks.compute, body=tuple(body))))


def test_pipeline_output_verifies():
    lowered = K.lowered(K.gemm(128, 128, 64), "split_kernels")
    assert verify(lowered) is lowered


def test_pack_before_wait_is_rejected():
    lowered = K.lowered(K.gemm(64, 64, 32), "split_kernels")
    body = [
        k.TileRegs("acquire"),
        k.TileRegs("commit"),
        k.PackTile(0, "cb_C_l", 0),
        k.TileRegs("wait"),
        k.TileRegs("release"),
    ]
    with pytest.raises(
        CompileError, match=r"pack_tile outside wait..release \(state 'committed'\)"
    ):
        verify(with_compute(lowered, body))


def test_acquire_twice_is_rejected():
    lowered = K.lowered(K.gemm(64, 64, 32), "split_kernels")
    with pytest.raises(CompileError, match="tile_regs_acquire while the DST is in state 'math'"):
        verify(with_compute(lowered, [k.TileRegs("acquire"), k.TileRegs("acquire")]))


def test_dst_index_beyond_capacity_is_rejected():
    lowered = K.lowered(K.gemm(64, 64, 32), "split_kernels")  # fp32 accumulation: 4 DST tiles
    body = [
        k.TileRegs("acquire"),
        k.For("i", 5, (k.CopyTile("cb_C_l", 0, "i"),)),
        k.TileRegs("commit"),
    ]
    with pytest.raises(CompileError, match="DST index up to 4, but DST holds 4 tiles"):
        verify(with_compute(lowered, body))


def test_read_in_compute_kernel_is_rejected():
    lowered = K.lowered(K.gemm(64, 64, 32), "split_kernels")
    with pytest.raises(CompileError, match="ReadTiles must be lowered before codegen"):
        verify(with_compute(lowered, [k.ReadTiles("cb_A_s", "A", 0, 0, 1, 1)]))


def test_unbalanced_reader_traffic_is_rejected():
    lowered = K.lowered(K.gemm(64, 64, 64), "split_kernels")
    ks = lowered.kernels
    loop = ks.reader.body[0]
    doubled = replace(lowered, kernels=replace(ks, reader=replace(ks.reader, body=(loop, loop))))
    with pytest.raises(
        CompileError,
        match="buffer A_s: the reader kernel produces 8 tiles per block but its consumer takes 4",
    ):
        verify(doubled)
