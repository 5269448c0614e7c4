"""Syndicated copies: exact and near-duplicate articles, without comparing every pair.

    find_duplicates(articles) -> {article_id: article_id of its original}

The same wire story is often republished by several outlets, with another headline, a byline
or a boilerplate line added, a paragraph cut or added and a few words changed. Counting each
copy's quotes and events would count one statement several times, so a copy is marked with
``duplicate_of`` and its extraction rows are left out of the counted tables (transforms.release.resolve).

How (pure, deterministic: the same articles give the same answer in any order):

1. exact copies: the same ``text_sha256`` are one group, whatever else differs;
2. shingles: the text's words (Unicode word characters, case-folded, so quote-mark styles and
   punctuation do not matter) in overlapping runs of ``SHINGLE_WORDS``, each hashed to 64 bits
   with a keyed BLAKE2b per word (never Python's ``hash()``, which changes between processes);
3. MinHash: ``NUM_PERM`` multiply-add-shift hash functions with parameters derived from
   BLAKE2b, each keeping the smallest value over the shingles;
4. LSH banding: the signature cut into ``BANDS`` bands of ``ROWS`` values; articles sharing a
   band are candidates. Work grows with the number of articles, not with its square; a pair
   is a candidate with probability 1 - (1 - J^ROWS)^BANDS (J the Jaccard similarity: 0.996
   at J = 0.5, 0.29 at J = 0.2, 0.005 at J = 0.05);
5. verification on the exact shingle sets: Jaccard >= ``JACCARD_MIN``, or containment (the
   share of the shorter text's shingles found in the longer) >= ``CONTAINMENT_MIN`` when the
   shorter has at least ``MIN_LENGTH_RATIO`` of the longer's shingles (a copy that adds a
   paragraph or a byline, or cuts the last paragraphs; a round-up that quotes one paragraph
   of a story is not a copy of it);
6. groups: verified pairs are joined transitively (union-find); in each group the earliest
   published article (tie: article_id) is the original and every other one points to it.

Texts with fewer than ``MIN_SHINGLES`` shingles (about 24 words) are only matched exactly: a
few shared phrases would make two short texts look alike.
"""
from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable

import numpy as np

SHINGLE_WORDS = 5
NUM_PERM = 126
BANDS = 42
ROWS = NUM_PERM // BANDS  # 3
JACCARD_MIN = 0.5
CONTAINMENT_MIN = 0.7
MIN_LENGTH_RATIO = 0.5
MIN_SHINGLES = 20  # a text of fewer shingles (about 24 words) is too short to judge: exact copies only
HASH_KEY = b"dealwire-duplicates-v1"  # part of the method: another key may pair other borderline copies

_WORD_RE = re.compile(r"\w+")


def _hash64(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8, key=HASH_KEY).digest(), "little")


def _minhash_parameters(num_perm: int = NUM_PERM) -> tuple[np.ndarray, np.ndarray]:
    """(a, b) of the hash functions h_i(x) = ((a_i * x + b_i) mod 2^64) >> 32, a_i odd."""
    a = np.array([_hash64(f"a{i}".encode()) | 1 for i in range(num_perm)], dtype=np.uint64)
    b = np.array([_hash64(f"b{i}".encode()) for i in range(num_perm)], dtype=np.uint64)
    return a, b


_A, _B = _minhash_parameters()
# Weights that combine the word hashes of a shingle: odd 64-bit constants, one per position.
_POSITION_WEIGHTS = np.array([_hash64(f"w{i}".encode()) | 1 for i in range(SHINGLE_WORDS)], dtype=np.uint64)


def words(text: str) -> list[str]:
    """The words of a text, case-folded: quote marks, dashes and spacing are not words."""
    return _WORD_RE.findall((text or "").casefold())


class _WordHasher:
    """Word -> 64-bit keyed hash, each distinct word hashed once."""

    def __init__(self):
        self.cache: dict[str, int] = {}

    def __call__(self, tokens: list[str]) -> np.ndarray:
        cache = self.cache
        for word in set(tokens):
            if word not in cache:
                cache[word] = _hash64(word.encode("utf-8"))
        return np.fromiter((cache[word] for word in tokens), dtype=np.uint64, count=len(tokens))


def shingle_hashes(text: str, hasher: _WordHasher | None = None, k: int = SHINGLE_WORDS) -> np.ndarray:
    """The sorted, distinct 64-bit hashes of the text's runs of k words (empty if fewer words)."""
    hasher = hasher or _WordHasher()
    word_hashes = hasher(words(text))
    n = len(word_hashes) - k + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint64)
    combined = np.zeros(n, dtype=np.uint64)
    for position in range(k):  # uint64 arithmetic wraps: a polynomial hash mod 2^64
        combined = combined * np.uint64(0x100000001B3) + word_hashes[position:position + n] * _POSITION_WEIGHTS[position]
    return np.unique(combined)


def minhash_signature(shingles: np.ndarray) -> np.ndarray:
    """NUM_PERM uint32 values: the smallest hash of the shingles under each hash function."""
    values = (_A[:, None] * shingles[None, :] + _B[:, None]) >> np.uint64(32)
    return values.min(axis=1).astype(np.uint32)


def similarity(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(Jaccard, containment of the smaller set in the larger) of two sorted shingle sets."""
    if len(a) == 0 or len(b) == 0:
        return 0.0, 0.0
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared / (len(a) + len(b) - shared), shared / min(len(a), len(b))


def is_copy(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two shingle sets are the same story (see the module docstring, step 5)."""
    jaccard, containment = similarity(a, b)
    if jaccard >= JACCARD_MIN:
        return True
    small, large = sorted((len(a), len(b)))
    return containment >= CONTAINMENT_MIN and small >= MIN_LENGTH_RATIO * large


def candidate_pairs(signatures: list[np.ndarray]) -> set[tuple[int, int]]:
    """Index pairs (i < j) whose signatures agree on at least one band."""
    pairs: set[tuple[int, int]] = set()
    for band in range(BANDS):
        buckets: dict[bytes, list[int]] = defaultdict(list)
        lo, hi = band * ROWS, (band + 1) * ROWS
        for i, signature in enumerate(signatures):
            buckets[signature[lo:hi].tobytes()].append(i)
        for members in buckets.values():
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    pairs.add((members[x], members[y]))
    return pairs


class _Groups:
    """Union-find over keys; ``find`` gives a group's representative."""

    def __init__(self):
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        parent = self.parent.setdefault(key, key)
        while parent != key:
            grandparent = self.parent[parent]
            self.parent[key] = grandparent
            key, parent = parent, grandparent
        return key

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _original_order(article: dict) -> tuple[str, str]:
    """Earliest published first; an article without a date comes after every dated one."""
    published = article.get("published_at")
    return (published.isoformat() if hasattr(published, "isoformat") else published or "9999", article["article_id"])


class DuplicateFinder:
    """``find_duplicates`` one article at a time: ``add`` every article, then ``result()``.

    Only what the method needs is kept per article (its id, publication order and text hash, and
    one shingle set per distinct text), never the texts themselves, so that a corpus can be
    streamed through it. The answer does not depend on the order of ``add`` calls.
    """

    def __init__(self):
        self._hasher = _WordHasher()
        self._order: dict[str, tuple[str, str]] = {}     # article_id -> _original_order
        self._digest: dict[str, str] = {}               # article_id -> text hash
        self._shingles: dict[str, np.ndarray] = {}      # text hash -> shingle hashes

    def add(self, article: dict) -> None:
        """Each article needs ``article_id`` and ``text``; ``text_sha256`` (else computed) and
        ``published_at`` (ISO 8601, so that strings sort by time) are used when present. Articles
        with an empty text are never duplicates."""
        text = article.get("text") or ""
        if not text.strip():
            return
        digest = article.get("text_sha256") or hashlib.sha256(text.encode("utf-8")).hexdigest()
        self._order[article["article_id"]] = _original_order(article)
        self._digest[article["article_id"]] = digest
        if digest not in self._shingles:
            self._shingles[digest] = shingle_hashes(text, self._hasher)

    def result(self) -> dict[str, str]:
        """article_id -> article_id of the original, for every exact or near-duplicate copy."""
        groups = _Groups()
        # 1. exact copies: one representative text per hash (the smallest article_id)
        representative: dict[str, str] = {}
        for article_id in sorted(self._digest):
            first = representative.setdefault(self._digest[article_id], article_id)
            groups.union(first, article_id)
        # 2-4. signatures and candidates (short texts are matched exactly only)
        shingles, ids = [], []
        for digest, article_id in representative.items():
            hashes = self._shingles[digest]
            if len(hashes) >= MIN_SHINGLES:
                shingles.append(hashes)
                ids.append(article_id)
        signatures = [minhash_signature(s) for s in shingles]
        # 5. verification, skipping pairs already joined through others
        for i, j in sorted(candidate_pairs(signatures)):
            if groups.find(ids[i]) != groups.find(ids[j]) and is_copy(shingles[i], shingles[j]):
                groups.union(ids[i], ids[j])
        # 6. the earliest published article of each group is the original
        members: dict[str, list[str]] = defaultdict(list)
        for article_id in sorted(self._digest):
            members[groups.find(article_id)].append(article_id)
        duplicate_of = {}
        for group in members.values():
            if len(group) < 2:
                continue
            original = min(group, key=lambda a: self._order[a])
            for article_id in group:
                if article_id != original:
                    duplicate_of[article_id] = original
        return duplicate_of


def find_duplicates(articles: Iterable[dict]) -> dict[str, str]:
    """article_id -> article_id of the original, for every exact or near-duplicate copy.

    Each article needs ``article_id`` and ``text``; ``text_sha256`` (else computed) and
    ``published_at`` (ISO 8601, so that strings sort by time) are used when present. Articles
    with an empty text are never duplicates.
    """
    finder = DuplicateFinder()
    for article in articles:
        finder.add(article)
    return finder.result()
