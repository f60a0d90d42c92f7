"""A node pack's sampler of SamplerCustomAdvanced's sockets, told by its declared types (issue 112, clss22): a NOISE,
a GUIDER, a SAMPLER, a SIGMAS and one LATENT socket in, LATENT out only (the CLSS pack's streaming LTX-2.3 sampler
and its stage 2). It is rewritten, in place, as ComfyUI's SamplerCustomAdvanced, so the converter reads it as the
pass it samples: the guider's model and prompts, the noise's seed, the sampler's and the sigmas' steps, the latent's
size and length. What else it is given and set to is said in one sentence naming the node, never guessed at:
- a picture beside a VAE on IMAGE and VAE sockets (an i2v guide) is made as the family's node putting a picture as the
  latent's first frame (its 'first_frame' hook: LTX-2's LTXVImgToVideoInplace at strength 1) where the pack's source
  says so (data/pack_samplers.json 'guide'), else said not applied;
- a pack whose source says its latent is a template each of N chunks is sampled from (data/pack_samplers.json
  'chunks': the setting counting them) makes N times the template's latent frames: the take's length is set so on
  the node the latent's length is read from, the chunking itself (overlaps, corrections) said not made;
- its other sockets (a pack's own config) and settings: said, not applied.
A guider patch of a pack (a GUIDER and settings in, GUIDER out) is read as the guider it is given, its settings said.
Plain data and stdlib."""
from __future__ import annotations

import functools
import json
import os
from typing import Any

from .. import catalogue
from ..families import registry as families
from ..reading.workflow import CNode, Workflow
from ..tracing.roles import consumers, role
from ..tracing.tasks import family, task_node
from ..tracing.walks import model_file, upstream
from .shapes import declared_of, unread

SOCKETS = {"NOISE": "noise", "GUIDER": "guider", "SAMPLER": "sampler", "SIGMAS": "sigmas", "LATENT": "latent_image"}
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "pack_samplers.json")
LENGTHS = ("length", "video_frames", "num_frames", "frames")  # a latent's frames, by ComfyUI's usual names

_name = CNode.named


@functools.lru_cache(maxsize=1)
def _all() -> dict:
    try:
        with open(DATA, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return {}


def _data() -> dict:
    return _all().get("samplers", {})


def _prompt_node(wf: Workflow, guider: CNode | None) -> tuple[CNode, dict] | None:
    """The pack's prompt node (data 'prompts') on the way up from a guider's positive, with what its source says."""
    known, seen = _all().get("prompts", {}), set()
    todo = [wf.source(guider, "positive")] if guider is not None else []
    while todo and len(seen) < 32:
        node = todo.pop(0)
        if node is None or node.id in seen:
            continue
        seen.add(node.id)
        if node.shown_cls in known:
            return node, known[node.shown_cls]
        todo += [wf.nodes.get(src) for src, _ in node.links.values()]
    return None


def _prompts(wf: Workflow, n: CNode, chunked: bool) -> str:
    """What the pack's prompt node giving ``n``'s guider its positive does that Studio's reading does not: scenes, one
    guiding each chunk in turn; each scene rewritten by the text model before it is encoded. '' where none."""
    found = _prompt_node(wf, wf.source(n, "guider"))
    if found is None:
        return ""
    node, facts = found
    text = wf.value(node, facts.get("text", ""))
    parts = []
    scenes = [x for x in text.split(facts["scenes"]) if x.strip()] if isinstance(text, str) and "scenes" in facts \
        else []
    if chunked and len(scenes) > 1:
        parts.append(f"its prompt, {_name(node)}'s, is {len(scenes)} scenes (split at each line of "
                     f"{facts['scenes'].strip()!r}), each guiding its share of the chunks in turn: Studio's one pass is "
                     "guided by the whole text at once")
    if facts.get("rewrites") and chunked:  # (said once: on the first pass, the one its chunks are sampled by)
        key = facts.get("limit", "")
        limit = f", its {key} {wf.value(node, key)} tokens" if key and wf.value(node, key) is not None else ""
        parts.append(f"{_name(node)} has its text model rewrite each scene before encoding it (LTX-2's prompt "
                     f"enhancement{limit}), which the converted graph does not do: it encodes the text as written "
                     "(Studio's Enhance Prompt, LTX-2's, can be put before the generator's prompt by hand)")
    return "; ".join(parts)


def family_of(wf: Workflow, n: CNode) -> str | None:
    """The family title of the model ``n`` samples with: its guider's (or its own) model's loader's file."""
    node = n
    for _ in range(16):
        node = wf.source(node, "model") if "model" in node.links else wf.source(node, "guider")
        if node is None or role(wf, node) == "loader":
            break
    return family(model_file(wf, node), None, upstream(wf, n)) if node is not None else None


def _shown(v: Any) -> str:
    s = repr(v) if isinstance(v, str) else f"{v:g}" if isinstance(v, float) else str(v)
    return s if len(s) <= 60 else s[:57] + "..."


CORE = "Comfy-Org/ComfyUI"  # ComfyUI's own types: read by their names, never as a pack's


def _pack_node(n: CNode) -> bool:
    """A node of a pack's type, its catalogued declaration not ComfyUI's own."""
    t = catalogue.node_type(n.shown_cls)
    return t.pack != CORE if t is not None else bool(n.in_types)  # (uncatalogued: the types its UI file lists)


def _shape(wf: Workflow, n: CNode) -> tuple[dict[str, str], list, list] | None:
    """({SamplerCustomAdvanced's input: the node's socket}, its other sockets [(name, type)], its settings [name]) of
    a node of that shape (a pack's, catalogued); None else."""
    if not _pack_node(n):
        return None
    ins, outs = declared_of(wf, n)
    if not outs or any(o != "LATENT" for o in outs):
        return None
    sockets = [(k, t) for k, t, w in ins if not w]
    mine = {}
    for t, port in SOCKETS.items():
        found = [k for k, kt in sockets if kt == t]
        if t == "SAMPLER" and not found:  # a pack sampling by a method of its own (heldout108 03: H3's SPEED)
            continue
        if len(found) != 1:
            return None
        mine[port] = found[0]
    other = [(k, t) for k, t in sockets if k not in mine.values()]
    return mine, other, _settings(n, ins)


def _settings(n: CNode, ins: list) -> list[str]:
    """Its declared settings, then those its file gives that its declaration (another version's) does not."""
    declared = [k for k, _, w in ins if w]
    known = {k for k, _, _ in ins}
    return declared + [k for k in n.widgets if k not in known and k not in n.links]


def _first_frame(wf: Workflow, n: CNode, other: list, fam: str | None, guide: bool) -> tuple[str, set]:
    """The picture on an IMAGE socket beside a VAE, put as the latent's first frame by the family's node where the
    pack says its IMAGE is that (``guide``); (the words, the sockets read)."""
    images = [k for k, t in other if t == "IMAGE" and k in n.links]
    vaes = [k for k, t in other if t == "VAE" and k in n.links]
    if not images:
        return "", set(vaes) if not guide else set()
    how = families.family_hook(fam, "first_frame")
    if not guide or how is None or len(images) != 1 or len(vaes) != 1:
        return "", set()
    cls, ports, settings = how
    node = CNode(id=f"{n.id}:first", cls=cls, title=n.title, origin=n.shown_cls, pos=n.pos,  # (named as the sampler)
                 widgets=dict(settings), links={ports[0]: n.links[images[0]], ports[1]: n.links[vaes[0]],
                                                ports[2]: n.links["latent_image"]})
    node.said_as = f"the picture on {_name(n)}'s '{images[0]}'"
    wf.nodes[node.id] = node
    n.links["latent_image"] = (node.id, 0)
    said = ", ".join(f"{k} {_shown(v)}" for k, v in settings.items())
    return (f"its '{images[0]}' (with its '{vaes[0]}') put as the latent's first frame, as its pack's source says, by "
            f"{cls} ({said})", {images[0], vaes[0]})


def _chunks(wf: Workflow, n: CNode, count: str, fam: str | None, values: dict) -> str:
    """The take of ``n``'s latent, a template each of ``count`` chunks is sampled from: its length set to that many
    times the template's latent frames, on the node the latent's length is read from; the words."""
    chunks = values.get(count)
    stride = families.family_hook(fam, "latent_stride")
    node, _ = task_node(wf, n, [])
    key = next((k for k in LENGTHS if node is not None and wf.value(node, k) is not None), None)
    length = wf.value(node, key) if key else None
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in (chunks, stride, length)):
        return (f"it samples {count} {_shown(chunks)} chunks of its latent, a template of one chunk, one after "
                "another: the take's length, their count times the template's, is not worked out here (the "
                "template's length is made)")
    latents = (length - 1) // stride + 1
    total = (chunks * latents - 1) * stride + 1
    node.links.pop(key, None)
    node.widgets[key] = total
    return (f"it samples its latent, a template of one chunk of {length} frames ({latents} latent frames), "
            f"{chunks} times ({count} {chunks}), each chunk after the one before: the take is {chunks} x {latents} "
            f"latent frames, {total} frames, which Studio makes in one pass ({_name(node)}'s {key} read as {total}); "
            "its chunks, their overlaps re-noised and its drift corrections and anchors are not made"
            + _wall(values, total))


def _wall(values: dict, total: int) -> str:
    """Where the one pass runs past the 20 s its pack's source keeps each window under (LTX-2.3's positions, in
    seconds, trained up to 20: the CLSS pack's 'RoPE wall'), said; '' else."""
    fps = values.get("fps")
    if not isinstance(fps, (int, float)) or isinstance(fps, bool) or fps <= 0 or total / fps <= 20:
        return ""
    return (f" (at its fps {fps:g} the pass lasts {total / fps:.1f} s, where its pack keeps each window it samples under "
            "20 s, the length its source says the model's positions were trained to)")


def _read(wf: Workflow, n: CNode) -> str | None:
    shape = _shape(wf, n)
    if shape is None:
        return None
    mine, other, settings = shape
    pack = _data().get(n.shown_cls, {})
    fam = family_of(wf, n) if mine["guider"] in n.links else None
    values = {k: wf.value(n, k) for k in settings}  # (read before its links are let go: a wired fps)
    links = {port: n.links[k] for port, k in mine.items() if k in n.links}
    extra = {k: n.links[k] for k, _ in other if k in n.links}
    n.origin, n.cls, n.links = n.shown_cls, "SamplerCustomAdvanced", links
    n.ports.update({port: k for port, k in mine.items() if port != k})
    parts = []
    n.links.update(extra)  # (read by _first_frame, then let go)
    guide, read = _first_frame(wf, n, other, fam, bool(pack.get("guide")))
    for k in extra:
        n.links.pop(k, None)
        if k not in read:
            n.let_go[k] = extra[k]
    if guide:
        parts.append(guide)
    n.own_ways = tuple(pack.get("own_ways", ()))
    if pack.get("chunks") in settings and "latent_image" in n.links:
        parts.append(_chunks(wf, n, pack["chunks"], fam, values))
    prompts = _prompts(wf, n, bool(pack.get("chunks")))
    if prompts:
        parts.append(prompts)
    unset = [k for k, _ in other if k in extra and k not in read]
    rest = [f"{k} {_shown(values[k])}" for k in settings if k != pack.get("chunks") and values[k] is not None] or \
        [f"#{i} {_shown(v)}" for i, v in enumerate(n.raw if isinstance(n.raw, list) else ())]  # (unnamed: by place)
    if "sampler" not in mine:
        parts.append("it has no sampler input, sampling by a method of its own pack's, which is not made: the "
                     "generator samples the schedule with its own sampler")
    if unset:
        named = [f"'{k}'" + (f" ({_name(m)})" if (m := wf.nodes.get(extra[k][0])) is not None else "") for k in unset]
        parts.append(f"its {', '.join(named)} {'are' if len(unset) > 1 else 'is'} not read")
    if rest:
        parts.append(f"its {', '.join(rest)} {'are' if len(rest) > 1 else 'is'} not applied (SamplerCustomAdvanced "
                     "has no such setting)")
    wf.__dict__.pop("_consumers", None)
    return (f"{_name(n)} is read as ComfyUI's SamplerCustomAdvanced by its declared types (a noise, a guider, "
            f"{'a sampler, ' if 'sampler' in mine else ''}sigmas and a latent in, a latent out"
            f"{'' if _pack_node(n) and catalogue.node_type(n.shown_cls) else ': as its file lists them'})"
            + "".join(f"; {p}" for p in parts))


def _patch(wf: Workflow, n: CNode) -> str | None:
    """A guider patch (one GUIDER socket, wired, and settings in; GUIDER out): its readers given the guider it is
    given, the patch read away; the sentence saying so and naming its settings, none applied."""
    if not _pack_node(n):
        return None
    ins, outs = declared_of(wf, n)
    sockets = [(k, t) for k, t, w in ins if not w]
    if outs != ["GUIDER"] or len(sockets) != 1 or sockets[0][1] != "GUIDER" or sockets[0][0] not in n.links:
        return None
    given = n.links[sockets[0][0]]
    inner = wf.nodes.get(given[0])
    readers = [(m, k) for m, k in consumers(wf).get(n.id, ())]
    for m, k in readers:
        m.links[k] = given
    wf.nodes.pop(n.id)  # (read away: its sentence says what it was and what of it is read)
    wf.__dict__.pop("_consumers", None)
    rest = [f"{k} {_shown(wf.value(n, k))}" for k in _settings(n, ins) if wf.value(n, k) is not None]
    line = (f"{_name(n)} patches the guider it is given ({_name(inner) if inner else given[0]}), which is read in its "
            "place")
    if rest:  # (never mapped: a patch's sound scale may not act at all: CLSS's v1 patch is inert on a ComfyUI that
        # packs the sound with the picture, its pack's own source says)
        line += (f"; its {', '.join(rest)} {'are' if len(rest) > 1 else 'is'} not applied (the guidance is that "
                 "guider's alone, for the picture and any sound alike)")
    return line


def translate(wf: Workflow) -> list[str]:
    """Each guider patch read as its guider, then each sampler of SamplerCustomAdvanced's shape rewritten as it; one
    sentence each."""
    said = [line for n in list(unread(wf)) if (line := _patch(wf, n))]
    return said + [line for n in list(unread(wf)) if (line := _read(wf, n))]
