"""Issue 112, heldout101's mends (fresh set judged on main c5d2512d): each test builds its workflow from node types,
values and links and fails without its mend.

1. ComfyUI's HunyuanVideo15ImageToVideo (and HunyuanVideo's HunyuanImageToVideo, Kandinsky 5's
   Kandinsky5ImageToVideo) put the start picture in cut to the take's aspect about the middle (their execute:
   common_upscale(start_image[:length], width, height, "bilinear", "center")): Image to Video kept image_fit
   'stretch', squashing a picture of another aspect with no word (101/07): now 'crop'.
2. LTX-2's stages line said the size asked where it is off LTX-2's 32-pixel grid ("makes the take at 960x540, ...
   upscales it x2 (1920x1080)"), where ComfyUI's LTX latent holds 960x512 and Studio's LTX-2 makes 960x512 (101/06):
   now the size made, the one asked said beside it."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said


def n(cls: str, **inputs) -> dict:
    return {"class_type": cls, "inputs": inputs}


def _hunyuan15_i2v(picture: bool = True) -> dict:
    """An API file: HunyuanVideo 1.5 image to video (native nodes), 480x848, 121 frames, 6 steps."""
    wf = {
        "1": n("UNETLoader", unet_name="hunyuanvideo1.5_720p_i2v_cfg_distilled_fp8_scaled.safetensors",
               weight_dtype="default"),
        "2": n("DualCLIPLoader", clip_name1="qwen_2.5_vl_7b_fp8_scaled.safetensors",
               clip_name2="byt5_small_glyphxl_fp16.safetensors", type="hunyuan_video_15", device="default"),
        "3": n("VAELoader", vae_name="hunyuanvideo15_vae_fp16.safetensors"),
        "4": n("CLIPTextEncode", text="a woman lifts a mug in a cafe", clip=["2", 0]),
        "5": n("CLIPTextEncode", text="blurry", clip=["2", 0]),
        "7": n("HunyuanVideo15ImageToVideo", width=480, height=848, length=121, batch_size=1, positive=["4", 0],
               negative=["5", 0], vae=["3", 0]),
        "8": n("KSampler", seed=43, steps=6, cfg=1.0, sampler_name="euler", scheduler="beta", denoise=1.0,
               model=["1", 0], positive=["7", 0], negative=["7", 1], latent_image=["7", 2]),
        "9": n("VAEDecode", samples=["8", 0], vae=["3", 0]),
        "10": n("CreateVideo", images=["9", 0], fps=24),
        "11": n("SaveVideo", video=["10", 0], filename_prefix="hy15", format="auto", codec="auto"),
    }
    if picture:
        wf["6"] = n("LoadImage", image="cafe.jpg")
        wf["7"]["inputs"]["start_image"] = ["6", 0]
    return wf


def test_hunyuan15_start_picture_is_cut_about_its_middle():
    take = nodes_of(convert(_hunyuan15_i2v(), "hy15_i2v.json"), "video_models.image_to_video")[0]
    assert (take.params["width"], take.params["height"], take.params["image_fit"]) == (480, 848, "crop")


def test_the_other_families_centre_cropping_start_nodes_are_named():
    """HunyuanVideo's and Kandinsky 5's image-to-video nodes cut their start picture about the middle too (their
    execute in comfy_extras/nodes_hunyuan.py and nodes_kandinsky5.py): named in their families' hook."""
    from studio.convert.families import registry
    named = registry.lookup("centre_cropped")
    assert named.get("HunyuanImageToVideo") == ("start_image",)
    assert named.get("Kandinsky5ImageToVideo") == ("start_image",)
    assert named.get("HunyuanVideo15ImageToVideo") == ("start_image",)


def _ltx2_two_stages(width: int, height: int) -> dict:
    """An API file: LTX-2.3 text to video in two stages (8 manual sigmas, the x2 latent upsampler, 3 sigmas)."""
    return {
        "1": n("CheckpointLoaderSimple", ckpt_name="ltx-2.3-22b-distilled.safetensors"),
        "2": n("LTXAVTextEncoderLoader", text_encoder="gemma_3_12B_it.safetensors",
               ckpt_name="ltx-2.3-22b-distilled.safetensors", device="default"),
        "3": n("CLIPTextEncode", text="a warrior slams his sword into the ground", clip=["2", 0]),
        "4": n("CLIPTextEncode", text="", clip=["2", 0]),
        "5": n("LTXVConditioning", positive=["3", 0], negative=["4", 0], frame_rate=24),
        "7": n("EmptyLTXVLatentVideo", width=width, height=height, length=121, batch_size=1),
        "9": n("RandomNoise", noise_seed=1),
        "10": n("KSamplerSelect", sampler_name="euler"),
        "11": n("ManualSigmas", sigmas="1., 0.99375, 0.9875, 0.98125, 0.975, 0.909375, 0.725, 0.421875, 0.0"),
        "12": n("CFGGuider", cfg=1, model=["1", 0], positive=["5", 0], negative=["5", 1]),
        "30": n("LTXVAudioVAELoader", ckpt_name="ltx-2.3-22b-distilled.safetensors"),
        "31": n("LTXVEmptyLatentAudio", frames_number=121, frame_rate=24, batch_size=1, audio_vae=["30", 0]),
        "32": n("LTXVConcatAVLatent", video_latent=["7", 0], audio_latent=["31", 0]),
        "13": n("SamplerCustomAdvanced", noise=["9", 0], guider=["12", 0], sampler=["10", 0], sigmas=["11", 0],
                latent_image=["32", 0]),
        "33": n("LTXVSeparateAVLatent", av_latent=["13", 0]),
        "14": n("LatentUpscaleModelLoader", model_name="ltx-2.3-spatial-upscaler-x2-1.0.safetensors"),
        "15": n("LTXVLatentUpsampler", samples=["33", 0], upscale_model=["14", 0], vae=["1", 2]),
        "34": n("LTXVConcatAVLatent", video_latent=["15", 0], audio_latent=["33", 1]),
        "18": n("ManualSigmas", sigmas="0.909375, 0.725, 0.421875, 0.0"),
        "19": n("SamplerCustomAdvanced", noise=["9", 0], guider=["12", 0], sampler=["10", 0], sigmas=["18", 0],
                latent_image=["34", 0]),
        "35": n("LTXVSeparateAVLatent", av_latent=["19", 0]),
        "20": n("VAEDecode", samples=["35", 0], vae=["1", 2]),
        "36": n("LTXVAudioVAEDecode", samples=["35", 1], audio_vae=["30", 0]),
        "21": n("CreateVideo", images=["20", 0], fps=24, audio=["36", 0]),
        "22": n("SaveVideo", video=["21", 0], filename_prefix="battle", format="auto", codec="auto"),
    }


def _stages_line(conv) -> str:
    return next(x for x in said(conv).splitlines() if "stages: LTX-2 makes the take at" in x)


def test_ltx2_stages_say_the_size_made_off_the_32_grid():
    line = _stages_line(convert(_ltx2_two_stages(960, 540), "ltx23_two.json"))
    assert "makes the take at 960x512 (960x540 asked: each side down to a multiple of 32" in line
    assert "upscales it x2 (1920x1024)" in line and "1920x1080" not in line


def test_ltx2_stages_on_the_grid_are_said_as_before():
    line = _stages_line(convert(_ltx2_two_stages(768, 512), "ltx23_two.json"))
    assert "makes the take at 768x512, LTX-2 Latent Upscale upscales it x2 (1536x1024)" in line
    assert "asked" not in line.split("upscales")[0]


def test_the_grid_is_ltx2s_own_multiple():
    from nodes.video_models.families.ltx2 import comfy_made_size
    from nodes.video_models.families.ltx2.family import FAMILY
    assert comfy_made_size.MULTIPLE == FAMILY.size_multiple


WIDGETS = [("high_noise_seed", "INT"), ("low_noise_seed", "INT"), ("steps", "INT"), ("cfg", "FLOAT"),
           ("sampler_name", "COMBO"), ("scheduler", "COMBO"), ("start_at_step", "INT"), ("switch_step", "INT"),
           ("end_at_step", "INT"), ("denoise", "FLOAT"), ("max_slice", "INT")]


def _two_expert_vae(vae_out: bool = True) -> dict:
    """A UI file: Wan 2.2 I2V A14B through a pack's two-model sampler no catalogue declares, which takes a VAE and
    gives it back (its 'vae' output feeding the decode), its settings named by the file's own widget inputs."""
    from tests.convert.said import ui
    sockets = [("high_model", "MODEL"), ("low_model", "MODEL"), ("vae", "VAE"), ("positive", "CONDITIONING"),
               ("negative", "CONDITIONING"), ("latent_image", "LATENT")]
    wf = ui([(1, "UNETLoader", [], ["MODEL"], ["wan2.2_i2v_high_noise_14B_fp8_scaled.safetensors", "default"]),
             (2, "UNETLoader", [], ["MODEL"], ["wan2.2_i2v_low_noise_14B_fp8_scaled.safetensors", "default"]),
             (3, "CLIPLoader", [], ["CLIP"], ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"]),
             (4, "VAELoader", [], ["VAE"], ["wan_2.1_vae.safetensors"]),
             (5, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["a woman sips coffee"]),
             (6, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["blurry"]),
             (7, "LoadImage", [], ["IMAGE", "MASK"], ["cafe.png", "image"]),
             (8, "WanImageToVideo", [("positive", "CONDITIONING"), ("negative", "CONDITIONING"), ("vae", "VAE"),
                                     ("start_image", "IMAGE")], ["CONDITIONING", "CONDITIONING", "LATENT"],
              [480, 848, 121, 1]),
             (9, "Acme_HighLowSampler", sockets, ["LATENT", "VAE"] if vae_out else ["LATENT"],
              [128, "fixed", 129, "fixed", 4, 1, "euler", "beta", 0, 2, 4, 1, 40]),
             (10, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
             (11, "CreateVideo", [("images", "IMAGE")], ["VIDEO"], [24]),
             (12, "SaveVideo", [("video", "VIDEO")], [], ["wan/i2v", "auto", "auto"])],
            [(3, 0, 5, "clip"), (3, 0, 6, "clip"), (5, 0, 8, "positive"), (6, 0, 8, "negative"), (4, 0, 8, "vae"),
             (7, 0, 8, "start_image"), (1, 0, 9, "high_model"), (2, 0, 9, "low_model"),
             *([(4, 0, 9, "vae")] if vae_out else []), (8, 0, 9, "positive"), (8, 1, 9, "negative"), (8, 2, 9, "latent_image"), (9, 0, 10, "samples"),
             ((9, 1, 10, "vae") if vae_out else (4, 0, 10, "vae")), (10, 0, 11, "images"), (11, 0, 12, "video")])
    node = next(x for x in wf["nodes"] if x["id"] == 9)
    node["inputs"] += [{"name": k, "type": t, "widget": {"name": k}, "link": None} for k, t in WIDGETS]
    return wf


def test_a_two_model_sampler_giving_its_vae_back_is_read_as_the_experts():
    """101/07: the SpaceFlower pack's sf_HighLowKSampler2 (a VAE in, a LATENT and a VAE out) held the Wan 2.2 take
    with no generator. Read as the two experts, the decode given the VAE the sampler is given; its settings naming
    the whole schedule (start 0, end at the steps, denoise 1) not said as dropped."""
    conv = convert(_two_expert_vae(), "two_expert_vae.json")
    take = nodes_of(conv, "video_models.image_to_video")[0]
    assert (take.params["steps"], take.params["seed"], take.params["width"], take.params["frames"]) == (4, 128, 480, 121)
    load = nodes_of(conv, "video_models.load")[0]
    assert load.params["vae"] == "wan_2.1_vae.safetensors" and load.params["model_2"]
    text = said(conv)
    assert "its VAE output read as the VAE its 'vae' is given (passed through)" in text
    assert "the switch at step 2 read" in text and "max_slice 40 is not applied" in text
    assert "denoise 1" not in text and "start_at_step" not in text and "end_at_step 4" not in text


def test_a_two_model_sampler_without_a_vae_is_read_as_before():
    """Given no VAE and giving none back: the shape read before (the experts); nothing said passed through."""
    conv = convert(_two_expert_vae(vae_out=False), "two_expert.json")
    assert nodes_of(conv, "video_models.image_to_video") and "passed through" not in said(conv)
