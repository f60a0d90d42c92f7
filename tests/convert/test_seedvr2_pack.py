"""numz's ComfyUI-SeedVR2_VideoUpscaler v2.5 (SeedVR2LoadDiTModel + SeedVR2LoadVAEModel feeding SeedVR2VideoUpscaler:
nodes/finishing/seedvr2/comfy_pack.py) as Load Image -> SeedVR2 Upscale -> Save Image, or Load Video -> SeedVR2
Upscale -> Save Video, its settings carried over and what differs said; its UI values named in the frontend's order
(required widgets, then optional: the V3 schema declares them mixed); SeedVR2 Upscale's shortest / longest edge."""
from __future__ import annotations

from types import SimpleNamespace

from nodes.finishing.seedvr2_upscale import out_size
from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wiring import UI

# as the pack's example workflows save them: the seed's control value after it, color_correction before the optional
UPSCALER = [42, "fixed", 1080, 0, 33, True, "lab", 3, 0, 0, 0, "cpu", False]
DIT = ["seedvr2_ema_3b_fp16.safetensors", "cuda:0", 32, False, "cpu", False, "sdpa"]
VAE = ["ema_vae_fp16.safetensors", "cuda:0", True, 1024, 128, True, 768, 128, "false", "cpu", False]


def _loaders(w: UI, compile_on: bool = False) -> dict:
    tc = w.add("SeedVR2TorchCompileSettings", ["inductor", "default", False, False, 64, 128], ["TORCH_COMPILE_ARGS"],
               mode=0 if compile_on else 4)
    dit = w.add("SeedVR2LoadDiTModel", DIT, ["SEEDVR2_DIT"], {"torch_compile_args": (tc, 0, "TORCH_COMPILE_ARGS")})
    vae = w.add("SeedVR2LoadVAEModel", VAE, ["SEEDVR2_VAE"], {"torch_compile_args": (tc, 0, "TORCH_COMPILE_ARGS")})
    return {"dit": (dit, 0, "SEEDVR2_DIT"), "vae": (vae, 0, "SEEDVR2_VAE")}


def _image_doc(widgets=UPSCALER, alpha: bool = False) -> dict:
    w = UI()
    img = w.add("LoadImage", ["face.png", "image"], ["IMAGE", "MASK"])
    src = img
    if alpha:
        src = w.add("JoinImageWithAlpha", [], ["IMAGE"], {"image": (img, 0, "IMAGE"), "alpha": (img, 1, "MASK")})
    up = w.add("SeedVR2VideoUpscaler", widgets, ["IMAGE"], {"image": (src, 0, "IMAGE"), **_loaders(w, alpha)})
    w.add("SaveImage", ["upscaled/face"], [], {"images": (up, 0, "IMAGE")})
    return w.doc()


def _types(conv) -> list[str]:
    return sorted(n.type_id for n in conv.graph.nodes.values())


def test_a_still_upscaled_by_the_pack_is_load_image_seedvr2_save_image():
    conv = convert(_image_doc(), "still")
    g = conv.graph
    assert g.validate() == []
    assert _types(conv) == ["finishing.seedvr2", "io.load_image", "io.save_image"]
    kinds = {nid: n.type_id for nid, n in g.nodes.items()}
    assert {(kinds[l.src], l.src_port, kinds[l.dst], l.dst_port) for l in g.links} == {
        ("io.load_image", "image", "finishing.seedvr2", "video"), ("finishing.seedvr2", "video", "io.save_image", "video")}
    p = next(n.params for n in g.nodes.values() if n.type_id == "finishing.seedvr2")
    assert (p["model"], p["vae"], p["seed"]) == ("seedvr2_ema_3b_fp16.safetensors", "ema_vae_fp16.safetensors", 42)
    assert (p["short_edge"], p["max_edge"], p["window"], p["overlap"]) == (1080, 0, 33, 3)  # 'lab' not read as overlap
    assert (p["color_fix"], p["vae_tile"], p["vae_overlap"]) == ("wavelet", 768, 128)
    save = next(n.params for n in g.nodes.values() if n.type_id == "io.save_image")
    assert save["path"] == "out/upscaled/face_00001_.png"
    log = "\n".join(conv.log)
    assert "color_correction 'lab' is the pack's own" in log and "uniform_batch_size True is not applied" in log
    assert "pos_emb.pt" in log and conv.dropped == ["2"], log  # the compile settings, bypassed: listed so
    assert conv.tasks[0]["generator"] == "finishing.seedvr2"


def test_an_alpha_joined_in_and_compile_settings_on_are_said():
    conv = convert(_image_doc(alpha=True), "alpha")
    log = "\n".join(conv.log)
    assert "'JoinImageWithAlpha' (#" in log and "the alpha is neither upscaled nor saved" in log
    assert log.count("torch.compile settings are not applied") == 1 and conv.dropped == [], log


def test_a_clip_upscaled_keeps_its_sound_and_rate():
    w = UI()
    load = w.add("LoadVideo", ["clip.mp4", "image"], ["VIDEO"])
    parts = w.add("GetVideoComponents", [], ["IMAGE", "AUDIO", "FLOAT"], {"video": (load, 0, "VIDEO")})
    up = w.add("SeedVR2VideoUpscaler", UPSCALER, ["IMAGE"], {"image": (parts, 0, "IMAGE"), **_loaders(w)})
    make = w.add("CreateVideo", [30], ["VIDEO"], {"images": (up, 0, "IMAGE"), "audio": (parts, 1, "AUDIO"),
                                                 "fps": (parts, 2, "FLOAT")})
    w.add("SaveVideo", ["video/up", "auto", "auto"], [], {"video": (make, 0, "VIDEO")})
    conv = convert(w.doc(), "clip")
    assert _types(conv) == ["finishing.seedvr2", "io.load_video", "io.save_video"]
    assert conv.graph.validate() == []


def test_a_silent_clip_is_left_to_the_other_stages():
    w = UI()
    load = w.add("LoadVideo", ["clip.mp4", "image"], ["VIDEO"])
    parts = w.add("GetVideoComponents", [], ["IMAGE", "AUDIO", "FLOAT"], {"video": (load, 0, "VIDEO")})
    up = w.add("SeedVR2VideoUpscaler", UPSCALER, ["IMAGE"], {"image": (parts, 0, "IMAGE"), **_loaders(w)})
    make = w.add("CreateVideo", [30], ["VIDEO"], {"images": (up, 0, "IMAGE")})  # no sound: Studio's would keep it
    w.add("SaveVideo", ["video/up", "auto", "auto"], [], {"video": (make, 0, "VIDEO")})
    conv = convert(w.doc(), "silent")
    # the other stages' utility way makes it (heldout35: a family's step on the way is one on its own), as ComfyUI
    # writes it: CreateVideo's own 30 fps (a Frame Rate) and no sound (Replace Audio with none), each said in its note
    assert _types(conv) == ["edit.frame_rate", "edit.replace_audio", "finishing.seedvr2", "io.load_video",
                            "io.save_video"]
    note = "\n".join(n["text"] for n in conv.graph.ui.get("notes", []))
    assert "writes the frames at 30 fps" in note and "without sound" in note, note


def test_short_and_long_edges():
    p = SimpleNamespace(width=0, height=0, scale=2.0, short_edge=1080, max_edge=0)
    assert out_size(640, 360, p) == (1920, 1080)
    assert out_size(320, 478, SimpleNamespace(**{**vars(p), "short_edge": 4096, "max_edge": 4096})) == (2742, 4096)
    assert out_size(640, 360, SimpleNamespace(**{**vars(p), "short_edge": 0})) == (1280, 720)
