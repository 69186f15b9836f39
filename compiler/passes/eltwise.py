"""Shared analysis of element-wise expressions for tile lowering: FPU binary tile ops need both
operands in circular buffers, so a binary operand that is itself computed (not a plain load or a
scalar) is first materialized into a temporary CB."""

from __future__ import annotations

from compiler.ir import Binary, Const, Expr, Load, Unary


def needs_temp(operand: Expr) -> bool:
    return not isinstance(operand, Load | Const)


def is_scalar_op(expr: Binary) -> bool:
    return isinstance(expr.a, Const) or isinstance(expr.b, Const)


def temps_needed(expr: Expr) -> int:
    if isinstance(expr, Unary):
        return temps_needed(expr.x)
    if isinstance(expr, Binary):
        own = 0 if is_scalar_op(expr) else sum(needs_temp(x) for x in (expr.a, expr.b))
        return own + temps_needed(expr.a) + temps_needed(expr.b)
    return 0
