"""ComfyUI-LTXVideo's LTXVLoopingSampler given a clip's latents as its 'optional_guiding_latents' (an IC-LoRA's guide:
its control clip, KJNodes' EncodeVideoComponents or a VAEEncode of the clip) read as LTX-2's control clip: an
LTXAddVideoICLoRAGuide of the clip on the looping sampler's latent (its strength the sampler's guiding_strength),
which this family reads as the generator's 'control'. Where the latent the sampler denoises is that same encoded clip
denoised whole (a BasicScheduler's denoise 1: the clip noised away, as in ComfyUI), only its size and length are the
take's: it is read as an empty LTX-2 latent of them. What the encoder does to the clip (its resize, its frame cap) is
said. Plain data and stdlib (an artist's LTX-2.3 anime-to-real workflow had been held, EncodeVideoComponents named)."""
from __future__ import annotations

from studio.convert.api import CNode

ENCODERS = {"EncodeVideoComponents": "video", "VAEEncode": "pixels", "VAEEncodeTiled": "pixels"}
GUIDE = "LTXAddVideoICLoRAGuide"


def _whole(t, n: CNode) -> bool:
    """The looping sampler denoises its latent whole: its sigmas a BasicScheduler's of denoise 1."""
    sig = t.wf.nodes.get(n.links["sigmas"][0]) if "sigmas" in n.links else None
    return sig is not None and sig.cls == "BasicScheduler" and t.wf.value(sig, "denoise") in (1, 1.0)


def guiding_control(t, n: CNode, w: dict, latent: tuple | None) -> tuple[tuple | None, bool]:
    """(the latent the sampler reads, True where its guiding latents are read as LTX-2's control clip)."""
    link = n.links.get("optional_guiding_latents")
    enc = t.wf.nodes.get(link[0]) if link else None
    if enc is None or latent is None or enc.cls not in ENCODERS or ENCODERS[enc.cls] not in enc.links:
        return latent, False
    main = t.wf.nodes.get(latent[0])
    same = main is not None and main.cls in ENCODERS and main.links.get(ENCODERS[main.cls]) == enc.links[ENCODERS[enc.cls]]
    if same and not _whole(t, n):
        return latent, False  # a clip re-sampled part way with a guide besides: left as it is (said by the loop)
    if same:
        size = {k: t.wf.value(main, k) for k in ("width", "height")}
        frames = t.wf.value(main, "max_frames") if main.cls == "EncodeVideoComponents" else None
        empty = t.core(n, "EmptyLTXVLatentVideo", {**size, "length": frames if frames else None, "batch_size": 1}, {},
                       nid=f"{n.id}:empty")
        t.wf.taken.add(main.id)
        latent = (empty.id, 0)
        t.said.append(f"{t.name(n)} denoises the latent of '{main.title or main.shown_cls}' ({main.shown_cls}, "
                      f"#{main.id}) whole (denoise 1): the clip is noised away, as in ComfyUI; only its size and length "
                      "are the take's")
    if main is not None and main.cls == "EncodeVideoComponents":
        _components(t, main)
    strength = w.get("guiding_strength", 1.0)
    g = t.core(n, GUIDE, {"frame_idx": 0, "strength": strength}, {"latent": latent, "image": enc.links[ENCODERS[enc.cls]]},
               nid=f"{n.id}:guide")
    t.wf.taken.add(enc.id)
    lost = [f"{k} {t.wf.value(enc, k)!r}" if k not in enc.links else f"{k} (wired)"
            for k in ("width", "height", "max_frames", "upscale_method", "keep_proportion")
            if k in enc.links or t.wf.value(enc, k) not in (None, 0, "")]
    t.said.append(f"{t.name(n)}'s guiding latents (an IC-LoRA's guide) encoded by '{enc.title or enc.shown_cls}' "
                  f"({enc.shown_cls}, #{enc.id}) are LTX-2's control clip, the clip they encode"
                  + (f" (the encoder's {', '.join(lost)} not applied: LTX-2 reads the control at the take's size)"
                     if lost else ""))
    return (g.id, 2), True



def _components(t, enc: CNode) -> None:
    """EncodeVideoComponents' sound (its output 1, the clip's own) where a node writes it with the take: said, LTX-2
    making a sound of its own with the take (Studio's Save Video writes that one)."""
    for m in t.wf.nodes.values():
        for k, (src, slot) in m.links.items():
            if src == enc.id and slot == 1 and m.enabled:
                t.said.append(f"the clip's own sound, given by '{enc.title or enc.shown_cls}' ({enc.shown_cls}, "
                              f"#{enc.id}) to '{m.title or m.shown_cls}' (#{m.id})'s '{k}', is not written: Studio's "
                              "LTX-2 makes a sound of its own with the take, and its Save Video writes that one")


def one_window(t, n: CNode, w: dict) -> None:
    """The looping sampler's tiles, said as not made apart: LTX-2's own node, given a control clip, is not run in
    windows (the sound of separate windows would not join), so the take is made whole."""
    t.made["LTXVLoopingSampler"] = "SamplerCustomAdvanced (its take made in one window)"
    keys = ("temporal_tile_size", "temporal_overlap", "temporal_overlap_cond_strength", "adain_factor")
    held = ", ".join(f"{k} {w[k]!r}" for k in keys if w.get(k) is not None)
    t.said.append(f"{t.name(n)} samples the take in overlapping temporal tiles" + (f" ({held})" if held else "")
                  + ": Studio's LTX-2 node, given the control clip, makes the whole take in one window (it is not run "
                  "in windows), so the tiles are not made apart (more memory for a long take)")
