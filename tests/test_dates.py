"""Unit tests of transforms.language.dates: absolute and relative date expressions (no Prefect)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from transforms.language.dates import coarsen, find_dates, resolve_date
from transforms.schema import DATE_PRECISIONS

# A Wednesday.
PUB = "2026-03-04T10:00:00Z"


@pytest.mark.parametrize("expression, expected", [
    ("March 4, 2026", ("2026-03-04", "day")),
    ("March 4 2026", ("2026-03-04", "day")),
    ("Mar. 4, 2026", ("2026-03-04", "day")),
    ("4 March 2026", ("2026-03-04", "day")),
    ("the 4th of March, 2026", ("2026-03-04", "day")),
    ("Wednesday, March 4, 2026", ("2026-03-04", "day")),
    ("on 4 March 2026", ("2026-03-04", "day")),
    ("2026-03-04", ("2026-03-04", "day")),
    ("March 4-5, 2026", ("2026-03-04", "day")),
    ("March 2026", ("2026-03-01", "month")),
    ("in March 2026", ("2026-03-01", "month")),
    ("2026-03", ("2026-03-01", "month")),
    ("in 2025", ("2025-01-01", "year")),
    ("2025", ("2025-01-01", "year")),
    ("late 2025", ("2025-01-01", "year")),
    ("mid-March 2026", ("2026-03-01", "month")),
    ("the first quarter of 2026", ("2026-01-01", "year")),
    ("13/04/2026", ("2026-04-13", "day")),
])
def test_absolute_dates_need_no_publication_date(expression, expected):
    assert resolve_date(expression, None) == expected
    assert resolve_date(expression, PUB) == expected


@pytest.mark.parametrize("expression, future, expected", [
    ("on Wednesday", False, ("2026-03-04", "day")),       # the publication day itself
    ("on Monday", False, ("2026-03-02", "day")),
    ("Monday", True, ("2026-03-09", "day")),              # "will sign on Monday"
    ("Wednesday", True, ("2026-03-04", "day")),
    ("last Wednesday", False, ("2026-02-25", "day")),
    ("this past Wednesday", False, ("2026-02-25", "day")),
    ("next Wednesday", False, ("2026-03-11", "day")),
    ("Friday night", False, ("2026-02-27", "day")),
    ("Wednesday's", False, ("2026-03-04", "day")),
    ("yesterday", False, ("2026-03-03", "day")),
    ("the day before yesterday", False, ("2026-03-02", "day")),
    ("today", False, ("2026-03-04", "day")),
    ("this morning", False, ("2026-03-04", "day")),
    ("tomorrow", True, ("2026-03-05", "day")),
    ("three days ago", False, ("2026-03-01", "day")),
    ("last month", False, ("2026-02-01", "month")),
    ("next month", False, ("2026-04-01", "month")),
    ("earlier this month", False, ("2026-03-01", "month")),
    ("this year", False, ("2026-01-01", "year")),
    ("last year", False, ("2025-01-01", "year")),
    ("late last year", False, ("2025-01-01", "year")),
    ("next year", False, ("2027-01-01", "year")),
    ("earlier this year", False, ("2026-01-01", "year")),
    ("two months ago", False, ("2026-01-01", "month")),
    ("March 10", False, ("2025-03-10", "day")),           # past: the last March 10 on or before publication
    ("March 10", True, ("2026-03-10", "day")),            # future: the next one
    ("in March", False, ("2026-03-01", "month")),
    ("December", False, ("2025-12-01", "month")),
    ("December", True, ("2026-12-01", "month")),
    ("in May", False, ("2025-05-01", "month")),
])
def test_relative_dates_resolve_against_publication(expression, future, expected):
    assert resolve_date(expression, PUB, future=future) == expected


def test_weeks_give_their_month_or_nothing_never_an_invented_day():
    # Published Wednesday 2026-03-18: last week is 9-15 March, inside one month.
    assert resolve_date("last week", "2026-03-18") == ("2026-03-01", "month")
    assert resolve_date("this week", "2026-03-18") == ("2026-03-01", "month")
    assert resolve_date("next week", "2026-03-18") == ("2026-03-01", "month")
    # Published 2026-03-04: last week is 23 February - 1 March, across two months.
    assert resolve_date("last week", PUB) == (None, None)
    assert resolve_date("over the weekend", PUB) == (None, None)
    assert resolve_date("last weekend", "2026-03-18") == ("2026-03-01", "month")
    # Published on a Monday, "this week" (so far) is that day.
    assert resolve_date("this week", "2026-03-16") == ("2026-03-16", "day")


def test_earlier_this_year_in_january_is_the_month():
    assert resolve_date("earlier this year", "2026-01-20") == ("2026-01-01", "month")


def test_year_rollover():
    assert resolve_date("next month", "2026-12-15") == ("2027-01-01", "month")
    assert resolve_date("last month", "2026-01-15") == ("2025-12-01", "month")
    assert resolve_date("January 3", "2026-12-30", future=True) == ("2027-01-03", "day")
    assert resolve_date("December 30", "2026-01-02") == ("2025-12-30", "day")


@pytest.mark.parametrize("expression", [
    "20 years", "two decades", "the past decade", "decades", "the 1990s", "recently",
    "in recent weeks", "a year", "04/03/2026", "may", "", "the previous day", "2026-02-30",
])
def test_unresolvable_expressions(expression):
    assert resolve_date(expression, PUB) == (None, None)


@pytest.mark.parametrize("expression", ["on Wednesday", "yesterday", "last month", "earlier this year", "March 10", "in March"])
def test_relative_dates_need_the_publication_date(expression):
    assert resolve_date(expression, None) == (None, None)


def test_publication_date_types():
    assert resolve_date("yesterday", datetime(2026, 3, 4, 10, tzinfo=timezone.utc)) == ("2026-03-03", "day")
    assert resolve_date("yesterday", date(2026, 3, 4)) == ("2026-03-03", "day")
    assert resolve_date("yesterday", "2026-03-04") == ("2026-03-03", "day")
    # Relative dates count from the UTC calendar date: 23:30 in UTC-5 is the next day in UTC.
    late = datetime(2026, 3, 4, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert resolve_date("today", late) == ("2026-03-05", "day")
    assert resolve_date("today", "not a date") == (None, None)
    pd = pytest.importorskip("pandas")
    assert resolve_date("yesterday", pd.Timestamp("2026-03-04T10:00Z")) == ("2026-03-03", "day")
    assert resolve_date("yesterday", pd.NaT) == (None, None)


def test_precisions_are_schema_values():
    for expression in ("March 4, 2026", "March 2026", "2026", "last month", "yesterday"):
        _, precision = resolve_date(expression, PUB)
        assert precision in DATE_PRECISIONS


def test_coarsen():
    assert coarsen(date(2026, 3, 2), date(2026, 3, 2)) == ("2026-03-02", "day")
    assert coarsen(date(2026, 3, 2), date(2026, 3, 8)) == ("2026-03-01", "month")
    assert coarsen(date(2026, 2, 23), date(2026, 3, 1)) == ("2026-01-01", "year")
    assert coarsen(date(2026, 2, 23), date(2026, 3, 1), coarsest="month") == (None, None)
    assert coarsen(date(2025, 12, 29), date(2026, 1, 4)) == (None, None)


def test_find_dates_offsets_are_exact(nlp):
    text = ("Veldonia signed the accord with Marhaven on Wednesday, officials said. "
            "The two sides had agreed on the text on 2026-02-20 and first met last Friday. "
            "The deal runs for 20 years.")
    doc = nlp(text)
    rows = find_dates(doc)
    assert rows, "expected date expressions"
    for row in rows:
        assert row["text"] == text[row["start"]:row["end"]]
    texts = [r["text"] for r in rows]
    assert "Wednesday" in texts
    assert "2026-02-20" in texts
    assert "last Friday" in texts
    resolved = {r["text"]: resolve_date(r["text"], PUB) for r in rows}
    assert resolved["Wednesday"] == ("2026-03-04", "day")
    assert resolved["2026-02-20"] == ("2026-02-20", "day")
    assert resolved["last Friday"] == ("2026-02-27", "day")


def test_shift_date_keeps_no_finer_precision_than_the_distance():
    from transforms.language.dates import shift_date
    assert shift_date("2026-03-18", "day", -1, "month") == ("2026-02-01", "month")
    assert shift_date("2026-01-10", "day", -2, "months") == ("2025-11-01", "month")
    assert shift_date("2026-03-18", "day", -2, "weeks") == ("2026-03-04", "day")
    assert shift_date("2026-03-01", "month", -3, "days") == ("2026-02-01", "month")
    assert shift_date("2026-03-18", "day", 1, "year") == ("2027-01-01", "year")
    assert shift_date(None, None, -1, "month") == (None, None)
    assert shift_date("2026-03-18", "day", -1, "fortnight") == (None, None)
