"""Issue 112, heldout78 03 (chenyan4's copy of WanVideoWrapper's wanvideo_flowedit_I2V_example_01): a WanVideoSampler
given an encoded clip on 'samples' and a WanVideoFlowEdit on 'flowedit_args' was made as a plain video to video at
its denoise with FlowEdit said not made. Now it is Studio's Wan FlowEdit (families/wan/comfy_wrapper_flowedit.py):
the clip the encode's pictures, the source prompt the FlowEdit node's text encode, the skipped steps the denoise's
start step plus skip_steps, the wrapper's twice-shifted 'euler' schedule as shift x shift, both predictions guided at
drift_cfg (its source_cfg and the sampler's cfg said not used), an image-to-video encode's start picture and CLIP
vision carried; what cannot be read falls back to the re-make, said."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said, source_of
from tests.convert.test_comfy_wrappers import UI, _save

I2V = "WanVideo\\Wan2_1-I2V-14B-480P_fp8_e4m3fn.safetensors"
T2V = "WanVideo\\Wan2_1-T2V-14B_fp8_e4m3fn.safetensors"


def _flowedit(model_file=T2V, edit_values=(2, 8, 7.0, 6, 6), cfg=4.0, start=False, scheduler="euler",
              source_text=True):
    w = UI()
    model = w.add("WanVideoModelLoader", [model_file, "fp16_fast", "fp8_e4m3fn", "offload_device", "sdpa"])
    t5 = w.add("LoadWanVideoT5TextEncoder", ["umt5-xxl-enc-bf16.safetensors", "bf16", "offload_device", "disabled"])
    target = w.add("WanVideoTextEncode", ["a cybernetic wolf", "blurry", True], t5=(t5, 0))
    source = w.add("WanVideoTextEncode", ["a wolf", "cartoon", True], t5=(t5, 0))
    vae = w.add("WanVideoVAELoader", ["wanvideo\\Wan2_1_VAE_bf16.safetensors", "bf16"])
    clip = w.add("VHS_LoadVideo", {"video": "wolf.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0,
                                   "frame_load_cap": 0, "skip_first_frames": 0, "select_every_nth": 1})
    enc = w.add("WanVideoEncode", [False, 272, 272, 144, 128, 0, 1], vae=(vae, 0), image=(clip, 0))
    edit = w.add("WanVideoFlowEdit", list(edit_values), **({"source_embeds": (source, 0)} if source_text else {}))
    if start:
        vision = w.add("LoadWanVideoClipTextEncoder", ["open-clip-xlm-roberta-large-vit-huge-14_visual_fp32.safetensors",
                                                       "fp16", "offload_device"])
        pic = w.add("LoadImage", ["wolf.png", "image"])
        emb = w.add("WanVideoImageClipEncode", [832, 480, 81, True, 0.03, 1, 1, False], clip_vision=(vision, 0),
                    image=(pic, 0), vae=(vae, 0))
    else:
        emb = w.add("WanVideoEmptyEmbeds", [832, 480, 33])
    s = w.add("WanVideoSampler", [25, cfg, 5.0, 123, "fixed", True, scheduler, 0, 0.95], model=(model, 0),
              text_embeds=(target, 0), image_embeds=(emb, 0), samples=(enc, 0), flowedit_args=(edit, 0))
    _save(w, s, vae)
    return convert(w.doc(), "flowedit"), s, edit, emb


def test_a_flowedit_of_a_clip_is_studios_wan_flowedit_with_the_wrappers_settings():
    conv, s, edit, _ = _flowedit()
    assert [t["generator"] for t in conv.tasks] == ["video_models.wan_flow_edit"]
    node = nodes_of(conv, "video_models.wan_flow_edit")[0]
    p = node.params
    assert (p["prompt"], p["negative_prompt"], p["source_prompt"], p["source_negative_prompt"]) == \
        ("a cybernetic wolf", "blurry", "a wolf", "cartoon")
    # 25 steps: the denoise 0.95 starts the wrapper's schedule at step 25 - int(23.75) - 1 = 1, then 2 skipped
    assert (p["steps"], p["skip_steps"], p["drift_steps"], p["seed"]) == (25, 3, 8, 123)
    assert (p["shift"], p["drift_shift"]) == (25.0, 49.0)  # 'euler': shifted twice (5 x 5, 7 x 7)
    assert (p["guidance"], p["source_guidance"]) == (6.0, 6.0)  # drift_cfg guides both
    assert "strength" not in p and source_of(conv, node.id, "video").type_id != "video_models.load"
    text = said(conv)
    assert (f"'WanVideoSampler' (#{s}) edits the clip it is given (samples) by FlowEdit ('WanVideoFlowEdit' "
            f"(WanVideoFlowEdit, #{edit}): from the source prompt on its 'source_embeds' toward the sampler's own): "
            "Studio's Wan FlowEdit, 25 steps, the first 3 skipped (its denoise_strength 0.95 starts the schedule at "
            "step 1, then skip_steps 2), the last 8 sampling the target alone (drift_steps)") in text
    assert "is given shift 25 and drift_shift 49, the same sigmas" in text
    assert "so the sampler's cfg 4 is not used: Studio's Wan FlowEdit guides both at 6" in text
    assert "drift sigmas are taken by the wrapper from a schedule of the 24 steps left after its denoise" in text
    assert "toward the sampler's own): not made" not in text and "nodes not converted (listed" not in text
    assert "Studio's Wan FlowEdit takes its size and length from that clip" in text  # (its empty embeds)
    assert "- denoise 0.95 of 'WanVideoSampler' (WanVideoSampler, #%s): the wrapper's FlowEdit starts its schedule " \
           "there, read into Studio's Wan FlowEdit's skipped steps (skip_steps 3)" % s in text
    assert "read into Studio's Wan FlowEdit's shift 25" in text and "the generator samples the whole" not in text


def test_source_cfg_unlike_drift_cfg_and_another_scheduler_are_said():
    conv, s, edit, _ = _flowedit(edit_values=(4, 0, 3.0, 3.5, 6), cfg=6.0, scheduler="unipc")
    p = nodes_of(conv, "video_models.wan_flow_edit")[0].params
    assert (p["skip_steps"], p["drift_steps"], p["shift"], p["drift_shift"]) == (5, 0, 5.0, 3.0)
    assert (p["guidance"], p["source_guidance"]) == (6.0, 6.0)
    text = said(conv)
    assert "so its source_cfg 3.5 is not used: Studio's Wan FlowEdit guides both at 6" in text
    assert f"'WanVideoSampler' (#{s})'s scheduler 'unipc' is not followed by its FlowEdit here" in text


def test_an_image_to_video_encode_gives_its_start_picture_and_clip_vision():
    conv, s, edit, emb = _flowedit(I2V, start=True)
    node = nodes_of(conv, "video_models.wan_flow_edit")[0]
    pic = source_of(conv, node.id, "image")
    assert pic is not None and pic.params["path"] == "wolf.png"
    load = nodes_of(conv, "video_models.load")[0].params
    assert load["clip_vision"] == "open-clip-xlm-roberta-large-vit-huge-14_visual_fp32.safetensors"
    text = said(conv)
    assert f"'WanVideoImageClipEncode' (WanVideoImageClipEncode, #{emb}) gives WanVideoSampler (#{s}) its start " \
           "picture (on 'image'): Studio's Wan FlowEdit gives it both predictions" in text
    assert f"#{emb})'s noise_aug_strength 0.03 is not applied" in text
    assert "those embeds (their pictures, size and conditioning) are not read" not in text


def test_a_flowedit_whose_source_prompt_is_not_known_stays_the_re_make_said():
    conv, s, edit, _ = _flowedit(source_text=False)
    assert [t["generator"] for t in conv.tasks] == ["video_models.video_to_video"]
    assert (f"'WanVideoSampler' (#{s}) edits the clip it is given (samples) by FlowEdit ('WanVideoFlowEdit' "
            f"(WanVideoFlowEdit, #{edit}): from the source prompt on its 'source_embeds' toward the sampler's own): "
            "not made") in said(conv)
