"""Every fault class, provoked by a deliberately broken kernel (tests/sim/kernels/), is reported
as its SimError subclass with a message that names where (core, kernel, call, CB) and the state."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from compiler.sim import (
    CBError,
    ComputeStateError,
    DataFormat,
    DeadlockError,
    Device,
    DstError,
    KernelArgError,
    KernelCompileError,
    KernelFault,
    L1BudgetError,
    NocError,
    Program,
    WatchdogTimeout,
    tensor_accessor_args,
    tile_size,
    tilize,
)
from compiler.sim.reference_programs import KERNELS as REFERENCE

BROKEN = Path(__file__).parent / "kernels"
BF16 = DataFormat.Float16_b
PAGE = tile_size(BF16)
N_TILES = 4


def run_case(
    reader: str,
    compute: str,
    writer: str | None = "writer_unary.cpp",
    cores=(0, 0),
    compute_defines: dict[str, str] | None = None,
    fp32_dest_acc_en: bool = False,
    timeout_s: float = 30.0,
    reader_args: list[int] | None = None,
):
    """One program: CBs c_0, c_1, c_16 (2 bf16 pages each), a 4-tile input and output buffer,
    and the named kernels (looked up in tests/sim/kernels, then in the reference kernels)."""
    dev = Device()
    src = dev.create_buffer(N_TILES * PAGE, PAGE)
    dev.write_buffer(src, tilize(np.ones((32, 32 * N_TILES), np.float32), BF16))
    dst = dev.create_buffer(N_TILES * PAGE, PAGE)
    p = Program()
    for cb in (0, 1, 16):
        p.add_circular_buffer(cores, cb, PAGE, 2, BF16)

    def path(name: str) -> Path:
        return BROKEN / name if (BROKEN / name).exists() else REFERENCE / name

    r = p.add_kernel(path(reader), cores, "reader", compile_args=tensor_accessor_args(src))
    c = p.add_kernel(
        path(compute), cores, "compute", defines=compute_defines, fp32_dest_acc_en=fp32_dest_acc_en
    )
    p.set_runtime_args(
        r, cores, reader_args if reader_args is not None else [src.address, N_TILES, 0]
    )
    p.set_runtime_args(c, cores, [N_TILES])
    if writer:
        w = p.add_kernel(path(writer), cores, "writer", compile_args=tensor_accessor_args(dst))
        p.set_runtime_args(w, cores, [dst.address, N_TILES, 0])
    return dev.run(p, timeout_s=timeout_s)


def test_correct_partners_run_clean():
    report = run_case("reader_unary.cpp", "compute_copy.cpp")
    assert report.cb_stats[((0, 0), 16)].pages_popped == N_TILES


def test_deadlock_names_every_blocked_kernel_call_and_cb_counts():
    with pytest.raises(DeadlockError) as err:
        run_case("reader_unary.cpp", "deadlock_compute.cpp")
    msg = str(err.value)
    assert "core (0,0) reader kernel 'reader_unary.cpp': blocked in cb_reserve_back(cb=0, 1)" in msg
    assert "CB 0: 2 pages of 2048 B, pushed 2, popped 0, holding 2" in msg
    assert (
        "core (0,0) compute kernel 'deadlock_compute.cpp': blocked in cb_wait_front(cb=1, 1) at line 8"
        in msg
    )
    assert "core (0,0) writer kernel 'writer_unary.cpp': blocked in cb_wait_front(cb=16, 1)" in msg


def test_deadlock_on_64_cores_lists_each_core():
    with pytest.raises(DeadlockError) as err:
        run_case("reader_unary.cpp", "deadlock_compute.cpp", cores=((0, 0), (7, 7)))
    msg = str(err.value)
    assert "core (0,0) compute kernel" in msg and "core (7,5) reader kernel" in msg


def case(reader: str, compute: str, error: type[Exception], pattern: str, **options):
    """A broken program (run_case's arguments) and the error and message it must raise."""
    return {"reader": reader, "compute": compute, **options}, error, pattern


FAULT_CASES = {
    "wait for more pages than the CB holds": case(
        "reader_unary.cpp", "wait_beyond_capacity_compute.cpp", CBError,
        r"cb_wait_front\(cb=0, 3\) at line 7 asks for more pages than the CB "
        r"holds \(2\): it can never complete .* in core \(0,0\) compute kernel",
    ),
    "reserve beyond capacity": case(
        "reserve_beyond_capacity_reader.cpp", "compute_copy.cpp", CBError,
        r"cb_reserve_back\(cb=0, 4\) .*more pages than the CB holds \(2\).*reader", writer=None,
    ),
    "pop of pages never pushed": case(
        "reader_unary.cpp", "pop_unpushed_compute.cpp", CBError,
        r"cb_pop_front\(cb=1, 1\) at line 7 pops more pages than the CB holds \(0\)",
    ),
    "DST index beyond 16-bit capacity": case(
        "reader_unary.cpp", "dst_index_compute.cpp", DstError,
        r"copy_tile: DST index 8 beyond capacity: 8 tiles usable", compute_defines={"DST_INDEX": "8"},
    ),
    "DST index beyond fp32 capacity": case(
        "reader_unary.cpp", "dst_index_compute.cpp", DstError,
        r"copy_tile: DST index 4 beyond capacity: 4 tiles usable", compute_defines={"DST_INDEX": "4"},
        fp32_dest_acc_en=True,
    ),
    "pack before commit and wait": case(
        "reader_unary.cpp", "pack_before_commit_compute.cpp", DstError,
        r"pack_tile at line 17 reads DST while it is acquired by math: call "
        r"tile_regs_commit\(\) and tile_regs_wait\(\) first",
    ),
    "acquire twice": case(
        "reader_unary.cpp", "acquire_twice_compute.cpp", DstError,
        r"tile_regs_acquire at line 8 while DST is acquired by math",
    ),
    "NOC read outside the buffer": case(
        "read_past_buffer_reader.cpp", "compute_copy.cpp", NocError,
        r"page 4 \(page size 2048 B, offset 0\) of the DRAM buffer at 0x[0-9a-f]+ "
        r"is outside the buffer \(8192 B = 4 pages\) .*reader kernel 'read_past_buffer_reader.cpp'",
    ),
    "push before read barrier": case(
        "missing_barrier_reader.cpp", "compute_copy.cpp", NocError,
        r"cb_push_back\(cb=0, 1\) at line 10 publishes pages a noc_async_read is still filling",
    ),
    "invalid memory access": case(
        "null_write_reader.cpp", "compute_copy.cpp", KernelFault,
        r"invalid memory access at address 0x0 .*reader kernel 'null_write_reader", reader_args=[0],
    ),
    "runtime arg beyond those set": case(
        "missing_arg_reader.cpp", "compute_copy.cpp", KernelArgError,
        r"get_arg_val\(5\): only 3 runtime args are set",
    ),
    "compute op without its init": case(
        "reader_unary.cpp", "add_without_init_compute.cpp", ComputeStateError, r"add_tiles without add_init",
    ),
    "compile error names file and line": case(
        "reader_unary.cpp", "syntax_error_compute.cpp", KernelCompileError,
        r"kernel syntax_error_compute.cpp \(compute\) failed to compile:(.|\n)*syntax_error_compute.cpp:3",
    ),
    "pop before write barrier": case(
        "reader_unary.cpp", "compute_copy.cpp", NocError,
        r"cb_pop_front\(cb=16, 1\) at line 8 frees pages a noc_async_write "
        r"is still reading: call noc_async_write_barrier\(\) before popping",
        writer="pop_before_write_barrier_writer.cpp",
    ),
    "write from a page not at the front": case(
        "idle_reader.cpp", "compute_copy.cpp", NocError,
        r"noc_async_write at line 6 touches page 0 of CB 16, which this kernel neither reserved",
        writer="write_unwaited_writer.cpp",
    ),
    "write from a pushed page beyond those waited for": case(
        "reader_unary.cpp", "compute_copy.cpp", NocError,
        r"noc_async_write at line 9 touches page 1 of CB 16, which this kernel neither "
        r"reserved \(cb_reserve_back\) nor waited for at the front \(cb_wait_front\) "
        r"\[CB 16: 2 pages of 2048 B, pushed 2, popped 0, holding 2, reserved 0, waited 1\]",
        writer="write_past_waited_writer.cpp",
    ),
    "push overflow": case(
        "push_overflow_reader.cpp", "compute_copy.cpp", CBError,
        r"cb_push_back\(cb=0, 3\) at line 2 overflows the CB: only 2 pages are free",
    ),
    "block crossing the CB end": case(
        "wrap_crossing_reader.cpp", "compute_copy.cpp", CBError,
        r"cb_reserve_back\(cb=0, 2\) at page 1 crosses the end of the CB \(2 pages\)",
    ),
    "unconfigured CB": case(
        "unconfigured_cb_reader.cpp", "compute_copy.cpp", CBError,
        r"cb_reserve_back\(cb=5\): CB 5 is not configured on this core",
    ),
    "read pending at exit": case(
        "pending_read_at_exit_reader.cpp", "compute_copy.cpp", NocError,
        r"reader kernel 'pending_read_at_exit_reader.cpp' returned with 1 noc_async_read and 0 "
        r"noc_async_write not completed by a barrier",
    ),
    "read into a page not reserved": case(
        "read_unreserved_reader.cpp", "compute_copy.cpp", NocError,
        r"noc_async_read at line 6 touches page 0 of CB 0, which this kernel neither reserved "
        r"\(cb_reserve_back\) nor waited for at the front \(cb_wait_front\)",
    ),
    "stack overflow": case(
        "stack_overflow_reader.cpp", "compute_copy.cpp", KernelFault,
        r"invalid memory access \(kernel stack overflow\) in core \(0,0\) reader kernel",
    ),
    "division by zero": case(
        "divide_by_zero_reader.cpp", "compute_copy.cpp", KernelFault,
        r"arithmetic fault \(integer division by zero\?\) in core \(0,0\) reader kernel",
    ),
    "write past this core's L1": case(
        "l1_overrun_reader.cpp", "compute_copy.cpp", KernelFault,
        r"invalid memory access at address 0x[0-9a-f]+ \(this core's L1 is .*\) in core \(0,0\) reader",
    ),
    "failed assert": case(
        "assert_reader.cpp", "compute_copy.cpp", KernelFault,
        r"abort\(\) \(a failed assert\?\) in core \(0,0\) reader kernel 'assert_reader.cpp'",
    ),
}  # fmt: skip

# broken_compute.cpp, one broken rule per BUG define
BROKEN_COMPUTE = {
    "op before hw startup": (
        "idle_reader.cpp", 1, ComputeStateError, r"copy_init before compute_kernel_hw_startup\(\)",
    ),
    "tile not at the front": (
        "idle_reader.cpp", 2, CBError,
        r"copy_tile reads tile 0 of CB 0 but the kernel waited for only 0 pages at its front: "
        r"call cb_wait_front\(0, 1\) first",
    ),
    "math outside acquire": (
        "reader_unary.cpp", 3, DstError,
        r"copy_tile writes DST while it is idle \(not acquired\): call tile_regs_acquire\(\) first",
    ),
    "DST held at exit": (
        "reader_unary.cpp", 4, DstError, r"compute kernel 'broken_compute.cpp' returned with DST still acquired",
    ),
    "pack without reserve": (
        "reader_unary.cpp", 5, CBError,
        r"pack_tile\(0, cb=16, 0\) at line 37 writes page 0 past the back of the CB but only 0 "
        r"pages are reserved: call cb_reserve_back first",
    ),
    "SFPU op without init": (
        "reader_unary.cpp", 6, ComputeStateError, r"exp_tile without exp_tile_init\(\): the SFPU is not configured for it",
    ),
    "tile beyond those waited for": (
        "reader_unary.cpp", 7, CBError,
        r"copy_tile reads tile 1 of CB 0 but the kernel waited for only 1 pages at its front: "
        r"call cb_wait_front\(0, 2\) first \[CB 0: 2 pages of 2048 B, pushed 4, popped 2, holding 2, "
        r"reserved 0, waited 1\]",
    ),
    "typecast of another input format": (
        "reader_unary.cpp", 8, ComputeStateError,
        r"typecast_tile<0 \(Float32\), 8 \(Int32\)> at line 54: DST tile 0 holds Float16_b values "
        r"\(what filled it last\): name that format as IN_DTYPE, typecast_tile<5, 8>",
    ),
}  # fmt: skip
FAULT_CASES |= {
    name: case(reader, "broken_compute.cpp", error, pattern, compute_defines={"BUG": str(bug)})
    for name, (reader, bug, error, pattern) in BROKEN_COMPUTE.items()
}


@pytest.mark.parametrize("name", sorted(FAULT_CASES))
def test_broken_program_is_reported(name):
    options, error, pattern = FAULT_CASES[name]
    with pytest.raises(error, match=pattern):
        run_case(**options)


def test_cbs_over_the_l1_budget_name_the_core_and_cbs():
    dev = Device()
    p = Program()
    p.add_circular_buffer((2, 3), 0, PAGE, 400, BF16)
    p.add_circular_buffer((2, 3), 1, PAGE, 400, BF16)
    p.add_kernel(REFERENCE / "compute_binary.cpp", (2, 3), "compute")
    with pytest.raises(
        L1BudgetError,
        match=r"core \(2, 3\): circular buffers need 1638400 B of L1 but only "
        r"\d+ B are usable .*CB 0: 400 x 2048 B, CB 1: 400 x 2048 B",
    ):
        dev.run(p)


def test_watchdog_stops_a_kernel_that_never_yields():
    with pytest.raises(WatchdogTimeout) as err:
        run_case("endless_loop_reader.cpp", "compute_copy.cpp", timeout_s=0.5)
    msg = str(err.value)
    assert "core (0,0) reader kernel 'endless_loop_reader.cpp' was computing" in msg
    assert "core (0,0) compute kernel 'compute_copy.cpp': not started" in msg


def test_emulator_survives_faults_and_runs_again():
    with pytest.raises(KernelFault):
        run_case("null_write_reader.cpp", "compute_copy.cpp", reader_args=[0])
    assert (
        run_case("reader_unary.cpp", "compute_copy.cpp").cb_stats[((0, 0), 0)].pages_pushed
        == N_TILES
    )


def test_a_kernel_polling_a_cb_lets_its_partners_run():
    report = run_case(
        "reader_unary.cpp", "compute_copy.cpp", writer="polling_writer.cpp", timeout_s=5
    )
    assert report.cb_stats[((0, 0), 16)].pages_popped == N_TILES
