"""The word lists the actor passes match, read once from ``data/*.json`` beside this package
(titles, organisations, countries, places, names, sources, words), and the actor types."""
from __future__ import annotations

import functools

from transforms.data import load_data as load_package_data

PERSON, ORG, COUNTRY, ANON, GROUP = "person", "organization", "country", "anonymous", "group"
NER_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})


@functools.lru_cache(maxsize=None)
def load_data(name: str) -> dict:
    """One data file of the package: ``data/<name>.json`` beside this module."""
    return load_package_data(__package__, name)


_TITLES = load_data("titles")
_ORGS = load_data("organisations")
_COUNTRIES = load_data("countries")
_PLACES = load_data("places")
_NAMES = load_data("names")
_SOURCES = load_data("sources")
_WORDS = load_data("words")

# --- titles and roles -----------------------------------------------------------------------

# Words that head a title or role ("Minister" in "Finance Minister Ada Korvel").
ROLE_WORDS = frozenset(_TITLES["role_words"])
# Words that may stand inside a title before its head ("Prime", "Deputy Foreign").
TITLE_MODIFIERS = frozenset(_TITLES["title_modifiers"])
# Title modifiers that are content words of a definite description ("the finance minister").
PORTFOLIO_MODIFIERS = frozenset(_TITLES["portfolio_modifiers"])
HONORIFICS_M = frozenset(_TITLES["honorifics_male"])
HONORIFICS_F = frozenset(_TITLES["honorifics_female"])
HONORIFICS = HONORIFICS_M | HONORIFICS_F
# Honorifics that stay part of a title ("King", "Sheikh").
ROYAL_HONORIFICS = frozenset(_TITLES["royal_honorifics"])
FEMALE_ROLE_WORDS = frozenset(_TITLES["female_role_words"])
MALE_ROLE_WORDS = frozenset(_TITLES["male_role_words"])
# Abbreviated titles and the role word a description uses for them ("Sen. Ilvar" ... "the senator").
TITLE_ABBREVIATIONS: dict[str, str] = dict(_TITLES["title_abbreviations"])

# --- unnamed sources and groups -------------------------------------------------------------

# Heads of anonymous-source noun phrases: surface form -> (lemma, plural).
ANON_HEADS: dict[str, tuple[str, bool]] = {}
for _sg, _pl in _SOURCES["anonymous_heads"].items():
    ANON_HEADS[_sg] = (_sg, False)
    ANON_HEADS[_pl] = (_sg, True)
# Plural heads that name a generic group rather than hidden sources.
GROUP_HEADS = frozenset(_SOURCES["group_heads"])
# Unnamed people who are a category rather than a hidden source: plural forms are groups.
GENERIC_HEADS = frozenset(_SOURCES["generic_heads"])
# "people"/"person" only count as sources with one of these right after them.
PEOPLE_QUALIFIERS = frozenset(_SOURCES["people_qualifiers"])
# Nouns for people and bodies of people that the suffix rule misses, and nouns with a person
# suffix that name no person.
HUMAN_NOUNS = frozenset(_SOURCES["human_nouns"])
NOT_HUMAN = frozenset(_SOURCES["not_human"])
HUMAN_SUFFIXES = tuple(_SOURCES["human_suffixes"])
# Compound nouns for people end with one of these ("neurosurgeon", "congressman", "housewife").
HUMAN_TAILS = tuple(_SOURCES["human_tails"])
# Documents that speak for their unnamed authors ("the report says", "according to the poll").
DOCUMENT_HEADS = frozenset(_SOURCES["document_heads"])
# Indefinite pronouns that stand for unnamed people ("someone asked", "many say") -> plural.
INDEFINITE_SOURCES: dict[str, bool] = dict(_SOURCES["indefinite_sources"])

# --- organisations --------------------------------------------------------------------------

# Last words of organisation names ("Brenmark Mining").
ORG_NAME_WORDS = frozenset(_ORGS["org_name_words"])
# Newspaper words are also surnames ("Marjorie Post"): they need "the" before the name ("the Orvel Times").
NEWSPAPER_WORDS = frozenset(_ORGS["newspaper_words"])
# Last words that make a capitalised name an organisation's ("Veldon Mining", "Orvel Times").
ORG_LAST_WORDS = ORG_NAME_WORDS | NEWSPAPER_WORDS | frozenset(_ORGS["org_last_words"])
# Heads of definite descriptions of organisations ("the company") and of a state ("the government").
ORG_HEADS = frozenset(_ORGS["org_heads"])
ORG_HEAD_PHRASES = frozenset(_ORGS["org_head_phrases"])
COMPANY_TRADE_NOUNS = frozenset(_ORGS["company_trade_nouns"])
# Heads of descriptions that name an organisation ("the network said").
ORG_DESCRIPTION_HEADS = ORG_HEADS | frozenset(_ORGS["org_description_heads"])
# Descriptions that may stand for any organisation named just before ("the company").
GENERIC_ORG_DESCRIPTIONS = frozenset(_ORGS["generic_org_descriptions"])
COMPANY_DESCRIPTIONS = frozenset(_ORGS["company_descriptions"])
# Last words of organisations that are not companies, firms or business groups.
NOT_COMPANY_WORDS = frozenset(_ORGS["not_company_words"])
ORG_APPOSITION_HEADS = frozenset(_ORGS["org_apposition_heads"])
ORG_PREMODIFIERS = frozenset(_ORGS["org_premodifiers"])
EXCHANGE_CODES = frozenset(_ORGS["exchange_codes"])
# First words of names that cannot stand for the whole organisation ("National", "Bank").
GENERIC_ORG_WORDS = frozenset(_ORGS["generic_org_words"])

# --- countries and places -------------------------------------------------------------------

# Real-country demonyms (pycountry has none). Plural forms are derived ("Americans").
DEMONYMS: dict[str, str] = dict(_COUNTRIES["demonyms"])
# Country names pycountry spells otherwise, and common short forms.
COUNTRY_ALIASES: dict[str, str] = dict(_COUNTRIES["country_aliases"])
# Capitals of real countries: a capital that acts ("Paris refused") stands for its government.
CAPITALS: dict[str, str] = dict(_COUNTRIES["capitals"])
# Bodies of states that the NER tags as places: organisations, never a country or a place.
SUPRANATIONAL: dict[str, str] = dict(_COUNTRIES["supranational"])
# Suffixes of demonyms, longest first, for fictional countries ("Veldonian" -> "Veldonia").
DEMONYM_SUFFIXES = tuple(_COUNTRIES["demonym_suffixes"])
# Words of a state's formal name ("the Federated Republic of Kestria" is Kestria).
STATE_FORM_WORDS = frozenset(_COUNTRIES["state_form_words"])
# Nouns after which a one-word name is a state's adjective ("Marhaveni government").
STATE_NOUNS = frozenset(_COUNTRIES["state_nouns"])
# NORP words that name political/religious groups rather than nationalities.
GROUP_NORP = frozenset(_COUNTRIES["group_norp"])
LOCAL_PLACE_WORDS = frozenset(_PLACES["local_place_words"])
# Prepositions after which a name is where something happens, not who acts ("talks in Drysk").
LOCATIVE_PREPS = frozenset(_PLACES["locative_prepositions"])
# Nouns after "of" that make the name a place ("the port of Saltreach", "the border town of Varska").
PLACE_NOUNS = frozenset(_PLACES["place_nouns"])
# Nouns of deals: a name before one is a party ("the Taluna deal"), not a place.
DEAL_NOUNS = frozenset(_PLACES["deal_nouns"])
# Words after which "from X" names the other party of a deal ("imports from Kestria").
FROM_PARTY_LEMMAS = frozenset(_PLACES["from_party_lemmas"])
# Nouns of links between places ("the line between Lindmoor and Varska").
ROUTE_NOUNS = frozenset(_PLACES["route_nouns"])
# Verbs of motion: "to" after them is where ("travelled to Telvadra"), not whom ("a loan to Sarnovia").
MOTION_LEMMAS = frozenset(_PLACES["motion_lemmas"])

# --- names ----------------------------------------------------------------------------------

# Common English given names whose bearers are nearly all of one gender: a prior for "he"/"she"
# when the article shows nothing better (a title, an honorific) for a person.
FEMALE_NAMES = frozenset(_NAMES["female_names"])
MALE_NAMES = frozenset(_NAMES["male_names"])
# Capitalised paragraph openers that are no speaker ("UPDATE: ...", "CORRECTION: ...").
LABEL_STOP = frozenset(_NAMES["label_stop"])

# --- function words and verbs ---------------------------------------------------------------

PRONOUNS: dict[str, str] = dict(_WORDS["pronouns"])
# Verbs of saying whose proper-noun subject is an actor even when the NER missed it.
SAY_LEMMAS = frozenset(_WORDS["say_lemmas"])
# Verbs whose subject (or "according to" object) is a source ("the announcer said").
CUE_LEMMAS = SAY_LEMMAS | frozenset(_WORDS["cue_lemmas"])
PARTICIPLE_PREPS = frozenset(_WORDS["participle_prepositions"])
DATE_WORDS = frozenset(_WORDS["date_words"])
STOP = frozenset(_WORDS["stop_words"])
DEFINITE = frozenset(_WORDS["definite_determiners"])
# Verbs of a title-case headline the NER runs into a name ("Obama Says"): split off, no part of the name.
HEADLINE_VERBS = frozenset(_WORDS["headline_verbs"])
# Words of a description that say nothing about which person it is.
# "former" is kept: "the former senator" is not a sitting one.
DESCRIPTION_FILLER = (TITLE_MODIFIERS - {"former"}) | DEFINITE | frozenset(_SOURCES["description_filler"])

# Possessive endings (tokens of the parse; structural, kept in code).
POSS = frozenset({"'s", "’s", "'", "’"})

# Legal forms that end a company's name ("Glencore Plc", "Missouri Cobalt LLC", "IXM SA").
LEGAL_FORMS = frozenset(_ORGS["legal_forms"])

# A state's own government named without the state ("the Centre", "the Federal Government").
NATIONAL_GOVERNMENT_NAMES = frozenset(_ORGS["national_government_names"])
# Abbreviations tagged ORG that name a thing ("LNG", "EV"), not an actor.
NOT_ORGANISATIONS = frozenset(_ORGS["not_organisations"])
