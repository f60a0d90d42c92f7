"""wins6 (issue 112): the single things that held the held-out sets' files (benchmarks/results/wins6_2026-11-30.md),
each test built from node types, values and links (no fetched file)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said
from tests.convert.test_comfy_wiring import UI
from tests.convert.workflow_shapes import wan_t2v_combined


def _grained(cls: str, inputs: dict) -> dict:
    """ComfyUI's Wan text to video whose take goes through the film grain ``cls`` to its Video Combine (#9) and,
    beside a loaded clip (KJNodes' ImageConcanate, #82), to a second one (#83)."""
    wf = wan_t2v_combined()
    wf["80"] = {"class_type": cls, "inputs": {"images": ["8", 0], **inputs}}
    wf["9"]["inputs"]["images"] = ["80", 0]
    wf["81"] = {"class_type": "LoadImage", "inputs": {"image": "before.png"}}
    wf["82"] = {"class_type": "ImageConcanate", "inputs": {"image1": ["81", 0], "image2": ["80", 0],
                                                           "direction": "right", "match_image_size": True}}
    wf["83"] = {"class_type": "VHS_VideoCombine", "inputs": {**wf["9"]["inputs"], "images": ["82", 0],
                                                             "filename_prefix": "beside"}}
    return wf


def test_a_film_grain_on_the_takes_way_is_studios_grain_for_each_save():
    """heldout40 11, 12: vrgamedevgirl's FastFilmGrain (0.01, mix 0.2) before both saves (one of them a comparison)
    was "not applied"; LTXVideo's LTXVFilmGrain does the same."""
    for cls, mix in (("FastFilmGrain", "saturation_mix"), ("LTXVFilmGrain", "saturation")):
        extra = {"batch_size": 4} if cls == "FastFilmGrain" else {}
        conv = convert(_grained(cls, {"grain_intensity": 0.01, mix: 0.2, **extra}), "t.json")
        grains = nodes_of(conv, "edit.grain")
        assert len(grains) == 1 and grains[0].params["amount"] == 0.01 and grains[0].params["colour"] is False
        assert grains[0].params["size"] == 0.0
        g = grains[0].id
        made = {l.dst for l in conv.graph.links if l.src == g}
        assert len(made) == 2  # both saves' ways start from the one grain
        text = said(conv)
        assert "not applied (its settings" not in text
        head = f"'{cls}' ({cls}, #80)'s film grain of the take (its 'images') before 'VHS_VideoCombine' "
        made_line = ("writes it: Studio's Grain after the generator (amount 0.01, size 0.0, colour False); its "
                     f"{mix} 0.2 (a mix of a noise of each channel, red twice and blue three times as strong, with "
                     "one grey noise: Studio's Grain is grey) not applied")
        same_line = "writes it: the same Studio Grain as for the take's other save"
        saves = [n for n in ("9", "83") if f"{head}(#{n}) {made_line}" in text]
        assert len(saves) == 1 and f"{head}(#{({'9', '83'} - set(saves)).pop()}) {same_line}" in text


def test_a_film_grain_saved_by_place_by_an_older_pack_is_read_and_another_grain_is_not():
    """heldout40 11, 12 are UI files saving FastFilmGrain's two values of the pack's version before its batch_size
    (the catalogue declares three); a grain of another layout (RES4LYF's 'Film Grain': density, highlights,
    supersampling) is not Studio's Grain and stays said, not applied."""
    w = UI()
    unet = w.add("UNETLoader", ["wan2.1_t2v_1.3B_fp16.safetensors", "default"], ["MODEL"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp16.safetensors", "wan", "default"], ["CLIP"])
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"], ["VAE"])
    pos = w.add("CLIPTextEncode", ["a heron lands on a pier"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    neg = w.add("CLIPTextEncode", ["blurry"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    lat = w.add("EmptyHunyuanLatentVideo", [832, 480, 33, 1], ["LATENT"])
    ks = w.add("KSampler", [5, "fixed", 20, 6.0, "uni_pc", "simple", 1.0], ["LATENT"],
               {"model": (unet, 0, "MODEL"), "positive": (pos, 0, "CONDITIONING"),
                "negative": (neg, 0, "CONDITIONING"), "latent_image": (lat, 0, "LATENT")})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks, 0, "LATENT"), "vae": (vae, 0, "VAE")})
    grain = w.add("FastFilmGrain", [0.03, 0.0], ["IMAGE"], {"images": (dec, 0, "IMAGE")})
    w.add("SaveAnimatedWEBP", ["heron", 16.0, False, 90, "default"], [], {"images": (grain, 0, "IMAGE")})
    conv = convert(w.doc(), "t.json")
    grains = nodes_of(conv, "edit.grain")
    assert len(grains) == 1 and grains[0].params["amount"] == 0.03 and grains[0].params["colour"] is False
    text = said(conv)
    assert "Studio's Grain after the generator (amount 0.03, size 0.0, colour False)" in text
    assert "saturation_mix" not in text  # a mix of 0: one grey noise, as Studio's

    other = _grained("Film Grain", {"density": 1.0, "intensity": 1.0, "highlights": 1.0, "supersample_factor": 4,
                                    "repeats": 1})
    other["80"]["inputs"]["image"] = other["80"]["inputs"].pop("images")
    conv = convert(other, "t.json")
    assert not nodes_of(conv, "edit.grain")
    assert "'Film Grain' (Film Grain, #80)" in said(conv)


def _moe(sampling: str, scheduler: str = "simple", high: int = 10, low: int = 10) -> dict:
    """Wan 2.2 T2V A14B whose two experts sample by cmeka's WanMoEScheduler (#61, boundary 0.875): ``sampling``
    'advanced': KSamplerAdvanced pairs given its steps, switch step and shift (ModelSamplingSD3); 'sigmas':
    SamplerCustom pairs given its sigmas_high / sigmas_low."""
    nodes = {
        "37": ("UNETLoader", {"unet_name": "wan2.2_t2v_high_noise_14B.safetensors", "weight_dtype": "default"}),
        "56": ("UNETLoader", {"unet_name": "wan2.2_t2v_low_noise_14B.safetensors", "weight_dtype": "default"}),
        "38": ("CLIPLoader", {"clip_name": "umt5.safetensors", "type": "wan", "device": "default"}),
        "39": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "6": ("CLIPTextEncode", {"text": "a cat", "clip": ["38", 0]}),
        "7": ("CLIPTextEncode", {"text": "", "clip": ["38", 0]}),
        "40": ("EmptyHunyuanLatentVideo", {"width": 832, "height": 480, "length": 33, "batch_size": 1}),
        "61": ("WanMoEScheduler", {"model": ["37", 0], "scheduler": scheduler, "steps_high": high, "steps_low": low,
                                   "boundary": 0.875, "interval": 0.01, "denoise": 1.0}),
        "8": ("VAEDecode", {"samples": ["58", 0], "vae": ["39", 0]}),
        "9": ("VHS_VideoCombine", {"frame_rate": 16, "loop_count": 0, "filename_prefix": "t2v",
                                   "format": "video/h264-mp4", "save_output": True, "images": ["8", 0]}),
    }
    if sampling == "advanced":
        nodes.update({
            "54": ("ModelSamplingSD3", {"shift": ["61", 0], "model": ["37", 0]}),
            "55": ("ModelSamplingSD3", {"shift": ["61", 0], "model": ["56", 0]}),
            "57": ("KSamplerAdvanced", {"add_noise": "enable", "noise_seed": 5, "steps": ["61", 1], "cfg": 3.5,
                                        "sampler_name": "euler", "scheduler": "simple", "start_at_step": 0,
                                        "end_at_step": ["61", 2], "return_with_leftover_noise": "enable",
                                        "model": ["54", 0], "positive": ["6", 0], "negative": ["7", 0],
                                        "latent_image": ["40", 0]}),
            "58": ("KSamplerAdvanced", {"add_noise": "disable", "noise_seed": 5, "steps": ["61", 1], "cfg": 3.5,
                                        "sampler_name": "euler", "scheduler": "simple", "start_at_step": ["61", 2],
                                        "end_at_step": 10000, "return_with_leftover_noise": "disable",
                                        "model": ["55", 0], "positive": ["6", 0], "negative": ["7", 0],
                                        "latent_image": ["57", 0]})})
    else:
        nodes.update({
            "31": ("KSamplerSelect", {"sampler_name": "euler"}),
            "57": ("SamplerCustom", {"add_noise": True, "noise_seed": 5, "cfg": 1.0, "model": ["37", 0],
                                     "positive": ["6", 0], "negative": ["7", 0], "sampler": ["31", 0],
                                     "sigmas": ["61", 5], "latent_image": ["40", 0]}),
            "58": ("SamplerCustom", {"add_noise": False, "noise_seed": 5, "cfg": 1.0, "model": ["56", 0],
                                     "positive": ["6", 0], "negative": ["7", 0], "sampler": ["31", 0],
                                     "sigmas": ["61", 6], "latent_image": ["57", 0]})})
    return api(nodes)


def test_the_moe_schedulers_steps_switch_and_shift_are_the_two_expert_takes():
    """heldout39 10: WanMoEScheduler (simple, 10 + 10, boundary 0.875) gives both KSamplerAdvanced their steps and
    switch step and both ModelSamplingSD3 their shift: "a value Studio cannot work out", the generator's own 25 steps
    stood. The shift is the node's search (the first, by 0.01, whose sigma at step 10 of 20 reaches 0.875: 7, as its
    float32 sigmas give it)."""
    conv = convert(_moe("advanced"), "t.json")
    gen = nodes_of(conv, "video_models.text_to_video")[0]
    assert (gen.params["steps"], gen.params["shift"]) == (20, 7.0)
    text = said(conv)
    assert "first sampler runs steps 0-10 of 20" in text and "steps 10 to the end" in text
    assert "- shift 7 (ModelSamplingSD3, #54; ModelSamplingSD3, #55): the generator's shift" in text
    assert "cannot work out" not in text and "the generator's own 25" not in text


def test_the_moe_schedulers_sigmas_give_each_expert_its_part():
    """heldout39 09, 15: samplers given WanMoEScheduler's sigmas_high / sigmas_low ran the generator's own 25 steps
    (said made "when the workflow runs"); now its 4 + 6 steps, the switch at 4, and the shift it made them with (its
    'beta' schedule's too; a 'normal' one's is not worked out: said). A ModelSamplingSD3 on the model does not
    change sigmas given to the sampler: it gives way to the scheduler's shift, said (an SVI 4-pass's 5 against 8.97)."""
    conv = convert(_moe("sigmas", "simple"), "t.json")
    gen = nodes_of(conv, "video_models.text_to_video")[0]
    assert (gen.params["steps"], gen.params["shift"]) == (20, 7.0)
    assert "- shift 7 (WanMoEScheduler, #61): the generator's shift" in said(conv)
    conv = convert(_moe("sigmas", "beta", 4, 6), "t.json")
    gen = nodes_of(conv, "video_models.text_to_video")[0]
    text = said(conv)
    assert gen.params["steps"] == 10 and "first sampler runs steps 0-4 of 10" in text and "steps 4 to the end" in text
    assert gen.params["shift"] == 3.98 and "when the workflow runs: the generator's own 25" not in text
    conv = convert(_moe("sigmas", "normal", 4, 6), "t.json")
    assert ("the shift 'WanMoEScheduler' (WanMoEScheduler, #61) finds (the one at which its sigma at the switch step "
            "reaches its boundary) is not worked out when converting for its 'normal' schedule: the generator's own "
            "shift stands") in said(conv)
    wf = _moe("sigmas", "beta", 4, 4)
    wf["54"] = {"class_type": "ModelSamplingSD3", "inputs": {"shift": 5.0, "model": ["37", 0]}}
    wf["57"]["inputs"]["model"] = ["54", 0]
    conv = convert(wf, "t.json")
    assert nodes_of(conv, "video_models.text_to_video")[0].params["shift"] == 6.98
    assert ("the shift 5 (ModelSamplingSD3, #54) set on the model's way does not change the sigmas 'WanMoEScheduler' "
            "(WanMoEScheduler, #61) gives the samplers, made with its own shift 6.98: the generator takes 6.98") in said(conv)


def test_the_moe_shift_search_is_the_nodes():
    """The shift WanMoEScheduler finds, worked out as its schedulers.py does on float32 sigmas (checked against a
    torch and scipy reading of it: 2 + 2 at 0.9 -> 9.0; 3 + 5 at 0.9 -> 5.4; 1 + 3 at 0.875 -> 2.34; denoise 0.8 ->
    10.5; 'beta' 4 + 6 at 0.875 -> 3.98, 4 + 4 at 0.9 -> 8.97)."""
    from nodes.video_models.families.wan.comfy_moe_scheduler import shift
    assert shift("simple", 10, 10, 0.875, 0.01, 1.0) == 7.0
    assert shift("simple", 2, 2, 0.9, 0.01, 1.0) == 9.0
    assert shift("simple", 3, 5, 0.9, 0.01, 1.0) == 5.4
    assert shift("simple", 1, 3, 0.875, 0.01, 1.0) == 2.34
    assert shift("simple", 4, 4, 0.875, 0.01, 0.8) == 10.5
    assert shift("beta", 4, 6, 0.875, 0.01, 1.0) == 3.98  # (scipy's Beta(0.6, 0.6) quantiles, worked out here)
    assert shift("beta", 4, 4, 0.9, 0.01, 1.0) == 8.97
    assert shift("normal", 4, 4, 0.875, 0.01, 1.0) is None


def _humo(embeds: str = "HuMoEmbeds", values=(101, 832, 480, 1.0, 1.0, 0.0, 1.0, False), picture="reference_images"):
    """The wrapper's HuMo 17B: a Whisper model and a voice into ``embeds`` (its settings ``values`` by place), the
    person on its ``picture`` input, its image embeds given to WanVideoSampler (8 steps, cfg 1, shift 5)."""
    from tests.convert.test_comfy_wrappers import UI as WrapperUI
    w = WrapperUI()
    model = w.add("WanVideoModelLoader", ["humo_17B_fp16.safetensors", "fp16", "disabled", "offload_device", "sdpa"])
    t5 = w.add("LoadWanVideoT5TextEncoder", ["umt5-xxl-enc-bf16.safetensors", "bf16", "offload_device", "disabled"])
    text = w.add("WanVideoTextEncode", ["a man recites a poem", "", True], t5=(t5, 0))
    vae = w.add("WanVideoVAELoader", ["Wan2_1_VAE_bf16.safetensors", "bf16"])
    whisper = w.add("WhisperModelLoader", ["whisper_large_v3_fp16.safetensors", "fp16", "main_device"])
    voice = w.add("LoadAudio", ["poem.wav", None, None])
    image = w.add("LoadImage", ["man.png", "image"])
    emb = w.add(embeds, list(values), whisper_model=(whisper, 0), vae=(vae, 0), audio=(voice, 0),
                **{picture: (image, 0)})
    s = w.add("WanVideoSampler", [8, 1.0, 5.0, 7, "fixed", True, "lcm", 0, 1.0], model=(model, 0),
              text_embeds=(text, 0), image_embeds=(emb, 0))
    dec = w.add("WanVideoDecode", [True, 272, 272, 144, 128], vae=(vae, 0), samples=(s, 0))
    w.add("VHS_VideoCombine", {"frame_rate": 25, "filename_prefix": "humo", "format": "video/h264-mp4"},
          images=(dec, 0), audio=(voice, 0))
    doc = w.doc()
    node = next(n for n in doc["nodes"] if n["id"] == emb)
    for i in node["inputs"]:  # the types a UI file saves for its inputs (a later version's start_image too)
        i["type"] = {"whisper_model": "WHISPERMODEL", "vae": "WANVAE", "audio": "AUDIO"}.get(i["name"], "IMAGE")
    return doc, emb


def test_the_wrappers_humo_embeds_are_studios_wan_humo_by_their_types():
    """heldout41 08: the wrapper's HuMoEmbeds (Whisper, the voice, the person) held the take ("with an unrecognised
    model"); read by its declared types (image embeds out, a WHISPERMODEL and an AUDIO in) as ComfyUI's
    WanHuMoImageToVideo: Studio's Wan HuMo, the person its reference, the voice through Whisper's every hidden state."""
    doc, emb = _humo(values=(101, 832, 480, 1.0, 2.5, 0.0, 1.0, False))
    conv = convert(doc, "humo.json")
    assert [t["generator"] for t in conv.tasks] == ["video_models.wan_humo"]
    assert sorted(conv.tasks[0]["inputs"]) == ["features", "reference"]
    gen = nodes_of(conv, "video_models.wan_humo")[0].params
    assert (gen["frames"], gen["width"], gen["height"], gen["steps"]) == (101, 832, 480, 8)
    assert nodes_of(conv, "encode.speech")[0].params["encoder"] == "whisper_large_v3_fp16.safetensors"
    text = said(conv)
    assert (f"'HuMoEmbeds' (HuMoEmbeds, #{emb})'s audio_cfg_scale 2.5 not taken: Wan HuMo guides by the voice with "
            "its own audio scale (scale_audio)") in text
    assert "unrecognised model" not in text


def test_a_humo_embeds_of_another_layout_says_its_start_image_and_its_values_not_read():
    """heldout41 08's HuMoEmbeds is another version's: a 'start_image' (the person, also put in as the first frame)
    and 8 values whose second (1) falls on the declared 'width' (64 at least): its frames read, the rest not."""
    doc, emb = _humo(values=(101, 1, 2.5, 1, 0.5, 0, 1, False), picture="start_image")
    conv = convert(doc, "humo.json")
    assert sorted(conv.tasks[0]["inputs"]) == ["features", "reference"]
    gen = nodes_of(conv, "video_models.wan_humo")[0].params
    assert gen["frames"] == 101 and gen["width"] != 1
    text = said(conv)
    assert (f"'HuMoEmbeds' (HuMoEmbeds, #{emb})'s 'start_image' is Wan HuMo's reference (the person); the first "
            "frame the node also makes of it is not taken (Wan HuMo starts from no picture)") in text
    assert (f"'HuMoEmbeds' (HuMoEmbeds, #{emb})'s values saved by place from place #1 on (1, 2.5, 1, 0.5, 0, 1, "
            "False) do not fit the settings its type declares at those places") in text
    assert "audio_cfg_scale 0.5" not in text
