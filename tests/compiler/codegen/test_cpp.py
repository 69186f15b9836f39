"""Codegen: every kernel of a compiled program builds against the emulator's Metalium headers;
an op without a C++ rendering is an assertion naming it."""

import pytest
import tl_kernels as K

import compiler
from compiler.codegen.cpp import Renderer
from compiler.examples.harness import build_cpp
from compiler.kernel_ir import ops as k
from compiler.plan import Plan


@pytest.mark.parametrize(
    "func",
    [
        lambda: K.gemm(128, 96, 64, trans_b=True),
        lambda: K.sum_times_exp(64, 96),
        lambda: K.add_global(96, 64),
    ],
)
def test_emitted_kernels_compile_against_the_emulator_headers(tmp_path, func):
    artifact = compiler.compile(func())
    directory = artifact.write(tmp_path)
    build_cpp(Plan.model_validate_json((directory / "tt.plan.json").read_text()), directory)


def test_compute_kernel_uses_the_current_entry_point_and_api_headers():
    source = compiler.compile(K.gemm(64, 64, 32)).sources["compute.cpp"]
    assert "void kernel_main() {" in source and "MAIN" not in source
    assert '#include "api/compute/matmul.h"' in source


def test_unknown_op_is_an_assertion_naming_it():
    kernel = k.Kernel("compute", False, (), (k.MatmulBlock("a", "b", "c", 1, 1, 1, False, "f"),))
    with pytest.raises(AssertionError, match="codegen: no C\\+\\+ for MatmulBlock"):
        Renderer(program=None, kernel=kernel).body(kernel.body, 1)
