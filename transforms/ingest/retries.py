"""URLs of a feed or sitemap source that failed for a reason that may pass: the source's retry list
(URL -> attempts, reason, first failure, entry title and date) in; URL inputs to fetch again and the
list after this run out."""
from __future__ import annotations


def retry_items(source: dict, retries: dict[str, dict], allow_private: bool) -> list[dict]:
    """URL inputs for what earlier runs of the source failed to fetch and have not fetched since."""
    return [{"kind": "url", "url": url, "source": source["name"], "title": info.get("title"),
             "published_at": info.get("published_at"), "publisher": source["publisher"],
             "public_only": not allow_private, "retry_attempts": info.get("attempts", 0)}
            for url, info in retries.items()]


def next_retries(source_name: str, previous: dict[str, dict], items: list[dict], row_of: dict[tuple, dict],
                 retryable: set[str], max_runs: int) -> dict[str, dict]:
    """The source's retry list after this run: its URLs that failed retryably (``retryable``), with
    how many runs they failed in; those that succeeded or failed for good are dropped. A URL that
    failed in ``max_runs`` runs is given up, and its fetch_log row (in ``row_of``, by (input,
    source)) says so."""
    pending = {}
    for item in items:
        row = row_of.get((item["url"], item["source"]))
        if item["source"] != source_name or row is None or item["url"] not in retryable:
            continue
        before = previous.get(item["url"], {})
        attempts = before.get("attempts", 0) + 1
        if attempts >= max_runs:
            row["reason"] = f"{row['reason']}; given up after failing in {attempts} runs"
            continue
        pending[item["url"]] = {"attempts": attempts, "reason": row["reason"],
                                "first_failed": before.get("first_failed", row["retrieved_at"]),
                                "title": item.get("title"), "published_at": item.get("published_at")}
    return pending
