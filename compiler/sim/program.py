"""The host-side program description, shaped like tt-metal's host API.

A `Program` is circular buffers per core, kernels per core set (role reader / writer / compute,
compile-time args, defines) and runtime args per core. It is plain data: `Device.run` validates
it, compiles its kernels and hands it to the native runtime.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from compiler.sim.errors import ConfigError
from compiler.sim.formats import DataFormat

CoreCoord = tuple[int, int]
# A core, a list of cores, or an inclusive range ((x0, y0), (x1, y1)) given as a 2-tuple of cores.
CoreSpec = CoreCoord | Sequence[CoreCoord] | tuple[CoreCoord, CoreCoord]
Role = Literal["reader", "writer", "compute"]
ROLES: tuple[Role, ...] = ("reader", "writer", "compute")
MATH_FIDELITIES = ("LoFi", "HiFi2", "HiFi3", "HiFi4")
NUM_CBS = 32
MAX_SEMAPHORES = 16


def _is_coord(value: object) -> bool:
    return (
        isinstance(value, tuple)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    )


def expand_cores(spec: CoreSpec) -> list[CoreCoord]:
    """The cores named by `spec`: `(x, y)`, a list of `(x, y)`, or a range `((x0, y0), (x1, y1))`."""
    if _is_coord(spec):
        return [spec]  # type: ignore[list-item]
    if isinstance(spec, tuple) and len(spec) == 2 and all(_is_coord(c) for c in spec):
        (x0, y0), (x1, y1) = spec  # type: ignore[misc]
        if x1 < x0 or y1 < y0:
            raise ConfigError(f"core range {spec} is empty: the end must not precede the start")
        return [(x, y) for y in range(y0, y1 + 1) for x in range(x0, x1 + 1)]
    if isinstance(spec, list) and all(_is_coord(c) for c in spec):
        return list(dict.fromkeys(spec))
    raise ConfigError(
        f"bad core spec {spec!r}: use (x, y), a list of (x, y), or a range ((x0, y0), (x1, y1))"
    )


@dataclass(frozen=True)
class CircularBuffer:
    """One CB on one core: `num_pages` pages of `page_size` bytes holding `data_format` data."""

    core: CoreCoord
    index: int
    page_size: int
    num_pages: int
    data_format: DataFormat

    @property
    def size(self) -> int:
        return self.page_size * self.num_pages


@dataclass
class Kernel:
    """A kernel placed on a set of cores. `source` is the C++ text; `name` is used in messages."""

    kernel_id: int
    name: str
    source: str
    source_path: Path | None
    role: Role
    cores: list[CoreCoord]
    compile_args: tuple[int, ...]
    defines: tuple[tuple[str, str], ...]
    fp32_dest_acc_en: bool
    math_fidelity: str
    # CBs whose fp32 tiles copy_tile unpacks straight to DST (tt-metal's unpack_to_dest_mode[cb] =
    # UnpackToDestFp32); other fp32 tiles pass through SrcA and lose their low mantissa bits
    unpack_to_dest_fp32: frozenset[int] = frozenset()
    runtime_args: dict[CoreCoord, tuple[int, ...]] = field(default_factory=dict)
    common_runtime_args: tuple[int, ...] = ()


def _u32_list(values: Iterable[int], what: str) -> tuple[int, ...]:
    out = tuple(int(v) for v in values)
    for v in out:
        if not 0 <= v < 2**32 and not -(2**31) <= v < 0:
            raise ConfigError(f"{what}: {v} does not fit in 32 bits")
    return tuple(v & 0xFFFFFFFF for v in out)


class Program:
    """CBs, kernels and runtime args for a set of cores (tt-metal's `Program`)."""

    def __init__(self) -> None:
        self.circular_buffers: dict[tuple[CoreCoord, int], CircularBuffer] = {}
        self.kernels: list[Kernel] = []
        # semaphore id -> (cores, initial value); ids are dense, as tt-metal's CreateSemaphore
        self.semaphores: list[tuple[list[CoreCoord], int]] = []

    def add_circular_buffer(
        self,
        cores: CoreSpec,
        index: int,
        page_size: int,
        num_pages: int,
        data_format: DataFormat,
    ) -> None:
        """A CB `index` (0..31) of `num_pages` x `page_size` bytes on every core in `cores`."""
        if not 0 <= index < NUM_CBS:
            raise ConfigError(f"CB index {index} out of range 0..{NUM_CBS - 1}")
        if page_size <= 0 or num_pages <= 0:
            raise ConfigError(
                f"CB {index}: page_size ({page_size}) and num_pages ({num_pages}) must be positive"
            )
        fmt = DataFormat(data_format)
        for core in expand_cores(cores):
            if (core, index) in self.circular_buffers:
                raise ConfigError(f"CB {index} defined twice on core {core}")
            self.circular_buffers[(core, index)] = CircularBuffer(
                core, index, page_size, num_pages, fmt
            )

    def add_semaphore(self, cores: CoreSpec, initial_value: int = 0) -> int:
        """A semaphore on `cores` (tt-metal's CreateSemaphore); kernels find it with
        `get_semaphore(id)` at the same L1 address on every core."""
        if len(self.semaphores) >= MAX_SEMAPHORES:
            raise ConfigError(f"at most {MAX_SEMAPHORES} semaphores per program")
        (value,) = _u32_list([initial_value], "semaphore initial value")
        self.semaphores.append((expand_cores(cores), value))
        return len(self.semaphores) - 1

    def add_kernel(
        self,
        path_or_source: str | Path,
        cores: CoreSpec,
        role: Role,
        compile_args: Sequence[int] = (),
        defines: dict[str, object] | None = None,
        fp32_dest_acc_en: bool = False,
        math_fidelity: str = "HiFi4",
        name: str | None = None,
        unpack_to_dest_fp32: Iterable[int] = (),
    ) -> int:
        """Place a kernel on `cores`; returns its id for `set_runtime_args`.

        `path_or_source` is a path to a .cpp file or the C++ text itself (anything containing a
        newline is taken as source). `compile_args` become `get_compile_time_arg_val(i)`.
        `unpack_to_dest_fp32`: CB indices a compute kernel unpacks to DST at full fp32 precision
        (tt-metal's `unpack_to_dest_mode[cb] = UnpackToDestMode::UnpackToDestFp32`).
        """
        if role not in ROLES:
            raise ConfigError(f"kernel role {role!r} is not one of {', '.join(ROLES)}")
        if math_fidelity not in MATH_FIDELITIES:
            raise ConfigError(f"math_fidelity {math_fidelity!r} is not one of {MATH_FIDELITIES}")
        if isinstance(path_or_source, Path) or "\n" not in str(path_or_source):
            path = Path(path_or_source)
            if not path.is_file():
                raise ConfigError(f"kernel source {path} does not exist")
            source, source_path, default_name = path.read_text(), path.resolve(), path.name
        else:
            source, source_path = str(path_or_source), None
            default_name = f"{role}_kernel_{len(self.kernels)}"
        to_dest = frozenset(int(cb) for cb in unpack_to_dest_fp32)
        if to_dest and role != "compute":
            raise ConfigError(f"unpack_to_dest_fp32 is a compute kernel setting, not a {role}'s")
        if any(not 0 <= cb < NUM_CBS for cb in to_dest):
            raise ConfigError(
                f"unpack_to_dest_fp32 {sorted(to_dest)}: CB indices are 0..{NUM_CBS - 1}"
            )
        placed = expand_cores(cores)
        for other in self.kernels:
            clash = set(other.cores) & set(placed) if other.role == role else set()
            if clash:
                raise ConfigError(
                    f"core {sorted(clash)[0]} already has a {role} kernel ({other.name}); "
                    "each core runs one reader, one writer and one compute kernel"
                )
        kernel = Kernel(
            kernel_id=len(self.kernels),
            name=name or default_name,
            source=source,
            source_path=source_path,
            role=role,
            cores=placed,
            compile_args=_u32_list(compile_args, f"compile args of {name or default_name}"),
            defines=tuple(sorted((str(k), str(v)) for k, v in (defines or {}).items())),
            fp32_dest_acc_en=bool(fp32_dest_acc_en),
            math_fidelity=math_fidelity,
            unpack_to_dest_fp32=to_dest,
        )
        self.kernels.append(kernel)
        return kernel.kernel_id

    def _kernel(self, kernel_id: int) -> Kernel:
        if not 0 <= kernel_id < len(self.kernels):
            raise ConfigError(f"no kernel with id {kernel_id} in this program")
        return self.kernels[kernel_id]

    def set_runtime_args(self, kernel_id: int, cores: CoreSpec, args: Sequence[int]) -> None:
        """Runtime args of kernel `kernel_id` on `cores` (`get_arg_val<uint32_t>(i)`)."""
        kernel = self._kernel(kernel_id)
        values = _u32_list(args, f"runtime args of {kernel.name}")
        for core in expand_cores(cores):
            if core not in kernel.cores:
                raise ConfigError(f"kernel {kernel.name} is not placed on core {core}")
            kernel.runtime_args[core] = values

    def set_common_runtime_args(self, kernel_id: int, args: Sequence[int]) -> None:
        """Args shared by every core of the kernel (`get_common_arg_val<uint32_t>(i)`)."""
        kernel = self._kernel(kernel_id)
        kernel.common_runtime_args = _u32_list(args, f"common runtime args of {kernel.name}")

    def cores(self) -> list[CoreCoord]:
        """Every core that has a kernel or a CB, sorted by (y, x)."""
        used = (
            {c for k in self.kernels for c in k.cores}
            | {c for c, _ in self.circular_buffers}
            | {c for cores, _ in self.semaphores for c in cores}
        )
        return sorted(used, key=lambda c: (c[1], c[0]))
