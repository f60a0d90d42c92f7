"""A wrapper node's width, height and num_frames wired from a measure of the very clip the generator it is read as
takes on an input whose size and length its 0 take (KJNodes' GetImageSizeAndCount of the control clip a Wan Fun
Control take follows, of the pose clip SteadyDancer follows): told by the measure's declared types (an IMAGE in, INT
outputs named width, height, count: studio.convert.api.measure_kind) and by its picture being that clip (the measure
given the clip's pictures, or passing them on to the encode), the settings read as the generator's 0, said in one
sentence naming the node, its settings and the measure; the translation's "left unset" words for them taken back.
Found by measures11 (issue 112): the wrapper's Fun control and SteadyDancer examples were said "left unset" only.
Called by the wrapper's readings (``t``: a studio.convert.api.PackTranslation); plain stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, in_type, keeps_count, measure_kind, out_types, withdrawn

_name = CNode.named  # the node in a sentence
SETTINGS = {"width": "width", "height": "height", "num_frames": "length"}  # the wrapper's setting -> what it measures


def of_clip(t, node: CNode, clip, settings: tuple[str, ...] = tuple(SETTINGS)) -> dict[str, tuple]:
    """The measures of ``clip`` (a link: the pictures the generator's input is given) ``node``'s ``settings`` are
    wired from where none of them has a value: measure id -> (the measure, its settings in order, whether it measures
    the clip itself: else it counts the frames the clip is made from, one for each)."""
    out: dict[str, tuple] = {}
    if clip is None:
        return out
    for k in settings:
        link = t.link(node, k)
        m = t.wf.nodes.get(link[0]) if link else None
        if m is None or t.wf.value(node, k) is not None or "INT" not in out_types(t.wf, m):
            continue
        if measure_kind(t.wf, link) != SETTINGS.get(k):  # (a count wired to a width: not this clip's width)
            continue
        pic = next((j for j in m.links if in_type(m, j) == "IMAGE"), None)
        if pic is None:
            continue
        direct = clip[0] == m.id or m.links[pic][0] == clip[0]
        if direct or k == "num_frames" and _made_from(t, clip[0], m.links[pic][0]):  # (a count: of the frames the
            out.setdefault(m.id, (m, [], direct))[1].append(k)  # clip is made from, one for each)
    return out


VALUES = ("INT", "FLOAT", "STRING", "BOOLEAN", "COMBO")


def _made_from(t, nid: str, source: str, depth: int = 0) -> bool:
    """Whether node ``nid``'s pictures are made from ``source``'s, one for each, through steps each giving one for each
    frame it is given (keeps_count; a pose drawn of the frames' detections: SteadyDancer's pose clip), followed up
    their inputs of other than value types."""
    node = t.wf.nodes.get(nid)
    if node is None or depth > 8 or not keeps_count(t.wf, node):
        return False
    ups = {v[0] for k, v in node.links.items() if in_type(node, k) not in VALUES}
    return source in ups or any(_made_from(t, u, source, depth + 1) for u in ups)


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def said(t, node: CNode, measures: dict[str, tuple], clip_words: str, generator: str) -> None:
    """One sentence per measure: ``node``'s settings come from it, a measure of ``clip_words`` ('the control clip'),
    which ``generator`` takes when it runs (its 0s), as the wrapper does; their "left unset" words taken back."""
    for m, names, direct in measures.values():
        for k in names:
            withdrawn(t, node, k)
        sized = [k for k in names if k != "num_frames"]
        what = " and ".join(w for w, on in (("size", sized), ("length", "num_frames" in names)) if on)
        zeros = _listed([*sized, *(["frames"] if "num_frames" in names else [])])
        of = f"a measure of {clip_words}" if direct else f"a count of the frames {clip_words} is made from, one for each"
        t.say(node, f"{_name(node)}'s {_listed(names)} come{'s' if len(names) == 1 else ''} from {_name(m)}, {of}: "
                    f"{generator} takes {clip_words}'s {what} when it runs (its {zeros} 0), as the "
                    "wrapper does")
