"""The public API: artifacts round-trip through a directory; the plan schema is strict; run
validates its tensors."""

import pytest
import tl_kernels as K
import torch
from pydantic import ValidationError

import compiler
from compiler.api import Artifact
from compiler.errors import CompileError
from compiler.plan import Plan


def test_artifact_round_trips_through_a_directory(tmp_path):
    artifact = compiler.compile(K.gemm(128, 128, 64), target="blackhole_p150")
    loaded = Artifact.load(artifact.write(tmp_path))
    assert loaded == artifact
    assert loaded.plan.target == "blackhole_p150"
    assert [kp.processor for kp in loaded.plan.kernels] == ["RISCV_0", "COMPUTE", "RISCV_1"]
    assert [b.access for b in loaded.plan.buffers] == ["read", "read", "write"]


def test_plan_rejects_unknown_keys(tmp_path):
    text = compiler.compile(K.add_global(64, 64)).plan.to_json()
    with pytest.raises(ValidationError, match="extra"):
        Plan.model_validate_json(text.replace('"num_blocks"', '"bogus": 1, "num_blocks"', 1))


def test_run_names_the_expected_tensors_when_given_the_wrong_number():
    artifact = compiler.compile(K.add_global(64, 64))
    with pytest.raises(
        CompileError, match=r"takes 3 tensors \(A, B, C\) or only its inputs \(A, B\); got 1"
    ):
        compiler.run(artifact, torch.zeros(64, 64, dtype=torch.bfloat16))


def test_run_rejects_a_wrong_shape():
    artifact = compiler.compile(K.add_global(64, 64))
    a = torch.zeros(64, 64, dtype=torch.bfloat16)
    with pytest.raises(CompileError, match=r"tensor B has shape \(32, 64\), expected \(64, 64\)"):
        compiler.run(artifact, a, torch.zeros(32, 64, dtype=torch.bfloat16))


def test_unknown_target_lists_the_known_ones():
    with pytest.raises(
        CompileError, match="unknown target 'grayskull'; known: blackhole_p150, wormhole_n150"
    ):
        compiler.compile(K.add_global(64, 64), target="grayskull")


def test_import_compiler_does_not_import_tilelang():
    import subprocess
    import sys

    code = "import sys, compiler; print('tilelang' in sys.modules, 'torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_float16_plans_float16_cbs_and_runs_on_the_emulator():
    from compiler.examples.simple_gemm import matmul

    artifact = compiler.compile(matmul(128, 128, 64, dtype="float16"))
    assert {cb.data_format for cb in artifact.plan.cbs} == {"Float16", "Float32"}
    assert {b.page_size for b in artifact.plan.buffers} == {2048}
    gen = torch.Generator().manual_seed(0)
    a = torch.randn(128, 64, generator=gen).half()
    b = torch.randn(64, 128, generator=gen).half()
    # exact fp16 products accumulated in fp32, rounded once to fp16: within one fp16 ulp
    torch.testing.assert_close(
        compiler.run(artifact, a, b), (a.float() @ b.float()).half(), rtol=2.0**-10, atol=1e-4
    )


def test_fp32_accumulator_cbs_reloaded_by_copy_are_unpacked_to_dest():
    plan = compiler.compile(K.gemm(128, 128, 64)).plan
    fp32_cbs = {c.index for c in plan.cbs if c.data_format == "Float32"}
    compute = next(kp for kp in plan.kernels if kp.role == "compute")
    assert compute.fp32_dest_acc_en
    assert fp32_cbs and compute.unpack_to_dest_fp32 == sorted(fp32_cbs)
    assert all(not kp.unpack_to_dest_fp32 for kp in plan.kernels if kp.role != "compute")
