"""The ttnn backend's ProgramDescriptor of every example shape, built with the real ttnn==0.81.1
bindings (no device, no mock) and read back field by field against the plan: kernel sources,
processors and NOCs, compute configs, compile-time args, runtime args on every core, CBs with
their formats and page sizes, core ranges.

Runs where ttnn imports (CPython 3.12; `.ci/run` makes that venv). The artifacts come from
`$TT_WS_EXAMPLE_ARTIFACTS` (written by `python -m compiler.examples emit all --out DIR` with the
Python that has TileLang), or are compiled here when TileLang is importable.

Without a device the buffers' addresses and TensorAccessorArgs groups are stand-ins, distinct per
tensor so that a mix-up of their order shows; on a device they come from the allocated tensors."""

import importlib.util
import os
import re
import tempfile
from pathlib import Path

import numpy as np
import pytest

ttnn = pytest.importorskip(
    "ttnn",
    reason="ttnn==0.81.1 has wheels for CPython 3.12 only: .ci/run runs these tests in a 3.12 "
    "venv (docs/hardware.md)",
)

from compiler.api import ArtifactIndex  # noqa: E402  (after the skip: ttnn first)
from compiler.backends import ttnn as backend  # noqa: E402
from compiler.errors import BackendError  # noqa: E402


def _artifact_root() -> Path:
    given = os.environ.get("TT_WS_EXAMPLE_ARTIFACTS")
    if given:
        return Path(given)
    if importlib.util.find_spec("tilelang") is None:
        pytest.skip(
            "no example artifacts: set TT_WS_EXAMPLE_ARTIFACTS to the output of "
            "`python -m compiler.examples emit all --out DIR` (run with the Python that has "
            "TileLang), or install TileLang here",
            allow_module_level=True,
        )
    from compiler.examples.harness import emit_all

    root = Path(tempfile.mkdtemp(prefix="tt-ws-artifacts-"))
    emit_all(root)
    return root


ARTIFACTS = ArtifactIndex.load(_artifact_root())
WHEEL = Path(ttnn.__file__).parent / "tt_metal"


def _wheel_data_formats() -> dict[str, int]:
    """tt::DataFormat as the wheel's own Wormhole header declares it (name -> value)."""
    header = WHEEL / "hw/inc/internal/tt-1xx/wormhole/wormhole_b0_defines/tensix_types.h"
    body = re.search(r"enum class DataFormat[^{]*\{(.*?)\};", header.read_text(), re.S)
    assert body, f"no DataFormat enum in {header}"
    return {name: int(value, 0) for name, value in re.findall(r"(\w+)\s*=\s*(\w+)", body.group(1))}


DATA_FORMATS = _wheel_data_formats()


def _stand_ins(plan):
    """Distinct DRAM addresses and accessor groups per buffer: [IsDram, page size + i] stands
    for an interleaved DRAM buffer's [args config, aligned page size] group."""
    return {
        b.name: backend.DeviceBuffer(0x2000_0000 + i * 0x0100_0000, (2, b.page_size + i))
        for i, b in enumerate(plan.buffers)
    }


def _cores(range_set) -> set[tuple[int, int]]:
    return {
        (x, y)
        for r in range_set.ranges()
        for x in range(r.start.x, r.end.x + 1)
        for y in range(r.start.y, r.end.y + 1)
    }


def _expected_runtime_args(kp, work, buffers) -> list[int]:
    """The plan's runtime-arg names read as the kernels read them."""
    values = []
    for name in kp.runtime_args:
        if name.endswith("_addr"):
            values.append(buffers[name.removesuffix("_addr")].address)
        else:
            values.append({"first_block": work.first_block, "num_blocks": work.num_blocks}[name])
    return values


@pytest.fixture(params=sorted(ARTIFACTS), scope="module")
def built(request):
    artifact = ARTIFACTS[request.param]
    buffers = _stand_ins(artifact.plan)
    return artifact, buffers, backend.program_descriptor(artifact, buffers)


def test_every_registry_example_has_artifacts():
    examples = {d.split("/")[0] for d in ARTIFACTS}
    assert {"1.1", "1.3", "2.3", "3.3"} <= examples and len(ARTIFACTS) >= len(examples)


def test_the_format_table_matches_the_wheels_data_format_enum():
    for name, data_type in backend.TTNN_DATA_TYPES.items():
        fmt = ttnn.CBFormatDescriptor(
            buffer_index=0, data_format=getattr(ttnn.DataType, data_type), page_size=2048
        )
        assert fmt.data_format_as_uint8 == DATA_FORMATS[name], name


def test_kernels_carry_the_plans_sources_processors_and_compile_time_args(built):
    artifact, buffers, descriptor = built
    plan = artifact.plan
    assert len(descriptor.kernels) == len(plan.kernels)
    for kd, kp in zip(descriptor.kernels, plan.kernels, strict=True):
        assert kd.source_type == ttnn.KernelDescriptor.SourceType.SOURCE_CODE
        assert kd.kernel_source == artifact.sources[kp.source]
        groups = [a for t in kp.accessor_tensors for a in buffers[t].accessor_args]
        assert list(kd.compile_time_args) == groups, kp.role
        if kp.role == "compute":
            assert isinstance(kd.config, ttnn.ComputeConfigDescriptor)
            assert kd.config.math_fidelity == getattr(ttnn.MathFidelity, kp.math_fidelity)
            assert kd.config.fp32_dest_acc_en == kp.fp32_dest_acc_en
            modes = list(kd.config.unpack_to_dest_mode)
            fp32 = [i for i, m in enumerate(modes) if m == ttnn.UnpackToDestMode.UnpackToDestFp32]
            assert fp32 == kp.unpack_to_dest_fp32
            assert modes == [] or len(modes) == backend.NUM_CIRCULAR_BUFFERS
        else:
            assert isinstance(kd.config, ttnn.DataMovementConfigDescriptor)
            assert kd.config.processor == getattr(ttnn.DataMovementProcessor, kp.processor)
            # ttnn.NOC's NOC_i and RISCV_i_default are aliases of one value
            assert kd.config.noc.value == kp.noc
    movers = [
        kd.config
        for kd in descriptor.kernels
        if not isinstance(kd.config, ttnn.ComputeConfigDescriptor)
    ]
    assert len({m.processor for m in movers}) == len(movers), "two movers on one RISC-V"
    assert len({m.noc.value for m in movers}) == len(movers), "reader and writer share a NOC"


def test_every_planned_core_gets_its_runtime_args_and_no_other_core_any(built):
    artifact, buffers, descriptor = built
    plan = artifact.plan
    planned = {w.core for w in plan.cores}
    width = 1 + max(x for x, _ in planned)
    height = 1 + max(y for _, y in planned)
    for kd, kp in zip(descriptor.kernels, plan.kernels, strict=True):
        for w in plan.cores:
            x, y = w.core
            assert list(kd.runtime_args[x][y]) == _expected_runtime_args(kp, w, buffers)
        idle = [(x, y) for x in range(width) for y in range(height) if (x, y) not in planned]
        for x, y in idle:
            with pytest.raises(IndexError, match="No runtime args found"):
                kd.runtime_args[x][y]


def test_kernels_and_cbs_run_on_exactly_the_planned_cores(built):
    artifact, _, descriptor = built
    planned = {w.core for w in artifact.plan.cores}
    for ranges in [kd.core_ranges for kd in descriptor.kernels] + [
        cb.core_ranges for cb in descriptor.cbs
    ]:
        assert _cores(ranges) == planned
        assert ranges.num_cores() == len(planned), "overlapping core ranges"


def test_cbs_have_the_plans_indices_formats_page_sizes_and_depths(built):
    artifact, _, descriptor = built
    plan = artifact.plan
    assert len(descriptor.cbs) == len(plan.cbs)
    for cd, cb in zip(descriptor.cbs, plan.cbs, strict=True):
        assert cd.total_size == cb.num_pages * cb.page_size, cb.name
        [fmt] = cd.format_descriptors
        assert fmt.buffer_index == cb.index
        assert fmt.page_size == cb.page_size
        assert fmt.data_format_as_uint8 == DATA_FORMATS[cb.data_format], cb.name
    assert len({cb.index for cb in plan.cbs}) == len(plan.cbs)


def test_without_a_device_run_fails_with_use_sim_and_writes_nothing():
    if backend.devices_available(ttnn) > 0:
        pytest.skip("a device is present: the device suite (-m device) runs the examples")
    artifact = ARTIFACTS["1.1/one_block"]
    tensors = [np.full(b.host_shape, np.nan, dtype=np.float32) for b in artifact.plan.buffers]
    with pytest.raises(BackendError, match=re.escape(backend.NO_DEVICE)):
        backend.execute(artifact, tensors)
    assert all(np.isnan(t).all() for t in tensors)


def test_a_format_ttnn_cannot_hold_is_refused_before_the_device_is_touched():
    artifact = ARTIFACTS["1.1/one_block"]
    cb = artifact.plan.cbs[0]
    plan = artifact.plan.model_copy(
        update={"cbs": [cb.model_copy(update={"data_format": "Float16"})]}
    )
    odd = type(artifact)(plan, artifact.sources)
    tensors = [np.zeros(b.host_shape, dtype=np.float32) for b in plan.buffers]
    with pytest.raises(BackendError, match=f"CB {cb.name} needs data format Float16"):
        backend.execute(odd, tensors)
