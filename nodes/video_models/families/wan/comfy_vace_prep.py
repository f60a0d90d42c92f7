"""A pack's VACE preparation node read by its shape: a node with one or two IMAGE clips in and an IMAGE and a MASK out,
the two outputs feeding WanVaceToVideo's control_video and control_masks (gpertea's comfyui-wan-vace-prep
WanVACEPrep 'VACE Join', WanVACEExtend, VACEOutpaint: their INPUT_TYPES and RETURN_TYPES read for meaning). It makes
VACE's control clip and masks from the clips; Studio's Wan VACE makes the same task from the clips themselves:

* two clips in (a join: the gap between them made) -> keyframes: clip 1's frame where ComfyUI's take starts at
  frame 0 and clip 2's frame where it ends at the last frame (the other context frames said as not kept);
* one clip, 'extend' in its type -> task 'extend' on the clip (its frames kept, new ones made after them);
* one clip, 'outpaint' in its type -> task 'outpaint' on the clip (its pads said as to be set).

Where its settings are known by name (``SETTINGS``: the pack's declared widget order) they are read; what Studio
does not apply is said, naming the node and its input. Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import find_loader
from studio.core.shown import number

# the declared widget order of the prep nodes seen (a UI file saves an uncatalogued node's values by position)
SETTINGS = {"WanVACEPrep": ("context_frames", "replace_frames", "new_frames"),
            "WanVACEExtend": ("extend_from_idx", "context_frames", "new_frames")}


def _settings(src) -> dict:
    names = SETTINGS.get(src.cls, ())
    raw = src.raw if isinstance(src.raw, list) else []
    out = {k: v for k, v in zip(names, raw) if isinstance(v, (int, float)) and not isinstance(v, bool)}
    out.update({k: v for k, v in (src.widgets or {}).items() if k in names and isinstance(v, (int, float))})
    return out


def _kind(src, clips: list[str]) -> str | None:
    words = src.cls.lower()
    if len(clips) == 2:
        return "join"
    if len(clips) == 1 and "outpaint" in words:
        return "outpaint"
    if len(clips) == 1 and "extend" in words:
        return "extend"
    return None


def _unsay(said: list[str], src) -> None:
    """The reader's sentence that the prep node is not applied (its clip given as the control instead) taken back,
    keeping what else the same sentence says (a node Studio does not convert)."""
    out = []
    for line in said:
        if f"#{src.id})" in line and "'control_" in line:
            rest = line.split("; Studio does not convert ", 1)
            if len(rest) == 2:
                out.append("Studio does not convert " + rest[1])
            continue
        out.append(line)
    said[:] = out


def _head_joined(b, src, name: str) -> None:
    """The batches joining the prep node's 'start_images' (the clip's frames before its context) ahead of the frames
    made: Studio's Wan VACE 'extend' output already holds the clip's frames then the new ones, so each is passed over
    with that sentence."""
    names = src.out_names or []
    if "start_images" not in names:
        return
    head = (src.id, names.index("start_images"))
    for n in b.wf.nodes.values():
        ins = [k for k, v in n.links.items() if n.in_types.get(k) == "IMAGE"]
        if n.id not in b.used and len(ins) >= 2 and n.links.get(ins[0]) == head and "IMAGE" in n.out_types:
            b.over[n.id] = (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) puts the clip's first frames "
                            f"({name}'s start_images, into its '{ins[0]}') ahead of the frames made: Studio's Wan "
                            "VACE 'extend' output holds the clip's frames then the new ones, read as that output")


def read_prep(b, node, inputs: dict, said: list[str]) -> bool:
    """``node`` (a WanVaceToVideo) given its control clip and masks by one prep node of the shape above: read as
    Studio's Wan VACE join (keyframes), extend or outpaint (True); False when its control is not such a node's."""
    wf = b.wf
    src, masks = wf.source(node, "control_video"), wf.source(node, "control_masks")
    if src is None or masks is None or masks.id != src.id or "IMAGE" not in src.out_types \
            or "MASK" not in src.out_types:
        return False
    clips = [k for k, t in src.in_types.items() if t == "IMAGE" and k in src.links]
    kind = _kind(src, clips)
    if kind is None:
        return False
    found = [(k, find_loader(wf, src, k, b.used)) for k in clips]
    name = f"'{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id})"
    if any(e is None for _, e in found):
        return False  # a clip not from a file Studio loads: the reader's own sentence stands
    w = _settings(src)
    b.used.add(src.id)
    _unsay(said, src)
    inputs.pop("video", None)
    inputs.pop("mask", None)
    files = " and ".join(f"'{b.file_of(e[0])}' ({k})" for k, e in found)
    via = [f"{k}: {', '.join(f'{s.shown_cls} #{s.id}' for s in e[2])}" for k, e in found if e[2]]
    steps = (f"; the steps on the way ({'; '.join(via)}) are not applied" if via else "")
    if kind == "join":
        (_, one), (_, two) = found
        c, r, n = (w.get(k) for k in ("context_frames", "replace_frames", "new_frames"))
        known = isinstance(c, int) and isinstance(r, int)
        first, last = (f"0=-{c + r}", f"last={c + r - 1}") if known else ("0=last", "last=0")
        inputs["keyframe_1"], inputs["keyframe_2"] = (one[0], one[1], ()), (two[0], two[1], ())
        b.keyframes += [first, last]
        take = (f"; ComfyUI's take is {number(2 * c + 2 * r + (n or 0) + 1)} frames (context_frames {number(c)} "
                f"each side, replace_frames {number(r)}, new_frames {number(n or 0)}, plus one)") if known else \
            "; its settings are not read (its frames counts unknown): clip 1's last and clip 2's first frame are used"
        said.append(f"{name} makes Wan VACE's control clip and masks joining {files}: read as Studio's Wan VACE "
                    f"keyframes ('keyframes' '{first}, {last}': the frames ComfyUI's take starts and ends on){take}; "
                    "the other context frames of each clip are not kept in the take, and the output is the "
                    "transition alone (clip 1's head and clip 2's tail are not joined to it)" + steps)
        return True
    (_, one), = found
    inputs["video"] = (one[0], one[1], ())
    b.extra["task"] = kind
    if kind == "extend":
        new, ctx, at = w.get("new_frames"), w.get("context_frames"), w.get("extend_from_idx")
        if isinstance(new, int) and new >= 1:
            b.extra["extend"] = new
        tail = ([f"its new_frames {number(new)} read as 'extend'"] if isinstance(new, int) else
                ["its settings are not read: set 'extend' to the frames to make"])
        if isinstance(ctx, int):
            tail.append(f"its context_frames {number(ctx)} (the source frames ComfyUI gives the model) are not "
                        "taken: Studio's Wan VACE keeps the whole clip in its take")
        if isinstance(at, int):
            tail.append(f"its extend_from_idx {number(at)} is not taken: Studio extends after the clip's last frame")
        _head_joined(b, src, name)
        said.append(f"{name} makes Wan VACE's control clip and masks to extend {files}: read as Studio's Wan VACE "
                    f"task 'extend' on that clip (its frames kept, new ones made after them); " + "; ".join(tail)
                    + steps)
        return True
    values = ", ".join(str(v) for v in src.raw if v not in ("", None)) if isinstance(src.raw, list) else ""
    said.append(f"{name} makes Wan VACE's control clip and masks placing {files} on a larger canvas: read as Studio's "
                "Wan VACE task 'outpaint' on that clip; its settings" + (f" ({values})" if values else "")
                + " are not read: set Wan VACE's pad_left / pad_right / pad_top / pad_bottom (fractions of the "
                "clip's width and height) for your canvas" + steps)
    return True
