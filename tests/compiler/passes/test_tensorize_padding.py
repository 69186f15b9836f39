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


# a block of 64 query rows starting at bx * 64 of a tensor 100 rows long, i over the block
ROWS = Pad(0.0, Affine((("bx", 64),), 0), 100)
ROW_INDEX = Affine((("bx", 64), ("i", 1)), 0)


@pytest.mark.parametrize(
    ("d", "op", "rows", "on_padding"),
    [
        (
            ROW_INDEX + INDEX.scale(-1),
            "ge",
            ROWS,
            False,
        ),  # causal q >= k: every real row < 100 <= k
        (INDEX + ROW_INDEX.scale(-1), "le", ROWS, False),  # the same, written k <= q
        (ROW_INDEX + INDEX.scale(-1), "lt", ROWS, True),  # its negation: true on the padded columns
        (
            ROW_INDEX + Affine.of(1) + INDEX.scale(-1),
            "ge",
            ROWS,
            None,
        ),  # q + 1 >= k reaches column 100
        # 60 queries after 40 past keys (past_len = seq_kv - seq_q): q + 40 < 100 still
        (ROW_INDEX + Affine.of(40) + INDEX.scale(-1), "ge", Pad(0.0, ROWS.start, 60), False),
        (
            ROW_INDEX + INDEX.scale(-1),
            "ge",
            None,
            None,
        ),  # the row count unknown: nothing is decided
        (ROW_INDEX + INDEX.scale(-2), "ge", ROWS, None),  # not a difference of the two indices
    ],
)
def test_causal_masks_are_decided_on_the_padding_of_the_real_rows(d, op, rows, on_padding):
    assert mask_on_padding(mask(d, op), "j", PAD, rows) is on_padding
