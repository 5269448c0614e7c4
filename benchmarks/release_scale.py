"""Building, validating and publishing a release of one million quote rows: how long each step takes.

    .venv/bin/python benchmarks/release_scale.py                  1,000,000 quotes
    .venv/bin/python benchmarks/release_scale.py --quotes 100000  a smaller release

No spaCy and no store: a consistent set of release tables is synthesised in memory, written in
the project's own words with made-up names (the harbour town of Quellin, the Brask Ore Company…):
articles whose texts hold every quote, a speaker mention per quote, actors and their aliases,
deals with their mentions, parties, terms and events, and a fetch_log row per article, all in the
proportions the pipeline benchmark measured on PolNeAR (about 14 quotes an article). Every offset
is computed while the texts are built, so every evidence span matches and every foreign key
holds: the release must pass its suites. Then, in one process, each step of publishing is timed:

- stage: the typed tables written into the private work folder (``flows.publish.stage_tables``);
- validate: every table's suite on the full tables, and the release's validation report
  (``flows.publish.check_stage``: Great Expectations, the evidence and offset checks, Data Docs);
- publish: Parquet and CSV, changes.json, charts, datapackage.json, the data card, SHA256SUMS,
  the upload into a temporary folder and its rename, index.json (``flows.publish.publish_staged``),
  with the seconds of its parts.

Printed: rows per table, seconds per step (and, for validate, per table), the total, peak RSS and the
load average. The target is stage + validate + publish within 2 minutes for 1,000,000 quotes.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUOTES_PER_ARTICLE = 14
ARTICLES_PER_DEAL = 20
STEP = 300  # seconds between two articles' publication: 1,000,000 quotes span about eight months
EXTRACTOR = "bench-release-scale"

PLACES = ["Quellin", "Orvask", "Tamberlin", "Sildra", "Cravona", "Hessmoor", "Ulvane", "Dornick"]
COMPANIES = ["Brask Ore Company", "Tellwin Power", "Amaro Shipping", "Vestrel Grain", "Korrin Steel",
             "Palune Gas", "Ostrow Cobalt", "Meridel Rail"]
GIVEN = ["Ana", "Bertil", "Celin", "Doro", "Emrik", "Fenna", "Goran", "Hild", "Ivo", "Jessa", "Kell", "Lisbet"]
FAMILY = ["Marrow", "Teskin", "Halvard", "Orley", "Vance", "Pellin", "Strom", "Adair", "Quist", "Rennet"]
PHRASES = [
    "The terms protect our workers and our harbour for a decade",
    "We expect the first shipment before the spring thaw",
    "Nobody has signed anything yet and the price is still open",
    "This agreement gives the mine a buyer it can rely on",
    "The council will vote on the contract next month",
    "Our engineers need two more years to finish the line",
    "The loan carries a rate that we can carry",
    "We will not accept a clause that binds us to one supplier",
]


def _id(prefix: str, n: int) -> str:
    return f"{prefix}{n:012d}"


def synthesise(n_quotes: int) -> dict:
    """Release tables (pyarrow) of about ``n_quotes`` quotes and their parent tables."""
    import pyarrow as pa

    from transforms.ids import sha256_text
    from transforms.release.tables import arrow_schema

    n_articles = max(1, n_quotes // QUOTES_PER_ARTICLE)
    n_deals = max(1, n_articles // ARTICLES_PER_DEAL)
    people = [f"{g} {f}" for g in GIVEN for f in FAMILY]  # 120 people
    actors = {"actor_id": [], "name": [], "actor_type": [], "country_code": [], "title": [],
              "mention_count": [], "article_count": []}
    for i, name in enumerate(people):
        actors["actor_id"].append(_id("act", i))
        actors["name"].append(name)
        actors["actor_type"].append("person")
        actors["country_code"].append(None)
        actors["title"].append("spokesperson")
        actors["mention_count"].append(0)
        actors["article_count"].append(0)
    for j, company in enumerate(COMPANIES):
        actors["actor_id"].append(_id("act", len(people) + j))
        actors["name"].append(company)
        actors["actor_type"].append("organization")
        actors["country_code"].append(None)
        actors["title"].append(None)
        actors["mention_count"].append(0)
        actors["article_count"].append(0)
    company_actor = {c: _id("act", len(people) + j) for j, c in enumerate(COMPANIES)}

    art = {k: [] for k in ("article_id", "url", "source", "publisher", "title", "authors", "published_at",
                           "retrieved_at", "language", "text", "text_sha256", "raw_sha256", "word_count",
                           "duplicate_of", "extraction_status", "extraction_note", "redistributable", "licence")}
    quotes = {k: [] for k in ("quote_id", "article_id", "start", "end", "text", "kind", "cue", "speaker_text",
                              "speaker_mention_id", "speaker_actor_id", "deal_id", "extractor_version",
                              "speaker_start", "speaker_end")}
    mentions = {k: [] for k in ("mention_id", "article_id", "start", "end", "actor_id", "text", "title",
                                "extractor_version")}
    deal_mentions = {k: [] for k in ("deal_mention_id", "deal_id", "article_id", "start", "end", "text",
                                     "extractor_version")}
    attributes = {k: [] for k in ("attribute_id", "deal_id", "article_id", "start", "end", "attribute", "value",
                                  "normalized", "unit", "polarity", "extractor_version")}
    events = {k: [] for k in ("event_id", "deal_id", "article_id", "start", "end", "status", "event_date",
                              "event_date_precision", "actor_id", "text", "extractor_version")}
    fetch_log = {k: [] for k in ("fetch_id", "input", "source", "outcome", "reason", "http_status",
                                 "retrieved_at", "article_id")}
    mention_counts = [0] * len(actors["actor_id"])
    quote_n = mention_n = 0
    base = 1_704_067_200  # 2024-01-01 UTC, seconds; one article every STEP seconds after it
    for a in range(n_articles):
        article_id = _id("art", a)
        deal_n = a % n_deals
        deal_id = _id("deal", deal_n)
        place, company = PLACES[deal_n % len(PLACES)], COMPANIES[deal_n % len(COMPANIES)]
        title = f"{place} and {company} agree ore contract"
        parts = [title, "\n\n"]
        pos = len(title) + 2
        # the deal sentence: a deal mention, a term and an event
        lead = f"The town of {place} signed an ore supply contract with {company} worth 40 million crowns. "
        dm_start = pos + lead.index("an ore supply contract")
        term_start = pos + lead.index("40 million crowns")
        event_start = pos + lead.index("signed")
        parts.append(lead)
        pos += len(lead)
        quotes_here = QUOTES_PER_ARTICLE if a < n_articles - 1 else n_quotes - quote_n  # the last: the rest
        for q in range(quotes_here):
            person = (a * 7 + q) % len(people)
            speaker, phrase = people[person], PHRASES[(a + q) % len(PHRASES)]
            sentence = f"\u201c{phrase},\u201d said {speaker}, a spokesperson for {company}. "
            q_start, sp_start = pos + 1, pos + sentence.index(speaker)
            mention_id = _id("men", mention_n)
            mentions["mention_id"].append(mention_id)
            mentions["article_id"].append(article_id)
            mentions["start"].append(sp_start)
            mentions["end"].append(sp_start + len(speaker))
            mentions["actor_id"].append(actors["actor_id"][person])
            mentions["text"].append(speaker)
            mentions["title"].append("spokesperson")
            mentions["extractor_version"].append(EXTRACTOR)
            mention_counts[person] += 1
            quotes["quote_id"].append(_id("quo", quote_n))
            quotes["article_id"].append(article_id)
            quotes["start"].append(q_start)
            quotes["end"].append(q_start + len(phrase) + 1)
            quotes["text"].append(phrase + ",")
            quotes["kind"].append("direct")
            quotes["cue"].append("said")
            quotes["speaker_text"].append(speaker)
            quotes["speaker_mention_id"].append(mention_id)
            quotes["speaker_actor_id"].append(actors["actor_id"][person])
            quotes["deal_id"].append(deal_id)
            quotes["extractor_version"].append(EXTRACTOR)
            quotes["speaker_start"].append(sp_start)
            quotes["speaker_end"].append(sp_start + len(speaker))
            parts.append(sentence)
            pos += len(sentence)
            quote_n += 1
            mention_n += 1
            if q % 4 == 3:
                parts.append("\n\n")
                pos += 2
        text = "".join(parts)
        published = base + a * STEP
        art["article_id"].append(article_id)
        art["url"].append(f"https://wire.example/{article_id}")
        art["source"].append("bench/synthetic-wire")
        art["publisher"].append("Synthetic Wire")
        art["title"].append(title)
        art["authors"].append("Desk Writer")
        art["published_at"].append(published * 1_000_000)
        art["retrieved_at"].append((published + 3600) * 1_000_000)
        art["language"].append("en")
        art["text"].append(text)
        art["text_sha256"].append(sha256_text(text))
        art["raw_sha256"].append(None)
        art["word_count"].append(text.count(" ") + 1)
        art["duplicate_of"].append(None)
        art["extraction_status"].append("extracted")
        art["extraction_note"].append(None)
        art["redistributable"].append(a % 5 != 0)
        art["licence"].append("CC-BY-4.0" if a % 5 != 0 else None)
        for table, row in (
            (deal_mentions, {"deal_mention_id": _id("dm", a), "deal_id": deal_id, "article_id": article_id,
                             "start": dm_start, "end": dm_start + len("an ore supply contract"),
                             "text": "an ore supply contract", "extractor_version": EXTRACTOR}),
            (attributes, {"attribute_id": _id("att", a), "deal_id": deal_id, "article_id": article_id,
                          "start": term_start, "end": term_start + len("40 million crowns"), "attribute": "value",
                          "value": "40 million crowns", "normalized": "40000000", "unit": "crowns",
                          "polarity": "stated", "extractor_version": EXTRACTOR}),
            (events, {"event_id": _id("evt", a), "deal_id": deal_id, "article_id": article_id,
                      "start": event_start, "end": event_start + len("signed"), "status": "signed",
                      "event_date": published // 86400, "event_date_precision": "day",
                      "actor_id": company_actor[company], "text": "signed", "extractor_version": EXTRACTOR}),
            (fetch_log, {"fetch_id": _id("fet", a), "input": f"corpus/{article_id}.txt",
                         "source": "bench/synthetic-wire", "outcome": "ok", "reason": None, "http_status": None,
                         "retrieved_at": (published + 3600) * 1_000_000, "article_id": article_id}),
        ):
            for key, value in row.items():
                table[key].append(value)
    actors["mention_count"] = [c + (n_articles if i >= len(people) else 0) for i, c in enumerate(mention_counts)]
    actors["article_count"] = [max(1, min(c, n_articles)) for c in actors["mention_count"]]
    deals = {"deal_id": [], "name": [], "deal_type": [], "sector": [], "status": [], "status_date": [],
             "first_reported_at": [], "last_reported_at": [], "article_count": []}
    parties = {"deal_id": [], "actor_id": [], "role": [], "article_count": []}
    for d in range(n_deals):
        company = COMPANIES[d % len(COMPANIES)]
        deals["deal_id"].append(_id("deal", d))
        deals["name"].append(f"{PLACES[d % len(PLACES)]}–{company} ore supply contract {d}")
        deals["deal_type"].append("supply")
        deals["sector"].append("minerals")
        deals["status"].append("signed")
        deals["status_date"].append((base + d * STEP) // 86400)
        deals["first_reported_at"].append((base + d * STEP) * 1_000_000)
        deals["last_reported_at"].append((base + (d + n_deals * (ARTICLES_PER_DEAL - 1)) * STEP) * 1_000_000)
        deals["article_count"].append(len(range(d, n_articles, n_deals)))
        parties["deal_id"].append(_id("deal", d))
        parties["actor_id"].append(company_actor[company])
        parties["role"].append("party")
        parties["article_count"].append(deals["article_count"][-1])
    aliases = {"actor_id": list(actors["actor_id"]), "alias": list(actors["name"]),
               "mention_count": list(actors["mention_count"])}
    columns = {"articles": art, "actors": actors, "actor_aliases": aliases, "actor_mentions": mentions,
               "quotes": quotes, "deals": deals, "deal_mentions": deal_mentions, "deal_parties": parties,
               "deal_attributes": attributes, "deal_events": events, "fetch_log": fetch_log}
    return {name: _arrow(name, cols, pa, arrow_schema) for name, cols in columns.items()}


def _arrow(name: str, columns: dict, pa, arrow_schema):
    """A table of the schema's types from columns of plain values (timestamps in µs, dates in days);
    a nullable column the schema has and this script does not know is left empty."""
    schema = arrow_schema(name)
    arrays = []
    for field in schema:
        if field.name not in columns and field.nullable:
            arrays.append(pa.nulls(len(next(iter(columns.values()))), type=field.type))
            continue
        values = columns[field.name]
        if pa.types.is_timestamp(field.type):
            arrays.append(pa.array(values, type=pa.int64()).cast(field.type))
        elif pa.types.is_date32(field.type):
            arrays.append(pa.array(values, type=pa.int32()).cast(field.type))
        else:
            arrays.append(pa.array(values, type=field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quotes", type=int, default=1_000_000, help="quote rows (default: 1,000,000)")
    args = parser.parse_args(argv)
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    import logging

    from flows.publish import PARALLEL_ROWS, check_stage, publish_staged, stage_tables

    log = logging.getLogger("bench.release_scale")
    load_before = os.getloadavg()
    started = time.perf_counter()
    tables = synthesise(args.quotes)
    synthesised = time.perf_counter() - started
    print(f"synthesised in {synthesised:.1f} s (not counted): "
          + ", ".join(f"{name} {t.num_rows:,}" for name, t in tables.items()), flush=True)
    releases = Path(tempfile.mkdtemp(prefix="dealwire-release-scale-"))
    try:
        seconds = {}
        t0 = time.perf_counter()
        staged = stage_tables(tables, str(releases), None, log)
        seconds["stage"] = time.perf_counter() - t0
        del tables  # the steps below read the staged Parquet files, as in the pipeline
        t0 = time.perf_counter()
        validation = check_stage(staged, log)
        seconds["validate"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        published = publish_staged(staged, validation, log=log)
        seconds["publish"] = time.perf_counter() - t0
    finally:
        shutil.rmtree(releases, ignore_errors=True)
    total = sum(seconds.values())
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nrelease {published['version']} of {published['counts']['quotes']:,} quotes, "
          f"{sum(published['counts'].values()):,} rows in {len(published['counts'])} tables")
    for step, s in seconds.items():
        print(f"  {step:9} {s:7.1f} s")
    print(f"  {'total':9} {total:7.1f} s   (target: 120 s for 1,000,000 quotes)")
    print("publish, by part (s): " + ", ".join(f"{k} {v:.1f}" for k, v in published.get("seconds", {}).items())
          + f" (from {PARALLEL_ROWS:,} rows the data files are written by a second process beside the changes"
            " and the evidence check)")
    print("validate, per table (rows, expectations, seconds):")
    for name, t in validation["tables"].items():
        print(f"  {name:16} {t['rows']:>10,} {t['evaluated']:>4} {t.get('seconds', float('nan')):7.1f} s")
    print(f"peak RSS {rss:,.0f} MiB; load average {load_before[0]:.2f} before, {os.getloadavg()[0]:.2f} after; "
          f"{os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
