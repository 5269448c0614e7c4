"""The run configuration (flows/config.py): one set of defaults and checks for the CLI, the flows
and the deployments."""
from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from flows.cli import main
from flows.config import DEFAULT_BATCH_SIZE, DEFAULT_RELEASES, DEFAULT_STORE, FetchOptions, RunConfig, batches, problems


def test_defaults_are_the_documented_ones():
    config = RunConfig()
    assert (config.store, config.releases, config.batch_size) == (DEFAULT_STORE, DEFAULT_RELEASES, DEFAULT_BATCH_SIZE)
    assert (config.workers, config.dask_workers, config.dask_address, config.publish) == (1, 0, None, True)
    assert config.fetch == FetchOptions() and config.fetch.redistributable is False
    assert config.fetch.fetcher_options()["timeout"] == (10.0, 30.0)


def test_paths_become_text_and_a_deployment_dict_is_read_as_the_model():
    config = RunConfig.model_validate({"store": "s3://bucket/store", "fetch": {"host_delay": 0}})
    assert config.store == "s3://bucket/store" and config.fetch.host_delay == 0
    assert RunConfig(store=Path("output") / "other").store == str(Path("output") / "other")


@pytest.mark.parametrize("options, message", [
    ({"batch_size": 0}, "batch_size (--batch-size) must be at least 1"),
    ({"workers": 0}, "workers (--workers) must be at least 1"),
    ({"dask_workers": -1}, "dask_workers (--dask-workers) must not be negative"),
    ({"workers": 2, "dask_workers": 2}, "give one of workers (--workers N), dask_address"),
    ({"workers": 2, "dask_address": "tcp://127.0.0.1:8786"}, "give one of workers"),
    ({"version": "2026-12-06"}, "release version '2026-12-06' is not of the form YYYY.MM.DD"),
])
def test_wrong_options_are_refused_naming_the_option(options, message):
    with pytest.raises(ValidationError) as refused:
        RunConfig(**options)
    assert message in problems(refused.value)[0]


def test_unknown_options_and_bad_fetch_values_are_refused():
    with pytest.raises(ValidationError) as refused:
        RunConfig(stor="typo")
    assert problems(refused.value) == ["stor: Extra inputs are not permitted"]
    with pytest.raises(ValidationError) as refused:
        RunConfig(fetch={"max_retries": -1})
    assert problems(refused.value)[0].startswith("fetch.max_retries: Input should be greater than or equal to 0")


def test_a_model_that_is_not_installed_is_refused_before_any_work():
    with pytest.raises(ValueError, match="spaCy model 'no_such_model_xx' is not installed"):
        RunConfig(model="no_such_model_xx").check_installed()


def test_the_command_line_gets_the_same_checks(tmp_path, capsys):
    source = tmp_path / "corpus"
    source.mkdir()
    assert main(["run", "--source", str(source), "--batch-size", "0"]) == 2
    assert "dealwire: error: batch_size (--batch-size) must be at least 1" in capsys.readouterr().err
    assert main(["run", "--source", str(source), "--workers", "2", "--dask-workers", "2"]) == 2
    assert "dealwire: error: give one of workers (--workers N)" in capsys.readouterr().err
    assert main(["extract", str(source), "--output", str(tmp_path / "out"), "--batch-size", "0"]) == 2
    assert "must be at least 1" in capsys.readouterr().err


def test_extraction_slots_and_batches():
    assert RunConfig(workers=2).extraction_slots() == 2
    assert RunConfig(dask_workers=3).extraction_slots() == 3
    assert RunConfig(dask_address="tcp://127.0.0.1:8786").extraction_slots() == 1
    assert batches(list(range(5)), 2) == [[0, 1], [2, 3], [4]]
    assert batches([], 4) == [] and batches([1, 2], 0) == [[1], [2]]
