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
