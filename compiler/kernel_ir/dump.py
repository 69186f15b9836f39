"""Text form of kernel IR for `--dump-ir`: one op per line, nested by loops."""

from __future__ import annotations

from compiler.kernel_ir import ops as k


def _fields(op: object) -> str:
    skip = {"body"}
    return ", ".join(f"{n}={getattr(op, n)}" for n in op.__dataclass_fields__ if n not in skip)


def _ops(ops: tuple[k.Op, ...], depth: int, lines: list[str]) -> None:
    for op in ops:
        lines.append(f"{'  ' * depth}{type(op).__name__}({_fields(op)})")
        if isinstance(op, k.For | k.BlockLoop | k.If):
            _ops(op.body, depth + 1, lines)


def dump_kernels(lowered: k.Lowered) -> str:
    lines: list[str] = []
    if lowered.kernels is None:
        lines.append("stream:")
        _ops(lowered.body, 1, lines)
    else:
        for kernel in lowered.kernels.kernels():
            lines.append(
                f"{kernel.role} kernel (tensors {list(kernel.tensors)}, fp32_acc={kernel.fp32_acc}):"
            )
            _ops(kernel.body, 1, lines)
    return "\n".join(lines) + "\n"
