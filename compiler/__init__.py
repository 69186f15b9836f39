"""TileLang -> TT-Metalium compiler: frontend -> passes -> kernel IR -> C++ emitters, plus the
Metalium emulator (`compiler.sim`) that executes what it emits.

`compile`, `run`, `jit`, `Artifact`, `Launches` and `CompileError` are re-exported lazily so that `import compiler`
does not import tilelang or torch."""

from __future__ import annotations

import os
from typing import Any

# TileLang stamps statements with their Python source line only when this is set while the
# PrimFunc is built; the frontend quotes those lines in CompileErrors. setdefault: users can opt out.
os.environ.setdefault("TILELANG_ENABLE_IR_SPAN", "1")

__all__ = ["Artifact", "CompileError", "Launches", "compile", "jit", "run"]


def __getattr__(name: str) -> Any:
    if name in ("compile", "run", "Artifact", "Launches"):
        from compiler import api

        return getattr(api, name)
    if name == "jit":
        from compiler.jit_kernel import jit

        return jit
    if name == "CompileError":
        from compiler.errors import CompileError

        return CompileError
    raise AttributeError(f"module 'compiler' has no attribute {name!r}")
