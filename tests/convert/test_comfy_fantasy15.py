"""fantasy15 (issue 112): the wrapper's FantasyTalking read as Studio's FantasyTalking. A WanVideoSampler given the voice
on its input of the declared type FANTASYTALKING_EMBEDS (FantasyTalkingWav2VecEmbeds of a Load Audio), a
WanVideoImageToVideoEncode of one picture as its image_embeds and its model given the FantasyTalking file by a
FantasyTalkingModelLoader: one FantasyTalking take, the voice as Speech Features of wav2vec2's last hidden state at 50 a
second, the file its 'weights', the embeds' audio scale, guidance and rate its settings. Wired otherwise, held and said.
Minimal workflows built here from node types, values and links."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

from .said import nodes_of, said
from .test_comfy_wrappers import UI

PROMPT = "a woman is talking"


def _typed(doc: dict) -> dict:
    """The UI file with each input's type as the wrapper declares it (the catalogue's), as ComfyUI's frontend saves it."""
    from studio.convert import catalogue
    for n in doc["nodes"]:
        t = catalogue.node_type(n["type"])
        for i in n["inputs"]:
            d = t.input(i["name"]) if t is not None and t.inputs else None
            if d is not None and isinstance(d.type, str) and d.type not in ("", "COMBO"):
                i["type"] = d.type
    return doc


def _fantasy(w: UI, cfg=(81, 23, 1.5, 4.0), file=True, encode="WanVideoImageToVideoEncode"):
    ft = w.add("FantasyTalkingModelLoader", ["WanVideo\\fantasytalking_fp16.safetensors", "fp16"])
    model = w.add("WanVideoModelLoader", ["WanVideo\\Wan2_1-I2V-14B-720P_fp8_e4m3fn.safetensors", "fp16", "fp8_e4m3fn",
                                          "offload_device", "sdpa"], **({"fantasytalking_model": (ft, 0)} if file else {}))
    t5 = w.add("LoadWanVideoT5TextEncoder", ["umt5-xxl-enc-bf16.safetensors", "bf16", "offload_device", "disabled"])
    text = w.add("WanVideoTextEncode", [PROMPT, "", True], t5=(t5, 0))
    vae = w.add("WanVideoVAELoader", ["Wan2_1_VAE_bf16.safetensors", "bf16"])
    wav = w.add("DownloadAndLoadWav2VecModel", ["facebook/wav2vec2-base-960h", "fp16", "main_device"])
    voice = w.add("LoadAudio", ["woman.wav", None, None])
    emb = w.add("FantasyTalkingWav2VecEmbeds", list(cfg), wav2vec_model=(wav, 0), fantasytalking_model=(ft, 0),
                audio=(voice, 0))
    image = w.add("LoadImage", ["woman.png", "image"])
    if encode == "WanVideoImageToVideoEncode":
        i2v = w.add(encode, [512, 512, 81, 0.0, 1, 1, True], vae=(vae, 0), start_image=(image, 0))
    else:
        i2v = w.add(encode, [512, 512, 81])
    s = w.add("WanVideoSampler", [6, 5.0, 5.0, 7, "fixed", True, "unipc", 0, 1.0], model=(model, 0),
              text_embeds=(text, 0), image_embeds=(i2v, 0), fantasytalking_embeds=(emb, 0))
    dec = w.add("WanVideoDecode", [True, 272, 272, 144, 128], vae=(vae, 0), samples=(s, 0))
    w.add("VHS_VideoCombine", {"frame_rate": 23, "filename_prefix": "talk", "format": "video/h264-mp4"},
          images=(dec, 0), audio=(voice, 0))
    return emb, s, ft


def test_the_wrappers_fantasytalking_is_studios_fantasytalking():
    w = UI()
    emb, s, ft = _fantasy(w)
    conv = convert(_typed(w.doc()), "fantasy")
    assert conv.graph.validate() == []
    assert [t["generator"] for t in conv.tasks] == ["video_models.fantasytalking"]
    assert sorted(conv.tasks[0]["inputs"]) == ["image", "speech"]
    gen = nodes_of(conv, "video_models.fantasytalking")[0].params
    assert (gen["weights"], gen["frames"], gen["fps"], gen["audio_scale"], gen["audio_guidance"]) == (
        "WanVideo/fantasytalking_fp16.safetensors", 81, 23, 1.5, 4.0)
    assert (gen["width"], gen["height"], gen["prompt"]) == (512, 512, PROMPT)
    speech = nodes_of(conv, "encode.speech")[0].params
    assert (speech["layers"], speech["fps"]) == ("last", 50.0)  # the release's wav2vec2 states, not per video frame
    assert nodes_of(conv, "preprocess.load")[0].params["model"] == "facebook/wav2vec2-base-960h"
    text = said(conv)
    assert "is read as Studio's Fantasy Talking node" in text and "'fantasytalking_model' input is not read" not in text
    assert "FantasyTalkingModelLoader" not in next(str(x) for x in conv.log if "not converted" in str(x)) \
        if any("not converted" in str(x) for x in conv.log) else True


def test_the_wrappers_audio_cfg_1_is_no_audio_guidance():
    w = UI()
    _fantasy(w, cfg=(81, 23, 1.0, 1.0))
    gen = nodes_of(convert(_typed(w.doc()), "fantasy"), "video_models.fantasytalking")[0].params
    assert gen["audio_guidance"] == 0.0  # the wrapper's 1: no pass without the voice


def test_fantasytalking_wired_otherwise_is_held_and_its_file_said():
    w = UI()
    emb, s, ft = _fantasy(w, encode="WanVideoEmptyEmbeds")  # no start picture: not FantasyTalking's image to video
    conv = convert(_typed(w.doc()), "fantasy_t2v")
    assert "video_models.fantasytalking" not in [t["generator"] for t in conv.tasks]
    text = said(conv)
    assert (f"'WanVideoSampler' (WanVideoSampler, #{s}) is given FantasyTalking's voice on 'fantasytalking_embeds': "
            "Studio reads it as FantasyTalking where") in text
    assert (f"'FantasyTalkingModelLoader' (FantasyTalkingModelLoader, #{ft}) gives the FantasyTalking file "
            "'WanVideo\\\\fantasytalking_fp16.safetensors' to the model of") in text


def test_an_api_file_is_read_by_the_declared_types_alone():
    from .said import api
    doc = api({"1": ("FantasyTalkingModelLoader", {"model": "fantasytalking_fp16.safetensors", "base_precision": "fp16"}),
               "2": ("WanVideoModelLoader", {"model": "wan2.1_i2v_720p_14B_bf16.safetensors", "base_precision": "fp16",
                                             "quantization": "disabled", "load_device": "offload_device",
                                             "attention_mode": "sdpa", "fantasytalking_model": ["1", 0]}),
               "3": ("LoadWanVideoT5TextEncoder", {"model_name": "umt5-xxl-enc-bf16.safetensors", "precision": "bf16",
                                                   "load_device": "offload_device", "quantization": "disabled"}),
               "4": ("WanVideoTextEncode", {"positive_prompt": PROMPT, "negative_prompt": "", "force_offload": True,
                                            "t5": ["3", 0]}),
               "5": ("WanVideoVAELoader", {"model_name": "Wan2_1_VAE_bf16.safetensors", "precision": "bf16"}),
               "6": ("DownloadAndLoadWav2VecModel", {"model": "facebook/wav2vec2-base-960h", "base_precision": "fp16",
                                                     "load_device": "main_device"}),
               "7": ("LoadAudio", {"audio": "woman.wav"}),
               "8": ("FantasyTalkingWav2VecEmbeds", {"wav2vec_model": ["6", 0], "fantasytalking_model": ["1", 0],
                                                     "audio": ["7", 0], "num_frames": 49, "fps": 23.0,
                                                     "audio_scale": 1.0, "audio_cfg_scale": 5.0}),
               "9": ("LoadImage", {"image": "woman.png"}),
               "10": ("WanVideoImageToVideoEncode", {"width": 480, "height": 640, "num_frames": 49,
                                                     "noise_aug_strength": 0.0, "start_latent_strength": 1.0,
                                                     "end_latent_strength": 1.0, "force_offload": True,
                                                     "vae": ["5", 0], "start_image": ["9", 0]}),
               "11": ("WanVideoSampler", {"model": ["2", 0], "text_embeds": ["4", 0], "image_embeds": ["10", 0],
                                          "fantasytalking_embeds": ["8", 0], "steps": 6, "cfg": 5.0, "shift": 5.0,
                                          "seed": 1, "force_offload": True, "scheduler": "unipc",
                                          "riflex_freq_index": 0}),
               "12": ("WanVideoDecode", {"vae": ["5", 0], "samples": ["11", 0], "enable_vae_tiling": False,
                                         "tile_x": 272, "tile_y": 272, "tile_stride_x": 144, "tile_stride_y": 128}),
               "13": ("SaveVideo", {"video": ["14", 0], "filename_prefix": "talk", "format": "mp4", "codec": "h264"}),
               "14": ("CreateVideo", {"images": ["12", 0], "audio": ["7", 0], "fps": 23.0})})
    conv = convert(doc, "fantasy_api")
    assert [t["generator"] for t in conv.tasks] == ["video_models.fantasytalking"]
    gen = nodes_of(conv, "video_models.fantasytalking")[0].params
    assert (gen["weights"], gen["frames"], gen["audio_guidance"], gen["width"], gen["height"]) == (
        "fantasytalking_fp16.safetensors", 49, 5.0, 480, 640)
