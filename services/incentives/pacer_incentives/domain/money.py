"""Money: Decimal amounts rounded half-up to the currency's minor unit (cents, fen, yen), never floats."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision, is_currency


def minor_unit(currency: str) -> Decimal:
    """The smallest amount of the currency: 0.01 for CNY and USD, 1 for JPY, 0.001 for KWD (ISO 4217)."""
    return Decimal(1).scaleb(-get_currency_precision(currency))


def round_money(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def known_currency(code: str) -> bool:
    return is_currency(code)
