"""TileLang examples (ordinary TileLang programs with torch references and shapes) and
their harness: `python -m compiler.examples build|check <id>`."""

from __future__ import annotations

import importlib

from compiler.examples.spec import Example

MODULES = {
    "1.1": "compiler.examples.elementwise_add",
    "1.2": "compiler.examples.multi_operand_elementwise",
    "1.3": "compiler.examples.simple_gemm",
    "2.1": "compiler.examples.gemm_cb_double_buffering",
    "2.2": "compiler.examples.cast",
    "2.3": "compiler.examples.reduction",
    "3.1": "compiler.examples.gemv",
    "3.2": "compiler.examples.convolution",
    "3.3": "compiler.examples.split_k_gemm",
    "4.1": "compiler.examples.flash_attention_forward",
}


def get_example(example_id: str) -> Example:
    if example_id not in MODULES:
        raise KeyError(f"unknown example {example_id!r}; known: {', '.join(sorted(MODULES))}")
    return importlib.import_module(MODULES[example_id]).EXAMPLE
