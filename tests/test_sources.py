"""The sources file: parsing and checking (transforms/ingest/sources.py), its files (flows/scheduled.py),
ingest arguments, and `dealwire sources check`. No Prefect server."""
from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT
from flows.cli import main
from flows.scheduled import SourcesFileError, plan_run, read_sources_file
from transforms.ingest.sources import cron_problem, ingest_arguments, parse_sources, parse_url_list, url_wanted
from flows.config import RunConfig

GOOD = textwrap.dedent("""\
    schedules:
      hourly: {cron: "0 * * * *", timezone: Europe/Berlin}
      nightly:
        cron: "@daily"
    sources:
      - name: tidewater-wire
        publisher: Tidewater Wire
        kind: feed
        url: https://tidewater.example/rss.xml
        include: ['/business/', '/energy/']
        exclude: '/opinion/'
        schedule: hourly
      - name: courier-sitemap
        publisher: Vessaria Courier
        kind: sitemap
        url: https://courier.example/sitemap.xml
        schedule: nightly
      - name: ministry
        publisher: Ostrel Ministry of Trade
        kind: urls
        urls:
          - https://trade.ostrel.example/press/1
          - https://trade.ostrel.example/opinion/2
        exclude: ['/opinion/']
        schedule: {cron: "15 */6 * * 1-5", timezone: Europe/Paris}
      - name: local-corpus
        publisher: dealwire samples
        kind: folder
        path: corpus
        schedule: hourly
    """)


def messages(text: str) -> list[tuple[int, str]]:
    return [(e.line, e.message) for e in parse_sources(text).errors]


def test_a_good_file_gives_normalised_sources_and_groups():
    parsed = parse_sources(GOOD)
    assert parsed.ok, parsed.errors
    assert [s["name"] for s in parsed.sources] == ["tidewater-wire", "courier-sitemap", "ministry", "local-corpus"]
    wire = parsed.sources[0]
    assert wire["include"] == ["/business/", "/energy/"] and wire["exclude"] == ["/opinion/"]
    assert wire["schedule"] == {"group": "hourly", "cron": "0 * * * *", "timezone": "Europe/Berlin"}
    assert wire["line"] == 6
    assert parsed.schedules["nightly"]["timezone"] == "UTC"  # the default
    assert parsed.groups() == {
        "hourly": {"cron": "0 * * * *", "timezone": "Europe/Berlin", "sources": ["tidewater-wire", "local-corpus"]},
        "nightly": {"cron": "@daily", "timezone": "UTC", "sources": ["courier-sitemap"]},
        # a schedule of its own makes a group named after the source
        "ministry": {"cron": "15 */6 * * 1-5", "timezone": "Europe/Paris", "sources": ["ministry"]},
    }


def test_the_shipped_sources_file_works_out_of_the_box():
    parsed, _ = read_sources_file(ROOT / "sources.yaml")
    assert parsed.ok, parsed.errors
    assert [(s["name"], s["kind"], s["path"]) for s in parsed.sources] == [
        ("sample-corpus", "folder", "samples/articles")]
    plan = plan_run(ROOT / "sources.yaml", "hourly")
    assert plan["arguments"]["sources"] == [str(ROOT / "samples" / "articles")]


def test_the_commented_examples_of_the_shipped_file_are_valid_too():
    text = (ROOT / "sources.yaml").read_text(encoding="utf-8")
    uncommented = re.sub(r"^  # (- |  )", r"  \1", text, flags=re.M)
    parsed = parse_sources(uncommented)
    assert parsed.ok, parsed.errors
    assert {s["kind"] for s in parsed.sources} == {"folder", "feed", "sitemap", "urls"}


@pytest.mark.parametrize("source, line, expected", [
    ("  - {name: a, publisher: P, kind: feed, url: https://x.example/f, schedule: h, fead: 1}", 4,
     "source 'a': unknown key 'fead'"),
    ("  - {name: a, publisher: P, kind: feed, schedule: h}", 4, "source 'a': missing 'url' for a feed source"),
    ("  - {name: a, publisher: P, kind: folder, schedule: h}", 4, "source 'a': missing 'path' for a folder source"),
    ("  - {name: a, publisher: P, kind: feed, url: 'ftp://x.example/f', schedule: h}", 4,
     "source 'a': url 'ftp://x.example/f' is not an http:// or https:// address"),
    ("  - {name: a, publisher: P, kind: feed, url: https://x.example/f, include: ['(a'], schedule: h}", 4,
     "source 'a': include pattern '(a' is not a valid regular expression"),
    ("  - {name: a, publisher: P, kind: feed, url: https://x.example/f, schedule: {cron: '61 * * * *'}}", 4,
     "source 'a': schedule: cron '61 * * * *': minute value '61' is not in 0-59"),
    ("  - {name: a, publisher: P, kind: feed, url: https://x.example/f, schedule: {cron: '0 * * *'}}", 4,
     "has 4 fields, not 5"),
    ("  - {name: a, publisher: P, kind: feed, url: https://x.example/f,\n"
     "     schedule: {cron: '0 * * * *', timezone: Atlantis/Capital}}", 5,
     "time zone 'Atlantis/Capital' is not an IANA time zone"),
    ("  - {name: a, publisher: P, kind: blog, url: https://x.example/f, schedule: h}", 4, "unknown kind 'blog'"),
    ("  - {name: a, publisher: P, kind: feed, url: https://x.example/f, schedule: weekly}", 4,
     "unknown schedule group 'weekly' (h)"),
    ("  - {name: a, kind: feed, url: https://x.example/f, schedule: h}", 4, "source 'a': missing 'publisher'"),
    ("  - {name: 'a b', publisher: P, kind: feed, url: https://x.example/f, schedule: h}", 4,
     "name 'a b' must be letters, digits"),
    ("  - {name: a, publisher: P, kind: folder, path: x, include: [y], schedule: h}", 4,
     "include filters item URLs of feeds, sitemaps and URL lists, not folders"),
    ("  - {name: a, publisher: P, kind: urls, urls: [https://x.example/1], path: l.txt, schedule: h}", 4,
     "give either 'urls' or 'path', not both"),
    ("  - {name: a, publisher: P, kind: feed, url: https://x.example/f}", 4, "missing 'schedule'"),
])
def test_each_problem_is_reported_with_its_line(source, line, expected):
    text = "schedules:\n  h: {cron: '0 * * * *'}\nsources:\n" + source + "\n"
    found = messages(text)
    assert any(n == line and expected in m for n, m in found), found


def test_every_problem_of_a_file_is_listed_at_once():
    text = textwrap.dedent("""\
        schedules:
          h: {cron: "0 * * * *", timezone: Mars/Olympus}
        colour: blue
        sources:
          - name: a
            publisher: P
            kind: feed
            url: https://x.example/f
            schedule: h
          - name: a
            publisher: Q
            kind: sitemap
            url: https://y.example/s
            schedule: {cron: "0 * * * *"}
        """)
    found = messages(text)
    assert [n for n, _ in found] == [2, 3, 10]
    assert "Mars/Olympus" in found[0][1]
    assert "unknown key 'colour'" in found[1][1]
    assert found[2][1] == "source 'a': duplicate name (first on line 5)"


@pytest.mark.parametrize("text, line, expected", [
    ("", 1, "the file is empty"),
    ("sources: [\n", 2, "not valid YAML"),
    ("- a\n- b\n", 1, "must be a mapping"),
    ("schedules: {}\n", 1, "missing 'sources'"),
    ("sources: []\n", 1, "non-empty list"),
    ("sources:\n  - name: a\n    name: b\n", 3, "'name' given twice (first on line 2)"),
])
def test_malformed_files_say_what_is_wrong(text, line, expected):
    found = messages(text)
    assert any(n == line and expected in m for n, m in found), found


@pytest.mark.parametrize("cron", [
    "0 * * * *", "*/15 * * * *", "30 6 * * 1-5", "0 0 1 jan,jul *", "5,35 8-18/2 * * mon-fri", "@hourly",
    "0 0 * * 7", "61 * * * *", "0 24 * * *", "0 0 0 * *", "0 0 * 13 *", "* * * *",
    "*/0 * * * *", "@fortnightly", "a b c d e", "0 0 * * 8",
])
def test_cron_check_agrees_with_prefect(cron):
    from prefect._internal.schemas.validators import validate_cron_string

    try:
        validate_cron_string(cron)
        prefect_ok = True
    except ValueError:
        prefect_ok = False
    assert (cron_problem(cron) is None) == prefect_ok, cron_problem(cron)


def test_cron_check_is_stricter_than_prefect_on_seconds_and_backward_ranges():
    """Prefect's croniter takes a sixth (seconds) field and ranges such as 5-1; a news source is never
    followed by the second, and a range written backwards is more likely a slip than a wrap-around."""
    assert "has 6 fields, not 5" in cron_problem("0 * * * * *")
    assert "range '5-1' runs backwards" in cron_problem("5-1 * * * *")


def test_ingest_arguments_by_kind():
    parsed = parse_sources(GOOD)
    arguments = ingest_arguments(parsed.sources, "/data/dealwire")
    assert arguments["sources"] == ["/data/dealwire/corpus"]
    assert arguments["urls"] == ["https://trade.ostrel.example/press/1"]  # the opinion page is excluded
    assert arguments["feeds"] == [
        {"url": "https://tidewater.example/rss.xml", "kind": "feed", "name": "tidewater-wire",
         "publisher": "Tidewater Wire", "include": ["/business/", "/energy/"], "exclude": ["/opinion/"]},
        {"url": "https://courier.example/sitemap.xml", "kind": "sitemap", "name": "courier-sitemap",
         "publisher": "Vessaria Courier", "include": [], "exclude": []},
    ]


def test_url_lists_and_filters():
    assert parse_url_list("# ministry\nhttps://a.example/1\n\n  https://a.example/2  \n") == [
        "https://a.example/1", "https://a.example/2"]
    assert url_wanted("https://a.example/business/x", ["/business/"], [])
    assert not url_wanted("https://a.example/sport/x", ["/business/"], [])
    assert not url_wanted("https://a.example/business/opinion/x", ["/business/"], ["/opinion/"])
    assert url_wanted("https://a.example/any", [], [])


def _write(folder: Path, text: str) -> Path:
    path = folder / "sources.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_files_named_by_the_sources_file_are_checked_relative_to_it(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "ministry.txt").write_text("# press\nhttps://m.example/a\nnot a url\n", encoding="utf-8")
    path = _write(tmp_path, """\
        sources:
          - {name: here, publisher: P, kind: folder, path: corpus, schedule: {cron: "@hourly"}}
          - {name: gone, publisher: P, kind: folder, path: missing, schedule: {cron: "@hourly"}}
          - {name: ministry, publisher: P, kind: urls, path: lists/ministry.txt, schedule: {cron: "@daily"}}
          - {name: nolist, publisher: P, kind: urls, path: lists/none.txt, schedule: {cron: "@daily"}}
        """)
    parsed, url_lists = read_sources_file(path)
    found = [(e.line, e.message) for e in parsed.errors]
    assert found[0][0] == 3 and "folder 'missing' does not exist" in found[0][1]
    assert found[1] == (4, "source 'ministry': lists/ministry.txt:3: url 'not a url' is not an http:// or https:// address")
    assert found[2][0] == 5 and "URL list 'lists/none.txt' does not exist" in found[2][1]
    with pytest.raises(SourcesFileError, match=r"sources.yaml: 3 problems:\n  .*sources.yaml:3: source 'gone'"):
        plan_run(path)


def test_plan_of_a_group_reads_url_list_files(tmp_path):
    (tmp_path / "ministry.txt").write_text("https://m.example/press/a\nhttps://m.example/sport/b\n", encoding="utf-8")
    path = _write(tmp_path, """\
        schedules:
          daily: {cron: "0 6 * * *", timezone: Europe/Berlin}
        sources:
          - {name: ministry, publisher: P, kind: urls, path: ministry.txt, exclude: [/sport/], schedule: daily}
          - {name: wire, publisher: W, kind: feed, url: "https://w.example/rss", schedule: {cron: "@hourly"}}
        """)
    plan = plan_run(path, "daily")
    assert plan == {"names": ["ministry"], "arguments": {"sources": [], "urls": ["https://m.example/press/a"],
                                                         "feeds": []}}
    assert plan_run(path, "wire")["arguments"]["feeds"][0]["name"] == "wire"
    with pytest.raises(SourcesFileError, match="no source has schedule group 'weekly'"):
        plan_run(path, "weekly")
    with pytest.raises(SourcesFileError, match="no such file"):
        plan_run(tmp_path / "absent.yaml")


def test_cli_check_prints_problems_line_by_line(tmp_path, capsys):
    path = _write(tmp_path, """\
        sources:
          - name: wire
            publisher: W
            kind: feed
            url: "https://w.example/rss"
            include: ['[unclosed']
            schedule: {cron: "0 25 * * *", timezone: UTC}
        """)
    assert main(["sources", "check", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"{path}:6: source 'wire': include pattern '[unclosed' is not a valid regular expression "
        "(unterminated character set at position 0)",
        f"{path}:7: source 'wire': schedule: cron '0 25 * * *': hour value '25' is not in 0-23",
    ]
    assert f"{path}: 2 problems" in err


def test_cli_check_summarises_a_good_file(capsys):
    assert main(["sources", "check", str(ROOT / "sources.yaml")]) == 0
    out = capsys.readouterr().out
    assert "1 source in 1 schedule group, no problems" in out
    assert "hourly: '0 * * * *' UTC: sample-corpus" in out
    assert "schedule groups without sources (nothing runs for them): morning" in out  # its sources are commented out


def test_cli_check_of_a_missing_file(tmp_path, capsys):
    assert main(["sources", "check", str(tmp_path / "nope.yaml")]) == 1
    assert "nope.yaml: no such file" in capsys.readouterr().err


def test_cli_help_of_the_new_commands(capsys):
    for argv in (["sources", "check", "--help"], ["serve", "--help"]):
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "every problem as FILE:LINE" in out and "--prefect-yaml FILE" in out and "--sources FILE" in out


@pytest.mark.flow
def test_a_scheduled_run_with_a_broken_sources_file_fails_before_writing_anything(prefect_harness, tmp_path):
    from flows.scheduled import follow_sources

    (tmp_path / "corpus").mkdir()
    path = _write(tmp_path, """\
        sources:
          - {name: corpus, publisher: P, kind: folder, path: corpus, schedule: {cron: "@hourly"}}
          - {name: wire, publisher: W, kind: feed, url: "https://w.example/rss", schedule: {cron: "@hourly"},
             exclude: ['*.pdf']}
        """)
    store = tmp_path / "store"
    state = follow_sources(str(path), config=RunConfig(store=store), return_state=True)
    assert state.is_failed()
    with pytest.raises(SourcesFileError, match=r"sources.yaml: 1 problem:\n  .*sources.yaml:4: source 'wire': "
                                               r"exclude pattern '\*.pdf' is not a valid regular expression"):
        state.result()
    assert not store.exists()  # nothing fetched, nothing stored
