"""The FlashVSR packs' clip upscalers on a clip's way (nodes/finishing/flashvsr/comfy.py) as Load Video -> FlashVSR
Upscale -> Save Video: lihaoyun6's Init + Advanced nodes (as DNPMBHC's fork declares them), 1038lab's preset node
and Goldlionren's model + sampler; settings read by their declared names (1038lab's by its own names and presets),
the packs' file folders carried, what differs said naming the node; a node whose saved values its declaration does
not name is said and read for nothing. Minimal UI workflows of our own."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, notes
from tests.convert.test_comfy_wiring import UI

VHS_LOAD = {"video": "clip.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0, "frame_load_cap": 0,
            "skip_first_frames": 0, "select_every_nth": 1, "format": "None"}
VHS_SAVE = {"frame_rate": 24, "loop_count": 0, "filename_prefix": "up", "format": "video/h264-mp4",
            "pix_fmt": "yuv420p", "crf": 19, "save_metadata": False, "pingpong": False, "save_output": True}
# DNPMBHC's declaration's order (its example saves the seed with no control value after it)
ADV = [4, True, False, True, 256, 24, False, 1.5, 3.5, 9, 77, 0, False, True, 1.0, "wavelet"]
INIT = ["FlashVSR", "full", "Wan2.1", True, "auto", "cuda:0", "auto"]


def _way(upscaler: str, values, extra: dict | None = None, outs=("IMAGE",)) -> dict:
    w = UI()
    load = w.add("VHS_LoadVideo", dict(VHS_LOAD), ["IMAGE", "INT", "AUDIO", "VHS_VIDEOINFO"])
    links = {("frames" if upscaler != "FlashVSR_SM_KSampler" else "image"): (load, 0, "IMAGE")}
    for name, (cls, vals, kind) in (extra or {}).items():
        links[name] = (w.add(cls, vals, [kind]), 0, kind)
    up = w.add(upscaler, values, list(outs), links)
    w.add("VHS_VideoCombine", dict(VHS_SAVE), ["VHS_FILENAMES"], {"images": (up, 0, "IMAGE")})
    return w.doc()


def _one(conv) -> dict:
    (node,) = nodes_of(conv, "finishing.flashvsr")
    return node.params


def test_init_and_advanced_nodes_read_by_their_names():
    conv = convert(_way("FlashVSRNodeAdv", ADV, {"pipe": ("FlashVSRInitPipe", INIT, "PIPE")}), "adv")
    assert conv.graph.validate() == []
    p = _one(conv)
    assert (p["scale"], p["sparse_ratio"], p["kv_ratio"], p["local_range"], p["seed"]) == (4.0, 1.5, 3.5, 9, 77)
    assert (p["color_fix"], p["version"]) == ("wavelet", "1.0")  # model 'FlashVSR': v1.0's weights
    assert p["dit"] == "FlashVSR/diffusion_pytorch_model_streaming_dmd.safetensors"
    assert p["lq_projection"] == "FlashVSR/LQ_proj_in.ckpt" and p["decoder"] == "FlashVSR/TCDecoder.ckpt"
    kinds = {n.type_id for n in conv.graph.nodes.values()}
    assert {"io.load_video", "finishing.flashvsr", "io.save_video"} <= kinds
    text = notes(conv)
    assert "'FlashVSRInitPipe' (#" in text and "mode 'full' decodes with a Wan VAE ('Wan2.1')" in text
    assert "posi_prompt.pth" in text and "tiled_dit" in text and "not applied" in text
    assert "Studio cannot convert" not in text + "\n".join(conv.log)


def test_colour_fix_off_and_resize_factor():
    vals = list(ADV)
    vals[1], vals[14] = False, 0.5
    p = _one(convert(_way("FlashVSRNodeAdv", vals, {"pipe": ("FlashVSRInitPipe", INIT, "PIPE")}), "off"))
    assert p["color_fix"] == "none" and p["scale"] == 2.0  # x4 of a clip halved first: x2 at once


def test_1038lab_preset_and_its_own_names():
    conv = convert(_way("AILab_FlashVSR", ["Fast (2x Speed)", 4, False, 100, "fixed"], outs=("IMAGE", "AUDIO")), "p")
    p = _one(conv)
    assert (p["sparse_ratio"], p["kv_ratio"], p["local_range"], p["scale"], p["seed"]) == (1.5, 1.0, 9, 4.0, 100)
    assert p["dit"] == "FlashVSR/FlashVSR1_1.safetensors" and p["prompt"] == "FlashVSR/Prompt.safetensors"
    text = notes(conv)
    assert "preset 'Fast (2x Speed)' is taken as its settings" in text and "v1.0's LQ projection" in text
    adv = ["Tiny Long (Low VRAM)", 2, True, 384, 24, 1.8, 2.5, 9, True, True, False, "enable", "auto", "bf16", 5,
           "fixed"]
    q = _one(convert(_way("AILab_FlashVSR_Advanced", adv, outs=("IMAGE", "AUDIO")), "a"))
    assert (q["sparse_ratio"], q["kv_ratio"], q["local_range"], q["scale"]) == (1.8, 2.5, 9, 2.0)


def test_values_its_declaration_does_not_name_are_said_not_read():
    old = [4, True, True, True, 256, 24, False, 2, 3, 11, 765473230196164, "randomize"]  # an older 12-value layout
    conv = convert(_way("FlashVSRNodeAdv", old, {"pipe": ("FlashVSRInitPipe", INIT, "PIPE")}), "old")
    p = _one(conv)
    assert p["seed"] == 0 and p["scale"] == 4.0
    assert "12 saved values are in a layout its pack's declaration does not name" in notes(conv)


def test_goldlionren_sampler_and_its_resize_said():
    model = ["dmd.safetensors", "LQ_proj_in.ckpt", "posi_prompt.pth", "none", "TCDecoder.ckpt", True, "none", "1.0"]
    samp = [768, 1024, 5, "fixed", 2, 3.0, 9, 1, 1, 1.5, True, True, "adain", 81]
    conv = convert(_way("FlashVSR_SM_KSampler", samp, {"model": ("FlashVSR_SM_Model", model, "FlashVSR_SM_Model")}),
                   "g")
    p = _one(conv)
    assert (p["version"], p["scale"], p["color_fix"], p["kv_ratio"]) == ("1.0", 2.0, "adain", 3.0)
    assert p["dit"] == "FlashVSR/dmd.safetensors" and p["decoder"] == "FlashVSR/TCDecoder.ckpt"
    text = notes(conv)
    assert "resizes the clip to 768x1024" in text and "mode 'full'" not in text  # a TCDecoder chosen: tiny-long
    (fit,) = nodes_of(conv, "transform.scale")
    assert (fit.params["width"], fit.params["height"], fit.params["crop"]) == (768, 1024, "center")
    assert any(l.dst_port == "video" and conv.graph.nodes[l.src].type_id == "transform.scale"
               and conv.graph.nodes[l.dst].type_id == "finishing.flashvsr" for l in conv.graph.links)
