"""The scorer's errors, each kind listed on its own: which system quotes and gold attributions
``../shared/bench/score_quotes.py`` counts against us, with its own matching rules.

    .venv/bin/python benchmarks/quote_errors.py GOLD_DIR SYSTEM_JSONL [--errors N]

Kinds: ``FP`` (a system quote in no gold content), ``FN direct`` / ``FN indirect`` (a gold attribution
not found), ``SPEAKER`` (a found quote whose speaker neither overlaps the gold source nor shares a word
with it), ``RESOLVED`` (speaker_accuracy counts it right, but the speaker's name does not name the gold
source: ``speaker_accuracy_resolved`` counts it wrong) and ``NO_SPEAKER`` (a found quote with no speaker
name). The scorer's own ``--errors N`` stops after N lines in article order, so the kinds that come late
may not show; here each kind gets up to N lines. The figures stay the scorer's (``--json``).
"""
from __future__ import annotations

import importlib.util
import sys
from collections import defaultdict
from pathlib import Path

KINDS = ("FP", "FN direct", "FN indirect", "SPEAKER", "RESOLVED", "NO_SPEAKER")


def load_scorer(path: Path):
    """The shared scorer as a module (read, never copied)."""
    spec = importlib.util.spec_from_file_location("score_quotes", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _owners(quotes: list[dict], attrs: list[dict]) -> dict[int, int]:
    """System quote index -> the gold attribution holding at least half of it (the scorer's rule)."""
    owner = {}
    for qi, q in enumerate(quotes):
        best, best_ov = None, 0
        for ai, a in enumerate(attrs):
            ov = len(q["chars"] & a["chars"])
            if ov > best_ov:
                best, best_ov = ai, ov
        if q["chars"] and best is not None and best_ov * 2 >= len(q["chars"]):
            owner[qi] = best
    return owner


def _speaker_errors(scorer, name: str, q: dict, a: dict, text: str) -> list[tuple[str, str]]:
    """The speaker kinds a found gold attribution falls into (none when the speaker is right)."""
    sw = scorer.words(q.get("speaker"))
    ok = bool(q["speaker_chars"] & a["source_chars"]) or bool(sw & scorer.words(a["source_text"])) \
        or bool(sw & scorer.words(a["source_resolved"]))
    gold_name = a["source_resolved"] if a["source_text"].lower() in scorer.PRONOUNS else a["source_text"]
    written = text[q["speaker_start"]:q["speaker_end"]] if q.get("speaker_start") is not None else None
    line = (f"{name}: got {q.get('speaker')!r} (written {written!r}), gold {a['source_text']!r}"
            f" ({a['source_resolved']!r}); quote {a['text'][:80]!r}")
    out = []
    if not ok:
        out.append(("SPEAKER", line))
    elif not sw & scorer.words(gold_name):
        out.append(("RESOLVED", line))
    if not q.get("speaker"):
        out.append(("NO_SPEAKER", line))
    return out


def classify(scorer, docs: dict, system: dict) -> dict[str, list[str]]:
    """Every error line of every kind, in article order."""
    errors: dict[str, list[str]] = defaultdict(list)
    for name, doc in docs.items():
        attrs, quotes, text = doc["attrs"], system.get(name, []), doc["text"]
        owner = _owners(quotes, attrs)
        for qi, q in enumerate(quotes):
            if qi not in owner:
                errors["FP"].append(f"{name}: {text[int(q['start']):int(q['end'])][:120]!r}")
        for ai, a in enumerate(attrs):
            if a["group"] == "other":
                continue
            mine = [qi for qi, o in owner.items() if o == ai]
            covered = set().union(*(quotes[qi]["chars"] for qi in mine)) if mine else set()
            if not len(covered & a["chars"]) * 2 >= len(a["chars"]) > 0:
                errors[f"FN {a['group']}"].append(f"{name}: {a['text'][:120]!r}")
                continue
            if a["source_text"]:
                q = quotes[max(mine, key=lambda qi: len(quotes[qi]["chars"] & a["chars"]))]
                for kind, line in _speaker_errors(scorer, name, q, a, text):
                    errors[kind].append(line)
    return errors


def report(errors: dict[str, list[str]], limit: int) -> list[str]:
    """Up to ``limit`` lines of each kind under a header with the kind's count."""
    lines = []
    for kind in KINDS:
        found = errors.get(kind, [])
        lines.append(f"== {kind}: {len(found)}")
        lines.extend(f"{kind} {line}" for line in found[:limit])
    return lines


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) < 2:
        print(__doc__)
        return 2
    limit = int(argv[argv.index("--errors") + 1]) if "--errors" in argv else 20
    scorer = load_scorer(Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "score_quotes.py")
    docs = scorer.load_gold(argv[0])
    for line in report(classify(scorer, docs, scorer.load_system(argv[1], docs)), limit):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
