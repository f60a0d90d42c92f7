"""Mends from the forty-third held-out set (benchmarks/results/heldout43_2026-11-30.md), each read by declared types and
shown on packs invented for the test (the same shapes, other names): a two-model sampler's setting naming one stage's
model and 'steps' beside the node's own steps is that stage's share of the one schedule (its switch), never the
stage's whole schedule (heldout43 02: 'high_steps' 99 read as 99 steps); a picture let go at a node read as another
type, on an input that type does not take, is said at that node and input, not at the decoder further on."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.packs import expert_samplers
from studio.convert.reading.workflow import Workflow
from tests.convert.said import api, said

WAN22 = {"1": ("UNETLoader", {"unet_name": "wan2.2_i2v_high_noise_14B_fp16.safetensors", "weight_dtype": "default"}),
         "2": ("UNETLoader", {"unet_name": "wan2.2_i2v_low_noise_14B_fp16.safetensors", "weight_dtype": "default"}),
         "3": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}),
         "4": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
         "5": ("CLIPTextEncode", {"text": "a kitten pounces", "clip": ["3", 0]}),
         "6": ("CLIPTextEncode", {"text": "", "clip": ["3", 0]}),
         "7": ("EmptyHunyuanLatentVideo", {"width": 832, "height": 480, "length": 81, "batch_size": 1}),
         "9": ("VAEDecode", {"samples": ["8", 0], "vae": ["4", 0]}),
         "10": ("SaveWEBM", {"images": ["9", 0], "filename_prefix": "out", "codec": "vp9", "fps": 16.0, "crf": 32})}


def _duo(**steps) -> dict:
    sampler = ("RhoDuoStepSampler", {"model_high_noise": ["1", 0], "model_low_noise": ["2", 0], "positive": ["5", 0],
                                     "negative": ["6", 0], "latent_image": ["7", 0], "seed": 0,
                                     "sampler_name": "euler", "scheduler": "simple", **steps})
    return api({**WAN22, "8": sampler})


def test_a_stage_named_steps_beside_the_nodes_steps_is_that_stages_share_not_its_schedule():
    wf = Workflow.read(_duo(steps=4, high_steps=99))  # 99: not below its 4 steps, no switch by count
    line = expert_samplers.translate(wf)[0]
    assert wf.nodes["8"].widgets["steps"] == wf.nodes["8~2"].widgets["steps"] == 4
    assert "end_at_step" not in wf.nodes["8"].widgets and ", steps 99" not in line
    assert "its high_steps 99 is not applied" in line
    conv = convert(_duo(steps=4, high_steps=99), "duo.json")
    assert "(steps 99" not in said(conv) and "(steps 4," in said(conv)
    wf = Workflow.read(_duo(steps=6, high_steps=2))  # the high-noise model's 2 of the 6 steps: the switch at 2
    line = expert_samplers.translate(wf)[0]
    assert wf.nodes["8"].widgets["end_at_step"] == 2 and wf.nodes["8~2"].widgets["start_at_step"] == 2
    assert wf.nodes["8~2"].widgets["steps"] == 6 and "the switch at step 2 read" in line
    wf = Workflow.read(_duo(steps=6, steps_low=4))  # the low-noise model's last 4 of the 6: the switch at 2
    expert_samplers.translate(wf)
    assert wf.nodes["8"].widgets["end_at_step"] == 2 and wf.nodes["8~2"].widgets["steps"] == 6
    wf = Workflow.read(_duo(high_steps=5))  # no steps of the node's own: the stage's own schedule, as before
    expert_samplers.translate(wf)
    assert wf.nodes["8"].widgets["steps"] == 5


def _n(nid, cls, ins, outs, values):
    return {"id": nid, "type": cls, "mode": 0, "widgets_values": values,
            "inputs": [{"name": k, "type": t, "link": lk, **({"widget": {"name": k}} if w else {})}
                       for k, t, lk, w in ins],
            "outputs": [{"name": k, "type": t, "links": lk} for k, t, lk in outs]}


def _trio() -> dict:
    """A Wan 2.2 image to video whose latent maker (no pack in the catalogue declares it) takes a start, a middle and
    an end picture: read as a core task node taking the start picture alone."""
    nodes = [_n(1, "UNETLoader", [], [("MODEL", "MODEL", [1])], ["wan2.2_ti2v_5B_fp16.safetensors", "default"]),
             _n(2, "CLIPLoader", [], [("CLIP", "CLIP", [2, 3])], ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan",
                                                                  "default"]),
             _n(3, "VAELoader", [], [("VAE", "VAE", [4, 5])], ["wan2.2_vae.safetensors"]),
             _n(4, "CLIPTextEncode", [("clip", "CLIP", 2, False)], [("CONDITIONING", "CONDITIONING", [6])],
                ["a kitten pounces"]),
             _n(5, "CLIPTextEncode", [("clip", "CLIP", 3, False)], [("CONDITIONING", "CONDITIONING", [7])], [""]),
             _n(6, "LoadImage", [], [("IMAGE", "IMAGE", [8]), ("MASK", "MASK", [])], ["first.png", "image"]),
             _n(7, "LoadImage", [], [("IMAGE", "IMAGE", [9]), ("MASK", "MASK", [])], ["middle.png", "image"]),
             _n(8, "LoadImage", [], [("IMAGE", "IMAGE", [10]), ("MASK", "MASK", [])], ["last.png", "image"]),
             _n(9, "ZetaTrioFrameToVideo", [("positive", "CONDITIONING", 6, False),
                                            ("negative", "CONDITIONING", 7, False), ("vae", "VAE", 4, False),
                                            ("start_image", "IMAGE", 8, False), ("middle_image", "IMAGE", 9, False),
                                            ("end_image", "IMAGE", 10, False), ("width", "INT", None, True),
                                            ("height", "INT", None, True), ("length", "INT", None, True),
                                            ("batch_size", "INT", None, True), ("middle_at", "FLOAT", None, True)],
                [("positive", "CONDITIONING", [11]), ("negative", "CONDITIONING", [12]), ("latent", "LATENT", [13])],
                [832, 480, 81, 1, 0.5]),
             _n(10, "KSampler", [("model", "MODEL", 1, False), ("positive", "CONDITIONING", 11, False),
                                 ("negative", "CONDITIONING", 12, False), ("latent_image", "LATENT", 13, False)],
                [("LATENT", "LATENT", [14])], [7, "fixed", 20, 5.0, "euler", "simple", 1.0]),
             _n(11, "VAEDecode", [("samples", "LATENT", 14, False), ("vae", "VAE", 5, False)],
                [("IMAGE", "IMAGE", [15])], []),
             _n(12, "CreateVideo", [("images", "IMAGE", 15, False)], [("VIDEO", "VIDEO", [16])], [16]),
             _n(13, "SaveVideo", [("video", "VIDEO", 16, False)], [], ["video/trio", "auto", "auto"])]
    links = [[1, 1, 0, 10, 0, "MODEL"], [2, 2, 0, 4, 0, "CLIP"], [3, 2, 0, 5, 0, "CLIP"], [4, 3, 0, 9, 2, "VAE"],
             [5, 3, 0, 11, 1, "VAE"], [6, 4, 0, 9, 0, "CONDITIONING"], [7, 5, 0, 9, 1, "CONDITIONING"],
             [8, 6, 0, 9, 3, "IMAGE"], [9, 7, 0, 9, 4, "IMAGE"], [10, 8, 0, 9, 5, "IMAGE"],
             [11, 9, 0, 10, 1, "CONDITIONING"], [12, 9, 1, 10, 2, "CONDITIONING"], [13, 9, 2, 10, 3, "LATENT"],
             [14, 10, 0, 11, 0, "LATENT"], [15, 11, 0, 12, 0, "IMAGE"], [16, 12, 0, 13, 0, "VIDEO"]]
    return {"nodes": nodes, "links": links}


def test_a_picture_let_go_at_a_node_read_as_another_type_is_said_at_that_node_and_input():
    text = said(convert(_trio(), "trio.json"))
    assert "middle_image (wired)" in text  # (the reading of the node as another type says what it does not take)
    for name, k in (("'middle.png'", "middle_image"),):
        line = next(x for x in text.splitlines() if f"the image {name}" in x and "reaches this output" in x)
        assert f"(ZetaTrioFrameToVideo, #9)'s '{k}', which Studio's reading of that node as" in line, line
    assert "through ComfyUI's 'VAEDecode'" not in text
    # (f2rank7: read as WanFirstLastFrameToVideo, ranked by the pictures wired into it, the end picture is taken)
    assert "the image 'last.png'" not in text and "is read as WanFirstLastFrameToVideo" in text, text
