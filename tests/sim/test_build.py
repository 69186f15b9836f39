"""The compile cache: keyed by source, compile-time args, defines and flags; reruns reuse it."""

from __future__ import annotations

import uuid

import pytest

from compiler.sim import Program
from compiler.sim import build as sim_build


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TT_WS_SIM_CACHE", str(tmp_path))
    return tmp_path


def kernel(source: str = "void kernel_main() {}\n", **kwargs):
    p = Program()
    p.add_kernel(source, (0, 0), "reader", **kwargs)
    return p.kernels[0]


def test_rerun_reuses_the_compiled_object(fresh_cache):
    first = sim_build.compile_kernel(kernel())
    stamp = first.stat().st_mtime_ns
    again = sim_build.compile_kernel(kernel())
    assert again == first and again.stat().st_mtime_ns == stamp


def test_key_covers_source_compile_args_and_defines(fresh_cache):
    paths = {
        sim_build.compile_kernel(kernel()),
        sim_build.compile_kernel(kernel("void kernel_main() { }\n")),
        sim_build.compile_kernel(kernel(compile_args=[1])),
        sim_build.compile_kernel(kernel(defines={"X": 1})),
    }
    assert len(paths) == 4


def test_compile_time_args_are_constant_expressions(fresh_cache):
    source = "static_assert(get_compile_time_arg_val(1) == 7);\nvoid kernel_main() {}\n"
    sim_build.compile_kernel(kernel(source, compile_args=[3, 7]))
    with pytest.raises(sim_build.KernelCompileError, match="index out of range"):
        sim_build.compile_kernel(kernel(source, compile_args=[3]))


def test_identical_kernels_in_one_program_compile_concurrently():
    # a fresh source in the shared cache (a fresh cache would also rebuild the runtime: slow)
    source = f"// {uuid.uuid4()}\nvoid kernel_main() {{}}\n"
    p = Program()
    for x in range(4):
        p.add_kernel(source, (x, 0), "reader")
    paths = sim_build.compile_kernels(p.kernels, jobs=4)
    assert len(set(paths)) == 1 and paths[0].exists()


def test_a_compiler_warning_is_shown_not_hidden():
    # a fresh source in the shared cache: the warning comes with the build, not from the cache
    source = f"// {uuid.uuid4()}\nvoid kernel_main() {{ int unused = 1; }}\n"
    with pytest.warns(sim_build.KernelCompileWarning, match="unused variable ‘unused’"):
        sim_build.compile_kernel(kernel(source))
