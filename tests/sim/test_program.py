"""The host program description: core specs, CB and kernel validation with clear messages."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from compiler.sim import (
    ConfigError,
    DataFormat,
    Device,
    KernelFault,
    Program,
    expand_cores,
    tensor_accessor_args,
)
from compiler.sim.reference_programs import KERNELS, split_work

TEST_KERNELS = Path(__file__).parent / "kernels"


def test_core_specs():
    assert expand_cores((1, 2)) == [(1, 2)]
    assert expand_cores([(0, 0), (3, 1), (0, 0)]) == [(0, 0), (3, 1)]
    assert expand_cores(((0, 0), (1, 1))) == [(0, 0), (1, 0), (0, 1), (1, 1)]
    assert len(expand_cores(((0, 0), (7, 7)))) == 64
    with pytest.raises(ConfigError, match="bad core spec"):
        expand_cores("0,0")  # type: ignore[arg-type]


def test_cb_index_and_duplicates_are_checked():
    p = Program()
    with pytest.raises(ConfigError, match=r"CB index 32 out of range 0..31"):
        p.add_circular_buffer((0, 0), 32, 2048, 2, DataFormat.Float16_b)
    p.add_circular_buffer((0, 0), 3, 2048, 2, DataFormat.Float16_b)
    with pytest.raises(ConfigError, match=r"CB 3 defined twice on core \(0, 0\)"):
        p.add_circular_buffer(((0, 0), (1, 0)), 3, 2048, 2, DataFormat.Float16_b)


def test_one_kernel_per_role_and_core():
    p = Program()
    p.add_kernel(KERNELS / "writer_unary.cpp", ((0, 0), (1, 1)), "writer")
    with pytest.raises(
        ConfigError, match=r"core \(1, 1\) already has a writer kernel \(writer_unary.cpp\)"
    ):
        p.add_kernel(KERNELS / "writer_unary.cpp", (1, 1), "writer")
    with pytest.raises(
        ConfigError, match=r"kernel role 'data' is not one of reader, writer, compute"
    ):
        p.add_kernel(KERNELS / "writer_unary.cpp", (2, 2), "data")  # type: ignore[arg-type]


def test_runtime_args_only_on_placed_cores():
    p = Program()
    k = p.add_kernel(KERNELS / "writer_unary.cpp", (0, 0), "writer")
    with pytest.raises(
        ConfigError, match=r"kernel writer_unary.cpp is not placed on core \(5, 5\)"
    ):
        p.set_runtime_args(k, (5, 5), [1])
    with pytest.raises(ConfigError, match="does not fit in 32 bits"):
        p.set_runtime_args(k, (0, 0), [2**32])


def test_missing_kernel_file_and_cores_off_the_grid():
    p = Program()
    with pytest.raises(ConfigError, match=r"kernel source nowhere\.cpp does not exist"):
        p.add_kernel("nowhere.cpp", (0, 0), "reader")
    p.add_kernel(KERNELS / "writer_unary.cpp", (8, 0), "writer")
    with pytest.raises(ConfigError, match=r"core \(8,0\) is outside the 8x8 grid of wormhole_n150"):
        Device("wormhole_n150").run(p)


def test_blackhole_grid_runs_130_cores():
    p = Program()
    p.add_kernel("void kernel_main() {}\n", ((0, 0), (12, 9)), "reader")
    report = Device("blackhole_p150").run(p)
    assert len(report.kernel_stats) == 130


def test_split_work_is_contiguous_and_complete():
    shares = split_work(10, [(0, 0), (1, 0), (2, 0), (3, 0)])
    assert shares == [((0, 0), 0, 3), ((1, 0), 3, 3), ((2, 0), 6, 2), ((3, 0), 8, 2)]
    assert split_work(2, [(0, 0), (1, 0), (2, 0)]) == [((0, 0), 0, 1), ((1, 0), 1, 1)]


def test_buffers_are_checked():
    dev = Device()
    with pytest.raises(ConfigError, match="must be a positive multiple of its page size 2048"):
        dev.create_buffer(3000, 2048)
    buf = dev.create_buffer(4096, 2048)
    with pytest.raises(ConfigError, match="5000 bytes do not fit in the 4096-byte buffer"):
        dev.write_buffer(buf, bytes(5000))
    dev.write_buffer(buf, bytes(range(256)) * 16)
    assert dev.read_buffer(buf)[:3].tolist() == [0, 1, 2]
    dev.deallocate(buf)
    with pytest.raises(ConfigError, match="does not belong to this device"):
        dev.read_buffer(buf)


def test_kernel_globals_are_per_core_and_reset_each_run():
    dev = Device()
    out = dev.create_buffer(4 * 2048, 2048)
    p = Program()
    cores = ((0, 0), (3, 0))
    p.add_circular_buffer(cores, 0, 2048, 1, DataFormat.Float16_b)
    k = p.add_kernel(
        TEST_KERNELS / "stateful_reader.cpp",
        cores,
        "reader",
        compile_args=tensor_accessor_args(out),
    )
    for i in range(4):
        p.set_runtime_args(k, (i, 0), [out.address, i])
    for _ in range(2):
        dev.run(p)
        words = dev.read_buffer(out).view(np.uint32).reshape(4, 512)
        assert words[:, :2].tolist() == [[1, 1]] * 4  # not 1..4 (shared), not 5..8 (kept)


def test_an_empty_program_runs():
    report = Device().run(Program())
    assert report.kernel_stats == {} and report.cb_stats == {}


@pytest.mark.parametrize(("common", "fails"), [(7, False), (8, True)])
def test_common_runtime_args_and_float_args(common, fails):
    p = Program()
    k = p.add_kernel(TEST_KERNELS / "common_args_reader.cpp", ((0, 0), (1, 0)), "reader")
    p.set_runtime_args(k, ((0, 0), (1, 0)), [7, int(np.float32(1.5).view(np.uint32))])
    p.set_common_runtime_args(k, [common])
    if fails:
        with pytest.raises(KernelFault, match="a failed assert"):
            Device().run(p)
    else:
        Device().run(p)
