"""Hardware targets the compiler can emit for: grid size, DST capacity, L1 budget."""

from __future__ import annotations

from dataclasses import dataclass

from compiler.errors import CompileError

TILE = 32


@dataclass(frozen=True)
class Target:
    name: str
    grid: tuple[int, int]  # (x, y) compute cores
    dst_tiles_16bit: int  # usable DST tiles in half-sync mode with 16-bit accumulation
    l1_budget_bytes: int  # CB budget per core, kept below the 1.5 MB of L1 for kernel code/stack

    @property
    def num_cores(self) -> int:
        return self.grid[0] * self.grid[1]

    def dst_tiles(self, fp32_acc: bool) -> int:
        return self.dst_tiles_16bit // 2 if fp32_acc else self.dst_tiles_16bit


TARGETS: dict[str, Target] = {
    "wormhole_n150": Target("wormhole_n150", (8, 8), 8, 1_200_000),
    "blackhole_p150": Target("blackhole_p150", (13, 10), 8, 1_200_000),
}
DEFAULT_TARGET = "wormhole_n150"


def get_target(name: str | Target | None) -> Target:
    if isinstance(name, Target):
        return name
    key = name or DEFAULT_TARGET
    if key not in TARGETS:
        raise CompileError("target", f"unknown target {key!r}; known: {', '.join(sorted(TARGETS))}")
    return TARGETS[key]
