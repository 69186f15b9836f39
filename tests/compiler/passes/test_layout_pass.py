"""plan_layout: tensors padded to whole tiles; copies must be tile-aligned."""

import pytest
import tl_kernels as K

from compiler.errors import CompileError
from compiler.frontend import from_prim_func
from compiler.passes.layout import plan_layout


def test_ragged_tensors_are_padded_to_whole_tiles():
    program = plan_layout(from_prim_func(K.gemm(200, 300, 100)))
    a = program.layout("A")
    assert (a.rows, a.cols, a.tile_rows, a.tile_cols) == (200, 100, 7, 4)
    assert program.layout("C").tile_cols == 10


def test_misaligned_copy_is_rejected_with_the_region():
    with pytest.raises(CompileError) as err:
        plan_layout(from_prim_func(K.misaligned_copy(64)))
    assert err.value.op == "T.copy"
    assert "A[16*bx : +32, 0 : +32] is not aligned to 32x32 tiles" in err.value.reason
