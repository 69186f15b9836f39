"""Codegen: every kernel of a compiled program builds against the emulator's Metalium headers;
an op without a C++ rendering is an assertion naming it."""

import pytest
import tl_kernels as K
import torch

import compiler
from compiler.backends.sim import execute
from compiler.codegen.cpp import Renderer
from compiler.examples.harness import build_cpp
from compiler.kernel_ir import ops as k
from compiler.plan import Plan
from compiler.sim.cost import MODELS


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


def test_the_writer_waits_for_its_noc_writes_once_per_block_not_once_per_tile():
    """One 128x128 block (16 bf16 tiles) on one core: the writer's barrier time stays within one
    DRAM round trip plus the link time of the whole block; a barrier per tile would pay 16."""
    a, b = (torch.randn(128, 128, generator=torch.Generator().manual_seed(s)) for s in (0, 1))
    artifact = compiler.compile(K.add_global(128, 128, block_M=128, block_N=128))
    run = execute(artifact, [a, b, torch.zeros(128, 128)])
    torch.testing.assert_close(
        run.outputs[0].float(), (a + b).bfloat16().float(), rtol=2e-2, atol=2e-2
    )
    model = MODELS["wormhole_n150"]
    round_trip = model.dram_latency + model.hop_cycles * model.dram_hops
    link = 16 * 2048 / model.link_bytes_per_cycle
    (writer,) = [s for (_, role), s in run.report.kernel_stats.items() if role == "writer"]
    assert 0 < writer.timing.noc_wait <= round_trip + link
