"""SkyReels V1's image to video from its single file (issue 112, heldout78 09: AJO-reading's
hyvideo_skyreel_img2vid_testing_01.json, held before): kijai's HunyuanVideoWrapper workflow (its sampler given
HyVideoEncode's start image and a HyVideoCFG, the model 'skyreels_hunyuan_i2v_bf16') is Image to Video by the SkyReels V1
family with the picture resized as the workflow resizes it, its prompts, frames, steps, seed, embedded guidance, shift
and rate; what its pipeline does not apply is said (HyVideoCFG's window, a cfg other than its true CFG 6, the encode's
noise augmentation), the negative left out where no classifier-free guidance runs, and the model's files named with
the 'base' folder Studio reads the file over. The same file under ComfyUI's own HunyuanImageToVideo is SkyReels V1's
task too; HunyuanVideo's own image-to-video file stays HunyuanVideo's. Written in the layout of the wrapper's UI
files (widgets in INPUT_TYPES order)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import notes
from tests.convert.test_comfy_hunyuan_i2v import WORKFLOW as CORE_I2V
from tests.convert.test_comfy_wrappers import UI, _nodes

MODEL = "hyvideo\\skyreels_hunyuan_i2v_bf16.safetensors"
PROMPT = "FPS-24, an old man tips of his hat"
NEGATIVE = "Aerial view, aerial view, overexposed, low quality, deformation, a poor composition"
TITLE = "SkyReels V1 (HunyuanVideo)"


def _skyreels(cfg=(6, 0, 0.1), encode=(False, 64, 256, True, 0, 1), sampler=None, model=MODEL) -> dict:
    """heldout78 09's layout: LoadImage -> ImageResizeKJ 640x640 -> HyVideoEncode and the sampler's width / height;
    HyVideoTextEncode (its first layout) with a HyVideoCFG (None: none); 97 frames, 10 steps, embedded guidance 1,
    shift 7, seed 14."""
    w = UI()
    loader = w.add("HyVideoModelLoader", [model, "bf16", "fp8_e4m3fn_fast", "offload_device", "sageattn_varlen", False,
                                          True])
    te = w.add("DownloadAndLoadHyVideoTextEncoder", ["Kijai/llava-llama-3-8b-text-encoder-tokenizer",
                                                     "openai/clip-vit-large-patch14", "fp16", False, 2, "disabled",
                                                     "offload_device"])
    vae = w.add("HyVideoVAELoader", ["hyvid\\hunyuan_video_vae_bf16.safetensors", "bf16"])
    img = w.add("LoadImage", ["oldman_upscaled.png", "image"])
    resized = w.add("ImageResizeKJ", [640, 640, "lanczos", False, 2, 0, 0, "center"], image=(img, 0))
    enc = w.add("HyVideoEncode", list(encode), vae=(vae, 0), image=(resized, 0))
    more = {}
    if cfg is not None:
        more["hyvid_cfg"] = (w.add("HyVideoCFG", [NEGATIVE, *cfg]), 0)
    text = w.add("HyVideoTextEncode", [PROMPT, "bad quality video", "video"], text_encoders=(te, 0), **more)
    s = w.add("HyVideoSampler", list(sampler or [512, 320, 97, 10, 1, 7, 14, "fixed", 1, 1,
                                                 "FlowMatchDiscreteScheduler", None]),
              model=(loader, 0), hyvid_embeds=(text, 0), image_cond_latents=(enc, 0), width=(resized, 1),
              height=(resized, 2))
    dec = w.add("HyVideoDecode", [True, 64, 192, False], vae=(vae, 0), samples=(s, 0))
    w.add("VHS_VideoCombine", {"frame_rate": 24, "filename_prefix": "HunyuanVideo_skyreel_I2V"}, images=(dec, 0))
    return w.doc()


def _gen(conv):
    assert conv.graph.validate() == []
    assert [(t["generator"], t["family"]) for t in conv.tasks] == [("video_models.image_to_video", TITLE)]
    return _nodes(conv, "video_models.image_to_video")[0]


def test_heldout78_09_is_skyreels_image_to_video_with_its_settings():
    conv = convert(_skyreels(), "hyvideo_skyreel_img2vid_testing_01")
    gen = _gen(conv)
    p = gen.params
    assert (p["prompt"], p["negative_prompt"]) == (PROMPT, NEGATIVE)
    assert (p["frames"], p["steps"], p["seed"], p["guidance"], p["shift"], p["fps"], p["sampler"]) == \
        (97, 10, 14, 1.0, 7.0, 24.0, "euler")
    g = conv.graph
    way, node = [], gen
    while node.type_id != "io.load_image":  # the picture's way to the generator's 'image'
        node = g.nodes[g.input_link(node.id, "image" if node is gen else "video")[0]]
        way.append(node)
    scale, = [n for n in way if n.type_id == "transform.scale"]
    assert (scale.params["width"], scale.params["height"], scale.params["interpolation"]) == (640, 640, "lanczos")
    assert node.params["path"] == "oldman_upscaled.png"
    load = _nodes(conv, "video_models.load")[0]
    assert load.params["model"] == MODEL
    text = notes(conv)
    assert ("'HyVideoCFG' (HyVideoCFG, #7)'s classifier-free guidance (cfg 6 with the negative prompt) from 0 to 0.1 of "
            "the steps only is applied at every step: Studio's SkyReels V1 guides by true CFG with no window") in text
    assert ("of SkyReels V1's ComfyUI files (hyvideo\\skyreels_hunyuan_i2v_bf16.safetensors, "
            "hyvid\\hunyuan_video_vae_bf16.safetensors, openai/clip-vit-large-patch14, "
            "Kijai/llava-llama-3-8b-text-encoder-tokenizer) Studio reads the transformer file over a diffusers folder "
            "given as Load Video Model's 'base', SkyReels V1's or HunyuanVideo's") in text
    assert "'HyVideoSampler' (HyVideoSampler, #9) 1: the generator's guidance (the model's embedded guidance)\n" in text
    assert "without classifier-free guidance" not in text and "Studio cannot" not in text
    assert "sampler's cfg" not in text and "noise_aug" not in text


def test_a_cfg_other_than_its_pipelines_and_the_encodes_noise_are_said_not_taken():
    conv = convert(_skyreels(cfg=(4.5, 0, 1), encode=(False, 64, 256, True, 0.04, 0.8, "mode"),
                             sampler=[512, 320, 97, 10, 1, 7, 14, "fixed", 1, 1, "FlowMatchDiscreteScheduler", 0,
                                      "stability"]), "cfg")
    assert _gen(conv).params["negative_prompt"] == NEGATIVE
    text = notes(conv)
    assert ("the sampler's cfg 4.5 (classifier-free guidance with the negative prompt) is not taken: Studio's "
            f"{TITLE} guides by true CFG 6 (its pipeline's) wherever a negative prompt is given") in text
    assert "no window" not in text  # (its cfg on every step)
    assert ("'HyVideoEncode' (HyVideoEncode, #6)'s noise_aug_strength 0.04 (noise added to the start image before it "
            "is encoded) and latent_strength 0.8 (the start image's latents multiplied) and latent_dist 'mode' (Studio's "
            "SkyReels V1 samples the VAE's distribution): not applied") in text
    assert ("'HyVideoSampler' (HyVideoSampler, #9)'s i2v_mode 'stability' (a thousandth of the start image's latents "
            "mixed into the first noise) is not applied: Studio's SkyReels V1 starts from the noise alone") in text


def test_hunyuan_videos_own_image_to_video_file_stays_hunyuan_video_its_encodes_sampling_said():
    conv = convert(_skyreels(cfg=None, encode=(False, 64, 256, True, 0, 1, "sample"),
                             model="hyvideo\\hunyuan_video_I2V_720_fixed_fp8_e4m3fn.safetensors",
                             sampler=[512, 320, 97, 10, 6, 7, 14, "fixed", 1, 1, "FlowMatchDiscreteScheduler", 0,
                                      "dynamic"]), "hy_i2v")
    assert [(t["generator"], t["family"]) for t in conv.tasks] == [("video_models.image_to_video", "HunyuanVideo")]
    text = notes(conv)
    assert ("'HyVideoEncode' (HyVideoEncode, #6)'s latent_dist 'sample' (Studio's HunyuanVideo I2V takes the VAE's "
            "mode): not applied") in text
    assert "'HyVideoSampler' (HyVideoSampler, #8)'s i2v_mode 'dynamic' (the first noise alone) is not applied" in text
    assert "SkyReels" not in text


def test_with_no_classifier_free_guidance_the_negative_is_left_out_said():
    conv = convert(_skyreels(cfg=None), "no_cfg")  # (the text node's first layout's negative, no HyVideoCFG)
    assert _gen(conv).params["negative_prompt"] == ""
    assert ("the sampler's cfg 1 runs no classifier-free guidance: its negative prompt is not given to the generator, "
            f"as Studio's {TITLE} guides by true CFG 6 wherever a negative prompt is given") in notes(conv)


def test_comfyuis_hunyuan_image_to_video_with_the_skyreels_file_is_skyreels_hunyuans_own_file_stays_hunyuans():
    import copy
    wf = copy.deepcopy(CORE_I2V)
    wf["1"]["inputs"]["unet_name"] = "skyreels_hunyuan_i2v_fp8_e4m3fn.safetensors"
    conv = convert(wf, "core")
    assert _gen(conv).params["frames"] == 57
    assert "SkyReels V1's ComfyUI files (skyreels_hunyuan_i2v_fp8_e4m3fn.safetensors" in notes(conv)
    conv = convert(CORE_I2V, "core_hunyuan")
    assert [t["family"] for t in conv.tasks] == ["HunyuanVideo"]
    assert "SkyReels" not in notes(conv)


def test_the_converted_take_renders_on_a_tiny_skyreels_file_over_hunyuan_videos_folder(tiny, tmp_path, monkeypatch):
    """heldout78 09's converted graph, made small (16x16, 5 frames, 2 steps), its model the tiny SkyReels V1 file in
    Tencent's names and 'base' HunyuanVideo's tiny folder: ONE call of HunyuanSkyreelsImageToVideoPipeline with the
    workflow's prompts (the negative: true CFG), embedded guidance 1, and the take written."""
    import pytest
    pytest.importorskip("diffusers")
    from diffusers import HunyuanSkyreelsImageToVideoPipeline as SR
    from PIL import Image

    from studio.engine.executor import Executor
    from studio.engine.media import probe
    from tests.video_models.graphs import spy_call
    from tests.video_models.test_hunyuan_skyreels_file import _skyreels_file
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    model = _skyreels_file(tiny("hunyuan-skyreels"), str(tmp_path / "skyreels_hunyuan_i2v_bf16.safetensors"))
    Image.new("RGB", (24, 24), (200, 120, 40)).save(tmp_path / "oldman_upscaled.png")
    g = convert(_skyreels(), "render").graph
    by_type: dict = {}
    for n in g.nodes.values():
        by_type.setdefault(n.type_id, []).append(n.id)
    load, = by_type["video_models.load"]
    g.set_param(load, "model", model)
    g.set_param(load, "base", tiny("hunyuan"))
    g.set_param(by_type["io.load_image"][0], "path", str(tmp_path / "oldman_upscaled.png"))
    for sid in by_type["transform.scale"]:
        g.set_param(sid, "width", 16)
        g.set_param(sid, "height", 16)
    gen, = by_type["video_models.image_to_video"]
    for k, v in (("frames", 5), ("steps", 2), ("preview_size", "off"), ("previews", False)):
        g.set_param(gen, k, v)
    if g.nodes[gen].params.get("width"):  # the resize's 640x640 read (heldout100: its older layout by place), tiny here
        g.set_param(gen, "width", 16)
        g.set_param(gen, "height", 16)
    out = str(tmp_path / "take.mp4")
    g.set_param(by_type["io.save_video"][0], "path", out)
    calls, _ = spy_call(monkeypatch, SR, dict)
    Executor(frame_caching=False).run(g, device="cpu")
    assert len(calls) == 1
    kw = calls[0]
    assert (kw["prompt"], kw["negative_prompt"], kw["guidance_scale"]) == (PROMPT, NEGATIVE, 1.0)
    assert (kw["height"], kw["width"], kw["num_frames"], kw["num_inference_steps"]) == (16, 16, 5, 2)
    assert probe(out)["frames"] == 5
