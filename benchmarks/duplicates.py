"""Near-duplicate detection (transforms.ingest.duplicates) on synthetic articles: time and accuracy.

    .venv/bin/python benchmarks/duplicates.py [--n 20000] [--copies 0.1] [--words 400] [--seed 7]

Makes N synthetic articles of invented words (a Zipf-like vocabulary of 20,000 made-up words, so
that unrelated articles share common words and short phrases as real news does), of which a share
``--copies`` are syndicated copies of another article: another headline, a byline line, about
3 % of the words replaced, and a third of them cut after their third paragraph. Then times
``find_duplicates`` over all of them (one process; wall clock and CPU time) and prints how many planted copies
it found (recall) and how many of the copies it reported were planted (precision).
"""
from __future__ import annotations

import argparse
import itertools
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from transforms.ingest.duplicates import find_duplicates  # noqa: E402
from transforms.ids import sha256_text  # noqa: E402

SYLLABLES = ["ka", "ro", "ven", "dal", "mi", "sor", "te", "lun", "bra", "qui", "os", "mar", "el", "tav", "ni", "gor"]


def vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))))
    return sorted(words)


def paragraph(rng: random.Random, vocab: list[str], cum_weights: list[float], n_words: int) -> str:
    return " ".join(rng.choices(vocab, cum_weights=cum_weights, k=n_words)) + "."


def original(rng: random.Random, vocab: list[str], weights: list[float], n_words: int) -> str:
    head = paragraph(rng, vocab, weights, 8)
    body = [paragraph(rng, vocab, weights, n_words // 5) for _ in range(5)]
    return "\n\n".join([head, *body])


def syndicated_copy(rng: random.Random, text: str, vocab: list[str]) -> str:
    """Another headline and a byline, ~3 % of the words replaced, sometimes the last paragraphs cut."""
    head, *body = text.split("\n\n")
    if rng.random() < 1 / 3:
        body = body[:3]
    edited = []
    for para in body:
        words = para.split()
        for i in range(len(words)):
            if rng.random() < 0.03:
                words[i] = rng.choice(vocab)
        edited.append(" ".join(words))
    return "\n\n".join(["Another headline for " + head, "By the staff of another outlet, with wire reports", *edited])


def corpus(n: int, copies: float, n_words: int, seed: int) -> tuple[list[dict], dict[str, str]]:
    """n articles and {copy id: id of the article it copies}."""
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    weights = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(vocab))))  # cumulative
    n_copies = int(n * copies)
    articles, planted = [], {}
    for i in range(n - n_copies):
        text = original(rng, vocab, weights, n_words)
        articles.append({"article_id": f"o{i:06d}", "text": text, "published_at": f"2026-01-01T00:00:{i % 60:02d}+00:00"})
    for j in range(n_copies):
        source = rng.choice(articles[: n - n_copies])
        text = syndicated_copy(rng, source["text"], vocab)
        articles.append({"article_id": f"c{j:06d}", "text": text, "published_at": "2026-01-02T00:00:00+00:00"})
        planted[f"c{j:06d}"] = source["article_id"]
    for a in articles:
        a["text_sha256"] = sha256_text(a["text"])
    rng.shuffle(articles)
    return articles, planted


def same_story(planted: dict[str, str]) -> dict[str, str]:
    """Every article id in a planted story -> the story's original."""
    return {**planted, **{o: o for o in planted.values()}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="articles (default 20,000)")
    parser.add_argument("--copies", type=float, default=0.1, help="share of syndicated copies (default 0.1)")
    parser.add_argument("--words", type=int, default=400, help="words per article (default 400)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    articles, planted = corpus(args.n, args.copies, args.words, args.seed)
    words = sum(len(a["text"].split()) for a in articles)
    started, cpu_started = time.perf_counter(), time.process_time()
    found = find_duplicates(articles)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    story = same_story(planted)
    # a copy may be paired with a sibling copy of the same original: right when both share the story
    right = sum(1 for c, o in found.items() if c in story and story.get(o) == story[c])
    recall = sum(1 for c in planted if c in found) / len(planted) if planted else 1.0
    precision = right / len(found) if found else 1.0
    print(f"articles {len(articles):,} ({words:,} words), planted copies {len(planted):,}")
    print(f"find_duplicates: {seconds:.1f} s wall, {len(articles) / seconds:,.0f} articles/s, "
          f"{words / seconds:,.0f} words/s; {cpu:.1f} s CPU ({len(articles) / cpu:,.0f} articles/s; "
          "wall exceeds CPU when other processes share the cores)")
    print(f"copies found {len(found):,}: recall {recall:.4f}, precision {precision:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
