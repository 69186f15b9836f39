"""Backends that execute a compiled artifact: `sim` (the Metalium emulator)."""
