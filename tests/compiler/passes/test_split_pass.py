"""split_kernels: each role keeps its own ops and the loops around them."""

import tl_kernels as K

from compiler.frontend import from_prim_func
from compiler.kernel_ir import ops as k
from compiler.pipeline import passes
from compiler.targets import get_target


def lowered(func):
    ir = from_prim_func(func)
    for name, run in passes(get_target("wormhole_n150")):
        ir = run(ir)
        if name == "split_kernels":
            return ir
    raise AssertionError("no split_kernels pass")


def kinds(ops):
    for op in ops:
        yield type(op)
        if isinstance(op, k.For | k.BlockLoop | k.If):
            yield from kinds(op.body)


def test_roles_keep_their_ops_and_the_loops_around_them():
    ks = lowered(K.gemm(128, 128, 96)).kernels
    assert set(kinds(ks.reader.body)) == {k.BlockLoop, k.For, k.ReadTiles}
    assert set(kinds(ks.writer.body)) == {k.BlockLoop, k.WriteTiles}
    compute = set(kinds(ks.compute.body))
    assert k.MatmulTiles in compute and not compute & {k.ReadTiles, k.WriteTiles}
    assert (ks.reader.tensors, ks.writer.tensors, ks.compute.tensors) == (("A", "B"), ("C",), ())


def test_k_loop_is_mirrored_in_reader_and_compute():
    ks = lowered(K.gemm(64, 64, 96)).kernels
    reader_loop = ks.reader.body[0].body[0]
    compute_loops = [op for op in ks.compute.body[-1].body if isinstance(op, k.For)]
    assert isinstance(reader_loop, k.For) and (reader_loop.var, reader_loop.extent) == ("k", 3)
    assert next((op.var, op.extent) for op in compute_loops) == ("k", 3)
