"""Atomic file writes: a reader sees the old file or the complete new one, never a torn one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def _write_temp(directory: Path, data: bytes) -> Path:
    """Write `data` to a hidden temporary file in `directory` (same filesystem) and fsync it."""
    fd, name = tempfile.mkstemp(dir=directory, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text` in one rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = _write_temp(path.parent, text.encode())
    try:
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    _fsync_dir(path.parent)


def create_atomic(path: Path, text: str) -> Path:
    """Create a new file holding `text`, never replacing an existing one.

    When `path` is taken, `-1`, `-2`, ... is appended to its stem; returns the path written.
    A hard link is the atomic create-if-absent: the content is complete before the name exists.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = _write_temp(path.parent, text.encode())
    try:
        for attempt in range(1000):
            target = path if attempt == 0 else path.with_stem(f"{path.stem}-{attempt}")
            with contextlib.suppress(FileExistsError):
                os.link(temp, target)
                _fsync_dir(path.parent)
                return target
        raise FileExistsError(f"could not find a free name for {path}")
    finally:
        temp.unlink(missing_ok=True)
