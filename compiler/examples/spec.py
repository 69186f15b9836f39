"""What every example module provides to the harness: its id, shapes, TileLang kernel, inputs
and torch reference."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field

import torch

PCC_MIN = 0.999
# bf16 outputs: a few units in the last place of bf16 (2^-8 relative) plus fp32 summation order
RTOL, ATOL = 2e-2, 2e-2


@dataclass(frozen=True)
class Shape:
    """One configuration of an example; `params` are the kernel builder's keyword arguments."""

    name: str
    why: str  # which mapping case it exercises (one block, more blocks than cores, ...)
    params: dict[str, int | str] = field(default_factory=dict)
    # False: compile without `coarsen_blocks`, to run the grid as written (several blocks per core)
    coarsen: bool = True


@dataclass(frozen=True)
class Example:
    id: str
    title: str
    kernel: Callable[..., object]  # params -> TileLang PrimFunc, or a tuple run in order
    make_inputs: Callable[[dict[str, int | str], torch.Generator], list[torch.Tensor]]
    reference: Callable[..., torch.Tensor | tuple[torch.Tensor, ...]]  # one per output
    shapes: tuple[Shape, ...]
    reference_params: tuple[str, ...] = ()  # shape params the reference takes as keywords
    # (rtol, atol) of a shape when the harness default does not fit, with the reason in the module
    tolerance: Callable[[dict[str, int | str]], tuple[float, float]] | None = None
    # example-specific checks of a finished run: (shape, plans, run reports) -> (name, ok, detail)
    extra_checks: Callable[..., list[tuple[str, bool, str]]] | None = None
    # the problem's useful floating-point operations for a shape (2·M·N·K for a GEMM), for
    # TFLOPS figures that do not count padding; None when the example has no matmul work
    flops: Callable[[dict[str, int | str]], int] | None = None

    def param(self, shape: Shape, name: str) -> int | str:
        """A kernel-builder argument of the shape: given in `params`, else the builder's default."""
        if name in shape.params:
            return shape.params[name]
        default = inspect.signature(self.kernel).parameters[name].default
        if default is inspect.Parameter.empty:
            raise KeyError(f"shape {shape.name} gives no {name!r} and the kernel has no default")
        return default

    def tolerances(self, params: dict[str, int | str]) -> tuple[float, float]:
        """(rtol, atol) of a shape: the example's own, else the harness default."""
        return self.tolerance(params) if self.tolerance else (RTOL, ATOL)

    def expected(
        self, params: dict[str, int | str], inputs: list[torch.Tensor]
    ) -> torch.Tensor | tuple[torch.Tensor, ...]:
        """torch's result: one tensor, or one per output of a program with several."""
        kwargs = {name: params[name] for name in self.reference_params if name in params}
        return self.reference(*inputs, **kwargs)


def as_outputs(expected: torch.Tensor | tuple[torch.Tensor, ...]) -> tuple[torch.Tensor, ...]:
    """A reference's result as one tensor per output, in the order of the program's outputs."""
    return expected if isinstance(expected, tuple) else (expected,)


# The mapping cases every element-wise example runs (64x64 blocks unless given).
ELEMENTWISE_SHAPES = (
    Shape("one_block", "a single 64x64 block on one core", {"M": 64, "N": 64}),
    Shape("many_blocks_per_core", "256 blocks: 4 per core on 8x8", {"M": 1024, "N": 1024}),
    Shape(
        "more_blocks_than_cores",
        "90 blocks: uneven ranges of 1-2 per core",
        {"M": 576, "N": 640},
    ),
    Shape(
        "rectangular",
        "32x128 blocks on a 128x512 tensor",
        {"M": 128, "N": 512, "block_M": 32, "block_N": 128},
    ),
    Shape("ragged", "200x300: M, N not multiples of the block nor of 32", {"M": 200, "N": 300}),
)
