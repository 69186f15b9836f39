"""Pass `attach_target`: record the hardware target every later pass sizes against, and the
DST mode: fp32 accumulation (4 DST tiles instead of 8) when the program declares any float32
buffer or tensor — decided here, before passes may drop buffers."""

from __future__ import annotations

from dataclasses import replace

from compiler.ir import Program
from compiler.targets import Target


def attach_target(program: Program, target: Target) -> Program:
    fp32 = any(x.dtype == "float32" for x in (*program.buffers, *program.tensors))
    return replace(program, target=target, fp32_dest_acc=fp32)
