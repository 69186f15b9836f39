"""Frontend: TileLang PrimFunc (TIR) -> the tile-program IR of `compiler.ir`."""

from compiler.frontend.tilelang import from_prim_func, launches_of

__all__ = ["from_prim_func", "launches_of"]
