"""Across articles: per-article extractions in, the release tables' rows out.

- actors: mentions grouped by their canonical (actor_type, actor_key) (``canonical_actor_keys``:
  demonyms, mistyped country names and a state's initials to the country, spelling variants of
  a full name to one person, a surname alone to the one full name, an organisation's short form
  or initials to its full name, across articles); actor_id = hash of that key, so adding
  articles never renumbers an actor named in full (a person named with several spellings keeps
  the spelling of the earliest article).
- deals: each article's deal mentions grouped by ``deal_ref`` into article-level deal
  instances, then linked across articles when sector matches and parties or resources
  overlap; deal_id = hash of the earliest-reported instance's key. Parties are compared as
  mapped by ``party_actor_map`` (one actor per country or organisation name across actor
  types and demonyms). An instance named without parties or resources joins the one deal of
  its sector whose parties the article names (``_attach_orphans``), else it is left out.
- status: the latest event by event day (``event_day``: event_date, else publication date,
  never after publication), then publication time, then ``STATUS_RANK``.
- quotes: speakers mapped to actors; a quote is linked to a deal mentioned in or next to it.
- exact and near duplicates (``transforms.ingest.duplicates``: same text hash, or a syndicated copy by
  shingle similarity) keep their article row with ``duplicate_of`` set; their extractions are
  not counted again.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from transforms.ids import make_id
from transforms.schema import DEAL_TYPES, TABLES

# How far (characters, within one paragraph) a deal mention may stand from a quote to link them.
QUOTE_DEAL_REACH = 300


def _sort_key_published(article: dict) -> tuple:
    return (article.get("published_at") or "9999", article["article_id"])


def mark_duplicates(articles: list[dict]) -> dict[str, str]:
    """article_id → article_id of the earliest published copy of the same story: the same
    text, or a near-duplicate (a syndicated copy with another headline, byline or light
    edits; MinHash over word shingles, verified, see transforms.ingest.duplicates)."""
    from transforms.ingest.duplicates import find_duplicates

    return find_duplicates(articles)


_TITLE_WORDS = None
# After a demonym, words that make the whole the state itself ("the Talunan government").
_STATE_WORDS = frozenset({"government", "state", "authorities", "administration"})


def _title_words() -> frozenset[str]:
    global _TITLE_WORDS
    if _TITLE_WORDS is None:
        from transforms.language.actors import ROLE_WORDS, TITLE_MODIFIERS
        _TITLE_WORDS = frozenset(ROLE_WORDS | TITLE_MODIFIERS)
    return _TITLE_WORDS


class ActorForms:
    """What resolving actors across articles needs of the mentions, kept per distinct form
    (actor_type, actor_key, text, name, title, country_code) with its mention count and its
    earliest article, rather than per mention: mentions can be added article by article and
    dropped (``Resolver``). Forms keep the order of their first mention."""

    def __init__(self, article_order: dict[str, object] | None = None):
        self.order = article_order if article_order is not None else {}
        self.forms: dict[tuple, dict] = {}
        self.articles: dict[tuple[str, str], set[int]] = defaultdict(set)   # (type, key) -> article numbers
        self._number: dict[str, int] = {}

    def add(self, mentions: Iterable[dict]) -> None:
        for m in mentions:
            form = (m["actor_type"], m["actor_key"], m.get("text"), m.get("name"), m.get("title"), m.get("country_code"))
            rank = (str(self.order.get(m["article_id"], "")), m["article_id"])
            row = self.forms.get(form)
            if row is None:
                self.forms[form] = {"actor_type": form[0], "actor_key": form[1], "text": form[2], "name": form[3],
                                    "title": form[4], "country_code": form[5], "count": 1, "rank": rank}
            else:
                row["count"] += 1
                if rank < row["rank"]:
                    row["rank"] = rank
            self.articles[form[:2]].add(self._number.setdefault(m["article_id"], len(self._number)))

    def canonical(self) -> dict[tuple[str, str], tuple[str, str]]:
        return _canonical_keys(list(self.forms.values()))

    def actors(self, canonical: dict[tuple[str, str], tuple[str, str]]
               ) -> tuple[list[dict], list[dict], dict[tuple[str, str], str]]:
        """actors and actor_aliases rows, and (actor_type, actor_key) -> actor_id."""
        groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for form in self.forms.values():
            groups[canonical[(form["actor_type"], form["actor_key"])]].append(form)
        actors, aliases, actor_id_of = [], [], {}
        for (actor_type, key), forms in sorted(groups.items()):
            actor_id = make_id("actor", actor_type, key)
            names, titles, codes, texts = Counter(), Counter(), Counter(), Counter()
            for f in forms:
                if f["name"]:
                    names[f["name"]] += f["count"]
                if f["title"]:
                    titles[f["title"]] += f["count"]
                if f["country_code"]:
                    codes[f["country_code"]] += f["count"]
                texts[f["text"]] += f["count"]
            own_names = Counter({n: c for n, c in names.items() if _name_key(n) == key})
            names = own_names or names       # "Marhaven", not its demonym "Marhaveni"
            raw_keys = {(f["actor_type"], f["actor_key"]) for f in forms}
            actors.append({
                "actor_id": actor_id,
                "name": _most_common(names) or forms[0]["text"],
                "actor_type": actor_type,
                "country_code": _most_common(codes),
                "title": _most_common(titles),
                "mention_count": sum(f["count"] for f in forms),
                "article_count": len(set().union(*(self.articles[k] for k in raw_keys))),
            })
            for alias, count in sorted(texts.items()):
                aliases.append({"actor_id": actor_id, "alias": alias, "mention_count": count})
            for k in raw_keys:
                actor_id_of[k] = actor_id
        return actors, aliases, actor_id_of


def canonical_actor_keys(mentions: list[dict], article_order: dict[str, object] | None = None
                         ) -> dict[tuple[str, str], tuple[str, str]]:
    """(actor_type, actor_key) -> the (actor_type, actor_key) of the actor it is, across articles.

    Each article is extracted alone; these rules use what the whole corpus names:

    1. countries: a key that is a country named anywhere (a fictional country is keyed by its
       name) or a demonym of one by the suffix rules (-ian/-an/-i/-ese/-ish/...: "Sarnovian",
       "Marhaveni", plural "Talunans"), whatever type the article gave it (a one-word "person"
       "Marhaven", a "group" "Sarnovia"), is that country; so is a demonym followed only by title
       words that the NER cut off a title ("Sarnovian Finance" of "Sarnovian Finance Minister"),
       and the initials of a state's formal name named anywhere ("FRK", "the FRK government"
       for the Federated Republic of Kestria);
    2. people: full names that are spelling variants of one name are one person
       (``_person_variants``: transliterations such as Tcharovsky / Charovskiy / Tscharowski,
       a one-letter misspelling of the surname with the same first name and a shared title word);
       a one-word person key (a surname alone in an article that never gives the full
       name) joins the one full name in the corpus ending with it (or with a spelling variant
       of it); when several people share the surname, the one whose titles share a word with
       the mention's, if only one does (else it stays apart: two people are never merged on a guess);
    3. organisations: a one-word organisation key joins the one longer organisation name in
       the corpus that starts with it ("Ostrel" -> "Ostrel Energy"), or whose initials it is,
       written in capitals ("SGA" -> "Sarnovian Grid Authority").

    Full names, organisation names and country keys map to themselves, so an actor's id
    (a hash of type and key) does not change when articles are added, unless a new article
    is what resolves a surname or a demonym to its full actor. Of several spellings of one
    person, the key is the spelling of the earliest article in ``article_order`` (article_id ->
    sort key, e.g. publication time): a later article with a new spelling never renames the person.
    """
    forms = ActorForms(article_order)
    forms.add(mentions)
    return forms.canonical()


def _canonical_keys(mentions: list[dict]) -> dict[tuple[str, str], tuple[str, str]]:
    """``canonical_actor_keys`` over distinct mention forms (``ActorForms``), in order of first mention."""
    from transforms.language.actors import acronym, spelling_key

    titles = _title_words()
    keys = {(m["actor_type"], m["actor_key"]) for m in mentions}
    country_names = {k for t, k in keys if t == "country" and k and not k.isupper()}
    # a country key that is a demonym of another country ("sarnovian") is not a country name
    names = {k: k for k in country_names}
    countries = {k: k for k in country_names if _demonym_of(k, names, exclude_self=True) is None}
    country_initials = _country_initials(mentions, countries)

    def country_of(key: str) -> str | None:
        if " " in key:
            first, rest = key.split(" ", 1)
            if all(w in titles for w in rest.split()) or rest in _STATE_WORDS:
                key = first            # "sarnovian finance" (a title cut off), "talunan government"
            else:
                return None
        if key in country_initials:
            return country_initials[key]          # "frk"
        hit = _demonym_of(key, countries)
        if hit is None and key.endswith("s"):
            hit = _demonym_of(key[:-1], countries)     # "talunans"
        return hit

    variant_of = _person_variants(mentions)
    full_by_last: dict[str, set[str]] = defaultdict(set)      # surname's spelling key -> full names
    surnames: set[str] = set()
    titles_of: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        if m["actor_type"] == "person":
            key = variant_of.get(m["actor_key"], m["actor_key"])
            words = key.split()
            if len(words) >= 2:
                surnames.update((words[-1], m["actor_key"].split()[-1]))
                full_by_last[spelling_key(words[-1])].add(key)
                full_by_last[spelling_key(m["actor_key"].split()[-1])].add(key)
            titles_of[key].update((m.get("title") or "").lower().split())
    orgs_by_first: dict[str, set[str]] = defaultdict(set)
    orgs_by_initials: dict[str, set[str]] = defaultdict(set)
    for t, k in keys:
        if t == "organization" and k and " " in k:
            orgs_by_first[k.split()[0]].add(k)
            orgs_by_initials[acronym(k)].add(k)
    capitals = {m["actor_key"] for m in mentions if m["actor_type"] == "organization" and _written_in_capitals(m["text"])}

    out: dict[tuple[str, str], tuple[str, str]] = {}
    for actor_type, key in keys:
        new = (actor_type, variant_of.get(key, key)) if actor_type == "person" else (actor_type, key)
        if actor_type in ("country", "person", "organization", "group") and key and not key.isupper() \
                and not (actor_type == "person" and key in surnames) and ":" not in key:
            country = country_of(key)
            if country is not None and (actor_type != "person" or len(key.split()) <= 2):
                new = ("country", country)
        if new[0] == "person" and " " not in key:
            bearers = sorted(full_by_last.get(spelling_key(key), ()))
            own = titles_of.get(key, set()) - {"the", "of", "and"}
            if len(bearers) > 1:
                bearers = [b for b in bearers if own & titles_of.get(b, set())] if own else []
            elif bearers and own and titles_of.get(bearers[0]) and not own & titles_of[bearers[0]]:
                bearers = []           # "Vell, a farmer" is not Finance Minister Ruta Vell
            if len(bearers) == 1:
                new = ("person", bearers[0])
        elif new[0] == "organization" and " " not in key:
            longer = orgs_by_first.get(key) or (orgs_by_initials.get(key) if key in capitals and len(key) >= 3 else None) or ()
            if len(longer) == 1:
                new = ("organization", next(iter(longer)))
        out[(actor_type, key)] = new
    return out


def _written_in_capitals(text: str) -> bool:
    """ "SGA", "the S.G.A.": initials, not a word that happens to spell them."""
    letters = [ch for ch in (text or "") if ch.isalpha()]
    word = (text or "").split()[-1] if (text or "").split() else ""
    return 2 <= len(letters) and all(ch.isupper() for ch in word if ch.isalpha()) and any(ch.isalpha() for ch in word)


def _country_initials(mentions: list[dict], countries: dict[str, str]) -> dict[str, str]:
    """Initials of the formal names of countries ("FRK" for "the Federated Republic of Kestria",
    named so in some article) -> the country key."""
    from transforms.language.actors import acronym, state_short_name

    out: dict[str, str] = {}
    for m in mentions:
        if m["actor_type"] != "country":
            continue
        for form in (m.get("text"), m.get("name")):
            short = state_short_name(form or "")
            if short and m["actor_key"] in countries and len(acronym(form)) >= 2:
                out.setdefault(acronym(form), m["actor_key"])
    return out


_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def _name_parts(key: str, spelling_key) -> tuple[str, str, str] | None:
    """(first, middle, last) spelling keys of a full-name key; a "Jr."/"III" goes with the
    middle names, so that it must agree too ("john g roberts jr" -> ("iohn", "g jr", "roberts"));
    None when fewer than two names remain."""
    parts = key.split()
    suffixes = [w.strip(".,") for w in parts if w.strip(".,") in _NAME_SUFFIXES]
    words = [spelling_key(w) for w in parts if w.strip(".,") not in _NAME_SUFFIXES]
    words = [w for w in words if w]
    if len(words) < 2:
        return None
    return words[0], " ".join(words[1:-1] + suffixes), words[-1]


# A misspelt surname joins a full name only when they share one of these (besides the first name).
_GENERIC_TITLE_WORDS = frozenset({"the", "of", "and", "a", "an", "for", "minister", "official", "spokesman",
                                  "spokeswoman", "spokesperson", "leader"})


def _person_variants(mentions: list[dict]) -> dict[str, str]:
    """Full-name person key -> the key of the person it is a spelling variant of.

    Two full names are one person when their first and last words have the same spelling key
    (``transforms.language.actors.spelling_key``: transliterations, doubled letters), or when the first
    names have the same spelling key, the surnames (five letters or more) differ by one letter,
    and the titles share a word other than a generic one ("prime", "energy"; a country alone is
    too weak: many people of one country share a first name). A clash of first names ("Pavel" /
    "Juri") never merges. Each group
    is keyed by the spelling of its earliest article (then the most mentioned, then the first
    alphabetically), so that adding later articles does not rename it.
    """
    from transforms.language.actors import edit_distance, spelling_key

    first_seen: dict[str, tuple] = {}
    counts: Counter = Counter()
    titles: dict[str, set[str]] = defaultdict(set)
    for m in mentions:  # distinct forms (ActorForms): each with its count and earliest article
        key = m["actor_key"]
        if m["actor_type"] != "person" or not key or len(key.split()) < 2:
            continue
        first_seen[key] = min(first_seen.get(key, m["rank"]), m["rank"])
        counts[key] += m["count"]
        titles[key].update((m.get("title") or "").lower().split())
    spelled = {k: _name_parts(k, spelling_key) for k in first_seen}
    spelled = {k: v for k, v in spelled.items() if v is not None}
    uf = _UnionFind(len(spelled))
    ordered = sorted(spelled)
    middles: dict[tuple[str, str], set[str]] = defaultdict(set)     # (first, last) -> middle names seen
    for first, middle, last in spelled.values():
        if middle:
            middles[(first, last)].add(middle)
    for a in range(len(ordered)):
        for b in range(a + 1, len(ordered)):
            (fa, ma, la), (fb, mb, lb) = spelled[ordered[a]], spelled[ordered[b]]
            if fa != fb or (ma and mb and ma != mb):
                continue           # "George W. Bush" is not "George H. W. Bush"
            if (not ma or not mb) and len(middles[(fa, la)]) > 1:
                continue           # "George Bush": which of them is not said
            same = la == lb
            if not same and min(len(la), len(lb)) >= 5 and edit_distance(la, lb, 1) == 1:
                same = bool((titles[ordered[a]] & titles[ordered[b]]) - _GENERIC_TITLE_WORDS)
            if same:
                uf.union(a, b)
    groups: dict[int, list[str]] = defaultdict(list)
    for n, key in enumerate(ordered):
        groups[uf.find(n)].append(key)
    out = {}
    for members in groups.values():
        head = min(members, key=lambda k: (first_seen[k], -counts[k], k))
        for k in members:
            out[k] = head
    return out


def resolve_actors(extractions: dict[str, dict], article_order: dict[str, object] | None = None
                   ) -> tuple[list[dict], list[dict], list[dict], dict[str, str]]:
    """actors, actor_aliases, actor_mentions rows, and mention_id → actor_id.

    Mentions are grouped by their canonical (actor_type, actor_key) (``canonical_actor_keys``;
    ``article_order``: article_id -> sort key, publication first, which decides the key of a
    person named with several spellings).
    """
    forms = ActorForms(article_order)
    for extraction in extractions.values():
        forms.add(extraction["mentions"])
    canonical = forms.canonical()
    actors, aliases, actor_id_of = forms.actors(canonical)
    mention_rows, actor_of = [], {}
    for extraction in extractions.values():
        rows = _mention_rows(extraction["mentions"], canonical, actor_id_of)
        mention_rows.extend(rows)
        actor_of.update((r["mention_id"], r["actor_id"]) for r in rows)
    mention_rows.sort(key=lambda r: (r["article_id"], r["start"], r["end"]))
    return actors, aliases, mention_rows, actor_of


def _mention_rows(mentions: list[dict], canonical: dict, actor_id_of: dict) -> list[dict]:
    """One article's actor_mentions rows, by position (same span: by actor, then as extracted)."""
    keyed = []
    for n, m in enumerate(mentions):
        raw = (m["actor_type"], m["actor_key"])
        keyed.append(((m["start"], m["end"], canonical[raw], n), {
            "mention_id": m["mention_id"], "article_id": m["article_id"], "start": m["start"],
            "end": m["end"], "actor_id": actor_id_of[raw], "text": m["text"], "title": m.get("title"),
            "extractor_version": m["extractor_version"],
        }))
    return [row for _, row in sorted(keyed, key=lambda pair: pair[0])]


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


DEMONYM_SUFFIXES = ("ian", "an", "n", "i", "ese", "ish", "ean", "ite")


def _name_key(name: str) -> str:
    return " ".join((name or "").lower().replace("’", "'").split())


def _demonym_of(word: str, countries: dict[str, str], exclude_self: bool = False) -> str | None:
    """The country key a demonym or adjective names: "Sarnovian" -> "sarnovia", "Marhaveni" ->
    "marhaven" (a country name plus a demonym suffix, or minus its last letter plus one).
    ``exclude_self``: only another country's name ("sarnovian" is a demonym of "sarnovia")."""
    word = _name_key(word)
    if word in countries and not exclude_self:
        return word
    for suffix in DEMONYM_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            for candidate in (stem, stem + "a", stem + "e", stem + "o"):
                if candidate in countries and candidate != word:
                    return candidate
    return None


def party_actor_map(actors_by_id: dict[str, dict]) -> dict[str, str | None]:
    """actor_id -> the actor_id to record as a deal party, or None when the actor is no party.

    Actors are already one per country (``canonical_actor_keys`` joins demonyms and mistyped
    countries to their country). Here only the party rules remain: a person whose title begins
    with a demonym ("Veldonian President") stands for that country; other people are kept (deals
    between private persons exist) and dropped later when the deal has other parties; anonymous
    sources, groups and organisations named only by lower-case common nouns ("government",
    "development bank") are descriptions, not identifiable parties: None.
    """
    countries = {_name_key(a["name"]): a["actor_id"] for a in actors_by_id.values() if a["actor_type"] == "country"}
    out: dict[str, str | None] = {}
    for actor_id, actor in actors_by_id.items():
        kind = actor["actor_type"]
        if kind in ("anonymous", "group") or (kind == "organization" and actor["name"] == actor["name"].lower()):
            out[actor_id] = None
        elif kind == "person":
            words = (actor.get("title") or "").split()
            country = _demonym_of(words[0], countries) if words else None
            out[actor_id] = countries[country] if country else actor_id
        else:
            out[actor_id] = actor_id
    return out


def _deal_instances(articles: dict[str, dict], extractions: dict[str, dict], actor_of: dict[str, str],
                    party_of: dict[str, str | None] | None = None, people: set[str] = frozenset()) -> list[dict]:
    """One instance per (article, deal_ref): type, sector, resources and party actors (mapped
    with ``party_of``; people are dropped when two other parties are known)."""
    party_of = party_of or {}
    instances = []
    # The countries and organisations each article names (for deals mentioned without parties).
    article_actors: dict[str, set] = {}
    for article_id, extraction in extractions.items():
        named = {party_of.get(actor_of.get(m["mention_id"]), actor_of.get(m["mention_id"]))
                 for m in extraction["mentions"] if m.get("actor_type") in ("country", "organization")}
        article_actors[article_id] = {a for a in named if a is not None and a not in people}
    for article_id, extraction in extractions.items():
        by_ref: dict[str, list[dict]] = defaultdict(list)
        for dm in extraction["deal_mentions"]:
            by_ref[dm.get("deal_ref") or dm["deal_mention_id"]].append(dm)
        for ref, mentions in by_ref.items():
            parties = set()
            for dm in mentions:
                for p in dm.get("parties") or []:
                    actor_id = actor_of.get(p.get("mention_id"))
                    actor_id = party_of.get(actor_id, actor_id)
                    if actor_id is not None:
                        parties.add((actor_id, p.get("role") or "party"))
            persons = {a for a, _ in parties if a in people}
            if len({a for a, _ in parties} - persons) >= 2:
                parties = {(a, r) for a, r in parties if a not in persons}  # the states or companies are the parties
            resources = {r for dm in mentions for r in dm.get("resources") or []}
            types = Counter(dm["deal_type"] for dm in mentions if dm.get("deal_type") in DEAL_TYPES)
            sectors = Counter(dm["sector"] for dm in mentions if dm.get("sector"))
            orphan = not parties and not resources
            if orphan and not article_actors.get(article_id):
                continue  # no evidence of which deal this is: nothing to follow across articles
            instances.append({
                "orphan": orphan,
                "article_actors": article_actors.get(article_id, set()),
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


def _parties_compatible(a: set, b: set) -> bool:
    """Can two deals, each with the parties its articles name so far, be one deal? A deal whose
    articles name no party fits any; one party named must be a party of the other; two or more
    named on both sides must share two: two offtakes of one metal with different company pairs
    (Glencore with one battery maker, then Glencore with another) are two deals. Checked on the
    whole group found so far, so that a deal without parties does not chain two others together."""
    if not a or not b:
        return True
    return len(a & b) >= min(2, len(a), len(b))


def _attach_orphans(instances: list[dict], uf: _UnionFind) -> None:
    """A deal mentioned without parties or resources ("the minerals agreement that the two
    governments signed in June") joins the one deal of its sector and a compatible type whose
    parties (at least two) are all named in the same article and that was reported no later
    than it; when there is no such deal or more than one, it is left out."""
    groups: dict[int, list[int]] = defaultdict(list)
    for i, inst in enumerate(instances):
        if not inst["orphan"]:
            groups[uf.find(i)].append(i)
    for i, inst in enumerate(instances):
        if not inst["orphan"] or inst["sector"] == "other":
            continue
        candidates = []
        for root, members in groups.items():
            first = instances[members[0]]
            parties = {a for m in members for a in instances[m]["party_actors"]}
            types = {instances[m]["deal_type"] for m in members}
            if first["sector"] != inst["sector"] or len(parties) < 2 or not parties <= inst["article_actors"]:
                continue
            if inst["deal_type"] not in types and inst["deal_type"] not in ("agreement", "contract", "other") \
                    and not types & {"agreement", "contract", "other"}:
                continue
            if _sort_key_published(first["article"]) > _sort_key_published(inst["article"]):
                continue
            if any(instances[m]["article"]["article_id"] == inst["article"]["article_id"] for m in members):
                continue  # within an article, deal_ref already decided
            candidates.append(root)
        if len(candidates) == 1:
            uf.union(candidates[0], i)


def resolve_deals(articles: dict[str, dict], extractions: dict[str, dict], actor_of: dict[str, str],
                  actors_by_id: dict[str, dict] | None = None) -> dict[str, list[dict]]:
    party_of = party_actor_map(actors_by_id) if actors_by_id else {}
    people = {a for a, row in (actors_by_id or {}).items() if row["actor_type"] == "person"}
    instances = _deal_instances(articles, extractions, actor_of, party_of, people)
    uf = _UnionFind(len(instances))
    cluster_parties = {i: set(inst["party_actors"]) for i, inst in enumerate(instances)}
    for i in range(len(instances)):
        for j in range(i + 1, len(instances)):
            if not instances[i]["orphan"] and not instances[j]["orphan"] and _same_deal(instances[i], instances[j]):
                ri, rj = uf.find(i), uf.find(j)
                if ri != rj and _parties_compatible(cluster_parties[ri], cluster_parties[rj]):
                    uf.union(i, j)
                    cluster_parties[uf.find(i)] = cluster_parties[ri] | cluster_parties[rj]
    _attach_orphans(instances, uf)
    clusters: dict[int, list[dict]] = defaultdict(list)
    for i, inst in enumerate(instances):
        clusters[uf.find(i)].append(inst)
    # A deal named without parties or resources that joined no known deal is left out.
    clusters = {root: members for root, members in clusters.items() if not all(m["orphan"] for m in members)}

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


# Tie-break between events of the same day told in the same article: the further a status is
# along the life of a deal, the later it is taken to be (a cancellation ends a deal that was
# rejected, signed or agreed the same day; a signing follows the talks that led to it).
STATUS_RANK = {
    "proposed": 0, "negotiating": 1, "agreed": 2, "stalled": 3, "signed": 4, "rejected": 5,
    "ratified": 6, "implemented": 7, "cancelled": 8,
}


def event_day(event: dict, article: dict) -> str | None:
    """The day an event is placed on for timelines: its event_date, else the publication date of
    its article, and never later than that publication date (what an article says of the future
    -- "is expected to sign next week" -- is the status at publication, not an event to come)."""
    published = (article.get("published_at") or "")[:10] or None
    date = event.get("event_date") or published
    if date and published and date > published:
        return published
    return date


def _event_order(event: dict, articles: dict[str, dict]) -> tuple:
    """Latest status: by event day, then publication time, then how far along the status is."""
    article = articles[event["article_id"]]
    return (event_day(event, article) or "0000", article.get("published_at") or "",
            STATUS_RANK.get(event["status"], -1), event["start"])


def _deal_names(deals: list[dict], actors_by_id: dict[str, dict]) -> None:
    for deal in deals:
        names = [actors_by_id[a]["name"] for a in deal.pop("_party_actors") if actors_by_id[a]["actor_type"] in ("country", "organization")]
        resources = deal.pop("_resources")
        parts = [" / ".join(sorted(names)[:3]) or None, ", ".join(r.replace("_", " ") for r in resources[:2]) or None,
                 deal["deal_type"].replace("_", " ")]
        deal["name"] = " ".join(p for p in parts if p)


def _quote_rows(extractions, actor_of, deal_rows, articles):
    """Quotes with speaker actors and the deal each speaks about.

    ``deal_rows`` are the resolved deal mentions, attributes and events: anything with an
    article_id, a span and a deal_id.
    """
    by_article = defaultdict(list)
    for r in deal_rows:
        by_article[r["article_id"]].append(r)
    rows = []
    for article_id, extraction in extractions.items():
        text = articles[article_id]["text"]
        for q in extraction["quotes"]:
            row = {k: q.get(k) for k in TABLES["quotes"].column_names}
            row["speaker_actor_id"] = actor_of.get(q.get("speaker_mention_id"))
            if row["speaker_actor_id"] is None:
                row["speaker_mention_id"] = None
            row["deal_id"] = quote_deal(q, by_article[article_id], text)
            rows.append(row)
    return rows


def _paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    first = text.rfind("\n\n", 0, start)
    last = text.find("\n\n", end)
    return (0 if first < 0 else first + 2), (len(text) if last < 0 else last)


def quote_deal(quote: dict, deal_rows: list[dict], text: str) -> str | None:
    """The deal a quote speaks about, in order of evidence:

    1. a deal named in or right next to the quote, within its paragraph (``_deal_near``);
    2. the deal its paragraph is about: the one most of the paragraph's deal mentions,
       terms and events belong to (ties: none);
    3. the article's only deal, when the article is about exactly one.
    """
    near = _deal_near(quote, deal_rows, text)
    if near:
        return near
    p0, p1 = _paragraph(text, quote["start"], quote["end"])
    in_paragraph = Counter(r["deal_id"] for r in deal_rows if p0 <= r["start"] and r["end"] <= p1)
    if in_paragraph:
        ranked = in_paragraph.most_common(2)
        if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
            return ranked[0][0]
        return None
    deals = {r["deal_id"] for r in deal_rows}
    return deals.pop() if len(deals) == 1 else None


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


PER_ARTICLE_TABLES = ("articles", "actor_mentions", "quotes", "deal_mentions", "deal_attributes", "deal_events")
CORPUS_TABLES = ("actors", "actor_aliases", "deals", "deal_parties")


class Resolver:
    """The release rows of a corpus in three passes over its articles, holding between passes only
    what links articles to one another, never every text, extraction or row at once:

    1. ``add_article(article)`` for every article (its text is read for the duplicate check);
    2. ``add_extraction(article_id, extraction)`` for every article that has an extraction and
       ``counts(article_id)`` (a copy's extraction is not counted again); then ``link()``, which
       resolves the actors and the deals across articles;
    3. ``article_rows(article, extraction)`` for every article, in article_id order: that
       article's rows of ``PER_ARTICLE_TABLES``, in release order (so that the rows of successive
       articles can be written out as they come); then ``corpus_rows()``: ``CORPUS_TABLES``
       (deal statuses come from the events seen in pass 3).

    Kept between passes: per article its id and publication time; per distinct text its shingles;
    per distinct actor mention form a count (``ActorForms``); the deal mentions and the country
    and organisation mentions of articles that mention a deal; per deal the order of its events.
    """

    def __init__(self, count_duplicates: bool = False):
        from transforms.ingest.duplicates import DuplicateFinder

        self.count_duplicates = count_duplicates
        self._duplicates = DuplicateFinder()
        self.duplicate_of: dict[str, str] | None = None
        self._articles: dict[str, dict] = {}          # article_id -> {article_id, published_at}
        self._forms: ActorForms | None = None
        self._deal_evidence: dict[str, dict] = {}     # article_id -> its deal mentions and named parties
        self._counted: set[str] = set()
        self._linked = False
        self._timelines: dict[str, list[tuple]] = defaultdict(list)

    # ---- pass 1 ----------------------------------------------------------------------------
    def add_article(self, article: dict) -> None:
        if self.duplicate_of is not None:
            raise RuntimeError("add_article after the duplicates were found: every article comes first")
        self._articles[article["article_id"]] = {"article_id": article["article_id"],
                                                 "published_at": article.get("published_at")}
        self._duplicates.add(article)

    # ---- pass 2 ----------------------------------------------------------------------------
    def _end_pass_one(self) -> None:
        """Once every article is in: the copies, and the actor forms ordered by publication."""
        if self.duplicate_of is None:
            self.duplicate_of = self._duplicates.result()
            self._duplicates = None
            self._forms = ActorForms({a: _sort_key_published(m) for a, m in self._articles.items()})

    def counts(self, article_id: str) -> bool:
        """Whether this article's extraction is counted (it is no copy of another, or copies count)."""
        self._end_pass_one()
        return self.count_duplicates or article_id not in self.duplicate_of

    def add_extraction(self, article_id: str, extraction: dict) -> None:
        if not self.counts(article_id):
            return
        if self._linked:
            raise RuntimeError("add_extraction after link(): every extraction comes before")
        self._counted.add(article_id)
        self._forms.add(extraction["mentions"])
        if extraction["deal_mentions"]:
            named = {p.get("mention_id") for dm in extraction["deal_mentions"] for p in dm.get("parties") or []}
            self._deal_evidence[article_id] = {
                "mentions": [{"mention_id": m["mention_id"], "actor_type": m["actor_type"], "actor_key": m["actor_key"]}
                             for m in extraction["mentions"]
                             if m.get("actor_type") in ("country", "organization") or m["mention_id"] in named],
                "deal_mentions": [{k: dm.get(k) for k in ("deal_mention_id", "deal_ref", "parties", "resources",
                                                          "deal_type", "sector")}
                                  for dm in extraction["deal_mentions"]],
            }

    def link(self) -> None:
        """Resolve actors and deals across the added extractions."""
        self._end_pass_one()  # when no extraction was added
        self.canonical = self._forms.canonical()
        self._actors, self._aliases, self.actor_id_of = self._forms.actors(self.canonical)
        self._forms = None
        self.actors_by_id = {a["actor_id"]: a for a in self._actors}
        actor_of = {m["mention_id"]: self.actor_id_of[(m["actor_type"], m["actor_key"])]
                    for evidence in self._deal_evidence.values() for m in evidence["mentions"]}
        deal_result = resolve_deals(self._articles, self._deal_evidence, actor_of, self.actors_by_id)
        self._deal_evidence = {}
        self.deal_of_mention = deal_result["deal_of_mention"]
        self._deals, self._deal_parties = deal_result["deals"], deal_result["deal_parties"]
        _deal_names(self._deals, self.actors_by_id)
        self._linked = True

    # ---- pass 3 ----------------------------------------------------------------------------
    def article_rows(self, article: dict, extraction: dict | None = None,
                     extracted: bool | None = None) -> dict[str, list[dict]]:
        """One article's rows of every per-article table. ``extracted``: whether the article has an
        extraction (default: whether one is given; a copy's need not be read)."""
        if not self._linked:
            raise RuntimeError("article_rows before link()")
        article_id = article["article_id"]
        row = {k: article.get(k) for k in TABLES["articles"].column_names}
        row["duplicate_of"] = self.duplicate_of.get(article_id)
        if extracted is None:
            extracted = extraction is not None
        if extracted:
            row["extraction_status"], row["extraction_note"] = "extracted", None
        out = {name: [] for name in PER_ARTICLE_TABLES}
        out["articles"].append(row)
        if extraction is None or article_id not in self._counted:
            return out
        mentions = _mention_rows(extraction["mentions"], self.canonical, self.actor_id_of)
        actor_of = {m["mention_id"]: m["actor_id"] for m in mentions}
        one = {article_id: extraction}
        deal_mentions, attributes, events = _deal_rows(one, self.deal_of_mention, actor_of, {article_id: article})
        for e in events:
            day = event_day(e, article) if e["event_date"] else None
            self._timelines[e["deal_id"]].append((*_event_order(e, {article_id: article}), article_id, e["status"], day))
        quotes = _quote_rows(one, actor_of, deal_mentions + attributes + events, {article_id: article})
        out["actor_mentions"] = mentions
        out["quotes"] = sorted(quotes, key=lambda r: r["start"])
        out["deal_mentions"] = sorted(deal_mentions, key=lambda r: r["start"])
        out["deal_attributes"] = sorted(attributes, key=lambda r: (r["start"], r["attribute_id"]))
        out["deal_events"] = sorted(events, key=lambda r: (r["start"], r["event_id"]))
        return out

    def corpus_rows(self) -> dict[str, list[dict]]:
        """actors, actor_aliases, deals (with their latest status) and deal_parties."""
        for deal in self._deals:
            timeline = sorted(self._timelines.get(deal["deal_id"], []), key=lambda t: t[:-2])
            latest = timeline[-1] if timeline else None
            deal["status"] = latest[-2] if latest else None
            # The event's own date when it has one (a planned date is capped at publication).
            deal["status_date"] = latest[-1] if latest else None
        return {"actors": self._actors, "actor_aliases": self._aliases,
                "deals": sorted(self._deals, key=lambda r: r["deal_id"]), "deal_parties": self._deal_parties}


def resolve(articles: list[dict], extractions: dict[str, dict], count_duplicates: bool = False) -> dict[str, list[dict]]:
    """Release rows for every table but fetch_log, from stored articles and their extractions.

    ``extractions`` maps article_id → extraction (see transforms.language.extract); articles without
    one are kept with their extraction_status (pending or skipped). A duplicate's rows are left
    out (its article row says ``duplicate_of``) unless ``count_duplicates``: a benchmark scores
    every file on its own, copies included. (``Resolver`` does the same article by article.)
    """
    resolver = Resolver(count_duplicates)
    for article in articles:
        resolver.add_article(article)
    for article_id, extraction in extractions.items():
        resolver.add_extraction(article_id, extraction)
    resolver.link()
    rows: dict[str, list[dict]] = {name: [] for name in PER_ARTICLE_TABLES}
    for article in sorted(articles, key=lambda a: a["article_id"]):
        for name, part in resolver.article_rows(article, extractions.get(article["article_id"])).items():
            rows[name].extend(part)
    return rows | resolver.corpus_rows()
