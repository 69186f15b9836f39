"""Performance: what the emulator's cycle-approximate model says about a run (`analysis`), and
hand-written reference programs in tt-metal's programming-example style that generated kernels
are measured against (`reference`)."""
