"""Actor resolution on the sample corpus against benchmarks/gold/actors.json.

Runs ``flows.oneoff.extract_paths`` on samples/articles into a temporary folder (no Prefect),
matches each system mention to a gold actor by article + overlapping span (named actors)
or article + normalised surface text (anonymous sources; see the gold file's description), and prints:

A system mention matches the gold name it overlaps most, unless it runs on into lower-case
words ("Marhaveni officials" is not the country).

- B-cubed precision, recall and F1 of mention clustering over the matched mentions (the
  system cluster of a mention is its actor_id; the gold cluster is its gold actor);
- pairwise precision, recall and F1 over the same mentions;
- type accuracy: the share of matched mentions whose actor_type is the gold type;
- mention recall: gold mentions of named actors that a system mention overlaps;
- spurious actor mentions of places the gold lists as non-actors.

    .venv/bin/python benchmarks/actors_samples.py [--errors] [--output DIR --reuse] [--only 20-,21-,22-]

``--only`` scores the articles whose file names start with one of the given prefixes (e.g. the
articles that carry the hard cases: transliterations, a namesake, initials, places).
"""
from __future__ import annotations

import json
import re
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from deals_samples import file_of_url, run_extraction, sample_parser  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "benchmarks" / "gold" / "actors.json"


def norm_surface(text: str) -> str:
    t = " ".join(text.replace("’", "'").split()).lower()
    return re.sub(r"^(a|an|the)\s+", "", t)


def load(output: Path, name: str) -> list[dict]:
    path = output / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def text_of(texts: dict[str, str], f: str, s: int, e: int) -> str:
    return texts.get(f, "")[s:e]


def _f(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _gold_spans(gold: dict, texts: dict[str, str]) -> tuple[dict, dict]:
    """file -> [(start, end, gold actor)] for named actors, and file -> [(start, end)] for places,
    re-anchored on the text when the main-text extraction moved the offsets."""
    def anchor(f, g):
        text = texts.get(f, "")
        if text[g["start"]:g["end"]] == g["text"]:
            return g["start"], g["end"]
        hits = [m.start() for m in re.finditer(re.escape(g["text"]), text)]
        if not hits:
            return None
        s = min(hits, key=lambda h: abs(h - g["start"]))
        return s, s + len(g["text"])
    named, places = defaultdict(list), defaultdict(list)
    for g in gold["actors"]:
        for f, ms in g["mentions"].items():
            for m in ms:
                if "start" in m and (span := anchor(f, m)):
                    named[f].append((*span, g))
    for f, ms in gold["non_actors"]["places"].items():
        for m in ms:
            if span := anchor(f, m):
                places[f].append(span)
    return named, places


def _same_head(text: str, m: dict, s: int, e: int) -> bool:
    """A system mention stands for the gold name it overlaps unless it runs on into lower-case
    words: "Marhaveni officials" is an anonymous source, not the country the demonym names."""
    outside = text[m["start"]:s] + " " + text[e:m["end"]] if m["start"] < s or e < m["end"] else ""
    return not any(w[:1].islower() for w in outside.split())


def score(gold: dict, output: Path, files: dict[str, str], errors: bool = False, only: tuple[str, ...] = ()) -> dict:
    article_rows = load(output, "articles")
    if only:
        article_rows = [a for a in article_rows if files.get(a["url"], a["url"]).startswith(only)]
    articles = {a["article_id"]: files.get(a["url"], a["url"]) for a in article_rows}
    texts = {files.get(a["url"], a["url"]): a["text"] for a in article_rows}
    actors = {a["actor_id"]: a for a in load(output, "actors")}
    mentions = [m for m in load(output, "actor_mentions") if m["article_id"] in articles]
    named, places = _gold_spans(gold, texts)
    named = {f: v for f, v in named.items() if f in texts}
    places = {f: v for f, v in places.items() if f in texts}
    anon: dict[tuple[str, str], dict] = {}
    for g in gold["actors"]:
        for f, ms in g["mentions"].items():
            for m in ms:
                if "start" not in m:
                    anon[(f, norm_surface(m["text"]))] = g

    matched = []             # (mention, gold actor)
    hit_spans = set()        # (file, start, end) of gold mentions found
    spurious, unmatched = [], []
    for m in mentions:
        f = articles[m["article_id"]]
        best = max(((min(e, m["end"]) - max(s, m["start"]), s, e, g) for s, e, g in named.get(f, [])
                    if s < m["end"] and m["start"] < e and _same_head(texts[f], m, s, e)),
                   key=lambda x: x[0], default=None)
        if (f, norm_surface(m["text"])) in anon:      # "a senior Veldonian official": not the country
            matched.append((m, anon[(f, norm_surface(m["text"]))]))
        elif best is not None:
            matched.append((m, best[3]))
            hit_spans.add((f, best[1], best[2]))
        elif any(s < m["end"] and m["start"] < e for s, e in places.get(f, [])):
            spurious.append((f, m["text"], actors[m["actor_id"]]["actor_type"]))
        else:
            unmatched.append((f, m["text"], actors[m["actor_id"]]["actor_type"]))

    by_sys, by_gold = defaultdict(list), defaultdict(list)
    for n, (m, g) in enumerate(matched):
        by_sys[m["actor_id"]].append(n)
        by_gold[g["id"]].append(n)
    sys_of = {n: m["actor_id"] for n, (m, _) in enumerate(matched)}
    gold_of = {n: g["id"] for n, (_, g) in enumerate(matched)}
    p = r = 0.0
    for n in range(len(matched)):
        s, g = set(by_sys[sys_of[n]]), set(by_gold[gold_of[n]])
        p += len(s & g) / len(s)
        r += len(s & g) / len(g)
    total = len(matched) or 1
    b3 = (p / total, r / total)
    tp = fp = fn = 0
    for a in range(len(matched)):
        for b in range(a + 1, len(matched)):
            same_s, same_g = sys_of[a] == sys_of[b], gold_of[a] == gold_of[b]
            tp += same_s and same_g
            fp += same_s and not same_g
            fn += same_g and not same_s
    pw = (tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0)
    type_ok = sum(actors[m["actor_id"]]["actor_type"] == g["type"] for m, g in matched)

    expected = sum(len(v) for v in named.values())
    found_n = len(hit_spans)
    missed = [(f, g["id"], text_of(texts, f, s, e)) for f, v in named.items() for s, e, g in v if (f, s, e) not in hit_spans]

    report = []
    if errors:
        for sid, ns in sorted(by_sys.items()):
            golds = Counter(gold_of[n] for n in ns)
            if len(golds) > 1:
                report.append(f"  merged   {actors[sid]['actor_type']} {actors[sid]['name']!r}: {dict(golds)}")
        for gid, ns in sorted(by_gold.items()):
            syss = Counter(f"{actors[sys_of[n]]['actor_type']}:{actors[sys_of[n]]['name']}" for n in ns)
            if len(syss) > 1:
                report.append(f"  split    {gid}: {dict(syss)}")
        for m, g in matched:
            t = actors[m["actor_id"]]["actor_type"]
            if t != g["type"]:
                report.append(f"  type     {articles[m['article_id']]}: {m['text']!r} {t} (gold {g['type']})")
        for f, gid, text in missed:
            report.append(f"  missed   {f}: {text!r} ({gid})")
        for f, text, t in unmatched:
            report.append(f"  extra    {f}: {text!r} as {t}")
        for f, text, t in spurious:
            report.append(f"  place    {f}: {text!r} as {t}")
    return {"b3": b3, "pairwise": pw, "pairs": (tp, fp, fn), "type": (type_ok, len(matched)),
            "recall": (found_n, expected), "spurious": len(spurious), "unmatched": len(unmatched),
            "mentions": len(mentions), "report": report}


def main(argv=None) -> int:
    parser = sample_parser(__doc__, GOLD, "list merges, splits, type errors and misses")
    parser.add_argument("--only", default="", help="comma-separated file-name prefixes to score (default: every article)")
    args = parser.parse_args(argv)
    only = tuple(p for p in args.only.split(",") if p)

    gold = json.loads(Path(args.gold).read_text(encoding="utf-8"))
    samples = Path(args.samples)
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(args.output or tmp)
        if not args.reuse:
            run_extraction(output, samples, args.model)
        res = score(gold, output, file_of_url(samples), errors=args.errors, only=only)
    (bp, br), (pp, pr) = res["b3"], res["pairwise"]
    ok, n = res["type"]
    found, expected = res["recall"]
    if only:
        print(f"articles: {', '.join(only)}")
    print(f"actor mentions: {res['mentions']} system, {n} matched to gold, {res['unmatched']} unmatched, "
          f"{res['spurious']} spurious (places)")
    print(f"clustering B-cubed      P {bp:.3f}  R {br:.3f}  F1 {_f(bp, br):.3f}")
    print(f"clustering pairwise     P {pp:.3f}  R {pr:.3f}  F1 {_f(pp, pr):.3f}   (tp {res['pairs'][0]}, fp {res['pairs'][1]}, fn {res['pairs'][2]})")
    print(f"type accuracy           {ok / n if n else 0:.3f}   ({ok}/{n})")
    print(f"mention recall (named)  {found / expected if expected else 0:.3f}   ({found}/{expected})")
    if args.errors:
        print("\n".join(res["report"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
