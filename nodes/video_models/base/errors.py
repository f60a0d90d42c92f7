"""The one error a model on disk raises when Studio cannot open or run it (defined on the ground
floor, studio.core.errors, so the finishing models raise the same class without importing this room)."""
from __future__ import annotations

from studio.core.errors import ModelError  # noqa: F401 - re-exported: the video models' error

__all__ = ["ModelError"]
