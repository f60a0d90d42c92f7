"""The project folder: where the relative paths of a graph never saved go (the settings'
``project_dir``), and relative paths resolved against the graph's folder or that one."""
from __future__ import annotations

import os

from .settings import load_settings


def project_dir() -> str:
    """The folder an unsaved graph's relative paths resolve against: $STUDIO_PROJECT_DIR, else
    the settings' ``project_dir``, else the user's documents folder / "Studio" (platformdirs)."""
    env = os.environ.get("STUDIO_PROJECT_DIR")
    if env:
        return os.path.abspath(os.path.expanduser(env))
    chosen = load_settings().get("project_dir")
    if chosen:
        return os.path.abspath(os.path.expanduser(chosen))
    return default_project_dir()


def default_project_dir() -> str:
    """The project folder when none is chosen: the user's documents folder / "Studio"."""
    try:
        from platformdirs import user_documents_dir
        docs = user_documents_dir()
    except Exception:  # noqa: BLE001 - no documents folder known: the home folder
        docs = os.path.expanduser("~")
    return os.path.join(docs, "Studio")


def resolve(path: str, base_dir: str | None) -> str:
    """``path`` made absolute: relative paths mean "next to the graph file" (``base_dir``), or
    in the project folder for a graph never saved. ``~`` is expanded; empty stays empty."""
    if not path:
        return path
    path = os.path.expanduser(path)
    if os.path.isabs(path):
        return os.path.normpath(path)
    return os.path.normpath(os.path.join(base_dir or project_dir(), path))
