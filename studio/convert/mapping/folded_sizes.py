"""The take's size and length wired from a node the builder folds into the latent (GetImageSize), or from any other
node, where its value could not be worked out when converting (the size of a picture a pack's resize makes, a
sum of values Studio does not know): said on the latent, never left 0 silently. Where that node is a resize Studio's
Scale makes on the way to the generator's picture or clip (a picture fitted within a box keeping its aspect), the
generator takes that size when it runs (its 0: its input's size), as ComfyUI's latent does: said so; the same where
the size measured is that of the very picture the task node takes (SVD's init_image measured by GetImageSize+,
heldout19: it was "the generator's own are used (set its 'width', 'height' to the workflow's)")."""
from __future__ import annotations

import re
from typing import Any

from ..finishing.core import METHODS
from ..reading import measured, measured_file
from ..reading.decoded_count import count_input as _count_input, kept_input as _kept_count
from ..reading.workflow import CNode, Workflow
from ..tracing import worked_sizes
from ..tracing.roles import in_type, out_types
from ..tracing.take_length import LENGTHS
from . import counted_math, loaded_count, sized_like
from ..takes import resized_relation
from .latent_named import whose as _whose

PARAMS = (("width", "width"), ("height", "height"), ("length", "frames"))  # the latent's setting -> the generator's
class _SizedBy:
    """The generator inputs whose size its width and height 0 take (generators.output_size): 'image', 'video'; and a
    keyframe input, as a take made from keyframes takes its earliest keyframe's size (keyframes_at.first_size:
    heldout62 05, LTX-2's latent sized by its first guide's resize), checked once wired to be the earliest
    (first_keyframe, outputs._size_claim_kept)."""

    def __init__(self, extra: tuple[str, ...] = ()):
        self.extra = tuple(extra)  # a generator's declared size ports (sized_by_clip: LTX-2's 'control', ltxic10)

    def __contains__(self, port: object) -> bool:
        return port in ("image", "video") or port in self.extra or isinstance(port, str) and \
            re.fullmatch(r"keyframe_\d+", port) is not None

    def __iter__(self):  # the ports it names (a keyframe_N is told by its name alone)
        return iter(("image", "video") + self.extra)

    def __add__(self, more: tuple[str, ...]) -> "_SizedBy":
        return _SizedBy(self.extra + tuple(more))


SIZED_BY = _SizedBy()
LOADS = ("LoadImage", "VHS_LoadImagePath", *sized_like.CLIP_LOADERS)  # (a file's picture or frames, not a resize's)
PLAIN = ("STRING", "INT", "FLOAT", "BOOLEAN", "COMBO")  # inputs a loader may have wired: no picture to change


def _measured(wf: Workflow, n: CNode) -> CNode | None:
    """The picture ``n`` measures, by its declared types (an IMAGE 'image' in, numbers out: GetImageSize,
    GetImageSizeAndCount): its source; None for another node (heldout11 05: a fitted size measured)."""
    if "image" not in n.links or in_type(n, "image") != "IMAGE" or "INT" not in out_types(wf, n) \
            or not _measures(wf, n):
        return None
    return wf.source(n, "image")


def _measures(wf: Workflow, n: CNode) -> bool:
    """True for a node that measures the picture it is given (numbers out, no picture of its own, no settings:
    GetImageSize); a resize giving its new size, or a node working a size out by its settings (an 'ideal
    resolution' of 644 px, a multiple of 28: heldout20 12, 13), gives another size than the picture's."""
    return "IMAGE" not in out_types(wf, n) and not n.widgets and not (isinstance(n.raw, list) and n.raw)


def _takes(latent: CNode, seen: CNode) -> str | None:
    """The IMAGE input on which the task node takes the very picture ``seen`` gives, unchanged; None if none."""
    return next((k for k, (src, _) in latent.links.items() if src == seen.id and in_type(latent, k) == "IMAGE"), None)


def _loaded(seen: CNode) -> bool:
    """True where the picture measured is a loader's, which Studio gives the generator as it is; a step between the
    file and the generator that Studio does not make (a resize: heldout21 08) gives another size than the file's."""
    return all(in_type(seen, k) in PLAIN for k in seen.links)  # (a file's name or a number wired: still a loader)


def _it(wf: Workflow, src: CNode, seen: CNode | None) -> str:
    """'the size of the picture it makes', of the picture a measuring node measures, or the size a node works out by
    its rule (worked_sizes) of the picture it is given."""
    if seen is src:
        rule = worked_sizes.rule(wf, src)
        many = (f", each side rounded {'down to a' if rule['rounding'] == 'down' else 'to the nearest'} multiple of "
                f"{rule['multiple']}" if rule["multiple"] > 1 else "")
        return (f"the size it works out of the picture {_named(wf.source(src, 'image'))} gives "
                f"({worked_sizes.said(rule)}{many})")
    return "the size of the picture " + ("it makes" if seen is None else f"it measures of what {_named(seen)} makes")


def sizing_input(scaled_for: dict[str, str], scaled_into: dict[str, set[str]], sized_by) -> dict[str, str]:
    """``scaled_for`` with a resize on the way of several inputs given the one of them whose size the generator's 0
    width and height take (``sized_by``), where one is (intent.scaled_into: one Scale of a clip for Wan Animate's
    'pose' and its 'face', heldout82 10, was read as the face's alone: the size "not read")."""
    return {k: next((p for p in sorted(scaled_into.get(k, ())) if p in sized_by and p != v), v) if v not in sized_by
            else v for k, v in scaled_for.items()}


def _measured_resize(wf: Workflow, src: CNode, scaled_for: dict[str, str]) -> tuple[str | None, CNode | None]:
    """(the input, the picture measured) where ``src`` is a resize Studio makes on an input's way, or measures the
    picture one makes (GetImageSize; or a measure passing its picture on, by its declared types: heldout78 13,
    GetImageSizeAndCount of the 720 bucket's ImageScale, said "not read"); (None, the picture measured or None) else."""
    into, seen = scaled_for.get(src.id), None
    if into is None and (seen := _measured(wf, src)) is not None:  # a size measured of a resize Studio makes
        into = scaled_for.get(seen.id)
    if into is None and seen is None and (m := measured.image_input(src)) is not None \
            and (got := wf.source(src, m)) is not None and got.id in scaled_for:
        into, seen = scaled_for[got.id], got
    return into, seen


def _worked_into(wf: Workflow, src: CNode, scaled_for: dict[str, str]) -> str | None:
    """The resize Studio's Scale makes on an input's way stretching its picture to the size ``src`` works out of it
    by a known rule (tracing/worked_sizes), by id; None."""
    return next((rid for rid in scaled_for if (r := wf.nodes.get(rid)) is not None
                 and worked_sizes.sizer(wf, r) is src), None)


_named = CNode.named  # the node in a sentence


def _relation(wf: Workflow, latent: CNode, name: str, src: CNode, loaded_for: dict[str, str] | None,
              scaled_for: dict[str, str] | None = None, sized_by: tuple[str, ...] = SIZED_BY) -> tuple | None:
    """(input, loader, factor, the scaling nodes, None) where the latent's ``name`` side is ``src``'s measure of a
    picture whose size is a known factor of the size of a loader's picture that Studio gives the generator's ``input``
    as it is (heldout35 03: half the picture, through EmptyImage of its size, ImageScaleBy 0.5, GetImageSize); the
    last the picture input the generator's size is taken from where ``input`` is not one (sized_like: a control
    clip's frames, heldout64 06); else None."""
    if name == "length" or not (loaded_for or scaled_for):
        return None
    loaded_for = loaded_for or {}
    slot = latent.links[name][1]
    at = (slot if slot < 2 else None) if src.cls == "GetImageSize" else measured.axis(src, slot)
    if at != ("width", "height").index(name):
        return None
    got = measured_file.scaled_of(wf, wf.source(src, "image" if src.cls == "GetImageSize" else measured.image_input(src)),
                                  bases=sized_like.CLIP_LOADERS, stops=_last_resizes(wf, scaled_for or {}))
    given = {**(scaled_for or {}), **loaded_for}  # (a loader whose own resize Studio makes: its frames as made)
    if got is None or got[1] is None:
        return None
    if got[0].id in (scaled_for or {}) and got[0].id not in loaded_for and got[0].cls not in LOADS:  # (a factor of
        into = scaled_for[got[0].id]  # what the last resize Studio makes on the way gives the generator: sizes22)
        return (into, got[0], got[1], got[2], None, None) if into in sized_by else None
    if (into := given.get(got[0].id)) is None:  # (its picture given through a resize keeping its aspect: that
        via = resized_relation.through_resize(wf, got[0], scaled_for, sized_by)  # resize made the factor, ltx2x22)
        return (via[0], got[0], got[1], got[2], None, via[1]) if via is not None else None
    if into in sized_by:
        return (into, got[0], got[1], got[2], None, None) if got[0].id in loaded_for else None
    sized = sized_like.sized_input(given, SIZED_BY)  # (a control clip's size: the picture input sized to it)
    return (into, got[0], got[1], got[2], sized, None) if sized is not None else None


def _last_resizes(wf: Workflow, scaled_for: dict[str, str]) -> set[str]:
    """The resizes Studio makes on an input's way that no other one it makes on that way follows (their picture is
    the one the input is given, through nodes passing it on): a size measured of a factor of it keeps the relation."""
    return {rid for rid, into in scaled_for.items() if rid in wf.nodes and wf.nodes[rid].cls not in LOADS and not any(
        o != rid and i == into and o in wf.nodes and resized_relation.follows(wf, wf.nodes[o], wf.nodes[rid])
        for o, i in scaled_for.items())}


def _kept_said(wf: Workflow, latent: CNode, src: CNode, into: str, loader: CNode, k: float,
               sized: str | None = None, via: CNode | None = None) -> str:
    if sized is not None:
        return sized_like.said(latent, src, into, loader, k, sized, measured_file.words(wf, loader))
    of = "the size" if k == 1 else f"{k:g} times the size"
    verb = "loads" if loader.cls in LOADS else "makes"
    head = (f"{_whose(latent, ['width', 'height'])} come from {_named(src)}, {of} of the picture {_named(loader)} {verb}"
            f"{measured_file.words(wf, loader)}, which Studio gives the generator's '{into}'")
    if k == 1:
        return f"{head} as it is: the generator takes that size when it runs (its 'width' and 'height' 0)"
    if via is not None:
        return (f"{head} through Studio's Scale x{k:g}{resized_relation.said(via)}, as ComfyUI's latent is made at "
                f"{k:g} times the picture's size: the generator takes that size when it runs (its 'width' and "
                "'height' 0)")
    return (f"{head} through Studio's Scale x{k:g}, made on that way to keep the relation (ComfyUI's latent is made at "
            f"{k:g} times the picture's size): the generator takes that size when it runs (its 'width' and 'height' 0)")


def _kept(wf: Workflow, latent: CNode, related: dict, lost: list[str], sources: dict, kept_by: dict) -> list[str]:
    """The sentences of the relations ``unread_sizes`` found kept, where both sides come from one measure (the Scale
    each needs put in ``kept_by``: loader id -> (input, factor, the scaling nodes)); the others back among the sides
    lost (clipheader6)."""
    for src, into, loader, k, steps, sized, via, names in list(related.values()):
        if sorted(names) != ["height", "width"]:
            del related[src.id]
            lost += names
            sources.setdefault(src.id, src)
    lost.sort(key=[n for n, _ in PARAMS].index)
    for src, into, loader, k, steps, sized, via, names in related.values():
        if k != 1 or sized is not None or via is not None:
            kept_by[loader.id] = (into, k, steps, sized, via)
    return [_kept_said(wf, latent, src, into, loader, k, sized, via) for src, into, loader, k, _, sized, via, _ in
            related.values()]


def _counted(wf: Workflow, latent: CNode, src: CNode, clips: dict[str, str],
             slot: int | None = None) -> tuple[CNode, str] | None:
    """(the node whose frames are counted, the generator input) where the latent's length is ``src``'s count (at
    ``slot``, else the one the latent reads) of the frames of a clip Studio gives a generator input whose length its
    'frames' 0 takes (``clips``: that node's id -> the input; clip_range.given); else None."""
    at = latent.links["length"][1] if slot is None else slot
    into = _count_input(src, at)
    seen = wf.source(src, into) if into is not None else src if loaded_count.is_count(src, at) else None  # (a video
    # loader's own count of the frames it loads: VHS_LoadVideo's frame_count, measures11)
    for _ in range(measured_file.MAX_STEPS):  # through steps giving as many frames as given (a resize: heldout64 06)
        if seen is None or seen.id in clips or (kept := _kept_count(seen)) is None:
            break
        seen = wf.source(seen, kept)
    return (seen, clips[seen.id]) if seen is not None and seen.id in clips else None


def _length_counted(wf: Workflow, latent: CNode, src: CNode, clips: dict[str, str]) -> str:
    """The sentence for a latent's length wired from ``src``, the count of the frames a generator input taking its
    length at 'frames' 0 is given (count9), or a math node's rounding of that count to a frame rule (counted_math,
    left10); '' where it is neither."""
    side = _whose(latent, ["length"])
    if (got := _counted(wf, latent, src, clips)) is not None:  # (count9: ComfyUI's length the clip's count)
        whose = ("its count of the frames it loads" if got[0] is src else  # (a loader's own count: measures11)
                 f"the count of the frames {_named(got[0])} gives")
        return (f"{side} comes from {_named(src)}, {whose}, as Studio makes them for the generator's "
                f"'{got[1]}': the generator takes that clip's length when it runs (its 'frames' 0: its '{got[1]}''s "
                "length)")
    if (m := counted_math.through(wf, src)) is not None and (got := _counted(wf, latent, m[0], clips, m[1])) is not None:
        return (f"{side} comes from {_named(src)}, '{m[2]}' of the count of the frames "
                f"{_named(got[0])} gives, as Studio makes them for the generator's '{got[1]}' (a count rounded down to "
                f"a frame rule): the generator takes that clip's length when it runs (its 'frames' 0: its "
                f"'{got[1]}''s length, down to its family's frame rule; set its 'frames' where the two differ)")
    return ""


def unread_sizes(wf: Workflow, latent: CNode, values: dict[str, Any], scaled_for: dict[str, str] | None = None,
                 loaded_for: dict[str, str] | None = None, kept_by: dict | None = None,
                 clips: dict[str, str] | None = None, sized_by: tuple[str, ...] = SIZED_BY,
                 length_from: str | None = None, claimed: set | None = None) -> str:
    """One sentence for the latent's width, height and length wired from a folded node and not worked out ('' where
    none is); ``scaled_for``: the resizes Studio makes on an input's way -> that input; ``loaded_for``: the loaders
    whose picture Studio gives an input as it is -> that input; ``kept_by``: filled as _kept says; ``clips``: the
    nodes whose frames a generator input taking its length at 'frames' 0 is given -> that input (_counted);
    ``sized_by``: the inputs whose size its 'width' and 'height' 0 take (sized_by_clip: LTX-2's 'control', ltxic10);
    ``length_from``: the input whose clip's length its 'frames' 0 takes (else the first of ``clips``'); ``claimed``:
    filled with the inputs whose size the width and height are said taken from when it runs."""
    lost, sources, taken, own, given, related, counted = [], {}, {}, {}, {}, {}, []
    # (the length by the latent's own name for it: SVD_img2vid_Conditioning's 'video_frames'; heldout119 04's, wired
    # from a pack node that asks a server, was left to the generator unsaid)
    length_in = next((k for k in LENGTHS if k in latent.links), "length")
    for name, param in PARAMS:
        key = length_in if name == "length" else name
        src = wf.source(latent, key) if key in latent.links else None
        if name == "length" and values.get(param) is None and src is not None and clips and \
                (line := _length_counted(wf, latent, src, clips)):
            counted.append(line)
            continue
        if values.get(param) is None and src is not None:  # (folded, or a node whose value is not known)
            into, seen = _measured_resize(wf, src, scaled_for or {})
            if into is None and (rid := _worked_into(wf, src, scaled_for or {})) is not None:
                into, seen = scaled_for[rid], src  # a size worked out by a rule, a resize Studio makes stretching to it
            if name != "length" and into in sized_by:
                taken.setdefault(src.id, (src, into, [], seen))[2].append(name)
                continue
            if name != "length" and seen is not None and _loaded(seen) and (port := _takes(latent, seen)) is not None:
                own.setdefault(src.id, (src, port, [], seen))[2].append(name)  # its own picture measured (heldout19)
                continue
            if name != "length" and seen is not None and (loaded_for or {}).get(seen.id) in sized_by:
                given.setdefault(src.id, (src, loaded_for[seen.id], [], seen))[2].append(name)  # (heldout35 04: the
                continue  # latent sized by the very picture LTX-2's in-place node takes, read "not read")
            if kept_by is not None and (rel := _relation(wf, latent, name, src, loaded_for, scaled_for,
                                                                      sized_by)) is not None:
                related.setdefault(src.id, (src, *rel, []))[-1].append(name)
                continue
            lost.append(name)
            sources.setdefault(src.id, src)
    said = [f"{_whose(latent, names)} {'come' if len(names) > 1 else 'comes'} from {_named(src)}, "
            f"{_it(wf, src, seen)}, which Studio's Scale makes on the way to the generator's '{into}': "
            f"the generator takes that size when it runs (its {' and '.join(repr(n) for n in names)} 0: its "
            f"'{into}''s size)" for src, into, names, seen in taken.values()]
    said += [f"{_whose(latent, names)} {'come' if len(names) > 1 else 'comes'} from {_named(src)}, "
             f"the size of the picture {_named(seen)} gives, the picture {_named(latent)} takes on '{port}' as it is: "
             f"the generator takes that size when it runs (its {' and '.join(repr(n) for n in names)} 0: the size of "
             "the picture it is given)" for src, port, names, seen in own.values()]
    said += [f"{_whose(latent, names)} {'come' if len(names) > 1 else 'comes'} from {_named(src)}, "
             f"the size of the picture {_named(seen)} gives, which Studio gives the generator's '{into}' as it is: "
             f"the generator takes that size when it runs (its {' and '.join(repr(n) for n in names)} 0: the size of "
             "the picture it is given)" for src, into, names, seen in given.values()]
    said += _kept(wf, latent, related, lost, sources, kept_by) + counted
    if claimed is not None:
        claimed.update(into for _, into, names, _ in (*taken.values(), *given.values()) if "length" not in names)
    return "; ".join(said + ([_lost_said(wf, latent, lost, sources, scaled_for, loaded_for, sized_by,
                                                    length_from or next(iter((clips or {}).values()), None),
                                                    length_in)]
                            if lost else []))


def _lost_said(wf: Workflow, latent: CNode, lost: list[str], sources: dict, scaled_for: dict[str, str] | None,
               loaded_for: dict[str, str] | None, sized_by: tuple[str, ...] = SIZED_BY, clip_in: str | None = None,
               length_in: str = "length") -> str:
    """The sentence for the latent's sides ``lost`` (wired from ``sources``), not worked out (unread_sizes);
    ``clip_in``: the generator input whose clip's length its 'frames' 0 takes, where one is given (_counted's);
    ``length_in``: the latent's own name for its length (SVD's 'video_frames')."""
    words = []
    for src in sources.values():
        image = wf.source(src, "image") if "image" in src.links else None
        words.append(_named(src) + (f" ({'the size of' if _measures(wf, src) else 'worked out from'} what "
                                    f"{_named(image)} gives{measured_file.words(wf, image)})" if image is not None
                                    else ""))
    made = ", ".join(f"'{p}'" for n, p in PARAMS if n in lost)
    one = len(lost) == 1
    sized = [n for n in lost if n != "length"]  # with its picture input fed, its 0 width and height take that size
    into = min((v for v in (*(scaled_for or {}).values(), *loaded_for.values()) if v in sized_by),
               key=lambda v: v.startswith("keyframe_"), default=None) \
        if loaded_for is not None else None  # (None: a generator not sized by its input at 0; its picture input
    # before a keyframe's, which sizes the take only where no picture is given: heldout102 09 said 'keyframe_1')
    zero = ' and '.join(repr(n) for n in sized)
    if clip_in and "length" in lost:  # (ltxic10: a control clip's length, "its own 'frames' used" before)
        length = f"its '{clip_in}''s length (its 'frames' 0)"
        own_words = (f"the generator takes its '{into}''s size when it runs (its {zero} 0), and {length}" if sized
                     and into is not None else (f"the generator's own {'size is' if len(sized) > 1 else sized[0] + ' is'}"
                                                f" used, and it takes {length} when it runs" if sized else
                                                f"the generator takes {length} when it runs"))
    else:
        own_words = (f"the generator's own {'is' if one else 'are'} used" if not sized or into is None else
                     f"the generator takes its '{into}''s size when it runs (its {zero} 0)"
                     + (", its own 'frames' used" if "length" in lost else ""))  # (heldout35 03 / 06: "the generator's
    # own are used")
    return (f"{_whose(latent, [length_in if n == 'length' else n for n in lost])} come{'s' if one else ''} from "
            f"{', '.join(words)}, whose value{'s' if len(words) > 1 else ''} Studio cannot work out when "
            f"converting: not read, {own_words} (set its {made} to the workflow's)")


def kept_words(kept_by: dict) -> str:
    """The size a generator given no width and height makes its take at, in words, where a relation is kept
    (``kept_by`` of unread_sizes): "the size of its 'image', scaled to 0.5 times the size of what its 'control' is
    given, as ComfyUI's first stage is sized" (the family's stage line: LTX-2's comfy_stages)."""
    into, k, _, sized, _via = next(iter(kept_by.values()))
    if sized is None:
        return f"the size of its '{into}' scaled x{k:g}, as ComfyUI's first stage is sized"
    to = "the size" if k == 1 else f"{k:g} times the size"
    return f"the size of its '{sized}', scaled to {to} of what its '{into}' is given, as ComfyUI's first stage is sized"


def kept_scale(b: Any, gen: str, into: str, k: float, steps: list[CNode], sized: str | None = None,
               via: CNode | None = None) -> None:
    """Studio's Scale x``k`` put on the wire into the generator's ``into`` (the relation ``unread_sizes`` said kept:
    ``steps``, the workflow's scaling nodes, give its filter, the last one's); through the picture input ``sized``
    where ``into`` does not size the take (sized_like)."""
    b.used.update(s.id for s in steps if s.cls not in ("ImageScaleBy", "EmptyImage"))  # (a resize making the factor,
    # kept by this Scale: read, not "not applied"; sizes22. Folded steps stay as kinds.FOLDED reads them)
    if sized is not None:
        return sized_like.kept(b, gen, into, k, steps, sized)
    if via is not None:  # the Scale of the picture's own resize made the factor (resized_relation)
        resized_relation.factor_scale(b, gen, into, k)
        return None
    link = b.g.input_link(gen, into)
    if link is None:
        return
    method = METHODS.get(str(b.wf.value(steps[-1], "upscale_method" if steps[-1].cls != "ResizeImageMaskNode" else
                                        "scale_method"))) if steps else None
    nid = b.add("transform.scale", {"scale": k, **({"interpolation": method} if method else {})},
                steps[-1] if steps else None)
    b.g.disconnect(gen, into)
    b.g.connect(link.src, link.src_port, nid, "video")
    out = "video"
    want = next((i.type for i in b.g.registry.get(b.g.node(gen).type_id).inputs if i.name == into), None)
    if want == "Image":  # (a picture scaled is a one-frame clip: held as a still, as making.py does after a Scale)
        held = b.add("edit.frame_hold", {"frame": 0}, steps[-1] if steps else None)
        b.g.connect(nid, out, held, "video")
        nid, out = held, "image"
    b.g.connect(nid, out, gen, into)


def first_keyframe(node: Any, line: str) -> bool:
    """Whether a size claimed in ``line`` taken from a keyframe input of generator ``node`` (a Studio node) holds: its
    width and height 0 take the earliest keyframe's size, so each 'keyframe_N' the line names must be at the earliest
    of the frames its 'keyframes' lists (the N-th listed); True for a line naming none."""
    ports = {int(k) for k in re.findall(r"'keyframe_(\d+)'", line or "")}
    if not ports:
        return True
    times = [t.strip() for t in str((node.params or {}).get("keyframes") or "").split(",") if t.strip()]
    try:
        at = [float(t) for t in times]
    except ValueError:
        return False
    return all(0 < k <= len(at) and at[k - 1] <= min(at) for k in ports)


OWN_LENGTH = ("not read, the generator's own is used (set its 'frames' to the workflow's)", ", its own 'frames' used")
OWN_SIZES = "not read, the generator's own are used (set its 'width', 'height', 'frames' to the workflow's)"


def zero_frames_said(b: Any, gen: str, said: list[str]) -> None:
    """Where the latent's length was said not read and 'the generator's own' used (_lost_said), but the generator
    made, its 'frames' 0, makes another length its family tells (the 'zero_frames' hook: LTX-2's 'sound: drive', the
    sound's length; heldout62 04 said "the generator's own is used (set its 'frames' ...)"), those words instead."""
    from ..families import registry as families
    node = b.g.node(gen)
    params = node.params or {}
    hook = families.family_hook(b.family_now, "zero_frames")
    if hook is None or params.get("frames") not in (0, None):
        return
    words = hook(params, {e.dst_port for e in b.g.links if e.dst == gen})
    if not words:
        return
    for i, line in enumerate(said):  # this generator's own note's lines (its latent's), and the same in the Log
        if not re.search(r"'s (length|num_frames) comes from| and (length|num_frames) come from", line):
            continue
        new = line.replace(OWN_LENGTH[0], f"not read; {words} (set its 'frames' where the workflow's count "
                                           "differs)").replace(OWN_LENGTH[1], f"; {words}").replace(
            OWN_SIZES, f"not read, the generator's own width and height are used (set its 'width', 'height' to the "
            f"workflow's); for the length, {words} (set its 'frames' where the workflow's count differs)")
        if new != line:
            said[i] = new
            b.out.log[:] = [f"{b.name}: {new}" if x == f"{b.name}: {line}" else x for x in b.out.log]
