"""A re-detail of a whole clip (redetail8, issue 112): a task node given EVERY frame of a loaded clip in place at
strength 1 over the latent's whole length (LTXVImgToVideo: the clip becomes the starting latent), sampled part way,
is Video to Video on that clip at the sampler's strength, not a new take from the clip's first frame; a clip that
covers only part of the latent, or a strength below 1, stays the image to video it was."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

from .said import api, nodes_of, said


def _redetail(cap: int = 97, length: int = 97, strength: float = 1.0, denoise: float = 0.6) -> dict:
    """A clip of ``cap`` frames given whole to LTXVImgToVideo (``length``, ``strength``), sampled at ``denoise``."""
    return api({
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "ltx-video-2b-v0.9.5.safetensors"}),
        "2": ("CLIPLoader", {"clip_name": "t5xxl_fp16.safetensors", "type": "ltxv"}),
        "3": ("CLIPTextEncode", {"text": "a paper boat on a pond, sharp detail", "clip": ["2", 0]}),
        "4": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "5": ("VHS_LoadVideo", {"video": "pond.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0,
                                "frame_load_cap": cap, "skip_first_frames": 0, "select_every_nth": 1}),
        "6": ("LTXVImgToVideo", {"positive": ["3", 0], "negative": ["4", 0], "vae": ["1", 2], "image": ["5", 0],
                                 "width": 768, "height": 512, "length": length, "batch_size": 1,
                                 "strength": strength}),
        "7": ("KSampler", {"model": ["1", 0], "positive": ["6", 0], "negative": ["6", 1], "latent_image": ["6", 2],
                           "seed": 5, "steps": 20, "cfg": 3.0, "sampler_name": "euler", "scheduler": "simple",
                           "denoise": denoise}),
        "8": ("VAEDecode", {"samples": ["7", 0], "vae": ["1", 2]}),
        "9": ("VHS_VideoCombine", {"images": ["8", 0], "frame_rate": 24, "loop_count": 0, "filename_prefix": "boat",
                                   "format": "video/h264-mp4", "pingpong": False, "save_output": True}),
    })


def test_a_whole_clip_put_in_place_and_sampled_part_way_is_video_to_video_at_that_strength():
    conv = convert(_redetail(), "redetail.json")
    gen = nodes_of(conv, "video_models.video_to_video")
    assert len(gen) == 1 and gen[0].params["strength"] == 0.6 and gen[0].params["seed"] == 5
    assert gen[0].params["prompt"] == "a paper boat on a pond, sharp detail"
    assert not nodes_of(conv, "video_models.image_to_video") and not nodes_of(conv, "edit.frame_hold")
    text = said(conv)
    assert "the other frames are not given" not in text
    assert ("'LTXVImgToVideo' (LTXVImgToVideo, #6) puts every frame it is given of the clip 'pond.mp4' (97 frames; "
            "the latent's length 97) in place at strength 1: the clip is the latent 'KSampler' (#7) denoises part way, a restyle of it") in text


def test_a_clip_short_of_the_latent_or_held_below_strength_1_stays_image_to_video():
    for wf in (_redetail(cap=33), _redetail(strength=0.8)):
        conv = convert(wf, "part.json")
        assert not nodes_of(conv, "video_models.video_to_video")
        assert "in place at strength 1" not in said(conv)


def _inversion(later: bool = True) -> dict:
    """A clip encoded, inverted by a pass adding no noise (an empty prompt, cfg 1, seed 1, flipped sigmas), then
    (``later``) sampled again by a pass with the prompt, cfg 4 and seed 7 that makes the video."""
    nodes = {
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "ltx-video-2b-v0.9.5.safetensors"}),
        "2": ("CLIPLoader", {"clip_name": "t5xxl_fp16.safetensors", "type": "ltxv"}),
        "3": ("CLIPTextEncode", {"text": "", "clip": ["2", 0]}),
        "4": ("CLIPTextEncode", {"text": "a wolf in a snowy forest", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "6": ("LoadVideo", {"file": "fox.mp4"}),
        "7": ("GetVideoComponents", {"video": ["6", 0]}),
        "8": ("VAEEncode", {"pixels": ["7", 0], "vae": ["1", 2]}),
        "9": ("KSamplerSelect", {"sampler_name": "euler"}),
        "10": ("BasicScheduler", {"model": ["1", 0], "scheduler": "simple", "steps": 20, "denoise": 1.0}),
        "11": ("FlipSigmas", {"sigmas": ["10", 0]}),
        "12": ("SamplerCustom", {"model": ["1", 0], "add_noise": False, "noise_seed": 1, "cfg": 1.0,
                                 "positive": ["3", 0], "negative": ["3", 0], "sampler": ["9", 0],
                                 "sigmas": ["11", 0], "latent_image": ["8", 0]}),
        "13": ("SamplerCustom", {"model": ["1", 0], "add_noise": False, "noise_seed": 7, "cfg": 4.0,
                                 "positive": ["4", 0], "negative": ["5", 0], "sampler": ["9", 0],
                                 "sigmas": ["10", 0], "latent_image": ["12", 0]}),
        "14": ("VAEDecode", {"samples": ["13" if later else "12", 0], "vae": ["1", 2]}),
        "15": ("CreateVideo", {"images": ["14", 0], "fps": 24}),
        "16": ("SaveVideo", {"video": ["15", 0], "filename_prefix": "wolf", "format": "auto", "codec": "auto"}),
    }
    if not later:
        del nodes["13"]
    return api(nodes)


def test_an_inversion_makes_its_video_with_the_later_pass_prompt_cfg_and_seed():
    conv = convert(_inversion(), "inversion.json")
    gen = nodes_of(conv, "video_models.video_to_video")
    assert len(gen) == 1
    p = gen[0].params
    assert (p["prompt"], p["negative_prompt"], p["guidance"], p["seed"]) == ("a wolf in a snowy forest", "blurry", 4.0, 7)
    assert ("'SamplerCustom' (#12) adds no noise to the encoded clip (an inversion of it: its prompt '', its negative "
            "prompt '', its cfg 1, its seed 1) and 'SamplerCustom' (#13) samples its latent again to make the video: "
            "the take has that later pass's prompt, negative prompt, cfg, seed") in said(conv)


def test_an_inversion_alone_keeps_its_own_settings_and_says_nothing_of_a_later_pass():
    conv = convert(_inversion(later=False), "alone.json")
    p = nodes_of(conv, "video_models.video_to_video")[0].params
    assert (p["prompt"], p["guidance"], p["seed"]) == ("", 1.0, 1)
    assert "samples its latent again" not in said(conv)


def test_a_flow_edit_guider_gives_the_take_its_target_prompt_and_cfg():
    wf = _inversion(later=False)
    wf["17"] = {"class_type": "CLIPTextEncode", "inputs": {"text": "a fox in a snowy forest", "clip": ["2", 0]}}
    wf["18"] = {"class_type": "LTXFlowEditCFGGuider", "inputs": {
        "model": ["1", 0], "source_pos": ["17", 0], "source_neg": ["5", 0], "target_pos": ["4", 0],
        "target_neg": ["5", 0], "source_cfg": 3.0, "target_cfg": 6.5}}
    wf["19"] = {"class_type": "DisableNoise", "inputs": {}}
    wf["10"] = {"class_type": "LTXVScheduler", "inputs": {"steps": 30, "max_shift": 2.05, "base_shift": 0.95,
                                                          "stretch": True, "terminal": 0.1}}
    wf["12"] = {"class_type": "SamplerCustomAdvanced", "inputs": {
        "noise": ["19", 0], "guider": ["18", 0], "sampler": ["9", 0], "sigmas": ["10", 0], "latent_image": ["8", 0]}}
    conv = convert(wf, "flowedit.json")
    p = nodes_of(conv, "video_models.video_to_video")[0].params
    assert (p["prompt"], p["negative_prompt"], p["guidance"]) == ("a wolf in a snowy forest", "blurry", 6.5)
    text = said(conv)
    assert ("'LTXFlowEditCFGGuider' (LTXFlowEditCFGGuider, #18) guides the edit from a source conditioning to a target "
            "one: the take has its 'target_pos' prompt, 'target_neg' negative prompt, 'target_cfg' 6.5 as its "
            "guidance; the source's 'source_pos' prompt (the clip as it is: 'a fox in a snowy forest' of "
            "'CLIPTextEncode' (CLIPTextEncode, #17); its 'source_neg' 'blurry' of 'CLIPTextEncode' (CLIPTextEncode, #5))"
            " and 'source_cfg' are not given") in text  # (the source's texts and encoders named: proxymine20)
    assert "which Studio does not read" not in text


def test_a_guided_first_pass_adding_no_noise_is_no_inversion_and_keeps_its_settings():
    wf = _inversion()
    wf["12"]["inputs"].update(cfg=3.0, positive=["17", 0])
    wf["17"] = {"class_type": "CLIPTextEncode", "inputs": {"text": "a fox, oil painting", "clip": ["2", 0]}}
    conv = convert(wf, "guided.json")
    p = nodes_of(conv, "video_models.video_to_video")[0].params
    assert (p["prompt"], p["guidance"], p["seed"]) == ("a fox, oil painting", 3.0, 1)
    assert "samples its latent again" not in said(conv)


def test_a_whole_clip_whose_latent_a_family_step_guides_is_not_said_a_restyle():
    # (LTX-2's IC-LoRA guide on the latent's way makes LTX-2's own take, which has no input for the clip)
    wf = _redetail()
    wf["1"]["inputs"]["ckpt_name"] = "ltx-2-19b-dev.safetensors"
    wf["10"] = {"class_type": "LTXAddVideoICLoRAGuide", "inputs": {
        "positive": ["6", 0], "negative": ["6", 1], "vae": ["1", 2], "latent": ["6", 2], "image": ["5", 0],
        "frame_idx": 0, "strength": 0.8, "latent_downscale_factor": 1.0, "crop": "disabled",
        "use_tiled_encode": False, "tile_size": 256, "tile_overlap": 64}}
    wf["7"]["inputs"].update(positive=["10", 0], negative=["10", 1], latent_image=["10", 2])
    conv = convert(wf, "guided.json")
    assert not nodes_of(conv, "video_models.video_to_video")
    assert "in place at strength 1" not in said(conv)
