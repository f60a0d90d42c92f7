"""The ComfyUI-Wan22FMLF pack's WanAdvancedI2V continuing a take (its long_video_mode 'AUTO_CONTINUE'; the pack's
wan_advanced_i2v.py at cochese9000/ComfyUI-Wan22FMLF@7c7caf75, read for meaning only): given motion_frames, it keeps
their last continue_frames_count frames (5 by default) and lays them at the take's first frames in place of its
start_image (held there as kept, for both experts), its middle and end images where they are. A loop's pass gives it
the frames of the passes before (heldout78 06: a loop of first / middle / last frame segments, each from the last
frame of the one before).

Read as Wan's start image: the last of those frames, picked from the decoded take they end with - the walk back from
motion_frames through joins (the last of their wired numbered inputs: Easy-Use's batch of anything, ImageBatch) and
picks keeping the frames to the end (ImageFromBatch of up to its declared most frames), told by declared types - by
a pick of its last frames (KJNodes' GetImageRangeFromBatch from -1, made beside the node, never in the file), which
takes.extend reads as any take continued from another's frames (Frame Hold of that take's last frame). More than one
frame kept: Studio's generator starts from one picture (takes.segments says the motion not carried). Plain data and
stdlib: nothing of the pack is imported or run."""
from __future__ import annotations

import re

from studio.convert.api import LOADER_NODES, CNode, node_type, pick_widgets

MODES = ("DISABLED", "AUTO_CONTINUE", "SVI_SHOT")  # the pack's long_video_mode choices
CONTINUES = "AUTO_CONTINUE"  # the one whose motion frames replace the start image (SVI_SHOT's differ per expert)
COUNT = "continue_frames_count"
DEFAULT_COUNT = 5  # the pack's default continue_frames_count
PICK = "GetImageRangeFromBatch"  # KJNodes': its start_index -1 the last frames (its declared lowest)
JOIN_WORDS = ("batch", "concat")
NUMBERED = re.compile(r"^(.*?)_?(\d+)$")
MAX_STEPS = 16
OFFSET = "video_frame_offset"  # the frames of its images it skips (where they are several) and its next_offset's base
OFFSET_IDLE = ("changes nothing Studio makes: the pack skips that many frames of its start, middle and end images only "
               "where one is several frames, and each here is one picture (it also counts the next_offset it gives)")
IMAGES = ("start_image", "middle_image", "end_image")
MANY = (".gif", ".webp", ".apng")  # a picture file ComfyUI's LoadImage may read as several frames (animated)
TRIMS = {4: "trim_latent", 5: "trim_image"}  # its outputs counting what of its take repeats the motion frames


def settings(n: CNode) -> tuple[str | None, int | None]:
    """(long_video_mode, continue_frames_count) of ``n``: named (an API file), else by place in its UI values (the
    mode the one saved value among MODES, the count the whole number after it, as every version of the pack orders
    them); None where not found."""
    if "long_video_mode" in n.widgets:
        count = n.widgets.get(COUNT, DEFAULT_COUNT)
        return n.widgets["long_video_mode"], count if isinstance(count, int) and not isinstance(count, bool) else None
    raw = n.raw if isinstance(n.raw, list) else []
    at = [k for k, v in enumerate(raw) if isinstance(v, str) and v in MODES]
    if len(at) != 1:
        return None, None
    after = raw[at[0] + 1] if at[0] + 1 < len(raw) else None
    return raw[at[0]], after if isinstance(after, int) and not isinstance(after, bool) else None


def applied(n: CNode, motion: tuple | None) -> tuple[set[str], set[int]]:
    """(the names, the UI places) of ``n``'s long_video_mode and continue_frames_count where Studio makes what they do:
    the motion frames taken as the start (``motion``), or none given (its mode then lays nothing); else none."""
    mode, _ = settings(n)
    if mode != CONTINUES or (motion is None and "motion_frames" in n.links):
        return set(), set()
    raw = n.raw if isinstance(n.raw, list) and not n.widgets else []
    at = next((k for k, v in enumerate(raw) if v == CONTINUES), None)
    return {"long_video_mode", COUNT}, ({at, at + 1} if at is not None else set())


def _join_last(n: CNode) -> str | None:
    """The last wired numbered input of a node joining frames one after another (told by its type's name or
    category: a batch, a concat), where two or more are wired; None for another node."""
    t = node_type(n.origin or n.cls)
    words = f"{n.shown_cls} {t.category if t is not None else ''}".lower()
    if t is None or t.inputs is None or not any(w in words for w in JOIN_WORDS):
        return None
    wired = [(int(m.group(2)), i.name) for i in t.sockets if i.type in ("IMAGE", "*") and i.name in n.links
             and (m := NUMBERED.match(i.name))]
    return max(wired)[1] if len(wired) >= 2 else None


def _to_end(wf, n: CNode) -> str | None:
    """The IMAGE socket of a pick keeping its frames to the end (its count the declared most, or none), else None."""
    got = pick_widgets(n)
    t = node_type(n.origin or n.cls)
    if got is None or t is None:
        return None
    count = got[1]
    most = t.input(count).max if count else None
    v = wf.value(n, count) if count else None
    if count and not (isinstance(v, int) and isinstance(most, int) and v >= most):
        return None
    images = [i.name for i in t.sockets if i.type == "IMAGE" and i.name in n.links]
    return images[0] if len(images) == 1 else None


def decoded_end(wf, link: tuple) -> tuple | None:
    """The decoder output whose frames the frames of ``link`` end with (through joins and picks to the end)."""
    for _ in range(MAX_STEPS):
        src = wf.nodes.get(link[0])
        if src is None:
            return None
        if src.cls.startswith("VAEDecode"):
            return link
        through = _join_last(src) or _to_end(wf, src)
        if through is None:
            return None
        link = src.links[through]
    return None


def motion_start(t, n: CNode) -> tuple | None:
    """The start image link of WanAdvancedI2V ``n`` continuing from its motion frames (a pick of their last frames
    made beside it, said by translation ``t``), or None where it does not (another mode, no motion frames, a count
    not read, frames of no decoded take)."""
    mode, count = settings(n)
    if mode != CONTINUES or "motion_frames" not in n.links or not isinstance(count, int) or count < 1:
        return None
    end = decoded_end(t.wf, n.links["motion_frames"])
    if end is None:
        return None
    words = "the last frame" if count == 1 else f"the last {count} frames"
    pick = CNode(f"{n.id}~motion", PICK, widgets={"start_index": -1, "num_frames": count}, links={"images": end},
                 said_as=f"{words} of {t.name(n)}'s motion_frames, which its long_video_mode {CONTINUES!r} lays at the "
                 f"take's start in place of its start_image ({COUNT} {count})")
    t.wf.nodes[pick.id] = pick
    t.wf.taken.add(pick.id)
    return pick.id, 0


def trims(n: CNode, motion: tuple | None) -> dict[int, int]:
    """WanAdvancedI2V's trim outputs known when converting (the pack's, every version read: trim_latent always 0,
    trim_image the motion frames it lays at the take's start - its count where they are taken here, 0 where it is
    given none or its mode lays none)."""
    mode, count = settings(n)
    if motion is not None:
        return {4: 0, 5: count}
    if mode is not None and ("motion_frames" not in n.links or mode == "DISABLED" or count == 0):
        return {4: 0, 5: 0}
    return {4: 0}


def constant(wf, n: CNode, slot: int, value: int) -> str:
    """A whole-number node giving ``value`` for output ``slot`` of ``n`` (made once, beside it)."""
    nid = f"{n.id}:{TRIMS[slot]}"
    if nid not in wf.nodes:
        wf.nodes[nid] = CNode(nid, "PrimitiveInt", widgets={"value": value}, origin=n.shown_cls)
        wf.taken.add(nid)
    return nid


def single_pictures(wf, n: CNode) -> bool:
    """Whether each of ``n``'s wired start, middle and end images is one picture: a picture loader's (not of a file that
    may be animated), or a folder's picture picked by its place (its load cap 1: reading.folders.picked)."""
    for k in [k for k in IMAGES if k in n.links]:
        src = wf.nodes.get(n.links[k][0])
        kind = LOADER_NODES.get(src.cls, ("", ""))[1] if src is not None else ""
        name = str(src.widgets.get("image") or "").lower() if src is not None else ""
        if not (kind == "image" and not name.endswith(MANY) or
                kind == "folder of pictures" and wf.value(src, "image_load_cap") == 1):
            return False
    return any(k in n.links for k in IMAGES)
