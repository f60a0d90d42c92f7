"""What a family's generators can do, as its Family declares it (nodes.video_models.base.tasks.task_kinds: a kind is
done where the family's pipeline field is set, its generators take it by an input or its own nodes make it). The
converter never imports nodes (it sits below them), so the families whose task kinds hold 'video' (Studio's Video to
Video restyles a clip with their model) are named here by their mapping's key, and a test holds this table to every
registered family's declaration (tests/convert/test_comfy_ctxapi6.py): a family added or changed there fails it
until this says the same. A pipeline's family is told by its title (tracing.tasks.family: a mapping's title, a file
name's title, a task's family). Stdlib only, as registry.py."""
from __future__ import annotations

import functools

from . import registry

# the mappings (by key) whose families do video to video (task kind 'video')
VIDEO_TO_VIDEO = frozenset({"animatediff", "cogvideox", "cosmos", "easyanimate", "helios", "hunyuan", "ltx", "ltx2",
                            "wan"})

# the mappings (by key) whose families' Text to Video inpaints a clip by a mask (its 'inpaint_video' and 'inpaint_mask':
# nodes/video_models/sampling/kept_region.py takes the pipelines whose latents are Wan's VAE's)
INPAINTS = frozenset({"wan"})


@registry.derived
@functools.lru_cache(maxsize=1)
def _keys() -> dict[str, str]:
    """A family's title (its mapping's, its files', its tasks') -> its mapping's key."""
    out: dict[str, str] = {}
    for m in registry.mappings():
        titles = [m.title, *(t for _, t in m.files), *(t.family for t in (*m.tasks.values(), m.claimed)
                                                       if t is not None and t.family)]
        for t in titles:
            if t:
                out.setdefault(t, m.key)
    return out


def video_to_video(title: str | None) -> bool | None:
    """Whether the family titled ``title`` does video to video in Studio; None where the title names no family."""
    key = _keys().get(title) if title else None
    return None if key is None else key in VIDEO_TO_VIDEO


def inpaints(title: str | None) -> bool:
    """Whether the family titled ``title`` inpaints a clip by a mask in Studio (Text to Video's 'inpaint_video')."""
    key = _keys().get(title) if title else None
    return key in INPAINTS
