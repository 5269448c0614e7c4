"""Actor mentions inside one article: people, organisations, countries, anonymous sources, groups.

``find_mentions(doc, article_id)`` turns a parsed article into mention rows (see
``transforms.language.extract`` for the row shape). It works in passes over the spaCy doc, each a
small function that can be tested on its own:

1. named candidates from NER (PERSON, ORG, GPE, NORP), trimmed ("the", "'s", punctuation),
   leading titles moved out of the span, typed (real countries through pycountry, fictional
   countries from GPE and demonyms, the small model's PERSON/ORG errors corrected);
   then places that do not act are dropped (``drop_places``): a city, region or fictional name
   that no demonym of the article backs, used as a place ("in Drysk", "the Greyhollow basin",
   "the line between Lindmoor and Varska", a "WASHINGTON (AP) --" dateline); a real capital that
   acts ("Paris refused", "Washington argued") is its country's government, with its ISO code;
   a state's formal name is the state ("the Federated Republic of Kestria" -> kestria, and "the
   FRK government" after it); bodies of states (the E.U., NATO) are organisations;
2. titles and roles: before the name ("Finance Minister Ada Korvel", "Veldonian President
   Tomas Ilvar": the demonym gives the affiliation; "Kestrian Energy" cut off by the NER from
   "Kestrian Energy Minister Juri Tscharowski" is split into the country and the title),
   appositive ("Lena Droz, a spokeswoman for the Council") and in front ("A spokeswoman for the
   authority, Tilde Marrow, said");
3. person clusters: a surname-only mention joins the full name seen before it (else after it);
   a surname several people of the article share goes by its honorific ("Mrs. Doe" is not
   "John Doe") and otherwise to the bearer named first;
   org short forms and acronyms join the longer name; every later occurrence of a known name
   the NER missed is added;
4. in text order: anonymous sources ("a senior Veldonian official involved in the talks",
   "officials", "a diplomat familiar with the negotiations"), generic groups ("analysts"),
   and definite descriptions ("the official", "the minister") resolved to the most recent
   compatible actor of this article;
5. unnamed sources that speak (``source_descriptions``): the subject of a verb of saying or the
   object of "according to" that is a common noun for people ("the announcer said": anonymous;
   "two speechwriters argued": group), a body ("the network said": organisation), a document
   ("the report says": anonymous source), or an indefinite pronoun ("someone asked");
   a singular definite description of a person named before ("the retired neurosurgeon",
   "the billionaire businessman", "the former senator", "the 43-year-old") is that person when
   the person's title, the words before the name, an appositive or an age ("Droz, 43,") hold
   every content word of the description (``describe_person``; nobody when two people fit).
A two- or three-word name the NER called an organisation is a person when a person's role
stands in apposition ("Nadia Fenwright, a spokeswoman for ...") or "of the <organisation>"
follows it ("Ilse Varnholt of the ... Association"); a name the NER called a person is an
organisation when a company noun stands in apposition ("Brellmark Dredging, a ... company"),
and every occurrence of that name in the article follows; so is a capitalised name of two or more
words ending in an organisation word ("Veldon Mining", "Brask Holdings", "the Orvel Times":
``organisation_name``). "the company" never stands for a university, a ministry or a county.
An ORG entity that is a common noun phrase ("the development bank", "Farmers" opening a
sentence) is no name: the description passes take it ("the bank" -> the bank named before; "the ministry", "the court" only join an
organisation named with that word; "the government" -> the country before it or the only one
named just before). A one-word NORP used as a noun ("Sarnovia reopened talks") is a country.
Across articles, ``transforms.release.resolve.canonical_actor_keys`` joins demonyms, surnames,
spelling variants of full names (``spelling_key``: Tcharovsky / Charovskiy / Tscharowski),
one-letter misspellings, short forms and initials to the actor the corpus names in full.

Pronouns are not mentions: ``resolve_pronoun`` gives the quote code the nearest compatible
antecedent mention.

Modules, in the order the data flows: ``vocabulary`` (the word lists of ``data/*.json`` and the actor
types), ``spelling`` (``norm`` and spelling keys), ``spans`` (``Candidate``, ``SpanSet``), ``countries``,
``genders``, ``transcripts``; step 1: ``entities``, ``titles`` (the leading title split), ``actor_types``,
``places``; step 2: ``titles``; step 3: ``persons``, ``names``; step 4: ``anonymous`` (with ``nouns`` and
``org_descriptions``); step 5: ``sources`` and ``person_descriptions``; then ``rows``. ``pronouns`` serves
the quote code.
"""
from __future__ import annotations

from transforms.language.nlp import doc_text

from .actor_types import governments_of_countries, national_governments, organisation_name, type_candidates
from .anonymous import descriptions
from .countries import (
    capital_of, country_code, demonym_code, demonym_stems, looks_like_demonym, match_demonym, subdivision_country,
)
from .furniture import furniture_spans, in_furniture
from .entities import (
    _common_noun_phrase, _is_junk, entity_candidates, label_candidates, legal_name_candidates, speaker_candidates,
)
from .genders import name_gender, person_genders
from .names import cluster_orgs, propagate_names
from .nouns import descriptor_span, human_noun
from .person_descriptions import describe_person
from .persons import cluster_persons, reclassify_surnames
from .places import after_dateline, drop_places, is_dateline, is_place_use
from .pronouns import coordinated_people, resolve_pronoun
from .rows import to_rows
from .sources import participle_head, source_descriptions
from .spans import Candidate, SpanSet, char_span, span_text, trim_span
from .spelling import acronym, edit_distance, norm, spelling_key, state_short_name
from .titles import attach_titles, split_leading_title, title_after, title_before, title_in_front
from .transcripts import TRANSCRIPT_LABEL_RE, transcript_labels
from .vocabulary import (
    ANON, ANON_HEADS, CAPITALS, COUNTRY, COUNTRY_ALIASES, CUE_LEMMAS, DEAL_NOUNS, DEMONYMS, DOCUMENT_HEADS,
    FEMALE_NAMES, FEMALE_ROLE_WORDS, GROUP, GROUP_HEADS, GROUP_NORP, HONORIFICS, HONORIFICS_F, HONORIFICS_M,
    MALE_NAMES, MALE_ROLE_WORDS, NER_LABELS, NEWSPAPER_WORDS, NOT_COMPANY_WORDS, ORG, ORG_HEADS, ORG_LAST_WORDS,
    ORG_NAME_WORDS, PERSON, PLACE_NOUNS, PRONOUNS, ROLE_WORDS, SAY_LEMMAS, STATE_FORM_WORDS,
    SUPRANATIONAL, TITLE_ABBREVIATIONS, TITLE_MODIFIERS,
)

__all__ = [
    "ANON", "ANON_HEADS", "CAPITALS", "COUNTRY", "COUNTRY_ALIASES", "CUE_LEMMAS", "DEAL_NOUNS", "DEMONYMS",
    "DOCUMENT_HEADS", "FEMALE_NAMES", "FEMALE_ROLE_WORDS", "GROUP", "GROUP_HEADS", "GROUP_NORP", "HONORIFICS",
    "HONORIFICS_F", "HONORIFICS_M", "MALE_NAMES", "MALE_ROLE_WORDS", "NER_LABELS", "NEWSPAPER_WORDS",
    "NOT_COMPANY_WORDS", "ORG", "ORG_HEADS", "ORG_LAST_WORDS", "ORG_NAME_WORDS", "PERSON", "PLACE_NOUNS",
    "PRONOUNS", "ROLE_WORDS", "SAY_LEMMAS", "STATE_FORM_WORDS", "SUPRANATIONAL", "TITLE_ABBREVIATIONS",
    "TITLE_MODIFIERS", "TRANSCRIPT_LABEL_RE",
    "Candidate", "after_dateline", "SpanSet", "acronym", "attach_titles", "capital_of", "char_span", "cluster_orgs",
    "cluster_persons", "coordinated_people", "country_code", "demonym_code", "demonym_stems", "describe_person",
    "descriptions", "descriptor_span", "drop_places", "edit_distance", "entity_candidates", "find_mentions",
    "human_noun", "is_dateline", "is_place_use", "label_candidates", "looks_like_demonym", "match_demonym",
    "name_gender", "norm", "organisation_name", "participle_head", "person_genders", "propagate_names",
    "reclassify_surnames", "resolve_pronoun", "source_descriptions", "span_text", "speaker_candidates",
    "spelling_key", "split_leading_title", "state_short_name", "subdivision_country", "title_after",
    "title_before", "title_in_front", "to_rows", "transcript_labels", "trim_span", "type_candidates",
    # private helpers the unit tests call as ``actors.<name>``
    "_common_noun_phrase", "_is_junk",
]


def find_mentions(doc, article_id: str) -> list[dict]:
    """Actor mentions of one parsed article, sorted by start, one per span."""
    cands = entity_candidates(doc)
    cands.extend(speaker_candidates(doc, cands))
    cands.extend(label_candidates(doc, cands))
    cands = legal_name_candidates(doc, cands)
    furniture = _furniture_tokens(doc)
    cands = [c for c in cands if not any(k in furniture for k in range(c.i, c.j))]
    type_candidates(doc, cands)
    national_governments(doc, cands)
    kept = drop_places(doc, cands, {c.key for c in cands if c.actor_type == COUNTRY and c.key != norm(span_text(doc, c.i, c.j))})
    places = [c for c in cands if all(c is not k for k in kept)]
    cands = kept
    by_token: dict[int, Candidate] = {}
    for c in cands:
        for k in range(c.i, c.j):
            by_token.setdefault(k, c)
    attach_titles(doc, cands, by_token)
    reclassify_surnames(doc, cands)
    cluster_persons(doc, cands)
    cluster_orgs(doc, cands)
    governments_of_countries(doc, cands)
    taken = [k in furniture for k in range(len(doc))]  # no name is taken from the furniture
    for c in cands + places:          # a place stays a place: no later pass makes it an actor
        for k in range(c.i, c.j):
            taken[k] = True
    added = propagate_names(doc, cands, taken)
    if added:
        cands.extend(added)
        cluster_persons(doc, cands)
        for c in added:
            for k in range(c.i, c.j):
                by_token.setdefault(k, c)
    cands.extend(descriptions(doc, article_id, cands, taken, by_token))
    cands.extend(source_descriptions(doc, article_id, cands, taken, by_token))
    return to_rows(doc, cands, article_id)


def _furniture_tokens(doc) -> set[int]:
    """The tokens of the page's furniture (bylines, captions, exchange tags, related stories)."""
    spans = furniture_spans(doc_text(doc))
    return {t.i for t in doc if spans and in_furniture(spans, t.idx, t.idx + len(t))}
