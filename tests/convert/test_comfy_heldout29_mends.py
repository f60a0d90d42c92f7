"""Mechanisms a twenty-ninth held-out set (benchmarks/results/heldout29_2026-11-29.md: any video workflow an artist
shares - WanVideoWrapper examples as copied into forks and services, LTX-2.3 packs' templates, API mocks) showed, each
on a small hand-written workflow."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_vace_module import _wire
from tests.convert.test_comfy_wrapper_embeds import _said
from tests.convert.test_comfy_wrappers import UI, _common, _nodes, _sampler, _save
from tests.convert.workflow_shapes import wan_i2v_api

LQ = "WanVideo\\FlashVSR\\Wan2_1_FlashVSR_LQ_proj_model_bf16.safetensors"


def test_a_wrapper_extra_model_is_not_called_a_vace_module():
    """saha18uiuc's FlashVSR example (12): "'WanVideoExtraModelSelect' (#113) adds the VACE module
    '...FlashVSR_LQ_proj_model_bf16.safetensors' ..." (false: WanVideoExtraModelSelect's 'extra_model' is any part the
    wrapper merges into its model; a select declaring its file 'vace_model' still names a VACE module)."""
    w = UI()
    model, text, vae = _common(w)
    sel = w.add("WanVideoExtraModelSelect", [LQ])
    _wire(w, sel, model, "extra_model")
    _save(w, _sampler(w, model, text, w.add("WanVideoEmptyEmbeds", [640, 352, 49])), vae)
    said = _said(convert(w.doc(), "extra.json"))
    assert f"(WanVideoExtraModelSelect, #{sel}) adds the extra model '{LQ}' to 'WanVideoModelLoader' (#{model})'s" \
        in said
    assert "VACE module '" not in said and "the module steers a VACE take" not in said
    assert "(Load Video Model merges a module for a Wan VACE take only)" in said
    assert _nodes(convert(w.doc(), "extra.json"), "video_models.load")[0].params["vace_module"] == ""


def _held_i2v(text) -> dict:
    """Wan 2.1 image to video held (its start picture from a folder node whose pick is wired), its positive prompt
    ``text`` (a link: written by a node Studio does not run), its negative zeroed."""
    return wan_i2v_api(["12", 0], text, **{
        "11": {"class_type": "MyPackStoryWriter", "inputs": {"seed": 3, "theme": "herons"}},
        "5": {"class_type": "ConditioningZeroOut", "inputs": {"conditioning": ["4", 0]}},
        "13": {"class_type": "PrimitiveInt", "inputs": {"value": 1}},
        "12": {"class_type": "MyPackImageFromFolder", "inputs": {"folder": "shots", "index": ["13", 0]}}})


def test_a_held_task_whose_prompt_another_node_writes_is_not_said_to_have_empty_prompts():
    """vrgamegirl19's LTX-2.3 music-video scene (01): its text encoders' loader was said "not made ... (its prompts
    are empty: none is made)" while its positive prompt, 'a women in blue dress swimming in the ocean', is written by
    the pack's text box when the workflow runs (false)."""
    conv = convert(_held_i2v(["11", 0]), "held.json")
    assert [t["generator"] for t in conv.tasks] == [None]
    said = _said(conv)
    assert ("'CLIPLoader' (CLIPLoader, #2) loads the text encoder 'umt5_xxl_fp16.safetensors' that encodes the held "
            "task's prompts (#4): not made, as the task has no generator to encode them (its prompts are made as no "
            "Text Prompt: one is written by another node when the workflow runs, said above)") in said
    assert "prompts are empty" not in said
    assert "(its prompts are empty: none is made)" in _said(convert(_held_i2v(""), "empty.json"))


def _two_experts_held() -> dict:
    """Wan 2.2 A14B image to video held (its start picture from a folder node whose pick is wired), written twice: the
    high-noise pass alone previewed first (#10), the whole take after the low-noise pass (#50)."""
    sampler = {"noise_seed": 5, "steps": 6, "cfg": 1.0, "sampler_name": "euler", "scheduler": "simple",
               "positive": ["6", 0], "negative": ["6", 1]}
    saved = lambda latent, name: {"class_type": "SaveVideo", "inputs": {  # noqa: E731
        "video": [latent, 0], "filename_prefix": name, "format": "auto", "codec": "auto"}}
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.2_i2v_high_noise_14B_fp8_scaled.safetensors",
                                                    "weight_dtype": "default"}},
        "21": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.2_i2v_low_noise_14B_fp8_scaled.safetensors",
                                                     "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp16.safetensors", "type": "wan"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "a monkey bounces on a bed", "clip": ["2", 0]}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "13": {"class_type": "PrimitiveInt", "inputs": {"value": 1}},
        "12": {"class_type": "MyPackImageFromFolder", "inputs": {"folder": "shots", "index": ["13", 0]}},
        "6": {"class_type": "WanImageToVideo", "inputs": {"positive": ["4", 0], "negative": ["5", 0], "vae": ["3", 0],
                                                          "start_image": ["12", 0], "width": 832, "height": 480,
                                                          "length": 33, "batch_size": 1}},
        "7": {"class_type": "KSamplerAdvanced", "inputs": {
            **sampler, "add_noise": "enable", "start_at_step": 0, "end_at_step": 3, "return_with_leftover_noise": "enable",
            "model": ["1", 0], "latent_image": ["6", 2]}},
        "17": {"class_type": "KSamplerAdvanced", "inputs": {
            **sampler, "add_noise": "disable", "start_at_step": 3, "end_at_step": 10000,
            "return_with_leftover_noise": "disable", "model": ["21", 0], "latent_image": ["7", 0]}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["7", 0], "vae": ["3", 0]}},
        "9": {"class_type": "CreateVideo", "inputs": {"images": ["8", 0], "fps": 16}},
        "10": saved("9", "high_pass"),
        "48": {"class_type": "VAEDecode", "inputs": {"samples": ["17", 0], "vae": ["3", 0]}},
        "49": {"class_type": "CreateVideo", "inputs": {"images": ["48", 0], "fps": 16}},
        "50": saved("49", "monkey"),
    }


def test_a_held_task_written_twice_holds_the_second_expert_its_later_output_samples_with():
    """saha18uiuc's Time-to-Move example (13): the high-noise pass previewed before the whole take; the task held at
    the preview, the whole take's output found it held and returned, and the low-noise expert's model (#71) was
    named nowhere (a silent loss): now held on 'model_2', said."""
    conv = convert(_two_experts_held(), "ttm.json")
    assert [t["generator"] for t in conv.tasks] == [None]
    assert [n.params["model_2"] for n in _nodes(conv, "video_models.load")] == [
        "wan2.2_i2v_low_noise_14B_fp8_scaled.safetensors"]
    assert ("'UNETLoader' (UNETLoader, #21) loads 'wan2.2_i2v_low_noise_14B_fp8_scaled.safetensors', the second model a "
            "later pass of the held task samples with: held on its Load Video Model's 'model_2'") in _said(conv)


def _flf_sized_by_resize(method: str) -> dict:
    """Wan 2.1 first/last frame whose size is ImageResize+'s own width and height outputs (Essentials), the end
    picture resized by it, the start picture by a second one given that size."""
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_flf2v_720p_14B_fp16.safetensors",
                                                    "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp16.safetensors", "type": "wan"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "an old man holds a plush toy", "clip": ["2", 0]}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "11": {"class_type": "LoadImage", "inputs": {"image": "start.png"}},
        "12": {"class_type": "LoadImage", "inputs": {"image": "end.png"}},
        "13": {"class_type": "ImageResize+", "inputs": {"image": ["12", 0], "width": 480, "height": 832,
                                                       "interpolation": "lanczos", "method": method,
                                                       "condition": "always", "multiple_of": 16}},
        "14": {"class_type": "ImageResize+", "inputs": {"image": ["11", 0], "width": ["13", 1], "height": ["13", 2],
                                                       "interpolation": "lanczos", "method": method,
                                                       "condition": "always", "multiple_of": 16}},
        "6": {"class_type": "WanFirstLastFrameToVideo", "inputs": {
            "positive": ["4", 0], "negative": ["5", 0], "vae": ["3", 0], "start_image": ["14", 0],
            "end_image": ["13", 0], "width": ["13", 1], "height": ["13", 2], "length": 33, "batch_size": 1}},
        "7": {"class_type": "KSampler", "inputs": {"seed": 5, "steps": 20, "cfg": 4.0, "sampler_name": "uni_pc",
                                                   "scheduler": "simple", "denoise": 1.0, "model": ["1", 0],
                                                   "positive": ["6", 0], "negative": ["6", 1],
                                                   "latent_image": ["6", 2]}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["7", 0], "vae": ["3", 0]}},
        "9": {"class_type": "CreateVideo", "inputs": {"images": ["8", 0], "fps": 16}},
        "10": {"class_type": "SaveVideo", "inputs": {"video": ["9", 0], "filename_prefix": "flf", "format": "auto",
                                                     "codec": "auto"}},
    }


def test_an_essentials_resize_to_a_fixed_box_gives_that_size_not_its_pictures():
    """ykk648's first/last-frame example (15): ImageResize+ 'fill / crop' to 480x832, 'always', a multiple of 16,
    was read as a node measuring the picture it is given (one IMAGE socket, INT 'width' and 'height' out), so the
    take's size was "not worked out" and made at the pictures' own size; the size it gives is its box (a 'keep
    proportion' one is the picture's, still not worked out)."""
    conv = convert(_flf_sized_by_resize("fill / crop"), "flf.json")
    gen = _nodes(conv, "video_models.first_last_frame") or _nodes(conv, "video_models.image_to_video")
    assert (gen[0].params["width"], gen[0].params["height"]) == (480, 832)
    assert "whose value Studio cannot work out" not in _said(conv)
    assert [(n.params["width"], n.params["height"]) for n in _nodes(conv, "transform.scale")] == [(480, 832)] * 2
    kept = convert(_flf_sized_by_resize("keep proportion"), "kept.json")
    gen = _nodes(kept, "video_models.first_last_frame") or _nodes(kept, "video_models.image_to_video")
    assert (gen[0].params["width"], gen[0].params["height"]) == (0, 0)


def test_a_wrapper_s2v_pose_clip_encoded_on_its_pose_latent_moves_the_take():
    """WenerSantos3's S2V pose testing file (03): a bones clip encoded (WanVideoEncode, latent_strength 0.5) on
    WanVideoAddS2VEmbeds' 'pose_latent' was said "not read ... connect one there", the take made without it; the clip
    is core WanSoundImageToVideo's control_video, Studio's Speech to Video's 'pose', the strength said."""
    from tests.convert.test_comfy_heldout21_mends import _wrapper_s2v
    doc = _wrapper_s2v()
    doc["20"] = {"class_type": "VHS_LoadVideo", "inputs": {"video": "bones.mp4", "force_rate": 16, "custom_width": 0,
                                                          "custom_height": 0, "frame_load_cap": 0,
                                                          "skip_first_frames": 0, "select_every_nth": 1}}
    doc["21"] = {"class_type": "WanVideoEncode", "inputs": {"vae": ["2", 0], "image": ["20", 0],
                                                           "latent_strength": 0.5, "noise_aug_strength": 0.0}}
    doc["9"]["inputs"]["pose_latent"] = ["21", 0]
    conv = convert(doc, "s2v_pose.json")
    assert [t["generator"] for t in conv.tasks] == ["video_models.wan_s2v"] and "pose" in conv.tasks[0]["inputs"]
    said = _said(conv)
    assert ("'WanVideoAddS2VEmbeds' (WanVideoAddS2VEmbeds, #9)'s pose latent (pose_latent) is the clip "
            "'WanVideoEncode' (#21) encodes: Studio's Speech to Video is moved by that clip on its 'pose' input; its "
            "encode's latent_strength 0.5 is not applied (the pose clip as it is)") in said
    assert "is not read: Studio's Speech to Video is moved by a pose clip" not in said
    loads = [n for n in _nodes(conv, "io.load_video") if n.params["path"] == "bones.mp4"]
    assert len(loads) == 1


def test_a_held_notes_remark_on_a_wired_value_follows_that_value_not_the_last_entry():
    """vrgamegirl19's scene (01), the sequencer template (05), Time-to-Move (13): the held note ended "'RandomNoise'
    (#235) noise_seed 69 (a value 'from' a node: one Studio cannot work out when converting)", the remark belonging
    to an earlier entry's "length from 'Frame Count'" (the seed was worked out)."""
    from tests.convert.test_comfy_held_values import _held, still_then_svd
    wf = still_then_svd()
    wf["90"] = {"class_type": "InventedStepsFromServer", "inputs": {"server": "local"}}
    wf["3"]["inputs"]["steps"] = ["90", 0]
    line = _held(convert(wf, "still_then_svd.json"))
    assert "steps from 'InventedStepsFromServer' (#90) (a value 'from' a node: one Studio cannot work out when " \
           "converting), cfg 2.5, sampler_name euler, scheduler karras, denoise 1; 'SVD_img2vid_Conditioning' (#12)" \
           in line  # (beside the wired value itself, not after the entry's last: heldout98 02, 04)
    assert line.endswith("augmentation_level 0; 'VHS_VideoCombine' (#10) frame_rate 10.")  # (the writer's rate last:
    assert line.count("a value 'from' a node") == 1  # heldout86)


def test_a_folder_of_pictures_saved_again_is_made_beside_a_clip_copy():
    """edcatley's serverless mock (08): two VHS_LoadImagesPath folders each written again by a SaveImage beside a clip
    re-encoded; the clip was made and the two folders' saves said "not made": the folders are Studio's Load Image
    Sequence (reading.folders), each saved by Save Image."""
    doc = {
        "2": {"class_type": "SaveImage", "inputs": {"filename_prefix": "head", "images": ["5", 0]}},
        "4": {"class_type": "VHS_VideoCombine", "inputs": {"frame_rate": ["8", 0], "loop_count": 0,
                                                          "filename_prefix": "neutral", "format": "video/h264-mp4",
                                                          "pingpong": False, "save_output": True,
                                                          "images": ["7", 0]}},
        "5": {"class_type": "VHS_LoadImagesPath", "inputs": {"directory": "/in/head/", "image_load_cap": 0,
                                                            "skip_first_images": 0, "select_every_nth": 1}},
        "7": {"class_type": "VHS_LoadVideoPath", "inputs": {"video": "/in/neutral.mp4", "force_rate": 0,
                                                           "custom_width": 0, "custom_height": 0,
                                                           "frame_load_cap": 0, "skip_first_frames": 0,
                                                           "select_every_nth": 1}},
        "8": {"class_type": "VHS_VideoInfoLoaded", "inputs": {"video_info": ["7", 3]}},
    }
    conv = convert(doc, "mock.json")
    assert [n.params["path"] for n in _nodes(conv, "footage.load_sequence")] == ["/in/head/"]
    assert [n.params["path"] for n in _nodes(conv, "io.save_image")] == ["out/head_00001_.png"]
    assert [n.params["path"] for n in _nodes(conv, "io.save_video")] == ["out/neutral.mp4"]
    said = _said(conv)
    assert "ComfyUI 'SaveImage' -> Load Image Sequence -> Save Image" in said and "save of stills is not made" not in said


def test_a_checkpoint_read_for_its_vae_alone_is_no_model_a_held_pass_samples_with():
    """Mend 3's loaders are those whose model reaches a sampler: a checkpoint giving the final decode its VAE alone is
    neither held on 'model_2' nor said to be sampled with."""
    doc = _two_experts_held()
    doc["40"] = {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "wan2.2_other_vae_ckpt.safetensors"}}
    doc["48"]["inputs"]["vae"] = ["40", 2]
    conv = convert(doc, "ttm_vae.json")
    assert [n.params["model_2"] for n in _nodes(conv, "video_models.load")] == [
        "wan2.2_i2v_low_noise_14B_fp8_scaled.safetensors"]
    assert "'wan2.2_other_vae_ckpt.safetensors', a model a pass" not in _said(conv)
