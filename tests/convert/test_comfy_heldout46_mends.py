"""Mends from the forty-sixth held-out set (any video workflow an outside tester would try, owners a-e): each test
builds a minimal workflow from node types, values and links (no fetched file) and fails without its mend."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, said


def _keyframe_then_unknown_video(ckpt_vae: bool = True) -> dict:
    """A Flux keyframe (a checkpoint loader giving the sampler its MODEL and the decoder its VAE) handed to a video
    node no pack in the catalogue declares, whose output a video save writes (heldout46 06's Veo 3 sketch).
    ``ckpt_vae`` off: the decoder takes a VAELoader's VAE instead, the checkpoint giving the sampler alone."""
    nodes = {
        "1": ("DualCLIPLoader", {"clip_name1": "clip_l.safetensors", "clip_name2": "t5xxl_fp16.safetensors",
                                 "type": "flux"}),
        "2": ("CLIPTextEncode", {"text": "a lobster samurai in a bamboo forest", "clip": ["1", 0]}),
        "3": ("CheckpointLoaderSimple", {"ckpt_name": "flux1-dev.safetensors"}),
        "4": ("EmptyLatentImage", {"width": 1280, "height": 720, "batch_size": 1}),
        "6": ("KSampler", {"model": ["3", 0], "positive": ["2", 0], "negative": ["2", 0], "latent_image": ["4", 0],
                           "seed": 42, "steps": 28, "cfg": 1.0, "sampler_name": "euler", "scheduler": "simple",
                           "denoise": 1.0}),
        "7": ("VAEDecode", {"samples": ["6", 0], "vae": ["3", 2] if ckpt_vae else ["9", 0]}),
        "10": ("OwlImageToVideoNode", {"image": ["7", 0], "prompt": "the samurai draws the katana", "duration": 8}),
        "21": ("VHS_VideoCombine", {"images": ["10", 0], "frame_rate": 24, "loop_count": 0,
                                    "filename_prefix": "owl", "format": "video/h264-mp4", "pingpong": False,
                                    "save_output": True}),
    }
    if not ckpt_vae:
        nodes["9"] = ("VAELoader", {"vae_name": "ae.safetensors"})
    return api(nodes)


def test_a_held_checkpoint_loader_names_its_file_and_what_each_reader_takes_of_it():
    """06 (a Flux keyframe for Veo 3): the checkpoint loader whose MODEL the held KSampler samples with and whose VAE
    the decoder uses was said to load "the VAE that the held task's 'KSampler' (KSampler, #6), 'VAEDecode'
    (VAEDecode, #7) use" (false: the sampler takes its model), its file 'flux1-dev.safetensors' named nowhere. Told by
    the loader's declared output types and the slot each reader takes."""
    text = said(convert(_keyframe_then_unknown_video(), "owl.json"))
    assert "loads the VAE that the held task's 'KSampler'" not in text
    assert ("'CheckpointLoaderSimple' (CheckpointLoaderSimple, #3) loads 'flux1-dev.safetensors', the model that the "
            "held task's 'KSampler' (KSampler, #6) samples with and the VAE that the held task's 'VAEDecode' "
            "(VAEDecode, #7) uses: not made, as the task is held with no generator") in text
    alone = said(convert(_keyframe_then_unknown_video(ckpt_vae=False), "owl.json"))  # a VAE loader read alone: as before
    assert ("'VAELoader' (VAELoader, #9) loads the VAE 'ae.safetensors' that the held task's 'VAEDecode' (VAEDecode, "
            "#7) uses: not made, as the task is held with no generator") in alone


def _wan_custom(add_noise: bool) -> dict:
    """Wan 2.1 text to video sampled by SamplerCustom (``add_noise`` its setting) on an empty latent."""
    return api({
        "1": ("UNETLoader", {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "an owl flying over a lake", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "6": ("EmptyHunyuanLatentVideo", {"width": 832, "height": 480, "length": 33, "batch_size": 1}),
        "7": ("KSamplerSelect", {"sampler_name": "euler"}),
        "8": ("BasicScheduler", {"model": ["1", 0], "scheduler": "simple", "steps": 20, "denoise": 1.0}),
        "9": ("SamplerCustom", {"model": ["1", 0], "add_noise": add_noise, "noise_seed": 7, "cfg": 5.0,
                                "positive": ["4", 0], "negative": ["5", 0], "sampler": ["7", 0], "sigmas": ["8", 0],
                                "latent_image": ["6", 0]}),
        "10": ("VAEDecode", {"samples": ["9", 0], "vae": ["3", 0]}),
        "11": ("CreateVideo", {"images": ["10", 0], "fps": 16}),
        "12": ("SaveVideo", {"video": ["11", 0], "filename_prefix": "owl", "format": "mp4", "codec": "h264"}),
    })


def test_a_first_pass_adding_no_noise_is_said():
    """09 (FunPack's LTX-2.3 'Low Resolution Sampler'): a SamplerCustom with add_noise off samples the latent it is
    given as it comes in ComfyUI; Studio's generator noises its take: that was made unsaid. Told by the sampler's
    declared setting (tracing.walks.adds_noise); a pass that adds noise says nothing of it."""
    text = said(convert(_wan_custom(False), "owl.json"))
    assert ("'SamplerCustom' (SamplerCustom, #9) adds no noise of its own to the latent it samples (its add_noise "
            "off): ComfyUI samples that latent as it is given; Studio's generator starts its take from its own noise"
            ) in text
    assert "adds no noise" not in said(convert(_wan_custom(True), "owl.json"))


def _sketch_without_save() -> dict:
    """An LTX-2.3 two-pass sketch cut short (heldout46 05): its sigmas made by a node no pack declares, its decode and
    CreateVideo at the end, no save: nothing is made."""
    return api({
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "ltxv-2.3-distilled.safetensors"}),
        "2": ("CLIPLoader", {"clip_name": "gemma_3_12B.safetensors", "type": "ltxv"}),
        "3": ("CLIPTextEncode", {"text": "a phoenix rising", "clip": ["2", 0]}),
        "4": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "5": ("EmptyLTXVLatentVideo", {"width": 512, "height": 288, "length": 97, "batch_size": 1}),
        "6": ("LTXVConditioning", {"positive": ["3", 0], "negative": ["4", 0], "frame_rate": 24}),
        "7": ("RandomNoise", {"noise_seed": 42}),
        "8": ("KSamplerSelect", {"sampler_name": "euler"}),
        "9": ("OwlSigmaSchedule", {"model": ["1", 0], "num_steps": 8, "start_sigma": 0.85}),
        "10": ("CFGGuider", {"model": ["1", 0], "positive": ["6", 0], "negative": ["6", 1], "cfg": 1.0}),
        "11": ("SamplerCustomAdvanced", {"noise": ["7", 0], "guider": ["10", 0], "sampler": ["8", 0],
                                         "sigmas": ["9", 0], "latent_image": ["5", 0]}),
        "17": ("VAEDecodeTiled", {"samples": ["11", 1], "vae": ["1", 2], "tile_size": 256, "overlap": 64,
                                  "temporal_size": 64, "temporal_overlap": 8}),
        "18": ("CreateVideo", {"images": ["17", 0], "fps": 24}),
    })


def test_steps_folded_into_what_reads_them_are_named_where_nothing_is_made():
    """05 (an LTX-2.3 sketch with no save): LTXVConditioning (its frame_rate 24), VAEDecodeTiled (tile 256) and
    CreateVideo, each a step Studio folds into the node reading it, were counted read though nothing was made, so they
    were named nowhere (or in a sentence on other matters). Where nothing is made they are listed or passed over like
    any node; a switch or reroute (passing on what it is given) is not."""
    conv = convert(_sketch_without_save(), "owl.json")
    text = said(conv)
    assert not conv.graph.nodes
    assert "- 'VAEDecodeTiled' (VAEDecodeTiled, #17): {\"tile_size\": 256" in text
    assert "- 'CreateVideo' (CreateVideo, #18): {\"fps\": 24}" in text
    assert "'LTXVConditioning' (LTXVConditioning, #6)" in text and "frame_rate 24" in text
