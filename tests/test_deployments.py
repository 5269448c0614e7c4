"""The scheduled deployments of prefect.yaml, built with flow.to_deployment and checked without a
Prefect server (flows/serve.py); prefect.yaml stays in the format `prefect deploy` reads."""
from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from flows.scheduled import follow_sources, release
from flows.serve import DeploymentConfigError, build_deployments


def schedules_of(deployment) -> list[tuple[str, str, bool]]:
    return [(s.schedule.cron, s.schedule.timezone, s.active) for s in deployment.schedules]


def test_the_shipped_deployments(monkeypatch):
    monkeypatch.chdir(ROOT)
    deployments = {d.name: d for d in build_deployments("prefect.yaml")}
    assert sorted(deployments) == ["follow-sources-hourly", "release-daily"]
    follow, daily = deployments["follow-sources-hourly"], deployments["release-daily"]
    assert (follow.flow_name, follow.entrypoint) == (follow_sources.name, "flows/scheduled.py:follow_sources")
    assert follow.parameters == {"sources_file": "sources.yaml", "group": "hourly",
                                 "config": {"store": "output/store"}}
    assert schedules_of(follow) == [("0 * * * *", "UTC", True)]
    assert (daily.flow_name, daily.entrypoint) == (release.name, "flows/scheduled.py:release")
    assert daily.parameters == {"config": {"store": "output/store", "releases": "output/releases"}}
    assert schedules_of(daily) == [("15 5 * * *", "Europe/Berlin", True)]


def test_prefect_yaml_is_in_the_format_prefect_deploy_reads():
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    assert config["name"] == "dealwire" and "pull" in config
    for deployment in config["deployments"]:
        path, _, function = deployment["entrypoint"].partition(":")
        assert (ROOT / path).is_file() and f"def {function}(" in (ROOT / path).read_text(encoding="utf-8")
        assert deployment["work_pool"]["name"] == "dealwire"
        assert all(set(s) <= {"cron", "timezone", "active"} for s in deployment["schedules"])


@pytest.fixture
def project(tmp_path) -> Path:
    """A folder with a copy of prefect.yaml and a sources file of two more groups."""
    shutil.copy(ROOT / "prefect.yaml", tmp_path / "prefect.yaml")
    (tmp_path / "corpus").mkdir()
    (tmp_path / "sources.yaml").write_text(textwrap.dedent("""\
        schedules:
          hourly: {cron: "0 * * * *", timezone: UTC}
          weekdays: {cron: "45 7 * * 1-5", timezone: America/Chicago}
        sources:
          - {name: corpus, publisher: P, kind: folder, path: corpus, schedule: hourly}
          - {name: wire, publisher: W, kind: feed, url: "https://w.example/rss", schedule: weekdays}
          - name: ministry
            publisher: M
            kind: urls
            urls: [https://m.example/1]
            schedule: {cron: "0 */4 * * *", timezone: Asia/Tokyo}
        """), encoding="utf-8")
    return tmp_path


def test_groups_without_a_deployment_get_one_on_their_schedule(project, monkeypatch):
    monkeypatch.chdir(project)
    deployments = {d.name: d for d in build_deployments("prefect.yaml")}
    assert sorted(deployments) == ["follow-sources-hourly", "follow-sources-ministry", "follow-sources-weekdays",
                                   "release-daily"]
    weekdays = deployments["follow-sources-weekdays"]
    assert weekdays.parameters == {"sources_file": "sources.yaml", "group": "weekdays",
                                   "config": {"store": "output/store"}}
    assert schedules_of(weekdays) == [("45 7 * * 1-5", "America/Chicago", True)]
    assert schedules_of(deployments["follow-sources-ministry"]) == [("0 */4 * * *", "Asia/Tokyo", True)]
    assert deployments["follow-sources-ministry"].flow_name == "follow-sources"


def test_sources_option_replaces_the_sources_file_parameter(project, monkeypatch):
    monkeypatch.chdir(project)
    other = project / "other.yaml"
    other.write_text('sources:\n  - {name: c, publisher: P, kind: folder, path: corpus, schedule: hourly}\n'
                     'schedules:\n  hourly: {cron: "0 * * * *", timezone: UTC}\n', encoding="utf-8")
    deployments = {d.name: d for d in build_deployments("prefect.yaml", str(other))}
    assert sorted(deployments) == ["follow-sources-hourly", "release-daily"]
    assert deployments["follow-sources-hourly"].parameters["sources_file"] == str(other)


def test_a_deployment_off_its_groups_schedule_is_refused(project, monkeypatch):
    monkeypatch.chdir(project)
    text = (project / "sources.yaml").read_text(encoding="utf-8").replace('hourly: {cron: "0 * * * *"',
                                                                           'hourly: {cron: "5 * * * *"')
    (project / "sources.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DeploymentConfigError, match="deployment 'follow-sources-hourly' runs at '0 \\* \\* \\* \\*' "
                                                    "UTC, but group 'hourly' of the sources file is '5 \\* \\* \\* \\*'"):
        build_deployments("prefect.yaml")


def test_a_broken_sources_file_is_refused_before_serving(project, monkeypatch):
    monkeypatch.chdir(project)
    text = (project / "sources.yaml").read_text(encoding="utf-8").replace("America/Chicago", "America/Nowhere")
    (project / "sources.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DeploymentConfigError, match=r"sources.yaml: 1 problem:\n  sources.yaml:3: .*America/Nowhere"):
        build_deployments("prefect.yaml")


@pytest.mark.parametrize("change, expected", [
    (("flows/scheduled.py:release", "flows/scheduled.py:nothing"), "cannot be loaded"),
    (("flows/scheduled.py:release", "os.py:getcwd"), "must be flows/<module>.py:<flow function>"),
    (("flows/scheduled.py:release", "flows/scheduled.py:plan_run"), "is not a Prefect flow"),
    (('cron: "15 5 * * *"', 'cron: "15 5 * *"'), "deployment 'release-daily': cron '15 5 \\* \\*' has 4 fields"),
    (("timezone: Europe/Berlin", "timezone: Europe/Nowhere"), "deployment 'release-daily': time zone 'Europe/Nowhere' is not"),
    (("    tags: [dealwire, release]", "    tags: [dealwire, release]\n    schedul: {}"), "unknown keys schedul"),
])
def test_a_broken_prefect_yaml_names_the_deployment_and_the_reason(project, monkeypatch, change, expected):
    monkeypatch.chdir(project)
    text = (project / "prefect.yaml").read_text(encoding="utf-8")
    assert change[0] in text
    (project / "prefect.yaml").write_text(text.replace(change[0], change[1]), encoding="utf-8")
    with pytest.raises(DeploymentConfigError, match=expected):
        build_deployments("prefect.yaml")


def test_serve_refuses_a_missing_prefect_yaml(tmp_path, capsys):
    from flows.cli import main

    assert main(["serve", "--prefect-yaml", str(tmp_path / "none.yaml")]) == 1
    assert "none.yaml: no such file" in capsys.readouterr().err


def test_a_deployment_gets_the_checks_of_dealwire_run(project, monkeypatch):
    """The deployment's config is a RunConfig: the options dealwire run refuses are refused here,
    naming the deployment, before anything is served."""
    monkeypatch.chdir(project)
    text = (project / "prefect.yaml").read_text(encoding="utf-8")
    (project / "prefect.yaml").write_text(text.replace("releases: output/releases",
                                                       "releases: output/releases\n        batch_size: 0"),
                                          encoding="utf-8")
    with pytest.raises(DeploymentConfigError, match="deployment 'release-daily': config: batch_size "
                                                    "\\(--batch-size\\) must be at least 1"):
        build_deployments("prefect.yaml")
    (project / "prefect.yaml").write_text(text.replace("store: output/store\n        releases",
                                                       "store: output/store\n        workers: 2\n"
                                                       "        dask_workers: 2\n        releases"),
                                          encoding="utf-8")
    with pytest.raises(DeploymentConfigError, match="config: give one of workers"):
        build_deployments("prefect.yaml")
