"""FLUX.1's own prompt node in a ComfyUI workflow: CLIPTextEncodeFlux, its T5-XXL prompt ('t5xxl') read as the
generator's prompt (diffusers' FluxPipeline gives one prompt to both text encoders where no second is given; T5's
states carry the prompt, CLIP-L's pooled vector its gist); a different CLIP-L prompt ('clip_l') said not taken. Its
'guidance' is the embedded guidance, read where FluxGuidance's is (tracing/guiders.distilled_input, by its declared
FLOAT 'guidance'). Plain stdlib."""
from __future__ import annotations

NODE = "CLIPTextEncodeFlux"
PROMPT, OTHER = "t5xxl", "clip_l"


def read_flux_prompt(b, start, pos, said: list) -> object:
    """The positive prompt as read; a CLIPTextEncodeFlux on either prompt of the samplers ``start`` feeds has a
    CLIP-L prompt other than its T5 one said (the prompt hook: every pipeline's, acting on this node only)."""
    wf = b.wf
    if start is None:
        return pos
    for s in [x for x in wf.nodes.values() if x.links.get("positive", (None,))[0] == start.id]:
        for which in ("positive", "negative"):
            n = wf.source(s, which)
            if n is None or n.cls != NODE:
                continue
            main, other = wf.value(n, PROMPT), wf.value(n, OTHER)
            if isinstance(other, str) and other.strip() and other != main:
                line = (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})'s '{OTHER}' (the {which} prompt of "
                        f"CLIP-L: {other[:60]!r}) is not taken: Studio's FLUX.1 gives its '{PROMPT}' to both text "
                        "encoders")
                if line not in said:
                    said.append(line)
    return pos
