"""Find a TileLang kernel named on the command line as `path.py:name`: `name` is a PrimFunc, a
builder called with `--arg KEY=INT` keyword arguments, or a `@tilelang.jit` builder (its PrimFunc
is taken with `get_tir`, nothing is compiled for a GPU). TileLang reads kernel source, so the
module is imported from its real file.

Whatever goes wrong while importing the user's file or calling the user's builder (a syntax
error, an unknown or ill-typed `--arg`) is the user's to fix: it becomes a CompileError naming
the file and line, never a crash of the compiler."""

from __future__ import annotations

import importlib.util
import inspect
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from compiler.errors import CompileError


def parse_args(pairs: list[str]) -> dict[str, int | str]:
    out: dict[str, int | str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.isidentifier():
            raise CompileError("--arg", f"{pair!r} is not KEY=VALUE")
        out[key] = int(value) if value.lstrip("-").isdigit() else value
    return out


def _user_code_error(exc: Exception | SystemExit, path: Path, what: str, fix: str) -> CompileError:
    """`exc`, raised by the user's code, as a CompileError at the deepest line of `path`."""
    line = exc.lineno if isinstance(exc, SyntaxError) else None
    for frame in traceback.extract_tb(exc.__traceback__):
        if Path(frame.filename).resolve() == path.resolve():
            line = frame.lineno
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    where = f"{path}:{line}" if line else str(path)
    return CompileError("kernel", f"{what}: {type(exc).__name__}: {message} — {fix}", where)


def _call_builder(path: Path, name: str, builder: Callable[..., Any], args: dict[str, int | str]):
    try:
        return builder(**args)
    except CompileError:
        raise
    except (Exception, SystemExit) as exc:
        try:
            params = f"its parameters are {inspect.signature(builder)}"
        except (TypeError, ValueError):
            params = "check its parameters"
        given = ", ".join(f"{k}={v!r}" for k, v in args.items())
        fix = f"check the --arg values ({given or 'none given'}); {params}"
        raise _user_code_error(exc, path, f"building {name} failed", fix) from None


def _check_shapes(func) -> None:
    """Tensors with a zero or negative constant dimension (e.g. `--arg M=0`) have no data to
    compute: refused here, by name, rather than deep in a pass."""
    from tvm import tirx

    for param in func.params:
        buffer = func.buffer_map.get(param)
        if buffer is None:
            continue
        dims = [int(d.value) for d in buffer.shape if isinstance(d, tirx.IntImm)]
        if any(d <= 0 for d in dims):
            shape = "(" + ", ".join(str(d) for d in buffer.shape) + ")"
            raise CompileError(
                "T.Tensor",
                f"{buffer.name} has shape {shape}; every dimension must be positive — "
                "pass positive sizes with --arg",
            )


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
    try:
        loader_spec.loader.exec_module(module)
    except (Exception, SystemExit) as exc:  # a kernel file that calls exit() is a user error
        del sys.modules[module_name]
        raise _user_code_error(exc, path, "the file does not import", "fix the file") from None
    if not hasattr(module, name):
        raise CompileError("kernel", f"{path} defines no {name!r}")
    found = getattr(module, name)
    if isinstance(found, JITImpl):
        # `@tilelang.jit` builders: take their PrimFunc without compiling for a GPU
        func = _call_builder(path, name, found.get_tir, args)
    elif isinstance(found, tirx.PrimFunc):
        if args:
            raise CompileError("--arg", f"{name} is already a PrimFunc; it takes no arguments")
        func = found
    elif not callable(found):
        raise CompileError("kernel", f"{name} is neither a PrimFunc nor a builder")
    else:
        func = _call_builder(path, name, found, args)
    if not isinstance(func, tirx.PrimFunc):
        raise CompileError("kernel", f"{name}(...) returned {type(func).__name__}, not a PrimFunc")
    _check_shapes(func)
    return func
