"""Pass `attach_target`: record the hardware target every later pass sizes against."""

from __future__ import annotations

from dataclasses import replace

from compiler.ir import Program
from compiler.targets import Target


def attach_target(program: Program, target: Target) -> Program:
    return replace(program, target=target)
