"""Prefect flows and tasks: the pipeline's only I/O and orchestration.

Defaults for Prefect's embedded server are set here, before Prefect is imported: no
telemetry, and a patient start-up of the temporary local server. Any value the user has
set in the environment wins.
"""
import os

for _name, _value in {
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
}.items():
    os.environ.setdefault(_name, _value)

# The temporary server Prefect starts is this process's: a later run stops it if this one is killed
# (flows/server.py).
from flows.server import mark_owner  # noqa: E402

mark_owner()
