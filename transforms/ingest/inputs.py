"""The URL inputs of an ingest run: feed and sitemap sources as given, URLs, feed entries in; checked
sources, URL inputs (each canonical URL once) in an order that spreads the hosts, and fetch_log rows
for what is refused, out."""
from __future__ import annotations

from transforms.ingest.feeds import compile_patterns, select_entries
from transforms.ingest.reads import failed, log_row
from transforms.ingest.urls import canonical_url, host_of

URL_LIST_SOURCE = "urls"  # the fetch_log/articles source of URLs given directly
FEED_KINDS = ("feed", "sitemap")


# ---- file inputs: published under their source's name, never under the machine's paths ----------


def source_name(folder_name: str) -> str:
    """The name a folder source is published under: the folder's own name (``samples/articles`` →
    ``articles``; a single file's source is the folder it is in)."""
    return folder_name or "files"


def file_label(source: str, relative: str) -> str:
    """How a file input appears in every table and message: ``<source name>:<path in the folder>``
    (``articles:03-grain.txt``), in place of the path on the machine that read it."""
    return f"{source}:{relative}"


def file_of_label(label: str) -> str:
    """The file name of a file label (``articles:sub/03-grain.txt`` → ``03-grain.txt``)."""
    return label.split(":", 1)[-1].rsplit("/", 1)[-1]


def feed_source(entry) -> dict:
    """A feed or sitemap source as {url, kind, name, publisher, include, exclude}, from a URL
    string or a mapping with those keys. ValueError naming the entry when it is unusable."""
    if isinstance(entry, str):
        entry = {"url": entry}
    if not isinstance(entry, dict):
        raise ValueError(f"{entry!r}: a feed source must be a URL or a mapping with a 'url'")
    url = entry.get("url")
    if not isinstance(url, str) or not url.strip():
        raise ValueError(f"{entry.get('name') or repr(entry)}: a feed source needs a 'url'")
    url = url.strip()
    kind = entry.get("kind") or "feed"
    if kind not in FEED_KINDS:
        raise ValueError(f"{url}: unknown kind {kind!r} (expected one of {', '.join(FEED_KINDS)})")
    source = {"url": url, "kind": kind, "name": str(entry.get("name") or url),
              "publisher": entry.get("publisher") or None,
              "include": list(entry.get("include") or []), "exclude": list(entry.get("exclude") or [])}
    for key in ("include", "exclude"):
        compile_patterns(source[key], f"{url}: {key}")  # raises on a bad pattern
    return source


def feed_sources(feeds: list) -> tuple[list[dict], list[dict]]:
    """The usable feed sources (each URL once) and fetch_log rows for the unusable ones."""
    sources, rows, known = [], [], set()
    for entry in feeds:
        try:
            source = feed_source(entry)
        except ValueError as exc:
            name = entry.get("url") or entry.get("name") if isinstance(entry, dict) else str(entry)
            rows.append(log_row(failed(str(name), str(name), exc)))
            continue
        if source["url"] not in known:
            known.add(source["url"])
            sources.append(source)
    return sources, rows


def source_items(source: dict, entries: list[dict], allow_private: bool) -> list[dict]:
    """URL inputs for a source's entries that pass its include/exclude patterns."""
    include = compile_patterns(source["include"], source["url"])
    exclude = compile_patterns(source["exclude"], source["url"])
    kept, _ = select_entries(entries, include, exclude)
    return [{"kind": "url", "url": e["url"], "source": source["name"], "title": e.get("title"),
             "published_at": e.get("published_at"), "publisher": source["publisher"],
             "public_only": not allow_private} for e in kept]


def url_inputs(urls: list[str], feed_items: list[dict]) -> tuple[list[dict], list[dict]]:
    """URL inputs, each canonical URL once (the first listing wins); skipped rows for
    repeats. URLs given directly are fetched wherever they point; feed links only at public
    addresses unless allowed (``public_only``, set by read_feeds)."""
    items, rows, first = [], [], {}
    direct = [{"kind": "url", "url": u, "source": URL_LIST_SOURCE, "public_only": False} for u in urls]
    for item in direct + feed_items:
        url = item["url"].strip()
        key = canonical_url(url)
        if key in first:
            reason = f"listed more than once (first in {first[key]})"
            rows.append(log_row(failed(url, item["source"], reason, skipped=True)))
            continue
        first[key] = item["source"]
        items.append({**item, "url": url, "fetch_url": key})
    return items, rows


def interleave_hosts(items: list[dict]) -> list[dict]:
    """The items reordered round-robin over their hosts, so that parallel workers start on
    different hosts instead of queueing behind one host's rate limit."""
    by_host: dict[str, list[dict]] = {}
    for item in items:
        by_host.setdefault(host_of(item["fetch_url"]), []).append(item)
    queues = list(by_host.values())
    order = []
    for i in range(max((len(q) for q in queues), default=0)):
        order.extend(q[i] for q in queues if i < len(q))
    return order
