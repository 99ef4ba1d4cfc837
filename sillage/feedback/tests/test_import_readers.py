"""Reading files and cells: encodings, separators, physical line numbers, scores, dates."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from sillage.feedback.importing.mapping import signature
from sillage.feedback.importing.readers import Unreadable, inspect_file, open_rows
from sillage.feedback.importing.values import (
    CellError,
    parse_datetime,
    parse_language,
    parse_score,
)

TORONTO = ZoneInfo("America/Toronto")


def inspect(raw: bytes):
    return inspect_file(io.BytesIO(raw))


def rows(raw: bytes) -> list[tuple[int, list]]:
    fh = io.BytesIO(raw)
    with open_rows(fh, inspect_file(fh)) as source:
        return list(source.rows())


@pytest.mark.parametrize(
    ("raw", "encoding", "delimiter"),
    [
        (b"a,b\n1,2\n", "utf-8-sig", ","),
        ("\ufeffunité;note\nB1;9\n".encode(), "utf-8-sig", ";"),
        ("unité;note\nB1;9,5\n".encode("cp1252"), "cp1252", ";"),
        ("unité\tnote\nB1\t9\n".encode("utf-16"), "utf-16", "\t"),
        # A comma inside a quoted header does not make a comma-separated file.
        (b'"Code, unit\xc3\xa9";"Note"\n"B1";"9"\n', "utf-8-sig", ";"),
    ],
)
def test_encoding_and_separator_are_sniffed(raw, encoding, delimiter):
    info = inspect(raw)
    assert (info.kind, info.encoding, info.delimiter) == ("csv", encoding, delimiter)


def test_a_hash_identifies_the_exact_bytes():
    assert inspect(b"a,b\n1,2\n").sha256 == inspect(b"a,b\n1,2\n").sha256
    assert inspect(b"a,b\n1,2\n").sha256 != inspect(b"a,b\n1,3\n").sha256


@pytest.mark.parametrize(
    ("raw", "code", "line"),
    [
        (b"", "empty_file", 0),
        (b"a,b\n\x00\x01", "not_text", 0),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old_excel", 0),
        (b"a,b\n1,2\n3,\x81\n", "encoding", 3),
    ],
)
def test_unreadable_files_say_why(raw, code, line):
    with pytest.raises(Unreadable) as caught:
        inspect(raw)
    assert (caught.value.code, caught.value.line) == (code, line)


def test_rows_carry_the_physical_line_where_the_record_starts():
    raw = b'h1,h2\r\n1,"one\r\ntwo"\r\n\r\n2,"a\nb\nc"\n3,x\n'  # CRLF, a blank line, LF inside
    assert rows(raw) == [
        (1, ["h1", "h2"]),
        (2, ["1", "one\r\ntwo"]),
        (4, []),
        (5, ["2", "a\nb\nc"]),
        (8, ["3", "x"]),
    ]


def test_xlsx_rows_carry_the_sheet_row_number(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"], sheet["B1"] = "unit", "date"
    sheet["A2"], sheet["B2"] = "B1", datetime(2024, 3, 5, 14, 30)  # noqa: DTZ001 - Excel
    sheet["A5"], sheet["B5"] = "B2", 45356.5
    path = tmp_path / "f.xlsx"
    book.save(path)
    read = rows(path.read_bytes())
    assert [(n, cells) for n, cells in read if cells] == [
        (1, ["unit", "date"]),
        (2, ["B1", datetime(2024, 3, 5, 14, 30)]),  # noqa: DTZ001
        (5, ["B2", 45356.5]),
    ]


def test_an_unreadable_workbook_is_reported(tmp_path):
    with pytest.raises(Unreadable) as caught:
        rows(b"PK\x03\x04 this is no workbook")
    assert caught.value.code == "xlsx"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("9", 9),
        (" 10 ", 10),
        ("8,0", 8),  # French Excel
        ("8.0", 8),
        ("10 - Extremely likely", 10),
        ("0", 0),
        ("", None),
        (7.0, 7),
        (6, 6),
    ],
)
def test_scores_read_as_people_write_them(value, expected):
    assert parse_score(value, 0, 10) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("8,5", "not_whole"),
        ("abc", "not_whole"),
        ("11", "scale"),
        ("-1", "scale"),
        (9.5, "not_whole"),
    ],
)
def test_bad_scores_say_why(value, code):
    with pytest.raises(CellError) as caught:
        parse_score(value, 0, 10)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("value", "day_first", "expected"),
    [
        ("2024-03-05", True, datetime(2024, 3, 5, tzinfo=TORONTO)),
        ("2024-03-05 14:30", True, datetime(2024, 3, 5, 14, 30, tzinfo=TORONTO)),
        ("2024-03-05T14:30:12Z", True, datetime(2024, 3, 5, 14, 30, 12, tzinfo=UTC)),
        ("05/03/2024", True, datetime(2024, 3, 5, tzinfo=TORONTO)),
        ("05/03/2024 14:30", True, datetime(2024, 3, 5, 14, 30, tzinfo=TORONTO)),
        ("5.3.2024 14h30", True, datetime(2024, 3, 5, 14, 30, tzinfo=TORONTO)),
        ("03/05/2024 02:30:12 PM", False, datetime(2024, 3, 5, 14, 30, 12, tzinfo=TORONTO)),
        ("3/5/24 12:05 AM", False, datetime(2024, 3, 5, 0, 5, tzinfo=TORONTO)),
        (
            "2024/03/05 2:30:00 PM UTC-5",
            True,
            datetime(2024, 3, 5, 14, 30, tzinfo=timezone(timedelta(hours=-5))),
        ),
        (
            "2024/03/05 14:30:00 UTC−4",
            True,
            datetime(2024, 3, 5, 14, 30, tzinfo=timezone(timedelta(hours=-4))),
        ),
        (
            "2024/03/05 14:30:00 GMT+5:30",
            True,
            datetime(2024, 3, 5, 14, 30, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        ),
        (
            "2024/03/05 2:30:00 PM EST",
            True,
            datetime(2024, 3, 5, 14, 30, tzinfo=timezone(timedelta(hours=-5))),
        ),
        (datetime(2024, 3, 5, 14, 30), True, datetime(2024, 3, 5, 14, 30, tzinfo=TORONTO)),  # noqa: DTZ001
        (date(2024, 3, 5), True, datetime(2024, 3, 5, tzinfo=TORONTO)),
        (45356.75, True, datetime(2024, 3, 5, 18, 0, tzinfo=TORONTO)),  # Excel serial date
    ],
)
def test_dates_in_every_usual_format_become_aware(value, day_first, expected):
    parsed = parse_datetime(value, TORONTO, day_first)
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    ("value", "day_first", "code"),
    [
        ("hier", True, "bad_date"),
        ("2024-13-45", True, "bad_date"),
        ("31/02/2024", True, "bad_date_day_first"),
        ("03/25/2024", True, "bad_date_day_first"),
        ("25/03/2024", False, "bad_date_month_first"),
        ("2024/03/05 14:30 XYZ", True, "bad_date"),
        ("", True, "required"),
        (-3, True, "bad_date"),
    ],
)
def test_bad_dates_say_why(value, day_first, code):
    with pytest.raises(CellError) as caught:
        parse_datetime(value, TORONTO, day_first)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("fr", "fr"),
        ("FR-CA", "fr"),
        ("en_US", "en"),
        ("Français", "fr"),
        ("English", "en"),
        ("es", "es"),
        ("", "fr"),
    ],
)
def test_languages(value, expected):
    assert parse_language(value, "fr") == expected


def test_unknown_language():
    with pytest.raises(CellError):
        parse_language("klingon", "fr")


def test_the_signature_ignores_case_accents_and_spacing_but_not_the_format():
    assert signature("generic", ["Unité", "Date  de réponse"]) == signature(
        "generic", ["unite", "date de reponse "]
    )
    assert signature("generic", ["a", "b"]) != signature("generic", ["b", "a"])
    assert signature("generic", ["a"]) != signature("qualtrics", ["a"])


@pytest.mark.parametrize(
    ("zone", "day"),
    [
        ("America/Toronto", "2024-03-10"),
        ("America/Toronto", "2024-11-03"),
        ("Australia/Lord_Howe", "2024-04-07"),
        ("Australia/Lord_Howe", "2024-10-06"),
    ],
)
def test_utc_conversion_matches_zoneinfo_across_daylight_saving_changes(zone, day):
    from sillage.feedback.importing.validate import Lookups, RowChecker, Settings

    checker = RowChecker(
        Settings(organization_id=1, mapping={}, time_zone=zone),
        Lookups({}, {}, frozenset(), {}),
        [],
    )
    start = datetime.fromisoformat(f"{day} 00:00")
    for minutes in range(0, 24 * 60, 10):
        naive = start + timedelta(minutes=minutes)
        text = naive.isoformat(sep=" ")
        expected = naive.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC).replace(tzinfo=None)
        assert checker._utc_naive(text) == expected, text
        assert checker._utc_naive(text) == expected, text  # the cached hour: the same answer
