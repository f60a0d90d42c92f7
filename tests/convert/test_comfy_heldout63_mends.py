"""Mends of the sixty-third held-out set (workflows from apps and packs), each test built from node types, values and
links (no fetched file)."""
from __future__ import annotations

import json

from studio.convert.mapping.file import convert_file

from .said import api, nodes_of, said, ui


def _convert(tmp_path, wf: dict, name: str = "wf.json"):
    p = tmp_path / name
    p.write_text(json.dumps(wf))
    return convert_file(str(p))


def _cogvideox_first_layout() -> dict:
    """The CogVideoX wrapper's first layout (2024): one 'pipeline' the sampler, the encode and the decode read; the
    sampler's values start with the size and the length, its seed's control word after the seed."""
    return ui([
        (20, "CLIPLoader", [], ["CLIP"], ["t5xxl.safetensors", "sd3"]),
        (30, "CogVideoTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["a stag grazing in a forest at sunset"]),
        (31, "CogVideoTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["low quality, watermark"]),
        (1, "DownloadAndLoadCogVideoModel", [], ["COGVIDEOPIPE"], ["THUDM/CogVideoX-5b-I2V", "bf16", "disabled",
                                                                   "disabled", False]),
        (36, "LoadImage", [], ["IMAGE", "MASK"], ["stag.png", "image"]),
        (58, "CogVideoImageEncode", [("pipeline", "COGVIDEOPIPE"), ("image", "IMAGE")], ["LATENT"], [16, True]),
        (57, "CogVideoSampler", [("pipeline", "COGVIDEOPIPE"), ("positive", "CONDITIONING"),
                                 ("negative", "CONDITIONING"), ("image_cond_latents", "LATENT")],
         ["COGVIDEOPIPE", "LATENT"], [480, 720, 49, 50, 6, 1234, "fixed", "DPM", 16, 8, 1]),
        (56, "CogVideoDecode", [("pipeline", "COGVIDEOPIPE"), ("samples", "LATENT")], ["IMAGE"],
         [False, 96, 96, 0.083, 0.083, True]),
        (44, "SaveAnimatedWEBP", [("images", "IMAGE")], [], ["CogVideoX", 8, False, 90, "default"]),
    ], [(20, 0, 30, "clip"), (20, 0, 31, "clip"), (1, 0, 57, "pipeline"), (30, 0, 57, "positive"),
        (31, 0, 57, "negative"), (1, 0, 58, "pipeline"), (36, 0, 58, "image"), (58, 0, 57, "image_cond_latents"),
        (57, 0, 56, "pipeline"), (57, 1, 56, "samples"), (56, 0, 44, "images")])


def test_cogvideox_first_layout_sampler_values_read_not_said_unread(tmp_path):
    """heldout63 13: a first-layout CogVideoSampler's values are read in that layout (the size, length, steps, cfg,
    seed); the loaders' pass named every node's values by the newer layout too and said "so none is read" of them."""
    conv = _convert(tmp_path, _cogvideox_first_layout())
    gen = nodes_of(conv, "video_models.image_to_video")
    assert len(gen) == 1
    p = gen[0].params
    assert (p["frames"], p["steps"], p["guidance"]) == (49, 50, 6)
    assert p["seed"] == 1234
    assert "so none is read" not in said(conv)


def _t2v_with_spoken_line() -> dict:
    """A Wan text-to-video take saved with the sound a text-to-speech node speaks (its line in the voice of a Load
    Audio's file, TTS-Audio-Suite's UnifiedTTSTextNode on a ChatterBox engine)."""
    return api({
        "1": ("UNETLoader", {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan", "device": "default"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "a woman speaks to the camera", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "6": ("EmptyHunyuanLatentVideo", {"width": 832, "height": 480, "length": 33, "batch_size": 1}),
        "7": ("KSampler", {"seed": 1, "steps": 20, "cfg": 5, "sampler_name": "euler", "scheduler": "simple",
                           "denoise": 1, "model": ["1", 0], "positive": ["4", 0], "negative": ["5", 0],
                           "latent_image": ["6", 0]}),
        "8": ("VAEDecode", {"samples": ["7", 0], "vae": ["3", 0]}),
        "9": ("LoadAudio", {"audio": "voice.wav"}),
        "10": ("ChatterBoxEngineNode", {"language": "English", "device": "auto", "exaggeration": 0.5,
                                        "temperature": 0.8, "cfg_weight": 0.5,
                                        "crash_protection_template": "hmm ,, {seg} hmm ,,"}),
        "11": ("UnifiedTTSTextNode", {"text": "Hello there, this is my voice speaking a line", "narrator_voice": "none",
                                      "seed": 1, "TTS_engine": ["10", 0], "opt_narrator": ["9", 0]}),
        "12": ("VHS_VideoCombine", {"frame_rate": 16, "loop_count": 0, "filename_prefix": "out",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": True,
                                    "images": ["8", 0], "audio": ["11", 0]}),
    })


def test_text_to_speech_node_named_by_what_it_makes_not_as_a_loader(tmp_path):
    """heldout63 03: the voice file a text-to-speech node speaks its line in was said to reach the save "through
    ComfyUI's 'UnifiedTTSTextNode' (..., #71: media loader)": the node loads nothing; told by its declared types (a
    sound out, no picture or sound socket of its own type) and the sentence it holds, it makes a sound of its text."""
    text = said(_convert(tmp_path, _t2v_with_spoken_line()))
    line = next(x for x in text.splitlines() if "'voice.wav'" in x and "reaches this output" in x)
    assert "#11: media loader" not in line
    assert "(UnifiedTTSTextNode, #11: makes a sound from its own text)" in line


def _infinitetalk_two_isolated_voices() -> dict:
    """kijai's wrapper: InfiniteTalk (multi) from one picture and two voices, each voice isolated by a Mel-Band
    RoFormer before MultiTalkWav2VecEmbeds ('para'), whose own sound output the Video Combine writes."""
    return api({
        "120": ("MultiTalkModelLoader", {"model": "Wan2_1-InfiniteTalk_Multi_Q8.gguf"}),
        "122": ("WanVideoModelLoader", {"model": "wan2.1-i2v-14b-480p-Q8_0.gguf", "base_precision": "bf16",
                                        "quantization": "disabled", "load_device": "offload_device",
                                        "attention_mode": "sdpa", "multitalk_model": ["120", 0]}),
        "129": ("WanVideoVAELoader", {"model_name": "Wan2_1_VAE_bf16.safetensors", "precision": "bf16"}),
        "137": ("DownloadAndLoadWav2VecModel", {"model": "TencentGameMate/chinese-wav2vec2-base",
                                                "base_precision": "fp16", "load_device": "main_device"}),
        "125": ("LoadAudio", {"audio": "man.wav"}),
        "307": ("LoadAudio", {"audio": "woman.wav"}),
        "301": ("MelBandRoFormerModelLoader", {"model_name": "MelBandRoformer_fp16.safetensors"}),
        "302": ("MelBandRoFormerSampler", {"model": ["301", 0], "audio": ["125", 0]}),
        "306": ("MelBandRoFormerSampler", {"model": ["301", 0], "audio": ["307", 0]}),
        "194": ("MultiTalkWav2VecEmbeds", {"normalize_loudness": True, "num_frames": 1000, "fps": 25,
                                           "audio_scale": 1, "audio_cfg_scale": 1, "multi_audio_type": "para",
                                           "wav2vec_model": ["137", 0], "audio_1": ["302", 0], "audio_2": ["306", 0]}),
        "284": ("LoadImage", {"image": "two_people.png"}),
        "238": ("CLIPVisionLoader", {"clip_name": "clip_vision_h.safetensors"}),
        "237": ("WanVideoClipVisionEncode", {"strength_1": 1, "strength_2": 1, "crop": "center",
                                             "combine_embeds": "average", "force_offload": True, "tiles": 0,
                                             "ratio": 0.5, "clip_vision": ["238", 0], "image_1": ["284", 0]}),
        "192": ("WanVideoImageToVideoMultiTalk", {"width": 640, "height": 640, "frame_window_size": 81,
                                                  "motion_frame": 9, "force_offload": False,
                                                  "colormatch": "disabled", "tiled_vae": False,
                                                  "mode": "infinitetalk", "vae": ["129", 0],
                                                  "start_image": ["284", 0], "clip_embeds": ["237", 0]}),
        "241": ("WanVideoTextEncodeCached", {"model_name": "umt5-xxl-enc-bf16.safetensors", "precision": "bf16",
                                             "positive_prompt": "two people are talking",
                                             "negative_prompt": "blurry", "quantization": "disabled",
                                             "use_disk_cache": False, "device": "gpu"}),
        "128": ("WanVideoSampler", {"steps": 6, "cfg": 1, "shift": 11, "seed": 2, "force_offload": True,
                                    "scheduler": "dpm++_sde", "riflex_freq_index": 0, "model": ["122", 0],
                                    "image_embeds": ["192", 0], "text_embeds": ["241", 0],
                                    "multitalk_embeds": ["194", 0]}),
        "130": ("WanVideoDecode", {"enable_vae_tiling": False, "tile_x": 272, "tile_y": 272, "tile_stride_x": 144,
                                   "tile_stride_y": 128, "vae": ["129", 0], "samples": ["128", 0]}),
        "131": ("VHS_VideoCombine", {"frame_rate": 25, "loop_count": 0, "filename_prefix": "talk",
                                     "format": "video/h264-mp4", "pingpong": False, "save_output": True,
                                     "images": ["130", 0], "audio": ["194", 1]}),
    })


def test_save_writes_the_isolated_voices_the_embeds_node_gives_back(tmp_path):
    """heldout63 12: the Video Combine's sound is MultiTalkWav2VecEmbeds' own sound output, the mix of the voices it is
    given (each isolated by its Mel-Band RoFormer); Studio's Save Video wrote an Audio Mix of the two whole files
    loaded, with no sentence. Now the mix of what the generator hears (Isolate Voice's voices), said."""
    conv = _convert(tmp_path, _infinitetalk_two_isolated_voices())
    g = conv.graph
    save = nodes_of(conv, "io.save_video")[0]
    mix = g.input_link(save.id, "audio")
    assert g.nodes[mix.src].type_id == "edit.audio_mix"
    fed = {g.nodes[g.input_link(mix.src, k).src].type_id for k in ("a", "b")}
    assert fed == {"edit.isolate_voice"}
    assert "gives back of the voices it is given" in said(conv)


def _framepack_with_lora_patch(patch: str) -> dict:
    """kijai's FramePack wrapper (image to video) whose model goes through a LoRA node of a fork the catalogue does
    not hold (``patch``): its file declares one FramePackMODEL in and out, its values saved by place (a weights file,
    its strength, a switch)."""
    return ui([
        (52, "LoadFramePackModel", [], ["FramePackMODEL"], ["FramePackI2V_HY_fp8_e4m3fn.safetensors", "bf16",
                                                           "fp8_e4m3fn", "offload_device", "sdpa"]),
        (56, patch, [("model", "FramePackMODEL")], ["FramePackMODEL"], ["orbit_cam.safetensors", 0.8, False]),
        (13, "DualCLIPLoader", [], ["CLIP"], ["clip_l.safetensors", "llava_llama3_fp16.safetensors", "hunyuan_video",
                                              "default"]),
        (12, "VAELoader", [], ["VAE"], ["hunyuan_video_vae_bf16.safetensors"]),
        (19, "LoadImage", [], ["IMAGE", "MASK"], ["room.png", "image"]),
        (47, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["the camera orbits the room"]),
        (15, "ConditioningZeroOut", [("conditioning", "CONDITIONING")], ["CONDITIONING"], []),
        (20, "VAEEncode", [("pixels", "IMAGE"), ("vae", "VAE")], ["LATENT"], []),
        (39, "FramePackSampler", [("model", "FramePackMODEL"), ("positive", "CONDITIONING"),
                                  ("negative", "CONDITIONING"), ("start_latent", "LATENT")], ["LATENT"],
         [30, False, 0.15, 1, 10, 0, 31343, "fixed", 9, 5, 6, "unipc_bh1", "disabled", 1, 1]),
        (33, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
        (23, "SaveAnimatedWEBP", [("images", "IMAGE")], [], ["FramePack", 30, False, 90, "default"]),
    ], [(52, 0, 56, "model"), (56, 0, 39, "model"), (13, 0, 47, "clip"), (47, 0, 15, "conditioning"),
        (47, 0, 39, "positive"), (15, 0, 39, "negative"), (19, 0, 20, "pixels"), (12, 0, 20, "vae"),
        (20, 0, 39, "start_latent"), (39, 0, 33, "samples"), (12, 0, 33, "vae"), (33, 0, 23, "images")])


def test_uncatalogued_lora_node_on_a_pack_model_is_applied(tmp_path):
    """heldout63 10: a fork's LoRA loader on FramePack's own model type (one FramePackMODEL in and out, a weights file
    and its strength saved by place, the catalogue not holding it) was said "a model patch ... not applied"; told by
    its declared shape as ComfyUI's MODEL LoRA loaders are, it is now a Video LoRA of that file and strength. The name
    is invented: nothing keys on it."""
    conv = _convert(tmp_path, _framepack_with_lora_patch("AcmeFramePackLoraPatch"))
    loras = nodes_of(conv, "video_models.lora")
    assert [(n.params["lora"], n.params["strength"]) for n in loras] == [("orbit_cam.safetensors", 0.8)]
    gen = nodes_of(conv, "video_models.framepack")[0]
    assert conv.graph.input_link(gen.id, "model").src == loras[0].id
    assert "not applied" not in " ".join(x for x in said(conv).splitlines() if "AcmeFramePackLoraPatch" in x)


def _ltx2_first_last_ttp(first_strength: float = 1.0) -> dict:
    """LTX-2 with TTPlanetPig's LTXVFirstLastFrameControl_TTP on the empty latent: a first and a last picture."""
    return api({
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "ltx-2-19b-dev.safetensors"}),
        "2": ("LTXAVTextEncoderLoader", {"text_encoder": "gemma_3_12B_it.safetensors",
                                         "ckpt_name": "ltx-2-19b-dev.safetensors", "device": "default"}),
        "3": ("CLIPTextEncode", {"text": "a woman walks from the table to the door", "clip": ["2", 0]}),
        "4": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "5": ("LTXVConditioning", {"frame_rate": 24, "positive": ["3", 0], "negative": ["4", 0]}),
        "6": ("EmptyLTXVLatentVideo", {"width": 768, "height": 512, "length": 97, "batch_size": 1}),
        "7": ("LoadImage", {"image": "first.png"}),
        "8": ("LoadImage", {"image": "last.png"}),
        "9": ("LTXVFirstLastFrameControl_TTP", {"vae": ["1", 2], "latent": ["6", 0], "first_image": ["7", 0],
                                                "last_image": ["8", 0], "first_strength": first_strength,
                                                "last_strength": 0.8}),
        "10": ("KSampler", {"seed": 5, "steps": 20, "cfg": 4, "sampler_name": "euler", "scheduler": "simple",
                            "denoise": 1, "model": ["1", 0], "positive": ["5", 0], "negative": ["5", 1],
                            "latent_image": ["9", 0]}),
        "11": ("VAEDecode", {"samples": ["10", 0], "vae": ["1", 2]}),
        "12": ("CreateVideo", {"fps": 24, "images": ["11", 0]}),
        "13": ("SaveVideo", {"filename_prefix": "video/ltx", "format": "auto", "codec": "auto", "video": ["12", 0]}),
    })


def test_ltx2_first_and_last_frame_control_ttp_is_two_keyframes(tmp_path):
    """heldout63 02: LTXVFirstLastFrameControl_TTP (its first image into the latent's first frames, its last into
    its last ones, each noise-masked by its strength) held the task with no generator; now LTX-2's keyframes at frame
    0 and at the last frame, the two strengths said where they differ."""
    conv = _convert(tmp_path, _ltx2_first_last_ttp())
    gen = nodes_of(conv, "video_models.ltx2")
    assert len(gen) == 1
    g, p = conv.graph, gen[0].params
    assert (p["keyframes"], p["keyframe_strength"], p["frames"]) == ("0, last", 0.8, 97)
    paths = [g.nodes[g.input_link(gen[0].id, f"keyframe_{i}").src].params["path"] for i in (1, 2)]
    assert paths == ["first.png", "last.png"]
    assert "LTX-2 holds every keyframe at one strength" in said(conv)


def test_ltx2_first_last_ttp_image_of_strength_zero_not_placed(tmp_path):
    """The node places no image of strength 0 (its code skips it): the first picture is not a keyframe, said."""
    conv = _convert(tmp_path, _ltx2_first_last_ttp(first_strength=0.0))
    p = nodes_of(conv, "video_models.ltx2")[0].params
    assert p["keyframes"] == "last"
    text = said(conv)
    assert "the image 'first.png' on 'first_image' of 'LTXVFirstLastFrameControl_TTP' (LTXVFirstLastFrameControl_TTP, " \
           "#9) is not placed: its first_strength is 0" in text
    assert "'first.png' (LoadImage, #7) reaches this output" not in text


def test_save_of_one_isolated_voice_writes_it_not_the_whole_file(tmp_path):
    """One voice: the save's sound is the Mel-Band RoFormer's voice the take is made to (the embeds node's sound output
    gives back its one voice); Studio's Save Video wrote the whole file loaded, no sentence. Now the Isolate Voice's."""
    wf = _infinitetalk_two_isolated_voices()
    del wf["194"]["inputs"]["audio_2"], wf["306"], wf["307"]
    conv = _convert(tmp_path, wf)
    g = conv.graph
    save = nodes_of(conv, "io.save_video")[0]
    link = g.input_link(save.id, "audio")
    assert (g.nodes[link.src].type_id, link.src_port) == ("edit.isolate_voice", "voice")


def test_a_prompted_node_given_a_picture_is_named_as_making_from_both():
    """kind_words: a prompted node taking a picture (an invented picture editor, its instruction saved by place)
    makes pictures from its text *and* what it is given; a text-to-speech node with no picture or sound socket of
    its own declared type, from its text."""
    from studio.convert.reading.workflow import Workflow
    from studio.convert.tracing.roles import kind_words
    doc = ui([(6, "LoadImage", [], ["IMAGE", "MASK"], ["portrait.png", "image"]),
              (7, "AcmePromptedPictureEdit", [("image", "IMAGE")], ["IMAGE"], ["make her hair red and the sky orange"]),
              (8, "PreviewImage", [("images", "IMAGE")], [], [])],
             [(6, 0, 7, "image"), (7, 0, 8, "images")])
    wf = Workflow.read(doc)
    assert kind_words(wf, wf.nodes["7"]) == "makes pictures from its own text and what it is given"
    wf = Workflow.read(_t2v_with_spoken_line())
    assert kind_words(wf, wf.nodes["11"]) == "makes a sound from its own text"


def test_tooling_nodes_base64_loaders_are_load_images(tmp_path):
    """heldout63 07: a serverless template's first and last pictures come from Acly's ETN_LoadImageBase64 (its one
    text widget 'image' filled by the client: 'start' / 'end' in the file); the pack was not catalogued, the task
    held. Now read by its declared types and display name ('Load Image (Base64)') as Load Images with no file, said."""
    wf = api({
        "37": ("UNETLoader", {"unet_name": "wan2.2_i2v_high_noise_14B_fp8_scaled.safetensors", "weight_dtype": "default"}),
        "56": ("UNETLoader", {"unet_name": "wan2.2_i2v_low_noise_14B_fp8_scaled.safetensors", "weight_dtype": "default"}),
        "38": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan", "device": "default"}),
        "39": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "6": ("CLIPTextEncode", {"text": "a walk through the room", "clip": ["38", 0]}),
        "7": ("CLIPTextEncode", {"text": "blurry", "clip": ["38", 0]}),
        "98": ("ETN_LoadImageBase64", {"image": "start"}),
        "99": ("ETN_LoadImageBase64", {"image": "end"}),
        "67": ("WanFirstLastFrameToVideo", {"width": 720, "height": 1280, "length": 81, "batch_size": 1,
                                            "positive": ["6", 0], "negative": ["7", 0], "vae": ["39", 0],
                                            "start_image": ["98", 0], "end_image": ["99", 0]}),
        "57": ("KSamplerAdvanced", {"add_noise": "enable", "noise_seed": 1, "steps": 4, "cfg": 1, "sampler_name": "euler",
                                    "scheduler": "simple", "start_at_step": 0, "end_at_step": 2,
                                    "return_with_leftover_noise": "enable", "model": ["37", 0], "positive": ["67", 0],
                                    "negative": ["67", 1], "latent_image": ["67", 2]}),
        "58": ("KSamplerAdvanced", {"add_noise": "disable", "noise_seed": 0, "steps": 4, "cfg": 1, "sampler_name": "euler",
                                    "scheduler": "simple", "start_at_step": 2, "end_at_step": 10000,
                                    "return_with_leftover_noise": "disable", "model": ["56", 0], "positive": ["67", 0],
                                    "negative": ["67", 1], "latent_image": ["57", 0]}),
        "8": ("VAEDecode", {"samples": ["58", 0], "vae": ["39", 0]}),
        "9": ("CreateVideo", {"fps": 16, "images": ["8", 0]}),
        "10": ("SaveVideo", {"filename_prefix": "video/wan", "format": "auto", "codec": "auto", "video": ["9", 0]}),
    })
    conv = _convert(tmp_path, wf)
    gen = nodes_of(conv, "video_models.image_to_video")
    assert len(gen) == 1
    g = conv.graph
    for port in ("image", "last_image"):
        src = g.nodes[g.input_link(gen[0].id, port).src]
        assert (src.type_id, src.params["path"]) == ("io.load_image", "")
    assert ("'ETN_LoadImageBase64' (ETN_LoadImageBase64, #98) gives the picture its 'image' setting holds as base64 "
            "text, which holds no picture Studio can decode") in said(conv)
