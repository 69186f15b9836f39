"""tensorize's padding analysis: what a block holds past a tensor's edge, through element-wise
ops, length masks, gemms and reductions, and which reductions would fold it in."""

import math

import pytest

from compiler.ir import Affine, Mask
from compiler.passes.tensorize import Pad, mask_on_padding

# a block of columns starting at k * 64 of a tensor 100 columns wide; j runs over the block
PAD = Pad(0.0, Affine((("k", 64),), 0), 100)
INDEX = Affine((("j", 1), ("k", 64)), 0)


def mask(d: Affine, op: str) -> Mask:
    return Mask((((d, op),),), "i", "j", "mask1")


@pytest.mark.parametrize(
    ("d", "op", "on_padding"),
    [
        (INDEX + Affine.of(-100), "ge", True),  # k * 64 + j >= 100
        (INDEX + Affine.of(-90), "ge", True),  # >= 90 covers every padded column too
        (INDEX + Affine.of(-110), "ge", None),  # >= 110 misses columns 100..109
        (INDEX + Affine.of(-100), "lt", False),  # the valid columns: false on the padding
        (INDEX + Affine.of(-99), "le", False),  # <= 99
        (INDEX + Affine.of(-100), "le", None),  # <= 100 holds at column 100
        (INDEX.scale(-1) + Affine.of(100), "gt", False),  # 100 > k * 64 + j
        (INDEX + Affine.of(-99), "gt", True),  # > 99
        (Affine((("i", 1),), -5), "ge", None),  # a condition on rows says nothing here
    ],
)
def test_length_masks_are_recognised_on_the_padding(d, op, on_padding):
    assert mask_on_padding(mask(d, op), "j", PAD) is on_padding


def test_a_mask_of_two_alternatives_is_false_only_if_both_are():
    valid = (INDEX + Affine.of(-100), "lt")
    rows = (Affine((("i", 1),), -5), "lt")
    assert mask_on_padding(Mask(((valid,), (rows,)), "i", "j", "m"), "j", PAD) is None
    assert mask_on_padding(Mask(((valid, rows),), "i", "j", "m"), "j", PAD) is False


def test_unknown_block_position_recognises_nothing():
    assert mask_on_padding(mask(INDEX + Affine.of(-100), "ge"), "j", Pad(-math.inf)) is None
