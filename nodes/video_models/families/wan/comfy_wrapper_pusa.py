"""The WanVideoWrapper's Pusa V1 (kijai's ComfyUI-WanVideoWrapper, read for meaning: WanVideoEmptyEmbeds'
'extra_latents', WanVideoAddExtraLatent's 'latent_index', WanVideoAddPusaNoise's 'noise_multipliers' and
'noisy_steps', sampled with the 'flowmatch_pusa' scheduler; its example workflows wanvideo_14B_pusa_I2V_example_01
and wanvideo_2_2_14B_Pusa_extension_example_01): the pictures encoded into the take's latent frames (WanVideoEncode,
read as VAEEncode by then) at index 0 (a picture: image to video; a clip's frames: extension) and at the last
latent frame (an end picture), each kept at its own timestep. Read as one node, ``PUSA``, which the Wan mapping
(comfy.py) makes into Studio's Wan Pusa node (families/wan/pusa/node.py): 'start' the pictures at index 0 (all of
them: 'clip_frames' 0), 'last_image' the one at the end, the noise multipliers and noisy steps as given. Wired
otherwise (pictures at other latent frames, an encoding not traced to pictures) it is held with a sentence
naming what. Plain stdlib.

The node types are the wrapper's by name (as every reading of the wrapper here): what each adds to the embeds
(pictures at a latent index, the multipliers) is not in their declarations; a latent passed on between the encode
and the embeds is followed by declared types (a node with one LATENT input giving a LATENT: KJNodes'
GetLatentSizeAndCount)."""
from __future__ import annotations

from studio.convert.api import CNode, image_socket, lowest, node_type, pick_widgets

EMPTY, EXTRA, NOISE = "WanVideoEmptyEmbeds", "WanVideoAddExtraLatent", "WanVideoAddPusaNoise"
PUSA = "WanVideoWrapperPusa"  # the node the reading makes: no ComfyUI node; the Wan mapping reads it
WIDGETS = {EXTRA: ("latent_index",), NOISE: ("noise_multipliers", "noisy_steps")}
PUSA_WIDGETS = ("width", "height", "length", "noise", "noisy_steps", "clip_frames", "last_noise", "key_noise",
                "key_frame")
DEFAULTS = {"noise": 0.2, "last_noise": 0.5, "key_noise": 0.3}  # Wan Pusa's (pusa/node.py)
SCHEDULER = "flowmatch_pusa"  # the wrapper's scheduler giving each latent frame its timestep (FlowMatchSchedulerPusa)


def is_pusa(t, sampler: CNode) -> bool:
    return str(t.named(sampler).get("scheduler") or "").startswith(SCHEDULER)


def _latent_source(t, link):
    """The node a latent comes from, through nodes that pass one LATENT on (by their declared types)."""
    seen = set()
    while link is not None and link[0] in t.wf.nodes and link[0] not in seen:
        n = t.wf.nodes[link[0]]
        seen.add(n.id)
        if n.cls == "VAEEncode":
            return n
        nt = node_type(n.origin or n.cls)
        lat = [s.name for s in nt.sockets if s.type == "LATENT"] if nt is not None and nt.sockets else \
            [k for k, v in n.in_types.items() if v == "LATENT"]
        outs = nt.output_types if nt is not None and nt.output_types else tuple(n.out_types)
        if len(lat) != 1 or link[1] >= len(outs) or outs[link[1]] != "LATENT" or lat[0] not in n.links:
            return None
        if n.id not in t.wf.taken:
            t.wf.taken.add(n.id)
            t.say(n, f"{CNode.named(n)} passes the latent it is given on 'latent' as it is: read through (Studio's Wan "
                     "Pusa encodes the pictures itself)")
        link = n.links[lat[0]]
    return None


def _chain(t, emb: CNode):
    """(the WanVideoAddPusaNoise node or None, [(latent index, its latent link, the node giving it)], the
    WanVideoEmptyEmbeds) from the node on the sampler's image_embeds, or None where it is another chain."""
    noise, entries, n, seen = None, [], emb, set()
    while n is not None and n.id not in seen:
        seen.add(n.id)
        if n.cls == NOISE:
            noise = noise or n
        elif n.cls == EXTRA:
            if t.link(n, "extra_latents"):
                entries.append((t.named(n).get("latent_index", 0), t.link(n, "extra_latents"), n))
        elif n.cls == EMPTY:
            if t.link(n, "extra_latents"):
                entries.append((0, t.link(n, "extra_latents"), n))
            return noise, entries, n
        else:
            return None
        src = t.through(t.link(n, "embeds"))
        n = t.wf.nodes.get(src[0]) if src else None
    return None


def _last_frames(t, link):
    """(the clip's link, N) where ``link`` is a pick of a clip's last N frames by its declared types (a first frame
    at its declared lowest, -1: KJNodes' GetImageRangeFromBatch's 'its last frames'), N known; else (link, 0)."""
    n = t.wf.nodes.get(link[0]) if link else None
    widgets = pick_widgets(n) if n is not None else None
    if widgets is None or not widgets[1]:
        return link, 0
    start, count = t.wf.value(n, widgets[0]), t.wf.value(n, widgets[1])
    port = image_socket(n, link[1])
    if port is None or start != -1 or lowest(n, widgets[0]) != -1 or not isinstance(count, int) or count < 1:
        return link, 0
    t.wf.taken.add(n.id)
    t.say(n, f"{CNode.named(n)} picks the last {count} frames of the clip it is given on '{port}' for the pictures "
             f"kept at the take's start: Studio's Wan Pusa keeps the same frames (its clip_frames {count})")
    return n.links[port], count


def _numbers(v) -> str | None:
    """A multiplier or a list of them as the node's 'noise' text, or None (not numbers)."""
    vals = v if isinstance(v, (list, tuple)) else [v]
    if not vals or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in vals):
        return None
    return ", ".join(f"{float(x):g}" for x in vals)


def _noise(t, noise, empty: CNode, sampler: CNode, others: list[str], widgets: dict) -> None:
    """The multipliers and noisy steps into ``widgets`` from WanVideoAddPusaNoise (``noise``; None: clean, said);
    ``others``: the node's settings for the pictures beside the start ('last_noise', 'key_noise')."""
    if noise is None:
        widgets.update({"noise": "0", **dict.fromkeys(others, 0.0)})
        t.say(empty, f"{CNode.named(empty)}'s pictures are given no noise multipliers (no {NOISE} on the way to "
                     f"'{sampler.title or sampler.shown_cls}' (#{sampler.id})): Studio's Wan Pusa keeps them clean "
                     "(noise 0)")
    else:
        defaults = ", ".join(f"{k} {DEFAULTS[k]:g}" for k in ("noise", *others))
        kept = (f"Studio's Wan Pusa keeps its default{'s' if others else ''} ({defaults}: set "
                f"{'them' if others else 'it'})")
        nw = t.named(noise, {"noise_multipliers": kept})
        value = nw.get("noise_multipliers")
        text = _numbers(value)
        if text is not None and "," not in text:  # one multiplier: every kept picture's
            widgets.update({"noise": text, **dict.fromkeys(others, float(text))})
        elif text is not None:
            widgets["noise"] = text
            if others:
                t.say(noise, f"{CNode.named(noise)}'s noise_multipliers are a list, given in the order of the kept "
                             "latent frames: Studio's Wan Pusa reads it for the frames at the take's start and gives "
                             f"its {' and '.join(others)} their defaults (set them)")
        elif "noise_multipliers" in nw:
            t.say(noise, f"{CNode.named(noise)}'s noise_multipliers {value!r} are not numbers: {kept}")
        steps = nw.get("noisy_steps")
        widgets["noisy_steps"] = steps if isinstance(steps, int) and not isinstance(steps, bool) else None
        t.wf.taken.add(noise.id)


def pusa(t, emb: CNode, pos, neg, sampler: CNode):
    """``emb`` (the node on a 'flowmatch_pusa' sampler's image_embeds: WanVideoAddPusaNoise, WanVideoAddExtraLatent
    or WanVideoEmptyEmbeds) as ``PUSA``: (latent, positive, negative); None (held with its sentence) where its
    pictures are where the node keeps none (more than one between the start and the last frame), or not traced to
    pictures."""
    if not is_pusa(t, sampler):
        return None
    got = _chain(t, emb)
    if got is None or not got[1]:
        return None
    noise, entries, empty = got
    w = t.named(empty)
    length = w.get("num_frames") if w.get("num_frames") is not None else t.wf.value(empty, "num_frames")
    last = (length - 1) // 4 if isinstance(length, int) and not isinstance(length, bool) else None
    start = end = key = None
    encodes, frames, role, key_at = [], 0, {}, 0
    for index, link, giver in entries:
        enc = _latent_source(t, link)
        pictures = t.link(enc, "pixels") if enc is not None else None
        at = index if not isinstance(index, int) or index >= 0 or last is None else last + 1 + index
        if pictures is None:
            t.say(giver, f"{CNode.named(giver)}'s extra latents are not traced to encoded pictures: Studio's Wan Pusa "
                         "cannot keep them, so the task is held")
            return None
        if at == 0 and start is None:
            start, frames = _last_frames(t, pictures)
            role["start"] = enc
        elif last is not None and at == last and end is None:
            end = pictures
            role["last_image"] = enc
        elif isinstance(at, int) and last is not None and 0 < at < last and key is None:
            key, key_at = pictures, at
            role["key_image"] = enc
        else:
            t.say(giver, f"{CNode.named(giver)} keeps pictures at latent frame {index} of the take, where Studio's Wan "
                         "Pusa keeps none (it keeps one picture or clip at the start, one picture at a frame between "
                         "and one at the last frame), so the task is held")
            return None
        encodes.append(enc)
    widgets = {"width": w.get("width"), "height": w.get("height"), "length": length, "clip_frames": frames}
    if key is not None:
        widgets["key_frame"] = 4 * key_at  # a pixel frame of that latent frame (Wan's VAE: 4 a frame after the first)
    others = [k for k, on in (("last_noise", end), ("key_noise", key)) if on is not None]
    _noise(t, noise, empty, sampler, others, widgets)
    links = {k: v for k, v in (("start", start), ("last_image", end), ("key_image", key),
                               ("vae", t.link(encodes[0], "vae"))) if v is not None}
    c = t.core(empty, PUSA, widgets, links, nid=f"{empty.id}:pusa")
    c.ports.update({k: (e, "image") for k, e in role.items()})  # (as the file wires them: the encodes' pictures)
    for n in [noise, empty, *(g for _, _, g in entries), *encodes]:
        if n is not None:
            t.wf.taken.add(n.id)
    kept = " and ".join(x for x, on in (("a picture or clip at its start", start),
                                        (f"a picture at its latent frame {key_at}", key),
                                        ("a picture at its last frame", end)) if on is not None)
    t.say(empty, f"{CNode.named(empty)} given its extra latents (pictures encoded into the take, {kept}) and sampled "
                 f"with '{SCHEDULER}' is read as Studio's Wan Pusa node: it encodes the pictures itself and keeps each "
                 "at its own timestep (Pusa V1)")
    return (c.id, 0), pos, neg


def other_passes(t) -> None:
    """A WanVideoAddPusaNoise feeding a later pass of the same take (the second expert's sampler, which Studio's Wan
    Pusa samples in the same call) is read where its noisy_steps add nothing there; said otherwise."""
    for n in [x for x in t.wf.nodes.values() if x.cls == NOISE and x.id not in t.wf.taken]:
        takers = [s for s in t.wf.nodes.values() if s.links.get("image_embeds", (None,))[0] == n.id]
        if not takers or not all(s.links.get("samples") for s in takers):
            continue
        raw = dict(zip(WIDGETS[NOISE], n.raw)) if isinstance(n.raw, list) else {}
        steps = n.widgets.get("noisy_steps", raw.get("noisy_steps")) if "noisy_steps" not in n.links else None
        t.wf.taken.add(n.id)
        if steps == 0:
            t.say(n, f"{CNode.named(n)} gives a later pass of the take (one continuing another pass's samples) "
                     "noisy_steps 0, no noise added to the kept frames there: so does Studio's Wan Pusa, which makes "
                     "the whole take in one call and noises them before its first noisy_steps steps only")
        else:
            steps = "(not known when converting)" if steps is None else steps
            t.say(n, f"{CNode.named(n)} gives a later pass of the take noisy_steps {steps}: not taken, Studio's Wan "
                     "Pusa makes the whole take in one call and noises the kept frames before its first noisy_steps "
                     "steps only")
