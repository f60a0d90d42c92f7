"""Mechanisms a thirty-seventh held-out set (benchmarks/results/heldout37_2026-11-30.md: video workflows artists share,
finishing, UI and API; owners m-r) showed, each on a small hand-written workflow."""
from __future__ import annotations

import json

from studio.convert.mapping.convert import convert

from .workflow_shapes import ltx_director_take
from tests.convert.said import api as _api, nodes_of as _nodes, said as _said


def test_a_held_tasks_prompt_written_by_a_text_node_is_read_where_studio_holds_it():
    """Max007001002's SDXL helper (16): a pack's tiled upscale (held, no generator) of a picture sampled from a prompt
    whose text a text node writes; the held task keeps that prompt as a Text Prompt holding the text node's words, yet
    the text node was said to give them "which Studio does not read there" (false: the Text Prompt holds them)."""
    wf = _api({
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "sdxl_base.safetensors"}),
        "2": ("Text Prompt (JPS)", {"text": "a lighthouse on a cliff at dusk"}),
        "3": ("CLIPTextEncode", {"text": ["2", 0], "clip": ["1", 1]}),
        "4": ("CLIPTextEncode", {"text": "blurry", "clip": ["1", 1]}),
        "5": ("EmptyLatentImage", {"width": 1024, "height": 1024, "batch_size": 1}),
        "6": ("KSampler", {"seed": 3, "steps": 20, "cfg": 4, "sampler_name": "euler", "scheduler": "normal",
                           "denoise": 1, "model": ["1", 0], "positive": ["3", 0], "negative": ["4", 0],
                           "latent_image": ["5", 0]}),
        "7": ("VAEDecode", {"samples": ["6", 0], "vae": ["1", 2]}),
        "8": ("UpscaleModelLoader", {"model_name": "4x_foolhardy.pth"}),
        "9": ("UltimateSDUpscale", {"upscale_by": 1.5, "seed": 1, "steps": 20, "cfg": 3.5, "sampler_name": "euler",
                                    "scheduler": "normal", "denoise": 0.3, "mode_type": "Chess", "tile_width": 1024,
                                    "tile_height": 1024, "mask_blur": 8, "tile_padding": 32, "seam_fix_mode": "None",
                                    "seam_fix_denoise": 1, "seam_fix_width": 64, "seam_fix_mask_blur": 8,
                                    "seam_fix_padding": 16, "force_uniform_tiles": True, "tiled_decode": False,
                                    "image": ["7", 0], "model": ["1", 0], "positive": ["3", 0], "negative": ["4", 0],
                                    "vae": ["1", 2], "upscale_model": ["8", 0]}),
        "10": ("SaveImage", {"filename_prefix": "up", "images": ["9", 0]}),
    })
    conv = convert(wf, "helper.json")
    said = _said(conv)
    assert [n.params["text"] for n in _nodes(conv, "io.text") if n.title == "Prompt"] == [
        "a lighthouse on a cliff at dusk"]
    assert "which Studio does not read there" not in said


def _director(duration_frames, segments: list[dict], global_prompt: str = "spring gardens, cherry blossoms") -> dict:
    """An LTX-2.3 Director take as an API file saves it (its length in 'duration_frames', as text where a RunPod
    template's values were written so), its timeline's ``segments``, sampled once and saved."""
    return ltx_director_take({"start_second": 0, "end_second": 6, "duration_seconds": 6, "start_frame": "0",
                              "end_frame": 144, "duration_frames": duration_frames,
                              "timeline_data": json.dumps({"mainTrackEnabled": True, "global_prompt": global_prompt,
                                                           "start_frame": 0, "segments": segments}),
                              "local_prompts": "", "segment_lengths": "", "epsilon": 0.001, "guide_strength": "",
                              "use_custom_audio": False, "frame_rate": 24, "display_mode": "seconds",
                              "custom_width": 768, "custom_height": 512, "resize_method": "stretch to fit",
                              "divisible_by": 32, "img_compression": 18, "timeline_ui": ""}, rate_slot=6)


PICTURES = [{"type": "image", "imageFile": "scene_A.png", "start": 0, "length": 1},
            {"type": "image", "imageFile": "scene_C.png", "start": 72, "length": 1},
            {"type": "image", "imageFile": "scene_B.png", "start": 143, "length": 1}]


def test_the_directors_picture_segments_have_no_prompt_to_join_and_its_length_saved_as_text_is_read():
    """mantoufan's LTX Director API template (07): three picture segments with no prompt were said "3 segment prompts
    (each over its own frames by Prompt Relay's attention masks) are joined into one prompt" (false: the take's prompt
    is the global prompt alone), and its length, saved as the text "144", was said "not saved in a form Studio reads"
    (the generator left at its own length)."""
    conv = convert(_director("144", PICTURES), "director.json")
    said, gen = _said(conv), _nodes(conv, "video_models.ltx2")[0]
    assert "segment prompt" not in said and "not saved in a form Studio reads" not in said
    assert gen.params["prompt"] == "spring gardens, cherry blossoms"
    assert gen.params["frames"] == 145 and gen.params["keyframes"] == "0, 72, 143"
    # segments that do hold prompts: joined with the global one, and said so
    told = [dict(s, prompt=p) for s, p in zip(PICTURES, ("a gate", "a pond", "a pavilion"))]
    conv = convert(_director(144, told), "director.json")
    assert ("'LTXDirector' (LTXDirector, #5)'s 3 segment prompts (each over its own frames by Prompt Relay's "
            "attention masks) and its global prompt are joined into one prompt") in _said(conv)
    assert _nodes(conv, "video_models.ltx2")[0].params["prompt"].split("\n") == [
        "spring gardens, cherry blossoms", "a gate", "a pond", "a pavilion"]


class _UI:
    """A UI file built node by node, its sockets typed: ``add(type, widgets, outs, **inputs)``, each input
    (node id, slot, type)."""

    def __init__(self):
        self.nodes, self.links = [], []

    def add(self, cls: str, widgets=None, outs=(), title=None, **inputs) -> int:
        nid = len(self.nodes) + 1
        ins = []
        for name, (src, slot, typ) in inputs.items():
            lid = len(self.links) + 1
            self.links.append([lid, src, slot, nid, len(ins), typ])
            ins.append({"name": name, "type": typ, "link": lid})
            self.nodes[src - 1]["outputs"][slot]["links"].append(lid)
        node = {"id": nid, "type": cls, "mode": 0, "pos": [0, 0], "inputs": ins,
                "outputs": [{"name": t.lower(), "type": t, "links": []} for t in outs],
                "widgets_values": widgets if widgets is not None else []}
        if title:
            node["title"] = title
        self.nodes.append(node)
        return nid

    def doc(self) -> dict:
        return {"last_node_id": len(self.nodes), "last_link_id": len(self.links), "nodes": self.nodes,
                "links": self.links, "version": 0.4}


def _ltx_face_pass(w: _UI) -> tuple[int, int]:
    """An LTXV image-to-video pass from a picture (the clip loaded beside it): the clip's loader and the decode."""
    ck = w.add("CheckpointLoaderSimple", ["ltxv-2b.safetensors"], ("MODEL", "CLIP", "VAE"))
    pos = w.add("CLIPTextEncode", ["a sharp close-up of a face"], ("CONDITIONING",), clip=(ck, 1, "CLIP"))
    neg = w.add("CLIPTextEncode", ["blurry"], ("CONDITIONING",), clip=(ck, 1, "CLIP"))
    clip = w.add("VHS_LoadVideo", ["input.mp4", 0, "Disabled", 512, 512, 0, 0, 1],
                 ("IMAGE", "INT", "AUDIO", "VHS_VIDEOINFO"))
    pic = w.add("LoadImage", ["face.png", "image"], ("IMAGE", "MASK"))
    i2v = w.add("LTXVImgToVideo", [768, 512, 97, 1, 0.4], ("CONDITIONING", "CONDITIONING", "LATENT"),
                positive=(pos, 0, "CONDITIONING"), negative=(neg, 0, "CONDITIONING"), vae=(ck, 2, "VAE"),
                image=(pic, 0, "IMAGE"))
    s = w.add("KSampler", [0, "fixed", 30, 3.0, "euler", "normal", 1.0], ("LATENT",), model=(ck, 0, "MODEL"),
              positive=(i2v, 0, "CONDITIONING"), negative=(i2v, 1, "CONDITIONING"), latent_image=(i2v, 2, "LATENT"))
    dec = w.add("VAEDecode", [], ("IMAGE",), samples=(s, 0, "LATENT"), vae=(ck, 2, "VAE"))
    return clip, dec


def test_a_node_no_pack_declares_given_two_clips_is_not_said_to_send_one_on():
    """ryukbk's face re-detail (01): a paste-back node no pack declares, given the loaded clip's frames and the
    generator's decoded take, was said "the pictures its 'original_images' is given go there instead" while Studio's
    save writes the generator's take (false: the clip's frames go nowhere): of two such inputs, the one a sampler's
    take comes up is the one named. Given one clip alone, it still says so."""
    w = _UI()
    clip, dec = _ltx_face_pass(w)
    paste = w.add("FacePasteBackish", [0.15], ("IMAGE",), original_images=(clip, 0, "IMAGE"),
                  processed_faces=(dec, 0, "IMAGE"))
    w.add("VHS_VideoCombine", {"frame_rate": 24, "filename_prefix": "faces", "format": "video/h264-mp4"},
          images=(paste, 0, "IMAGE"))
    conv = convert(w.doc(), "faces.json")
    said = _said(conv)
    assert "'FacePasteBackish' (FacePasteBackish, #9), a node whose type no pack in Studio's catalogue declares" in said
    assert "its 'original_images' is given go there instead" not in said
    assert "the pictures its 'processed_faces' is given go there instead" in said  # (the take: what Studio wires)
    saves = _nodes(conv, "io.save_video")
    gen = _nodes(conv, "video_models.image_to_video")[0]
    assert [(l.src, l.dst) for l in conv.graph.links if l.dst == saves[0].id] == [(gen.id, saves[0].id)]
    w = _UI()  # one clip given: what it is given does go there
    clip, dec = _ltx_face_pass(w)
    sharp = w.add("Sharpenish", [0.8], ("IMAGE",), image=(dec, 0, "IMAGE"))
    w.add("VHS_VideoCombine", {"frame_rate": 24, "filename_prefix": "faces", "format": "video/h264-mp4"},
          images=(sharp, 0, "IMAGE"))
    assert "the pictures its 'image' is given go there instead" in _said(convert(w.doc(), "faces.json"))


def test_the_second_experts_lora_goes_on_it_once_however_many_segments_sample_with_it():
    """princepainter's long video (12): three segments, each sampled by the high- then the low-noise expert of one
    pair of models, the later ones through a pack's node; the low-noise expert's LoRA was put on the model once for
    each low-noise sampler reading it (three Video LoRAs of one file, unsaid), where ComfyUI applies it once."""
    w = _UI()
    hi = w.add("UNETLoader", ["wan2.2_i2v_high_noise_14B_fp16.safetensors", "default"], ("MODEL",))
    lo = w.add("UNETLoader", ["wan2.2_i2v_low_noise_14B_fp16.safetensors", "default"], ("MODEL",))
    hl = w.add("LoraLoaderModelOnly", ["lightx2v_high_noise.safetensors", 1.0], ("MODEL",), model=(hi, 0, "MODEL"))
    ll = w.add("LoraLoaderModelOnly", ["lightx2v_low_noise.safetensors", 1.0], ("MODEL",), model=(lo, 0, "MODEL"))
    hs = w.add("ModelSamplingSD3", [5.0], ("MODEL",), model=(hl, 0, "MODEL"))
    ls = w.add("ModelSamplingSD3", [5.0], ("MODEL",), model=(ll, 0, "MODEL"))
    te = w.add("CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"], ("CLIP",))
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"], ("VAE",))
    pic = w.add("LoadImage", ["runner.png", "image"], ("IMAGE", "MASK"))
    neg = w.add("CLIPTextEncode", ["blurry"], ("CONDITIONING",), clip=(te, 0, "CLIP"))
    prev = None
    for i, text in enumerate(("a boy runs", "he slows down", "he runs again")):
        pos = w.add("CLIPTextEncode", [text], ("CONDITIONING",), clip=(te, 0, "CLIP"))
        if prev is None:
            cond = w.add("WanImageToVideo", [480, 832, 81, 1], ("CONDITIONING", "CONDITIONING", "LATENT"),
                         positive=(pos, 0, "CONDITIONING"), negative=(neg, 0, "CONDITIONING"), vae=(vae, 0, "VAE"),
                         start_image=(pic, 0, "IMAGE"))
        else:
            cond = w.add("LongVideoish", [480, 832, 81, 1, 10], ("CONDITIONING", "CONDITIONING", "LATENT"),
                         positive=(pos, 0, "CONDITIONING"), negative=(neg, 0, "CONDITIONING"), vae=(vae, 0, "VAE"),
                         previous_video=(prev, 0, "IMAGE"), initial_reference_image=(pic, 0, "IMAGE"))
        first = w.add("KSamplerAdvanced", ["enable", 7 + i, "fixed", 4, 1, "euler", "simple", 0, 2, "enable"],
                      ("LATENT",), model=(hs, 0, "MODEL"), positive=(cond, 0, "CONDITIONING"),
                      negative=(cond, 1, "CONDITIONING"), latent_image=(cond, 2, "LATENT"))
        second = w.add("KSamplerAdvanced", ["disable", 0, "fixed", 4, 1, "euler", "simple", 2, 100, "disable"],
                       ("LATENT",), model=(ls, 0, "MODEL"), positive=(cond, 0, "CONDITIONING"),
                       negative=(cond, 1, "CONDITIONING"), latent_image=(first, 0, "LATENT"))
        dec = w.add("VAEDecode", [], ("IMAGE",), samples=(second, 0, "LATENT"), vae=(vae, 0, "VAE"))
        joined = dec if prev is None else w.add("VHS_MergeImages", {"merge_strategy": "match A"}, ("IMAGE", "INT"),
                                                images_A=(prev, 0, "IMAGE"), images_B=(dec, 0, "IMAGE"))
        prev = joined
    w.add("VHS_VideoCombine", {"frame_rate": 16, "filename_prefix": "long", "format": "video/h264-mp4"},
          images=(prev, 0, "IMAGE"))
    conv = convert(w.doc(), "long.json")
    assert sorted((n.params["lora"], n.params["expert"]) for n in _nodes(conv, "video_models.lora")) == [
        ("lightx2v_high_noise.safetensors", "high noise"), ("lightx2v_low_noise.safetensors", "low noise")]


def test_a_solid_colour_clip_a_save_not_made_writes_is_named():
    """rookiestar28's VHS test (14): EmptyImage's solid-colour frames and EmptyAudio's silence into a Video Combine
    nothing converted feeds; the silence was said, the frames (an EmptyImage, read as a size-giving node) nowhere."""
    wf = _api({
        "1": ("EmptyImage", {"width": 64, "height": 48, "batch_size": 4, "color": 2245734}),
        "2": ("EmptyAudio", {"duration": 0.5, "sample_rate": 44100, "channels": 2}),
        "3": ("VHS_VideoCombine", {"frame_rate": 8, "loop_count": 0, "filename_prefix": "clip",
                                   "format": "video/h264-mp4", "pingpong": False, "save_output": True,
                                   "images": ["1", 0], "audio": ["2", 0]}),
    })
    said = _said(convert(wf, "solid.json"))
    assert ("'EmptyImage' (EmptyImage, #1) makes 'VHS_VideoCombine' (VHS_VideoCombine, node 3)'s 'images' from its "
            "settings alone: not made by Studio (its settings: width 64, height 48, batch_size 4, color 2245734)") in said


def test_a_held_take_names_the_node_giving_its_own_sampler_not_one_of_another_pass_above_it():
    """ryanontheinside's VACE from an audio-reactive pose clip (09): the pose clip gives the Wan sampler its control
    frames (through the VACE start-to-end frames and encode) and, through ControlNetApplyAdvanced, an SDXL pass the
    start picture; the held take was said "a video from ... given to the sampler by ControlNetApplyAdvanced
    (conditioning)", a node of the other pass that gives the Wan sampler nothing."""
    wf = _api({
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "sdxl.safetensors"}),
        "2": ("CLIPTextEncode", {"text": "a woman on a court", "clip": ["1", 1]}),
        "3": ("CLIPTextEncode", {"text": "blurry", "clip": ["1", 1]}),
        "4": ("ControlNetLoader", {"control_net_name": "OpenPoseXL2.safetensors"}),
        "5": ("VHS_LoadVideo", {"video": "pose.mp4", "force_rate": 0, "force_size": "Disabled", "custom_width": 0,
                         "custom_height": 0, "frame_load_cap": 0, "skip_first_frames": 0, "select_every_nth": 1}),
        "6": ("ControlNetApplyAdvanced", {"strength": 1, "start_percent": 0, "end_percent": 1, "positive": ["2", 0],
                                   "negative": ["3", 0], "control_net": ["4", 0], "image": ["5", 0]}),
        "7": ("EmptyLatentImage", {"width": 576, "height": 1024, "batch_size": 1}),
        "8": ("KSampler", {"seed": 1, "steps": 20, "cfg": 6, "sampler_name": "euler", "scheduler": "normal", "denoise": 1,
                    "model": ["1", 0], "positive": ["6", 0], "negative": ["6", 1], "latent_image": ["7", 0]}),
        "9": ("VAEDecode", {"samples": ["8", 0], "vae": ["1", 2]}),
        "10": ("WanVideoVACEModelSelect", {"vace_model": "Wan2_1-VACE_module_1_3B_bf16.safetensors"}),
        "11": ("WanVideoModelLoader", {"model": "wan2.1_t2v_1.3B_bf16.safetensors", "base_precision": "fp16",
                                "quantization": "disabled", "load_device": "offload_device",
                                "attention_mode": "sdpa", "vace_model": ["10", 0]}),
        "12": ("LoadWanVideoT5TextEncoder", {"model_name": "umt5-xxl-enc-bf16.safetensors", "precision": "bf16"}),
        "13": ("WanVideoTextEncode", {"positive_prompt": "a pulsating head", "negative_prompt": "bad",
                               "force_offload": True, "t5": ["12", 0]}),
        "14": ("WanVideoVAELoader", {"model_name": "Wan2_1_VAE_bf16.safetensors", "precision": "bf16"}),
        "15": ("WanVideoVACEStartToEndFrame", {"num_frames": 33, "empty_frame_level": 0.5, "start_image": ["9", 0],
                                        "control_images": ["5", 0]}),
        "16": ("WanVideoVACEEncode", {"width": 480, "height": 832, "num_frames": 33, "strength": 1.0, "vace_start_percent": 0,
                               "vace_end_percent": 1, "vae": ["14", 0], "input_frames": ["15", 0],
                               "ref_images": ["9", 0], "input_masks": ["15", 1]}),
        "17": ("WanVideoSampler", {"steps": 20, "cfg": 4, "shift": 8, "seed": 0, "force_offload": True,
                            "scheduler": "unipc", "riflex_freq_index": 0, "model": ["11", 0],
                            "text_embeds": ["13", 0], "image_embeds": ["16", 0]}),
        "18": ("WanVideoDecode", {"enable_vae_tiling": False, "tile_x": 272, "tile_y": 272, "tile_stride_x": 144,
                           "tile_stride_y": 128, "vae": ["14", 0], "samples": ["17", 0]}),
        "19": ("VHS_VideoCombine", {"frame_rate": 16, "loop_count": 0, "filename_prefix": "vace", "format": "video/h264-mp4",
                             "pingpong": False, "save_output": True, "images": ["18", 0]}),
    })
    conv = convert(wf, "vace.json")
    said = conv.log[0]
    assert said.startswith("This workflow makes a video from video given to the sampler by WanVideoVACEEncode")
    assert "ControlNetApplyAdvanced (conditioning)" not in said


def _take(k, start, seed):
    """One Wan 2.1 image-to-video take from ``start`` (ids prefixed ``k``): its task node, sampler and decode."""
    return {f"{k}1": ("WanImageToVideo", {"width": 832, "height": 480, "length": 81, "batch_size": 1,
                                         "positive": ["4", 0], "negative": ["5", 0], "vae": ["3", 0],
                                         "start_image": start}),
            f"{k}2": ("KSampler", {"seed": seed, "steps": 18, "cfg": 4, "sampler_name": "uni_pc", "scheduler": "simple",
                                  "denoise": 1, "model": ["1", 0], "positive": [f"{k}1", 0], "negative": [f"{k}1", 1],
                                  "latent_image": [f"{k}1", 2]}),
            f"{k}3": ("VAEDecode", {"samples": [f"{k}2", 0], "vae": ["3", 0]})}


def _extension(between: dict, first: str) -> dict:
    """Max007001002's Wan 2.1 extension (06) as API: take 1 from 'duck.png', the nodes ``between`` (ending in #20,
    the frame take 2 starts from), that frame upscaled by a model (4xLSDIR) and resized back to 832x480, take 2 from
    it, and both takes (take 1 as node ``first`` gives it) batched and saved by SaveVideo #42 at 16 fps."""
    return _api({
        "1": ("UNETLoader", {"unet_name": "wan2.1_i2v_480p_14B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "a rubber duck in a stormy bath", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "6": ("LoadImage", {"image": "duck.png"}),
        **_take("1", ["6", 0], 1),
        **between,
        "21": ("UpscaleModelLoader", {"model_name": "4xLSDIR.pth"}),
        "22": ("ImageUpscaleWithModel", {"upscale_model": ["21", 0], "image": ["20", 0]}),
        "23": ("ImageScale", {"upscale_method": "lanczos", "width": 832, "height": 480, "crop": "disabled",
                              "image": ["22", 0]}),
        **_take("3", ["23", 0], 2),
        "40": ("ImageBatch", {"image1": [first, 0], "image2": ["33", 0]}),
        "41": ("CreateVideo", {"fps": 16, "images": ["40", 0]}),
        "42": ("SaveVideo", {"filename_prefix": "duck", "format": "auto", "codec": "auto", "video": ["41", 0]}),
    })


def test_a_model_upscale_of_the_next_takes_start_frame_is_said_not_applied():
    """Max007001002's Wan extension (06): take 2 starts from take 1's last frame upscaled by a model (4xLSDIR) and
    resized back; the upscale was read as a resize (Studio's generator resizes its start image itself) and named
    nowhere, though a learned upscale changes the picture."""
    wf = _extension({"20": ("ImageFromBatch", {"batch_index": 80, "length": 1, "image": ["13", 0]})}, "13")
    said = _said(convert(wf, "duck.json"))
    assert "take 2 starts from frame 80 of take 1's video (ComfyUI's ImageFromBatch, #20)" in said
    assert "ComfyUI's ImageUpscaleWithModel (#22) changing them on the way (its settings: none) is not applied" in said
    assert "ComfyUI's ImageScale (#23)" not in said  # (a resize to the take's own size: the generator's own)


def test_a_save_of_the_first_take_names_the_trim_the_next_take_read_on_its_way():
    """Max007001002's Wan extension (06): take 1's frames from frame 6 on (ImageFromBatch+) are saved alone and give
    take 2 its start frame; the trim, read on the way to take 2's start, was named for neither save of take 1 (the
    one written alone writes every frame, unsaid)."""
    wf = _extension({
        "19": ("ImageFromBatch+", {"start": 6, "length": -1, "image": ["13", 0]}),
        "20": ("ImageFromBatch", {"batch_index": 74, "length": 1, "image": ["19", 0]}),
        "44": ("CreateVideo", {"fps": 16, "images": ["19", 0]}),
        "45": ("SaveVideo", {"filename_prefix": "first", "format": "auto", "codec": "auto", "video": ["44", 0]}),
    }, "19")
    said = _said(convert(wf, "duck.json"))
    assert ("'SaveVideo' (#45) writes the take after ComfyUI's 'ImageFromBatch+' (ImageFromBatch+, #19), which Studio "
            "does not convert: its Save Video writes the take without it") in said
