"""Find a TileLang kernel named on the command line as `path.py:name`: `name` is a PrimFunc, a
builder called with `--arg KEY=INT` keyword arguments, or a `@tilelang.jit` builder (its PrimFunc
is taken with `get_tir`, nothing is compiled for a GPU). TileLang reads kernel source, so the
module is imported from its real file."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from compiler.errors import CompileError


def parse_args(pairs: list[str]) -> dict[str, int | str]:
    out: dict[str, int | str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.isidentifier():
            raise CompileError("--arg", f"{pair!r} is not KEY=VALUE")
        out[key] = int(value) if value.lstrip("-").isdigit() else value
    return out


def load_kernel(spec: str, args: dict[str, int | str]):
    """The PrimFunc named by `path.py:name` (a builder is called with `args`)."""
    from tilelang.jit import JITImpl  # imports tilelang, after which tvm is importable
    from tvm import tirx

    path_text, sep, name = spec.rpartition(":")
    path = Path(path_text)
    if not sep or not name or path.suffix != ".py":
        raise CompileError("kernel", f"{spec!r}: expected path/to/file.py:name")
    if not path.is_file():
        raise CompileError("kernel", f"{path} does not exist")
    module_name = f"_tt_ws_kernel_{abs(hash(path.resolve()))}"
    loader_spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(loader_spec)
    sys.modules[module_name] = module
    loader_spec.loader.exec_module(module)
    if not hasattr(module, name):
        raise CompileError("kernel", f"{path} defines no {name!r}")
    found = getattr(module, name)
    if isinstance(found, JITImpl):
        # `@tilelang.jit` builders: take their PrimFunc without compiling for a GPU
        return found.get_tir(**args)
    if isinstance(found, tirx.PrimFunc):
        if args:
            raise CompileError("--arg", f"{name} is already a PrimFunc; it takes no arguments")
        return found
    if not callable(found):
        raise CompileError("kernel", f"{spec}: {name} is neither a PrimFunc nor a builder")
    func = found(**args)
    if not isinstance(func, tirx.PrimFunc):
        raise CompileError(
            "kernel", f"{spec}: {name}(...) returned {type(func).__name__}, not a PrimFunc"
        )
    return func
