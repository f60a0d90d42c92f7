"""The frames ComfyUI makes of a length its latent cannot hold whole. ComfyUI's video latents hold ((length - 1) //
stride) + 1 latent frames, the stride their VAE's time compression (nodes_wan.py's WanImageToVideo and kin,
nodes_hunyuan.py's, nodes_lt.py's EmptyLTXVLatentVideo, read for their shapes only), so a length that is not
stride * k + 1 makes stride * k + 1 frames rounded DOWN, where Studio's generators round an asked count UP (their
frame rule, said only when they run). A family declares its stride as its 'latent_stride' hook; the generator is set
to what ComfyUI makes, said (heldout11 02: LTX-2's 216 asked, 209 made by ComfyUI, 217 by Studio; heldout73 02:
Wan's 120 asked of WanImageToVideo, 117 made by ComfyUI, 121 by Studio, unsaid). A take made in segments of its
own latents (Wan Animate's windows) is left as read: its frames are the joined clip's, not one latent's; context
windows over one latent are that latent's. Plain stdlib."""
from __future__ import annotations

from ..families import registry as families


def stride(title: str | None) -> int | None:
    """The time stride ComfyUI's latents of family ``title`` have (None: not declared); a title a mapping gives by
    its model file's name ('Wan 2.2') is its mapping's."""
    m = families.lookup("by_title").get(title)
    if m is None:
        m = next((m for m in families.mappings() if any(t == title for _, t in m.files)), None)
    return families.hook(m, "latent_stride") if m is not None else None


def apply(title: str | None, params: dict, said: list[str], most: int | None = None) -> tuple[str, int, int] | None:
    """``params['frames']`` made the count ComfyUI's latent holds, where the workflow asks another, said; (the
    sentence, the frames asked, the frames made) where it was, for ``undo``. A count past ``most`` (the generator's
    range) is left to the generator's fitting, which says it with the value asked."""
    k, frames = stride(title), params.get("frames")
    if not isinstance(k, int) or k <= 1 or _segments(params):
        return None
    if not isinstance(frames, int) or isinstance(frames, bool) or frames <= k or (frames - 1) % k == 0 or \
            (most is not None and frames > most):
        return None
    made = (frames - 1) // k * k + 1
    said.append(f"the workflow asks {frames} frames; ComfyUI's {title} latent holds {(frames - 1) // k + 1} latent "
                f"frames ((frames - 1) // {k} + 1), {made} frames: Studio makes {made}")
    params["frames"] = made
    return said[-1], frames, made


def _segments(params: dict) -> bool:
    """Whether the generator makes its frames in segments of 'window' frames each its own latent (Wan Animate's 77 of
    a 300-frame clip: the frames are the joined clip's), not context windows over one latent."""
    return bool(params.get("window")) and params.get("long_take") != "context windows"


def undo(done: tuple[str, int, int] | None, params: dict, said: list[str]) -> None:
    """``apply``'s change taken back where the settings read after it make the take in segments; its sentence
    withdrawn where they set another count (InfiniteTalk's 0: the sound's length)."""
    if done is None or done[0] not in said:
        return
    if _segments(params):
        said.remove(done[0])
        params["frames"] = done[1]
    elif params.get("frames") != done[2]:
        said.remove(done[0])
