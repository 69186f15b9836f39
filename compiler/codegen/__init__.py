"""Codegen: kernel IR -> readable Metalium C++ (one renderer, roles differing by attributes)."""

from compiler.codegen.cpp import render_kernel

__all__ = ["render_kernel"]
