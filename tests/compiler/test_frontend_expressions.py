"""The frontend's element-wise vocabulary: constant folding, divisions, max/min, selects, index
masks, scalars, and the constructs with no Tensix meaning."""

import math

import pytest
import tilelang.language as T

from compiler.errors import CompileError
from compiler.frontend import from_prim_func
from compiler.ir import Affine, Binary, Const, Eltwise, Fill, Load, Mask, Select, Unary, walk


def nest(fn, setup=None, M=32, N=64, dtype="float32"):
    """One T.Parallel store `y[i, j] = fn(x_s[i, j], i, j, bx)` after an optional setup."""

    @T.prim_func
    def main(X: T.Tensor((M, N), dtype), Y: T.Tensor((M, N), dtype)):
        with T.Kernel(2, threads=128) as bx:
            x_s = T.alloc_shared((M, N), dtype)
            y = T.alloc_fragment((M, N), dtype)
            T.copy(X[0, 0], x_s)
            if setup is not None:
                setup(y)
            for i, j in T.Parallel(M, N):
                y[i, j] = fn(x_s[i, j], i, j, bx)
            T.copy(y, Y[0, 0])

    return main


def stores(func) -> list[Eltwise]:
    return [s for s in walk(from_prim_func(func).body) if isinstance(s, Eltwise)]


def test_fill_with_negative_infinity_and_limits_folds_to_a_constant():
    fills = [
        s
        for s in walk(
            from_prim_func(
                nest(lambda x, i, j, bx: x, lambda y: T.fill(y, -T.infinity("float32")))
            ).body
        )
        if isinstance(s, Fill)
    ]
    assert [f.value for f in fills] == [-math.inf]
    (fill,) = [
        s
        for s in walk(
            from_prim_func(
                nest(lambda x, i, j, bx: x, lambda y: T.fill(y, T.min_value("float16")))
            ).body
        )
        if isinstance(s, Fill)
    ]
    assert fill.value == -65504.0


def test_constant_subexpressions_fold_and_division_is_a_binary_op():
    (store,) = stores(
        nest(lambda x, i, j, bx: x / (T.float32(1.0) / T.Cast("float32", 64)) * (0.5 * 1.44269504))
    )
    assert store.expr == Binary(
        "mul", Binary("div", store.expr.a.a, Const(1 / 64)), Const(0.5 * 1.44269504)
    )


def test_max_min_and_comparisons_of_tiles_and_constants():
    (store,) = stores(nest(lambda x, i, j, bx: T.if_then_else(x > 1.0, T.max(x, 0), T.min(x, 2.0))))
    assert isinstance(store.expr, Select)
    assert store.expr.cond == Binary("gt", store.expr.cond.a, Const(1.0))
    assert store.expr.a == Unary("relu", store.expr.cond.a)
    assert store.expr.b == Binary("min", store.expr.cond.a, Const(2.0))


def test_a_condition_on_indices_becomes_an_index_mask():
    (store,) = stores(
        nest(lambda x, i, j, bx: T.if_then_else(bx * 32 + i >= j, x, -T.infinity("float32")))
    )
    mask = store.expr.cond
    assert isinstance(mask, Mask) and (mask.i, mask.j) == ("i", "j")
    (((d, op),),) = mask.terms
    assert op == "ge" and d == Affine((("bx", 32), ("i", 1), ("j", -1)), 0)
    assert store.expr.b == Const(-math.inf)


def test_or_of_index_conditions_is_a_mask_of_two_alternatives():
    @T.prim_func
    def main(X: T.Tensor((32, 64), "float32"), Y: T.Tensor((32, 64), "float32")):
        with T.Kernel(1, threads=128) as _:
            x_s = T.alloc_shared((32, 64), "float32")
            y = T.alloc_fragment((32, 64), "float32")
            T.copy(X[0, 0], x_s)
            for i, j in T.Parallel(32, 64):
                y[i, j] = T.if_then_else(i < 3 or j >= 60, 0.0, x_s[i, j])
            T.copy(y, Y[0, 0])

    (store,) = stores(main)
    assert isinstance(store.expr.cond, Mask) and len(store.expr.cond.terms) == 2


def test_exp2_log2_erf_and_integer_power_are_recognised():
    (store,) = stores(nest(lambda x, i, j, bx: T.exp2(x) + T.log2(x) + T.erf(x) + T.pow(x, 3)))
    ops = []

    def collect(e):
        if isinstance(e, Unary | Binary):
            ops.append(e.op)
            for c in (e.x,) if isinstance(e, Unary) else (e.a, e.b):
                collect(c)

    collect(store.expr)
    assert {"exp2", "log2", "erf", "pow"} <= set(ops)


def test_alloc_var_assigned_a_constant_is_that_constant():
    @T.prim_func
    def main(X: T.Tensor((32, 32), "float32"), Y: T.Tensor((32, 32), "float32")):
        with T.Kernel(1, threads=128) as _:
            x_s = T.alloc_shared((32, 32), "float32")
            y = T.alloc_fragment((32, 32), "float32")
            inv = T.alloc_var("float32")
            inv = T.float32(1.0) / 32
            T.copy(X[0, 0], x_s)
            for i, j in T.Parallel(32, 32):
                y[i, j] = x_s[i, j] * inv
            T.copy(y, Y[0, 0])

    (store,) = stores(main)
    assert store.expr == Binary("mul", Load(store.expr.a.region), Const(1 / 32))


def test_alloc_var_assigned_twice_is_an_error():
    @T.prim_func
    def main(X: T.Tensor((32, 32), "float32"), Y: T.Tensor((32, 32), "float32")):
        with T.Kernel(1, threads=128) as _:
            y = T.alloc_fragment((32, 32), "float32")
            v = T.alloc_var("float32")
            v = 1.0
            v = 2.0
            for i, j in T.Parallel(32, 32):
                y[i, j] = v
            T.copy(y, Y[0, 0])

    with pytest.raises(CompileError, match=r"v\[0\] is assigned twice \(1.0, then 2.0\)"):
        from_prim_func(main)


def test_a_fill_value_known_only_at_run_time_is_an_error():
    @T.prim_func
    def main(X: T.Tensor((32, 32), "float32"), Y: T.Tensor((32, 32), "float32")):
        with T.Kernel(1, threads=128) as _:
            x_s = T.alloc_shared((32, 32), "float32")
            y = T.alloc_fragment((32, 32), "float32")
            T.copy(X[0, 0], x_s)
            T.fill(y, x_s[0, 0])
            T.copy(y, Y[0, 0])

    with pytest.raises(CompileError, match=r"T\.fill takes a compile-time constant"):
        from_prim_func(main)


def test_an_index_condition_in_a_1d_nest_is_an_error():
    @T.prim_func
    def main(X: T.Tensor((32,), "float32"), Y: T.Tensor((32,), "float32")):
        with T.Kernel(1, threads=128) as _:
            x_s = T.alloc_shared((32,), "float32")
            y = T.alloc_fragment((32,), "float32")
            T.copy(X[0], x_s)
            for i in T.Parallel(32):
                y[i] = T.if_then_else(i < 5, x_s[i], 0.0)
            T.copy(y, Y[0])

    with pytest.raises(CompileError, match=r"index condition .* in a 1-D T\.Parallel nest"):
        from_prim_func(main)


def test_a_scalar_read_before_any_constant_is_assigned_is_an_error():
    @T.prim_func
    def main(X: T.Tensor((32, 32), "float32"), Y: T.Tensor((32, 32), "float32")):
        with T.Kernel(1, threads=128) as _:
            x_s = T.alloc_shared((32, 32), "float32")
            y = T.alloc_fragment((32, 32), "float32")
            v = T.alloc_var("float32")
            T.copy(X[0, 0], x_s)
            for i, j in T.Parallel(32, 32):
                y[i, j] = x_s[i, j] * v
            T.copy(y, Y[0, 0])

    with pytest.raises(CompileError, match="is read where no compile-time constant has been"):
        from_prim_func(main)


def test_a_power_by_a_tile_is_an_error_naming_the_exponent():
    with pytest.raises(CompileError, match="must be a compile-time integer"):
        from_prim_func(nest(lambda x, i, j, bx: T.pow(x, x)))
