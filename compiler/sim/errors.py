"""The emulator's error hierarchy: one exception type per rule a program can break.

Every message states the rule that was broken, where (core, kernel, call, CB) and the state that
proves it (pushed/popped counts, DST state, buffer bounds). The native runtime reports a fault as a
kind code plus a message; `error_for_kind` maps the code to the class raised in Python.
"""

from __future__ import annotations


class SimError(Exception):
    """Base of every error raised by the Metalium emulator."""


class ConfigError(SimError):
    """The program description itself is invalid (bad core, CB index, role, argument)."""


class KernelCompileError(SimError):
    """A kernel source failed to compile against the emulated Metalium headers."""


class KernelCompileWarning(UserWarning):
    """g++ warned about a kernel (it still compiled): shown once, when the kernel is built."""


class DeadlockError(SimError):
    """Every unfinished kernel is blocked on a CB and nothing can ever unblock it."""


class CBError(SimError):
    """A circular buffer was used against its contract (over-reserve, over-pop, overflow...)."""


class DstError(SimError):
    """DST register misuse: index beyond capacity or a lifecycle violation."""


class ComputeStateError(SimError):
    """A compute op ran without the init call that configures it (e.g. add_tiles after matmul_init)."""


class NocError(SimError):
    """A NOC transfer touched memory outside a DRAM buffer or outside the core's L1."""


class L1BudgetError(SimError):
    """The circular buffers of a core do not fit in its usable L1."""


class KernelArgError(SimError):
    """A runtime argument index beyond the arguments set for that core."""


class KernelFault(SimError):
    """A kernel crashed (invalid memory access, arithmetic fault) inside the emulator."""


class WatchdogTimeout(SimError):
    """The run exceeded its wall-clock budget; the message holds the state of every core."""


# Kind codes shared with compiler/sim/runtime/sim_runtime.cpp (enum class ErrorKind).
_KIND_TO_ERROR: dict[int, type[SimError]] = {
    1: DeadlockError,
    2: CBError,
    3: DstError,
    4: ComputeStateError,
    5: NocError,
    6: KernelArgError,
    7: KernelFault,
    8: WatchdogTimeout,
    9: ConfigError,
}


def error_for_kind(kind: int, message: str) -> SimError:
    """The exception instance for a fault reported by the native runtime."""
    return _KIND_TO_ERROR.get(kind, SimError)(message)
