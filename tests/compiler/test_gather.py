"""frontend/gather: non-affine global reads in T.Parallel become reader gathers when provably
contiguous per 32-column slice; anything else is rejected."""

import pytest
import tl_kernels as K
import torch

import compiler
from compiler.errors import CompileError
from compiler.frontend import from_prim_func
from compiler.ir import Gather, walk


def test_a_non_affine_row_index_is_a_gather_with_cpp_index_expressions():
    (gather,) = [
        s for s in walk(from_prim_func(K.shifted_rows(64, 64)).body) if isinstance(s, Gather)
    ]
    assert (gather.tensor, gather.cond) == ("A", "1")
    assert "% 32" in gather.row and "static_cast<int32_t>(by)" in gather.row


def test_gathered_rows_match_torch():
    a = torch.randn(64, 96, generator=torch.Generator().manual_seed(4)).to(torch.bfloat16)
    out = compiler.run(compiler.compile(K.shifted_rows(64, 96)), a)
    expected = a.reshape(2, 32, 96).roll(-1, dims=1).reshape(64, 96)
    assert torch.equal(out, expected)


def test_non_contiguous_columns_are_rejected():
    with pytest.raises(CompileError) as err:
        from_prim_func(K.strided_columns(64, 64))
    assert "must run contiguously" in err.value.reason
