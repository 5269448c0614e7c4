"""Release version strings: YYYY.MM.DD, then .1, .2… for more releases that day; their order."""
from __future__ import annotations

import re
from datetime import date

VERSION_RE = re.compile(r"^\d{4}\.\d{2}\.\d{2}(\.\d{1,4})?$")


def check_version(version: str) -> str:
    if not isinstance(version, str) or not VERSION_RE.match(version):
        raise ValueError(f"release version {version!r} is not of the form YYYY.MM.DD or YYYY.MM.DD.N")
    return version


def next_version(existing: list[str], today: date) -> str:
    """``2026.11.30``, then ``2026.11.30.1``, ``2026.11.30.2``… for more releases that day."""
    base = today.strftime("%Y.%m.%d")
    taken = {v for v in existing if v == base or v.startswith(base + ".")}
    if base not in taken:
        return base
    n = 1
    while f"{base}.{n}" in taken:
        n += 1
    return f"{base}.{n}"


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))

