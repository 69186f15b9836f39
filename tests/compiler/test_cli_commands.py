"""`tt-ws compile` and `tt-ws sim` run in-process: artifacts and IR dumps written, clean errors."""

import json

from typer.testing import CliRunner

from compiler.pipeline import passes
from compiler.targets import get_target
from orchestrator.cli import app

GEMM = "compiler/examples/simple_gemm.py:matmul"
SIZES = ["--arg", "M=128", "--arg", "N=128", "--arg", "K=64"]


def test_compile_writes_kernels_plan_and_ir_after_every_pass(tmp_path):
    out, dump = tmp_path / "out", tmp_path / "ir"
    result = CliRunner().invoke(
        app, ["compile", GEMM, *SIZES, "--out", str(out), "--dump-ir", str(dump)]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "compute.cpp",
        "reader.cpp",
        "tt.plan.json",
        "writer.cpp",
    ]
    plan = json.loads((out / "tt.plan.json").read_text())
    assert plan["schema"] == "tt-ws.plan/1" and plan["target"] == "wormhole_n150"
    names = sorted(p.name for p in dump.iterdir())
    steps = len(passes(get_target(None)))
    assert names[0] == "00-frontend.txt" and names[-1] == f"{steps:02d}-verify.txt"
    assert len(names) == steps + 1
    assert "void kernel_main()" in (out / "compute.cpp").read_text()


def test_sim_runs_an_artifact_directory(tmp_path):
    runner = CliRunner()
    assert runner.invoke(app, ["compile", GEMM, *SIZES, "--out", str(tmp_path)]).exit_code == 0
    result = runner.invoke(app, ["sim", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "CB traffic balanced" in result.output and "(128, 128)" in result.output


def test_sim_feeds_one_dimensional_parameters_their_own_shape():
    kernel = "compiler/examples/reduction.py:reduce_rows"
    result = CliRunner().invoke(app, ["sim", kernel, "--arg", "M=128", "--arg", "N=256"])
    assert result.exit_code == 0, result.output
    assert "(128,)" in result.output


def test_unsupported_kernel_is_a_clean_error_naming_the_op():
    result = CliRunner().invoke(
        app, ["compile", "tests/compiler/tl_kernels.py:int_add", "--arg", "M=32", "--out", "x"]
    )
    assert result.exit_code == 1
    assert (
        "dtype: T.Tensor A has dtype int32; integer tensors and buffers are not supported yet"
        in result.output
    )


def test_bad_kernel_spec_is_a_clean_error():
    result = CliRunner().invoke(app, ["sim", "nowhere.py:k"])
    assert result.exit_code == 1 and "nowhere.py does not exist" in result.output


def test_sim_takes_the_primfunc_of_a_tilelang_jit_builder_without_gpu_compilation():
    spec = "tests/compiler/tl_kernels.py:gemm_parallel_b_copy"
    result = CliRunner().invoke(
        app, ["sim", spec, "--arg", "M=128", "--arg", "N=64", "--arg", "K=96"]
    )
    assert result.exit_code == 0, result.output
    assert "CB traffic balanced" in result.output and "(128, 64)" in result.output


def test_compile_writes_one_artifact_per_t_kernel_launch(tmp_path):
    kernel = "tests/compiler/corpus/nd_grids.py:two_kernels"
    result = CliRunner().invoke(
        app, ["compile", kernel, "--arg", "M=64", "--arg", "N=64", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["launch0", "launch1"]
    plans = [
        json.loads((tmp_path / d / "tt.plan.json").read_text()) for d in ("launch0", "launch1")
    ]
    assert [p["name"] for p in plans] == ["two_kernels_0", "two_kernels_1"]
    access = [{b["name"]: b["access"] for b in p["buffers"]} for p in plans]
    assert access == [
        {"A": "read", "B": "write", "C": "unused"},
        {"A": "unused", "B": "read", "C": "write"},
    ]
