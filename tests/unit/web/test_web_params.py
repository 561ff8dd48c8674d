from __future__ import annotations

from kuajing.web.params import DB_INT_MAX, whole_number


def test_whole_number_reads_ascii_digits_within_what_a_column_holds() -> None:
    assert whole_number(" 42 ") == 42
    assert whole_number(str(DB_INT_MAX)) == DB_INT_MAX


def test_whole_number_refuses_what_int_or_an_integer_column_cannot_take() -> None:
    assert whole_number("²") is None  # isdigit() says yes, int() raises
    assert whole_number("٣") is None  # Arabic-Indic three: not what a seller types as an id
    assert whole_number(str(DB_INT_MAX + 1)) is None  # SQLite raises OverflowError on it
    assert whole_number("9" * 5000) is None  # int() refuses more than 4,300 digits
    assert whole_number("-1") is None and whole_number("1.5") is None
    assert whole_number(None) is None and whole_number("") is None
