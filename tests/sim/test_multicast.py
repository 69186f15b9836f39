"""Semaphores and multicast across cores: the sender/receiver protocol of tt-metal's
matmul_multicore_reuse_mcast, and its faults (a sender that never comes, miscounted receivers)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from compiler.sim import (
    DataFormat,
    DeadlockError,
    Device,
    NocError,
    Program,
    expand_cores,
    tensor_accessor_args,
    tile_size,
    tilize,
    untilize,
)
from compiler.sim.reference_programs import KERNELS as REFERENCE

KERNELS = Path(__file__).parent / "kernels"
BF16 = DataFormat.Float16_b
PAGE = tile_size(BF16)
N_TILES = 3
SENDER = (0, 0)
RECEIVERS = ((1, 0), (3, 1))  # 6 receivers


def build(
    sender_kernel: str = "mcast_sender_reader.cpp",
    mcast_dests: int = 6,
    receiver_kernel: str = "mcast_receiver_reader.cpp",
):
    dev = Device()
    x = np.arange(32 * 32 * N_TILES, dtype=np.float32).reshape(32, 32 * N_TILES) % 97
    src = dev.create_buffer(N_TILES * PAGE, PAGE)
    dev.write_buffer(src, tilize(x, BF16))
    all_cores = [SENDER, *expand_cores(RECEIVERS)]
    out = dev.create_buffer(len(all_cores) * N_TILES * PAGE, PAGE)
    p = Program()
    for cb in (0, 16):
        p.add_circular_buffer(all_cores, cb, PAGE, 2, BF16)
    p.add_semaphore(all_cores, 0)  # receivers ready (on the sender)
    p.add_semaphore(all_cores, 0)  # tile valid (on the receivers)
    sender = p.add_kernel(
        KERNELS / sender_kernel, SENDER, "reader", compile_args=tensor_accessor_args(src)
    )
    (rx0, ry0), (rx1, ry1) = dev.worker_core(RECEIVERS[0]), dev.worker_core(RECEIVERS[1])
    p.set_runtime_args(sender, SENDER, [src.address, N_TILES, rx0, ry0, rx1, ry1, 6, mcast_dests])
    receiver = p.add_kernel(KERNELS / receiver_kernel, RECEIVERS, "reader")
    p.set_runtime_args(receiver, RECEIVERS, [*dev.worker_core(SENDER), N_TILES])
    compute = p.add_kernel(KERNELS / "compute_copy.cpp", all_cores, "compute")
    p.set_runtime_args(compute, all_cores, [N_TILES])
    writer = p.add_kernel(
        REFERENCE / "writer_unary.cpp", all_cores, "writer", compile_args=tensor_accessor_args(out)
    )
    for i, core in enumerate(all_cores):
        p.set_runtime_args(writer, core, [out.address, N_TILES, i * N_TILES])
    return dev, p, x, out


@pytest.mark.parametrize("receiver", ["mcast_receiver_reader.cpp", "spin_receiver_reader.cpp"])
def test_multicast_delivers_every_tile_to_every_receiver(receiver):
    dev, p, x, out = build(receiver_kernel=receiver)
    report = dev.run(p)
    got = untilize(dev.read_buffer(out), (32, 32 * N_TILES * 7), BF16)
    for core in range(7):
        np.testing.assert_array_equal(got[:, core * 32 * N_TILES : (core + 1) * 32 * N_TILES], x)
    assert report.kernel_stats[(SENDER, "reader")].noc_bytes == N_TILES * PAGE * (1 + 6)


def test_receivers_waiting_for_a_sender_that_never_comes_deadlock():
    dev, p, _, _ = build(sender_kernel="idle_reader.cpp")
    with pytest.raises(DeadlockError) as err:
        dev.run(p)
    msg = str(err.value)
    assert (
        "core (1,0) reader kernel 'mcast_receiver_reader.cpp': blocked in noc_semaphore_wait("
        in msg
    )
    assert ", 1) at line 18 [value 0]" in msg


def test_miscounted_receivers_are_reported():
    dev, p, _, _ = build(mcast_dests=7)
    with pytest.raises(
        NocError,
        match=r"noc_async_write_multicast at line 37: num_dests is 7 but the rectangle \(1,0\)-\(3,1\) "
        r"holds 6 destination cores",
    ):
        dev.run(p)
