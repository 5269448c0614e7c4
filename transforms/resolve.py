"""Across articles: per-article extractions in, the release tables' rows out.

- actors: mentions grouped by (actor_type, actor_key); actor_id = hash of that key, so
  adding articles never renumbers an existing actor.
- deals: each article's deal mentions grouped by ``deal_ref`` into article-level deal
  instances, then linked across articles when sector matches and parties or resources
  overlap; deal_id = hash of the earliest-reported instance's key.
- quotes: speakers mapped to actors; a quote is linked to a deal mentioned in or next to it.
- exact duplicates (same text hash) keep their article row with ``duplicate_of`` set;
  their extractions are not counted again.
"""
from __future__ import annotations

from collections import Counter, defaultdict

from transforms.ids import make_id
from transforms.schema import DEAL_TYPES, TABLES

# How far (characters, within one paragraph) a deal mention may stand from a quote to link them.
QUOTE_DEAL_REACH = 300


def _sort_key_published(article: dict) -> tuple:
    return (article.get("published_at") or "9999", article["article_id"])


def mark_duplicates(articles: list[dict]) -> dict[str, str]:
    """article_id → article_id of the earliest article with the same text."""
    first_by_hash: dict[str, str] = {}
    duplicate_of = {}
    for article in sorted(articles, key=_sort_key_published):
        if not (article.get("text") or "").strip():
            continue
        original = first_by_hash.setdefault(article["text_sha256"], article["article_id"])
        if original != article["article_id"]:
            duplicate_of[article["article_id"]] = original
    return duplicate_of


def resolve_actors(extractions: dict[str, dict]) -> tuple[list[dict], list[dict], list[dict], dict[str, str]]:
    """actors, actor_aliases, actor_mentions rows, and mention_id → actor_id."""
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for extraction in extractions.values():
        for m in extraction["mentions"]:
            groups[(m["actor_type"], m["actor_key"])].append(m)

    actors, aliases, mention_rows, actor_of = [], [], [], {}
    for (actor_type, key), mentions in sorted(groups.items()):
        actor_id = make_id("actor", actor_type, key)
        names = Counter(m["name"] for m in mentions if m.get("name"))
        titles = Counter(m["title"] for m in mentions if m.get("title"))
        codes = Counter(m["country_code"] for m in mentions if m.get("country_code"))
        actors.append({
            "actor_id": actor_id,
            "name": _most_common(names) or mentions[0]["text"],
            "actor_type": actor_type,
            "country_code": _most_common(codes),
            "title": _most_common(titles),
            "mention_count": len(mentions),
            "article_count": len({m["article_id"] for m in mentions}),
        })
        for alias, count in sorted(Counter(m["text"] for m in mentions).items()):
            aliases.append({"actor_id": actor_id, "alias": alias, "mention_count": count})
        for m in mentions:
            actor_of[m["mention_id"]] = actor_id
            mention_rows.append({
                "mention_id": m["mention_id"], "article_id": m["article_id"], "start": m["start"],
                "end": m["end"], "actor_id": actor_id, "text": m["text"], "title": m.get("title"),
                "extractor_version": m["extractor_version"],
            })
    mention_rows.sort(key=lambda r: (r["article_id"], r["start"], r["end"]))
    return actors, aliases, mention_rows, actor_of


def _most_common(counter: Counter):
    if not counter:
        return None
    best = max(counter.values())
    return sorted(k for k, v in counter.items() if v == best)[0]


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _deal_instances(articles: dict[str, dict], extractions: dict[str, dict], actor_of: dict[str, str]) -> list[dict]:
    """One instance per (article, deal_ref): type, sector, resources and party actors."""
    instances = []
    for article_id, extraction in extractions.items():
        by_ref: dict[str, list[dict]] = defaultdict(list)
        for dm in extraction["deal_mentions"]:
            by_ref[dm.get("deal_ref") or dm["deal_mention_id"]].append(dm)
        for ref, mentions in by_ref.items():
            parties = {(actor_of[p["mention_id"]], p.get("role") or "party")
                       for dm in mentions for p in dm.get("parties") or [] if p.get("mention_id") in actor_of}
            resources = {r for dm in mentions for r in dm.get("resources") or []}
            types = Counter(dm["deal_type"] for dm in mentions if dm.get("deal_type") in DEAL_TYPES)
            sectors = Counter(dm["sector"] for dm in mentions if dm.get("sector"))
            if not parties and not resources:
                continue  # no evidence of which deal this is: nothing to follow across articles
            instances.append({
                "article": articles[article_id],
                "ref": ref,
                "mention_ids": [dm["deal_mention_id"] for dm in mentions],
                "deal_type": _most_common(types) or "other",
                "sector": _most_common(sectors) or "other",
                "resources": resources,
                "parties": parties,
                "party_actors": {a for a, _ in parties},
            })
    instances.sort(key=lambda i: (_sort_key_published(i["article"]), i["ref"]))
    return instances


def _same_deal(a: dict, b: dict) -> bool:
    if a["article"]["article_id"] == b["article"]["article_id"]:
        return False  # within an article, deal_ref already decided
    if a["sector"] != b["sector"]:
        return False
    shared_parties = a["party_actors"] & b["party_actors"]
    if a["resources"] and b["resources"]:
        return bool(a["resources"] & b["resources"]) and bool(shared_parties or not (a["party_actors"] and b["party_actors"]))
    return len(shared_parties) >= 2 or (bool(shared_parties) and a["deal_type"] == b["deal_type"])


def resolve_deals(articles: dict[str, dict], extractions: dict[str, dict], actor_of: dict[str, str]) -> dict[str, list[dict]]:
    instances = _deal_instances(articles, extractions, actor_of)
    uf = _UnionFind(len(instances))
    for i in range(len(instances)):
        for j in range(i + 1, len(instances)):
            if _same_deal(instances[i], instances[j]):
                uf.union(i, j)
    clusters: dict[int, list[dict]] = defaultdict(list)
    for i, inst in enumerate(instances):
        clusters[uf.find(i)].append(inst)

    deal_of_mention: dict[str, str] = {}
    deals, parties = [], []
    for members in clusters.values():
        first = members[0]  # earliest reported: instances are sorted by publication
        deal_id = make_id("deal", first["sector"], first["deal_type"], sorted(first["party_actors"]), sorted(first["resources"]),
                          first["article"]["article_id"] if not first["party_actors"] else "")
        published = [m["article"].get("published_at") for m in members if m["article"].get("published_at")]
        deals.append({
            "deal_id": deal_id,
            "deal_type": _most_common(Counter(m["deal_type"] for m in members)),
            "sector": _most_common(Counter(m["sector"] for m in members)),
            "first_reported_at": min(published) if published else None,
            "last_reported_at": max(published) if published else None,
            "article_count": len({m["article"]["article_id"] for m in members}),
            "_resources": sorted({r for m in members for r in m["resources"]}),
            "_party_actors": sorted({a for m in members for a in m["party_actors"]}),
        })
        role_articles: dict[tuple[str, str], set] = defaultdict(set)
        for m in members:
            for mid in m["mention_ids"]:
                deal_of_mention[mid] = deal_id
            for actor_id, role in m["parties"]:
                role_articles[(actor_id, role)].add(m["article"]["article_id"])
        for (actor_id, role), arts in sorted(role_articles.items()):
            parties.append({"deal_id": deal_id, "actor_id": actor_id, "role": role, "article_count": len(arts)})
    return {"deals": deals, "deal_parties": parties, "deal_of_mention": deal_of_mention}


def _deal_rows(extractions, deal_of_mention, actor_of, articles):
    deal_mentions, attributes, events = [], [], []
    for article_id, extraction in extractions.items():
        for dm in extraction["deal_mentions"]:
            deal_id = deal_of_mention.get(dm["deal_mention_id"])
            if deal_id:
                deal_mentions.append({
                    "deal_mention_id": dm["deal_mention_id"], "deal_id": deal_id, "article_id": article_id,
                    "start": dm["start"], "end": dm["end"], "text": dm["text"],
                    "extractor_version": dm["extractor_version"],
                })
        for a in extraction["deal_attributes"]:
            deal_id = deal_of_mention.get(a["deal_mention_id"])
            if deal_id:
                attributes.append({k: a.get(k) for k in TABLES["deal_attributes"].column_names} | {"deal_id": deal_id})
        for e in extraction["deal_events"]:
            deal_id = deal_of_mention.get(e["deal_mention_id"])
            if deal_id:
                row = {k: e.get(k) for k in TABLES["deal_events"].column_names}
                row.update(deal_id=deal_id, actor_id=actor_of.get(e.get("actor_mention_id")))
                events.append(row)
    return deal_mentions, attributes, events


def _event_order(event: dict, articles: dict[str, dict]) -> tuple:
    article = articles[event["article_id"]]
    published = (article.get("published_at") or "")[:10]
    return (event.get("event_date") or published or "0000", article.get("published_at") or "", event["start"])


def _deal_names(deals: list[dict], actors_by_id: dict[str, dict]) -> None:
    for deal in deals:
        names = [actors_by_id[a]["name"] for a in deal.pop("_party_actors") if actors_by_id[a]["actor_type"] in ("country", "organization")]
        resources = deal.pop("_resources")
        parts = [" / ".join(sorted(names)[:3]) or None, ", ".join(r.replace("_", " ") for r in resources[:2]) or None,
                 deal["deal_type"].replace("_", " ")]
        deal["name"] = " ".join(p for p in parts if p)


def _quote_rows(extractions, actor_of, deal_mentions, articles):
    by_article = defaultdict(list)
    for dm in deal_mentions:
        by_article[dm["article_id"]].append(dm)
    rows = []
    for article_id, extraction in extractions.items():
        text = articles[article_id]["text"]
        for q in extraction["quotes"]:
            row = {k: q.get(k) for k in TABLES["quotes"].column_names}
            row["speaker_actor_id"] = actor_of.get(q.get("speaker_mention_id"))
            if row["speaker_actor_id"] is None:
                row["speaker_mention_id"] = None
            row["deal_id"] = _deal_near(q, by_article[article_id], text)
            rows.append(row)
    return rows


def _deal_near(quote: dict, deal_mentions: list[dict], text: str) -> str | None:
    best = None
    for dm in deal_mentions:
        if dm["end"] <= quote["start"]:
            gap = (dm["end"], quote["start"])
        elif dm["start"] >= quote["end"]:
            gap = (quote["end"], dm["start"])
        else:
            return dm["deal_id"]
        distance = gap[1] - gap[0]
        if distance <= QUOTE_DEAL_REACH and "\n\n" not in text[gap[0]:gap[1]]:
            if best is None or distance < best[0]:
                best = (distance, dm["deal_id"])
    return best[1] if best else None


def resolve(articles: list[dict], extractions: dict[str, dict]) -> dict[str, list[dict]]:
    """Release rows for every table but fetch_log, from stored articles and their extractions.

    ``extractions`` maps article_id → extraction (see transforms.extract); articles without
    one are kept with their extraction_status (pending or skipped).
    """
    duplicate_of = mark_duplicates(articles)
    by_id = {a["article_id"]: a for a in articles}
    article_rows = []
    for a in sorted(articles, key=lambda a: a["article_id"]):
        row = {k: a.get(k) for k in TABLES["articles"].column_names}
        row["duplicate_of"] = duplicate_of.get(a["article_id"])
        if a["article_id"] in extractions:
            row["extraction_status"], row["extraction_note"] = "extracted", None
        article_rows.append(row)
    counted = {k: v for k, v in extractions.items() if k not in duplicate_of}

    actors, aliases, mentions, actor_of = resolve_actors(counted)
    deal_result = resolve_deals(by_id, counted, actor_of)
    deal_mentions, attributes, events = _deal_rows(counted, deal_result["deal_of_mention"], actor_of, by_id)
    deals = deal_result["deals"]
    _deal_names(deals, {a["actor_id"]: a for a in actors})
    events_by_deal = defaultdict(list)
    for e in events:
        events_by_deal[e["deal_id"]].append(e)
    for deal in deals:
        timeline = sorted(events_by_deal[deal["deal_id"]], key=lambda e: _event_order(e, by_id))
        latest = timeline[-1] if timeline else None
        deal["status"] = latest["status"] if latest else None
        deal["status_date"] = latest["event_date"] if latest else None

    quotes = _quote_rows(counted, actor_of, deal_mentions, by_id)
    return {
        "articles": article_rows,
        "actors": actors,
        "actor_aliases": aliases,
        "actor_mentions": mentions,
        "quotes": sorted(quotes, key=lambda r: (r["article_id"], r["start"])),
        "deals": sorted(deals, key=lambda r: r["deal_id"]),
        "deal_mentions": sorted(deal_mentions, key=lambda r: (r["article_id"], r["start"])),
        "deal_parties": deal_result["deal_parties"],
        "deal_attributes": sorted(attributes, key=lambda r: (r["article_id"], r["start"], r["attribute_id"])),
        "deal_events": sorted(events, key=lambda r: (r["article_id"], r["start"], r["event_id"])),
    }
