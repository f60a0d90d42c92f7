"""The one error a model on disk raises when Studio cannot open or run it."""
from __future__ import annotations

from studio.core.errors import StudioError


class ModelError(StudioError):
    """A model on disk that Studio cannot open, and why."""
