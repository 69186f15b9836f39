"""IR -> IR passes of the TT pipeline, one per module; `compiler.pipeline` lists them in order."""
