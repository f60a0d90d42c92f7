"""Mechanisms a ninety-fifth held-out set (benchmarks/results/heldout95_2026-12-01.md) showed, each on a small
hand-written API workflow: a pack sampler's scheduler said in the file's own words (kijai's CogVideoXWrapper's one
'scheduler' setting was said "sampler 'dpmpp_2m', scheduler 'simple'", names the file has not), and a still made first
at another aspect than the Wan take cut about its middle as WanImageToVideo puts its start picture in (the 720x1280
Flux still was handed to Image to Video, which stretches it to 704x544): since stillfit20 by Image to Video's
image_fit 'crop', for a loaded picture too."""
from __future__ import annotations

from studio.convert.mapping.convert import convert


def _cog(scheduler: str) -> dict:
    """CogVideoX 5B text to video through the wrapper's first layout (its 'pipeline' links), 720x480, 49 frames."""
    return {
        "1": {"class_type": "DownloadAndLoadCogVideoModel", "inputs": {"model": "THUDM/CogVideoX-5b",
                                                                        "precision": "bf16"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "t5xxl_fp16.safetensors", "type": "sd3"}},
        "3": {"class_type": "CogVideoTextEncode", "inputs": {"prompt": "a paper boat drifting on a pond", "strength": 1,
                                                             "force_offload": True, "clip": ["2", 0]}},
        "4": {"class_type": "CogVideoTextEncode", "inputs": {"prompt": "", "strength": 1, "force_offload": True,
                                                             "clip": ["2", 0]}},
        "5": {"class_type": "CogVideoSampler", "inputs": {
            "height": 480, "width": 720, "num_frames": 49, "steps": 30, "cfg": 6, "seed": 3, "scheduler": scheduler,
            "denoise_strength": 1, "pipeline": ["1", 0], "positive": ["3", 0], "negative": ["4", 0]}},
        "6": {"class_type": "CogVideoDecode", "inputs": {"enable_vae_tiling": False, "pipeline": ["5", 0],
                                                         "samples": ["5", 1]}},
        "7": {"class_type": "VHS_VideoCombine", "inputs": {"frame_rate": 8, "loop_count": 0, "filename_prefix": "boat",
                                                           "format": "video/h264-mp4", "pingpong": False,
                                                           "save_output": True, "images": ["6", 0]}},
    }


def _notes(conv) -> str:
    return "\n".join(n["text"] for n in conv.graph.ui.get("notes", []))


def test_wrapper_scheduler_said_in_the_files_words():
    conv = convert(_cog("CogVideoXDPMScheduler"), "cog.json")
    notes = _notes(conv)
    assert "CogVideoSampler's scheduler 'CogVideoXDPMScheduler' (ComfyUI's sampler 'dpmpp_2m')" in notes
    assert "sampler 'dpmpp_2m', scheduler 'simple'" not in notes  # (names the file does not hold)
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video")
    assert gen.params["steps"] == 30 and gen.params["frames"] == 49


def test_wrapper_scheduler_of_comfyuis_own_name_unchanged():
    """A scheduler the table maps to no other name is said as it is (nothing reworded)."""
    notes = _notes(convert(_cog("SASolverScheduler"), "cog.json"))
    assert "CogVideoSampler's scheduler" not in notes


def _flux_then_wan(still_w: int, still_h: int) -> dict:
    """A FLUX.1 still (its empty latent still_w x still_h) decoded and given to Wan 2.2's WanImageToVideo at 704x544."""
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "flux1-dev-fp8.safetensors", "weight_dtype": "default"}},
        "2": {"class_type": "DualCLIPLoader", "inputs": {"clip_name1": "t5xxl_fp8_e4m3fn.safetensors",
                                                         "clip_name2": "clip_l.safetensors", "type": "flux"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "ae.safetensors"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "a lighthouse at dusk", "clip": ["2", 0]}},
        "5": {"class_type": "BasicGuider", "inputs": {"model": ["1", 0], "conditioning": ["4", 0]}},
        "6": {"class_type": "RandomNoise", "inputs": {"noise_seed": 11}},
        "7": {"class_type": "KSamplerSelect", "inputs": {"sampler_name": "euler"}},
        "8": {"class_type": "BasicScheduler", "inputs": {"scheduler": "simple", "steps": 20, "denoise": 1,
                                                         "model": ["1", 0]}},
        "9": {"class_type": "EmptyLatentImage", "inputs": {"width": still_w, "height": still_h, "batch_size": 1}},
        "10": {"class_type": "SamplerCustomAdvanced", "inputs": {"noise": ["6", 0], "guider": ["5", 0],
                                                                 "sampler": ["7", 0], "sigmas": ["8", 0],
                                                                 "latent_image": ["9", 0]}},
        "11": {"class_type": "VAEDecode", "inputs": {"samples": ["10", 0], "vae": ["3", 0]}},
        "20": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.2_ti2v_5B_fp16.safetensors",
                                                      "weight_dtype": "default"}},
        "21": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
                                                      "type": "wan"}},
        "22": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "23": {"class_type": "CLIPTextEncode", "inputs": {"text": "the lamp turns, waves roll in", "clip": ["21", 0]}},
        "24": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["21", 0]}},
        "25": {"class_type": "WanImageToVideo", "inputs": {"width": 704, "height": 544, "length": 33, "batch_size": 1,
                                                           "positive": ["23", 0], "negative": ["24", 0],
                                                           "vae": ["22", 0], "start_image": ["11", 0]}},
        "26": {"class_type": "KSampler", "inputs": {"seed": 5, "steps": 20, "cfg": 5, "sampler_name": "uni_pc",
                                                    "scheduler": "simple", "denoise": 1, "model": ["20", 0],
                                                    "positive": ["25", 0], "negative": ["25", 1],
                                                    "latent_image": ["25", 2]}},
        "27": {"class_type": "VAEDecode", "inputs": {"samples": ["26", 0], "vae": ["22", 0]}},
        "28": {"class_type": "CreateVideo", "inputs": {"images": ["27", 0], "fps": 16}},
        "29": {"class_type": "SaveVideo", "inputs": {"video": ["28", 0], "filename_prefix": "lighthouse",
                                                     "format": "auto", "codec": "auto"}},
    }


def _hold_source(conv):
    """(the id of the Studio node giving the Frame Hold (the Wan take's start picture) its picture, that node, the graph)."""
    g = conv.graph
    hold = next(nid for nid, n in g.nodes.items() if n.type_id == "edit.frame_hold")
    src = g.input_link(hold, "video").src
    return src, g.nodes[src], g


def _take(g):
    """The Image to Video node making the take."""
    return next(n for n in g.nodes.values() if n.type_id == "video_models.image_to_video")


def test_still_of_another_aspect_cut_about_its_middle_as_wanimagetovideo_does():
    """(stillfit20: by Image to Video's image_fit 'crop', no Scale of its own between the still and its Frame Hold)"""
    conv = convert(_flux_then_wan(720, 1280), "flux_wan.json")
    _nid, src, g = _hold_source(conv)
    assert src.type_id == "video_models.text_to_video"  # the Flux still, straight
    take = _take(g)
    assert (take.params["width"], take.params["height"], take.params["image_fit"]) == (704, 544, "crop")
    assert not any(n.type_id == "transform.scale" for n in g.nodes.values())


def test_still_of_the_takes_aspect_cut_the_same_way_a_cut_of_nothing():
    _nid, src, g = _hold_source(convert(_flux_then_wan(1408, 1088), "flux_wan.json"))  # 704:544 exactly
    assert src.type_id == "video_models.text_to_video" and _take(g).params["image_fit"] == "crop"


def test_a_loaded_start_picture_is_cut_so_too():
    wf = {k: v for k, v in _flux_then_wan(720, 1280).items() if int(k) >= 20}
    wf["11"] = {"class_type": "LoadImage", "inputs": {"image": "portrait.png"}}
    conv = convert(wf, "wan_i2v.json")
    assert _take(conv.graph).params["image_fit"] == "crop"


def test_wan22_latents_start_picture_is_cut_so_too():
    """Wan22ImageToVideoLatent puts its start picture in with the same cut (common_upscale 'bilinear', 'center' in
    its execute; this test said 'stretch' until heldout99 04 read the node's code)."""
    wf = {k: v for k, v in _flux_then_wan(720, 1280).items() if int(k) >= 20}
    wf["11"] = {"class_type": "LoadImage", "inputs": {"image": "portrait.png"}}
    wf["25"] = {"class_type": "Wan22ImageToVideoLatent", "inputs": {"width": 704, "height": 544, "length": 33,
                                                                     "batch_size": 1, "vae": ["22", 0],
                                                                     "start_image": ["11", 0]}}
    wf["26"]["inputs"].update(positive=["23", 0], negative=["24", 0], latent_image=["25", 0])
    take = _take(convert(wf, "wan_ti2v.json").graph)
    assert take.params.get("image_fit", "stretch") == "crop"


def test_still_cut_so_for_ltx_videos_image_to_video_too():
    """LTXVImgToVideo puts its picture in the same way (nodes_lt.py): a 1024x1024 FLUX.1 still into a 768x512 take."""
    wf = {k: v for k, v in _flux_then_wan(1024, 1024).items() if int(k) < 20}
    wf.update({
        "20": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "ltx-video-2b-v0.9.5.safetensors"}},
        "21": {"class_type": "CLIPLoader", "inputs": {"clip_name": "t5xxl_fp16.safetensors", "type": "ltxv"}},
        "23": {"class_type": "CLIPTextEncode", "inputs": {"text": "the lamp turns", "clip": ["21", 0]}},
        "24": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["21", 0]}},
        "25": {"class_type": "LTXVImgToVideo", "inputs": {"width": 768, "height": 512, "length": 97, "batch_size": 1,
                                                          "strength": 1.0, "positive": ["23", 0], "negative": ["24", 0],
                                                          "vae": ["20", 2], "image": ["11", 0]}},
        "26": {"class_type": "KSampler", "inputs": {"seed": 5, "steps": 30, "cfg": 3, "sampler_name": "euler",
                                                    "scheduler": "simple", "denoise": 1, "model": ["20", 0],
                                                    "positive": ["25", 0], "negative": ["25", 1],
                                                    "latent_image": ["25", 2]}},
        "27": {"class_type": "VAEDecode", "inputs": {"samples": ["26", 0], "vae": ["20", 2]}},
        "28": {"class_type": "CreateVideo", "inputs": {"images": ["27", 0], "fps": 24}},
        "29": {"class_type": "SaveVideo", "inputs": {"video": ["28", 0], "filename_prefix": "lamp", "format": "auto",
                                                     "codec": "auto"}}})
    _nid, src, g = _hold_source(convert(wf, "flux_ltx.json"))
    assert src.type_id == "video_models.text_to_video"
    take = _take(g)
    assert (take.params["width"], take.params["height"], take.params["image_fit"]) == (768, 512, "crop")


def test_kijais_encode_read_as_wanimagetovideo_keeps_the_stretch():
    """kijai's WanVideoImageToVideoEncode, translated to WanImageToVideo, stretches its pictures to its size
    (common_upscale 'lanczos', 'disabled'): by the node's type in the file, Image to Video keeps 'stretch'."""
    wf = {
        "2": {"class_type": "LoadImage", "inputs": {"image": "portrait.png"}},
        "10": {"class_type": "LoadWanVideoT5TextEncoder", "inputs": {
            "model_name": "umt5_xxl_fp8.safetensors", "precision": "bf16", "load_device": "offload_device",
            "quantization": "disabled"}},
        "11": {"class_type": "WanVideoModelLoader", "inputs": {
            "model": "Wan2_1-I2V-14B-480P_fp8.safetensors", "base_precision": "bf16", "quantization": "disabled",
            "load_device": "offload_device", "attention_mode": "sdpa"}},
        "13": {"class_type": "WanVideoVAELoader", "inputs": {"model_name": "wan_2.1_vae.safetensors",
                                                             "precision": "bf16"}},
        "20": {"class_type": "WanVideoTextEncode", "inputs": {"positive_prompt": "a person waves",
                                                              "negative_prompt": "blurry", "force_offload": True,
                                                              "t5": ["10", 0]}},
        "31": {"class_type": "WanVideoImageToVideoEncode", "inputs": {
            "width": 832, "height": 480, "num_frames": 81, "noise_aug_strength": 0.0, "start_latent_strength": 1.0,
            "end_latent_strength": 1.0, "force_offload": True, "vae": ["13", 0], "start_image": ["2", 0]}},
        "50": {"class_type": "WanVideoSampler", "inputs": {
            "steps": 20, "cfg": 5.0, "shift": 8.0, "seed": 42, "force_offload": True, "scheduler": "unipc",
            "riflex_freq_index": 0, "model": ["11", 0], "image_embeds": ["31", 0], "text_embeds": ["20", 0]}},
        "60": {"class_type": "WanVideoDecode", "inputs": {
            "enable_vae_tiling": False, "tile_x": 272, "tile_y": 272, "tile_stride_x": 144, "tile_stride_y": 128,
            "vae": ["13", 0], "samples": ["50", 0]}},
        "61": {"class_type": "VHS_VideoCombine", "inputs": {
            "frame_rate": 16, "loop_count": 0, "filename_prefix": "wave", "format": "video/h264-mp4",
            "pingpong": False, "save_output": True, "images": ["60", 0]}},
    }
    take = _take(convert(wf, "wrapper_i2v.json").graph)
    assert (take.params["width"], take.params["height"]) == (832, 480)
    assert take.params.get("image_fit", "stretch") == "stretch"
