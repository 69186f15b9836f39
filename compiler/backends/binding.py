"""Which tensor a backend run gets for each of the plan's buffers: every PrimFunc parameter in
order, or only the inputs (outputs are then allocated by the backend). Shared by the backends so
that both accept and reject exactly the same calls."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from compiler.errors import CompileError
from compiler.plan import Plan


def bind(plan: Plan, tensors: Sequence[Any]) -> dict[str, Any | None]:
    """Buffer name -> the given tensor (None for an output the backend allocates); a wrong count
    or shape is a CompileError naming the tensor and what was expected."""
    if len(tensors) == len(plan.buffers):
        named = [b.name for b in plan.buffers]
    elif len(tensors) == len(plan.inputs()):
        named = [b.name for b in plan.inputs()]
    else:
        raise CompileError(
            "run",
            f"{plan.name} takes {len(plan.buffers)} tensors ({', '.join(b.name for b in plan.buffers)}) "
            f"or only its inputs ({', '.join(b.name for b in plan.inputs())}); got {len(tensors)}",
        )
    bound: dict[str, Any | None] = dict.fromkeys((b.name for b in plan.buffers), None)
    for name, t in zip(named, tensors, strict=True):
        b = next(x for x in plan.buffers if x.name == name)
        if tuple(t.shape) != tuple(b.host_shape):
            raise CompileError(
                "run", f"tensor {name} has shape {tuple(t.shape)}, expected {tuple(b.host_shape)}"
            )
        bound[name] = t
    return bound
