"""Every corpus kernel compiles as written, runs on the emulator and matches torch at each of its
shapes; kernels the compiler cannot map are rejected with a CompileError naming the construct."""

from __future__ import annotations

import pytest
import torch
from corpus import Case, all_cases

import compiler
from compiler.errors import CompileError

CASES = all_cases()


def _ids() -> list[tuple[Case, dict]]:
    return [
        pytest.param(
            case,
            shape,
            id=f"{case.name}[{'-'.join(f'{k}={v}' for k, v in shape.items())}]",
            marks=case.marks,
        )
        for case in CASES
        for shape in case.shapes
    ]


def _as_tuple(x) -> tuple[torch.Tensor, ...]:
    return x if isinstance(x, tuple) else (x,)


@pytest.mark.parametrize(("case", "params"), _ids())
def test_corpus_kernel_matches_torch(case: Case, params: dict) -> None:
    func = case.kernel(**params)
    if case.expect_error:
        with pytest.raises(CompileError, match=case.expect_error):
            compiler.compile(func)
        return
    artifact = compiler.compile(func)
    inputs = case.make_inputs(params, torch.Generator().manual_seed(0))
    got = _as_tuple(compiler.run(artifact, *inputs))
    want = _as_tuple(case.reference(*inputs, **params))
    assert len(got) == len(want), f"{len(got)} outputs, reference has {len(want)}"
    rtol, atol = case.tolerance
    for g, w in zip(got, want, strict=True):
        assert g.shape == w.shape
        torch.testing.assert_close(g.float(), w.float(), rtol=rtol, atol=atol, equal_nan=True)
