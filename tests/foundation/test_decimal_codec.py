"""Decimals read back from MongoDB are exactly the ones the driver's own conversion gives."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from bson.decimal128 import Decimal128

from pacer_shared.mongo import decimal_from_bson

EDGES = ["0", "-0", "-0.00", "1E+10", "123.4500", "-9999999999999999999999999999999999", "1E-6176",
         "9.999999999999999999999999999999999E+6144", "NaN", "-Infinity", "Infinity", "sNaN"]  # fmt: skip


@pytest.mark.parametrize("value", EDGES)
def test_edge_values_read_back_as_the_driver_reads_them(value: str) -> None:
    stored = Decimal128(Decimal(value))
    assert decimal_from_bson(stored).as_tuple() == stored.to_decimal().as_tuple()


def test_any_finite_decimal_reads_back_with_the_same_sign_digits_and_exponent() -> None:
    rng = random.Random(7)
    for _ in range(20_000):
        digits = rng.randint(-(10 ** rng.randint(0, 34)), 10 ** rng.randint(0, 34))
        stored = Decimal128(Decimal(digits).scaleb(rng.randint(-40, 40)))
        assert decimal_from_bson(stored).as_tuple() == stored.to_decimal().as_tuple(), stored
