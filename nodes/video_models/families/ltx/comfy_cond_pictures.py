"""The pictures a ComfyUI-LTXVideo sampler is given on 'optional_cond_images' with their frames on
'optional_cond_indices' (LTXVBaseSampler, LTXVTiledSampler, LTXVExtendSampler, LTXVInContextSampler: easy_samplers.py and
tiled_sampler.py, read for meaning): the batch's i-th picture is put at the i-th index, counted from the end where
negative (a comma-separated text of whole numbers, one per picture), each with the sampler's strength; index 0 is
encoded in place as the first frames, the others added as guides (ComfyUI's LTXVAddGuide). The batch is told apart by
declared types: a node putting pictures together one after another (reading/gathers: its numbered inputs, 'batch' in
its name) is followed into its parts, each part one loaded picture; a step taking one picture batch and giving one
(a blur) on the way is named, as it is not made on the parts. Where the pictures cannot be told apart one by one, or
their count is not the indices', nothing is read (the sampler is held as before). Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import LOADER_NODES, CNode, gathered, node_type

MAX_WAY = 32
BATCH_WORDS = ("batch",)  # a gather putting its pictures one after another (its type's name says so)


def indices(text) -> list[int] | None:
    """'0, 40, -1' -> [0, 40, -1]; None where it is not whole numbers separated by commas."""
    if isinstance(text, (int, float)) and not isinstance(text, bool) and text == int(text):
        return [int(text)]
    if not isinstance(text, str) or not text.strip():
        return None
    out = []
    for part in text.split(","):
        try:
            out.append(int(part.strip()))
        except ValueError:
            return None
    return out


def _one_picture(n: CNode) -> bool:
    """``n`` loads one picture (a Load Image)."""
    return LOADER_NODES.get(n.cls, ("", ""))[1] == "image"


def _batch(n: CNode) -> list[str]:
    """The numbered picture inputs ``n`` puts one after another (a batch by its type's name), else []."""
    parts = gathered(n)
    t = node_type(n.origin or n.cls)
    words = f"{t.name} {t.display}".lower() if t is not None else n.cls.lower()
    return parts if parts and any(w in words for w in BATCH_WORDS) else []


def _step(wf, n: CNode) -> str | None:
    """The one picture input of a node taking one wired IMAGE and giving IMAGE alone (a step on every picture of the
    batch: a blur, a colour change), else None."""
    pics = [k for k, (src, _) in n.links.items() if (n.in_types.get(k) or "") == "IMAGE" or
            (not n.in_types and k in ("image", "images"))]
    outs = set(n.out_types or [])
    t = node_type(n.origin or n.cls)
    if t is not None and t.outputs:
        outs = set(t.output_types)
    return pics[0] if len(pics) == 1 and outs == {"IMAGE"} else None


def pictures(wf, link) -> tuple[list[tuple], list[CNode], list[CNode]] | None:
    """(each picture's link, in the batch's order; the steps between the batch and the sampler; the nodes putting them
    together) for the batch ``link`` gives, or None where it is not loaded pictures put together one after another."""
    steps: list[CNode] = []
    n = wf.nodes.get(link[0]) if link else None
    for _ in range(MAX_WAY):
        if n is None or not n.enabled:
            return None
        if _one_picture(n) or _batch(n):
            break
        port = _step(wf, n)
        if port is None:
            return None
        steps.append(n)
        link = n.links[port]
        n = wf.nodes.get(link[0])
    else:
        return None
    joins: list[CNode] = []
    out = _parts(wf, link, 0, joins)
    return (out, steps, joins) if out else None


def _parts(wf, link, depth: int, joins: list[CNode]) -> list[tuple] | None:
    n = wf.nodes.get(link[0])
    if n is None or not n.enabled or depth > MAX_WAY:
        return None
    if _one_picture(n):
        return [tuple(link[:2])]
    joins.append(n)
    out = []
    for port in _batch(n):
        got = _parts(wf, n.links[port], depth + 1, joins)
        if got is None:
            return None
        out += got
    return out or None


# the sampler's preprocessing of its pictures (easy_samplers.py): each scaled to the take's size (bilinear, cut to its
# aspect about the middle where 'crop' is 'center'), compressed as a video frame at 'crf' and blurred by 'blur'
PREPARED = (("crop", "disabled", "each picture cut to the take's aspect about the middle before it is scaled"),
            ("crf", 0, "each picture compressed as a video frame of that quality"),
            ("blur", 0, "each picture blurred by that radius"))


def guides(t, n: CNode, w: dict, strength_key: str = "strength"):
    """For pack sampler ``n`` (settings ``w``) given pictures and their frames: a function making, on the latent it is
    given, one LTXVAddGuide per picture at its frame (ComfyUI's guide, which this family's reading takes as a keyframe:
    at frame 0 the first frames), chained, and giving the last guide's latent; what is not applied said on ``t``. None
    where the pictures cannot be read one by one against their indices."""
    at = indices(w.get("optional_cond_indices"))
    found = pictures(t.wf, n.links.get("optional_cond_images"))
    if at is None or found is None or len(found[0]) != len(at):
        return None
    parts, steps, joins = found
    strength = w.get(strength_key, 0.9)

    def make(latent: CNode) -> tuple:
        link = (latent.id, 0)
        t.wf.taken |= {m.id for m in joins}  # the batch read into its pictures
        # chained last first: the reading, from the sampler up, meets them in the indices' order
        for i, (pic, frame) in reversed(list(enumerate(zip(parts, at), 1))):
            g = t.core(n, "LTXVAddGuide", {"frame_idx": frame, "strength": strength},
                       {"latent": link, "image": pic, **({"vae": n.links["vae"]} if "vae" in n.links else {})},
                       nid=f"{n.id}:guide{i}")
            link = (g.id, 2)
        for m in steps:
            t.wf.taken.add(m.id)
            t.said.append(f"'{m.title or m.shown_cls}' ({m.shown_cls}, #{m.id}), a step on the pictures between their "
                          f"batch and {n.named()}'s 'optional_cond_images', is not applied: Studio takes each picture "
                          "as it is loaded")
        lost = [f"{k} {w[k]!r} ({words})" for k, default, words in PREPARED if w.get(k) not in (None, default)]
        if lost:
            t.said.append(f"{n.named()}'s preparation of its pictures is not applied: {'; '.join(lost)}")
        return link
    return make
