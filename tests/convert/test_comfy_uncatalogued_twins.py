"""A node no pack in Studio's catalogue declares, read as the catalogued node whose sockets it takes (issue 112;
packs/uncatalogued_twins.py, placed_values.py, task_twins.py): its sockets as its file declares them (UI: names and
types; API: names, a linked input's type its source's declared output), its settings by name or by the candidate's
places. Node names invented."""
from __future__ import annotations

from studio.convert.packs import task_twins, uncatalogued_twins
from studio.convert.reading.workflow import Workflow

WAN = "wan2.2_i2v_high_noise_14B_fp16.safetensors"


def _api_animate(extra_socket: bool = False) -> dict:
    embeds = {"vae": ["2", 0], "ref_images": ["3", 0], "width": 832, "height": 480, "num_frames": 81,
              "force_offload": True, "frame_window_size": 77, "swing_mode": "wide", "colormatch": "disabled",
              "pose_strength": 1.0, "face_strength": 1.0}
    if extra_socket:
        embeds["style_images"] = ["3", 0]
    nodes = {"1": ("WanVideoModelLoader", {"model": "Wan2_2-Animate-14B_fp8.safetensors", "base_precision": "bf16",
                                           "quantization": "disabled", "load_device": "offload_device"}),
             "2": ("WanVideoVAELoader", {"model_name": "Wan2_1_VAE_bf16.safetensors", "precision": "bf16"}),
             "3": ("LoadImage", {"image": "ref.png"}),
             "4": ("OmegaAnimateEmbedsX", embeds),
             "5": ("WanVideoSampler", {"model": ["1", 0], "image_embeds": ["4", 0], "steps": 4, "cfg": 1.0,
                                       "shift": 8.0, "seed": 3, "force_offload": True, "scheduler": "unipc",
                                       "riflex_freq_index": 0})}
    return {k: {"class_type": c, "inputs": i} for k, (c, i) in nodes.items()}


def test_an_api_node_no_pack_declares_is_read_as_the_pack_node_whose_sockets_it_takes():
    wf = Workflow.read(_api_animate())
    said = uncatalogued_twins.translate(wf)
    n = wf.nodes["4"]
    assert (n.cls, n.origin) == ("WanVideoAnimateEmbeds", "OmegaAnimateEmbedsX"), said
    assert n.widgets["frame_window_size"] == 77 and "swing_mode" not in n.widgets and set(n.links) == {"vae",
                                                                                                        "ref_images"}
    assert said == ["'OmegaAnimateEmbedsX' (OmegaAnimateEmbedsX, #4), a node no pack in Studio's catalogue declares, "
                    "is read as ComfyUI-WanVideoWrapper's 'WanVideoAnimateEmbeds' it takes the sockets of (every "
                    "input WanVideoAnimateEmbeds requires, of the same names and types, and its outputs' types); its "
                    "'swing_mode' 'wide' is not taken (WanVideoAnimateEmbeds has no such setting)"]


def test_a_wired_socket_the_candidate_has_not_keeps_the_node_unread():
    wf = Workflow.read(_api_animate(extra_socket=True))
    assert uncatalogued_twins.translate(wf) == [] and wf.nodes["4"].cls == "OmegaAnimateEmbedsX"


def _n(nid, cls, ins, outs, values):
    return {"id": nid, "type": cls, "mode": 0, "widgets_values": values,
            "inputs": [{"name": k, "type": t, "link": lk, **({"widget": {"name": k}} if w else {})}
                       for k, t, lk, w in ins],
            "outputs": [{"name": k, "type": t, "links": lk} for k, t, lk in outs]}


def _ui_i2v(cls: str, outs: list, values: list, vae: bool = True) -> dict:
    ins = [("positive", "CONDITIONING", 3, False), ("negative", "CONDITIONING", 4, False),
           ("start_image", "IMAGE", 5, False), ("width", "INT", None, True)]
    if vae:
        ins.insert(2, ("vae", "VAE", 6, False))
    nodes = [_n(1, "UNETLoader", [], [("MODEL", "MODEL", [1])], [WAN, "default"]),
             _n(2, "CLIPLoader", [], [("CLIP", "CLIP", [7, 8])], ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan"]),
             _n(3, "CLIPTextEncode", [("clip", "CLIP", 7, False)], [("CONDITIONING", "CONDITIONING", [3])], ["a fox"]),
             _n(4, "CLIPTextEncode", [("clip", "CLIP", 8, False)], [("CONDITIONING", "CONDITIONING", [4])], ["blur"]),
             _n(5, "LoadImage", [], [("IMAGE", "IMAGE", [5]), ("MASK", "MASK", [])], ["cat.png", "image"]),
             _n(6, "VAELoader", [], [("VAE", "VAE", [6])], ["wan_2.1_vae.safetensors"]),
             _n(7, cls, ins, outs, values)]
    links = [[3, 3, 0, 7, 0, "CONDITIONING"], [4, 4, 0, 7, 1, "CONDITIONING"], [5, 5, 0, 7, 3, "IMAGE"],
             [6, 6, 0, 7, 2, "VAE"], [7, 2, 0, 3, 0, "CLIP"], [8, 2, 0, 4, 0, "CLIP"]]
    return {"nodes": nodes, "links": links}


THREE = [("positive", "CONDITIONING", []), ("negative", "CONDITIONING", []), ("latent", "LATENT", [])]


def test_a_ui_node_no_pack_declares_has_its_unnamed_values_read_by_the_core_nodes_places():
    wf = Workflow.read(_ui_i2v("SigmaI2VLatentPro", THREE, [640, 384, 49, 1, 0.7]))
    said = uncatalogued_twins.translate(wf)
    n = wf.nodes["7"]
    assert n.cls == "WanImageToVideo" and n.widgets == {"width": 640, "height": 384, "length": 49, "batch_size": 1}
    assert "(its values named by the places WanImageToVideo declares its settings in); its value 0.7 (at place 5) " \
           "is not taken" in said[0] and "'SigmaI2VLatentPro' (SigmaI2VLatentPro, #7), a node no pack" in said[0]


def test_a_node_missing_a_required_socket_is_no_twin():
    wf = Workflow.read(_ui_i2v("SigmaI2VLatentPro", THREE, [640, 384, 49, 1, 0.7], vae=False))
    assert uncatalogued_twins.translate(wf) == [] and task_twins.translate(wf) == []
    assert wf.nodes["7"].cls == "SigmaI2VLatentPro"
    # its outputs of other types than the candidate's (an image more): no twin either
    wf = Workflow.read(_ui_i2v("SigmaI2VLatentPro", THREE + [("preview", "IMAGE", [])], [640, 384, 49, 1]))
    assert uncatalogued_twins.translate(wf) == [] and wf.nodes["7"].cls == "SigmaI2VLatentPro"


def test_a_ui_node_giving_prompts_in_pairs_is_read_by_task_twins_with_values_by_the_core_nodes_places():
    pairs = [(f"{s}_{p}", "CONDITIONING", []) for s in ("high", "low") for p in ("positive", "negative")]
    wf = Workflow.read(_ui_i2v("PsiI2VDuo", pairs + [("latent", "LATENT", [])], [832, 480, 81, 1, 1.5, True]))
    assert uncatalogued_twins.translate(wf) == []  # (its outputs are not WanImageToVideo's: task_twins' reading)
    said = task_twins.translate(wf)
    n = wf.nodes["7"]
    assert n.cls == "WanImageToVideo" and n.widgets["length"] == 81 and n.widgets["height"] == 480, said
    assert "'PsiI2VDuo' (PsiI2VDuo, #7), a node no pack in Studio's catalogue declares, is read as ComfyUI's " \
           "WanImageToVideo" in said[0] and "its value 1.5 (at place 5), value True (at place 6) are not applied" \
           in said[0]


def test_a_node_sharing_one_socket_with_a_candidate_is_no_twin_whatever_its_values_fit():
    """A cache patch (a model in, a model out, a name and a number saved) fits LoraLoaderModelOnly's settings by place:
    one socket shared proves nothing."""
    nodes = [_n(1, "UNETLoader", [], [("MODEL", "MODEL", [1])], [WAN, "default"]),
             _n(2, "ChiBlockCachePatch", [("model", "MODEL", 1, False)], [("MODEL", "MODEL", [])],
                ["diffusion_model", 0.1])]
    wf = Workflow.read({"nodes": nodes, "links": [[1, 1, 0, 2, 0, "MODEL"]]})
    assert uncatalogued_twins.translate(wf) == [] and wf.nodes["2"].cls == "ChiBlockCachePatch"
