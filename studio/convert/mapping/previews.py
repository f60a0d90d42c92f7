"""An output that shows what a generator's input is made from (a control clip's edges, depth or drawn poses previewed
beside the take, as VideoX-Fun's and many Fun Control workflows save it): Studio's node for that step is made once,
for the generator's input; the output becomes a Save Video (or a Preview) of the same node, said, instead of an
output left 'not converted'."""
from __future__ import annotations

from studio.core.shown import number

from .. import catalogue
from ..finishing.save_paths import own_path
from ..finishing.utility import CLIPS, ENDS, FOLLOW, RATES, clip_save, rate_of, written_lines
from .intent import FAMILY_STEP_OUT, STEP_OUT, step_kind
from . import mask_steps

PREVIEWS = ("MaskPreview", "PreviewImage", "SaveImage")  # outputs of a picture: a Preview in Studio


def step_previews(b) -> None:
    """Each enabled output not made yet whose frames come straight from a step a generator's input reads (its Studio
    node in ``b.loaded``): a Save Video (or a Preview) of that node's output."""
    wf = b.wf
    for end in [n for n in wf.nodes.values() if n.cls in ENDS and n.enabled and n.id not in b.used]:
        port = next((k for k in FOLLOW if k in end.links), None)
        src = wf.source(end, port) if port else None
        reader, maker = end, None
        if src is not None and src.id not in b.used and (pictures := _video_maker(src)) is not None:
            reader, maker, port = src, src, pictures  # (near16: a Save Video of CreateVideo of a pose step's
            src = wf.source(src, port)  # pictures, left 'nothing converted gives them what they write')
        if src is None or src.id not in b.used:
            continue
        made = next((sid for key, sid in b.loaded.items() if isinstance(key, str) and key.startswith(f"{src.id}<")),
                    None)
        out = STEP_OUT.get(src.cls) or FAMILY_STEP_OUT.get(step_kind(src.cls) or "") or mask_steps.out(src)
        if out is None and made is not None and end.cls not in PREVIEWS:
            out = _clip_out(b, made)  # a node made on the input's way after a step (rejudge14: heldout64 07's pose
            # clip resized for SteadyDancer, its preview save said 'nothing converted gives them what they write')
        clip = False
        if out is None and made is not None and end.cls not in PREVIEWS:
            out = _same_clip(b, reader, port, src, made)  # (near16: Wan Animate's face clip saved beside the
            clip = out is not None  # take, its save said 'nothing converted gives them what they write')
        if made is None or out is None:
            continue
        clip = clip or _declared_video(b, made, out)  # (a face clip: written at the output's rate, as a clip is)
        if maker is not None and out in ("mask", "pose"):
            continue  # (a video of a mask or of pose data: Studio's Preview shows neither as a video)
        lines: list[str] = []
        if end.cls in PREVIEWS or out in ("mask", "pose"):
            b.g.connect(made, out, b.add("io.preview", {}, end), "value")
        elif out in CLIPS or clip:  # a clip written at the rate the output sets, without a sound it does not write
            rate, lines = _maker_rate(b, maker)  # (rejudge11: heldout56 06's depth preview, 16 fps and silent)
            lines += clip_save(b, end, made, out, clip, rate)
        else:  # what its Save Video writes otherwise, said as a generator's save says it
            b.g.connect(made, out, b.add("io.save_video", {"path": own_path(b, end)}, end), "video")
            lines = written_lines(wf, end)  # (heldout48 03: a preview ComfyUI only shows, written into out/ unsaid)
        b.used.add(end.id)
        b.used |= {maker.id} if maker is not None else set()
        b.out.log.append(f"{b.name}: ComfyUI '{end.title or end.shown_cls}' (#{end.id}, {end.shown_cls}) shows what "
                         f"'{src.title or src.shown_cls}' (#{src.id}, {src.shown_cls}) makes for the generator's input: "
                         f"{'a Preview' if end.cls in PREVIEWS or out in ('mask', 'pose') else 'a Save Video'} of "
                         "Studio's node for it" + (f" (the pictures '{maker.title or maker.shown_cls}' (#{maker.id}, "
                                                   f"{maker.shown_cls}) makes a video of)" if maker else ""))
        b.out.log += [f"{b.name}: {line}" for line in lines]


def _clip_out(b, made: str) -> str | None:
    """The output of Studio's node ``made`` (made for a generator's input) that gives a clip, by its declared type,
    where it has one ('video' of a Scale); None otherwise."""
    node = b.g.nodes.get(made)
    outs = node.spec.outputs if node is not None and getattr(node, "spec", None) is not None else ()
    return next((o.name for o in outs if o.type == "Video" and o.name in CLIPS), None)


def _same_clip(b, end, port: str, src, made: str) -> str | None:
    """The one output of Studio's node ``made`` declared a Video, where a converted node other than an output reads
    the very output of ``src`` that ``end`` saves (the pictures a generator's input is given: Wan Animate's face
    clip, whatever its output's name); None otherwise (``end`` saves another of ``src``'s outputs, which Studio's
    node does not make: left said as not converted)."""
    slot = end.links[port][1]
    if not any(n.id != end.id and n.id in b.used and n.cls not in ENDS and (src.id, slot) in n.links.values()
               for n in b.wf.nodes.values()):
        return None
    node = b.g.nodes.get(made)
    outs = node.spec.outputs if node is not None and getattr(node, "spec", None) is not None else ()
    videos = [o.name for o in outs if o.type == "Video"]
    return videos[0] if len(videos) == 1 else None


def _video_maker(n) -> str | None:
    """The input of pictures of a node making a video of them alone (ComfyUI's CreateVideo), by its declared types:
    one IMAGE input, a VIDEO its only output, an AUDIO input left empty (a sound it puts beside them is not Studio's
    node's: such a video is not followed); None for any other node."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or tuple(t.output_types) != ("VIDEO",):
        return None
    pictures = [i.name for i in t.sockets if i.type == "IMAGE"]
    if len(pictures) != 1 or any(i.type == "AUDIO" and i.name in n.links for i in t.sockets) or \
            any(i.type == "VIDEO" for i in t.sockets):
        return None
    return pictures[0]


def _maker_rate(b, maker) -> tuple[tuple | None, list[str]]:
    """The rate the video maker ``maker`` gives its frames, where it is a number (rate_of), and the sentences: a rate
    wired from a node Studio cannot work out is said, the frames then written at the rate they reach Save Video
    with."""
    if maker is None or maker.cls not in RATES:
        return None, []
    rate, k = rate_of(b.wf, maker), RATES[maker.cls]
    if rate is not None or k not in maker.links:
        return rate, []
    v = b.wf.value(maker, k)
    return None, [f"'{maker.title or maker.shown_cls}' (#{maker.id})'s {k} is given by a node "
                  + (f"from the clip read beside the workflow ({number(v)})" if isinstance(v, (int, float))
                     else "Studio cannot work out when converting")
                  + ": not taken, the frames written at the rate they reach Save Video with"]


def _declared_video(b, made: str | None, out: str | None) -> bool:
    """Studio's node ``made`` declares its output ``out`` a Video (a clip Save Video writes)."""
    node = b.g.nodes.get(made) if made is not None else None
    outs = node.spec.outputs if node is not None and getattr(node, "spec", None) is not None else ()
    return any(o.name == out and o.type == "Video" for o in outs)
