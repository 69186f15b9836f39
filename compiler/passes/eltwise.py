"""Shared analysis of element-wise expressions for tile lowering. FPU binary tile ops (add, sub,
mul of two tiles) need both operands in circular buffers, so such an operand that is itself
computed is first materialized into a temporary CB. (SFPU ops work on DST tiles and need no
temporaries: see `passes/dst.py`.)"""

from __future__ import annotations

from compiler.ir import FPU_BINARY, Binary, Const, Expr, Load, expr_children


def needs_temp(operand: Expr) -> bool:
    return not isinstance(operand, Load | Const)


def is_scalar_op(expr: Binary) -> bool:
    return isinstance(expr.a, Const) or isinstance(expr.b, Const)


def is_fpu_op(expr: Binary) -> bool:
    """A binary op of two tiles the FPU performs from CBs (it broadcasts only its second
    operand: `x[i] - a` is an SFPU op)."""
    bcast_first = expr.op == "sub" and isinstance(expr.a, Load) and bool(expr.a.bcast)
    return expr.op in FPU_BINARY and not is_scalar_op(expr) and not bcast_first


def temps_needed(expr: Expr) -> int:
    fpu = isinstance(expr, Binary) and is_fpu_op(expr)
    own = sum(needs_temp(x) for x in expr_children(expr)) if fpu else 0
    return own + sum(temps_needed(x) for x in expr_children(expr))
