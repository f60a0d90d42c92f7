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


def not_this_model(title: str, ref: VideoModelRef, wanted: str, how: str = "", error=StudioError) -> StudioError:
    """The error for a model of another kind than the node ``title`` takes, in the one wording every such node
    uses: "<node>: the model '<path>' is <what was loaded>, not <wanted>: <how to load the right one>"."""
    return error(f"{title}: the model '{ref.path}' is {ref.variant or ref.fam.title}, not {wanted}"
                 + (f": {how}" if how else ""))


def pipeline_input(title: str, model, pipeline: str, wanted: str, how: str, error=StudioError):
    """The diffusers pipeline of ``model`` when it is a ``pipeline`` (a class name), else
    :func:`not_this_model`'s error."""
    ref = video_model_input(model)
    if type(ref.module).__name__ != pipeline:
        raise not_this_model(title, ref, wanted, how, error)
    return ref.module
