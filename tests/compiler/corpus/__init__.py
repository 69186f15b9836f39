"""The corpus: TileLang kernels written the way TileLang's docs, examples and puzzles write them
for GPUs (not rewritten for Tenstorrent), each with a torch reference and shapes.

One module per kernel family (`corpus/<topic>_<name>.py`), each exposing `CASES: list[Case]`.
`tests/compiler/test_corpus.py` compiles every (case, shape), runs it on the emulator and
compares with the reference. A case the compiler rejects on purpose is an `expect_error` case:
the test then asserts the `CompileError` and its message instead of numbers.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

import torch

Params = dict[str, int | str]


@dataclass(frozen=True)
class Case:
    """One kernel of the corpus. `kernel(**params)` builds the PrimFunc; `make_inputs(params, gen)`
    returns the input tensors (outputs are allocated by `compiler.run`); `reference(*inputs,
    **params)` returns the expected output (or a tuple for several outputs)."""

    name: str
    kernel: Callable[..., object]
    make_inputs: Callable[[Params, torch.Generator], list[torch.Tensor]]
    reference: Callable[..., torch.Tensor | tuple[torch.Tensor, ...]]
    shapes: tuple[Params, ...]
    # (rtol, atol) for the comparison; derive it from the dtypes and arithmetic, say why beside it
    tolerance: tuple[float, float] = (2e-2, 2e-2)
    # a substring the CompileError message must contain: the kernel is rejected on purpose
    expect_error: str = ""
    # where the idiom comes from (a TileLang example, doc page or puzzle), for readers
    source: str = ""
    marks: tuple = field(default_factory=tuple)


def all_cases() -> list[Case]:
    """Every `CASES` entry of every module in this package, in module-name order."""
    cases: list[Case] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        cases.extend(module.CASES)
    return cases
