"""Dates in news text: absolute and relative expressions resolved to (ISO date, precision).

``resolve_date(expression, published_at, future=False)`` returns ``(iso_date, precision)``
with precision one of ``schema.DATE_PRECISIONS`` ("day", "month", "year"), or
``(None, None)`` when the expression is not a point in time we can place (durations such
as "20 years", vague ones such as "recently" or "in recent weeks", decades, or any relative
expression when the publication date is unknown).

Conventions (documented because consumers need them):

* An ISO date is always ``YYYY-MM-DD``. A month-precision date is the first day of the
  month ("March 2026" -> ``2026-03-01``, "month"); a year-precision date is January 1st
  ("in 2025" -> ``2025-01-01``, "year").
* Relative expressions are resolved against the *UTC calendar date* of ``published_at``
  (tz-aware datetimes are converted to UTC first; naive ones are taken as UTC).
* Weekdays: "on Wednesday" is the most recent Wednesday on or before publication; with
  ``future=True`` (the caller saw "will", "is expected to", ...) the next Wednesday on or
  after publication. "last Wednesday" / "this past Wednesday" is strictly before,
  "next Wednesday" / "this coming Wednesday" strictly after.
* Dates without a year ("March 4", "in March") take the most recent such date or month on
  or before publication, or with ``future=True`` the next one on or after it.
* Expressions that cover a stretch of days ("last week", "over the weekend", "earlier this
  year", "the first quarter of 2026") are turned into their interval and reported at the
  *finest precision that contains the whole interval*. "last week" is the previous
  Monday-Sunday week: it gives its month (``2026-03-01``, "month") when the week lies in one
  month, and None when it straddles two months (a year-precision date for "last week" would
  be true but useless, and would sort to January 1st; with None the caller falls back to the
  publication date, which is a better proxy). We never invent a day ("the Monday of last
  week", "day") that the text does not state; the schema has no "week" precision. The same
  holds for "this/next week", "(over) the weekend", "N weeks ago". "earlier this year" gives
  the year (or the month, when published in January); quarters, halves and seasons give
  their year.
* Ranges of days ("March 4-5, 2026") give their first day. "early/mid/late March" and
  "the end of March" give the month.
* Numeric dates other than ISO ("04/03/2026") are only resolved when unambiguous (one part
  above 12); dd/mm versus mm/dd is otherwise not guessed.
"""
from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta, timezone

from transforms.schema import DATE_PRECISIONS

PRECISIONS = DATE_PRECISIONS  # ("day", "month", "year")

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "a few": None,
    "several": None,
}

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:" + "|".join(WEEKDAYS) + r")"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_DAY2 = r"(?:\s*(?:-|–|—|to|and)\s*\d{1,2}(?:st|nd|rd|th)?)?"  # second day of a range, ignored
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_PART_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night))"

# Words around the date that do not change it.
_LEADING = re.compile(
    r"^(?:(?:on|in|at|during|since|from|as of|as early as|as recently as|of|the|"
    r"over|around|about|some time|sometime|until|till)\s+)+"
)
_TRAILING = re.compile(r"(?:'s|’s|[\s,.;:!?)\]]+)+$")
_SPACES = re.compile(r"\s+")
_PARTIAL = re.compile(
    r"^(?:early|earlier in|mid|mid-|middle of|late|later in|the end of|end of|the beginning of|"
    r"beginning of|the start of|start of|the middle of|the first half of|the second half of|"
    r"the first days of|the last days of)[\s-]+"
)

_ISO_PREFIX = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_CAPITAL_MAY = re.compile(r"\bMay\b")
_ISO_DAY = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?:[t ][\d:.+z-]*)?")
_ISO_MONTH = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})")
_NUMERIC = re.compile(r"(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<year>\d{4})")
_YMD_SLASH = re.compile(r"(?P<year>\d{4})/(?P<month>\d{1,2})/(?P<day>\d{1,2})")
_MDY = re.compile(rf"(?:{_WEEKDAY},?\s+)?{_MONTH}\s+{_DAY}{_DAY2},?\s+{_YEAR}")
_DMY = re.compile(rf"(?:{_WEEKDAY},?\s+)?(?:the\s+)?{_DAY}{_DAY2}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}")
_MD = re.compile(rf"(?:{_WEEKDAY},?\s+)?{_MONTH}\s+{_DAY}{_DAY2}")
_DM = re.compile(rf"(?:{_WEEKDAY},?\s+)?(?:the\s+)?{_DAY}{_DAY2}\s+(?:of\s+)?{_MONTH}")
_MY = re.compile(rf"{_MONTH},?\s+(?:of\s+)?{_YEAR}")
_M = re.compile(rf"(?P<rel>last|next|this|this coming|this past)?\s*{_MONTH}")
_Y = re.compile(rf"(?:the\s+)?(?:year\s+)?{_YEAR}")
_QUARTER = re.compile(
    r"(?:the\s+)?(?:(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter|q(?P<q>[1-4]))"
    r"(?:\s+of)?(?:\s+(?:" + _YEAR + r"|(?P<rel>this|last|next)\s+year))?"
)
_HALF = re.compile(r"(?:the\s+)?(?P<ord>first|second)\s+half(?:\s+of)?\s+" + _YEAR)
_SEASON = re.compile(r"(?P<season>spring|summer|autumn|fall)(?:\s+of)?\s+(?:" + _YEAR + r"|(?P<rel>this)\s+year)")
_SEASON_THIS = re.compile(r"this\s+(?P<season>spring|summer|autumn|fall)")
_WEEKDAY_EXPR = re.compile(
    rf"(?P<rel>last|next|this|this coming|this past|coming|past)?\s*"
    rf"(?P<weekday>{_WEEKDAY}){_PART_OF_DAY}?"
)
_AGO = re.compile(
    r"(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a couple of)\s+"
    r"(?P<unit>day|week|month|year)s?\s+ago"
)
_RELATIVE_DAY = {
    "today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0,
    "earlier today": 0, "later today": 0, "yesterday": -1, "yesterday morning": -1,
    "yesterday afternoon": -1, "yesterday evening": -1, "last night": -1,
    "day before yesterday": -2, "tomorrow": 1, "tomorrow morning": 1, "tomorrow evening": 1,
    "day after tomorrow": 2,
}
_RELATIVE_PERIOD = re.compile(
    r"(?P<rel>last|this|next|earlier this|later this|the past|the previous|the coming|"
    r"the current|past|coming|previous|current)\s+(?P<unit>week|weekend|month|year)"
)


def _as_date(published_at) -> date | None:
    """The UTC calendar date of the publication time (str, datetime, date or None)."""
    if published_at is None:
        return None
    if isinstance(published_at, datetime):
        try:
            if published_at.tzinfo is not None:
                published_at = published_at.astimezone(timezone.utc)
            value = published_at.date()
        except (ValueError, OverflowError):
            return None
        return value if type(value) is date else None  # pandas.NaT is a datetime too
    if isinstance(published_at, date):
        return published_at
    if isinstance(published_at, str):
        text = published_at.strip()
        if not text:
            return None
        try:
            return _as_date(datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00")))
        except ValueError:
            match = _ISO_PREFIX.match(text)
            if match:
                return _safe_date(*(int(g) for g in match.groups()))
            return None
    # pandas.Timestamp is a datetime; anything else with a .date() (e.g. numpy) is tried.
    to_date = getattr(published_at, "date", None)
    if callable(to_date):
        try:
            return _as_date(to_date())
        except Exception:  # pragma: no cover - exotic types
            return None
    return None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _day(d: date | None):
    return (d.isoformat(), "day") if d else (None, None)


def _month(year: int, month: int):
    if not 1 <= month <= 12:
        return None, None
    return date(year, month, 1).isoformat(), "month"


def _year(year: int):
    return date(year, 1, 1).isoformat(), "year"


def coarsen(first: date, last: date, coarsest: str = "year") -> tuple[str | None, str | None]:
    """The finest precision that contains the whole interval [first, last], but no coarser
    than ``coarsest`` (beyond it: (None, None))."""
    if first > last:
        first, last = last, first
    if first == last:
        return first.isoformat(), "day"
    if (first.year, first.month) == (last.year, last.month):
        return _month(first.year, first.month)
    if first.year == last.year and coarsest == "year":
        return _year(first.year)
    return None, None


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _normalise(expression: str) -> str:
    text = expression.strip().lower()
    text = text.replace("’", "'").replace("\u00a0", " ")
    text = _SPACES.sub(" ", text)
    text = _TRAILING.sub("", text)
    text = _LEADING.sub("", text)
    return text.strip()


def _weekday(pub: date, weekday: int, rel: str | None, future: bool) -> date:
    rel = (rel or "").strip()
    back = (pub.weekday() - weekday) % 7  # days back to the most recent such weekday (0 = today)
    ahead = (weekday - pub.weekday()) % 7
    if rel in ("last", "this past", "past"):
        return pub - timedelta(days=back or 7)
    if rel in ("next", "this coming", "coming"):
        return pub + timedelta(days=ahead or 7)
    if future:
        return pub + timedelta(days=ahead)
    return pub - timedelta(days=back)


def _month_without_year(pub: date, month: int, rel: str | None, future: bool) -> int:
    """The year of the month named without one."""
    rel = (rel or "").strip()
    if rel in ("last", "this past"):
        return pub.year if month < pub.month else pub.year - 1
    if rel in ("next", "this coming"):
        return pub.year if month > pub.month else pub.year + 1
    if rel == "this":
        return pub.year
    if future:
        return pub.year if month >= pub.month else pub.year + 1
    return pub.year if month <= pub.month else pub.year - 1


def _day_without_year(pub: date, month: int, day: int, future: bool) -> date | None:
    candidates = [d for d in (_safe_date(y, month, day) for y in (pub.year - 1, pub.year, pub.year + 1)) if d]
    if not candidates:
        return None
    if future:
        after = [d for d in candidates if d >= pub]
        return min(after) if after else None
    before = [d for d in candidates if d <= pub]
    return max(before) if before else None


def _week_interval(pub: date, rel: str, future: bool) -> tuple[date, date] | None:
    monday = pub - timedelta(days=pub.weekday())
    sunday = monday + timedelta(days=6)
    if rel in ("last", "the previous", "previous"):
        return monday - timedelta(days=7), monday - timedelta(days=1)
    if rel in ("next", "the coming", "coming"):
        return monday + timedelta(days=7), sunday + timedelta(days=7)
    if rel in ("the past", "past"):
        return pub - timedelta(days=7), pub
    if rel == "earlier this":
        return monday, pub
    if rel == "later this":
        return pub, sunday
    # "this week", "the current week"
    return (pub, sunday) if future else (monday, pub)


def _weekend_interval(pub: date, rel: str, future: bool) -> tuple[date, date]:
    """Saturday-Sunday: the most recent weekend that has begun by publication, or with
    ``future``/"next"/"coming" the next one that has not begun."""
    if rel in ("next", "the coming", "coming") or (future and rel not in ("last", "the past", "past", "the previous", "previous")):
        saturday = pub + timedelta(days=(5 - pub.weekday()) % 7 or 7)
        return saturday, saturday + timedelta(days=1)
    saturday = pub - timedelta(days=(pub.weekday() - 5) % 7)
    if rel in ("last", "the previous", "previous") and pub - saturday <= timedelta(days=1):
        saturday -= timedelta(days=7)  # "last weekend", said during a weekend: the one before
    return saturday, min(saturday + timedelta(days=1), max(pub, saturday))


def _relative_period(pub: date, rel: str, unit: str, future: bool):
    if unit == "week":
        interval = _week_interval(pub, rel, future)
        return coarsen(*interval, coarsest="month") if interval else (None, None)
    if unit == "weekend":
        return coarsen(*_weekend_interval(pub, rel, future), coarsest="month")
    if unit == "month":
        if rel in ("last", "the previous", "previous", "the past", "past"):
            return _month(*_add_months(pub.year, pub.month, -1))
        if rel in ("next", "the coming", "coming"):
            return _month(*_add_months(pub.year, pub.month, 1))
        if rel == "earlier this":
            return coarsen(date(pub.year, pub.month, 1), pub)
        if rel == "later this":
            return coarsen(pub, _month_end(pub.year, pub.month))
        return _month(pub.year, pub.month)
    if unit == "year":
        if rel in ("last", "the previous", "previous", "the past", "past"):
            return _year(pub.year - 1)
        if rel in ("next", "the coming", "coming"):
            return _year(pub.year + 1)
        if rel == "earlier this":
            return coarsen(date(pub.year, 1, 1), pub)
        if rel == "later this":
            return coarsen(pub, date(pub.year, 12, 31))
        return _year(pub.year)
    return None, None


def _count(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)


def resolve_date(expression: str, published_at=None, future: bool = False) -> tuple[str | None, str | None]:
    """(ISO date, precision) of a date expression, or (None, None).

    ``published_at``: the article's publication time (ISO string, datetime, date or None);
    needed for relative expressions and for dates written without a year.
    ``future``: the expression is in a clause about the future ("will sign on Wednesday"),
    so weekdays and yearless dates are looked for on or after the publication date.
    """
    if not expression:
        return None, None
    text = _normalise(expression)
    if not text:
        return None, None
    pub = _as_date(published_at)

    # Partial periods keep the precision of what they qualify: "late March" -> March.
    partial = _PARTIAL.match(text)
    if partial:
        rest = text[partial.end():]
        if rest in ("the week", "the month", "the year"):
            rest = "this " + rest[4:]
        return resolve_date(rest, published_at, future)
    found = _absolute_date(text, pub)
    if found is not None:
        return found
    # Everything below needs the publication date.
    if pub is None:
        return None, None
    found = _date_from_publication(text, expression, pub, future)
    return found if found is not None else (None, None)


def _numeric_date(match) -> tuple[str | None, str | None]:
    """12/03/2026 or 03/12/2026: a day only when the order is clear (or both read the same)."""
    a, b, year = int(match["a"]), int(match["b"]), int(match["year"])
    if a > 12 and b <= 12:
        return _day(_safe_date(year, b, a))
    if b > 12 and a <= 12:
        return _day(_safe_date(year, a, b))
    if a == b:
        return _day(_safe_date(year, a, b))
    return None, None


def _absolute_date(text: str, pub: date | None) -> tuple[str | None, str | None] | None:
    """A date written with its year (or a season or quarter of the publication's year); None when
    ``text`` is no such expression."""
    for pattern in (_ISO_DAY, _YMD_SLASH):
        match = pattern.fullmatch(text)
        if match:
            return _day(_safe_date(int(match["year"]), int(match["month"]), int(match["day"])))
    match = _ISO_MONTH.fullmatch(text)
    if match:
        return _month(int(match["year"]), int(match["month"]))
    match = _NUMERIC.fullmatch(text)
    if match:
        return _numeric_date(match)
    for pattern in (_MDY, _DMY):
        match = pattern.fullmatch(text)
        if match:
            return _day(_safe_date(int(match["year"]), MONTHS[match["month"]], int(match["day"])))
    match = _MY.fullmatch(text)
    if match:
        return _month(int(match["year"]), MONTHS[match["month"]])
    match = _Y.fullmatch(text) or _HALF.fullmatch(text)
    if match:
        return _year(int(match["year"]))
    match = _SEASON.fullmatch(text)
    if match:
        if match["year"]:
            return _year(int(match["year"]))
        return _year(pub.year) if pub else (None, None)
    match = _QUARTER.fullmatch(text)
    if match:
        if match["year"]:
            return _year(int(match["year"]))
        if pub is None:
            return None, None
        offset = {"last": -1, "next": 1}.get(match["rel"] or "", 0)
        return _year(pub.year + offset)
    return None


def _ago(pub: date, n: int, unit: str) -> tuple[str | None, str | None]:
    """"three weeks ago" and the like, counted back from the publication date."""
    if unit == "day":
        return _day(pub - timedelta(days=n))
    if unit == "week":
        then = pub - timedelta(days=7 * n)
        monday = then - timedelta(days=then.weekday())
        return coarsen(monday, monday + timedelta(days=6), coarsest="month")
    if unit == "month":
        return _month(*_add_months(pub.year, pub.month, -n))
    return _year(pub.year - n)


def _date_from_publication(text: str, expression: str, pub: date,
                           future: bool) -> tuple[str | None, str | None] | None:
    """A date that needs the publication date: yearless days and months, weekdays, "ago",
    "last week"; None when ``text`` is no such expression."""
    if text in _RELATIVE_DAY:
        return _day(pub + timedelta(days=_RELATIVE_DAY[text]))
    if _SEASON_THIS.fullmatch(text):
        return _year(pub.year)
    for pattern in (_MD, _DM):
        match = pattern.fullmatch(text)
        if match:
            return _day(_day_without_year(pub, MONTHS[match["month"]], int(match["day"]), future))
    match = _M.fullmatch(text)
    if match:
        month = MONTHS[match["month"]]
        if match["month"] == "may" and not _CAPITAL_MAY.search(expression):
            return None, None  # the modal verb "may", not the month
        return _month(_month_without_year(pub, month, match["rel"], future), month)
    match = _WEEKDAY_EXPR.fullmatch(text)
    if match:
        return _day(_weekday(pub, WEEKDAYS[match["weekday"]], match["rel"], future))
    match = _AGO.fullmatch(text)
    if match:
        n = _count(match["n"])
        return (None, None) if n is None else _ago(pub, n, match["unit"])
    match = _RELATIVE_PERIOD.fullmatch(text)
    if match:
        return _relative_period(pub, match["rel"], match["unit"], future)
    if text in ("the weekend", "weekend"):
        return coarsen(*_weekend_interval(pub, "", future), coarsest="month")
    return None


# --- spaCy helpers --------------------------------------------------------------------------

_TIME_WORDS = re.compile(
    r"\b(?:today|tonight|yesterday|tomorrow|morning|afternoon|evening|night|"
    + "|".join(WEEKDAYS) + r")\b",
    re.IGNORECASE,
)
# Date expressions the model may miss or tag badly; looked for outside its DATE entities.
_MONTH_WORD = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
_DATE_IN_TEXT = re.compile(
    r"\b(?:"
    r"(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
    rf"|(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)?{_MONTH_WORD}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+(?:19|20)\d{{2}})?"
    rf"|(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_WORD}(?:,?\s+(?:19|20)\d{{2}})?"
    rf"|{_MONTH_WORD}\s+(?:19|20)\d{{2}}"
    r"|(?:(?:last|next|this|this coming|this past)\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    r"|(?:the\s+day\s+before\s+)?yesterday|today|tomorrow"
    r"|(?:earlier|later)\s+this\s+(?:week|month|year)|(?:last|next|this)\s+(?:week|weekend|month|year)"
    r")\b"
)
# A reference date that lets us test whether an expression can be resolved at all.
_PROBE = date(2001, 7, 4)


def _resolvable_prefix(text: str) -> str | None:
    """The longest leading part of an entity text (cut at commas and line breaks) that
    resolves: "Wednesday, ending four months" -> "Wednesday"."""
    head = text.split("\n", 1)[0]
    parts = head.split(",")
    for n in range(len(parts), 0, -1):
        candidate = ",".join(parts[:n]).rstrip()
        if candidate and resolve_date(candidate, _PROBE)[0]:
            return candidate
    return None


def find_dates(doc) -> list[dict]:
    """Date expressions in a parsed document: spaCy DATE entities, TIME entities that name a
    day ("Wednesday night", "this morning") and expressions the model missed (ISO dates,
    weekdays, "March 4", "last month", ...).

    Each row: start, end (character offsets into doc.text), text (== doc.text[start:end]),
    label. An entity is cut to its leading part that can be resolved ("Wednesday, ending
    four months" -> "Wednesday"); unresolvable ones (durations such as "20 years") are kept
    whole. Resolution is left to the caller (``resolve_date``), which knows the publication
    date and the clause's tense.
    """
    rows: list[dict] = []
    taken: list[tuple[int, int]] = []
    text = doc.text
    for ent in doc.ents:
        if ent.label_ == "DATE" or (ent.label_ == "TIME" and _TIME_WORDS.search(ent.text)):
            start, end = ent.start_char, ent.end_char
            raw = text[start:end]
            prefix = _resolvable_prefix(raw)
            if prefix:
                end = start + len(prefix)
            else:
                trimmed = _TRAILING.sub("", raw.split("\n", 1)[0])
                if trimmed:
                    end = start + len(trimmed)
            rows.append({"start": start, "end": end, "text": text[start:end], "label": ent.label_})
            taken.append((ent.start_char, ent.end_char))
    for match in _DATE_IN_TEXT.finditer(text):
        start, end = match.span()
        if any(s < end and start < e for s, e in taken):
            continue
        rows.append({"start": start, "end": end, "text": text[start:end], "label": "DATE"})
        taken.append((start, end))
    rows.sort(key=lambda r: r["start"])
    return rows


def shift_date(iso: str | None, precision: str | None, count: int, unit: str) -> tuple[str | None, str | None]:
    """The date ``count`` ``unit``s (day, week, month, year; negative: earlier) from an ISO
    date of the given precision: "a month after they refused" told of an event on
    2026-03-18 dates the refusal 2026-02 (month precision). The result is never finer than
    the distance (a month away is known to the month; a year away, to the year) nor than
    the anchor. (None, None) when the anchor or the unit is unknown."""
    if not iso or precision not in PRECISIONS:
        return None, None
    try:
        anchor = date.fromisoformat(iso[:10])
    except ValueError:
        return None, None
    unit = unit.lower().rstrip("s")
    if unit in ("day", "week"):
        days = count * (7 if unit == "week" else 1)
        shifted = date.fromordinal(anchor.toordinal() + days)
        if precision == "day":
            return shifted.isoformat(), "day"
        if precision == "year":
            return _year(shifted.year)
        return _month(shifted.year, shifted.month)
    if unit == "month":
        year, month = _add_months(anchor.year, anchor.month, count)
        return _year(year) if precision == "year" else _month(year, month)
    if unit == "year":
        return _year(anchor.year + count)
    return None, None
