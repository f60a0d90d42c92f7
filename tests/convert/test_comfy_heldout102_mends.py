"""Issue 112, heldout102's mends (fresh set judged on main c76f14e0): each test builds its workflow from node types,
values and links (written here from the facts: the nodes' declared inputs), and fails without its mend.

1. A setting of a dynamic combo's choice, which an API file writes '<combo>.<input>' (WanInfiniteTalkToVideo's
   'mode.mask_2' under its 'mode' choice 'two_speakers'), was taken for an input the node's type does not declare:
   "... 'mode.mask_2', an input WanInfiniteTalkToVideo does not declare ...: ... a node whose code does not take it
   stops the run" (102/02). A dotted name is declared where its head is a dynamic input of the type and its tail an
   input of one of that input's choices (takes/dropped_entry.py).
2. LTXAVTextEncoderLoader's 'ckpt_name' naming a text projection file beside a transformer-only model was said "not
   read: Load Video Model takes its 'text_encoder' file as the part and the rest from the model file" (102/04, 06):
   a transformer alone holds no projection, so the loading refused. The family declares the setting as the file
   ComfyUI reads the projection from ('second_files'), set as Load Video Model's 'text_encoder_2' where it is not the
   model's own file (mapping/dual_text.second_part).
3. ComfyUI-LTXVideo's LTXAddVideoICLoRAGuide given one still (a first/last-frame workflow's 'Last Frame Guide' at
   frame_idx -1) was made LTX-2's control clip from frame 0 ("the IC-LoRA guide starts at frame -1 in ComfyUI: LTX-2's
   control runs from frame 0"): the take never ended on the last picture, and a one-frame control is refused when
   the take is made (102/09). A still given to the guide is read as LTXVAddGuide's still: a keyframe at its frame
   (ltx2/comfy_ic_still.py). And the start picture's CRF is the take's 'image_crf' over a keyframe's met first on the
   way up from the sampler, which was said "'image_crf' 0 (the take's first picture's)" (ltx2/comfy_preprocess.py);
   a latent sized by the measure of the start picture's resize is said taken from the generator's 'image' at 0, not
   from a keyframe's, which then gave "the generator's own are used" (mapping/folded_sizes._lost_said).
4. A UI node of a pack the catalogue does not hold, saved with a 'widgets_values_named' map beside its values (102/08:
   the MiniMax H3 extend pack's node), was said by place ("its settings: #0 1, #1 124, ..."): named by that map where
   it names every value in order (reading/named_map.py)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said, source_file, source_of, ui


def _two_speakers() -> dict:
    """Native InfiniteTalk, two speakers: each face's mask from its Load Image (#10, #11), passed through
    MaskToImage / ImageToMask (the same mask: tracing/mask_round_trip.py, twotalk23), on the dynamic combo's
    'mode.mask_1' / 'mode.mask_2', the second voice on 'mode.audio_encoder_output_2'."""
    return api({
        "1": ("UNETLoader", {"unet_name": "wan2.1_i2v_480p_14B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("ModelPatchLoader", {"name": "wan2.1_infiniteTalk_multi_fp16.safetensors"}),
        "3": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan",
                             "device": "default"}),
        "4": ("CLIPTextEncode", {"text": "two people talking", "clip": ["3", 0]}),
        "5": ("ConditioningZeroOut", {"conditioning": ["4", 0]}),
        "6": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "7": ("AudioEncoderLoader", {"audio_encoder_name": "wav2vec2-chinese-base_fp16.safetensors"}),
        "8": ("LoadAudio", {"audio": "one.wav"}),
        "9": ("LoadAudio", {"audio": "two.wav"}),
        "10": ("LoadImage", {"image": "face1.png"}),
        "11": ("LoadImage", {"image": "face2.png"}),
        "12": ("AudioEncoderEncode", {"audio_encoder": ["7", 0], "audio": ["8", 0]}),
        "13": ("AudioEncoderEncode", {"audio_encoder": ["7", 0], "audio": ["9", 0]}),
        "14": ("MaskToImage", {"mask": ["10", 1]}),
        "15": ("ImageToMask", {"image": ["14", 0], "channel": "red"}),
        "16": ("MaskToImage", {"mask": ["11", 1]}),
        "17": ("ImageToMask", {"image": ["16", 0], "channel": "red"}),
        "20": ("WanInfiniteTalkToVideo", {
            "mode": "two_speakers", "width": 640, "height": 640, "length": 81, "motion_frame_count": 9,
            "audio_scale": 1, "model": ["1", 0], "model_patch": ["2", 0], "positive": ["4", 0],
            "negative": ["5", 0], "vae": ["6", 0], "audio_encoder_output_1": ["12", 0], "start_image": ["10", 0],
            "mode.audio_encoder_output_2": ["13", 0], "mode.mask_1": ["15", 0], "mode.mask_2": ["17", 0]}),
        "21": ("KSampler", {"seed": 1, "steps": 4, "cfg": 1, "sampler_name": "euler", "scheduler": "simple",
                            "denoise": 1, "model": ["20", 0], "positive": ["20", 1], "negative": ["20", 2],
                            "latent_image": ["20", 3]}),
        "22": ("VAEDecode", {"samples": ["21", 0], "vae": ["6", 0]}),
        "23": ("CreateVideo", {"fps": 25, "images": ["22", 0], "audio": ["8", 0]}),
        "24": ("SaveVideo", {"filename_prefix": "video/talk", "format": "auto", "codec": "auto",
                             "video": ["23", 0]}),
    })


def test_dynamic_combo_setting_is_declared():
    text = said(convert(_two_speakers(), "two_speakers.json"))
    assert "does not declare" not in text
    assert "stops the run" not in text


def _ltx23_i2v(model_loader: tuple, projection: str) -> dict:
    """LTX-2.3 image to video, video alone: the model from ``model_loader`` (#1), Gemma and ``projection`` through
    LTXAVTextEncoderLoader (#2), the VAE from #3 (a VAELoader, or the checkpoint's when #1 is one)."""
    vae = ["3", 0] if model_loader[0] == "UNETLoader" else ["1", 2]
    nodes = {
        "1": model_loader,
        "2": ("LTXAVTextEncoderLoader", {"text_encoder": "gemma_3_12B_it_fp4_mixed.safetensors",
                                         "ckpt_name": projection, "device": "default"}),
        "4": ("CLIPTextEncode", {"text": "snow falls in a courtyard", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "6": ("LTXVConditioning", {"positive": ["4", 0], "negative": ["5", 0], "frame_rate": 24.0}),
        "7": ("LoadImage", {"image": "court.png"}),
        "8": ("EmptyLTXVLatentVideo", {"width": 832, "height": 1216, "length": 97, "batch_size": 1}),
        "9": ("LTXVImgToVideoInplace", {"vae": vae, "image": ["7", 0], "latent": ["8", 0], "strength": 1.0,
                                        "bypass": False}),
        "10": ("KSampler", {"seed": 7, "steps": 8, "cfg": 1, "sampler_name": "euler", "scheduler": "simple",
                            "denoise": 1, "model": ["1", 0], "positive": ["6", 0], "negative": ["6", 1],
                            "latent_image": ["9", 0]}),
        "11": ("VAEDecode", {"samples": ["10", 0], "vae": vae}),
        "12": ("CreateVideo", {"images": ["11", 0], "fps": 24.0}),
        "13": ("SaveVideo", {"video": ["12", 0], "filename_prefix": "ltx", "format": "auto", "codec": "auto"}),
    }
    if model_loader[0] == "UNETLoader":
        nodes["3"] = ("VAELoader", {"vae_name": "LTX23_video_vae_bf16.safetensors"})
    return api(nodes)


def test_text_projection_file_is_load_video_models_second_text_encoder():
    split = ("UNETLoader", {"unet_name": "ltx-2.3-22b-dev_transformer_only_fp8_scaled.safetensors",
                            "weight_dtype": "default"})
    conv = convert(_ltx23_i2v(split, "ltx-2.3_text_projection_bf16.safetensors"), "ltx23_split.json")
    load = nodes_of(conv, "video_models.load")[0]
    assert load.params["text_encoder"] == "gemma_3_12B_it_fp4_mixed.safetensors"
    assert load.params["text_encoder_2"] == "ltx-2.3_text_projection_bf16.safetensors"
    text = said(conv)
    assert "is not read" not in text and "set as Load Video Model's 'text_encoder_2'" in text
    whole = ("CheckpointLoaderSimple", {"ckpt_name": "ltx-2.3-22b-dev-fp8.safetensors"})
    conv = convert(_ltx23_i2v(whole, "ltx-2.3-22b-dev-fp8.safetensors"), "ltx23_whole.json")
    assert nodes_of(conv, "video_models.load")[0].params["text_encoder_2"] == ""  # the checkpoint's own projection


def _ic_first_last(measured: bool = False) -> dict:
    """LTX-2.3: the first picture (#7) preprocessed at CRF 18 and put in place at strength 0.7 (#9), then an IC-LoRA
    guide (#10) of the last picture (#8, no preprocessing) at frame -1; ``measured``: both pictures scaled within 1536
    on their ways (#17, #18), the latent sized by GetImageSize (#20) of the first one scaled to a multiple of 64
    (#19)."""
    nodes = {
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "ltx-2.3-22b-dev.safetensors"}),
        "2": ("LTXAVTextEncoderLoader", {"text_encoder": "gemma_3_12B_it.safetensors",
                                         "ckpt_name": "ltx-2.3-22b-dev.safetensors", "device": "default"}),
        "3": ("CLIPTextEncode", {"text": "a slow zoom on a girl", "clip": ["2", 0]}),
        "4": ("CLIPTextEncode", {"text": "cartoon", "clip": ["2", 0]}),
        "5": ("LTXVConditioning", {"positive": ["3", 0], "negative": ["4", 0], "frame_rate": 24.0}),
        "6": ("EmptyLTXVLatentVideo", {"width": 960, "height": 544, "length": 121, "batch_size": 1}),
        "7": ("LoadImage", {"image": "first.png"}),
        "8": ("LoadImage", {"image": "last.png"}),
        "11": ("LTXVPreprocess", {"image": ["7", 0], "img_compression": 18}),
        "9": ("LTXVImgToVideoInplace", {"vae": ["1", 2], "image": ["11", 0], "latent": ["6", 0], "strength": 0.7,
                                        "bypass": False}),
        "10": ("LTXAddVideoICLoRAGuide", {"positive": ["5", 0], "negative": ["5", 1], "vae": ["1", 2],
                                          "latent": ["9", 0], "image": ["8", 0], "frame_idx": -1, "strength": 1.0,
                                          "latent_downscale_factor": 1.0, "crop": "disabled",
                                          "use_tiled_encode": False, "tile_size": 256, "tile_overlap": 64}),
        "12": ("KSampler", {"seed": 42, "steps": 8, "cfg": 1, "sampler_name": "euler", "scheduler": "simple",
                            "denoise": 1, "model": ["1", 0], "positive": ["10", 0], "negative": ["10", 1],
                            "latent_image": ["10", 2]}),
        "13": ("LTXVCropGuides", {"positive": ["10", 0], "negative": ["10", 1], "latent": ["12", 0]}),
        "14": ("VAEDecode", {"samples": ["13", 2], "vae": ["1", 2]}),
        "15": ("CreateVideo", {"images": ["14", 0], "fps": 24.0}),
        "16": ("SaveVideo", {"video": ["15", 0], "filename_prefix": "flf", "format": "auto", "codec": "auto"}),
    }
    if measured:
        longer = {"resize_type": "scale longer dimension", "resize_type.longer_size": 1536, "scale_method": "lanczos"}
        nodes["17"] = ("ResizeImageMaskNode", {**longer, "input": ["7", 0]})
        nodes["18"] = ("ResizeImageMaskNode", {**longer, "input": ["8", 0]})
        nodes["19"] = ("ResizeImageMaskNode", {"resize_type": "scale to multiple", "resize_type.multiple": 64,
                                               "scale_method": "lanczos", "input": ["17", 0]})
        nodes["20"] = ("GetImageSize", {"image": ["19", 0]})
        nodes["11"][1]["image"] = ["17", 0]
        nodes["10"][1]["image"] = ["18", 0]
        nodes["6"][1].update(width=["20", 0], height=["20", 1])
    return api(nodes)


def test_ic_lora_guide_of_one_still_is_a_keyframe_at_its_frame():
    conv = convert(_ic_first_last(), "ic_first_last.json")
    gen = nodes_of(conv, "video_models.ltx2")[0]
    assert gen.params["keyframes"] == "last"
    assert source_of(conv, gen.id, "control") is None
    assert source_file(conv, gen.id, "keyframe_1") == "last.png"
    assert source_file(conv, gen.id, "image") == "first.png"
    assert gen.params["image_crf"] == 18  # the start picture's, not the keyframe's 0 met first
    text = said(conv)
    assert "control runs from frame 0" not in text and "made LTX-2's keyframe there" in text
    assert "'image_crf' 18 (the start picture's)" in text


def test_size_measured_of_the_start_picture_is_said_its_size_beside_a_keyframe():
    conv = convert(_ic_first_last(measured=True), "ic_first_last_measured.json")
    gen = nodes_of(conv, "video_models.ltx2")[0]
    assert gen.params["keyframes"] == "last" and (gen.params["width"], gen.params["height"]) == (0, 0)
    text = said(conv)
    assert "the generator takes its 'image''s size when it runs" in text
    assert "the generator's own are used" not in text


def test_uncatalogued_node_named_by_its_saved_map():
    doc = ui([(1, "LoadImage", [], ["IMAGE", "MASK"], ["ref.png", "image"]),
              (2, "PackOnlyVideoMaker", [("image", "IMAGE")], ["IMAGE"], [1, 124, "match"]),
              (3, "SaveImage", [("images", "IMAGE")], [], ["out"])],
             [(1, 0, 2, "image"), (2, 0, 3, "images")])
    doc["nodes"][1]["widgets_values_named"] = {"cfg": 1, "length": 124, "ref_image_size": "match"}
    text = said(convert(doc, "named_map.json"))
    assert "cfg 1, length 124, ref_image_size match" in text and "#0" not in text
    doc["nodes"][1]["widgets_values_named"] = {"cfg": 2, "length": 124, "ref_image_size": "match"}  # (not the values)
    assert "#0 1" in said(convert(doc, "named_map.json"))
