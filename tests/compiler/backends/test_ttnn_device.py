"""The device suite (`pytest -m device`): every shape of every registry example compiled, run on
a Tenstorrent card through ttnn's generic op, and compared with the torch reference (the
example's own tolerance and PCC) and with the emulator's output on the same inputs.

Needs ttnn==0.81.1 with torch and TileLang (CPython 3.12; docs/hardware.md) and a device; skipped
with the reason otherwise. Not part of the default run (the `device` marker is deselected)."""

import pytest

ttnn = pytest.importorskip("ttnn", reason="ttnn==0.81.1 is not installed (CPython 3.12 only)")

from compiler.backends import ttnn as backend  # noqa: E402  (after the skip: ttnn first)

if backend.devices_available(ttnn) == 0:
    pytest.skip(f"no Tenstorrent device: {backend.NO_DEVICE}", allow_module_level=True)
torch = pytest.importorskip("torch", reason="the device suite compares with torch")
pytest.importorskip("tilelang", reason="the device suite compiles the examples with TileLang")

from compiler.examples import MODULES, get_example  # noqa: E402
from compiler.examples.harness import compile_shape, pcc, run_artifacts  # noqa: E402
from compiler.examples.spec import PCC_MIN  # noqa: E402

pytestmark = pytest.mark.device

CASES = [(i, s) for i in sorted(MODULES) for s in get_example(i).shapes]


@pytest.mark.parametrize(("example_id", "shape"), CASES, ids=[f"{i}-{s.name}" for i, s in CASES])
def test_example_on_the_device_matches_torch_and_the_emulator(example_id, shape):
    example = get_example(example_id)
    artifacts = compile_shape(example, shape)
    inputs = example.make_inputs(shape.params, torch.Generator().manual_seed(0))
    expected = example.expected(shape.params, inputs).float()
    (device_out,) = run_artifacts(artifacts, inputs, backend="ttnn").outputs
    (emulated,) = run_artifacts(artifacts, inputs, backend="sim").outputs
    got = device_out.float()
    rtol, atol = example.tolerances(shape.params)
    assert pcc(got, expected) >= PCC_MIN
    assert torch.allclose(got, expected, rtol=rtol, atol=atol), (got - expected).abs().max()
    # device and emulator are each within (rtol, atol) of torch, so within twice it of each other
    assert torch.allclose(got, emulated.float(), rtol=2 * rtol, atol=2 * atol)
