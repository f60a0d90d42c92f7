"""EasyAnimate from its own ComfyUI nodes (issue 99, item 7: the families of wave 7 through their ComfyUI nodes):
workflows of our own in the shape of the release's comfyui/ examples (UI JSON, the values by place in the pack's
INPUT_TYPES order: LoadEasyAnimateModel, EasyAnimate_TextBox, the V5 samplers) become Studio's EasyAnimate: text
to video with the sampler's size, length, steps, cfg and seed; image to video with its start and end images; video
to video at the sampler's denoise (held from v2vhold8 to restyle10); EasyAnimate Control on the control clip and
reference image; a camera path of the pack's camera nodes held in one sentence. Before, each gave no generator."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

from .test_comfy_wiring import UI
from tests.convert.said import said as _said

MODEL = "EasyAnimateV5.1-12b-zh-InP"


def _workflow(sampler: str, values: list, images: dict | None = None, model: str = MODEL, lora: bool = False) -> dict:
    """The pack's loader, two text boxes and ``sampler`` (its widgets ``values``; ``images``: its image inputs ->
    the file each Load Image / Load Video reads) into VHS Video Combine."""
    w = UI()
    load = w.add("LoadEasyAnimateModel", [model, "model_cpu_offload_and_qfloat8", "Inpaint",
                                          "easyanimate_video_v5.1_magvit_qwen.yaml", "bf16"], ["EASYANIMATESMODEL"])
    if lora:
        load = w.add("LoadEasyAnimateLora", ["pixel_art.safetensors", 0.55], ["EASYANIMATESMODEL"],
                     {"easyanimate_model": (load, 0, "EASYANIMATESMODEL")})
    pos = w.add("EasyAnimate_TextBox", ["fireworks over a gothic city"], ["STRING_PROMPT"])
    neg = w.add("EasyAnimate_TextBox", ["blurry, distorted"], ["STRING_PROMPT"])
    ins = {"easyanimate_model": (load, 0, "EASYANIMATESMODEL"), "prompt": (pos, 0, "STRING_PROMPT"),
           "negative_prompt": (neg, 0, "STRING_PROMPT")}
    for port, path in (images or {}).items():
        kind = "LoadImage" if path.endswith(".png") else "LoadVideo"
        src = w.add(kind, [path, "image"], ["IMAGE"])
        ins[port] = (src, 0, "IMAGE")
    s = w.add(sampler, values, ["IMAGE"], ins)
    w.add("VHS_VideoCombine", {"frame_rate": 8, "loop_count": 0, "filename_prefix": "EasyAnimate",
                               "format": "video/h264-mp4"}, [], {"images": (s, 0, "IMAGE")},
          props={"Node name for S&R": "VHS_VideoCombine"})
    return w.doc()


def _gen(conv):
    return next(n for n in conv.graph.nodes.values() if n.type_id.startswith("video_models.") and "prompt" in n.params)


def _source(g, node, port):
    link = g.input_link(node.id, port)
    return g.nodes[link.src] if link else None


def test_its_text_to_video_sampler_gives_easyanimate_text_to_video_with_its_settings():
    conv = convert(_workflow("EasyAnimateV5_T2VSampler", [49, 1008, 576, False, 43, "fixed", 50, 6.0, "Flow", 0.1,
                                                          True], model="EasyAnimateV5.1-12b-zh", lora=True), "ea_t2v")
    gen = _gen(conv)
    p = gen.params
    assert gen.type_id == "video_models.text_to_video" and conv.tasks[0]["family"] == "EasyAnimate"
    assert (p["prompt"], p["negative_prompt"]) == ("fireworks over a gothic city", "blurry, distorted")
    assert (p["width"], p["height"], p["frames"], p["steps"], p["guidance"], p["seed"]) == (1008, 576, 49, 50, 6.0, 43)
    lora = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.lora")
    assert (lora.params["lora"], lora.params["strength"]) == ("pixel_art.safetensors", 0.55)
    said = _said(conv)
    assert "TeaCache" in said and "model_cpu_offload_and_qfloat8" in said and "diffusers folder" in said
    assert "LoRA 'pixel_art.safetensors' of 'LoadEasyAnimateLora' is a Video LoRA, which Studio's EasyAnimate refuses" \
        in said
    assert conv.graph.validate() == []


def test_its_image_to_video_sampler_keeps_the_start_and_end_images():
    conv = convert(_workflow("EasyAnimateV5_I2VSampler", [49, 512, 43, "fixed", 50, 6, "Flow", 0.08, True],
                             {"start_img": "start.png", "end_img": "end.png"}), "ea_i2v")
    g, gen = conv.graph, _gen(conv)
    assert gen.type_id == "video_models.image_to_video" and gen.params["frames"] == 49
    assert _source(g, gen, "image").params["path"].endswith("start.png")
    assert _source(g, gen, "last_image").params["path"].endswith("end.png")
    assert gen.params["prompt"] == "fireworks over a gothic city"
    assert "base resolution 512" in _said(conv)
    assert g.validate() == []


def test_its_video_to_video_sampler_restyling_the_clip_is_video_to_video_and_its_control_clip_easyanimate_control():
    """The pack's V2V sampler given a clip restyles it at its denoise: Studio's Video to Video with the clip at that
    strength since restyle10 (held from v2vhold8 while EasyAnimate's Family declared no video to video), the first
    video_length frames it takes said; given a control clip it is EasyAnimate Control, made."""
    conv = convert(_workflow("EasyAnimateV5_V2VSampler", [49, 672, 43, "fixed", 25, 6.0, 0.7, "Flow", 0.1, False],
                             {"validation_video": "dance.mp4"}), "ea_v2v")
    g, gen = conv.graph, _gen(conv)
    assert gen.type_id == "video_models.video_to_video" and g.validate() == []
    p = gen.params
    assert (p["strength"], p["steps"], p["guidance"], p["seed"]) == (0.7, 25, 6.0, 43)
    assert (p["prompt"], p["negative_prompt"]) == ("fireworks over a gothic city", "blurry, distorted")
    assert _source(g, gen, "video").params["path"] == "dance.mp4"
    assert ("'EasyAnimateV5_V2VSampler' (#5) restyles the first 49 frames of the clip it is given (video_length 49): "
            "Studio's Video to Video restyles as many as its 'frames' asks (0: every frame it is given): set its frames "
            "to 49 for the same") in _said(conv)
    assert "cannot restyle" not in _said(conv)
    conv = convert(_workflow("EasyAnimateV5_V2VSampler", [49, 672, 43, "fixed", 25, 6.0, 0.7, "Flow", 0.1, False],
                             {"control_video": "pose.mp4", "ref_image": "ref.png"},
                             model="EasyAnimateV5.1-12b-zh-Control"), "ea_control")
    g, gen = conv.graph, _gen(conv)
    assert gen.type_id == "video_models.easyanimate_control"
    assert _source(g, gen, "control").params["path"].endswith("pose.mp4")
    assert _source(g, gen, "image").params["path"].endswith("ref.png")
    assert g.validate() == []


def test_a_camera_path_of_the_packs_camera_nodes_is_held_in_one_sentence():
    doc = _workflow("EasyAnimateV5_V2VSampler", [49, 672, 43, "fixed", 25, 6.0, 1.0, "Flow", 0.1, False],
                    {"ref_image": "ref.png"}, model="EasyAnimateV5.1-12b-zh-Control-Camera")
    nid = max(n["id"] for n in doc["nodes"]) + 1
    doc["nodes"].append({"id": nid, "type": "CameraBasicFromChaoJie", "mode": 0, "inputs": [],
                         "outputs": [{"name": "CameraPose", "type": "CameraPose"}], "widgets_values": ["Zoom In", 1.0, 49],
                         "pos": [0, 0], "size": [200, 100], "properties": {}})
    sampler = next(n for n in doc["nodes"] if n["type"] == "EasyAnimateV5_V2VSampler")
    doc["links"].append([999, nid, 0, sampler["id"], len(sampler["inputs"]), "STRING"])
    sampler["inputs"].append({"name": "camera_conditions", "type": "STRING", "link": 999})
    conv = convert(doc, "ea_camera")
    assert not [n for n in conv.graph.nodes.values() if n.type_id.startswith("video_models.") and "prompt" in n.params]
    assert conv.tasks[0]["generator"] is None and conv.tasks[0]["family"] == "EasyAnimate"
    assert "camera path made by the pack's camera nodes" in conv.log[0]
