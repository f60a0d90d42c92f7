"""restyle10 (issue 112): HunyuanVideo and EasyAnimate declare video to video (their Family's v2v: HunyuanVideo's
text-to-video pipeline given the clip's noised latents, EasyAnimate's InP pipeline its own clip and strength), so a
clip they restyle is Studio's Video to Video with its values, no longer held ("no Video to Video in Studio"); and a
step on the frames' way to a pass that another output reads too (a sharpen before the first take's own save) is left
to that output to make, not lost from it (takes.restyle). Workflows built here from node types, values and links."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said
from tests.convert.test_comfy_restyle_pass import first_take, pass_on
from tests.convert.test_comfy_wiring import UI


def _clip_restyled(unet: str, clip_type: str, vae: str, denoise: float = 0.55, start: int | None = None) -> dict:
    """A clip loaded, encoded, sampled part way (KSampler's denoise, or KSamplerAdvanced from step ``start`` of 30)
    with ``unet``'s model, decoded and written."""
    sampler = (("KSamplerAdvanced", {"add_noise": "enable", "noise_seed": 11, "steps": 30, "cfg": 6.0,
                                     "sampler_name": "euler", "scheduler": "simple", "start_at_step": start,
                                     "end_at_step": 10000, "return_with_leftover_noise": "disable"})
               if start is not None else
               ("KSampler", {"seed": 11, "steps": 30, "cfg": 6.0, "sampler_name": "euler", "scheduler": "simple",
                             "denoise": denoise}))
    return api({
        "1": ("UNETLoader", {"unet_name": unet, "weight_dtype": "default"}),
        "2": ("DualCLIPLoader", {"clip_name1": "clip_l.safetensors", "clip_name2": "llava_llama3_fp8_scaled.safetensors",
                                 "type": clip_type}),
        "3": ("VAELoader", {"vae_name": vae}),
        "4": ("CLIPTextEncode", {"text": "an oil painting of a harbour", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "washed out", "clip": ["2", 0]}),
        "6": ("VHS_LoadVideo", {"video": "harbour.mp4", "force_rate": 0, "frame_load_cap": 0, "skip_first_frames": 0,
                                "select_every_nth": 1}),
        "7": ("VAEEncode", {"pixels": ["6", 0], "vae": ["3", 0]}),
        "8": (sampler[0], {**sampler[1], "model": ["1", 0], "positive": ["4", 0], "negative": ["5", 0],
                           "latent_image": ["7", 0]}),
        "9": ("VAEDecode", {"samples": ["8", 0], "vae": ["3", 0]}),
        "10": ("VHS_VideoCombine", {"images": ["9", 0], "frame_rate": 24, "loop_count": 0, "filename_prefix": "harbour",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": True}),
    })


def _upstream(g, nid: str) -> list[str]:
    """The nodes a node's video comes through, nearest first."""
    out = []
    while (link := g.input_link(nid, "video")) is not None:
        nid = link.src
        out.append(nid)
    return out


HUNYUAN = ("hunyuan_video_t2v_720p_bf16.safetensors", "hunyuan_video", "hunyuan_video_vae_bf16.safetensors")


def test_a_hunyuanvideo_restyle_of_a_loaded_clip_is_video_to_video_with_its_values():
    conv = convert(_clip_restyled(*HUNYUAN), "hy_restyle.json")
    g = conv.graph
    assert g.validate() == []
    (gen,) = nodes_of(conv, "video_models.video_to_video")
    p = gen.params
    assert (p["strength"], p["seed"], p["guidance"], p["fps"]) == (0.55, 11, 6.0, 24.0)
    assert (p["prompt"], p["negative_prompt"]) == ("an oil painting of a harbour", "washed out")
    # ComfyUI runs its 30 steps over the last 55 % of a longer schedule: Studio's 'strength' x 'steps' run the same 30
    assert p["steps"] == 55 and int(p["steps"] * p["strength"]) == 30
    assert g.nodes[g.input_link(gen.id, "video").src].params["path"] == "harbour.mp4"
    assert [n.params["model"] for n in nodes_of(conv, "video_models.load")] == [HUNYUAN[0]]
    text = said(conv)
    assert "no Video to Video in Studio" not in text and "cannot restyle" not in text
    assert "'KSampler' (KSampler, #8) runs its 30 steps over the last 55 % of its schedule (denoise 0.55)" in text


def test_a_hunyuanvideo_restyle_from_a_start_step_takes_its_strength_from_the_steps_left():
    conv = convert(_clip_restyled(*HUNYUAN, start=12), "hy_start.json")
    (gen,) = nodes_of(conv, "video_models.video_to_video")
    assert gen.params["strength"] == 0.6 and gen.params["seed"] == 11  # 18 of 30 steps left


def test_a_family_with_no_video_to_video_is_still_held():
    """Mochi 1 declares none: held with its sentence, never made a Video to Video its family refuses."""
    conv = convert(_clip_restyled("mochi_preview_bf16.safetensors", "mochi", "mochi_vae.safetensors"), "mochi.json")
    assert not nodes_of(conv, "video_models.video_to_video")
    assert "Studio cannot restyle a clip with Mochi 1 (it has no Video to Video in Studio)" in said(conv)


def test_a_pass_on_a_hunyuanvideo_take_is_made_and_a_step_the_takes_own_save_reads_stays_on_it():
    """An LTX-2 take sharpened on its way both to its own save and to a HunyuanVideo pass's encode: the pass is made
    (HunyuanVideo does video to video), said not to apply the sharpen to the frames it reworks, and the take's own
    save keeps its sharpen (made there as Studio's Sharpen, said); before, the pass's reading took the sharpen as its
    own and the take was written unsharpened, nothing said."""
    w = UI()
    frames = first_take(w)
    sharp = w.add("ImageSharpen", [1, 0.5, 0.4], ["IMAGE"], {"image": (frames, 0, "IMAGE")})
    w.add("SaveAnimatedWEBP", ["take", 24.0, False, 80, "default"], [], {"images": (sharp, 0, "IMAGE")})
    unet = w.add("UNETLoader", [HUNYUAN[0], "default"], ["MODEL"])
    clip = w.add("DualCLIPLoader", ["clip_l.safetensors", "llava_llama3_fp8_scaled.safetensors", "hunyuan_video",
                                    "default"], ["CLIP"])
    vae = w.add("VAELoader", [HUNYUAN[2]], ["VAE"])
    conv = convert(pass_on(w, sharp, (unet, 0), (clip, 0), (vae, 0), 0.4), "sharpened")
    g = conv.graph
    assert g.validate() == []
    (take,) = nodes_of(conv, "video_models.ltx2")
    (restyle,) = nodes_of(conv, "video_models.video_to_video")
    assert g.input_link(restyle.id, "video").src == take.id and restyle.params["strength"] == 0.4
    (sharpen,) = nodes_of(conv, "edit.sharpen")
    assert g.input_link(sharpen.id, "video").src == take.id  # on the take's own save's way
    assert any(sharpen.id in _upstream(g, s.id) for s in nodes_of(conv, "io.save_video") +
               nodes_of(conv, "io.save_animation"))  # (Frame Rate... between; anim25: a WEBP's save)
    text = said(conv)
    assert f"'ImageSharpen' (ImageSharpen, #{sharp}) on the frames' way is not applied" in text
    assert f"'ImageSharpen' (ImageSharpen, #{sharp})'s sharpen of the take" in text


def test_a_flowedit_guider_of_one_source_and_one_target_conditioning_gives_the_take_the_targets_prompt():
    """HunyuanLoom's HYFlowEditGuider declares one CONDITIONING named source and one named target (no negative, no
    cfg): the HunyuanVideo restyle has the target's prompt, the source's said not given; before, it had the
    generator's default prompt and no sentence said the target was lost."""
    conv = convert(api({
        "1": ("UNETLoader", {"unet_name": HUNYUAN[0], "weight_dtype": "default"}),
        "2": ("DualCLIPLoader", {"clip_name1": "clip_l.safetensors", "clip_name2": "llava_llama3_fp8_scaled.safetensors",
                                 "type": "hunyuan_video"}),
        "3": ("VAELoader", {"vae_name": HUNYUAN[2]}),
        "4": ("CLIPTextEncode", {"text": "a hippo walking at the zoo", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "a rhino walking at the zoo", "clip": ["2", 0]}),
        "6": ("HYFlowEditGuider", {"model": ["1", 0], "source_cond": ["4", 0], "target_cond": ["5", 0]}),
        "7": ("VHS_LoadVideo", {"video": "hippo.mp4", "force_rate": 0, "frame_load_cap": 0, "skip_first_frames": 0,
                                "select_every_nth": 1}),
        "8": ("VAEEncode", {"pixels": ["7", 0], "vae": ["3", 0]}),
        "9": ("KSamplerSelect", {"sampler_name": "euler"}),
        "10": ("BasicScheduler", {"model": ["1", 0], "scheduler": "simple", "steps": 20, "denoise": 0.6}),
        "11": ("RandomNoise", {"noise_seed": 21}),
        "12": ("SamplerCustomAdvanced", {"noise": ["11", 0], "guider": ["6", 0], "sampler": ["9", 0],
                                         "sigmas": ["10", 0], "latent_image": ["8", 0]}),
        "13": ("VAEDecode", {"samples": ["12", 0], "vae": ["3", 0]}),
        "14": ("VHS_VideoCombine", {"images": ["13", 0], "frame_rate": 24, "loop_count": 0, "filename_prefix": "rhino",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": True}),
    }), "flowedit.json")
    (gen,) = nodes_of(conv, "video_models.video_to_video")
    assert gen.params["prompt"] == "a rhino walking at the zoo" and gen.params["strength"] == 0.6
    assert ("'HYFlowEditGuider' (HYFlowEditGuider, #6) guides the edit from a source conditioning to a target one: the "
            "take has its 'target_cond' prompt; the source's 'source_cond' prompt (the clip as it is: 'a hippo walking "
            "at the zoo' of 'CLIPTextEncode' (CLIPTextEncode, #4)) is not given")\
        in said(conv)
