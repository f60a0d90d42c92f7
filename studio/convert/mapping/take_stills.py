"""A frame of a take a video output writes, picked and saved as a picture beside it (heldout32 01: a serverless
worker saves frame 68 of its Wan 2.2 take as 'anchor/frame', the start of its next segment; said "this save of stills
is not made" before): a picture save (SaveImage) whose pictures are one frame a pick takes (ImageFromBatch and any
node its pack declares picking frames: takes.extend.pick_of, its first frame known, one frame) of the frames a VAE
decode gives, that decode's frames written, as they are, by an output Studio made (its Save Video given them straight
or through CreateVideo): Studio's Frame Hold of that output's take at the frame, into Save Image named as ComfyUI
names it; said. Plain data."""
from __future__ import annotations

from ..reading.workflow import CNode, Workflow
from ..takes.extend import pick_of
from ..tracing.take_length import take_length

PICTURE_SAVES = ("SaveImage",)
AS_IS = ("CreateVideo",)  # between the decode and a video save: the decoded frames as they are
VIDEO_SAVES = ("SaveVideo", "VHS_VideoCombine")
IMAGES = ("images", "image")


def _source(wf: Workflow, n: CNode) -> CNode | None:
    return wf.source(n, next((k for k in IMAGES if k in n.links), ""))


def _one_frame(wf: Workflow, pick: CNode) -> int | None:
    """The frame ``pick`` takes where it takes one, by its declared settings; None else."""
    names = pick_of(pick)
    if names is None or pick.cls == "VHS_SplitImages":
        return None
    at, count = names
    i, k = wf.value(pick, at), wf.value(pick, count) if count else 1
    ok = all(isinstance(v, int) and not isinstance(v, bool) for v in (i, k))
    return i if ok and i >= 0 and k == 1 else None


def _written_by(b, decode: CNode) -> tuple[CNode, tuple[str, str]] | None:
    """(a video save Studio made writing ``decode``'s frames as they are, the take its Save Video is given)."""
    for s in b.wf.nodes.values():
        if not s.enabled or s.cls not in VIDEO_SAVES or s.id not in b.used:
            continue
        n = b.wf.source(s, "video") if "video" in s.links else _source(b.wf, s)
        while n is not None and n.cls in AS_IS:
            n = _source(b.wf, n)
        if n is not decode:
            continue
        made = next((k for k, at in b.out.origin.items() if at == s.id and b.g.nodes[k].type_id == "io.save_video"),
                    None)
        link = b.g.input_link(made, "video") if made is not None else None
        if link is not None:
            return s, (link.src, link.src_port)
    return None


def make(b) -> None:
    """Each such still save made from the take its video output writes, with its sentence."""
    wf = b.wf
    for save in sorted((n for n in wf.nodes.values() if n.cls in PICTURE_SAVES and n.enabled and n.id not in b.used),
                       key=lambda n: n.id):
        pick = _source(wf, save)
        frame = _one_frame(wf, pick) if pick is not None else None
        decode = _source(wf, pick) if frame is not None else None
        if decode is None or not decode.cls.startswith("VAEDecode"):
            continue
        found = _written_by(b, decode)
        if found is None:
            continue
        video_save, take = found
        frames = take_length(wf, video_save)
        if isinstance(frames, int) and frame >= frames:  # past the take's end: ComfyUI takes its last frame (left said)
            continue
        hold = b.add("edit.frame_hold", {"frame": frame}, pick)
        b.g.connect(*take, hold, "video")
        prefix = b.prefix_of(save).strip("/") or "ComfyUI"
        still = b.add("io.save_image", {"path": f"out/{prefix}_00001_.png"}, save)
        b.g.connect(hold, "image", still, "video")
        b.used |= {save.id, pick.id}
        b.out.log.append(f"{b.name}: ComfyUI '{save.title or save.shown_cls}' (#{save.id}) saves frame {frame} of the "
                         f"take '{video_save.title or video_save.shown_cls}' (#{video_save.id}) writes, picked by "
                         f"'{pick.title or pick.shown_cls}' ({pick.shown_cls}, #{pick.id}): Frame Hold (frame {frame}) "
                         f"of that take -> Save Image 'out/{prefix}_00001_.png'")
