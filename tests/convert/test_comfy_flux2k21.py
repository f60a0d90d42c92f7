"""FLUX.2 [klein] stills in ComfyUI workflows (flux2k21; families/flux2/comfy.py): a start picture klein makes
(UNETLoader's flux-2-klein file, CLIPLoader of type 'flux2', VAELoader's flux2-vae) for a video model's start image is
made first by the FLUX.2 [klein] family as a one-frame Text to Video, its three files on its own Load Video Model; its
schedule read as ComfyUI samples it (Flux2Scheduler's sigmas: the family's own; a KSampler's: the model config's shift
2.02 on Flux's exponential scale, the generator's shift e^2.02), its guidance the sampler's cfg (a FluxGuidance said
not taken), its negative prompt kept. A klein edit given reference pictures (ReferenceLatent) is held, said as the
picture it makes, not as a video."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said

FILES = ("flux-2-klein-4b.safetensors", "qwen_3_4b.safetensors", "flux2-vae.safetensors")


def _klein(sampler: str = "SamplerCustomAdvanced", cfg: float = 1.0, negative: str = "") -> dict:
    """ComfyUI's klein 4B template still (its Flux2Scheduler and CFGGuider; or a KSampler at 'simple'), 1024x576,
    4 steps, seed 11, decoded as #12."""
    wf = {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": FILES[0], "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": FILES[1], "type": "flux2", "device": "default"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": FILES[2]}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "a lighthouse at dusk", "clip": ["2", 0]}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": negative, "clip": ["2", 0]}},
        "6": {"class_type": "EmptyFlux2LatentImage", "inputs": {"width": 1024, "height": 576, "batch_size": 1}},
        "12": {"class_type": "VAEDecode", "inputs": {"samples": ["11", 0], "vae": ["3", 0]}}}
    if sampler == "KSampler":
        wf["11"] = {"class_type": "KSampler", "inputs": {
            "model": ["1", 0], "seed": 11, "steps": 4, "cfg": cfg, "sampler_name": "euler", "scheduler": "simple",
            "denoise": 1.0, "positive": ["4", 0], "negative": ["5", 0], "latent_image": ["6", 0]}}
        return wf
    wf.update({
        "7": {"class_type": "CFGGuider", "inputs": {"model": ["1", 0], "positive": ["4", 0], "negative": ["5", 0],
                                                    "cfg": cfg}},
        "8": {"class_type": "KSamplerSelect", "inputs": {"sampler_name": "euler"}},
        "9": {"class_type": "Flux2Scheduler", "inputs": {"steps": 4, "width": 1024, "height": 576}},
        "10": {"class_type": "RandomNoise", "inputs": {"noise_seed": 11}},
        "11": {"class_type": "SamplerCustomAdvanced", "inputs": {"noise": ["10", 0], "guider": ["7", 0],
                                                                 "sampler": ["8", 0], "sigmas": ["9", 0],
                                                                 "latent_image": ["6", 0]}}})
    return wf


def _then_wan(wf: dict) -> dict:
    """``wf``'s decoded still given to Wan 2.2 TI2V 5B's start image (Wan22ImageToVideoLatent), 49 frames saved."""
    wf.update({
        "20": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.2_ti2v_5B_fp16.safetensors",
                                                      "weight_dtype": "default"}},
        "21": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
                                                      "type": "wan", "device": "default"}},
        "22": {"class_type": "VAELoader", "inputs": {"vae_name": "wan2.2_vae.safetensors"}},
        "23": {"class_type": "CLIPTextEncode", "inputs": {"text": "waves crash", "clip": ["21", 0]}},
        "24": {"class_type": "CLIPTextEncode", "inputs": {"text": "static", "clip": ["21", 0]}},
        "25": {"class_type": "Wan22ImageToVideoLatent", "inputs": {"vae": ["22", 0], "start_image": ["12", 0],
                                                                   "width": 1024, "height": 576, "length": 49,
                                                                   "batch_size": 1}},
        "26": {"class_type": "KSampler", "inputs": {"model": ["20", 0], "seed": 5, "steps": 20, "cfg": 5.0,
                                                    "sampler_name": "uni_pc", "scheduler": "simple", "denoise": 1.0,
                                                    "positive": ["23", 0], "negative": ["24", 0],
                                                    "latent_image": ["25", 0]}},
        "27": {"class_type": "VAEDecode", "inputs": {"samples": ["26", 0], "vae": ["22", 0]}},
        "28": {"class_type": "CreateVideo", "inputs": {"images": ["27", 0], "fps": 24}},
        "29": {"class_type": "SaveVideo", "inputs": {"video": ["28", 0], "filename_prefix": "w", "format": "auto",
                                                     "codec": "auto"}}})
    return wf


def _still(conv):
    (still,) = nodes_of(conv, "video_models.text_to_video")
    load = conv.graph.nodes[conv.graph.input_link(still.id, "model").src]
    return still.params, load.params


def test_the_template_still_is_made_first_for_wans_start_image_with_its_own_schedule():
    conv = convert(_then_wan(_klein()), "klein_wan.json")
    text = said(conv)
    p, load = _still(conv)
    assert (p["prompt"], p["frames"], p["width"], p["height"], p["steps"], p["guidance"], p["seed"], p["shift"]) == \
        ("a lighthouse at dusk", 1, 1024, 576, 4, 1.0, 11, 0.0)
    assert (load["model"], load["text_encoder"], load["vae"]) == FILES
    assert [t["family"] for t in conv.tasks] == ["FLUX.2 [klein]", "Wan 2.2 TI2V 5B"]
    assert ("made first by FLUX.2 [klein] (Text to Video, one frame); Frame Hold gives its picture as the start "
            "image") in text
    assert ("'Flux2Scheduler' (Flux2Scheduler, #9) makes FLUX.2's own schedule, its shift worked out from the size and "
            "the steps: the generator's shift 0 (the family's own schedule, worked out the same way for the take's "
            "size)") in text
    assert "shift 7.5383" not in text and "model config's shift 2.02" not in text
    (i2v,) = nodes_of(conv, "video_models.image_to_video")
    video = conv.graph.nodes[conv.graph.input_link(i2v.id, "model").src].params
    assert video["model"] == "wan2.2_ti2v_5B_fp16.safetensors" and video["text_encoder"] != FILES[1]


def test_a_flux2scheduler_told_another_size_is_said():
    wf = _then_wan(_klein())
    wf["9"]["inputs"].update(width=2048, height=1152)
    text = said(convert(wf, "klein_size.json"))
    assert ("; it is told 2048x1152, the take is 1024x576: Studio works the schedule out for the take's size, so the "
            "shift differs a little from ComfyUI's") in text


def test_a_ksamplers_still_samples_at_the_model_configs_shift_and_its_cfg_not_flux_guidance():
    """A KSampler at 'simple' (heldout92 09's, heldout38's klein 9B): ComfyUI samples klein at its model config's
    shift 2.02 on Flux's exponential scale, the generator's shift e^2.02; a FluxGuidance on the prompt (klein has no
    embedded guidance) is said not taken, the guidance being the sampler's cfg."""
    wf = _then_wan(_klein("KSampler", cfg=1.0))
    wf["40"] = {"class_type": "FluxGuidance", "inputs": {"conditioning": ["4", 0], "guidance": 4.0}}
    wf["11"]["inputs"]["positive"] = ["40", 0]
    conv = convert(wf, "klein_ksampler.json")
    text = said(conv)
    p, _ = _still(conv)
    assert (p["steps"], p["guidance"], p["seed"], p["shift"]) == (4, 1.0, 11, 7.5383)
    assert ("shift 7.5383: no node on the model's way sets one, so ComfyUI samples FLUX.2 [klein] at its model "
            "config's shift 2.02 on Flux's exponential scale (exp(2.02) / (exp(2.02) + 1 / t - 1)), which is the "
            "generator's shift e^2.02 = 7.5383") in text
    assert ("'FluxGuidance' (FluxGuidance, #40) 4 (a FluxGuidance's embedded guidance) is not taken: FLUX.2 [klein] "
            "has no embedded guidance (ComfyUI's klein ignores it too); the generator's guidance is the sampler's cfg 1 "
            "(no classifier-free guidance)") in text
    assert "the generator's guidance (the model's embedded guidance" not in text


def test_klein_bases_cfg_and_negative_prompt_are_the_generators():
    conv = convert(_then_wan(_klein(cfg=3.5, negative="blurry, text")), "klein_base.json")
    p, _ = _still(conv)
    assert (p["guidance"], p["negative_prompt"]) == (3.5, "blurry, text")
    assert "negative" not in "".join(x for x in said(conv).splitlines() if "not taken" in x)


def test_a_lone_klein_still_saved_as_a_video_is_a_one_frame_take():
    wf = _klein()
    wf["13"] = {"class_type": "CreateVideo", "inputs": {"images": ["12", 0], "fps": 24}}
    wf["14"] = {"class_type": "SaveVideo", "inputs": {"video": ["13", 0], "filename_prefix": "k", "format": "auto",
                                                      "codec": "auto"}}
    conv = convert(wf, "klein_alone.json")
    p, load = _still(conv)
    assert (p["frames"], p["width"], p["height"]) == (1, 1024, 576) and load["model"] == FILES[0]
    assert [t["family"] for t in conv.tasks] == ["FLUX.2 [klein]"]


def test_a_klein_edit_given_a_reference_picture_is_held_as_a_picture():
    """UrbanMan2411's klein edit (ReferenceLatent of an encoded picture on its prompt) before LTX-2.3: the family
    makes klein stills from a prompt alone, so the pass is held, said as the picture it makes (was: "a video")."""
    wf = _then_wan(_klein("KSampler"))
    wf.update({"30": {"class_type": "LoadImage", "inputs": {"image": "her.png"}},
               "31": {"class_type": "VAEEncode", "inputs": {"pixels": ["30", 0], "vae": ["3", 0]}},
               "32": {"class_type": "ReferenceLatent", "inputs": {"conditioning": ["4", 0], "latent": ["31", 0]}}})
    wf["11"]["inputs"]["positive"] = ["32", 0]
    conv = convert(wf, "klein_edit.json")
    text = said(conv)
    assert not nodes_of(conv, "video_models.text_to_video")
    assert "This workflow makes a picture from image given to the sampler by ReferenceLatent" in text
    assert "with FLUX.2 [klein]" in text and "it would be another picture)" in text
    assert "makes a video from image given to the sampler by ReferenceLatent" not in text


def test_a_gguf_klein_is_said_unread_where_its_still_is_made():
    """dimitriy7877's and yameprogrammer's klein 9B GGUF (UnetLoaderGGUF, through a LoRA loader): the still is made
    first as klein's, and the GGUF file its load refuses is said now, naming the loader."""
    wf = _then_wan(_klein("KSampler"))
    wf["1"] = {"class_type": "UnetLoaderGGUF", "inputs": {"unet_name": "flux-2-klein-9b-Q8_0.gguf"}}
    wf["41"] = {"class_type": "LoraLoaderModelOnly", "inputs": {"model": ["1", 0], "lora_name": "head.safetensors",
                                                                "strength_model": 1.0}}
    wf["11"]["inputs"]["model"] = ["41", 0]
    text = said(convert(wf, "klein_gguf.json"))
    assert ("'UnetLoaderGGUF' (UnetLoaderGGUF, #1) loads 'flux-2-klein-9b-Q8_0.gguf', a GGUF file, which Studio's "
            "FLUX.2 [klein] does not read yet (its load refuses it in words): set its .safetensors file (bf16 or fp8) "
            "on the still's Load Video Model") in text
    assert "GGUF file" not in said(convert(_then_wan(_klein("KSampler")), "klein.json"))
