"""Every release table: its columns, types, descriptions, enums and keys.

This module is the single source that drives the Parquet schema (and its column
descriptions), ``datapackage.json``, the data card's column tables, and the test
that checks every enum has its value-set expectation in ``expectations/``.

Types are Frictionless Table Schema types: ``string``, ``integer``, ``number``,
``boolean``, ``datetime`` (UTC) and ``date``.

``SCHEMA_VERSION`` is Semantic Versioning of the published tables, written into every
release's ``datapackage.json`` (``schema_version``) and data card. Bump it with the change:

- major (2.0.0): a column or table is renamed, retyped or removed, a key changes, or a
  column's meaning changes; readers of the old schema break.
- minor (1.1.0): a table or column is added (new columns go at the end of their table), or
  an enum gains a value; readers that select columns by name keep working.
- patch (1.0.1): descriptions, documentation or expectations only; the data's shape is the same.

History: 1.0.0 first release; 1.1.0 adds ``articles.redistributable`` and ``articles.licence``;
1.2.0 adds ``quotes.speaker_start`` and ``quotes.speaker_end`` (the speaker as written); 1.3.0 adds
the ``extraction_status`` values ``skipped_too_long`` and ``failed``, caps on free-text columns (with their
expectations), file inputs named ``<source folder>:<path>`` and the evidence budget of withheld articles.
"""
from __future__ import annotations

from dataclasses import dataclass, field

SCHEMA_VERSION = "1.3.0"
# Caps of free-text columns that are not evidence (titles, publishers, notes, reasons).
SHORT_TEXT_CHARS = 300
NOTE_TEXT_CHARS = 500


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    nullable: bool = False
    enum: tuple[str, ...] | None = None
    # Emptied in the public release when the source is not redistributable (the store keeps it).
    withheld: bool = False
    # Free text that is not evidence is cut to this many characters (with "…"), before validation.
    max_chars: int | None = None

    def cap(self, value):
        """The value as the column holds it: free text over ``max_chars`` cut, its last character "…"."""
        if self.max_chars and isinstance(value, str) and len(value) > self.max_chars:
            return value[: self.max_chars - 1] + "…"
        return value


@dataclass(frozen=True)
class ForeignKey:
    column: str
    table: str
    parent_column: str


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    # The column that must equal articles.text[start:end] (None: no evidence check).
    evidence_column: str | None = None
    min_rows: int = 0
    max_rows: int | None = None
    extra: dict = field(default_factory=dict)
    # Columns searched by full text in the release's SQLite database (data/dealwire.sqlite).
    full_text: tuple[str, ...] = ()
    # The column that names a row where another table links to it (Datasette's label column).
    label_column: str | None = None

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")


ACTOR_TYPES = ("person", "organization", "country", "anonymous", "group")
QUOTE_KINDS = ("direct", "indirect", "mixed")
DEAL_TYPES = (
    "agreement", "memorandum", "contract", "concession", "treaty", "loan",
    "purchase", "supply", "joint_venture", "investment_fund", "other",
)
SECTORS = ("minerals", "energy", "oil_gas", "arms", "infrastructure", "trade", "finance", "other")
DEAL_STATUSES = (
    "proposed", "negotiating", "agreed", "signed", "rejected", "stalled",
    "cancelled", "ratified", "implemented",
)
PARTY_ROLES = ("party", "proposer", "counterparty", "signatory", "guarantor", "beneficiary", "mediator")
ATTRIBUTES = ("resource", "value", "share", "consideration", "condition", "location", "duration", "other")
POLARITIES = ("stated", "absent", "demanded")
DATE_PRECISIONS = ("day", "month", "year")
EXTRACTION_STATUSES = ("extracted", "skipped_language", "skipped_empty", "skipped_too_long", "failed", "pending")
FETCH_OUTCOMES = ("ok", "error", "skipped", "unchanged")


def _ev(prefix: str = "") -> tuple[Column, ...]:
    """Provenance columns shared by every evidence-bearing table."""
    return (
        Column("article_id", "string", f"{prefix}Article the evidence comes from (articles.article_id)."),
        Column("start", "integer", "Start character offset of the evidence in articles.text."),
        Column("end", "integer", "End character offset (exclusive): articles.text[start:end] is the evidence."),
    )


EXTRACTOR = Column("extractor_version", "string", "Version of the extractor that produced the row.")

ARTICLES = Table(
    name="articles",
    description="One row per ingested article: its text, metadata and where it came from.",
    columns=(
        Column("article_id", "string", "Deterministic ID: hash of the canonical URL, or of the text when there is no URL."),
        Column("url", "string", "Canonical http(s) URL of the article, or a file URI for local files without one."),
        Column("source", "string", "The input the article was read from (folder, URL list or feed)."),
        Column("publisher", "string", "Publisher or site name.", nullable=True, max_chars=SHORT_TEXT_CHARS),
        Column("title", "string", "Headline: from the page or the metadata; a plain-text file of a source that is "
               "not redistributable has none.", nullable=True, max_chars=SHORT_TEXT_CHARS),
        Column("authors", "string", "Authors, separated by '; '.", nullable=True, max_chars=NOTE_TEXT_CHARS),
        Column("published_at", "datetime", "Publication time in UTC, when known.", nullable=True),
        Column("retrieved_at", "datetime", "When the article was fetched or read, UTC."),
        Column("language", "string", "ISO 639-1 language code of the text, when detected.", nullable=True),
        Column("text", "string", "Main text of the article; every offset in the dataset points into it. Empty in the public release when the source is not redistributable.", withheld=True),
        Column("text_sha256", "string", "SHA-256 of the UTF-8 text."),
        Column("raw_sha256", "string", "SHA-256 of the raw input snapshot kept in the store.", nullable=True),
        Column("word_count", "integer", "Number of words in the text."),
        Column("duplicate_of", "string", "article_id of the article this one duplicates.", nullable=True),
        Column("extraction_status", "string", "Whether the article was extracted, or why not: skipped (language, "
                                             "empty, too long) or failed (its extraction raised).", enum=EXTRACTION_STATUSES),
        Column("extraction_note", "string", "Why an article was not extracted: why it was skipped, or the error "
                                           "its extraction raised (class and message).", nullable=True,
               max_chars=NOTE_TEXT_CHARS),
        Column("redistributable", "boolean", "Whether the source allows its text to be republished (a folder's "
               "source.json, or the --redistributable option for URLs and feeds; false when not stated). When "
               "false, text is empty in the public release; text_sha256, url and every offset are kept."),
        Column("licence", "string", "Licence of the source's text, as its source.json states it.", nullable=True),
    ),
    primary_key=("article_id",),
    min_rows=1,
    label_column="title",
)

ACTORS = Table(
    name="actors",
    description="One row per resolved real-world actor: people, organisations, countries, anonymous sources, groups.",
    columns=(
        Column("actor_id", "string", "Deterministic ID: hash of the actor type and resolved key."),
        Column("name", "string", "Canonical name (for anonymous sources, the descriptor)."),
        Column("actor_type", "string", "Kind of actor.", enum=ACTOR_TYPES),
        Column("country_code", "string", "ISO 3166-1 alpha-2 code of the country (for countries) or affiliation.", nullable=True),
        Column("title", "string", "Most frequent role or title seen with the actor.", nullable=True),
        Column("mention_count", "integer", "Number of mentions across all articles."),
        Column("article_count", "integer", "Number of articles that mention the actor."),
    ),
    primary_key=("actor_id",),
    label_column="name",
)

ACTOR_ALIASES = Table(
    name="actor_aliases",
    description="Every surface form seen for an actor.",
    columns=(
        Column("actor_id", "string", "The actor (actors.actor_id)."),
        Column("alias", "string", "A surface form as written in an article."),
        Column("mention_count", "integer", "Number of mentions written this way."),
    ),
    primary_key=("actor_id", "alias"),
    foreign_keys=(ForeignKey("actor_id", "actors", "actor_id"),),
)

ACTOR_MENTIONS = Table(
    name="actor_mentions",
    description="Each place an actor is mentioned, with its evidence span.",
    columns=(
        Column("mention_id", "string", "Deterministic ID: hash of article_id and span."),
        *_ev(),
        Column("actor_id", "string", "The actor mentioned (actors.actor_id)."),
        Column("text", "string", "The mention as written: articles.text[start:end]."),
        Column("title", "string", "Role or title attached to the actor in this mention.", nullable=True),
        EXTRACTOR,
    ),
    primary_key=("mention_id",),
    foreign_keys=(
        ForeignKey("article_id", "articles", "article_id"),
        ForeignKey("actor_id", "actors", "actor_id"),
    ),
    evidence_column="text",
    label_column="text",
)

DEALS = Table(
    name="deals",
    description="One row per deal followed across articles.",
    columns=(
        Column("deal_id", "string", "Deterministic ID: hash of the deal's resolved key (type, sector, parties)."),
        Column("name", "string", "Descriptive name built from parties, resource and type."),
        Column("deal_type", "string", "Kind of deal.", enum=DEAL_TYPES),
        Column("sector", "string", "Sector of the deal.", enum=SECTORS),
        Column("status", "string", "Latest status, by event date then publication date.", nullable=True, enum=DEAL_STATUSES),
        Column("status_date", "date", "Date of the latest status event, when known.", nullable=True),
        Column("first_reported_at", "datetime", "Earliest publication time of an article mentioning the deal.", nullable=True),
        Column("last_reported_at", "datetime", "Latest publication time of an article mentioning the deal.", nullable=True),
        Column("article_count", "integer", "Number of articles that mention the deal."),
    ),
    primary_key=("deal_id",),
    full_text=("name",),
    label_column="name",
)

DEAL_MENTIONS = Table(
    name="deal_mentions",
    description="Each place a deal is mentioned, with its evidence span.",
    columns=(
        Column("deal_mention_id", "string", "Deterministic ID: hash of article_id and span."),
        Column("deal_id", "string", "The deal (deals.deal_id)."),
        *_ev(),
        Column("text", "string", "The mention as written: articles.text[start:end]."),
        EXTRACTOR,
    ),
    primary_key=("deal_mention_id",),
    foreign_keys=(
        ForeignKey("article_id", "articles", "article_id"),
        ForeignKey("deal_id", "deals", "deal_id"),
    ),
    evidence_column="text",
)

DEAL_PARTIES = Table(
    name="deal_parties",
    description="Who takes part in a deal, and in which role.",
    columns=(
        Column("deal_id", "string", "The deal (deals.deal_id)."),
        Column("actor_id", "string", "The party (actors.actor_id)."),
        Column("role", "string", "Role of the actor in the deal.", enum=PARTY_ROLES),
        Column("article_count", "integer", "Number of articles that state this role."),
    ),
    primary_key=("deal_id", "actor_id", "role"),
    foreign_keys=(
        ForeignKey("deal_id", "deals", "deal_id"),
        ForeignKey("actor_id", "actors", "actor_id"),
    ),
)

DEAL_ATTRIBUTES = Table(
    name="deal_attributes",
    description="Terms of a deal as stated in an article: resources, values, shares, conditions and more.",
    columns=(
        Column("attribute_id", "string", "Deterministic ID: hash of article_id, attribute and span."),
        Column("deal_id", "string", "The deal (deals.deal_id)."),
        *_ev(),
        Column("attribute", "string", "Which term this is.", enum=ATTRIBUTES),
        Column("value", "string", "The term as written: articles.text[start:end]."),
        Column("normalized", "string", "Normalised value (resource name, amount in units, percentage), when known.", nullable=True),
        Column("unit", "string", "Unit of the normalised value (ISO 4217 currency, 'percent', 'years').", nullable=True),
        Column("polarity", "string", "Stated, said to be absent, or demanded by a party.", enum=POLARITIES),
        EXTRACTOR,
    ),
    primary_key=("attribute_id",),
    foreign_keys=(
        ForeignKey("article_id", "articles", "article_id"),
        ForeignKey("deal_id", "deals", "deal_id"),
    ),
    evidence_column="value",
)

DEAL_EVENTS = Table(
    name="deal_events",
    description="Status changes of a deal: who did what, when, with its evidence.",
    columns=(
        Column("event_id", "string", "Deterministic ID: hash of article_id, status and span."),
        Column("deal_id", "string", "The deal (deals.deal_id)."),
        *_ev(),
        Column("status", "string", "Status the event puts the deal in.", enum=DEAL_STATUSES),
        Column("event_date", "date", "When the event happened, resolved against the publication date.", nullable=True),
        Column("event_date_precision", "string", "Precision of event_date.", nullable=True, enum=DATE_PRECISIONS),
        Column("actor_id", "string", "The actor who acted, when stated (actors.actor_id).", nullable=True),
        Column("text", "string", "The evidence: articles.text[start:end]."),
        EXTRACTOR,
    ),
    primary_key=("event_id",),
    foreign_keys=(
        ForeignKey("article_id", "articles", "article_id"),
        ForeignKey("deal_id", "deals", "deal_id"),
        ForeignKey("actor_id", "actors", "actor_id"),
    ),
    evidence_column="text",
)

QUOTES = Table(
    name="quotes",
    description="Who said what: direct, indirect and mixed quotes with their speakers and cues.",
    columns=(
        Column("quote_id", "string", "Deterministic ID: hash of article_id and span."),
        *_ev(),
        Column("text", "string", "The quoted or reported content: articles.text[start:end]."),
        Column("kind", "string", "Direct (in quotation marks), indirect (reported speech) or mixed.", enum=QUOTE_KINDS),
        Column("cue", "string", "The verb or phrase of saying, as written.", nullable=True),
        Column("speaker_text", "string", "The speaker mention as written.", nullable=True),
        Column("speaker_mention_id", "string", "Mention of the speaker (actor_mentions.mention_id).", nullable=True),
        Column("speaker_actor_id", "string", "The speaker (actors.actor_id); null when not recoverable.", nullable=True),
        Column("deal_id", "string", "The deal the quote is about, when one is mentioned with it.", nullable=True),
        EXTRACTOR,
        Column("speaker_start", "integer", "Start character offset of the speaker as written nearest the quote "
               "(a pronoun where it stands): articles.text[speaker_start:speaker_end] is speaker_text.", nullable=True),
        Column("speaker_end", "integer", "End character offset (exclusive) of the speaker as written.", nullable=True),
    ),
    primary_key=("quote_id",),
    foreign_keys=(
        ForeignKey("article_id", "articles", "article_id"),
        ForeignKey("speaker_mention_id", "actor_mentions", "mention_id"),
        ForeignKey("speaker_actor_id", "actors", "actor_id"),
        ForeignKey("deal_id", "deals", "deal_id"),
    ),
    evidence_column="text",
    full_text=("text", "speaker_text"),
)

FETCH_LOG = Table(
    name="fetch_log",
    description="Outcome of reading every input: fetched, skipped or failed, and why.",
    columns=(
        Column("fetch_id", "string", "Deterministic ID: hash of the input and the time it was tried."),
        Column("input", "string", "The URL or file path as given."),
        Column("source", "string", "The source the input came from."),
        Column("outcome", "string", "What happened.", enum=FETCH_OUTCOMES),
        Column("reason", "string", "Why an input failed or was skipped.", nullable=True, max_chars=NOTE_TEXT_CHARS),
        Column("http_status", "integer", "HTTP status code, for URLs.", nullable=True),
        Column("retrieved_at", "datetime", "When the input was tried, UTC."),
        Column("article_id", "string", "The article made from the input, if any.", nullable=True),
    ),
    primary_key=("fetch_id",),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        ARTICLES, ACTORS, ACTOR_ALIASES, ACTOR_MENTIONS, QUOTES, DEALS, DEAL_MENTIONS,
        DEAL_PARTIES, DEAL_ATTRIBUTES, DEAL_EVENTS, FETCH_LOG,
    )
}


# ---- the per-article rows of an extraction ------------------------------------------------------
# What transforms.language.extract gives for one article and the store keeps under
# extractions/<EXTRACTOR_VERSION>/: the release tables' columns that one article can tell, less
# the IDs resolved across articles (actor_id, deal_id: transforms.release.resolve adds them), plus
# what resolution reads. Offsets index the article's text.


def _per_article(table: Table, *extra: Column, resolved: tuple[str, ...] = ()) -> tuple[Column, ...]:
    kept = tuple(c for c in table.columns if c.name not in {"deal_id", "actor_id", *resolved} and c is not EXTRACTOR)
    return (*kept, *extra, EXTRACTOR)


EXTRACTION_ROWS: dict[str, tuple[Column, ...]] = {
    "mentions": _per_article(
        ACTOR_MENTIONS,
        Column("actor_type", "string", "Type of the actor as this article shows it.", enum=ACTOR_TYPES),
        Column("actor_key", "string", "With actor_type, identifies the actor across articles: a normalised "
               "full name, an ISO country code, or for anonymous sources a key that includes the article_id."),
        Column("name", "string", "The actor's fullest name in this article."),
        Column("country_code", "string", "ISO 3166-1 alpha-2 code of a country.", nullable=True)),
    "quotes": _per_article(QUOTES, resolved=("speaker_actor_id",)),
    "deal_mentions": _per_article(
        DEAL_MENTIONS,
        Column("deal_type", "string", "Kind of deal the mention names.", enum=DEAL_TYPES),
        Column("sector", "string", "Sector of the deal.", enum=SECTORS),
        Column("resources", "array", "Normalised names of the resources the deal is about."),
        Column("parties", "array", "The parties named with it: {mention_id, role} each."),
        Column("deal_ref", "string", "deal_mention_id of the deal's first mention in the article (one deal "
               "in one article).")),
    "deal_attributes": _per_article(
        DEAL_ATTRIBUTES, Column("deal_mention_id", "string", "The deal mention the term belongs to.")),
    "deal_events": _per_article(
        DEAL_EVENTS,
        Column("deal_mention_id", "string", "The deal mention the event belongs to."),
        Column("actor_mention_id", "string", "Mention of the actor who acted, when stated.", nullable=True)),
}
