"""The words the quote rules match, read once from the package data ``data/vocabulary.json``
(verbs of saying, calling and stance, the nouns a speaker speaks through, ...), and the parse tags the steps share."""
from __future__ import annotations

import functools

from transforms.data import load_data


@functools.lru_cache(maxsize=1)
def load_vocabulary() -> dict:
    """The maintained vocabularies (package data ``data/vocabulary.json`` beside this module)."""
    return load_data(__package__, "vocabulary")


_VOCABULARY = load_vocabulary()

# Verbs of speaking in a manner: cues of direct speech ("“Go home,” Ilvar barked"), not of reported clauses.
MANNER_LEMMAS = frozenset(_VOCABULARY["manner_verbs"])
# Verb + particle that say something: cues of direct and indirect speech.
PHRASAL_SPEECH: dict[str, str] = dict(_VOCABULARY["phrasal_speech_verbs"])
# Lemmas of verbs of saying (cues of direct and indirect speech).
SPEECH_LEMMAS = frozenset(_VOCABULARY["speech_verbs"]) | MANNER_LEMMAS
# Verbs that take a quoted word or phrase as a name for something (mixed quotes).
CALL_LEMMAS = frozenset(_VOCABULARY["calling_verbs"])
# Verbs that take a stance on words they repeat: a quoted phrase in their object is the
# subject's words, or words the subject holds up ("criticized the law as a “crazy system”").
STANCE_LEMMAS = frozenset(_VOCABULARY["stance_verbs"])
# Verbs of saying that take a clause as content (indirect speech).
INDIRECT_LEMMAS = SPEECH_LEMMAS - frozenset(_VOCABULARY["not_reporting_verbs"]) - MANNER_LEMMAS
# Speech acts that commit or press someone to act: their "to ..." is what was said ("vowed to
# reopen the mine", "urged farmers to hold the line").
PROMISE_LEMMAS = frozenset(_VOCABULARY["promise_verbs"])
# Forms of verbs of saying that the small model sometimes tags as a noun after a quote (“...,” the two write).
CUE_FORMS = frozenset(_VOCABULARY["noun_tagged_cue_forms"])
# Verbs that say nothing of their subject's words: a quoted phrase in their object is not a quote.
NOT_SAYING = frozenset(_VOCABULARY["not_saying_verbs"])
# Prepositions that open an argument of the verb ("likened the plan to “...”", "accused X of “...”"),
# not an adjunct of time, place or topic ("on “60 Minutes”", "for “The Show”").
ARGUMENT_PREPS = frozenset(_VOCABULARY["argument_prepositions"])
# Prepositions after which the verb's object belongs to the cue, not the quote ("accused X of “...”").
OBJECT_CUE_PREPS = frozenset(_VOCABULARY["object_cue_prepositions"])
# Adjuncts of time and place that the parse may hang on quoted words: they end a held-up phrase.
ADJUNCT_PREPS = frozenset(_VOCABULARY["adjunct_prepositions"])
# Nouns a country speaks through ("the Veldonian government said").
STATE_NOUNS = frozenset(_VOCABULARY["state_nouns"])
# Heads of "X of Y" subjects whose Y speaks ("small groups of protesters chanted").
PART_NOUNS = frozenset(_VOCABULARY["part_nouns"])
# Words besides the actors' pronouns that stand for a speaker named elsewhere, or for the writer.
STAND_IN_EXTRA_WORDS = frozenset(_VOCABULARY["stand_in_words"])
# Words after a comma that end a reported clause: what follows is the writer's ("..., although ...").
CONCESSIVE_WORDS = frozenset(_VOCABULARY["concessive_words"])
# A newspaper's section or genre before a headline's colon ("Analysis: ..."): no speaker.
SECTION_LABELS = frozenset(_VOCABULARY["section_labels"])

# Tags and labels of the parse (structural, kept in code).
FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
RECIPIENT_DEPS = frozenset({"dobj", "dative", "iobj"})
