"""`compiler.jit`: TileLang's `@tilelang.jit(out_idx=...)` workflow on the emulator — kernels called
with torch tensors, outputs allocated per `out_idx`, compiled artifacts cached in memory and on
disk, clear errors for wrong tensors, and a profiler that reads the cost model."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import compiler
from compiler.errors import CompileError, KernelArgumentError
from compiler.examples.cast import cast_global
from compiler.examples.elementwise_add import elementwise_add
from compiler.examples.simple_gemm import matmul
from compiler.jit_kernel import stats

SMALL_GEMM = {"block_M": 64, "block_N": 64, "block_K": 32}


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """Each test starts from an empty disk cache of its own (the memory cache is per process)."""
    monkeypatch.setenv("TT_WS_JIT_CACHE", str(tmp_path / "jit"))


def _bf16(*shape, seed=0):
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed)).to(torch.bfloat16)


def test_a_decorated_gemm_returns_what_compiler_run_returns():
    a, b = _bf16(192, 128), _bf16(128, 160, seed=1)
    kernel = compiler.jit(out_idx=[-1])(matmul)(192, 160, 128, **SMALL_GEMM)
    c = kernel(a, b)
    want = compiler.run(compiler.compile(matmul(192, 160, 128, **SMALL_GEMM)), a, b)
    assert c.dtype == torch.bfloat16 and c.shape == (192, 160)
    assert torch.equal(c, want)
    torch.testing.assert_close(c.float(), a.float() @ b.float(), rtol=1.6e-2, atol=1.6e-2)


def test_a_prim_func_compiles_at_once_like_tilelang_compile():
    a, b = _bf16(64, 96), _bf16(64, 96, seed=1)
    kernel = compiler.jit(elementwise_add(64, 96), out_idx=-1)
    assert isinstance(kernel, compiler.jit_kernel.Kernel)
    assert torch.equal(kernel(a, b), a + b)


def test_without_out_idx_every_tensor_is_passed_and_outputs_are_written_in_place():
    x = torch.randn(64, 64, generator=torch.Generator().manual_seed(2))
    y = torch.full((64, 64), float("nan"), dtype=torch.bfloat16)
    kernel = compiler.jit(cast_global(64, 64))
    assert kernel(x, y) is None
    assert torch.equal(y, x.to(torch.bfloat16))


def test_the_same_builder_arguments_hit_the_memory_cache():
    build = compiler.jit(out_idx=[-1])(elementwise_add)
    build(64, 64)
    before = stats.memory_hits
    build(64, 64)
    assert stats.memory_hits == before + 1


def test_a_second_process_finds_the_compiled_kernel_on_disk(tmp_path):
    script = tmp_path / "second.py"
    script.write_text(
        "import json, torch, compiler\n"
        "from compiler.examples.simple_gemm import matmul\n"
        "from compiler.jit_kernel import stats\n"
        f"k = compiler.jit(out_idx=[-1])(matmul)(128, 128, 64, **{SMALL_GEMM!r})\n"
        "k(torch.ones(128, 64, dtype=torch.bfloat16), torch.ones(64, 128, dtype=torch.bfloat16))\n"
        "print(json.dumps(vars(stats)))\n"
    )

    repo = Path(__file__).parents[2]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(repo), os.environ.get("PYTHONPATH", "")]),
    }

    def counters() -> dict:
        out = subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, check=True, env=env
        ).stdout
        return json.loads(out.strip().splitlines()[-1])

    assert counters() == {"memory_hits": 0, "disk_hits": 0, "compiles": 1}
    assert counters() == {"memory_hits": 0, "disk_hits": 1, "compiles": 0}


def test_a_half_written_disk_entry_is_compiled_again(tmp_path):
    build = compiler.jit(out_idx=[-1])(elementwise_add)
    build(32, 32)
    (entry,) = (tmp_path / "jit").iterdir()
    (entry / "tt.plan.json").write_text("{")
    compiler.jit_kernel._memory.clear()
    before = stats.compiles
    kernel = build(32, 32)
    assert stats.compiles == before + 1
    a = _bf16(32, 32)
    assert torch.equal(kernel(a, a), a + a)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((_bf16(64, 64),), r"main takes 2 tensors \(A, B\); got 1"),
        (
            (_bf16(64, 64), _bf16(64, 32)),
            r"tensor B \(parameter 1\) has shape \(64, 32\), expected \(64, 64\)",
        ),
        (
            (_bf16(64, 64), torch.zeros(64, 64)),
            r"tensor B \(parameter 1\) has dtype torch.float32, expected torch.bfloat16",
        ),
        ((_bf16(64, 64), [[0.0]]), r"tensor B \(parameter 1\) must be a torch.Tensor, got list"),
    ],
)
def test_wrong_tensors_name_the_parameter_and_what_was_expected(args, message):
    kernel = compiler.jit(elementwise_add(64, 64), out_idx=[-1])
    with pytest.raises(KernelArgumentError, match=message):
        kernel(*args)


@pytest.mark.parametrize(
    ("out_idx", "message"),
    [([0], "names parameter A, which the kernel never writes; it writes C"), ([3], "out of range")],
)
def test_out_idx_must_name_an_output(out_idx, message):
    with pytest.raises(CompileError, match=message):
        compiler.jit(elementwise_add(64, 64), out_idx=out_idx)


def test_the_profiler_reports_modelled_device_time_apart_from_emulator_wall_time():
    kernel = compiler.jit(out_idx=[-1], target="wormhole_n150")(matmul)(128, 128, 128, **SMALL_GEMM)
    result = kernel.get_profiler().bench()
    # Wormhole n150 runs at 1 GHz: the device time is the modelled cycle count in nanoseconds
    assert result.cycles > 0
    assert result.device_ms == pytest.approx(result.cycles * 1e-6)
    assert result.bottleneck in ("reader", "compute", "writer")
    assert result.emulator_wall_ms > 0
    assert kernel.get_profiler().do_bench(warmup=10, rep=100) == result.device_ms


def test_kernel_source_holds_the_three_kernels_and_the_plan():
    kernel = compiler.jit(elementwise_add(64, 64), out_idx=[-1])
    source = kernel.get_kernel_source()
    for name in ("reader.cpp", "compute.cpp", "writer.cpp", "tt.plan.json"):
        assert f"// ---- {name} ----" in source
    assert kernel.artifact.sources["compute.cpp"] in source


def test_the_quickstart_checks_against_torch_and_prints_the_device_time(capsys):
    from compiler.examples import quickstart

    assert quickstart.main(["--size", "256"]) == 0
    out = capsys.readouterr().out
    assert "256x256x256 bf16 GEMM on the emulated wormhole_n150" in out
    assert "(matches torch)" in out
    assert "modelled device time:" in out and "emulator wall time" in out


def test_assert_allclose_holds_the_kernel_to_a_reference_program_like_tilelang():
    profiler = compiler.jit(elementwise_add(64, 64), out_idx=[-1]).get_profiler()
    profiler.assert_allclose(lambda a, b: a + b, rtol=0, atol=0)
    with pytest.raises(
        AssertionError, match=r"output 0: 9\d\.\d\d% of the elements differ beyond atol 0.01"
    ):
        profiler.assert_allclose(lambda a, b: a + 2 * b)


def test_do_bench_of_a_reference_program_is_its_host_wall_time():
    profiler = compiler.jit(elementwise_add(64, 64), out_idx=[-1]).get_profiler()
    calls = []
    host_ms = profiler.do_bench(lambda a, b: calls.append(a.shape) or a + b, warmup=500)
    assert host_ms > 0 and calls == [(64, 64)] * 5
