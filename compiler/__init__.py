"""TileLang -> TT-Metalium compiler: frontend -> passes -> kernel IR -> C++ emitters, plus the
Metalium emulator (`compiler.sim`) that executes what it emits."""
