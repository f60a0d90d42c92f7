"""kijai's ComfyUI-WanVideoWrapper video to video: a WanVideoSampler given an encoded clip (its 'samples') still takes
an 'image_embeds', most often a WanVideoEmptyEmbeds. The wrapper's nodes.py (Apache-2.0, read for meaning, nothing
copied) makes that node's width, height and num_frames only the shape of the noise, and mixes the noise with the
clip's latents, so both are the same size (later versions pad a clip shorter than num_frames by repeating its first
latent frame at the start): the node gives the pass its size and length, which are the clip's.
Studio's video to video takes its size and length from the clip, so the node is read (taken) with one sentence
saying so. Called by comfy_wrappers' translation (``t``, a studio.convert.api.PackTranslation); plain stdlib."""
from __future__ import annotations

from studio.convert.api import CNode

EMPTY = "WanVideoEmptyEmbeds"


def noise_shape(t, sampler: CNode) -> None:
    """``sampler``'s image_embeds, where it is given samples and they come from a plain WanVideoEmptyEmbeds (one given
    extra_latents is a start image, read elsewhere): taken as the pass's noise shape, said."""
    flow_edit(t, sampler)
    src = t.link(sampler, "image_embeds")
    emb = t.wf.nodes.get(src[0]) if src else None
    if emb is not None and emb.cls != EMPTY and t.link(sampler, "samples") is not None:
        t.__dict__.setdefault("beside_samples", []).append((sampler, emb))  # said unless another pass reads them
    if emb is None or emb.cls != EMPTY or t.link(emb, "extra_latents") or t.link(sampler, "samples") is None:
        return
    line = (f"'{emb.title or emb.shown_cls}' ({emb.shown_cls}, #{emb.id}) gives the video-to-video sampler "
            f"'{sampler.title or sampler.shown_cls}' (#{sampler.id}) only its noise's shape (its width, height and "
            "num_frames), which the "
            f"wrapper matches to the clip it is given (samples): Studio's {_studio_pass(t, sampler)} takes its size "
            "and length from that clip (a num_frames longer than the clip, which later wrapper versions fill by repeating the "
            "clip's first frame at its start, is not made)")
    if line not in t.said:
        t.said.append(line)
    t.wf.taken.add(emb.id)


def _studio_pass(t, sampler: CNode) -> str:
    """The Studio node the sampler's pass is made as, in words: Wan FlowEdit where its FlowEdit was read
    (comfy_wrapper_flowedit: the node taken), else video to video."""
    link = t.link(sampler, "flowedit_args")
    return "Wan FlowEdit" if link and link[0] in t.wf.taken else "video to video"


def unread_embeds(t) -> None:
    """Embeds given to a sampler beside the samples it continues, which no pass read (the sampler reads its samples):
    said, naming both (after every sampler is read: a pair of experts sharing one embeds node reads them once)."""
    for sampler, emb in getattr(t, "beside_samples", ()):
        now = t.wf.nodes.get(emb.id)
        if now is not emb or emb.id in t.wf.taken or emb.id in t.latents:
            continue  # read by another pass (made into a core node in its place), or taken
        t.said.append(f"'{sampler.title or sampler.shown_cls}' (#{sampler.id}) continues the latent it is given "
                      f"(samples) and is also given image_embeds from '{emb.title or emb.shown_cls}' ({emb.shown_cls}, "
                      f"#{emb.id}): those embeds (their pictures, size and conditioning) are not read")


def flow_edit(t, sampler: CNode) -> None:
    """A sampler given a clip (samples) and FlowEdit's settings on its declared 'flowedit_args' (WanVideoFlowEdit: the
    clip edited from a source prompt toward the sampler's own): not made, said (heldout78 03: the edit was made as a
    plain re-make, the FlowEdit node only listed as not converted)."""
    link = t.link(sampler, "flowedit_args")
    fe = t.wf.nodes.get(link[0]) if link else None
    if fe is None or fe.id in t.wf.taken or t.link(sampler, "samples") is None:
        return  # (taken: read as Studio's Wan FlowEdit, comfy_wrapper_flowedit)
    line = (f"'{sampler.title or sampler.shown_cls}' (#{sampler.id}) edits the clip it is given (samples) by FlowEdit "
            f"('{fe.title or fe.shown_cls}' ({fe.shown_cls}, #{fe.id}): from the source prompt on its 'source_embeds' "
            "toward the sampler's own): not made, Studio's Video to Video re-makes the clip's latents at the sampler's "
            "denoise from the sampler's prompt alone")
    if line not in t.said:
        t.said.append(line)
