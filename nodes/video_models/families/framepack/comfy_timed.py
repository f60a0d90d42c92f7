"""FramePack forks' timed prompts and keyframes read as the Framepack node's (part of comfy_wrapper's translation;
the node's 'prompts' and key_1..3 at seconds: timed.py). Forks of kijai's ComfyUI-FramePackWrapper (nirvash's,
gamtruliar's: read for behaviour, github nirvash/ComfyUI-FramePackWrapper at fd2fcc2, gamtruliar/... at 88d37ca)
give their FramePackSampler a 'positive_keyframes' list from a TimestampPromptParser (or a CreatePositiveKeyframes: a
prompt at each section index) and a 'keyframes' latent from a CreateKeyframes. Both are named here: what they make (the text's bracketed spans in seconds ('sec') or sections
('s', of 1.2 s), text outside brackets in every section; each latent at its section index or at its seconds) is in
their code, not their declared types (a STRING in, LISTs out). The sampler's own inputs that take them are read
by name. Plain data and stdlib."""
from __future__ import annotations

import re

from studio.convert.api import CNode

PARSER, KEYS_NODE, POSITIVES, MOST = "TimestampPromptParser", "CreateKeyframes", "CreatePositiveKeyframes", 3
SECTION_S = 1.2  # the parser's section: 1.2 s (its code)
_SPAN = re.compile(r"\[(?:(-)?(\d+\.?\d*)(sec|s))?(?:-(?:(\d+\.?\d*)(sec|s))?)?:\s*([^\]]+)\]")


def _value(n: CNode, name: str, place: int, wf=None):
    """Setting ``name`` of ``n``: a value node's constant where wired (else None), by name (API) or place (UI)."""
    if wf is not None and name in n.links:
        return wf.value(n, name)
    if n.widgets:
        return n.widgets.get(name)
    return n.raw[place] if isinstance(n.raw, list) and place < len(n.raw) else None


def section_prompts(text: str, total_s: float) -> list[str]:
    """Each 1.2 s section's prompt as the parser makes it: the spans holding it, then the text outside brackets."""
    spans, most = [], 0.0
    for minus, start, su, end, eu, desc in _SPAN.findall(text):
        unit = SECTION_S if "s" in (su, eu) else None  # 's' a section index, 'sec' seconds

        def sec(v):
            return int(float(v)) if unit else int(float(v) // SECTION_S)
        if minus:
            a, b = 0, sec(start)
        elif start:
            a, b = sec(start), (sec(end) if end else None)
        else:
            a, b = 0, (sec(end) if end else 0)
        if not unit:
            most = max(most, float(end or start or 0))
        spans.append((a, b, desc.strip()))
    general = _SPAN.sub("", text).strip()
    n = max(1, int(-(-max(total_s if total_s and total_s >= 1 else 12.0, most) // SECTION_S)))
    out = []
    for j in range(n):
        words = [d for a, b, d in spans if a <= j < (b if b is not None else n)] + ([general] if general else [])
        out.append(" ".join(words))
    return out


def read(t, n: CNode, window) -> tuple[dict, dict, set]:
    """Sampler ``n``'s timed prompts and keyframes: (the task's settings, its links, the nodes whose pictures it
    takes); what is read is taken from the sampler's links and said."""
    per_section = (window if isinstance(window, int) and window > 0 else 9) * 4 / 30  # a section at 30 fps
    size, links, fine = {}, {}, set()
    src = n.links.get("positive_keyframes")
    parser = t.wf.nodes.get(src[0]) if src else None
    if parser is not None and parser.cls == PARSER:
        text = _value(parser, "text", 0)
        total = _value(parser, "total_second_length", 1)
        per = section_prompts(text if isinstance(text, str) else "", total if isinstance(total, (int, float)) else 0)
        lines = [(j * per_section, q) for j, q in enumerate(per) if j and q != per[j - 1]]
        clip = parser.links.get("clip")
        t.core(parser, "CLIPTextEncode", {"text": per[0]}, {"clip": clip} if clip else {})
        n.links["positive"] = (parser.id, 0)
        if lines:
            size["prompts"] = "\n".join(f"{s:g}: {q}" for s, q in lines)
        t.say(n, f"'{parser.title or PARSER}' ({PARSER}, #{parser.id}) is read as the Framepack node's prompt "
              f"'{per[0][:60]}'" + (", and its timed prompts: " + "; ".join(f"from {s:g} s '{q[:40]}'"
                                                                            for s, q in lines) if lines else
                                    " for the whole take (its text times no other prompt"
                                    + (": its bracketed text is not in the '[start-end: ...]' form the parser reads, "
                                       "so, as there, it is all one prompt" if "[" in per[0] else "") + ")")
              + f" (in the place of {n.cls} (#{n.id})'s 'positive', which the fork's sampler does not use where it "
                "is given these)")
        for k in ("positive_keyframes", "positive_keyframe_indices"):
            n.links.pop(k, None)
    elif parser is not None and parser.cls == POSITIVES:
        _positives(t, n, parser, per_section, size)
    src = n.links.get("keyframes")
    ck = t.wf.nodes.get(src[0]) if src else None
    if ck is not None and ck.cls == KEYS_NODE:
        seconds = "keyframe_seconds" in n.links or any(k.startswith("image_embeds_") for k in ck.in_types)
        found, lost = [], []
        for i, letter in enumerate("abc"):
            lat = ck.links.get(f"latent_{letter}")
            if lat is None:
                continue
            at = _value(ck, f"seconds_{letter}", 2 * i + 1, t.wf) if seconds else _value(ck, f"index_{letter}", i, t.wf)
            pix = t.pixels(lat)
            if pix is None or not isinstance(at, (int, float)):
                lost.append(f"latent_{letter}")
                continue
            sec = float(at) if seconds else float(at) * per_section
            found.append((sec, pix, letter))
            fine.add(lat[0])
            emb = ck.links.get(f"image_embeds_{letter}")
            if emb is not None:
                t.wf.taken.add(emb[0])
                fine.add(emb[0])
            t.wf.taken.add(lat[0])
        found.sort(key=lambda x: x[0])
        lost += [f"latent_{x[2]}" for x in found[MOST:]]
        for i, (sec, pix, _) in enumerate(found[:MOST], 1):
            links[f"key_{i}"] = pix
            size[f"key_{i}_at"] = round(sec, 3)
        if "prev_keyframes" in ck.links:
            lost.append("prev_keyframes")
        t.wf.taken.add(ck.id)
        shown = ", ".join(f"key_{i} at {sec:g} s (its {'latent_' + x})" for i, (sec, _, x) in enumerate(found[:MOST], 1))
        t.say(n, f"'{ck.title or KEYS_NODE}' ({KEYS_NODE}, #{ck.id})'s keyframes are read as the Framepack node's, "
              f"each conditioning the section holding its second: {shown or 'none'}; the fork's carrying of a "
              "keyframe on to the sections after it (its keyframe weight, embed strengths) is not built"
              + (f"; not taken: {', '.join(lost)}" if lost else ""))
        for k in ("keyframes", "keyframe_indices", "keyframe_seconds", "keyframes_embeds", "keyframes_embed_strengths"):
            n.links.pop(k, None)
    if size or links:  # its seconds are FramePack's, at 30 fps, whatever rate the take is played at
        size["timed_fps"] = 30.0
    return size, links, fine


def _positives(t, n: CNode, pk: CNode, per_section: float, size: dict) -> None:
    """A CreatePositiveKeyframes' prompts (CLIPTextEncodes) at their section indices: the first index's the node's
    prompt, each later one from its section on (as gamtruliar's sampler picks a section's: the last at or before
    it)."""
    found, lost = [], []
    for i, letter in enumerate("abc"):
        src = pk.links.get(f"positive_{letter}")
        enc = t.wf.nodes.get(src[0]) if src else None
        if enc is None:
            continue
        text, at = t.wf.value(enc, "text"), _value(pk, f"index_{letter}", i, t.wf)
        if enc.cls != "CLIPTextEncode" or not isinstance(text, str) or not isinstance(at, (int, float)):
            lost.append(f"positive_{letter}")
            continue
        found.append((float(at), text.strip(), src, enc))
    if not found:
        return
    found.sort(key=lambda x: x[0])
    lost += ["prev_keyframes"] if "prev_keyframes" in pk.links else []
    n.links["positive"] = found[0][2]
    lines = [(at * per_section, q) for at, q, _, _ in found[1:]]
    if lines:
        size["prompts"] = "\n".join(f"{s:g}: {q}" for s, q in lines)
    t.wf.taken.update({pk.id} | {e.id for _, _, _, e in found[1:]})
    t.say(n, f"'{pk.title or POSITIVES}' ({POSITIVES}, #{pk.id}) is read as the Framepack node's prompt "
          f"'{found[0][1][:60]}' (its 'positive_' at the first section index, '{found[0][3].title or 'CLIPTextEncode'}' "
          f"#{found[0][3].id})" + (", and its timed prompts: " + "; ".join(f"from {s:g} s '{q[:40]}'" for s, q in lines)
                                   if lines else "") + f", in the place of {n.cls} (#{n.id})'s 'positive'"
          + (f"; not taken: {', '.join(lost)}" if lost else ""))
    for k in ("positive_keyframes", "positive_keyframe_indices"):
        n.links.pop(k, None)
