"""Issue 99, item 6: a subgraph node's values reach the inner settings by name, not one along. A file saved
without proxyWidgets lists a seed's control value ('randomize') beside the seed among the node's values: the
values after it land in their own settings (the model file in the model loader, the LoRA in the LoRA loader,
the text encoder in the CLIP loader, the prompt in the text encoder), and values that cannot be matched are
said, never one along nor Studio's defaults left in silence. Small UI workflows of our own (Wan 2.1 text to
video in a subgraph)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

from .test_comfy_wiring import UI, saved_subgraph, wan_sampler

INPUTS = (("seed", "INT"), ("unet_name", "COMBO"), ("lora_name", "COMBO"), ("clip_name", "COMBO"), ("text", "STRING"))


def _workflow(values: list) -> dict:
    """A subgraph holding Wan 2.1's loaders, LoRA, prompts, latent and KSampler; its inputs (INPUTS) feed the
    KSampler's seed, the UNETLoader's file, the LoRA's file, the CLIPLoader's file and the prompt; the node
    saves ``values`` with no proxyWidgets. The inner nodes' own values are other files, another prompt."""
    inner = UI()
    unet = inner.add("UNETLoader", ["inner_model.safetensors", "default"], ["MODEL"])
    lora = inner.add("LoraLoaderModelOnly", ["inner_lora.safetensors", 0.7], ["MODEL"], {"model": (unet, 0, "MODEL")})
    clip = inner.add("CLIPLoader", ["inner_te.safetensors", "wan", "default"], ["CLIP"])
    pos, ks = wan_sampler(inner, lora, clip, "the inner prompt", 1)
    feeds = {"seed": (ks, "seed"), "unet_name": (unet, "unet_name"), "lora_name": (lora, "lora_name"),
             "clip_name": (clip, "clip_name"), "text": (pos, "text")}
    by_id = {n["id"]: n for n in inner.nodes}
    for slot, (name, kind) in enumerate(INPUTS):
        nid, port = feeds[name]
        lid = len(inner.links) + 1
        inner.links.append([lid, -10, slot, nid, len(by_id[nid]["inputs"]), kind])
        by_id[nid]["inputs"].append({"name": port, "type": kind, "widget": {"name": port}, "link": lid})
    inner.links.append([len(inner.links) + 1, ks, 0, -20, 0, "LATENT"])
    sub = {"id": "sg-wan", "name": "Wan text to video", "inputs": [{"name": n, "type": k} for n, k in INPUTS],
           "outputs": [{"name": "LATENT", "type": "LATENT"}], "nodes": inner.nodes, "links": inner.links}
    w = UI()
    inst = w.add("sg-wan", values, ["LATENT"])
    w.nodes[-1]["inputs"] = [{"name": n, "type": k, "widget": {"name": n}, "link": None} for n, k in INPUTS]
    return saved_subgraph(w, inst, w.add("VAELoader", ["wan_2.1_vae.safetensors"], ["VAE"]), sub)


def _params(conv, type_id):
    return next(n.params for n in conv.graph.nodes.values() if n.type_id == type_id)


def test_a_seeds_control_among_a_subgraph_nodes_values_does_not_shift_the_others():
    values = [42, "randomize", "wan2.1_t2v_1.3B_fp16.safetensors", "my_style.safetensors",
              "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "a red fox in the snow"]
    conv = convert(_workflow(values), "subgraph")
    assert conv.graph.validate() == []
    gen = _params(conv, "video_models.text_to_video")
    assert (gen["seed"], gen["prompt"]) == (42, "a red fox in the snow")
    load = _params(conv, "video_models.load")
    assert load["model"] == "wan2.1_t2v_1.3B_fp16.safetensors"
    assert _params(conv, "video_models.lora")["lora"] == "my_style.safetensors"


def test_values_that_cannot_be_matched_to_a_subgraphs_settings_are_said():
    conv = convert(_workflow([42, "wan2.1_t2v_1.3B_fp16.safetensors", "a red fox in the snow"]), "short")
    text = "\n".join(conv.log)
    assert "subgraph 'Wan text to video' (#1): its 3 saved values do not match its 5 settings (seed, unet_name, lora_name, " \
           "clip_name, text): the inner nodes' own values are read" in text
