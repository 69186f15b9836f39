"""`python -m compiler.examples build <id>` / `check <id> --report PATH` (the gate commands of
the phase-1 examples in workstreams/); `emit <id>|all --out DIR` writes the artifacts only (for
the ttnn descriptor tests on the Python that has ttnn but not TileLang)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from compiler.errors import CompileError
from compiler.examples import MODULES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m compiler.examples")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="emit artifacts for every shape and compile their C++")
    b.add_argument("example", choices=sorted(MODULES))
    b.add_argument("--out", type=Path, default=None, help="artifact root (default build/examples)")
    e = sub.add_parser("emit", help="write the artifacts of every shape (no C++ build)")
    e.add_argument("example", choices=[*sorted(MODULES), "all"])
    e.add_argument("--out", type=Path, default=None, help="artifact root (default build/examples)")
    c = sub.add_parser("check", help="run every shape in the emulator and write a checks report")
    c.add_argument("example", choices=sorted(MODULES))
    c.add_argument("--report", type=Path, default=None)
    args = parser.parse_args(argv)

    from compiler.examples import harness
    from compiler.sim import SimError

    try:
        if args.command == "emit":
            root = args.out or harness.BUILD_ROOT
            if args.example == "all":
                written = harness.emit_all(root)
            else:
                written = harness.emit(args.example, root)
            print(f"wrote {len(written)} artifacts under {root}")
            return 0
        if args.command == "build":
            for directory in harness.build(args.example, args.out or harness.BUILD_ROOT):
                print(f"built {directory}")
            return 0
        checks = harness.check(args.example, args.report)
    except (CompileError, SimError) as err:
        print(f"error: example {args.example}: {err}", file=sys.stderr)
        return 1
    for item in checks:
        print(f"{'PASS' if item.passed else 'FAIL'}  {item.name}: {item.detail}")
    failed = sum(not item.passed for item in checks)
    print(f"{len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
