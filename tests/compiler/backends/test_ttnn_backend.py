"""The ttnn backend where ttnn is absent (the default Python 3.11 environment): selecting it is a
clear error saying which Python has wheels and what to install, before anything runs; the core
rectangles and the plan's argument lists it builds descriptors from are exact."""

import importlib.util
import sys

import pytest
import tl_kernels as K
import torch
from typer.testing import CliRunner

import compiler
from compiler.backends.ttnn import rectangles
from compiler.errors import BackendError, CompileError
from compiler.plan import CoreWorkPlan
from orchestrator.cli import app

no_ttnn = pytest.mark.skipif(
    importlib.util.find_spec("ttnn") is not None,
    reason="ttnn is installed here: the no-device error is tested in test_ttnn_descriptors.py",
)


@pytest.fixture(scope="module")
def gemm():
    return compiler.compile(K.gemm(64, 64, 64))


@no_ttnn
def test_running_on_ttnn_without_it_names_the_python_with_wheels_and_the_extra(gemm):
    a, b = torch.randn(64, 64).bfloat16(), torch.randn(64, 64).bfloat16()
    with pytest.raises(BackendError) as err:
        compiler.run(gemm, a, b, backend="ttnn")
    message = str(err.value)
    here = f"Python {sys.version_info.major}.{sys.version_info.minor}"
    if sys.version_info[:2] != (3, 12):
        assert "wheels for CPython 3.12 only" in message and here in message
    assert "pip install -e '.[ttnn]'" in message


@no_ttnn
def test_tt_ws_sim_backend_ttnn_is_a_clean_error_without_ttnn():
    result = CliRunner().invoke(
        app,
        [
            "sim",
            "compiler/examples/elementwise_add.py:elementwise_add",
            *("--arg", "M=64", "--arg", "N=64", "--backend", "ttnn"),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 1
    assert "backend 'ttnn' needs ttnn==0.81.1" in result.output


def test_an_unknown_backend_lists_the_available_ones(gemm):
    with pytest.raises(CompileError, match="unknown backend 'gpu'; available: sim, ttnn"):
        compiler.run(gemm, torch.zeros(64, 64), torch.zeros(64, 64), backend="gpu")
    result = CliRunner().invoke(app, ["sim", "x.py:k", "--backend", "gpu"])
    assert result.exit_code == 1 and "available: sim, ttnn" in result.output


def _cells(rects):
    return [
        (x, y) for (x0, y0), (x1, y1) in rects for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)
    ]


@pytest.mark.parametrize("grid", [(8, 8), (13, 10)])
def test_rectangles_cover_every_schedule_exactly_once(grid):
    gx, gy = grid
    for n in range(1, gx * gy + 1):
        cores = [(i % gx, i // gx) for i in range(n)]  # the schedule's row-major prefix
        rects = rectangles(cores)
        cells = _cells(rects)
        assert sorted(cells) == sorted(cores), n
        # a full block of rows and a partial last row: at most two rectangles
        assert len(rects) == (1 if n <= gx or n % gx == 0 else 2), (n, rects)


def test_rectangles_of_a_scattered_set_do_not_overlap():
    cores = [(0, 0), (1, 0), (3, 0), (0, 1), (1, 1), (3, 1), (2, 2), (0, 4)]
    rects = rectangles(cores)
    assert sorted(_cells(rects)) == sorted(cores)
    assert ((0, 0), (1, 1)) in rects and ((3, 0), (3, 1)) in rects


def test_kernel_args_come_from_the_plan_by_name(gemm):
    reader = next(k for k in gemm.plan.kernels if k.role == "reader")
    groups = {t: (2, 1000 + i) for i, t in enumerate(reader.accessor_tensors)}
    assert reader.compile_time_arg_values(groups) == [
        a for t in reader.accessor_tensors for a in groups[t]
    ]
    addresses = {b.name: 0x4000 * (i + 1) for i, b in enumerate(gemm.plan.buffers)}
    work = CoreWorkPlan(core=(3, 1), first_block=7, num_blocks=2)
    expected = [addresses[t] for t in reader.accessor_tensors] + [7, 2]
    assert reader.runtime_args == [f"{t}_addr" for t in reader.accessor_tensors] + [
        "first_block",
        "num_blocks",
    ]
    assert reader.runtime_arg_values(work, addresses) == expected
