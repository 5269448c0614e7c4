"""The sources file: what scheduled runs follow, parsed and checked. Pure: text in, sources or errors out.

    schedules:                      # named groups of sources that run together
      hourly: {cron: "0 * * * *", timezone: Europe/Berlin}
    sources:
      - name: sample-corpus          # letters, digits, '.', '_', '-'; unique
        publisher: dealwire samples
        kind: folder                 # feed | sitemap | urls | folder
        path: samples/articles       # folder: a path; urls: a list under `urls` or a text file under `path`
        schedule: hourly             # a group above, or {cron: "…", timezone: "…"} of its own
      - name: harbour-wire
        publisher: Harbour Wire
        kind: feed
        url: https://news.example/harbour/rss.xml
        include: ['/business/']       # regexes searched in each item URL; an item must match one
        exclude: ['/opinion/']        # … and none of these
        schedule: hourly

``parse_sources(text)`` returns a ``SourcesFile``: the normalised sources and schedule groups, or
every problem found, each with its line number (unknown keys, missing or wrong values, bad regexes,
cron strings and time zones, duplicate names…), so that one check lists them all.

A source with a schedule of its own forms a group named after the source. The flows turn the
sources of a group into ingest arguments with ``ingest_arguments``.
"""
from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass, field
from functools import lru_cache
from posixpath import join as posix_join
from urllib.parse import urlsplit

import yaml

KINDS = ("feed", "sitemap", "urls", "folder")
TOP_KEYS = ("schedules", "sources")
SOURCE_KEYS = ("name", "publisher", "kind", "url", "path", "urls", "include", "exclude", "schedule")
SCHEDULE_KEYS = ("cron", "timezone")
DEFAULT_TIMEZONE = "UTC"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

# cron: five fields, each a comma-separated list of *, N, N-M, with an optional /STEP
CRON_FIELDS = (  # (name, lowest, highest, names for values)
    ("minute", 0, 59, ()),
    ("hour", 0, 23, ()),
    ("day of month", 1, 31, ()),
    ("month", 1, 12, ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")),
    ("day of week", 0, 7, ("sun", "mon", "tue", "wed", "thu", "fri", "sat")),
)
CRON_MACROS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")


@dataclass(frozen=True)
class SourceError:
    """One problem in the sources file, at a line (1-based)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class SourcesFile:
    """The parsed file: sources (dicts, file order), schedule groups {name: {cron, timezone, line}},
    and the errors found. The sources are only usable when there are no errors."""

    sources: list[dict] = field(default_factory=list)
    schedules: dict[str, dict] = field(default_factory=dict)
    errors: list[SourceError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def groups(self) -> dict[str, dict]:
        """Every schedule group that has sources: {group: {cron, timezone, sources: [names]}}."""
        groups: dict[str, dict] = {}
        for source in self.sources:
            schedule = source["schedule"]
            group = groups.setdefault(schedule["group"], {"cron": schedule["cron"], "timezone": schedule["timezone"],
                                                          "sources": []})
            group["sources"].append(source["name"])
        return groups


# ---- checks of single values ---------------------------------------------------------------------


def _cron_value(text: str, low: int, high: int, names: tuple[str, ...]) -> int | None:
    if text.isdigit():
        value = int(text)
        return value if low <= value <= high else None
    if text.lower() in names:
        return names.index(text.lower()) + (1 if names[0] == "jan" else 0)
    return None


def _cron_item_problem(item: str, name: str, low: int, high: int, names: tuple[str, ...]) -> str | None:
    base, _, step = item.partition("/")
    if step and (not step.isdigit() or int(step) == 0):
        return f"{name} step {step!r} is not a positive number"
    if base == "*":
        return None
    start, dash, end = base.partition("-")
    for part in (start, end) if dash else (start,):
        if _cron_value(part, low, high, names) is None:
            return f"{name} value {part!r} is not in {low}-{high}"
    if dash and _cron_value(start, low, high, names) > _cron_value(end, low, high, names):
        return f"{name} range {base!r} runs backwards"
    return None


def cron_problem(expression: object) -> str | None:
    """Why ``expression`` is not a five-field cron string (or a macro such as @hourly); None if it is."""
    if not isinstance(expression, str) or not expression.strip():
        return "cron must be a string such as \"0 * * * *\""
    text = expression.strip()
    if text.startswith("@"):
        return None if text.lower() in CRON_MACROS else f"unknown cron macro {text!r} (one of {', '.join(CRON_MACROS)})"
    fields = text.split()
    if len(fields) != 5:
        return f"cron {text!r} has {len(fields)} fields, not 5 (minute hour day-of-month month day-of-week)"
    for value, (name, low, high, names) in zip(fields, CRON_FIELDS):
        for item in value.split(","):
            if problem := _cron_item_problem(item, name, low, high, names):
                return f"cron {text!r}: {problem}"
    return None


@lru_cache(maxsize=1)
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def timezone_problem(name: object) -> str | None:
    """Why ``name`` is not an IANA time zone (e.g. Europe/Berlin, UTC); None if it is."""
    if isinstance(name, str) and name in _timezones():
        return None
    return f"time zone {name!r} is not an IANA time zone name such as Europe/Berlin or UTC"


def regex_problem(pattern: object) -> str | None:
    if not isinstance(pattern, str):
        return f"pattern {pattern!r} is not a string"
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"pattern {pattern!r} is not a valid regular expression ({exc})"
    return None


def url_problem(url: object) -> str | None:
    if not isinstance(url, str):
        return f"url {url!r} is not a string"
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"url {url!r} is not an http:// or https:// address"
    return None


def name_problem(name: object, what: str) -> str | None:
    if isinstance(name, str) and NAME_PATTERN.match(name):
        return None
    return f"{what} {name!r} must be letters, digits, '.', '_' or '-' (starting with a letter or digit)"


# ---- YAML nodes, with their lines ----------------------------------------------------------------


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _value(node: yaml.Node):
    """The plain Python value of a node (scalars, lists, mappings)."""
    return yaml.SafeLoader("").construct_object(node, deep=True)


def _entries(node: yaml.MappingNode, errors: list[SourceError], where: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    """{key: (key node, value node)} of a mapping; an error for each non-string or repeated key."""
    entries: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key_node, value_node in node.value:
        key = _value(key_node) if isinstance(key_node, yaml.ScalarNode) else None
        if not isinstance(key, str):
            errors.append(SourceError(_line(key_node), f"{where}: keys must be names, not {key!r}"))
        elif key in entries:
            errors.append(SourceError(_line(key_node), f"{where}: {key!r} given twice (first on line "
                                                       f"{_line(entries[key][0])})"))
        else:
            entries[key] = (key_node, value_node)
    return entries


def _unknown_keys(entries: dict, allowed: tuple[str, ...], where: str, errors: list[SourceError]) -> None:
    for key, (key_node, _) in entries.items():
        if key not in allowed:
            errors.append(SourceError(_line(key_node), f"{where}: unknown key {key!r} (allowed: {', '.join(allowed)})"))


def _string_list(node: yaml.Node, what: str, where: str, errors: list[SourceError]) -> list | None:
    """A list of strings (a single string counts as a list of one)."""
    value = _value(node)
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        errors.append(SourceError(_line(node), f"{where}: {what} must be a string or a list of strings"))
        return None
    return [v.strip() for v in values]


# ---- schedules -----------------------------------------------------------------------------------


def _parse_schedule(node: yaml.Node, where: str, errors: list[SourceError]) -> dict | None:
    """{cron, timezone, line} from a mapping node; errors for what is wrong."""
    if not isinstance(node, yaml.MappingNode):
        errors.append(SourceError(_line(node), f"{where}: a schedule is {{cron: \"…\", timezone: \"…\"}}"))
        return None
    before = len(errors)
    entries = _entries(node, errors, where)
    _unknown_keys(entries, SCHEDULE_KEYS, where, errors)
    if "cron" not in entries:
        errors.append(SourceError(_line(node), f"{where}: missing 'cron'"))
        cron = None
    else:
        cron = _value(entries["cron"][1])
        if problem := cron_problem(cron):
            errors.append(SourceError(_line(entries["cron"][1]), f"{where}: {problem}"))
    timezone = DEFAULT_TIMEZONE
    if "timezone" in entries:
        timezone = _value(entries["timezone"][1])
        if problem := timezone_problem(timezone):
            errors.append(SourceError(_line(entries["timezone"][1]), f"{where}: {problem}"))
    if len(errors) > before:
        return None
    return {"cron": " ".join(cron.split()), "timezone": timezone, "line": _line(node)}


def _parse_schedules(node: yaml.Node, errors: list[SourceError]) -> dict[str, dict]:
    if not isinstance(node, yaml.MappingNode):
        errors.append(SourceError(_line(node), "schedules: a mapping of group names to {cron, timezone}"))
        return {}
    schedules = {}
    for name, (key_node, value_node) in _entries(node, errors, "schedules").items():
        if problem := name_problem(name, "schedule group"):
            errors.append(SourceError(_line(key_node), f"schedules: {problem}"))
            continue
        schedule = _parse_schedule(value_node, f"schedule {name!r}", errors)
        if schedule:
            schedules[name] = schedule
    return schedules


# ---- one source ----------------------------------------------------------------------------------


def _source_schedule(entries: dict, where: str, name: str, schedules: dict[str, dict], known_groups: set[str],
                     errors: list[SourceError], line: int) -> dict | None:
    if "schedule" not in entries:
        errors.append(SourceError(line, f"{where}: missing 'schedule' (a group from 'schedules' or "
                                        "{cron, timezone})"))
        return None
    node = entries["schedule"][1]
    if isinstance(node, yaml.ScalarNode):
        group = _value(node)
        if group in schedules:
            return {"group": group, "cron": schedules[group]["cron"], "timezone": schedules[group]["timezone"]}
        if group not in known_groups:  # a group that exists but is broken was reported already
            listed = ", ".join(sorted(known_groups)) or "none defined"
            errors.append(SourceError(_line(node), f"{where}: unknown schedule group {group!r} ({listed})"))
        return None
    schedule = _parse_schedule(node, f"{where}: schedule", errors)
    if schedule is None:
        return None
    if name in known_groups:
        errors.append(SourceError(_line(node), f"{where}: has a schedule of its own, so it forms a group named "
                                               f"{name!r}, which is already a group under 'schedules'"))
        return None
    return {"group": name, "cron": schedule["cron"], "timezone": schedule["timezone"]}


def _source_location(entries: dict, kind: str, where: str, line: int, errors: list[SourceError]) -> dict:
    """url, path and urls of a source, as its kind requires."""
    given = {key: entries[key] for key in ("url", "path", "urls") if key in entries}
    wanted = {"feed": ("url",), "sitemap": ("url",), "folder": ("path",), "urls": ("urls", "path")}[kind]
    for key, (key_node, _) in given.items():
        if key not in wanted:
            errors.append(SourceError(_line(key_node), f"{where}: a {kind} source takes {' or '.join(wanted)}, "
                                                       f"not {key!r}"))
    present = [key for key in wanted if key in given]
    if not present:
        errors.append(SourceError(line, f"{where}: missing {' or '.join(repr(k) for k in wanted)} for a {kind} source"))
    elif len(present) > 1:
        errors.append(SourceError(_line(given[present[1]][0]), f"{where}: give either 'urls' or 'path', not both"))
    location: dict = {"url": None, "path": None, "urls": None}
    if "url" in present:
        url = _value(given["url"][1])
        if problem := url_problem(url):
            errors.append(SourceError(_line(given["url"][1]), f"{where}: {problem}"))
        else:
            location["url"] = url.strip()
    if "path" in present:
        path = _value(given["path"][1])
        if not isinstance(path, str) or not path.strip():
            errors.append(SourceError(_line(given["path"][1]), f"{where}: path must be a non-empty string"))
        else:
            location["path"] = path.strip()
    if "urls" in present:
        node = given["urls"][1]
        urls = _string_list(node, "urls", where, errors)
        item_nodes = node.value if isinstance(node, yaml.SequenceNode) else [node]
        for url, item_node in zip(urls or [], item_nodes):
            if problem := url_problem(url):
                errors.append(SourceError(_line(item_node), f"{where}: {problem}"))
        if urls is not None and not urls:
            errors.append(SourceError(_line(given["urls"][1]), f"{where}: urls is empty"))
        location["urls"] = urls
    return location


def _source_patterns(entries: dict, kind: str, where: str, errors: list[SourceError]) -> dict:
    patterns = {"include": [], "exclude": []}
    for key in patterns:
        if key not in entries:
            continue
        key_node, value_node = entries[key]
        if kind == "folder":
            errors.append(SourceError(_line(key_node), f"{where}: {key} filters item URLs of feeds, sitemaps and "
                                                       "URL lists, not folders"))
            continue
        values = _string_list(value_node, key, where, errors) or []
        for pattern in values:
            if problem := regex_problem(pattern):
                errors.append(SourceError(_line(value_node), f"{where}: {key} {problem}"))
        patterns[key] = values
    return patterns


def _text_field(entries: dict, key: str, where: str, line: int, errors: list[SourceError]) -> str | None:
    if key not in entries:
        errors.append(SourceError(line, f"{where}: missing {key!r}"))
        return None
    value = _value(entries[key][1])
    if not isinstance(value, str) or not value.strip():
        errors.append(SourceError(_line(entries[key][1]), f"{where}: {key} must be a non-empty string"))
        return None
    return value.strip()


def _parse_source(node: yaml.Node, number: int, schedules: dict[str, dict], known_groups: set[str],
                  errors: list[SourceError]) -> dict | None:
    """One normalised source, or None (with errors) when anything about it is wrong."""
    line = _line(node)
    if not isinstance(node, yaml.MappingNode):
        errors.append(SourceError(line, f"source #{number}: a source is a mapping (name, publisher, kind…)"))
        return None
    before = len(errors)
    entries = _entries(node, errors, f"source #{number}")
    name = _text_field(entries, "name", f"source #{number}", line, errors)
    where = f"source {name!r}" if name else f"source #{number}"
    if name and (problem := name_problem(name, "name")):
        errors.append(SourceError(_line(entries["name"][1]), f"{where}: {problem}"))
    _unknown_keys(entries, SOURCE_KEYS, where, errors)
    publisher = _text_field(entries, "publisher", where, line, errors)
    kind = _text_field(entries, "kind", where, line, errors)
    if kind and kind not in KINDS:
        errors.append(SourceError(_line(entries["kind"][1]),
                                  f"{where}: unknown kind {kind!r} (one of {', '.join(KINDS)})"))
        kind = None
    location = _source_location(entries, kind, where, line, errors) if kind else {}
    patterns = _source_patterns(entries, kind, where, errors) if kind else {}
    schedule = _source_schedule(entries, where, name or "", schedules, known_groups, errors, line)
    if len(errors) > before:
        return None
    return {"name": name, "publisher": publisher, "kind": kind, **location, **patterns, "schedule": schedule,
            "line": line}


# ---- the file ------------------------------------------------------------------------------------


def _compose(text: str) -> tuple[yaml.Node | None, SourceError | None]:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader), None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return None, SourceError(mark.line + 1 if mark else 1, f"not valid YAML: {exc.problem or exc}")
    except yaml.YAMLError as exc:
        return None, SourceError(1, f"not valid YAML: {exc}")


def _group_names(node: yaml.Node | None) -> set[str]:
    """Every group name under 'schedules', valid or not (so a broken group is reported once)."""
    if not isinstance(node, yaml.MappingNode):
        return set()
    return {k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)}


def _name_of(node: yaml.Node) -> str | None:
    """The name a source node gives itself, if any (to find duplicates among broken sources too)."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == "name" and isinstance(value_node, yaml.ScalarNode):
                return value_node.value
    return None


def parse_sources(text: str) -> SourcesFile:
    """Parse and check a sources file; every problem is reported with its line."""
    result = SourcesFile()
    root, error = _compose(text)
    if error:
        result.errors.append(error)
        return result
    if root is None:
        result.errors.append(SourceError(1, "the file is empty: it needs a 'sources' list"))
        return result
    if not isinstance(root, yaml.MappingNode):
        result.errors.append(SourceError(_line(root), "the file must be a mapping with 'sources' (and 'schedules')"))
        return result
    entries = _entries(root, result.errors, "top level")
    _unknown_keys(entries, TOP_KEYS, "top level", result.errors)
    schedules_node = entries.get("schedules", (None, None))[1]
    if schedules_node is not None:
        result.schedules = _parse_schedules(schedules_node, result.errors)
    if "sources" not in entries:
        result.errors.append(SourceError(1, "missing 'sources', the list of sources"))
        return result
    sources_node = entries["sources"][1]
    if not isinstance(sources_node, yaml.SequenceNode) or not sources_node.value:
        result.errors.append(SourceError(_line(sources_node), "sources must be a non-empty list of sources"))
        return result
    known_groups, first_line = _group_names(schedules_node), {}
    for number, node in enumerate(sources_node.value, start=1):
        source = _parse_source(node, number, result.schedules, known_groups, result.errors)
        name = _name_of(node)
        if name is not None and name in first_line:
            result.errors.append(SourceError(_line(node), f"source {name!r}: duplicate name (first on "
                                                          f"line {first_line[name]})"))
            continue
        if name is not None:
            first_line[name] = _line(node)
        if source is not None:
            result.sources.append(source)
    result.errors.sort(key=lambda e: e.line)
    return result


# ---- from sources to ingest arguments ------------------------------------------------------------


def select_group(sources: list[dict], group: str | None) -> list[dict]:
    """The sources of one schedule group (every source when ``group`` is None)."""
    return [s for s in sources if group is None or s["schedule"]["group"] == group]


def parse_url_list(text: str) -> list[str]:
    """The URLs of a URL list file: one a line; blank lines and lines starting with '#' are left out."""
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def url_wanted(url: str, include: list[str], exclude: list[str]) -> bool:
    """An item URL is followed when it matches one include pattern (if any) and no exclude pattern."""
    if include and not any(re.search(p, url) for p in include):
        return False
    return not any(re.search(p, url) for p in exclude)


def resolve_path(path: str, base_dir: str) -> str:
    """A source path relative to the sources file's folder (absolute paths stay as they are)."""
    return path if path.startswith("/") or not base_dir else posix_join(base_dir, path)


def ingest_arguments(sources: list[dict], base_dir: str = "", url_lists: dict[str, str] | None = None) -> dict:
    """ingest() arguments for sources: folders → ``sources``, URL lists → ``urls`` (filtered by
    include/exclude), feeds and sitemaps → ``feeds`` as dicts {url, kind, name, publisher, include,
    exclude}. ``url_lists`` holds the text of each URL-list file, keyed by source name."""
    url_lists = url_lists or {}
    arguments: dict[str, list] = {"sources": [], "urls": [], "feeds": []}
    for source in sources:
        kind = source["kind"]
        if kind == "folder":
            arguments["sources"].append(resolve_path(source["path"], base_dir))
        elif kind == "urls":
            urls = source["urls"] if source["urls"] is not None else parse_url_list(url_lists[source["name"]])
            arguments["urls"] += [u for u in urls if url_wanted(u, source["include"], source["exclude"])]
        else:
            arguments["feeds"].append({"url": source["url"], "kind": kind, "name": source["name"],
                                       "publisher": source["publisher"], "include": list(source["include"]),
                                       "exclude": list(source["exclude"])})
    arguments["urls"] = list(dict.fromkeys(arguments["urls"]))
    return arguments
