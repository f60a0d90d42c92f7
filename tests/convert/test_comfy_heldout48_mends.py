"""heldout48's mends, each read by declared types and built here from node types, values and links (no fetched
file): a muted pack sampler says nothing of what it would apply (mend 1)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said
from tests.convert.test_comfy_framepack_wrapper import PROMPT, SAMPLER
from tests.convert.test_comfy_wrappers import UI


def _chained(muted: int = 2):
    """A FramePack take and a second section continuing from it (its seconds wired from the first sampler, as the
    wrapper's chaining fork saves them), the second muted (mode ``muted``) with its decode and writer."""
    w = UI()
    model = w.add("LoadFramePackModel", ["FramePackI2V_HY_bf16.safetensors", "bf16", "disabled", "offload_device", "sdpa"])
    clip = w.add("DualCLIPLoader", ["clip_l.safetensors", "llava_llama3_fp16.safetensors", "hunyuan_video", "default"])
    pos = w.add("CLIPTextEncode", [PROMPT], clip=(clip, 0))
    neg = w.add("ConditioningZeroOut", [], conditioning=(pos, 0))
    vae = w.add("VAELoader", ["hunyuan_video_vae_bf16.safetensors"])
    start = w.add("VAEEncode", [], pixels=(w.add("LoadImage", ["first.png", "image"]), 0), vae=(vae, 0))
    first = w.add("FramePackSampler", list(SAMPLER), model=(model, 0), positive=(pos, 0), negative=(neg, 0),
                  start_latent=(start, 0))
    w.add("VHS_VideoCombine", {"frame_rate": 30, "filename_prefix": "one"},
          images=(w.add("VAEDecodeTiled", [256, 64, 64, 8], samples=(first, 0), vae=(vae, 0)), 0))
    second = w.add("FramePackSampler", list(SAMPLER), mode=muted, model=(model, 0), positive=(pos, 0),
                   negative=(neg, 0), start_latent=(first, 0), total_second_length=(first, 9))
    w.add("VHS_VideoCombine", {"frame_rate": 30, "filename_prefix": "two"}, mode=muted,
          images=(w.add("VAEDecodeTiled", [256, 64, 64, 8], mode=muted, samples=(second, 0), vae=(vae, 0)), 0))
    return w.doc(), first, second


def test_a_muted_pack_sampler_is_said_to_apply_nothing():
    """Mend 1: a muted (or bypassed) section's TeaCache and its wired seconds were said as if it sampled ('samples
    with TeaCache ...: not applied', 'the value saved in the file (5) is used'): ComfyUI does not run it, and Studio
    makes nothing of it (it is listed muted). The running sampler's sentences stay."""
    for mode in (2, 4):
        doc, first, second = _chained(mode)
        text = said(convert(doc, "chained"))
        assert f"#{first}) samples with TeaCache" in text
        assert f"#{second}) samples with TeaCache" not in text, text
        assert f"(#{second})'s total_second_length comes from" not in text, text
