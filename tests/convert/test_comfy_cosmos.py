"""Issue 72: ComfyUI's Cosmos image-to-video workflows (Cosmos 1.0 7B's CosmosImageToVideoLatent, Cosmos
Predict2's CosmosPredict2ImageToVideoLatent; the shape of ComfyUI_examples' cosmos workflows, written here
node by node) convert to Studio's Image to Video keeping their start image, size and length, read as Cosmos
(families/cosmos/comfy.py), where they were a text to video of a model Studio did not run."""
from __future__ import annotations

import pytest

from studio.convert.mapping.convert import convert


def _workflow(latent: str, unet: str, size: tuple[int, int, int]) -> dict:
    w, h, n = size

    def node(i, kind, widgets=(), inputs=(), outputs=()):
        return {"id": i, "type": kind, "mode": 0, "widgets_values": list(widgets),
                "inputs": [{"name": k, "type": t, "link": link} for k, t, link in inputs],
                "outputs": [{"name": k, "type": t} for k, t in outputs]}
    nodes = [node(1, "UNETLoader", [unet, "default"], outputs=[("MODEL", "MODEL")]),
             node(2, "CLIPLoader", ["oldt5_xxl_fp8_e4m3fn_scaled.safetensors", "cosmos", "default"],
                  outputs=[("CLIP", "CLIP")]),
             node(3, "VAELoader", ["cosmos_cv8x8x8_1.0.safetensors"], outputs=[("VAE", "VAE")]),
             node(4, "LoadImage", ["start.png", "image"], outputs=[("IMAGE", "IMAGE"), ("MASK", "MASK")]),
             node(5, "CLIPTextEncode", ["a fox in the snow at dusk"], [("clip", "CLIP", 1)], [("CONDITIONING", "CONDITIONING")]),
             node(6, "CLIPTextEncode", ["blurry, static"], [("clip", "CLIP", 2)], [("CONDITIONING", "CONDITIONING")]),
             node(7, latent, [w, h, n, 1], [("vae", "VAE", 3), ("start_image", "IMAGE", 4), ("end_image", "IMAGE", None)],
                  [("LATENT", "LATENT")]),
             node(8, "KSampler", [7, "fixed", 20, 6.5, "res_multistep", "karras", 1.0],
                  [("model", "MODEL", 5), ("positive", "CONDITIONING", 6), ("negative", "CONDITIONING", 7),
                   ("latent_image", "LATENT", 8)], [("LATENT", "LATENT")]),
             node(9, "VAEDecode", [], [("samples", "LATENT", 9), ("vae", "VAE", 10)], [("IMAGE", "IMAGE")]),
             node(10, "SaveAnimatedWEBP", ["ComfyUI", 24, False, 80, "default"], [("images", "IMAGE", 11)])]
    links = [[1, 2, 0, 5, 0, "CLIP"], [2, 2, 0, 6, 0, "CLIP"], [3, 3, 0, 7, 0, "VAE"], [4, 4, 0, 7, 1, "IMAGE"],
             [5, 1, 0, 8, 0, "MODEL"], [6, 5, 0, 8, 1, "CONDITIONING"], [7, 6, 0, 8, 2, "CONDITIONING"],
             [8, 7, 0, 8, 3, "LATENT"], [9, 8, 0, 9, 0, "LATENT"], [10, 3, 0, 9, 1, "VAE"], [11, 9, 0, 10, 0, "IMAGE"]]
    return {"nodes": nodes, "links": links}


@pytest.mark.parametrize("latent, unet, size", [
    ("CosmosImageToVideoLatent", "Cosmos-1_0-Diffusion-7B-Video2World.safetensors", (1024, 1024, 121)),
    ("CosmosPredict2ImageToVideoLatent", "cosmos_predict2_2B_video2world_480p_16fps.safetensors", (848, 480, 93))])
def test_cosmos_image_to_video_keeps_its_start_image_and_size(latent, unet, size):
    conv = convert(_workflow(latent, unet, size))
    g = conv.graph
    gen = next(n for n in g.nodes.values() if n.type_id == "video_models.image_to_video")
    assert g.nodes[g.input_link(gen.id, "image").src].type_id == "io.load_image"
    assert (gen.params["width"], gen.params["height"], gen.params["frames"]) == size
    load = next(n for n in g.nodes.values() if n.type_id == "video_models.load")
    assert load.params["model"] == unet
    text = "\n".join(conv.log) + "\n".join(n["text"] for n in g.ui.get("notes", []))
    assert "Cosmos" in text and "'base'" in text
