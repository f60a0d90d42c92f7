"""rtx10 (issue 112): an upscale of pictures by a method Studio does not carry (NVIDIA's RTX Video Super Resolution and
packs' nodes of its kind, told by declared types) made as Studio's Scale to the size the node gives, said; a V3 dynamic
combo's choices catalogued so a UI file's saved values are named. Each test builds a minimal workflow from node types,
values and links (no fetched file) and fails without the mend."""
from __future__ import annotations

from studio.convert.catalogue.mappings import extract_pack
from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said, ui

NEG = "blurry, static"
SCALED = "the frames are scaled, not super-resolved"
IO = {"Image": "IMAGE", "Float": "FLOAT", "Int": "INT", "Combo": "COMBO", "DynamicCombo": "COMFY_DYNAMICCOMBO_V3"}


def _wan_take(after: dict, into: str) -> dict:
    """Wan 2.1 text to video in one core KSampler pass, decoded, then the nodes ``after`` (their ids from "20"), the
    last of which ('into') CreateVideo reads, saved by SaveVideo."""
    return api({
        "1": ("UNETLoader", {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan", "device": "default"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "a lighthouse at dusk, waves rolling in", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": NEG, "clip": ["2", 0]}),
        "6": ("EmptyHunyuanLatentVideo", {"width": 832, "height": 480, "length": 33, "batch_size": 1}),
        "7": ("KSampler", {"seed": 3, "steps": 20, "cfg": 6, "sampler_name": "uni_pc", "scheduler": "simple",
                           "denoise": 1, "model": ["1", 0], "positive": ["4", 0], "negative": ["5", 0],
                           "latent_image": ["6", 0]}),
        "8": ("VAEDecode", {"samples": ["7", 0], "vae": ["3", 0]}),
        **after,
        "30": ("CreateVideo", {"fps": 16, "images": [into, 0]}),
        "31": ("SaveVideo", {"filename_prefix": "video/wan", "format": "auto", "codec": "auto", "video": ["30", 0]}),
    })


def _rtx(mode: str, **sizes) -> tuple:
    """RTX Video Super Resolution on the decoded frames, its dynamic combo as an API file names it."""
    return ("RTXVideoSuperResolution", {"images": ["8", 0], "resize_type": mode,
                                        **{f"resize_type.{k}": v for k, v in sizes.items()}, "quality": "ULTRA"})


def test_the_extractor_records_a_dynamic_combos_choices_and_the_inputs_each_shows():
    """A V3 node's io.DynamicCombo.Input: its choices and the inputs each shows are recorded ('dynamic'), not a bare
    COMFY_DYNAMICCOMBO_V3 input whose settings a UI file saves by place alone."""
    src = '''
from comfy_api.latest import io
class Grow(io.ComfyNode):
    @classmethod
    def define_schema(cls):
        return io.Schema(node_id="GrowFrames", category="image/upscaling", inputs=[
            io.Image.Input("images"),
            io.DynamicCombo.Input("mode", options=[
                io.DynamicCombo.Option("by factor", [io.Float.Input("factor", default=2.0, min=1.0, max=4.0)]),
                io.DynamicCombo.Option("to size", [io.Int.Input("width", default=64, step=8),
                                                   io.Int.Input("height", default=64, step=8)])]),
            io.Combo.Input("grade", options=["A", "B"])],
            outputs=[io.Image.Output("out")])
'''
    rec = extract_pack({"nodes.py": src}, io_types=IO)["GrowFrames"]
    mode = next(i for i in rec["inputs"] if i["name"] == "mode")
    assert [c["key"] for c in mode["dynamic"]] == ["by factor", "to size"]
    assert [i["name"] for i in mode["dynamic"][1]["inputs"]] == ["width", "height"]
    assert mode["dynamic"][1]["inputs"][0]["step"] == 8


def test_a_ui_rtx_vsr_on_a_loaded_clip_is_made_as_scale_by_its_multiplier_its_settings_named():
    """heldout53's upscale_rtx and the ckinpdx UI files: RTX VSR saved as ['scale by multiplier', 2, 'ULTRA'] with
    no widget inputs listed was said with its settings "#0 scale by multiplier, #1 2, #2 ULTRA" and not made. Named by
    the catalogue's dynamic combo; made as Scale x2 (lanczos, each side to a multiple of 8), said."""
    wf = ui([
        (1, "VHS_LoadVideo", [], ["IMAGE", "INT", "AUDIO", "VHS_VIDEOINFO"],
         {"video": "clip.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0, "frame_load_cap": 0,
          "skip_first_frames": 0, "select_every_nth": 1, "format": "None"}),
        (2, "RTXVideoSuperResolution", [("images", "IMAGE")], ["IMAGE"], ["scale by multiplier", 2, "ULTRA"]),
        (3, "VHS_VideoCombine", [("images", "IMAGE"), ("audio", "AUDIO")], ["VHS_FILENAMES"],
         {"frame_rate": 24, "loop_count": 0, "filename_prefix": "up", "format": "video/h264-mp4", "pix_fmt": "yuv420p",
          "crf": 19, "save_metadata": True, "pingpong": False, "save_output": True}),
    ], [(1, 0, 2, "images"), (2, 0, 3, "images"), (1, 2, 3, "audio")])
    conv = convert(wf, "rtx.json")
    (scale,) = nodes_of(conv, "transform.scale")
    assert scale.params["scale"] == 2.0 and scale.params["width"] == 0 and scale.params["height"] == 0
    assert scale.params["interpolation"] == "lanczos" and scale.params["multiple"] == 8
    assert len(nodes_of(conv, "io.save_video")) == 1
    text = said(conv)
    assert ("'RTXVideoSuperResolution' (RTXVideoSuperResolution, #2) is made as Studio's Scale to 2 times the frames' "
            "size, each side to the nearest multiple of 8 (lanczos)") in text
    assert SCALED in text and "its quality ULTRA: not taken" in text
    assert "#0 scale by multiplier" not in text


def test_an_api_rtx_vsr_to_target_dimensions_after_a_take_is_scale_to_that_size_before_the_save():
    """heldout2's Minimax H3 take and the ckinpdx LTX-2.3 files: RTX VSR between the decoded take and CreateVideo was
    "a step ... not applied" and the video written at the take's own size. Now Studio's Scale to 1920x1080 after the
    generator, before Save Video. A width wired to a value Studio cannot work out makes none (not guessed)."""
    conv = convert(_wan_take({"20": _rtx("target dimensions", width=1920, height=1080)}, "20"), "take.json")
    (scale,) = nodes_of(conv, "transform.scale")
    assert (scale.params["width"], scale.params["height"], scale.params["fit"]) == (1920, 1080, "exact")
    (save,) = nodes_of(conv, "io.save_video")
    links = list(conv.graph.links)
    assert any(l.src == scale.id and l.dst == save.id for l in links)
    assert any(l.dst == scale.id and conv.graph.nodes[l.src].type_id.startswith("video_models.") for l in links)
    text = said(conv)
    assert "is made as Studio's Scale to 1920x1080 (lanczos): RTX Video Super Resolution runs on NVIDIA's" in text
    assert "not applied (its settings: resize_type" not in text
    assert "which Studio does not convert: its Save Video writes the take without it" not in text
    wired = {"19": ("ImageBatchToSideInts", {"image": ["8", 0]}),  # (a type no pack declares: its INT not known)
             "20": _rtx("target dimensions", width=["19", 0], height=1080)}
    conv = convert(_wan_take(wired, "20"), "wired.json")  # (a size not read is not guessed: heldout57's picker)
    assert not nodes_of(conv, "transform.scale") and SCALED not in said(conv)


def test_another_packs_upscaler_of_the_kind_is_read_by_its_declared_types_not_its_name():
    """The rule is by declared types: timesaver's TS_RTX_Upscaler (a plain combo choosing a multiplier or a size,
    'scale', 'width', 'height', no model, no resampling filter to choose) to 'target dimensions' is made as Scale to
    its width and height. A mode it does not read ('Same Size') and a core resize choosing its own filter
    (ImageScaleBy, filed under image/upscaling too) make no such Scale."""
    after = {"20": ("TS_RTX_Upscaler", {"images": ["8", 0], "resize_type": "target dimensions", "scale": 2.0,
                                        "width": 1280, "height": 720, "quality": "HIGH"})}
    conv = convert(_wan_take(after, "20"), "ts.json")
    (scale,) = nodes_of(conv, "transform.scale")
    assert (scale.params["width"], scale.params["height"]) == (1280, 720)
    text = said(conv)
    assert "'TS_RTX_Upscaler' (TS_RTX_Upscaler, #20) is made as Studio's Scale to 1280x720" in text
    assert "its scale 2.0, quality HIGH: not taken" in text
    same = {"20": ("TS_RTX_Upscaler", {"images": ["8", 0], "resize_type": "Same Size", "scale": 2.0, "width": 1280,
                                       "height": 720, "quality": "HIGH"})}  # (a mode it does not read: not guessed)
    conv = convert(_wan_take(same, "20"), "same.json")
    assert not nodes_of(conv, "transform.scale") and SCALED not in said(conv)
    core = {"20": ("ImageScaleBy", {"image": ["8", 0], "upscale_method": "bicubic", "scale_by": 1.5})}
    assert SCALED not in said(convert(_wan_take(core, "20"), "by.json"))  # (a core resize choosing its filter)


def test_a_minimax_take_taken_apart_and_scaled_keeps_its_soundtrack_said_as_written():
    """heldout2 (BeriBeli's Minimax H3 1080p): the saved take taken apart again (GetVideoComponents), its frames through
    RTX VSR to 1920x1080, its sound back into a second CreateVideo. Studio's Scale carries the clip's sound, so the
    second save still writes the soundtrack Text to Video makes (said so), not "the video without it"."""
    from tests.convert.test_comfy_minimax_sound import _workflow as minimax_take
    wf = minimax_take(second=True)  # ... CreateVideo #91 -> GetVideoComponents #122 -> CreateVideo #124 -> SaveVideo
    wf["123"] = api({"123": ("RTXVideoSuperResolution", {"images": ["122", 0], "resize_type": "target dimensions",
                                                         "resize_type.width": 1920, "resize_type.height": 1080,
                                                         "quality": "ULTRA"})})["123"]
    wf["124"]["inputs"]["images"] = ["123", 0]
    wf["125"]["inputs"]["filename_prefix"] = "video/h3_1080p"
    conv = convert(wf, "h3_rtx.json")
    (scale,) = nodes_of(conv, "transform.scale")
    assert (scale.params["width"], scale.params["height"]) == (1920, 1080)
    text = said(conv)
    assert "'RTXVideoSuperResolution' (RTXVideoSuperResolution, #123) is made as Studio's Scale to 1920x1080" in text
    assert ("its Save Video writes the soundtrack Studio's 'Text to Video' makes with the video in its place"
            in text), text
    assert "writes the video without it" not in text


def test_a_resize_on_the_frames_way_to_a_refine_pass_is_made_as_scale_before_the_pass():
    """ckinpdx's LTX-2.3 -> Wan 2.2 / HuMo refines scale the take to a longer edge of 1920 (ResizeImagesByLongerEdge)
    before VAEEncode: said "not applied (the pass is made at the take's own size)". Now Studio's Scale on the frames
    before the pass (the longer side to 1920, the other in proportion, rounded down, Lanczos), the pass reading it."""
    from tests.convert.test_comfy_ltx2_inplace_kj import _ltx2_head
    from tests.convert.test_comfy_wiring import UI
    w = UI()
    ck, pos, neg, empty = _ltx2_head(w)
    ks = w.add("KSampler", [5, "fixed", 8, 1.0, "euler", "simple", 1.0], ["LATENT"],
               {"model": (ck, 0, "MODEL"), "positive": (pos, 0, "CONDITIONING"), "negative": (neg, 0, "CONDITIONING"),
                "latent_image": (empty, 0, "LATENT")})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks, 0, "LATENT"), "vae": (ck, 2, "VAE")})
    edge = w.add("ResizeImagesByLongerEdge", [1920], ["IMAGE"], {"images": (dec, 0, "IMAGE")})
    unet = w.add("UNETLoader", ["wan2.2_t2v_low_noise_14B_fp16.safetensors", "default"], ["MODEL"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"], ["CLIP"])
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"], ["VAE"])
    p2 = w.add("CLIPTextEncode", ["a lighthouse at dusk, fine detail"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    n2 = w.add("CLIPTextEncode", ["blurry"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    enc = w.add("VAEEncode", [], ["LATENT"], {"pixels": (edge, 0, "IMAGE"), "vae": (vae, 0, "VAE")})
    ks2 = w.add("KSampler", [9, "fixed", 4, 1.0, "euler", "simple", 0.3], ["LATENT"],
                {"model": (unet, 0, "MODEL"), "positive": (p2, 0, "CONDITIONING"), "negative": (n2, 0, "CONDITIONING"),
                 "latent_image": (enc, 0, "LATENT")})
    dec2 = w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks2, 0, "LATENT"), "vae": (vae, 0, "VAE")})
    cv = w.add("CreateVideo", [24], ["VIDEO"], {"images": (dec2, 0, "IMAGE")})
    w.add("SaveVideo", ["refined", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    conv = convert(w.doc(), "refined")
    g = conv.graph
    v2v = next(n for n in g.nodes.values() if n.type_id == "video_models.video_to_video")
    scale = g.nodes[g.input_link(v2v.id, "video").src]
    assert scale.type_id == "transform.scale"
    assert (scale.params["width"], scale.params["height"], scale.params["fit"]) == (1920, 1920, "within, down")
    assert g.nodes[g.input_link(scale.id, "video").src].type_id == "video_models.ltx2"
    text = said(conv)
    assert (f"'ResizeImagesByLongerEdge' (ResizeImagesByLongerEdge, #{edge}) scales the frames to a longer edge of 1920 "
            "pixels on the frames' way to") in text
    assert "made as Studio's Scale on them before the pass (the longer side to 1920, the other in proportion, " \
           "rounded down, lanczos), the pass made at that size" in text
    assert "the pass is made at the take's own size" not in text
