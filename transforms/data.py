"""Data files beside the code that reads them: ``<package>/data/<name>.json``, read as package data
(so they travel with an installed wheel)."""
from __future__ import annotations

import json
from importlib import resources as importlib_resources


def load_data(package: str, name: str):
    """The contents of ``data/<name>.json`` in ``package`` (pass ``__package__``)."""
    path = importlib_resources.files(package) / "data" / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))
