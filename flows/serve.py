"""`dealwire serve`: the deployments of prefect.yaml, served from one process against a Prefect server.

    build_deployments("prefect.yaml", sources_file=None) -> [RunnerDeployment]   (no server needed)
    prefect.serve(*build_deployments("prefect.yaml"))                            (`dealwire serve`: until stopped)

prefect.yaml stays in the format `prefect deploy` reads (name, entrypoint, parameters, schedules
with cron and timezone, work_pool…); here each deployment's flow is imported from its entrypoint
(``flows/scheduled.py:follow_sources`` → ``flows.scheduled.follow_sources``) and turned into a
``RunnerDeployment`` with ``flow.to_deployment``; ``prefect.serve`` runs them all in one process.

The sources file ties in as follows: ``sources_file`` (from ``--sources``) replaces the parameter
of every follow-sources deployment; the file is checked first, so a broken file is refused before
anything is served; a deployment that follows a schedule group must have that group's cron string
and time zone; and every group with sources that no deployment follows gets a deployment
``follow-sources-<group>`` on the group's schedule.
"""
from __future__ import annotations

import importlib
from pathlib import Path

import yaml

import flows  # noqa: F401  (Prefect defaults before Prefect is imported)
from flows.config import DEFAULT_SOURCES_FILE
from transforms.ingest.sources import cron_problem, timezone_problem

DEPLOYMENT_KEYS = ("name", "description", "entrypoint", "tags", "parameters", "schedules", "version",
                   "work_pool", "flow_name", "concurrency_limit", "enforce_parameter_schema", "paused")
FOLLOW_ENTRYPOINT = "flows/scheduled.py:follow_sources"
PACKAGES = ("flows",)  # the only packages entrypoints may point into


class DeploymentConfigError(ValueError):
    """prefect.yaml (or the sources file it uses) cannot be served; the message says where and why."""


# ---- reading prefect.yaml --------------------------------------------------------------------------


def load_prefect_yaml(path: str | Path) -> list[dict]:
    """The deployments listed in a prefect.yaml file, each checked for the keys serving needs."""
    try:
        data = yaml.safe_load(Path(path).read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise DeploymentConfigError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DeploymentConfigError(f"{path}: cannot be read as YAML ({exc})") from None
    deployments = data.get("deployments") if isinstance(data, dict) else None
    if not isinstance(deployments, list) or not deployments:
        raise DeploymentConfigError(f"{path}: no 'deployments' list")
    names = set()
    for number, deployment in enumerate(deployments, start=1):
        where = f"{path}: deployment #{number}"
        if not isinstance(deployment, dict):
            raise DeploymentConfigError(f"{where} is not a mapping")
        unknown = sorted(set(deployment) - set(DEPLOYMENT_KEYS))
        if unknown:
            raise DeploymentConfigError(f"{where}: unknown keys {', '.join(unknown)} for dealwire serve")
        for key in ("name", "entrypoint"):
            if not isinstance(deployment.get(key), str) or not deployment[key].strip():
                raise DeploymentConfigError(f"{where}: missing {key!r}")
        if deployment["name"] in names:
            raise DeploymentConfigError(f"{where}: name {deployment['name']!r} is used twice")
        names.add(deployment["name"])
        if not isinstance(deployment.get("parameters") or {}, dict):
            raise DeploymentConfigError(f"{where}: 'parameters' must be a mapping")
    return deployments


def flow_from_entrypoint(entrypoint: str, where: str = "prefect.yaml"):
    """The flow object an entrypoint ``flows/module.py:function`` names (imported as a module)."""
    from prefect import Flow

    path, _, attribute = entrypoint.partition(":")
    module_name = path.removesuffix(".py").replace("/", ".")
    if not attribute or not path.endswith(".py") or module_name.split(".")[0] not in PACKAGES:
        raise DeploymentConfigError(f"{where}: entrypoint {entrypoint!r} must be flows/<module>.py:<flow function>")
    try:
        candidate = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise DeploymentConfigError(f"{where}: entrypoint {entrypoint!r} cannot be loaded ({exc})") from None
    if not isinstance(candidate, Flow):
        raise DeploymentConfigError(f"{where}: entrypoint {entrypoint!r} is not a Prefect flow")
    return candidate


def schedule_specs(deployment: dict, where: str) -> list[dict]:
    """The cron schedules of a deployment as {cron, timezone, active}; other kinds are refused."""
    specs = []
    for schedule in deployment.get("schedules") or []:
        if not isinstance(schedule, dict) or not isinstance(schedule.get("cron"), str):
            raise DeploymentConfigError(f"{where}: each schedule needs a cron string (got {schedule!r})")
        spec = {"cron": schedule["cron"], "timezone": schedule.get("timezone") or "UTC",
                "active": schedule.get("active", True)}
        if problem := cron_problem(spec["cron"]) or timezone_problem(spec["timezone"]):
            raise DeploymentConfigError(f"{where}: {problem}")
        specs.append(spec)
    return specs


# ---- tying in the sources file ---------------------------------------------------------------------


def source_groups(sources_file: str | Path) -> dict[str, dict]:
    """The schedule groups with sources: {group: {cron, timezone, sources}}; refuses a broken file."""
    from flows.scheduled import SourcesFileError, describe_errors, read_sources_file

    try:
        parsed, _ = read_sources_file(sources_file)
    except SourcesFileError as exc:
        raise DeploymentConfigError(str(exc)) from None
    if parsed.errors:
        raise DeploymentConfigError(describe_errors(sources_file, parsed.errors))
    return parsed.groups()


def same_schedule(spec: dict, group: dict) -> bool:
    return " ".join(spec["cron"].split()) == group["cron"] and spec["timezone"] == group["timezone"]


def follow_specs(specs: list[dict], sources_file: str | None, where: str) -> list[dict]:
    """Check the follow-sources deployments against the sources file; add one for each group
    with sources that none of them follows."""
    follows = [s for s in specs if s["entrypoint"] == FOLLOW_ENTRYPOINT]
    for spec in follows:
        if sources_file:
            spec["parameters"]["sources_file"] = str(sources_file)
    files = {s["parameters"].get("sources_file", DEFAULT_SOURCES_FILE) for s in follows} or {sources_file or DEFAULT_SOURCES_FILE}
    if len(files) > 1:
        raise DeploymentConfigError(f"{where}: follow-sources deployments read different sources files "
                                    f"({', '.join(sorted(files))}); give one with --sources")
    groups = source_groups(files.pop() if not sources_file else sources_file)
    for spec in follows:
        group = spec["parameters"].get("group")
        if group is None:
            return specs  # one deployment follows every source: no group needs one of its own
        if group not in groups:
            raise DeploymentConfigError(f"{where}: deployment {spec['name']!r} follows group {group!r}, which has no "
                                        f"sources (groups with sources: {', '.join(sorted(groups)) or 'none'})")
        for schedule in spec["schedules"]:
            if not same_schedule(schedule, groups[group]):
                raise DeploymentConfigError(
                    f"{where}: deployment {spec['name']!r} runs at {schedule['cron']!r} {schedule['timezone']}, but "
                    f"group {group!r} of the sources file is {groups[group]['cron']!r} {groups[group]['timezone']}")
    followed = {s["parameters"].get("group") for s in follows}
    template = dict(follows[0]["parameters"]) if follows else {"sources_file": sources_file or DEFAULT_SOURCES_FILE}
    for group, info in groups.items():
        if group not in followed:
            specs.append({"name": f"follow-sources-{group}", "entrypoint": FOLLOW_ENTRYPOINT,
                          "description": f"Ingest and extract the sources of group {group!r}: "
                                         f"{', '.join(info['sources'])}; no release.",
                          "tags": ["dealwire", "ingest"], "parameters": {**template, "group": group},
                          "schedules": [{"cron": info["cron"], "timezone": info["timezone"], "active": True}]})
    return specs


# ---- building and serving ----------------------------------------------------------------------------


def deployment_specs(prefect_yaml: str | Path, sources_file: str | None = None) -> list[dict]:
    """What will be served: {name, entrypoint, description, tags, parameters, schedules} each."""
    specs = []
    for deployment in load_prefect_yaml(prefect_yaml):
        where = f"{prefect_yaml}: deployment {deployment['name']!r}"
        specs.append({"name": deployment["name"], "entrypoint": deployment["entrypoint"],
                      "description": deployment.get("description"), "tags": list(deployment.get("tags") or []),
                      "parameters": dict(deployment.get("parameters") or {}),
                      "schedules": schedule_specs(deployment, where)})
    return follow_specs(specs, sources_file, str(prefect_yaml))


def check_config(parameters: dict, where: str) -> None:
    """A deployment's ``config`` parameter gets the checks of ``dealwire run`` (flows/config.py)."""
    from pydantic import ValidationError

    from flows.config import RunConfig, problems

    if "config" not in parameters:
        return
    try:
        RunConfig.model_validate(parameters["config"] or {})
    except ValidationError as exc:
        raise DeploymentConfigError(f"{where}: config: {'; '.join(problems(exc))}") from None


def build_deployments(prefect_yaml: str | Path, sources_file: str | None = None) -> list:
    """RunnerDeployments for every deployment to serve, with their cron schedules and time zones."""
    from prefect.schedules import Cron

    deployments = []
    for spec in deployment_specs(prefect_yaml, sources_file):
        where = f"{prefect_yaml}: deployment {spec['name']!r}"
        flow = flow_from_entrypoint(spec["entrypoint"], where)
        check_config(spec["parameters"], where)
        try:
            schedules = [Cron(s["cron"], timezone=s["timezone"], active=s["active"]) for s in spec["schedules"]]
            deployments.append(flow.to_deployment(name=spec["name"], schedules=schedules or None,
                                                  parameters=spec["parameters"], description=spec["description"],
                                                  tags=spec["tags"]))
        except (ValueError, TypeError) as exc:  # a bad cron string, time zone or parameter
            raise DeploymentConfigError(f"{where}: {exc}") from None
    return deployments
