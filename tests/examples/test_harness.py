"""The example harness: every check of a report can fail on its own and says why."""

import tilelang.language as T
import torch

import compiler.backends.sim
from compiler.examples import get_example
from compiler.examples.harness import (
    CHECK_NAMES,
    check_shape,
    compile_shape,
    cores_ran,
    run_artifacts,
)
from compiler.examples.spec import Example, Shape
from compiler.sim import DeadlockError


def half_copy(M, N):
    """Copies only the top half of A to C: the bottom half of C is never written."""

    @T.prim_func
    def main(A: T.Tensor((M, N), "bfloat16"), C: T.Tensor((M, N), "bfloat16")):
        with T.Kernel(1, threads=128) as _:
            S = T.alloc_shared((M // 2, N), "bfloat16")
            T.copy(A[0, 0], S)
            T.copy(S, C[0, 0])

    return main


HALF_COPY = Example(
    id="test",
    title="half copy",
    kernel=half_copy,
    make_inputs=lambda p, g: [torch.randn((p["M"], p["N"]), generator=g).to(torch.bfloat16)],
    reference=lambda a: a,
    shapes=(Shape("half", "writes half of C", {"M": 64, "N": 64}),),
)


def by_name(checks):
    return {c.name.split(": ", 1)[1]: c for c in checks}


def test_a_correct_example_passes_every_check_with_the_figures_it_read():
    example = get_example("1.1")
    checks = by_name(check_shape(example, example.shapes[0]))
    assert set(checks) == set(CHECK_NAMES)
    assert all(c.passed for c in checks.values())
    assert checks["outputs fully written"].detail == "all 4096 output elements written"


def test_an_output_left_partly_unwritten_fails_the_written_check_with_the_count():
    checks = by_name(check_shape(HALF_COPY, HALF_COPY.shapes[0]))
    assert checks["run completed"].passed
    written = checks["outputs fully written"]
    assert not written.passed
    assert written.detail == "NaN left in {'program 0 C': 2048}"


def test_a_run_that_raises_fails_run_completed_naming_the_error(monkeypatch):
    def deadlock(*_args, **_kwargs):
        raise DeadlockError("every unfinished kernel is blocked\nreader waits on CB 0")

    monkeypatch.setattr(compiler.backends.sim, "execute", deadlock)
    checks = by_name(check_shape(HALF_COPY, HALF_COPY.shapes[0]))
    assert checks["run completed"].detail == "DeadlockError: every unfinished kernel is blocked"
    assert not any(c.passed for c in checks.values())
    assert checks["allclose"].detail == "not evaluated: the run did not complete"


def test_a_planned_core_without_kernels_in_the_report_fails_cores_ran():
    example = get_example("1.1")
    shape = example.shapes[0]
    artifacts = compile_shape(example, shape)
    inputs = example.make_inputs(shape.params, torch.Generator().manual_seed(0))
    run = run_artifacts(artifacts, inputs)
    (plan,) = run.plans
    extra = plan.cores[0].model_copy(update={"core": (7, 7), "num_blocks": 1})
    widened = plan.model_copy(update={"cores": [*plan.cores, extra]})
    check = cores_ran([widened], [run.runs[0].report])
    assert not check.passed
    assert "kernels missing [((7, 7), " in check.detail
    assert "core (7, 7) has 1 blocks and made 0 NOC writes" in check.detail
