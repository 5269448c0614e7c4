"""Deals, actors and quotes on real news reports, scored by the shared real-news scorer.

    .venv/bin/python benchmarks/real_news.py [--texts DIR] [--cases FILE ...] [--output DIR] [--errors]

The texts are other people's writing and are never committed: lay them out once per machine into
the git-ignored ``benchmarks/real-news/texts/`` as ``../shared/bench/real-news/README.md`` says
(the project's own cases in ``benchmarks/real-news/cases.json`` are laid out the same way, from the
queries in that file). Then this script

1. extracts the folder in this process (``flows.oneoff.extract_paths``, as ``dealwire extract``);
2. runs ``../shared/bench/real-news/score_real_news.py`` once for each cases file (by default the
   shared 20 cases, then the project's own) and prints its figures;
3. checks that no actor is page furniture (see ``FURNITURE`` below) and lists any that is.

The shared scorer finds a case's article by the file name in its ``url``; ``dealwire extract``
labels a file ``<folder>:<file>`` (``texts:co-freyr.txt``), so the tables are handed to the scorer
with each article's url replaced by its file name, and nothing else changed.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from transforms.ingest.inputs import file_of_label

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "bench" / "real-news"
TEXTS = ROOT / "benchmarks" / "real-news" / "texts"
OWN_CASES = ROOT / "benchmarks" / "real-news" / "cases.json"

# Page furniture as a reader sees it: an actor named like one of these is not an actor of the news.
# Written for this check, apart from the extraction rules, so that the check does not grade itself.
EXCHANGE_NAMES = r"(nasdaq|nyse|asx|tsxv?|tsx-v|otcqx|jse|lse|aim|cse)"
FURNITURE = [re.compile(p, re.I) for p in (
    rf"\b{EXCHANGE_NAMES}\b\s*[:)]",  # exchange tags inside a name
    r"\b(image|photo|photograph|picture|credit|getty|shutterstock|stock)\b\s*[:/]",
    r"getty images|adobe stock|afp/|/afp\b|reuters/",
    r"\b(editing|reporting|writing|additional reporting) by\b",
    r"\b(newsletter|sign up|subscribe|comments?|comment now|like loading|related posts|latest news|"
    r"back to top|read more|share this|post your comments|plugin|wordpress|blogger)\b",
    r"(?-i:[a-z])\d+$",  # a name glued to a date or page number (``Jones04``)
)]
# Lines that are furniture whatever they name: bylines and credits, captions, and every line after a
# related-stories heading.
FURNITURE_LINE = re.compile(
    r"^\W*(by [A-Z][\w.'-]+( [A-Z][\w.'-]+)*[^a-z]*$|by [A-Z].*\d{4}$|\(?(by|reporting by|editing by|writing by)\b.*;"
    r"|\(?(photo|image|picture|credit)s?\s*(:|courtesy)|.*\((photo|image)s?\b[^)]*\)\s*$)", re.I)
RELATED_HEADING = re.compile(r"^\W*(latest news|related( stories| articles| posts| news)?|more from|read more|"
                             r"you may also like|recommended|most read|nouvelles connexes)\W*$", re.I)


def furniture_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges of the furniture lines of an article (see FURNITURE_LINE, RELATED_HEADING)."""
    spans, start, after_heading = [], 0, False
    for line in text.split("\n"):
        end = start + len(line)
        after_heading = after_heading or bool(RELATED_HEADING.match(line.strip()))
        if after_heading or FURNITURE_LINE.match(line.strip()):
            spans.append((start, end))
        start = end + 1
    return spans


EXCHANGES = re.compile(EXCHANGE_NAMES, re.I)


def _exchange_tag(text: str, start: int, end: int) -> bool:
    """An exchange named in a ticker tag ("(ASX: ABC)", "NASDAQ:ELBM"), not in prose ("shares fell on the ASX")."""
    if not EXCHANGES.fullmatch(text[start:end]):
        return False
    return text[max(0, start - 2):start].strip().endswith(("(", ",")) or text[end:end + 2].lstrip().startswith((":", ",")) \
        or bool(re.match(r"[- ](listed|quoted)\b", text[end:end + 8]))


def furniture(name: str) -> bool:
    return any(p.search(name or "") for p in FURNITURE)


def case_files(args) -> list[Path]:
    files = [Path(c) for c in args.cases] if args.cases else [SHARED / "cases.json", OWN_CASES]
    return [f for f in files if f.exists()]


def missing_texts(cases_file: Path, texts: Path) -> list[str]:
    cases = json.loads(cases_file.read_text(encoding="utf-8"))["cases"]
    return [c["id"] for c in cases if not (texts / f"{c['id']}.txt").exists()]


def scoring_copy(extract: Path, scoring: Path) -> None:
    """The extracted tables, each article's url replaced by its file name (see the docstring)."""
    scoring.mkdir(parents=True, exist_ok=True)
    for path in extract.glob("*.jsonl"):
        if path.name != "articles.jsonl":
            shutil.copyfile(path, scoring / path.name)
            continue
        rows = _rows(extract, "articles")
        for row in rows:
            row["url"] = file_of_label(str(row.get("url") or ""))
        (scoring / path.name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def score(cases_file: Path, texts: Path, scoring: Path, errors: bool) -> str:
    done = subprocess.run([sys.executable, str(SHARED / "score_real_news.py"), str(texts), str(scoring),
                           "--cases", str(cases_file)], capture_output=True, text=True)
    lines = done.stdout.strip().splitlines()
    if done.returncode or not lines:
        sys.exit(f"score_real_news.py on {cases_file} failed: {done.stderr.strip() or done.stdout.strip()}")
    if errors:
        print("\n".join("  " + line for line in lines[:-1]))
    return lines[-1]


def _rows(extract: Path, table: str) -> list[dict]:
    return [json.loads(line) for line in (extract / f"{table}.jsonl").read_text(encoding="utf-8").splitlines() if line]


def furniture_actors(extract: Path) -> list[tuple[str, str, str]]:
    """(article url, actor name, mention text) of every actor mention that is page furniture."""
    articles = {a["article_id"]: a for a in _rows(extract, "articles")}
    spans = {aid: furniture_spans(a.get("text") or "") for aid, a in articles.items()}
    actors = {a["actor_id"]: a for a in _rows(extract, "actors")}
    found = set()
    for row in _rows(extract, "actor_mentions"):
        actor, article = actors.get(row.get("actor_id"), {}), articles[row["article_id"]]
        in_line = any(s <= row["start"] and row["end"] <= e for s, e in spans[row["article_id"]])
        if in_line or _exchange_tag(article.get("text") or "", row["start"], row["end"]) \
                or furniture(actor.get("name")) or furniture(row.get("text")):
            found.add((article["url"], actor.get("name"), row.get("text")))
    return sorted(found)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--texts", default=str(TEXTS), help="folder of <case id>.txt (default: %(default)s)")
    ap.add_argument("--cases", action="append", help="a cases file (repeatable; default: shared, then own)")
    ap.add_argument("--output", help="keep the extracted tables in this folder")
    ap.add_argument("--errors", action="store_true", help="print every failing check")
    args = ap.parse_args()
    texts = Path(args.texts)
    if not SHARED.exists():
        sys.exit(f"{SHARED} is missing: the real-news cases live in ../shared beside the project")
    files = case_files(args)
    for cases_file in files:
        missing = missing_texts(cases_file, texts)
        if missing:
            sys.exit(f"{len(missing)} case texts of {cases_file} are not laid out in {texts} "
                     f"(first: {missing[0]}.txt).\nLay them out once per machine as {SHARED / 'README.md'} says: "
                     f"run each of the file's queries on the search tool's pages corpus and save the excerpt of "
                     f"each case's url, unchanged, as <id>.txt in {texts} (git-ignored; never commit them).")

    from flows.oneoff import extract_paths
    from flows.config import DEFAULT_BATCH_SIZE, DEFAULT_MODEL

    with tempfile.TemporaryDirectory(prefix="dealwire-real-news-") as tmp:
        extract = Path(args.output) if args.output else Path(tmp) / "extract"
        done = extract_paths([str(texts)], output=str(extract), quotes_jsonl=None, model=DEFAULT_MODEL,
                             batch_size=DEFAULT_BATCH_SIZE)
        print(f"extracted {done['articles']} articles ({done['words']} words) in {done['seconds']:.1f} s")
        scoring_copy(extract, Path(tmp) / "scoring")
        for cases_file in files:
            print(f"{os.path.relpath(cases_file, ROOT)}:")
            print("  " + score(cases_file, texts, Path(tmp) / "scoring", args.errors))
        found = furniture_actors(extract)
        print(f"page-furniture actor mentions: {len(found)}")
        for url, name, text in found:
            print(f"  {url}: actor {name!r} (mention {text!r})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
