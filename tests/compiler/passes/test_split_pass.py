"""split_kernels: each role keeps its own ops and the loops around them."""

import tl_kernels as K

from compiler.kernel_ir import ops as k


def test_roles_keep_their_ops_and_the_loops_around_them():
    ks = K.lowered(K.gemm(128, 128, 96), "split_kernels").kernels
    assert {type(op) for op in k.walk_ops(ks.reader.body)} == {k.BlockLoop, k.For, k.ReadTiles}
    assert {type(op) for op in k.walk_ops(ks.writer.body)} == {k.BlockLoop, k.WriteTiles}
    compute = {type(op) for op in k.walk_ops(ks.compute.body)}
    assert k.MatmulTiles in compute and not compute & {k.ReadTiles, k.WriteTiles}
    assert (ks.reader.tensors, ks.writer.tensors, ks.compute.tensors) == (("A", "B"), ("C",), ())


def test_k_loop_is_mirrored_in_reader_and_compute():
    ks = K.lowered(K.gemm(64, 64, 96), "split_kernels").kernels
    reader_loop = ks.reader.body[0].body[0]
    compute_loops = [op for op in ks.compute.body[-1].body if isinstance(op, k.For)]
    assert isinstance(reader_loop, k.For) and (reader_loop.var, reader_loop.extent) == ("k", 3)
    assert next((op.var, op.extent) for op in compute_loops) == ("k", 3)
