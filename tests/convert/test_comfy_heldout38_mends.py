"""Mechanisms a thirty-eighth held-out set (benchmarks/results/heldout38_2026-11-30.md: LTX-2.3 / 2.5 and Wan 2.2
video workflows from small repositories and files programs keep - workers' API files, a bot's, forks' examples)
showed, each on a small hand-written workflow."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said


def _nodes(conv, type_id: str) -> list:
    return [n for n in conv.graph.nodes.values() if n.type_id == type_id]


def _links_into(conv, node_id: str) -> dict:
    return {ln.dst_port: (ln.src, ln.src_port) for ln in conv.graph.links if ln.dst == node_id}


def _ltx23_restyle(muxed: bool = True) -> dict:
    """LTX-2.3 re-rendering a clip through an IC-LoRA (a video latent alone, no sound latent sampled): the clip's
    frames are the guide, and CreateVideo writes the frames with the clip's own sound (muxed) or with none."""
    wf = {
        "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "ltx-2.3-22b-dev.safetensors"}},
        "2": {"class_type": "LTXAVTextEncoderLoader", "inputs": {"text_encoder": "gemma_3_12B_it.safetensors",
                                                                "ckpt_name": "ltx-2.3-22b-dev.safetensors",
                                                                "device": "default"}},
        "3": {"class_type": "LTXICLoRALoaderModelOnly", "inputs": {"lora_name": "ltx-2.3-22b-ic-lora-hdr.safetensors",
                                                                  "strength_model": 1.0, "model": ["1", 0]}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "HDR footage", "clip": ["2", 0]}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "ugly, static", "clip": ["2", 0]}},
        "6": {"class_type": "LoadVideo", "inputs": {"file": "street.mp4"}},
        "7": {"class_type": "GetVideoComponents", "inputs": {"video": ["6", 0]}},
        "8": {"class_type": "LTXVConditioning", "inputs": {"positive": ["4", 0], "negative": ["5", 0],
                                                          "frame_rate": 24}},
        "9": {"class_type": "EmptyLTXVLatentVideo", "inputs": {"width": 768, "height": 512, "length": 97,
                                                              "batch_size": 1}},
        "10": {"class_type": "LTXAddVideoICLoRAGuide", "inputs": {
            "positive": ["8", 0], "negative": ["8", 1], "vae": ["1", 2], "latent": ["9", 0], "image": ["7", 0],
            "latent_downscale_factor": ["3", 1], "frame_idx": 0, "strength": 1.0, "crf": 0, "blur": 0,
            "use_tiled_encode": False, "tile_size": 256, "tile_overlap": 64}},
        "11": {"class_type": "CFGGuider", "inputs": {"model": ["3", 0], "positive": ["10", 0], "negative": ["10", 1],
                                                     "cfg": 1.0}},
        "12": {"class_type": "KSamplerSelect", "inputs": {"sampler_name": "euler"}},
        "13": {"class_type": "ManualSigmas", "inputs": {"sigmas": "1.0, 0.99375, 0.9875, 0.98125, 0.975, 0.909375, "
                                                                   "0.725, 0.421875, 0.0"}},
        "14": {"class_type": "RandomNoise", "inputs": {"noise_seed": 42}},
        "15": {"class_type": "SamplerCustomAdvanced", "inputs": {"noise": ["14", 0], "guider": ["11", 0],
                                                                 "sampler": ["12", 0], "sigmas": ["13", 0],
                                                                 "latent_image": ["10", 2]}},
        "16": {"class_type": "LTXVCropGuides", "inputs": {"positive": ["10", 0], "negative": ["10", 1],
                                                          "latent": ["15", 0]}},
        "17": {"class_type": "VAEDecode", "inputs": {"samples": ["16", 2], "vae": ["1", 2]}},
        "18": {"class_type": "CreateVideo", "inputs": {"images": ["17", 0], "fps": 24}},
        "19": {"class_type": "SaveVideo", "inputs": {"video": ["18", 0], "filename_prefix": "hdr", "format": "auto",
                                                     "codec": "auto"}},
    }
    if muxed:
        wf["18"]["inputs"]["audio"] = ["7", 1]
    return wf


def test_a_clips_sound_the_save_muxes_is_written_not_the_models_own():
    """thinkdiffusion's LTX-2.3 HDR re-render (02): CreateVideo writes the decoded frames with the loaded clip's own
    sound (GetVideoComponents' audio; the workflow samples no sound latent), but LTX-2's 'sound: generated' went into
    the Save Video, unsaid, and "Studio's Load Video gives that video's frames and sound itself (where Studio makes
    what reads them)" was false. The file's sound is wired into the Save Video, the made one said not written."""
    conv = convert(_ltx23_restyle(), "hdr.json")
    (gen,) = _nodes(conv, "video_models.ltx2")
    (load,) = [n for n in _nodes(conv, "io.load_video") if n.params["path"] == "street.mp4"]
    (save,) = _nodes(conv, "io.save_video")
    assert _links_into(conv, save.id)["audio"] == (load.id, "audio")
    assert "the sound LTX-2 Video + Sound makes is not written" in _said(conv)
    # no sound muxed: the save writes none, as before (the model's own sound is not put in its place either)
    conv = convert(_ltx23_restyle(muxed=False), "mute.json")
    (save,) = _nodes(conv, "io.save_video")
    links = _links_into(conv, save.id)
    assert "audio" not in links or links["audio"][0] not in {n.id for n in _nodes(conv, "io.load_video")}
    assert "not a sound the model makes" not in _said(conv)


def _seedvr2(resize: dict) -> dict:
    """ComfyUI's SeedVR2 chain on a clip (a bot's API file): the frames resized by ResizeImageMaskNode ``resize``
    (its settings by name) before SeedVR2Preprocess, one step, the clip's sound and rate on the save."""
    return {
        "1": {"class_type": "LoadVideo", "inputs": {"file": "clip.mp4"}},
        "2": {"class_type": "GetVideoComponents", "inputs": {"video": ["1", 0]}},
        "3": {"class_type": "ResizeImageMaskNode", "inputs": {"input": ["2", 0], "scale_method": "lanczos", **resize}},
        "4": {"class_type": "SeedVR2Preprocess", "inputs": {"resized_images": ["3", 0]}},
        "5": {"class_type": "VAELoader", "inputs": {"vae_name": "seedvr2_ema_vae_fp16.safetensors"}},
        "6": {"class_type": "VAEEncodeTiled", "inputs": {"pixels": ["4", 0], "vae": ["5", 0], "tile_size": 512,
                                                        "overlap": 128, "temporal_size": 64, "temporal_overlap": 8}},
        "7": {"class_type": "UNETLoader", "inputs": {"unet_name": "seedvr2_3b_fp16.safetensors",
                                                    "weight_dtype": "default"}},
        "8": {"class_type": "SeedVR2Conditioning", "inputs": {"model": ["7", 0], "vae_conditioning": ["6", 0]}},
        "9": {"class_type": "KSampler", "inputs": {"model": ["7", 0], "seed": 5, "steps": 1, "cfg": 1.0,
                                                  "sampler_name": "euler", "scheduler": "simple", "denoise": 1.0,
                                                  "positive": ["8", 0], "negative": ["8", 1], "latent_image": ["6", 0]}},
        "10": {"class_type": "VAEDecodeTiled", "inputs": {"samples": ["9", 0], "vae": ["5", 0], "tile_size": 512,
                                                         "overlap": 128, "temporal_size": 64, "temporal_overlap": 8}},
        "11": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["10", 0], "frame_rate": ["2", 2],
                                                           "audio": ["2", 1], "filename_prefix": "up",
                                                           "format": "video/h264-mp4", "save_output": True}},
    }


def test_seedvr2s_resize_by_its_longer_or_shorter_side_sets_the_upscales_size():
    """s1215690's Telegram bot (15): ResizeImageMaskNode 'scale longer dimension' to 1920 before SeedVR2Preprocess
    was read for a multiplier only, so SeedVR2 Upscale ran at its default scale 2 (a 1280x720 clip out at 2560x1440,
    not 1920x1080), unsaid. The resize is read as Studio's Scale reads it: the longer side to N as 'max edge' N over
    the largest scale (said), the shorter side to N as 'short edge', a multiplier as 'scale'; another kind said."""
    def upscale(resize: dict):
        conv = convert(_seedvr2(resize), "up.json")
        (node,) = _nodes(conv, "finishing.seedvr2")
        return node.params, _said(conv)
    p, said = upscale({"resize_type": "scale longer dimension", "resize_type.longer_size": 1920})
    assert (p["max_edge"], p["scale"]) == (1920, 8.0)
    assert "so its longer side is 1920 px: SeedVR2 Upscale's 'max edge' 1920" in said
    p, _ = upscale({"resize_type": "scale shorter dimension", "resize_type.shorter_size": 1080})
    assert (p["short_edge"], p.get("max_edge", 0)) == (1080, 0)
    p, _ = upscale({"resize_type": "scale by multiplier", "resize_type.multiplier": 3.0})
    assert p["scale"] == 3.0 and not p.get("max_edge") and not p.get("short_edge")
    p, said = upscale({"resize_type": "scale total pixels", "resize_type.megapixels": 2.0})
    assert p["scale"] == 2.0 and "in a way SeedVR2 Upscale's settings do not make" in said


def _relayed_two_passes() -> dict:
    """An LTX-2.5 take in two passes, each pass's model patched and prompted by PromptRelayEncode (a prompt relay's
    attention patch, its prompt on the pass's own latent: the second's on the first pass's latent, upsampled x2)."""
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "ltx-2.5-22b-distilled.safetensors", "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "gemma4-12b-ltx-2.5.safetensors", "type": "ltxv", "device": "default"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "ltx-2.5-video-vae.safetensors"}},
        "4": {"class_type": "EmptyLTXVLatentVideo", "inputs": {"width": 832, "height": 480, "length": 121, "batch_size": 1}},
        "5": {"class_type": "PromptRelayEncode", "inputs": {"model": ["1", 0], "clip": ["2", 0], "latent": ["4", 0], "text": "[Shot 1] a fox in the snow [Shot 2] the fox runs"}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "7": {"class_type": "CFGGuider", "inputs": {"model": ["5", 0], "positive": ["5", 1], "negative": ["6", 0], "cfg": 1.0}},
        "8": {"class_type": "KSamplerSelect", "inputs": {"sampler_name": "euler"}},
        "9": {"class_type": "ManualSigmas", "inputs": {"sigmas": "1.0, 0.725, 0.4219, 0.0"}},
        "10": {"class_type": "RandomNoise", "inputs": {"noise_seed": 7}},
        "11": {"class_type": "SamplerCustomAdvanced", "inputs": {"noise": ["10", 0], "guider": ["7", 0], "sampler": ["8", 0], "sigmas": ["9", 0], "latent_image": ["4", 0]}},
        "12": {"class_type": "LatentUpscaleModelLoader", "inputs": {"model_name": "ltx-2.5-spatial-upscaler-x2.safetensors"}},
        "13": {"class_type": "LTXVLatentUpsampler", "inputs": {"samples": ["11", 0], "upscale_model": ["12", 0], "vae": ["3", 0]}},
        "14": {"class_type": "PromptRelayEncode", "inputs": {"model": ["1", 0], "clip": ["2", 0], "latent": ["13", 0], "text": "[Shot 1] a fox in the snow [Shot 2] the fox runs"}},
        "15": {"class_type": "CFGGuider", "inputs": {"model": ["14", 0], "positive": ["14", 1], "negative": ["6", 0], "cfg": 1.0}},
        "16": {"class_type": "SamplerCustomAdvanced", "inputs": {"noise": ["10", 0], "guider": ["15", 0], "sampler": ["8", 0], "sigmas": ["9", 0], "latent_image": ["13", 0]}},
        "17": {"class_type": "VAEDecode", "inputs": {"samples": ["16", 0], "vae": ["3", 0]}},
        "18": {"class_type": "CreateVideo", "inputs": {"images": ["17", 0], "fps": 24}},
        "19": {"class_type": "SaveVideo", "inputs": {"video": ["18", 0], "filename_prefix": "fox", "format": "auto", "codec": "auto"}},
    }


def test_a_node_the_samplers_are_made_with_is_never_the_videos_maker_after_them():
    """vinh-gogo's LTX-2.5 MSR take (03): the second pass's PromptRelayEncode, fed the first pass's upsampled latent,
    was taken for a node between the samplers and the save making the video itself: "Studio cannot run
    PromptRelayEncode, which makes the video itself (a paid service's node or a model it does not run)" (false: it
    patches the model and prompts the pass that makes the video). A node the output's samplers are made with is no
    maker after them."""
    said = _said(convert(_relayed_two_passes(), "relay.json"))
    assert "makes the video itself" not in said
    assert "'PromptRelayEncode' (PromptRelayEncode, #14), a model patch" in said


def _flux_start_then_ltx() -> dict:
    """A start image Flux.2 klein edits from a reference picture (KSampler, ReferenceLatent: UrbanMan2411's) given to
    LTX-2.3's image to video (LTXVImgToVideoInplace): two models, the still's pass and the video's, one held task
    (Studio cannot make the start image first: its klein reads no reference picture; flux2k21's family makes a klein
    still from its prompt alone)."""
    return {
        "30": {"class_type": "LoadImage", "inputs": {"image": "her.png"}},
        "31": {"class_type": "VAEEncode", "inputs": {"pixels": ["30", 0], "vae": ["3", 0]}},
        "32": {"class_type": "ReferenceLatent", "inputs": {"conditioning": ["4", 0], "latent": ["31", 0]}},
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "flux-2-klein-9b-kv-fp8.safetensors", "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "qwen_3_8b_fp8mixed.safetensors", "type": "flux2", "device": "default"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "flux2-vae.safetensors"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "a dancer in a yellow top", "clip": ["2", 0]}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["2", 0]}},
        "6": {"class_type": "EmptyFlux2LatentImage", "inputs": {"width": 832, "height": 1216, "batch_size": 1}},
        "7": {"class_type": "KSampler", "inputs": {"model": ["1", 0], "seed": 3, "steps": 4, "cfg": 1.0, "sampler_name": "euler", "scheduler": "simple", "denoise": 1.0, "positive": ["32", 0], "negative": ["5", 0], "latent_image": ["6", 0]}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["7", 0], "vae": ["3", 0]}},
        "10": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "ltx-2.3-22b-distilled-fp8.safetensors"}},
        "11": {"class_type": "LTXAVTextEncoderLoader", "inputs": {"text_encoder": "gemma_3_12B_it.safetensors", "ckpt_name": "ltx-2.3-22b-distilled-fp8.safetensors", "device": "default"}},
        "12": {"class_type": "CLIPTextEncode", "inputs": {"text": "she dances", "clip": ["11", 0]}},
        "13": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["11", 0]}},
        "14": {"class_type": "LTXVConditioning", "inputs": {"positive": ["12", 0], "negative": ["13", 0], "frame_rate": 24}},
        "15": {"class_type": "EmptyLTXVLatentVideo", "inputs": {"width": 832, "height": 1216, "length": 97, "batch_size": 1}},
        "16": {"class_type": "LTXVImgToVideoInplace", "inputs": {"vae": ["10", 2], "image": ["8", 0], "latent": ["15", 0], "strength": 1.0, "bypass": False}},
        "17": {"class_type": "CFGGuider", "inputs": {"model": ["10", 0], "positive": ["14", 0], "negative": ["14", 1], "cfg": 1.0}},
        "18": {"class_type": "KSamplerSelect", "inputs": {"sampler_name": "euler"}},
        "19": {"class_type": "ManualSigmas", "inputs": {"sigmas": "1.0, 0.725, 0.4219, 0.0"}},
        "20": {"class_type": "RandomNoise", "inputs": {"noise_seed": 7}},
        "21": {"class_type": "SamplerCustomAdvanced", "inputs": {"noise": ["20", 0], "guider": ["17", 0], "sampler": ["18", 0], "sigmas": ["19", 0], "latent_image": ["16", 0]}},
        "22": {"class_type": "VAEDecode", "inputs": {"samples": ["21", 0], "vae": ["10", 2]}},
        "23": {"class_type": "CreateVideo", "inputs": {"images": ["22", 0], "fps": 24}},
        "24": {"class_type": "SaveVideo", "inputs": {"video": ["23", 0], "filename_prefix": "dance", "format": "auto", "codec": "auto"}},
    }


def test_a_held_tasks_other_model_is_said_not_held_on_the_load_video_model_it_names():
    """UrbanMan2411's motion transfer (01): two held tasks, each Load Video Model made from one loader, and each said
    of the other's file "not held (its Load Video Model holds ...)" while the canvas held both (the LTX file on the
    one made from #391:221, the Flux one on the one from #376:335). The sentence names the loader the Load Video
    Model it speaks of is made from, and that one holds what it says."""
    conv = convert(_flux_start_then_ltx(), "two.json")
    said = _said(conv)
    line = next(x for x in said.splitlines() if "'flux-2-klein-9b-kv-fp8.safetensors', a model a pass" in x)
    assert "not held on the Load Video Model made from 'CheckpointLoaderSimple' (CheckpointLoaderSimple, #10) " \
           "(it holds 'ltx-2.3-22b-distilled-fp8.safetensors')" in line
    (load,) = [n for n in _nodes(conv, "video_models.load") if conv.origin.get(n.id) == "10"]
    assert load.params["model"] == "ltx-2.3-22b-distilled-fp8.safetensors"


def test_an_ic_lora_take_decoded_into_linear_hdr_is_made_by_ltx2_hdr():
    """thinkdiffusion's LTX-2.3 HDR example (02): the IC-LoRA take decoded, then lifted to linear HDR by a step
    declaring an output 'hdr_linear' (ComfyUI-LTXVideo's HDR decode post-process), was made as LTX-2's control take
    with the step "not applied". Studio's LTX-2 HDR makes it from the clip; the step's EXR frames are written by
    Save Image Sequence, the video at the save's rate (Frame Rate, keep frames), with the clip's sound; the rate the
    model is told (the clip's, from GetVideoComponents) is said as LTX-2 HDR's own reading, not as 30."""
    wf = _ltx23_restyle()
    wf["8"]["inputs"]["frame_rate"] = ["7", 2]
    wf["20"] = {"class_type": "LTXVHDRDecodePostprocess", "inputs": {
        "image": ["17", 0], "exposure": 0.0, "save_exr": True, "output_dir": "output/hdr_exr", "filename_prefix": "frame",
        "half_precision": True}}
    wf["18"]["inputs"].update(images=["20", 1], fps=30)
    conv = convert(wf, "hdr.json")
    said = _said(conv)
    (hdr,) = _nodes(conv, "video_models.ltx2_hdr")
    (load,) = [n for n in _nodes(conv, "io.load_video") if n.params["path"] == "street.mp4"]
    assert _links_into(conv, hdr.id)["video"] == (load.id, "video")
    assert not _nodes(conv, "video_models.ltx2")
    (seq,) = _nodes(conv, "footage.save_sequence")
    assert seq.params["path"] == "out/hdr_exr/frame.####.exr" and seq.params["depth"] == "half"
    (rate,) = _nodes(conv, "edit.frame_rate")
    assert rate.params["fps"] == 30 and rate.params["keep"] == "frames"
    (save,) = _nodes(conv, "io.save_video")
    assert _links_into(conv, save.id) == {"video": (rate.id, "video"), "audio": (load.id, "audio")}
    assert "(LTXVHDRDecodePostprocess, #20) turns the decoded frames into linear HDR" in said
    assert "#20), a step between" not in said and "tells the model 30" not in said
    # a take decoded with no HDR step stays LTX-2's control take, a node after it whose type declares no outputs
    # (Easy-Use's loop end: heldout20's router crashed the walk) passed by
    plain = _ltx23_restyle()
    plain["21"] = {"class_type": "easy forLoopEnd", "inputs": {"flow": ["17", 0], "initial_value1": ["17", 0]}}
    assert _nodes(convert(plain, "plain.json"), "video_models.ltx2")
