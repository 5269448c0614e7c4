"""Article rows: text and metadata in, one ``schema.ARTICLES`` row out.

Pure functions: no Prefect, no network, no files. Every date leaves this module as an
ISO 8601 string in UTC (``2024-03-05T08:30:00+00:00``).
"""
from __future__ import annotations

import re
import time
from collections.abc import Iterable
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime

from transforms import ids
from transforms.schema import ARTICLES

UTF8_BOM = b"\xef\xbb\xbf"

# ---- dates ------------------------------------------------------------------


def _as_utc(value: datetime) -> datetime:
    """Naive datetimes are taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def _parse_date_string(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)  # RFC 822 / 2822, as in RSS and HTTP
    except (TypeError, ValueError, IndexError):
        pass
    raise ValueError(f"unparsable date {text!r}")


def normalize_published_at(value) -> str | None:
    """An ISO 8601 UTC string from an ISO string, an RFC 822 string, a date, a datetime or a
    ``time.struct_time`` (UTC, as feedparser gives). None and blank strings give None; a
    naive datetime is taken to be UTC; a date gives midnight UTC.

    Raises ValueError for a value that is not a date.
    """
    if value is None:
        return None
    if isinstance(value, time.struct_time):
        value = datetime(*value[:6], tzinfo=timezone.utc)
    elif isinstance(value, str):
        if not value.strip():
            return None
        value = _parse_date_string(value.strip())
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    if not isinstance(value, datetime):
        raise ValueError(f"not a date: {value!r}")
    return _as_utc(value).isoformat()


# ---- text files ---------------------------------------------------------------


class EmptyInputError(ValueError):
    """An input with no text at all: nothing to take, rather than something broken."""



def decode_text_file(data: bytes, name: str) -> str:
    """The file's text, decoded as UTF-8 and otherwise exactly as it is (offsets index it).

    A leading UTF-8 byte-order mark is dropped. Raises ValueError naming the file when the
    bytes are not UTF-8, EmptyInputError (a ValueError) when it holds only whitespace.
    """
    skipped = len(UTF8_BOM) if data.startswith(UTF8_BOM) else 0
    try:
        text = data[skipped:].decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[skipped + exc.start]
        raise ValueError(f"{name}: not valid UTF-8 (byte 0x{bad:02x} at offset {skipped + exc.start})") from None
    if not text.strip():
        raise EmptyInputError(f"{name}: empty file")
    return text


def first_line(text: str) -> str | None:
    """The first non-blank line, stripped (a title for files that have none)."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return None


# ---- language -------------------------------------------------------------------

# Frequent function words; words shared by several languages count for each of them.
STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the and of to in is that for it with as was on be by this are from at have has not "
        "but which said were will would their they been an or its who his her we after more".split()
    ),
    "fr": frozenset(
        "le la les des du de et un une est que qui dans pour pas sur au aux avec ce cette il "
        "elle sont ont été par plus mais ses leur nous vous ne se où selon".split()
    ),
    "es": frozenset(
        "el la los las de del y en que un una es por para con se su sus al lo como más pero "
        "ha fue son está este esta también muy sin sobre entre según".split()
    ),
    "pt": frozenset(
        "o os as de do da dos das e em no na nos que um uma é para com não por se mais foi "
        "ao à seu sua como também são pelo pela segundo".split()
    ),
    "de": frozenset(
        "der die das und ist nicht ein eine zu den dem des mit von sich auf für im auch es "
        "sie er wir wird werden hat haben war aus bei nach wie oder aber noch".split()
    ),
    "it": frozenset(
        "il lo la gli le di del della che e è un una per con non sono da nel nella dei delle "
        "anche più ma come al alla ha questo questa essere stato".split()
    ),
    "nl": frozenset(
        "de het een en van in is dat op te met voor niet zijn die aan er ook als bij om maar "
        "door naar worden wordt heeft werd dit nog wel geen hun tot".split()
    ),
}
LANGUAGE_MIN_WORDS = 15  # fewer words than this: too short to tell
LANGUAGE_MIN_HITS = 4
_WORD = re.compile(r"[^\W\d_]+")
_COUNTED_WORD = re.compile(r"\w+(?:['’\-]\w+)*")


def detect_language(text: str) -> str | None:
    """ISO 639-1 code (en, fr, es, de, pt, it, nl) with the most stopword hits, or None when
    the text is too short, has too few hits, or two languages tie."""
    words = _WORD.findall(text.lower())
    if len(words) < LANGUAGE_MIN_WORDS:
        return None
    scores = sorted(
        ((sum(w in stop for w in words), lang) for lang, stop in STOPWORDS.items()),
        key=lambda s: (-s[0], s[1]),
    )
    (best, lang), (second, _) = scores[0], scores[1]
    if best < LANGUAGE_MIN_HITS or best == second:
        return None
    return lang


def word_count(text: str) -> int:
    """Words: runs of letters or digits, joined by apostrophes or hyphens."""
    return len(_COUNTED_WORD.findall(text))


# ---- rows ---------------------------------------------------------------------


def join_authors(authors: str | Iterable[str] | None) -> str | None:
    """Authors as one '; '-separated string (None when there are none)."""
    if authors is None:
        return None
    names = [authors] if isinstance(authors, str) else list(authors)
    names = [str(n).strip() for n in names if n and str(n).strip()]
    return "; ".join(dict.fromkeys(names)) or None


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(str(value).split())
    return value or None


def extraction_state(text: str, language: str | None) -> tuple[str, str | None]:
    """(extraction_status, extraction_note) for an article's text and language."""
    if not text.strip():
        return "skipped_empty", "text is empty"
    if language is not None and language != "en":
        return "skipped_language", f"language {language!r} is not English"
    return "pending", None


def article_from_text(
    text: str,
    *,
    url: str,
    source: str,
    title: str | None = None,
    publisher: str | None = None,
    authors: str | Iterable[str] | None = None,
    published_at=None,
    retrieved_at,
    raw_sha256: str | None = None,
    language_hint: str | None = None,
    redistributable: bool = False,
    licence: str | None = None,
) -> dict:
    """One ARTICLES row. ``text`` is kept exactly as given: every offset points into it.

    ``redistributable`` says whether the source allows its text to be republished (not
    unless it says so); ``licence`` is the source's licence, when stated.

    The language is detected from the text; ``language_hint`` (say, the page's declared
    language) is used only when the text is too short to tell. Dates may be anything
    ``normalize_published_at`` accepts (ValueError otherwise).
    """
    if not url:
        raise ValueError("an article needs a url (an http(s) URL or a file URI)")
    if retrieved_at is None:
        raise ValueError("an article needs retrieved_at")
    text_sha256 = ids.sha256_text(text)
    language = (detect_language(text) or _clean(language_hint)) if text.strip() else None
    status, note = extraction_state(text, language)
    row = {
        "article_id": ids.article_id(url, text_sha256),
        "url": url,
        "source": source,
        "publisher": _clean(publisher),
        "title": _clean(title),
        "authors": join_authors(authors),
        "published_at": normalize_published_at(published_at),
        "retrieved_at": normalize_published_at(retrieved_at),
        "language": language,
        "text": text,
        "text_sha256": text_sha256,
        "raw_sha256": raw_sha256,
        "word_count": word_count(text),
        "duplicate_of": None,
        "extraction_status": status,
        "extraction_note": note,
        "redistributable": bool(redistributable),
        "licence": _clean(licence),
    }
    return {c.name: c.cap(row[c.name]) for c in ARTICLES.columns}
