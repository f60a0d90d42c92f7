"""The parts of small hand-written workflows that several converter tests build alike (facts: node types, values and
links, never a fetched file), written once here and used by each.

Core Wan 2.1 image to video (API): `wan21_i2v_base(more)` (its loaders, the start picture, the negative prompt) and
`wan21_i2v_segment(k, image, ...)` (one segment: its prompt, WanImageToVideo, KSampler, VAEDecode), the chains that
extend and SVI tests join.
Core Wan 2.2 S2V (API, for said.api): `wan22_s2v(audio, more)` (a song's voice encoded, a singer's picture, sampled).
Core Wan VACE (API, for said.api): `wan_vace(control, ...)` (a loaded clip, WanVaceToVideo on `control`, sampled,
trimmed, decoded and saved) and `sam3_mask(image, threshold)` (SAM 3's mask of a phrase, grown).
Kijai's wrapper (UI rows for said.ui): T5, TEXT, VAE, DECODE, `sampler(values)` (FUN_SAMPLING, VACE_SAMPLING),
`combine(nid, prefix)`, `load_video(nid, name)`; Fun Control's FUN_CONTROL_MODEL, `depth(model_id, depth_id)`, ENCODE,
CONTROL_EMBEDS; VACE 1.3B's VACE_MODULE, VACE_MODEL, VACE_ENCODE.
"""
from __future__ import annotations

# -- core Wan 2.1 image to video (API) ------------------------------------------------------------------------------

_WAN21_I2V = {"1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_i2v_480p_14B_fp16.safetensors",
                                                           "weight_dtype": "default"}},
              "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
                                                           "type": "wan", "device": "default"}},
              "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
              "5": {"class_type": "LoadImage", "inputs": {"image": "start.png"}},
              "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}}}


def wan21_i2v_base(more: dict | None = None) -> dict:
    """Wan 2.1 I2V 14B's UNETLoader (#1), CLIPLoader (#2) and VAELoader (#3), LoadImage 'start.png' (#5) and the
    negative prompt 'blurry' (#7), with ``more`` nodes, in the order of their ids; a new dict (nodes copied)."""
    nodes = {k: {"class_type": v["class_type"], "inputs": dict(v["inputs"])} for k, v in _WAN21_I2V.items()}
    nodes.update(more or {})
    return dict(sorted(nodes.items(), key=lambda kv: int(kv[0])))


def wan21_i2v_segment(k: int, image: list, steps: int = 20, cfg: float = 5.0, sampler: str = "uni_pc") -> dict:
    """Segment ``k`` of a chain on wan21_i2v_base, its ids from 100 k: its prompt 'segment k' (#100k), WanImageToVideo
    832x480, 33 frames from ``image`` (#100k+2), KSampler seed k (``steps``, ``cfg``, ``sampler``; #100k+3),
    VAEDecode (#100k+4)."""
    b = 100 * k
    return {
        f"{b}": {"class_type": "CLIPTextEncode", "inputs": {"text": f"segment {k}", "clip": ["2", 0]}},
        f"{b + 2}": {"class_type": "WanImageToVideo", "inputs": {
            "width": 832, "height": 480, "length": 33, "batch_size": 1, "positive": [f"{b}", 0],
            "negative": ["7", 0], "vae": ["3", 0], "start_image": image}},
        f"{b + 3}": {"class_type": "KSampler", "inputs": {
            "seed": k, "steps": steps, "cfg": cfg, "sampler_name": sampler, "scheduler": "simple", "denoise": 1.0,
            "model": ["1", 0], "positive": [f"{b + 2}", 0], "negative": [f"{b + 2}", 1],
            "latent_image": [f"{b + 2}", 2]}},
        f"{b + 4}": {"class_type": "VAEDecode", "inputs": {"samples": [f"{b + 3}", 0], "vae": ["3", 0]}}}


# -- core Wan 2.2 sound to video (API: {id: (class_type, inputs)} for said.api) ----------------------------------------

def wan22_s2v(audio: list, more: dict | None = None) -> dict:
    """Wan 2.2 S2V 14B: its loaders (#1, #2, #5), prompts 'a man sings' (#3) and 'blurry' (#4), wav2vec2's audio encoder
    (#6), LoadAudio 'song.mp3' (#7), ``more`` nodes, then AudioEncoderEncode of ``audio`` (#8), LoadImage 'singer.png'
    (#9), WanSoundImageToVideo 640x640, 77 frames (#10) and its KSampler (#11); the decode and save are the caller's."""
    return {
        "1": ("UNETLoader", {"unet_name": "wan2.2_s2v_14B_fp8_scaled.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}),
        "3": ("CLIPTextEncode", {"text": "a man sings", "clip": ["2", 0]}),
        "4": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "5": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "6": ("AudioEncoderLoader", {"audio_encoder_name": "wav2vec2_large_english_fp16.safetensors"}),
        "7": ("LoadAudio", {"audio": "song.mp3"}),
        **(more or {}),
        "8": ("AudioEncoderEncode", {"audio_encoder": ["6", 0], "audio": audio}),
        "9": ("LoadImage", {"image": "singer.png"}),
        "10": ("WanSoundImageToVideo", {"width": 640, "height": 640, "length": 77, "batch_size": 1,
                                        "positive": ["3", 0], "negative": ["4", 0], "vae": ["5", 0],
                                        "audio_encoder_output": ["8", 0], "ref_image": ["9", 0]}),
        "11": ("KSampler", {"seed": 5, "steps": 4, "cfg": 1.0, "sampler_name": "uni_pc", "scheduler": "simple",
                            "denoise": 1.0, "model": ["1", 0], "positive": ["10", 0], "negative": ["10", 1],
                            "latent_image": ["10", 2]})}


# -- core Wan VACE (API: {id: (class_type, inputs)} for said.api) ----------------------------------------------------

def wan_vace(control: list, size: tuple = (832, 480, 81), fps: object = 16, masks: list | None = None,
             more: dict | None = None) -> dict:
    """Wan VACE 1.3B: its loaders (#1-#3), prompts 'a blue car' (#4) and '' (#5), LoadVideo 'street.mp4' (#6) and
    GetVideoComponents (#7); WanVaceToVideo (#12) on ``control`` (its control_masks ``masks`` where given), ``size``
    its width, height and length (values or links); KSampler (#13), TrimVideoLatent (#14), VAEDecode (#15),
    CreateVideo at ``fps`` (#16), SaveVideo (#17). ``more`` nodes come after #7 and before #12."""
    width, height, length = size
    return {
        "1": ("UNETLoader", {"unet_name": "wan2.1_vace_1.3B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5.safetensors", "type": "wan", "device": "default"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"clip": ["2", 0], "text": "a blue car"}),
        "5": ("CLIPTextEncode", {"clip": ["2", 0], "text": ""}),
        "6": ("LoadVideo", {"file": "street.mp4"}),
        "7": ("GetVideoComponents", {"video": ["6", 0]}),
        **(more or {}),
        "12": ("WanVaceToVideo", {"positive": ["4", 0], "negative": ["5", 0], "vae": ["3", 0], "control_video": control,
                                  **({"control_masks": masks} if masks is not None else {}),
                                  "width": width, "height": height, "length": length, "batch_size": 1,
                                  "strength": 1.0}),
        "13": ("KSampler", {"model": ["1", 0], "positive": ["12", 0], "negative": ["12", 1], "latent_image": ["12", 2],
                            "seed": 1, "steps": 20, "cfg": 5.0, "sampler_name": "uni_pc", "scheduler": "simple",
                            "denoise": 1.0}),
        "14": ("TrimVideoLatent", {"samples": ["13", 0], "trim_amount": ["12", 3]}),
        "15": ("VAEDecode", {"samples": ["14", 0], "vae": ["3", 0]}),
        "16": ("CreateVideo", {"images": ["15", 0], "fps": fps}),
        "17": ("SaveVideo", {"video": ["16", 0], "filename_prefix": "video/x", "format": "auto", "codec": "auto"})}


def sam3_mask(image: list, threshold: float) -> dict:
    """SAM 3's mask of the phrase 'the red car' in ``image``: its checkpoint (#8), the phrase encoded (#9), SAM3_Detect
    at ``threshold``, 2 refine passes (#10), grown by 10 (GrowMask, #11: the mask is ['11', 0])."""
    return {
        "8": ("CheckpointLoaderSimple", {"ckpt_name": "sam3.1_multiplex_fp16.safetensors"}),
        "9": ("CLIPTextEncode", {"clip": ["8", 1], "text": "the red car"}),
        "10": ("SAM3_Detect", {"model": ["8", 0], "image": image, "conditioning": ["9", 0], "threshold": threshold,
                               "refine_iterations": 2, "individual_masks": False}),
        "11": ("GrowMask", {"mask": ["10", 0], "expand": 10, "tapered_corners": True})}


# -- Kijai's wrapper (UI rows for said.ui: (id, type, [(input, type)], [output types], widgets_values)) -------------

T5 = (1, "LoadWanVideoT5TextEncoder", [], ["WANTEXTENCODER"], ["umt5-xxl-enc-bf16.safetensors", "bf16",
                                                                 "offload_device", "disabled"])
TEXT = (2, "WanVideoTextEncode", [("t5", "WANTEXTENCODER")], ["WANVIDEOTEXTEMBEDS"], ["a fox in a forest", "blurry",
                                                                                     True])
VAE = (4, "WanVideoVAELoader", [], ["WANVAE"], ["Wan2_1_VAE_bf16.safetensors", "bf16"])
SAMPLER_INS = [("model", "WANVIDEOMODEL"), ("image_embeds", "WANVIDIMAGE_EMBEDS"), ("text_embeds", "WANVIDEOTEXTEMBEDS")]
DECODE = (8, "WanVideoDecode", [("vae", "WANVAE"), ("samples", "LATENT")], ["IMAGE"], [False, 272, 272, 144, 128])
FUN_CONTROL_MODEL = (3, "WanVideoModelLoader", [], ["WANVIDEOMODEL"], ["wan2.1_fun_control_1.3B_bf16.safetensors",
                                                                        "bf16", "disabled", "offload_device", "sdpa"])
VACE_MODULE = (16, "WanVideoVACEModelSelect", [], ["VACEPATH"], ["Wan2_1-VACE_module_1_3B_bf16.safetensors"])
VACE_MODEL = (3, "WanVideoModelLoader", [("vace_model", "VACEPATH")], ["WANVIDEOMODEL"],
              ["wan2.1_t2v_1.3B_fp16.safetensors", "fp16", "disabled", "offload_device", "sdpa"])
VACE_ENCODE = (6, "WanVideoVACEEncode", [("vae", "WANVAE"), ("input_frames", "IMAGE"), ("ref_images", "IMAGE"),
                                         ("input_masks", "MASK")], ["WANVIDIMAGE_EMBEDS"], [512, 512, 33, 1.0, 0, 1, False])
ENCODE = (13, "WanVideoEncode", [("vae", "WANVAE"), ("image", "IMAGE")], ["LATENT"], [False, 272, 272, 144, 128, 0, 1])
CONTROL_EMBEDS = (14, "WanVideoControlEmbeds", [("latents", "LATENT")], ["WANVIDIMAGE_EMBEDS"], [0, 1])


def combine(nid: int, prefix: str) -> tuple:
    """VHS_VideoCombine #``nid`` writing its 'images' at 16 fps under ``prefix``."""
    return (nid, "VHS_VideoCombine", [("images", "IMAGE")], [],
            {"frame_rate": 16, "loop_count": 0, "filename_prefix": prefix, "format": "video/h264-mp4",
             "pix_fmt": "yuv420p", "crf": 19, "save_metadata": True, "pingpong": False, "save_output": False})


def load_video(nid: int, name: str) -> tuple:
    """VHS_LoadVideo #``nid`` of ``name``, every frame at its own rate."""
    return (nid, "VHS_LoadVideo", [], ["IMAGE", "INT", "AUDIO", "VHS_VIDEOINFO"],
            {"video": name, "force_rate": 0, "custom_width": 0, "custom_height": 0, "frame_load_cap": 0,
             "skip_first_frames": 0, "select_every_nth": 1, "format": "AnimateDiff"})


def depth(model_id: int, depth_id: int) -> list[tuple]:
    """Depth Anything V2 (vitl): its loader #``model_id`` and DepthAnything_V2 #``depth_id`` (inputs 'da_model',
    'images')."""
    return [(model_id, "DownloadAndLoadDepthAnythingV2Model", [], ["DAMODEL"],
             ["depth_anything_v2_vitl_fp16.safetensors"]),
            (depth_id, "DepthAnything_V2", [("da_model", "DAMODEL"), ("images", "IMAGE")], ["IMAGE"], [])]


FUN_SAMPLING = (25, 6, 5, 42, "fixed", True, "unipc", 0, 1, False, "comfy", 0, -1, False)  # steps, cfg, shift, seed...
VACE_SAMPLING = (20, 4, 8, 0, "fixed", True, "unipc", 0, 1, False, "comfy", 0, -1, False)


def sampler(values) -> tuple:
    """WanVideoSampler #7 (model, image_embeds, text_embeds) with ``values`` by place (a list of its own)."""
    return (7, "WanVideoSampler", SAMPLER_INS, ["LATENT"], list(values))
