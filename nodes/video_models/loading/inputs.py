"""What the video-model nodes read from a run: the graph's folder, and the model input checked."""
from __future__ import annotations

from studio.core.errors import StudioError

from .load import VideoModelRef


def graph_base_dir(ctx) -> str | None:
    """The folder of the graph being run (relative paths in it mean next to it), if it has one."""
    g = ctx.options.get("graph")
    return getattr(g, "base_dir", None)


def video_model_input(model) -> VideoModelRef:
    """``model`` if it is a loaded pretrained video model, else the error that says what to connect."""
    if not isinstance(model, VideoModelRef):
        raise StudioError("the model input is not a pretrained video model: connect a Load Video Model node")
    return model
