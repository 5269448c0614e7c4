"""Prefect's temporary server, tied to the process that started it.

Without ``PREFECT_API_URL``, Prefect starts a temporary local server as a child process and stops it
when the process exits. A process killed with SIGKILL cannot: its server lives on (~230 MiB). Every
process that imports ``flows`` writes its own PID into its environment (``DEALWIRE_OWNER_PID``), which
the server inherits; ``stop_orphaned_servers()`` finds the temporary servers whose owner is gone and
stops them. `dealwire run`, `dealwire serve` and the test session call it before they start Prefect.
It reads ``/proc`` (Linux); elsewhere it finds nothing.
"""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

OWNER = "DEALWIRE_OWNER_PID"
PROC = Path("/proc")


def mark_owner() -> None:
    """Say in this process's environment that servers it starts are its own."""
    os.environ[OWNER] = str(os.getpid())


def _environ(pid: int) -> dict[str, str]:
    raw = (PROC / str(pid) / "environ").read_bytes()
    return dict(item.split("=", 1) for item in raw.decode("utf-8", "replace").split("\0") if "=" in item)


def _stat(pid: int) -> tuple[str, int]:
    """(state letter, start time in clock ticks after boot) from /proc/<pid>/stat (the name in
    parentheses may hold spaces)."""
    stat = (PROC / str(pid) / "stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()
    return fields[0], int(fields[19])


def alive(pid: int) -> bool:
    """Whether a process runs (a zombie, dead but not yet reaped, does not)."""
    try:
        return _stat(pid)[0] != "Z"
    except (OSError, ValueError, IndexError):
        return False


def _owner_gone(owner: int, server_started: int) -> bool:
    """Whether the process that started a server is gone: its PID does not run, or runs a process
    that started after the server (the PID was reused)."""
    try:
        state, started = _stat(owner)
    except (OSError, ValueError, IndexError):
        return True
    return state == "Z" or started > server_started


def orphaned_servers() -> list[int]:
    """PIDs of the temporary Prefect servers started by a process of ours that is gone."""
    found = []
    for entry in PROC.glob("[0-9]*") if PROC.is_dir() else ():
        pid = int(entry.name)
        try:
            env = _environ(pid)
            if env.get("PREFECT__SERVER_EPHEMERAL") != "1" or not env.get(OWNER, "").isdigit():
                continue
            state, started = _stat(pid)
        except (OSError, ValueError, IndexError):  # gone meanwhile, or not ours to read
            continue
        if state != "Z" and pid != os.getpid() and _owner_gone(int(env[OWNER]), started):
            found.append(pid)
    return sorted(found)


def stop_orphaned_servers(wait: float = 5.0) -> list[int]:
    """Stop the orphaned temporary servers (SIGTERM, then SIGKILL after ``wait`` seconds); their PIDs."""
    stopped = orphaned_servers()
    for pid in stopped:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + wait
    while any(alive(pid) for pid in stopped) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in stopped:
        if alive(pid):
            _signal(pid, signal.SIGKILL)
    return stopped


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
