"""API conformance: every function the emulated headers offer must exist in the pinned tt-metal
kernel API (the headers of the `ttnn==0.81.1` wheel) with the same name and parameter list.

The wheel is downloaded once into `~/.cache/tt-ws/ttnn` (override: TT_WS_TTNN_CACHE) and its
`tt_metal/hw/inc` tree extracted next to it. Declarations are read with a small scanner (the real
headers cannot be compiled on the host): every `ALWI` / `FORCE_INLINE` / `inline` function, its
name and its parameters, whitespace and `std::` normalised (the real headers are also scanned
for plain `type name(...)` definitions). The emulator's own trailing `TTSIM_LINE` parameter (defaulted to the caller's line, for fault reports) is not compared.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

TTNN_VERSION = "0.81.1"
WHEEL_GLOB = f"ttnn-{TTNN_VERSION}-*.whl"
API_PREFIX = "ttnn/tt_metal/hw/inc/"
EMULATED_INCLUDE = Path(__file__).resolve().parent / "include"
# Emulator-only headers: old include paths and old names, internal glue.
NOT_COMPARED = (
    "compute_kernel_api",
    "ttsim/legacy.h",
    "ttsim/runtime_api.h",
    "ttsim/entry.h",
    "ttsim/ops.h",
)
EXTENSION_PARAM = "TTSIM_LINE"

_DECL = re.compile(r"\b(?:ALWI|FORCE_INLINE|inline)\b[^;{}()]*?\b([A-Za-z_]\w*)\s*\(")
# Plain definitions at the start of a line (`void noc_async_read_barrier(...) {`), real headers only.
_PLAIN_DECL = re.compile(
    r"^[ \t]*(?:static\s+|constexpr\s+)*[A-Za-z_][\w:<>]*[\s*&]+([A-Za-z_]\w*)\s*\(", re.M
)
_NOT_NAMES = {
    "if",
    "while",
    "for",
    "switch",
    "return",
    "sizeof",
    "decltype",
    "static_assert",
    "deprecated",
}


class WheelUnavailable(Exception):
    """The ttnn wheel is not cached and cannot be downloaded."""


@dataclass(frozen=True)
class Mismatch:
    name: str
    emulated: tuple[str, ...]
    real: tuple[tuple[str, ...], ...]  # empty: the name does not exist in the real API
    where: str

    def __str__(self) -> str:
        if not self.real:
            return f"{self.where}: {self.name} does not exist in the ttnn {TTNN_VERSION} kernel API"
        options = " | ".join(f"({', '.join(p)})" for p in self.real)
        return (
            f"{self.where}: {self.name}({', '.join(self.emulated)}) differs from the real {options}"
        )


def cache_root() -> Path:
    return Path(os.environ.get("TT_WS_TTNN_CACHE", Path.home() / ".cache" / "tt-ws" / "ttnn"))


def real_headers(download_timeout_s: float = 300) -> Path:
    """Directory of the real `tt_metal/hw/inc` headers, downloading the wheel if needed."""
    root = cache_root()
    extracted = root / f"hw-inc-{TTNN_VERSION}"
    if (extracted / "api").is_dir():
        return extracted
    root.mkdir(parents=True, exist_ok=True)
    wheels = sorted(root.glob(WHEEL_GLOB))
    if not wheels:
        cmd = [
            sys.executable, "-m", "pip", "download", f"ttnn=={TTNN_VERSION}", "--no-deps",
            "--only-binary=:all:", "--python-version", "3.12",
            "--platform", "manylinux_2_34_x86_64", "-d", str(root),
        ]  # fmt: skip
        try:
            result = subprocess.run(cmd, capture_output=True, text=True, timeout=download_timeout_s)
        except subprocess.TimeoutExpired as exc:
            raise WheelUnavailable(f"pip download of ttnn=={TTNN_VERSION} timed out") from exc
        wheels = sorted(root.glob(WHEEL_GLOB))
        if result.returncode != 0 or not wheels:
            raise WheelUnavailable(
                f"pip download of ttnn=={TTNN_VERSION} failed: {result.stderr.strip()[-500:]}"
            )
    tmp = root / f"hw-inc-{TTNN_VERSION}.partial-{os.getpid()}"
    with zipfile.ZipFile(wheels[0]) as wheel:
        for member in wheel.namelist():
            if member.startswith(API_PREFIX) and member.endswith((".h", ".hpp")):
                target = tmp / member[len(API_PREFIX) :]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(wheel.read(member))
    try:
        tmp.rename(extracted)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if not (extracted / "api").is_dir():  # otherwise another process extracted it first
            raise
    return extracted


def _strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def _balanced(text: str, start: int) -> str:
    """The text inside the parenthesis opening at `start`."""
    depth = 0
    for i in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return text[start + 1 : i]
    return text[start + 1 :]


def _split_params(params: str) -> tuple[str, ...]:
    parts, depth, current = [], 0, []
    for ch in params:
        if ch in "<([{":
            depth += 1
        elif ch in ">)]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    cleaned = (" ".join(p.replace("std::", "").split()) for p in parts)
    return tuple(p for p in cleaned if p and p != "void")


def declarations(text: str, plain: bool = False) -> list[tuple[str, tuple[str, ...]]]:
    """(name, parameters) of every inline function declared in C++ `text` (with `plain`, also of
    definitions without an inline keyword)."""
    text = _strip_comments(text)
    found = []
    matches = [*_DECL.finditer(text), *(_PLAIN_DECL.finditer(text) if plain else ())]
    for match in matches:
        name = match.group(1)
        if name in _NOT_NAMES or name.isupper():
            continue
        found.append((name, _split_params(_balanced(text, match.end() - 1))))
    return found


def _index(root: Path) -> dict[str, set[tuple[str, ...]]]:
    index: dict[str, set[tuple[str, ...]]] = {}
    for path in root.rglob("*.h*"):
        for name, params in declarations(path.read_text(errors="replace"), plain=True):
            index.setdefault(name, set()).add(params)
    return index


def emulated_functions() -> list[tuple[str, tuple[str, ...], str]]:
    """(name, parameters without emulator extensions, header) of every function offered."""
    out = []
    for path in sorted(EMULATED_INCLUDE.rglob("*.h")):
        rel = path.relative_to(EMULATED_INCLUDE).as_posix()
        if rel.startswith(NOT_COMPARED):
            continue
        for name, params in declarations(path.read_text()):
            kept = tuple(p for p in params if EXTENSION_PARAM not in p)
            out.append((name, kept, rel))
    return out


def compare(real_root: Path) -> tuple[int, list[Mismatch]]:
    """(number of emulated functions checked, mismatches against the real headers)."""
    real = _index(real_root)
    offered = emulated_functions()
    mismatches = [
        Mismatch(name, params, tuple(sorted(real.get(name, ()))), where)
        for name, params, where in offered
        if params not in real.get(name, set())
    ]
    return len(offered), mismatches
