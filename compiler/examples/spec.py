"""What every example module provides to the harness: its id, shapes, TileLang kernel, inputs
and torch reference."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch


@dataclass(frozen=True)
class Shape:
    """One configuration of an example; `params` are the kernel builder's keyword arguments."""

    name: str
    why: str  # which mapping case it exercises (one block, more blocks than cores, ...)
    params: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Example:
    id: str
    title: str
    kernel: Callable[..., object]  # params -> TileLang PrimFunc
    make_inputs: Callable[[dict[str, int], torch.Generator], list[torch.Tensor]]
    reference: Callable[..., torch.Tensor]
    shapes: tuple[Shape, ...]
