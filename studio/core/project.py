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
        from .paths import user_dir
        docs = user_dir("documents")
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


def output_base(base_dir: str | None) -> str | None:
    """What a graph's relative OUTPUT paths (renders, checkpoints) are relative to: its file's
    folder (``base_dir``), except for a graph shipped inside the install (the templates and the
    demo in assets/graphs), whose outputs go to the project folder, as they do when the window
    opens a template: a template rendered headless in place never writes into the install. Its
    relative INPUT paths still mean its own folder (its media)."""
    from .assets import in_templates
    return project_dir() if base_dir and in_templates(base_dir) else base_dir


def resolve_output(path: str, base_dir: str | None) -> str:
    """An output path made absolute: :func:`resolve` against :func:`output_base`."""
    return resolve(path, output_base(base_dir))
