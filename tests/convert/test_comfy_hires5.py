"""A refine pass after a latent upscale ("hires fix", issue 112, hires5): a take sampled, its latent upscaled (a scale
or a size its node's declared widgets give) and sampled again at a denoise below 1 is the first take made once,
Studio's Scale by the factor (or to the size), then Video to Video at the pass's denoise with the pass's own steps,
cfg, seed and prompt, said as upscaled in pixels where ComfyUI upscales the latent; never the first pass alone with
the refine left to the reader, nor the first pass generated twice for its own output. A resize of the decoded
frames before a pass re-encodes them (takes.restyle) is Studio's Scale too. Minimal Wan 2.1 and AnimateDiff
workflows in the API layout, built here from node types and values."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_animatediff import _api
from tests.convert.said import said as _said

PASS_PROMPT = "a paper boat drifting down a rain gutter, fine detail"


def _hires(upscale: dict, own_save: bool = True) -> dict:
    """The first pass (#9) saved by #11 (``own_save``), its latent upscaled by ``upscale`` (#20) and refined by
    #21 (denoise 0.35, 8 steps, cfg 5, seed 7) into #23."""
    wf = _api(context=False)
    if not own_save:
        del wf["10"], wf["11"]
    wf["20"] = {**upscale, "inputs": {**upscale["inputs"], upscale.get("port", "samples"): ["9", 0]}}
    wf["20"].pop("port", None)
    wf["19"] = {"class_type": "CLIPTextEncode", "inputs": {"text": PASS_PROMPT, "clip": ["1", 1]}}
    wf["21"] = {"class_type": "KSampler", "inputs": {"seed": 7, "steps": 8, "cfg": 5.0, "sampler_name": "euler",
                                                    "scheduler": "normal", "denoise": 0.35, "model": ["4", 0],
                                                    "positive": ["19", 0], "negative": ["7", 0],
                                                    "latent_image": ["20", 0]}}
    wf["22"] = {"class_type": "VAEDecode", "inputs": {"samples": ["21", 0], "vae": ["1", 2]}}
    wf["23"] = {"class_type": "VHS_VideoCombine", "inputs": {"images": ["22", 0], "frame_rate": 12,
                                                             "filename_prefix": "boat_hires", "format": "video/h264-mp4"}}
    return wf


def _wan(upscale: dict, own_save: bool = True) -> dict:
    """Wan 2.1 T2V 1.3B: the first pass (#5, 832x480 x 33) saved by #8 (``own_save``), its latent upscaled by
    ``upscale`` (#20) and refined by #21 (denoise 0.3, 6 steps, cfg 4, seed 11, its own prompt) into #24."""
    wf = {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors",
                                                     "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
                                                     "type": "wan", "device": "default"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "a lighthouse at dusk", "clip": ["2", 0]}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "7": {"class_type": "EmptyHunyuanLatentVideo", "inputs": {"width": 832, "height": 480, "length": 33,
                                                                  "batch_size": 1}},
        "5": {"class_type": "KSampler", "inputs": {"seed": 3, "steps": 20, "cfg": 6.0, "sampler_name": "uni_pc",
                                                   "scheduler": "simple", "denoise": 1.0, "model": ["1", 0],
                                                   "positive": ["4", 0], "negative": ["6", 0],
                                                   "latent_image": ["7", 0]}},
        "19": {"class_type": "CLIPTextEncode", "inputs": {"text": PASS_PROMPT, "clip": ["2", 0]}},
        "20": {**upscale, "inputs": {**upscale["inputs"], upscale.get("port", "samples"): ["5", 0]}},
        "21": {"class_type": "KSampler", "inputs": {"seed": 11, "steps": 6, "cfg": 4.0, "sampler_name": "uni_pc",
                                                    "scheduler": "simple", "denoise": 0.3, "model": ["1", 0],
                                                    "positive": ["19", 0], "negative": ["6", 0],
                                                    "latent_image": ["20", 0]}},
        "22": {"class_type": "VAEDecode", "inputs": {"samples": ["21", 0], "vae": ["3", 0]}},
        "23": {"class_type": "CreateVideo", "inputs": {"images": ["22", 0], "fps": 16}},
        "24": {"class_type": "SaveVideo", "inputs": {"video": ["23", 0], "filename_prefix": "hires",
                                                     "format": "auto", "codec": "auto"}},
    }
    wf["20"].pop("port", None)
    if own_save:
        wf["9"] = {"class_type": "VAEDecode", "inputs": {"samples": ["5", 0], "vae": ["3", 0]}}
        wf["10"] = {"class_type": "CreateVideo", "inputs": {"images": ["9", 0], "fps": 16}}
        wf["8"] = {"class_type": "SaveVideo", "inputs": {"video": ["10", 0], "filename_prefix": "first",
                                                         "format": "auto", "codec": "auto"}}
    return wf


BY = {"class_type": "LatentUpscaleBy", "inputs": {"upscale_method": "nearest-exact", "scale_by": 1.5}}
TO = {"class_type": "LatentUpscale", "inputs": {"upscale_method": "bilinear", "width": 1024, "height": 768,
                                                "crop": "disabled"}}


def _of(conv, type_id: str) -> list:
    return [n for n in conv.graph.nodes.values() if n.type_id == type_id]


def test_a_latent_upscale_then_a_refine_is_the_take_once_scale_then_video_to_video():
    conv = convert(_wan(BY), "hires")
    g = conv.graph
    assert g.validate() == []
    t2v, v2v, scale = _of(conv, "video_models.text_to_video"), _of(conv, "video_models.video_to_video"), \
        _of(conv, "transform.scale")
    assert len(t2v) == 1 and len(v2v) == 1 and len(scale) == 1  # the first pass generated once
    assert g.input_link(scale[0].id, "video").src == t2v[0].id and g.input_link(v2v[0].id, "video").src == scale[0].id
    assert scale[0].params["scale"] == 1.5
    p = v2v[0].params
    run = int(p["steps"] * p["strength"] + 1e-9)  # the steps it runs: its own 6 (denoise_steps)
    assert (p["strength"], run, p["guidance"], p["seed"], p["prompt"]) == (0.3, 6, 4.0, 11, PASS_PROMPT)
    assert (t2v[0].params["steps"], t2v[0].params["width"], t2v[0].params["frames"]) == (20, 832, 33)
    saves = _of(conv, "io.save_video")
    assert len(saves) == 2 and {g.input_link(s.id, "video").src for s in saves} == {t2v[0].id, v2v[0].id}
    said = _said(conv)
    assert "a refine pass after a latent upscale: 'KSampler' (KSampler, #21) samples again, at denoise 0.3, the take " \
           "of 'KSampler' (KSampler, #5) upscaled x1.5 by 'LatentUpscaleBy' (LatentUpscaleBy, #20): Studio's Scale " \
           "x1.5 then Video to Video at strength 0.3" in said
    assert "(upscaled in pixels then re-encoded, where ComfyUI upscales the latent)" in said
    assert "a later pass" not in said and "add a Video to Video" not in said  # not left to the reader
    assert [t["generator"] for t in conv.tasks] == ["video_models.text_to_video", "video_models.video_to_video"]


def test_an_upscale_to_a_size_is_scale_to_that_size_and_the_take_is_made_for_the_pass_alone():
    conv = convert(_wan(TO, own_save=False), "hires_to")
    g = conv.graph
    assert g.validate() == []
    scale = _of(conv, "transform.scale")
    assert len(scale) == 1 and (scale[0].params["width"], scale[0].params["height"]) == (1024, 768)
    v2v = _of(conv, "video_models.video_to_video")
    assert len(v2v) == 1 and g.input_link(v2v[0].id, "video").src == scale[0].id
    assert len(_of(conv, "io.save_video")) == 1  # the take upscaled is the pass's input, not an output of its own
    assert "upscaled to 1024x768 by 'LatentUpscale' (LatentUpscale, #20)" in _said(conv)
    # a latent crop declares a width and a height too: never read as an upscale to that size
    crop = convert(_wan({"class_type": "LatentCrop", "inputs": {"width": 256, "height": 256, "x": 0, "y": 0}}), "crop")
    assert not _of(crop, "transform.scale") and "a refine pass after a latent upscale" not in _said(crop)


def test_a_pack_latent_upscale_is_told_by_its_declared_scale_widget():
    """efficiency-nodes' NNLatentUpscale (a learned x2 latent upscale, its factor its declared 'upscale' FLOAT) after
    an AnimateDiff pass, the heldout37 10 refine (denoise 0.19 there): read by its declaration, the first pass once
    for its own output too."""
    conv = convert(_hires({"class_type": "NNLatentUpscale", "port": "latent",
                           "inputs": {"version": "SD 1.x", "upscale": 2.0}}), "hires_nn")
    g = conv.graph
    assert g.validate() == []
    scale = _of(conv, "transform.scale")
    assert len(scale) == 1 and scale[0].params["scale"] == 2.0
    t2v = _of(conv, "video_models.text_to_video")
    assert len(t2v) == 1 and g.input_link(scale[0].id, "video").src == t2v[0].id
    assert "upscaled x2 by 'NNLatentUpscale' (NNLatentUpscale, #20)" in _said(conv)


def test_a_core_latent_upscale_of_an_animatediff_take_is_scaled_before_its_restyle():
    """AnimateDiff's mapping reads ComfyUI's LatentUpscaleBy between its passes as the frames decoded, scaled and
    encoded again (heldout7's bunong1937 file): the scale is now Studio's Scale before the pass, said so."""
    conv = convert(_hires(BY), "hires_ad")
    g = conv.graph
    scale = _of(conv, "transform.scale")
    assert len(scale) == 1 and scale[0].params["scale"] == 1.5
    v2v = _of(conv, "video_models.video_to_video")
    assert len(v2v) == 1 and g.input_link(v2v[0].id, "video").src == scale[0].id
    assert len(_of(conv, "video_models.text_to_video")) == 1
    said = _said(conv)
    assert "its size that take's scaled by Studio's Scale before it as ComfyUI's 'LatentUpscaleBy' (LatentUpscaleBy, " \
           "#20) upscales the take's latent (upscaled in pixels then re-encoded, where ComfyUI upscales the latent)" in said
    assert "on the frames' way is not applied" not in said
