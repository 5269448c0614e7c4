"""Deal extraction on the sample corpus, scored against the hand-written gold file.

    .venv/bin/python benchmarks/deals_samples.py [--gold benchmarks/gold/deals.json] [--errors] [--output DIR]

Runs `dealwire extract samples/articles --output TMP` in this process (flows.oneoff.extract_paths),
then compares deals.jsonl, deal_mentions.jsonl, deal_parties.jsonl, deal_attributes.jsonl and
deal_events.jsonl with the gold file and prints precision / recall / F1.

Matching (decided here, so that the figures can be compared between runs):

* Articles are named by file (`08-northgate-wire-feed.jsonl#2` for the second line of a .jsonl).
* Deals: each gold deal is paired one-to-one with the system deal that scores best on shared
  article files (2 each), shared party names (1 each) and the same sector (1); greedy, best first.
  A system deal paired with no gold deal is *spurious*: its parties, terms and events all count
  as false positives. A gold deal with no system deal has all its rows missed.
* Clustering: a gold deal is *clustered correctly* when its system deal holds exactly its
  article files and none of its files' other mentions of it went to another system deal. Pairwise
  P/R/F1 is computed over article-deal items (file, deal): an item of gold deal g is linked to
  (file, m(g)) when its system deal m(g) is mentioned in the file, else to a system deal of the
  file that no other gold deal of the file is paired with (a split), else it stays alone; system
  items not linked to a gold item stay as they are. A pair counts when both items are in one deal.
* Parties: (deal, actor name) pairs; names are compared lower-cased, without a leading "the".
  Roles are a separate figure over (deal, actor name, role) triples, where the gold lists every
  role the articles support for the actor ("party" is always accepted for a gold party).
* Attributes: system rows are first reduced to one per (deal, article, attribute, normalized value
  or else surface), as the gold lists each term once per article; then one-to-one on (deal, file, attribute) and either the same normalized value
  (case-insensitive) or overlapping spans (gold spans are found by their surface text in the
  article). Polarity agreement of the matched rows is printed beside.
* Events: the timeline view, (deal, status, date) without duplicates, where an event's date is
  its event_date, or the publication date of its article when it has none, and never later than
  that publication date (a status is known at publication; a planned date is not an event).
  Gold dates follow the same convention. The latest status of each deal is checked too.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "articles"
GOLD = ROOT / "benchmarks" / "gold" / "deals.json"


def file_of_url(samples: Path) -> dict[str, str]:
    """Article URL -> sample file name (``name#N`` for line N of a .jsonl file)."""
    out = {}
    meta = json.loads((samples / "metadata.json").read_text(encoding="utf-8"))
    for name, entry in meta.items():
        out[entry["url"]] = name
    for path in sorted(samples.glob("*.html")):
        m = re.search(r'<link rel="canonical" href="([^"]+)"', path.read_text(encoding="utf-8"))
        if m:
            out[m.group(1)] = path.name
    for path in sorted(samples.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                out[json.loads(line)["url"]] = f"{path.name}#{n}"
    return out


def run_extraction(output: Path, samples: Path, model: str | None = None) -> None:
    from flows.config import DEFAULT_BATCH_SIZE, DEFAULT_MODEL
    from flows.oneoff import extract_paths

    done = extract_paths([str(samples)], str(output), None, model or DEFAULT_MODEL, DEFAULT_BATCH_SIZE)
    if not done["articles"]:
        raise SystemExit(f"extraction failed: no article extracted from {samples}")


def load_tables(output: Path) -> dict[str, list[dict]]:
    tables = {}
    for name in ("articles", "actors", "deals", "deal_mentions", "deal_parties", "deal_attributes", "deal_events"):
        path = output / f"{name}.jsonl"
        tables[name] = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return tables


def _name(text: str) -> str:
    return re.sub(r"^the\s+", "", " ".join(text.split()).lower())


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _line(label: str, tp: int, fp: int, fn: int, extra: str = "") -> str:
    p, r, f = _prf(tp, fp, fn)
    return f"{label:<22} P {p:.3f}  R {r:.3f}  F1 {f:.3f}   (tp {tp}, fp {fp}, fn {fn}){extra}"


def system_view(tables: dict, files: dict[str, str]) -> dict[str, dict]:
    """deal_id -> files, parties, roles, attributes, events, status, sector."""
    articles = {a["article_id"]: a for a in tables["articles"]}
    file_of = {aid: files.get(a["url"], a["url"]) for aid, a in articles.items()}
    actors = {a["actor_id"]: a for a in tables["actors"]}
    view = {}
    for d in tables["deals"]:
        view[d["deal_id"]] = {"deal": d, "files": set(), "parties": defaultdict(set), "attributes": [], "events": set()}
    for m in tables["deal_mentions"]:
        view[m["deal_id"]]["files"].add(file_of[m["article_id"]])
    for p in tables["deal_parties"]:
        view[p["deal_id"]]["parties"][_name(actors[p["actor_id"]]["name"])].add(p["role"])
    seen = set()
    for a in sorted(tables["deal_attributes"], key=lambda a: (a["article_id"], a["start"])):
        # One term per (deal, article, attribute, value): a headline repeating the lead's figure is one term.
        key = (a["deal_id"], a["article_id"], a["attribute"], str(a.get("normalized") or a["value"]).lower())
        if key in seen:
            continue
        seen.add(key)
        view[a["deal_id"]]["attributes"].append(a | {"file": file_of[a["article_id"]], "text": articles[a["article_id"]]["text"]})
    for e in tables["deal_events"]:
        published = (articles[e["article_id"]].get("published_at") or "")[:10]
        date = min(e["event_date"] or published, published) if published else e["event_date"]
        view[e["deal_id"]]["events"].add((e["status"], date))
        view[e["deal_id"]].setdefault("event_rows", []).append((e, file_of[e["article_id"]], date))
    return view


def pair_deals(gold: list[dict], view: dict[str, dict]) -> dict[str, str]:
    scores = []
    for g in gold:
        gold_parties = {_name(p["actor"]) for p in g["parties"]}
        for deal_id, s in view.items():
            score = 2 * len(set(g["articles"]) & s["files"]) + len(gold_parties & set(s["parties"]))
            score += 1 if s["deal"]["sector"] == g["sector"] else 0
            if set(g["articles"]) & s["files"]:
                scores.append((score, g["id"], deal_id))
    pairing, used = {}, set()
    for score, gid, deal_id in sorted(scores, key=lambda x: (-x[0], x[1], x[2])):
        if gid in pairing or deal_id in used:
            continue
        pairing[gid] = deal_id
        used.add(deal_id)
    return pairing


def score(gold_doc: dict, tables: dict, files: dict[str, str], errors: bool = False) -> dict:
    gold = gold_doc["deals"]
    view = system_view(tables, files)
    pairing = pair_deals(gold, view)
    spurious = [d for d in view if d not in pairing.values()]
    out = {}
    report: list[str] = []

    # clustering
    correct = 0
    gold_items, sys_items = {}, {}
    files_deals = defaultdict(set)
    for deal_id, s in view.items():
        for f in s["files"]:
            files_deals[f].add(deal_id)
            sys_items[(f, deal_id)] = deal_id
    paired_in_file = defaultdict(set)
    for g in gold:
        for f in g["articles"]:
            if pairing.get(g["id"]) in files_deals[f]:
                paired_in_file[f].add(pairing[g["id"]])
    link = {}
    for g in gold:
        deal_id = pairing.get(g["id"])
        ok = deal_id is not None and view[deal_id]["files"] == set(g["articles"])
        for f in g["articles"]:
            gold_items[(f, g["id"])] = g["id"]
            if deal_id in files_deals[f]:
                link[(f, g["id"])] = (f, deal_id)
            else:
                free = sorted(files_deals[f] - paired_in_file[f] - set(pairing.values()))
                if free:
                    link[(f, g["id"])] = (f, free[0])
                    paired_in_file[f].add(free[0])
                ok = False
        correct += ok
        if errors and not ok:
            report.append(f"  cluster  {g['id']}: gold {sorted(g['articles'])} system "
                          f"{sorted(view[deal_id]['files']) if deal_id else None}")
    cluster_of = {}
    for item, gid in gold_items.items():
        target = link.get(item)
        cluster_of[item] = ("sys", sys_items[target]) if target else ("alone", item)
    linked_targets = set(link.values())
    for item, deal_id in sys_items.items():
        if item not in linked_targets:
            cluster_of[("sys-only",) + item] = ("sys", deal_id)
    items = sorted(cluster_of, key=str)
    gold_of = {i: gold_items.get(i) for i in items}
    tp = fp = fn = 0
    for a in range(len(items)):
        for b in range(a + 1, len(items)):
            same_gold = gold_of[items[a]] is not None and gold_of[items[a]] == gold_of[items[b]]
            same_sys = cluster_of[items[a]] == cluster_of[items[b]]
            tp += same_gold and same_sys
            fp += same_sys and not same_gold
            fn += same_gold and not same_sys
    out["clusters"] = (correct, len(gold))
    out["pairwise"] = (tp, fp, fn)

    # parties and roles
    tp = fp = fn = 0
    rtp = rfp = rfn = 0
    for g in gold:
        s = view[pairing[g["id"]]] if g["id"] in pairing else None
        gold_roles = {_name(p["actor"]): set(p["roles"]) | {"party"} for p in g["parties"]}
        sys_roles = s["parties"] if s else {}
        for name in gold_roles:
            if name in sys_roles:
                tp += 1
                rtp += len(sys_roles[name] & gold_roles[name])
                rfp += len(sys_roles[name] - gold_roles[name])
                rfn += not (sys_roles[name] & gold_roles[name])
            else:
                fn += 1
                rfn += 1
                if errors:
                    report.append(f"  party FN {g['id']}: {name}")
        for name in sys_roles:
            if name not in gold_roles:
                fp += 1
                rfp += len(sys_roles[name])
                if errors:
                    report.append(f"  party FP {g['id']}: {name} {sorted(sys_roles[name])}")
    for deal_id in spurious:
        fp += len(view[deal_id]["parties"])
        rfp += sum(len(r) for r in view[deal_id]["parties"].values())
    out["parties"] = (tp, fp, fn)
    out["roles"] = (rtp, rfp, rfn)

    # attributes
    tp = fp = fn = 0
    polarity_ok = 0
    for g in gold:
        s = view[pairing[g["id"]]] if g["id"] in pairing else None
        system = list(s["attributes"]) if s else []
        used = set()
        for ga in g["attributes"]:
            hit = None
            for i, sa in enumerate(system):
                if i in used or sa["file"] != ga["file"] or sa["attribute"] != ga["attribute"]:
                    continue
                same_norm = ga.get("normalized") is not None and str(sa.get("normalized") or "").lower() == str(ga["normalized"]).lower()
                overlap = any(start < sa["end"] and sa["start"] < start + len(ga["value"])
                              for start in (m.start() for m in re.finditer(re.escape(ga["value"]), sa["text"])))
                if same_norm or overlap:
                    hit = i
                    break
            if hit is None:
                fn += 1
                if errors:
                    report.append(f"  attr FN {g['id']} {ga['file']}: {ga['attribute']} {ga['value']!r}")
            else:
                used.add(hit)
                tp += 1
                polarity_ok += system[hit]["polarity"] == ga["polarity"]
        for i, sa in enumerate(system):
            if i not in used:
                fp += 1
                if errors:
                    report.append(f"  attr FP {g['id']} {sa['file']}: {sa['attribute']} {sa['value']!r} {sa['normalized']}")
    for deal_id in spurious:
        fp += len(view[deal_id]["attributes"])
    out["attributes"] = (tp, fp, fn)
    out["polarity"] = (polarity_ok, tp)

    # events (timeline) and latest status
    tp = fp = fn = 0
    status_ok = 0
    for g in gold:
        s = view[pairing[g["id"]]] if g["id"] in pairing else None
        gold_events = {(e["status"], e["date"]) for e in g["events"]}
        system = s["events"] if s else set()
        tp += len(gold_events & system)
        fp += len(system - gold_events)
        fn += len(gold_events - system)
        if errors:
            for e in sorted(gold_events - system, key=str):
                report.append(f"  event FN {g['id']}: {e}")
            for e in sorted(system - gold_events, key=str):
                texts = [r[0]["text"][:70] for r in s.get("event_rows", []) if (r[0]["status"], r[2]) == e]
                report.append(f"  event FP {g['id']}: {e} {texts[:1]}")
        if s and s["deal"]["status"] == g["status"]:
            status_ok += 1
        elif errors:
            report.append(f"  status {g['id']}: gold {g['status']} system {s['deal']['status'] if s else None}")
    for deal_id in spurious:
        fp += len(view[deal_id]["events"])
        if errors:
            report.append(f"  spurious deal {view[deal_id]['deal']['name']!r} in {sorted(view[deal_id]['files'])}")
    out["events"] = (tp, fp, fn)
    out["status"] = (status_ok, len(gold))
    out["spurious"] = len(spurious)
    out["report"] = report
    return out


def sample_parser(doc: str, gold: Path, errors_help: str) -> argparse.ArgumentParser:
    """The options every benchmark over the sample corpus takes."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--gold", default=str(gold))
    parser.add_argument("--samples", default=str(SAMPLES))
    parser.add_argument("--output", help="keep the extracted tables here (default: a temporary folder)")
    parser.add_argument("--reuse", action="store_true", help="score the tables already in --output, do not extract")
    parser.add_argument("--errors", action="store_true", help=errors_help)
    parser.add_argument("--model", default=None)
    return parser


def main(argv=None) -> int:
    args = sample_parser(__doc__, GOLD, "list every miss and false positive").parse_args(argv)

    gold_doc = json.loads(Path(args.gold).read_text(encoding="utf-8"))
    samples = Path(args.samples)
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(args.output or tmp)
        if not args.reuse:
            run_extraction(output, samples, args.model)
        tables = load_tables(output)
    result = score(gold_doc, tables, file_of_url(samples), errors=args.errors)
    correct, total = result["clusters"]
    ok, matched = result["polarity"]
    status_ok, n = result["status"]
    print(f"deals: {total} gold, {len(tables['deals'])} system ({result['spurious']} spurious)")
    print(f"clustering             {correct}/{total} gold deals clustered exactly")
    print(_line("clustering pairwise", *result["pairwise"]))
    print(_line("parties", *result["parties"]))
    print(_line("party roles", *result["roles"]))
    print(_line("attributes", *result["attributes"], f"  polarity agrees {ok}/{matched}"))
    print(_line("events (timeline)", *result["events"]))
    print(f"latest status          {status_ok}/{n} deals")
    if args.errors:
        print("\n".join(result["report"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
