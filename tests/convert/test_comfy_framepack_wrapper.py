"""Workflows of kijai's ComfyUI-FramePackWrapper (ComfyUI has no FramePack nodes of its own) convert to the
Framepack node: the start image and the end image behind the sampler's latents, the seconds as frames at 30 fps,
the section size, steps, embedded guidance, true cfg and seed; a clip to restyle and the one-frame sampler are
held in one sentence. Written in the layout the wrapper's UI files have (widgets in INPUT_TYPES order)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wrappers import UI, _nodes

PROMPT = "a stag in a misty forest"
SAMPLER = [25, True, 0.15, 1.5, 10.0, 0.0, 47, "fixed", 9, 5, 6.0, "unipc_bh1", "disabled", 1.0, 1.0]


def loaders(w):
    """FramePack's model, its prompt and zeroed negative (HunyuanVideo's two text encoders) and its VAE, added to UI
    workflow ``w``: (model, positive, negative, vae)."""
    model = w.add("LoadFramePackModel", ["FramePackI2V_HY_bf16.safetensors", "bf16", "disabled", "offload_device", "sdpa"])
    clip = w.add("DualCLIPLoader", ["clip_l.safetensors", "llava_llama3_fp16.safetensors", "hunyuan_video", "default"])
    pos = w.add("CLIPTextEncode", [PROMPT], clip=(clip, 0))
    return model, pos, w.add("ConditioningZeroOut", [], conditioning=(pos, 0)), w.add(
        "VAELoader", ["hunyuan_video_vae_bf16.safetensors"])


def _workflow(end=False, initial=False, single=False):
    w = UI()
    model, pos, neg, vae = loaders(w)
    start = w.add("VAEEncode", [], pixels=(w.add("LoadImage", ["first.png", "image"]), 0), vae=(vae, 0))
    more = {}
    if end:
        more["end_latent"] = (w.add("VAEEncode", [], pixels=(w.add("LoadImage", ["last.png", "image"]), 0), vae=(vae, 0)), 0)
    if initial:
        clip_in = w.add("VAEEncode", [], pixels=(w.add("VHS_LoadVideo", {"video": "walk.mp4"}), 0), vae=(vae, 0))
        more["initial_samples"] = (clip_in, 0)
    kind = "FramePackSingleFrameSampler" if single else "FramePackSampler"
    s = w.add(kind, list(SAMPLER), model=(model, 0), positive=(pos, 0), negative=(neg, 0), start_latent=(start, 0), **more)
    dec = w.add("VAEDecodeTiled", [256, 64, 64, 8], samples=(s, 0), vae=(vae, 0))
    w.add("VHS_VideoCombine", {"frame_rate": 30, "filename_prefix": "fp"}, images=(dec, 0))
    return w.doc()


def test_a_framepack_workflow_is_the_framepack_node_with_its_start_and_end_images():
    for end in (False, True):
        conv = convert(_workflow(end=end), "framepack")
        assert conv.graph.validate() == []
        assert [t["generator"] for t in conv.tasks] == ["video_models.framepack"]
        gen = _nodes(conv, "video_models.framepack")[0]
        p = gen.params
        assert (p["frames"], p["window"], p["steps"], p["guidance"], p["true_cfg"], p["seed"]) == (145, 9, 25, 10.0, 1.5, 47)  # 4 sections of 9 (heldout73)
        assert p["prompt"] == PROMPT
        wired = {k: conv.graph.nodes[conv.graph.input_link(gen.id, k)[0]].params["path"]
                 for k in ("image", "last_image") if conv.graph.input_link(gen.id, k)}
        assert wired == ({"image": "first.png", "last_image": "last.png"} if end else {"image": "first.png"})
        assert _nodes(conv, "video_models.load")[0].params["model"] == "FramePackI2V_HY_bf16.safetensors"


def test_a_clip_to_restyle_and_the_one_frame_sampler_are_held_in_words():
    for doc, named in ((_workflow(initial=True), "a clip's latents to restyle"),
                       (_workflow(single=True), "FramePackSingleFrameSampler")):
        conv = convert(doc, "held")
        assert conv.graph.validate() == []
        assert not any(t["generator"] for t in conv.tasks), named
        assert named in conv.log[0] and "Studio cannot" in conv.log[0], conv.log[0]
