"""check_program: the tile IR's spec, tested on hand-built programs."""

import pytest

from compiler.errors import CompileError
from compiler.ir import Affine, Copy, LocalBuffer, Program, Region, Tensor
from compiler.passes.check import check_program

A = Tensor("A", (64, 64), "bfloat16")
A_S = LocalBuffer("A_s", (32, 32), "bfloat16", "shared")


def program(*body):
    return Program("p", (A,), (A_S,), (("bx", 2),), 128, tuple(body))


def region(name, starts, extent):
    return Region(name, tuple(Affine(tuple(t), c) for t, c in starts), extent)


def test_well_formed_program_passes_unchanged():
    ok = program(
        Copy(
            region("A", [([("bx", 32)], 0), ([], 0)], (32, 32)),
            region("A_s", [([], 0), ([], 0)], (32, 32)),
            "here",
        )
    )
    assert check_program(ok) is ok


def test_copy_between_different_shapes_is_rejected():
    bad = program(
        Copy(
            region("A", [([], 0), ([], 0)], (64, 32)),
            region("A_s", [([], 0), ([], 0)], (32, 32)),
            "line 7",
        )
    )
    with pytest.raises(
        CompileError,
        match=r"T.copy: copies A\[0 : \+64, 0 : \+32\] into A_s\[0 : \+32, 0 : \+32\]: the shapes differ \(at line 7\)",
    ):
        check_program(bad)


def test_local_region_outside_its_buffer_is_rejected():
    bad = program(
        Copy(
            region("A", [([], 0), ([], 0)], (32, 32)),
            region("A_s", [([], 16), ([], 0)], (32, 32)),
            "here",
        )
    )
    with pytest.raises(CompileError, match=r"A_s\[16 : \+32, 0 : \+32\] is outside A_s\[32, 32\]"):
        check_program(bad)


def test_index_variable_out_of_scope_is_rejected():
    bad = program(
        Copy(
            region("A", [([("k", 32)], 0), ([], 0)], (32, 32)),
            region("A_s", [([], 0), ([], 0)], (32, 32)),
            "here",
        )
    )
    with pytest.raises(CompileError, match="uses k, not a grid or loop variable in scope"):
        check_program(bad)
