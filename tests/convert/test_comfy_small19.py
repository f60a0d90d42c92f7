"""small19: a take whose every VAE loader on the way is bypassed or muted (yameprogrammer's ltx23I2VWorkflow_v20 and
ltx23DirectorWorkflow_directorV20: rgthree context switches of a bypassed VAELoaderKJ and a bypassed checkpoint) is
said, its loaders named, where Load Video Model's 'vae' is left empty (mapping/cut_vae.py); nothing is said where a
VAE loader runs, nor of a bypassed VAE loader off the take's way."""
from __future__ import annotations

import json

from studio.convert.mapping.file import convert_file

from .said import nodes_of, said, ui

CTX = "RGTHREE_CONTEXT"


def _wan_t2v(vae_mode: int = 0, bundled: bool = False, stray: bool = False) -> dict:
    """Wan 2.1 T2V, its VAE from VAELoader #3 (mode ``vae_mode``); ``bundled``: through two rgthree contexts and a
    context switch, the second context's VAE from a bypassed checkpoint #13; ``stray``: a bypassed VAE loader #20
    read by a bypassed decode #21 of its own."""
    nodes = [(1, "UNETLoader", [], ["MODEL"], ["wan2.1_t2v_1.3B_bf16.safetensors", "default"]),
             (2, "CLIPLoader", [], ["CLIP"], ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"]),
             (3, "VAELoader", [], ["VAE"], ["wan_2.1_vae.safetensors"]),
             (4, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["a red fox runs through snow"]),
             (5, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["blurry"]),
             (6, "EmptyHunyuanLatentVideo", [], ["LATENT"], [832, 480, 33, 1]),
             (7, "KSampler", [("model", "MODEL"), ("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                              ("latent_image", "LATENT")], ["LATENT"], [7, "fixed", 20, 6.0, "uni_pc", "simple", 1.0]),
             (8, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
             (9, "SaveAnimatedWEBP", [("images", "IMAGE")], [], ["fox", 16.0, False, 80, "default"])]
    links = [(1, 0, 7, "model"), (2, 0, 4, "clip"), (2, 0, 5, "clip"), (4, 0, 7, "positive"), (5, 0, 7, "negative"),
             (6, 0, 7, "latent_image"), (7, 0, 8, "samples"), (8, 0, 9, "images")]
    if bundled:
        ctx_in = [("base_ctx", CTX), ("model", "MODEL"), ("clip", "CLIP"), ("vae", "VAE")]
        nodes += [(10, "Context (rgthree)", ctx_in, [CTX, "MODEL", "CLIP", "VAE"], []),
                  (11, "Context (rgthree)", ctx_in, [CTX, "MODEL", "CLIP", "VAE"], []),
                  (12, "Context Switch (rgthree)", [("ctx_01", CTX), ("ctx_02", CTX)], [CTX, "MODEL", "CLIP", "VAE"],
                   []),
                  (13, "CheckpointLoaderSimple", [], ["MODEL", "CLIP", "VAE"], ["wan_all_in_one.safetensors"])]
        links += [(3, 0, 10, "vae"), (13, 2, 11, "vae"), (10, 0, 12, "ctx_01"), (11, 0, 12, "ctx_02"),
                  (12, 3, 8, "vae")]
    else:
        links.append((3, 0, 8, "vae"))
    if stray:
        nodes += [(20, "VAELoader", [], ["VAE"], ["other_vae.safetensors"]),
                  (21, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], [])]
        links += [(20, 0, 21, "vae")]
    wf = ui(nodes, links)
    for n in wf["nodes"]:
        n["mode"] = {3: vae_mode, 13: 4, 20: 4, 21: 4}.get(n["id"], 0)
    return wf


def _convert(tmp_path, name: str, wf: dict):
    path = tmp_path / name
    path.write_text(json.dumps(wf))
    return convert_file(str(path))


def _vae(conv) -> str:
    (load,) = nodes_of(conv, "video_models.load")
    return load.params["vae"]


def test_a_bypassed_vae_loader_feeding_the_decode_is_named_and_what_studio_does_said(tmp_path):
    conv = _convert(tmp_path, "bypassed.json", _wan_t2v(vae_mode=4, stray=True))
    text = said(conv)
    assert conv.pipelines == 1 and _vae(conv) == "", text
    assert ("No VAE reaches 'VAEDecode' (#8)'s 'vae' (the loader on the way: 'VAELoader' (VAELoader, #3, bypassed in "
            "ComfyUI))") in text, text
    assert "Load Video Model's 'vae' is left empty: it reads the VAE from 'base'" in text
    assert "#20" not in text.split("No VAE reaches")[1].split("\n")[0]  # (a bypassed loader off the take's way)


def test_a_muted_vae_loader_is_said_muted(tmp_path):
    text = said(_convert(tmp_path, "muted.json", _wan_t2v(vae_mode=2)))
    assert "'VAELoader' (VAELoader, #3, muted in ComfyUI)" in text, text


def test_vae_loaders_bypassed_behind_a_context_switch_are_each_named(tmp_path):
    conv = _convert(tmp_path, "bundled.json", _wan_t2v(vae_mode=4, bundled=True))
    text = said(conv)
    assert _vae(conv) == "", text
    assert ("(the loaders on the way: 'VAELoader' (VAELoader, #3, bypassed in ComfyUI) and 'CheckpointLoaderSimple' "
            "(CheckpointLoaderSimple, #13, bypassed in ComfyUI))") in text, text


def test_nothing_is_said_where_a_vae_loader_runs(tmp_path):
    for name, wf in (("live.json", _wan_t2v()), ("live_bundled.json", _wan_t2v(bundled=True))):
        conv = _convert(tmp_path, name, wf)
        assert _vae(conv) == "wan_2.1_vae.safetensors", said(conv)
        assert "No VAE reaches" not in said(conv)


def _wan_flf_ui(image_mode: int) -> dict:
    """Wan 2.2 I2V through WanFirstLastFrameToVideo, its start image from LoadImage #6 (mode ``image_mode``), its end
    image from a second LoadImage #12, muted too (yameprogrammer's Wan 2.2 MoE file: both pictures' nodes muted)."""
    nodes = [(1, "UNETLoader", [], ["MODEL"], ["wan2.2_i2v_high_noise_14B_fp8_scaled.safetensors", "default"]),
             (2, "CLIPLoader", [], ["CLIP"], ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"]),
             (3, "VAELoader", [], ["VAE"], ["wan_2.1_vae.safetensors"]),
             (4, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["giant legs step forward"]),
             (5, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], [""]),
             (6, "LoadImage", [], ["IMAGE", "MASK"], ["start.png", "image"]),
             (12, "LoadImage", [], ["IMAGE", "MASK"], ["end.png", "image"]),
             (7, "WanFirstLastFrameToVideo", [("positive", "CONDITIONING"), ("negative", "CONDITIONING"), ("vae", "VAE"),
                                              ("start_image", "IMAGE"), ("end_image", "IMAGE")],
              ["CONDITIONING", "CONDITIONING", "LATENT"], [832, 480, 33, 1]),
             (8, "KSampler", [("model", "MODEL"), ("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                              ("latent_image", "LATENT")], ["LATENT"], [1, "fixed", 4, 1.0, "euler", "simple", 1.0]),
             (9, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
             (10, "SaveAnimatedWEBP", [("images", "IMAGE")], [], ["x", 16.0, False, 80, "default"])]
    links = [(2, 0, 4, "clip"), (2, 0, 5, "clip"), (4, 0, 7, "positive"), (5, 0, 7, "negative"), (3, 0, 7, "vae"),
             (6, 0, 7, "start_image"), (12, 0, 7, "end_image"), (1, 0, 8, "model"), (7, 0, 8, "positive"),
             (7, 1, 8, "negative"), (7, 2, 8, "latent_image"), (8, 0, 9, "samples"), (3, 0, 9, "vae"),
             (9, 0, 10, "images")]
    wf = ui(nodes, links)
    for n in wf["nodes"]:
        n["mode"] = {6: image_mode, 12: 2}.get(n["id"], 0)
    return wf


def test_a_start_image_wired_to_a_muted_loader_is_said_given_nothing_not_connected_to_nothing(tmp_path):
    """The sentence named the input right but said it "connected to nothing", false of a file that wires it; its
    muted (or bypassed: a LoadImage has no input to pass on) source is named instead."""
    for mode, word in ((2, "muted"), (4, "bypassed")):
        conv = _convert(tmp_path, f"flf{mode}.json", _wan_flf_ui(mode))
        text = said(conv)
        assert ("'WanFirstLastFrameToVideo' (WanFirstLastFrameToVideo, #7)'s 'start_image' is given nothing: it is "
                f"wired to 'LoadImage' (LoadImage, #6), {word} in ComfyUI (ComfyUI runs it on the prompt alone)") in text, text
        assert "connected to nothing" not in text
        assert not nodes_of(conv, "video_models.image_to_video")
    made = _convert(tmp_path, "flf_on.json", _wan_flf_ui(0))  # the start image runs: the take is made
    assert nodes_of(made, "video_models.image_to_video") and "given nothing" not in said(made)
