"""The seeded random element-wise expression trees of test_random_programs, in float16 end to end
(inputs, fragment, output): a 16-bit DST fed from Float16 tiles holds Float16, so every op
rounds its result to fp16 as torch's fp16 ops do, and the comparison with torch in float16 is
tight — not the PCC a bf16 DST needs."""

import importlib.util
import random

import pytest
import torch
from test_random_programs import KERNEL, expression

import compiler

FP16_KERNEL = KERNEL.replace('"bfloat16"', '"float16"').replace('"float"', '"float16"')


@pytest.mark.parametrize("seed", range(12))
def test_random_fp16_expression_matches_torch_in_fp16(seed, tmp_path):
    rng = random.Random(seed)  # the programs of test_random_elementwise_expression_matches_torch
    tl_expr, torch_expr = expression(rng, 4)
    path = tmp_path / f"expr16_{seed}.py"
    path.write_text("import tilelang.language as T\n" + FP16_KERNEL.replace("{expr}", tl_expr))
    spec = importlib.util.spec_from_file_location(f"expr16_{seed}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    M, N = rng.randint(1, 200), rng.randint(1, 200)
    bm, bn = rng.choice([32, 64, 96]), rng.choice([32, 64, 128])
    a, b, c = (
        torch.randn(M, N, generator=torch.Generator().manual_seed(seed + i)).half()
        for i in range(3)
    )
    out = compiler.run(compiler.compile(module.kernel(M, N, bm, bn)), a, b, c)
    expected = eval(torch_expr, {"torch": torch, "a": a, "b": b, "c": c})
    # add/sub/mul (FPU and scalar) round once per op to fp16 exactly as torch does; the SFPU
    # sigmoid is the C library's (an fp32 ulp from torch's, so at most one fp16 ulp after
    # rounding), and such a difference can be scaled through the rest of the tree: a few ulps
    torch.testing.assert_close(out, expected, rtol=4 * 2.0**-10, atol=4 * 2.0**-14)
