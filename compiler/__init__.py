"""TileLang -> TT-Metalium compiler: frontend -> passes -> kernel IR -> C++ emitters, plus the
Metalium emulator (`compiler.sim`) that executes what it emits.

`compile`, `run`, `Artifact` and `CompileError` are re-exported lazily so that `import compiler`
does not import tilelang or torch."""

from __future__ import annotations

from typing import Any

__all__ = ["Artifact", "CompileError", "compile", "run"]


def __getattr__(name: str) -> Any:
    if name in ("compile", "run", "Artifact"):
        from compiler import api

        return getattr(api, name)
    if name == "CompileError":
        from compiler.errors import CompileError

        return CompileError
    raise AttributeError(f"module 'compiler' has no attribute {name!r}")
