"""Issue 112, heldout114's mends (fresh set judged on main 2b0ecabe): each test builds its workflow from node types,
values and links (no fetched file) and fails without its mend.

1. ImagePadForOutpaint's sides wired from a value worked out when the workflow runs were said from the stale number
   the file keeps under the link ("outpaint: ComfyUI pads the clip by left 0, top 280, ...": 114/03), and where the
   pad feeds VACE's control straight, made as Studio's Pad of those stale pixels: now named with their giver, no Pad
   made of them; a side of 0 pixels set as Wan VACE's pad 0.
2. A second output of a held take that does not pass through the node making the first from a file and the sampler's
   frames was said "another output of that task (... put together by 'SmoothVideo' ...)" (114/07): now said as the
   samplers' frames alone.
3. A LoRA list of another pack, read by its shape, was named one of the translating pack's own nodes ("FramePackWrapper
   nodes read as ComfyUI's own: FramePackF1T2VLoraStack as ...": 114/04): now said apart, with its own pack or none.
4. A WEBP or GIF made as Studio's Load Image whose frames the workflow counts and a generator takes as a clip (Wan Fun
   Control's pose clip from an animated WEBP: 114/01) was one still with no word: said.
5. A caption of a VideoHelperSuite loader's frames read the Load Video before its own Trim (the file's frame 0, where
   ComfyUI captions the first frame it loads after skip_first_frames: 114/03): now the loader's own Trim's frames.
6. A model patch with no setting (CFGZeroStar) was said "... Studio loads the model without it ({})": the empty
   settings are left out (114/01, cosmetic)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said, source_of, ui
from tests.convert.test_comfy_framepack_wrapper import SAMPLER, loaders
from tests.convert.test_comfy_wrappers import UI


def _vace_outpaint(top_wired: bool):
    """Wan VACE given a picture padded by ImagePadForOutpaint (left 0, top 280, right 0, bottom 280 as saved), its top
    and bottom wired from GetImageSize's width (a picture not beside the workflow: worked out only when it runs)."""
    w = UI()
    unet = w.add("UNETLoader", ["wan2.1_vace_14B_fp16.safetensors", "default"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp16.safetensors", "wan", "default"])
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"])
    pos = w.add("CLIPTextEncode", ["a train station"], clip=(clip, 0))
    neg = w.add("CLIPTextEncode", ["blurry"], clip=(clip, 0))
    pic = w.add("LoadImage", ["frame_not_here.png", "image"])
    size = w.add("GetImageSize", [], image=(pic, 0))
    wired = {"top": (size, 0), "bottom": (size, 0)} if top_wired else {}
    pad = w.add("ImagePadForOutpaint", [0, 280, 0, 280, 40], image=(pic, 0), **wired)
    vace = w.add("WanVaceToVideo", [512, 512, 33, 1, 1.0], positive=(pos, 0), negative=(neg, 0), vae=(vae, 0),
                 control_video=(pad, 0), control_masks=(pad, 1))
    s = w.add("KSampler", [3, "fixed", 20, 6.0, "uni_pc", "simple", 1.0], model=(unet, 0), positive=(vace, 0),
              negative=(vace, 1), latent_image=(vace, 2))
    trim = w.add("TrimVideoLatent", [0], samples=(s, 0), trim_amount=(vace, 3))
    dec = w.add("VAEDecode", [], samples=(trim, 0), vae=(vae, 0))
    w.add("VHS_VideoCombine", {"frame_rate": 16, "filename_prefix": "vace", "format": "video/h264-mp4"},
          images=(dec, 0))
    return convert(w.doc(), "outpaint")


def test_an_outpaint_side_worked_out_when_it_runs_is_not_said_from_the_number_saved_under_its_link():
    conv = _vace_outpaint(top_wired=True)
    gen = nodes_of(conv, "video_models.wan_vace")[0].params
    line = next(x for x in said(conv).splitlines() if "outpaint: ComfyUI pads the clip by" in x)
    assert "280" not in line, line
    assert "left 0, right 0 px" in line and "its top and bottom worked out when the workflow runs" in line
    assert "'GetImageSize'" in line
    assert (gen["task"], gen["pad_left"], gen["pad_right"]) == ("outpaint", 0.0, 0.0)
    assert not nodes_of(conv, "edit.pad")  # (no Pad of the stale 280 px: before, Studio's Pad was made with them)
    conv = _vace_outpaint(top_wired=False)  # (the sides set on the node: Studio's Pad with their numbers, as before)
    assert "pads the control clip by left 0, top 280, right 0, bottom 280 px" in said(conv)
    assert nodes_of(conv, "edit.pad")


def _smoothed():
    """SD-style per-frame sampling guided by a clip (a ControlNet on its frames, a model no family claims) whose decoded
    frames a node no pack declares puts together with the clip's frames (saved), the decoded frames also saved alone
    before it (UI, the outputs typed as the file declares them)."""
    combine = lambda p: {"frame_rate": 24, "loop_count": 0, "filename_prefix": p, "format": "video/h264-mp4",  # noqa: E731
                         "pingpong": False, "save_output": True}
    nodes = [
        (1, "CheckpointLoaderSimple", [], ["MODEL", "CLIP", "VAE"], ["my_sd15_style.safetensors"]),
        (2, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["anime"]),
        (3, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["blurry"]),
        (4, "VHS_LoadVideoPath", [], ["IMAGE", "INT", "AUDIO", "VHS_VIDEOINFO"],
         {"video": "dance.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0, "frame_load_cap": 6,
          "skip_first_frames": 0, "select_every_nth": 1}),
        (5, "ControlNetLoader", [], ["CONTROL_NET"], ["control_v11p_sd15_lineart.pth"]),
        (6, "ControlNetApplyAdvanced", [("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                                        ("control_net", "CONTROL_NET"), ("image", "IMAGE")],
         ["CONDITIONING", "CONDITIONING"], [0.6, 0, 0.8]),
        (7, "EmptyLatentImage", [("batch_size", "INT")], ["LATENT"], [512, 512, 1]),
        (8, "KSampler", [("model", "MODEL"), ("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                         ("latent_image", "LATENT")], ["LATENT"], [1, "fixed", 6, 1.5, "lcm", "sgm_uniform", 1.0]),
        (9, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
        (10, "BlendFramesUnknownX", [("orginalframe", "IMAGE"), ("keyframe", "IMAGE")], ["IMAGE"], [1]),
        (11, "VHS_VideoCombine", [("images", "IMAGE")], [], combine("smooth")),
        (12, "VHS_VideoCombine", [("images", "IMAGE")], [], combine("raw"))]
    links = [(1, 1, 2, "clip"), (1, 1, 3, "clip"), (2, 0, 6, "positive"), (3, 0, 6, "negative"),
             (5, 0, 6, "control_net"), (4, 0, 6, "image"), (4, 1, 7, "batch_size"), (1, 0, 8, "model"),
             (6, 0, 8, "positive"), (6, 1, 8, "negative"), (7, 0, 8, "latent_image"), (8, 0, 9, "samples"),
             (1, 2, 9, "vae"), (4, 0, 10, "orginalframe"), (9, 0, 10, "keyframe"), (10, 0, 11, "images"),
             (9, 0, 12, "images")]
    return ui(nodes, links)


def test_another_output_of_a_held_take_is_not_said_made_by_a_node_it_does_not_pass_through():
    conv = convert(_smoothed(), "smoothed")
    text = said(conv)
    assert not any(t["generator"] for t in conv.tasks), conv.tasks
    assert "'BlendFramesUnknownX'" in conv.log[0]  # (the first output's task: made by it from the clip and the take)
    line = next(x for x in text.splitlines() if "(VHS_VideoCombine, #12)" in x and "another output" in x)
    assert "the frames its samplers make alone, not put together by 'BlendFramesUnknownX'" in line, line
    assert "put together by 'BlendFramesUnknownX' (BlendFramesUnknownX, #10) with" not in line


def test_another_packs_lora_list_read_by_its_shape_is_not_named_the_translating_packs_node():
    w = UI()
    model, pos, neg, vae = loaders(w)
    stack = w.add("FramePackUnheardLoraStack", ["x\\style.safetensors", 0.8, True, "None", 1.0, False])
    w.nodes[-1]["inputs"] = [{"name": k, "type": t, "widget": {"name": k}, "link": None} for k, t in (
        ("lora_01", "COMBO"), ("strength_01", "FLOAT"), ("activate_01", "BOOLEAN"), ("lora_02", "COMBO"),
        ("strength_02", "FLOAT"), ("activate_02", "BOOLEAN"))]  # (its settings named as the file's inputs name them)
    model_node = next(n for n in w.nodes if n["id"] == model)
    lid = len(w.links) + 1
    w.links.append([lid, stack, 0, model, 0, "*"])
    model_node["inputs"].append({"name": "lora", "type": "*", "link": lid})
    start = w.add("VAEEncode", [], pixels=(w.add("LoadImage", ["first.png", "image"]), 0), vae=(vae, 0))
    s = w.add("FramePackSampler", list(SAMPLER), model=(model, 0), positive=(pos, 0), negative=(neg, 0),
              start_latent=(start, 0))
    dec = w.add("VAEDecodeTiled", [256, 64, 64, 8], samples=(s, 0), vae=(vae, 0))
    w.add("VHS_VideoCombine", {"frame_rate": 30, "filename_prefix": "fp"}, images=(dec, 0))
    conv = convert(w.doc(), "framepack_lora")
    line = next(x for x in conv.log if "nodes read as ComfyUI's own" in x)
    own = line.split(";")[0]
    assert "FramePackUnheardLoraStack" not in own, line
    assert "FramePackUnheardLoraStack as LoraLoaderModelOnly (a LoRA list of a pack Studio's catalogue does not hold, " \
           "read by its shape" in line
    assert nodes_of(conv, "video_models.lora")[0].params["lora"] == "x\\style.safetensors"


def _fun_control_nodes(control_file: str, counted: bool = True) -> dict:
    """Wan Fun Control whose control clip is LoadImage ``control_file`` through a resize, its length the count of
    those frames (GetImageSizeAndCount) where ``counted``; the start picture a still ({id: (class_type, inputs)})."""
    return {
        "1": ("UNETLoader", {"unet_name": "Wan2.1-Fun-1.3B-Control.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "a dancer", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "6": ("LoadImage", {"image": control_file}),
        "7": ("ImageScale", {"image": ["6", 0], "upscale_method": "nearest-exact", "width": 512, "height": 512,
                             "crop": "disabled"}),
        "8": ("GetImageSizeAndCount", {"image": ["7", 0]}),
        "9": ("LoadImage", {"image": "start.png"}),
        "10": ("WanFunControlToVideo", {"positive": ["4", 0], "negative": ["5", 0], "vae": ["3", 0],
                                        "start_image": ["9", 0], "control_video": ["8", 0] if counted else ["7", 0],
                                        "width": 512, "height": 512, "length": ["8", 3] if counted else 49,
                                        "batch_size": 1}),
        "11": ("KSampler", {"seed": 1, "steps": 20, "cfg": 6.0, "sampler_name": "uni_pc", "scheduler": "simple",
                            "denoise": 1.0, "model": ["1", 0], "positive": ["10", 0], "negative": ["10", 1],
                            "latent_image": ["10", 2]}),
        "12": ("VAEDecode", {"samples": ["11", 0], "vae": ["3", 0]}),
        "13": ("CreateVideo", {"images": ["12", 0], "fps": 16}),
        "14": ("SaveVideo", {"video": ["13", 0], "filename_prefix": "video/x", "format": "auto", "codec": "auto"})}


def _fun_control(control_file: str, counted: bool = True):
    return convert(api(_fun_control_nodes(control_file, counted)), "fun_control")


def test_an_animated_picture_the_workflow_counts_as_a_clip_is_said_read_as_one_still():
    """(fix24: now made as Load Video, the assumption said: tests/convert/test_comfy_fix24.py.)"""
    conv = _fun_control("poses.webp")
    assert nodes_of(conv, "video_models.wan_fun_control"), conv.tasks
    line = next((x for x in conv.log if "ComfyUI's LoadImage reads every frame" in x), None)
    assert line is not None, "\n".join(conv.log)
    assert "(LoadImage, #6) gives 'poses.webp' to the 'control' of" in line and "Studio assumes the file" in line
    assert "start.png" not in line
    gif = next(x for x in _fun_control("poses.gif").log if "ComfyUI's LoadImage reads every frame" in x)
    assert "made as Studio's Load Video" in gif
    for quiet in (_fun_control("poses.png"), _fun_control("poses.webp", counted=False)):  # (no count: a still)
        assert not any("ComfyUI's LoadImage reads every frame" in x for x in quiet.log)


def test_a_caption_of_a_loaders_frames_reads_them_after_the_loaders_own_trim():
    nodes = {
        "1": ("UNETLoader", {"unet_name": "wan2.1_vace_1.3B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("VHS_LoadVideoPath", {"video": "walk.mp4", "force_rate": 0, "frame_load_cap": 33,
                                    "skip_first_frames": 100, "select_every_nth": 1, "format": "None"}),
        "5": ("DownloadAndLoadFlorence2Model", {"model": "MiaoshouAI/Florence-2-base-PromptGen-v2.0",
                                                "precision": "fp16", "attention": "sdpa"}),
        "6": ("Florence2Run", {"image": ["4", 0], "florence2_model": ["5", 0], "text_input": "",
                               "task": "detailed_caption", "fill_mask": True, "keep_model_loaded": False,
                               "max_new_tokens": 1024, "num_beams": 3, "do_sample": False}),
        "7": ("CLIPTextEncode", {"text": ["6", 2], "clip": ["2", 0]}),
        "8": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "9": ("WanVaceToVideo", {"positive": ["7", 0], "negative": ["8", 0], "vae": ["3", 0],
                                 "control_video": ["4", 0], "width": 512, "height": 512, "length": 33,
                                 "batch_size": 1, "strength": 1.0}),
        "10": ("KSampler", {"seed": 1, "steps": 20, "cfg": 6.0, "sampler_name": "uni_pc", "scheduler": "simple",
                            "denoise": 1.0, "model": ["1", 0], "positive": ["9", 0], "negative": ["9", 1],
                            "latent_image": ["9", 2]}),
        "11": ("TrimVideoLatent", {"samples": ["10", 0], "trim_amount": ["9", 3]}),
        "12": ("VAEDecode", {"samples": ["11", 0], "vae": ["3", 0]}),
        "13": ("CreateVideo", {"images": ["12", 0], "fps": 16}),
        "14": ("SaveVideo", {"video": ["13", 0], "filename_prefix": "video/x", "format": "auto", "codec": "auto"})}
    conv = convert(api(nodes), "caption_trim")
    cap = nodes_of(conv, "encode.caption")
    assert cap, "\n".join(conv.log)
    src = source_of(conv, cap[0].id, "image")
    assert src.type_id == "transform.trim" and src.params["start"] == 100, src
    assert "captions the picture of Studio's 'Load Video' after its own Trim" in said(conv)


def test_a_model_patch_with_no_setting_is_said_without_an_empty_pair_of_braces():
    nodes = _fun_control_nodes("poses.png")
    nodes["20"] = ("CFGZeroStar", {"model": ["1", 0]})  # (between the model and the sampler)
    nodes["11"][1]["model"] = ["20", 0]
    conv = convert(api(nodes), "patched")
    line = next(x for x in said(conv).splitlines() if "'CFGZeroStar' (CFGZeroStar, #20" in x and "between the model "
                "loader and" in x)
    assert "({})" not in line and line.rstrip().endswith("Studio loads the model without it"), line
