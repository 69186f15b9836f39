"""passes/eltwise: DST slots of an element-wise expression, and the operands spilled to
temporary CBs when it would not fit the DST."""

from compiler.ir import Affine, Binary, Const, Load, Region, Select, Unary
from compiler.passes.eltwise import slots, spills


def load(name: str) -> Load:
    return Load(Region(name, (Affine(), Affine()), (32, 32)))


A, B = load("a"), load("b")


def chain(depth: int):
    """max(a, max(a, ... max(a, exp(b)))): each level holds one more operand."""
    e = Unary("exp", B)
    for _ in range(depth):
        e = Binary("max", A, e)
    return e


def test_fpu_ops_of_tiles_and_scalar_ops_take_one_slot():
    assert slots(Binary("add", A, B)) == 1
    assert slots(Binary("mul", Unary("exp", A), Const(2.0))) == 1


def test_an_sfpu_op_of_computed_operands_holds_each_in_its_own_slot():
    assert slots(Binary("add", Unary("exp", A), Unary("exp", B))) == 2
    assert slots(Select(Binary("gt", A, B), A, B)) == 3
    assert slots(chain(5)) == 6


def test_an_expression_that_fits_spills_nothing():
    assert spills(chain(3), 4) == []


def test_spills_are_the_fewest_that_make_it_fit_and_inner_ones_come_first():
    deep = chain(5)
    out = spills(deep, 4)
    spilled = {id(e) for e in out}
    assert slots(deep, spilled) <= 4
    # the innermost operand that cannot sit at its slot: max(a, max(a, exp(b))) would need
    # slots 3..5 below the third max; from a temporary it takes one
    assert out == [deep.b.b.b] and slots(out[0]) == 3


def test_add_of_two_spilled_operands_runs_on_the_fpu():
    wide = Binary("add", chain(4), chain(4))
    out = spills(wide, 4)
    assert slots(wide, {id(e) for e in out}) <= 4
