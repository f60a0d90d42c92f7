"""The links a UI workflow's frontend-only nodes stand for (studio/convert/comfy_wiring.py): KJNodes' Set/Get
pairs, cg-use-everywhere's broadcasts, reroutes and rgthree's Any Switch. ComfyUI's frontend turns them into
plain links when it queues a workflow; read as nodes, an artist's image to video whose image reached the
sampler through a Get had become text to video (the sampler given nothing), and a workflow whose models
arrived by broadcast had no model at all."""
from __future__ import annotations

import json

import pytest

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wrappers import _nodes

UNET, CLIP, VAE = "wan2.1_i2v_480p_14B_fp16.safetensors", "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan_2.1_vae.safetensors"


class UI:
    """A UI workflow with typed inputs: ``add(type, widgets, outs, inputs={name: (src, slot, type) | type})``, an
    input given as a type alone being one with no link."""

    def __init__(self):
        self.nodes, self.links, self.groups = [], [], []

    def add(self, cls, widgets=(), outs=(), inputs=None, mode=0, title=None, props=None, pos=(0, 0), color=None):
        nid = len(self.nodes) + 1
        ins = []
        for name, given in (inputs or {}).items():
            if isinstance(given, str):
                ins.append({"name": name, "type": given, "link": None})
                continue
            src, slot, kind = given
            lid = len(self.links) + 1
            self.links.append([lid, src, slot, nid, len(ins), kind])
            ins.append({"name": name, "type": kind, "link": lid})
        node = {"id": nid, "type": cls, "mode": mode, "inputs": ins, "outputs": [{"name": o, "type": o} for o in outs],
                "widgets_values": list(widgets), "pos": list(pos), "size": [200, 100], "properties": props or {}}
        if title:
            node["title"] = title
        if color:
            node["color"] = color
        self.nodes.append(node)
        return nid

    def doc(self):
        return {"nodes": self.nodes, "links": self.links, "groups": self.groups}


def _wan_i2v(w: UI, model=None, clip=None, vae=None, image=None):
    """ComfyUI's Wan 2.1 image to video; each of ``model``, ``clip``, ``vae``, ``image`` a (node, slot) wired in,
    or None: that input left without a link (for a broadcast to fill)."""
    def given(src, kind):
        return (src[0], src[1], kind) if src is not None else kind
    pos = w.add("CLIPTextEncode", ["a red fox in the snow"], ["CONDITIONING"], {"clip": given(clip, "CLIP")})
    neg = w.add("CLIPTextEncode", ["blurry"], ["CONDITIONING"], {"clip": given(clip, "CLIP")})
    i2v = w.add("WanImageToVideo", [832, 480, 33, 1], ["CONDITIONING", "CONDITIONING", "LATENT"],
                {"positive": (pos, 0, "CONDITIONING"), "negative": (neg, 0, "CONDITIONING"), "vae": given(vae, "VAE"),
                 "start_image": given(image, "IMAGE")})
    ks = w.add("KSampler", [7, "fixed", 20, 6.0, "uni_pc", "simple", 1.0], ["LATENT"],
               {"model": given(model, "MODEL"), "positive": (i2v, 0, "CONDITIONING"),
                "negative": (i2v, 1, "CONDITIONING"), "latent_image": (i2v, 2, "LATENT")})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks, 0, "LATENT"), "vae": given(vae, "VAE")})
    cv = w.add("CreateVideo", [16], ["VIDEO"], {"images": (dec, 0, "IMAGE")})
    w.add("SaveVideo", ["fox", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    return ks


def _loaders(w: UI):
    return (w.add("UNETLoader", [UNET, "default"], ["MODEL"]), w.add("CLIPLoader", [CLIP, "wan", "default"], ["CLIP"]),
            w.add("VAELoader", [VAE], ["VAE"]), w.add("LoadImage", ["fox.png", "image"], ["IMAGE", "MASK"]))


def _image_of(conv):
    gen = _nodes(conv, "video_models.image_to_video")
    assert gen, conv.log
    link = conv.graph.input_link(gen[0].id, "image")
    return conv.graph.nodes[link.src].params["path"] if link is not None else None


def _listed(conv) -> str:
    return next((line for line in conv.log if "not converted" in line), "")


def test_set_and_get_carry_the_image_and_the_model_and_are_read_away():
    w = UI()
    unet, clip, vae, img = _loaders(w)
    w.add("SetNode", ["start"], ["IMAGE"], {"IMAGE": (img, 0, "IMAGE")})
    w.add("SetNode", ["model"], ["MODEL"], {"MODEL": (unet, 0, "MODEL")})
    got_img = w.add("GetNode", ["start"], ["IMAGE"])
    got_model = w.add("GetNode", ["model"], ["MODEL"])
    _wan_i2v(w, (got_model, 0), (clip, 0), (vae, 0), (got_img, 0))
    conv = convert(w.doc(), "getset")
    assert conv.graph.validate() == []
    assert [(t["task"], t["inputs"]) for t in conv.tasks] == [("image to video", ["image"])]
    assert _image_of(conv) == "fox.png"
    assert UNET in str(_nodes(conv, "video_models.load")[0].params)
    assert "GetNode x2, SetNode x2" in next(line for line in conv.log if "read as the links" in line)
    assert "GetNode" not in _listed(conv) and "SetNode" not in _listed(conv)


def test_a_get_inside_a_subgraph_reads_the_set_around_it():
    w = UI()
    unet, clip, vae, img = _loaders(w)
    w.add("SetNode", ["start"], ["IMAGE"], {"IMAGE": (img, 0, "IMAGE")})
    sub = {"id": "sg-1", "name": "picker", "inputs": [], "outputs": [{"name": "IMAGE", "type": "IMAGE"}],
           "nodes": [{"id": 1, "type": "GetNode", "mode": 0, "inputs": [], "outputs": [{"name": "IMAGE", "type": "IMAGE"}],
                      "widgets_values": ["start"]}],
           "links": [[1, 1, 0, -20, 0, "IMAGE"]]}
    inst = w.add("sg-1", [], ["IMAGE"])
    _wan_i2v(w, (unet, 0), (clip, 0), (vae, 0), (inst, 0))
    doc = w.doc()
    doc["definitions"] = {"subgraphs": [sub]}
    assert _image_of(convert(doc, "sub")) == "fox.png"


def test_anything_everywhere_reaches_every_unwired_input_of_its_types():
    w = UI()
    unet, clip, vae, img = _loaders(w)
    w.add("Anything Everywhere", [], [], {"anything": (unet, 0, "MODEL"), "anything2": (clip, 0, "CLIP"),
                                          "anything3": (vae, 0, "VAE")},
          props={"ue_properties": {"version": "7.3", "group_restricted": 0, "color_restricted": 0}})
    _wan_i2v(w, None, None, None, (img, 0))
    conv = convert(w.doc(), "ue")
    assert conv.graph.validate() == []
    assert _image_of(conv) == "fox.png"
    load = str(_nodes(conv, "video_models.load")[0].params)
    assert UNET in load and CLIP in load and VAE in load
    assert "Anything Everywhere" not in _listed(conv)


def test_two_broadcasts_at_one_priority_leave_the_input_unwired_and_say_so_a_regex_wins():
    w = UI()
    unet, clip, vae, img = _loaders(w)
    other = w.add("UNETLoader", ["some_other_model.safetensors", "default"], ["MODEL"])
    for src in (unet, other):
        w.add("Anything Everywhere", [], [], {"anything": (src, 0, "MODEL")})
    ks = _wan_i2v(w, None, (clip, 0), (vae, 0), (img, 0))
    conv = convert(w.doc(), "tie")
    assert f"'KSampler' (#{ks})'s input 'model' is reached by 'Anything Everywhere' (#" in "\n".join(conv.log)
    assert UNET not in str([n.params for n in _nodes(conv, "video_models.load")])
    # a title expression raises that broadcaster's priority (+20): it alone reaches the sampler
    w.nodes[-8]["properties"] = {"ue_properties": {"title_regex": "KSampler"}}
    conv = convert(w.doc(), "regex")
    assert not any("reached by" in line for line in conv.log)
    assert "some_other_model" in str(_nodes(conv, "video_models.load")[0].params)


def test_a_setting_is_not_reached_unless_its_node_marks_it_connectable():
    w = UI()
    unet, clip, vae, img = _loaders(w)
    seed = w.add("PrimitiveInt", [99], ["INT"])
    w.add("Anything Everywhere", [], [], {"anything": (seed, 0, "INT")})
    ks = _wan_i2v(w, (unet, 0), (clip, 0), (vae, 0), (img, 0))
    sampler = w.nodes[ks - 1]
    sampler["inputs"] += [{"name": k, "type": t, "link": None, "widget": {"name": k}} for k, t in (
        ("seed", "INT"), ("steps", "INT"), ("cfg", "FLOAT"), ("sampler_name", "COMBO"), ("scheduler", "COMBO"),
        ("denoise", "FLOAT"))]  # (today's frontend lists every setting as an input: heldout13 mends for the older)
    gen = _nodes(convert(w.doc(), "seed"), "video_models.image_to_video")[0]
    assert gen.params["seed"] == 7  # the sampler's own setting
    sampler["properties"] = {"ue_properties": {"widget_ue_connectable": {"seed": True}}}
    gen = _nodes(convert(w.doc(), "seed"), "video_models.image_to_video")[0]
    assert gen.params["seed"] == 99


def test_group_restriction_sends_only_to_the_nodes_in_the_broadcasters_group():
    w = UI()
    unet, clip, vae, img = _loaders(w)
    other = w.add("LoadImage", ["other.png", "image"], ["IMAGE", "MASK"])
    w.add("Anything Everywhere", [], [], {"anything": (img, 0, "IMAGE")}, pos=(0, 0),
          props={"ue_properties": {"group_restricted": 1}})
    w.add("Anything Everywhere", [], [], {"anything": (other, 0, "IMAGE")}, pos=(5000, 5000))
    _wan_i2v(w, (unet, 0), (clip, 0), (vae, 0), None)
    i2v = next(n for n in w.nodes if n["type"] == "WanImageToVideo")
    i2v["pos"] = [50, 50]
    w.groups.append({"title": "inputs", "bounding": [-100, -100, 600, 600]})
    assert _image_of(convert(w.doc(), "group")) == "fox.png"  # the restricted one (+3) wins inside its group
    i2v["pos"] = [3000, 3000]  # outside the group: only the unrestricted one reaches it
    assert _image_of(convert(w.doc(), "group")) == "other.png"


def test_prompts_everywhere_gives_positive_and_negative_by_their_names():
    w = UI()
    unet, clip, vae, img = _loaders(w)
    pos = w.add("CLIPTextEncode", ["a heron in the reeds"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    neg = w.add("CLIPTextEncode", ["grainy"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    w.add("Prompts Everywhere", [], [], {"CONDITIONING": (pos, 0, "CONDITIONING"),
                                         "CONDITIONING_1": (neg, 0, "CONDITIONING")})
    i2v = w.add("WanImageToVideo", [832, 480, 33, 1], ["CONDITIONING", "CONDITIONING", "LATENT"],
                {"positive": "CONDITIONING", "negative": "CONDITIONING", "vae": (vae, 0, "VAE"),
                 "start_image": (img, 0, "IMAGE")})
    ks = w.add("KSampler", [7, "fixed", 20, 6.0, "uni_pc", "simple", 1.0], ["LATENT"],
               {"model": (unet, 0, "MODEL"), "positive": (i2v, 0, "CONDITIONING"), "negative": (i2v, 1, "CONDITIONING"),
                "latent_image": (i2v, 2, "LATENT")})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks, 0, "LATENT"), "vae": (vae, 0, "VAE")})
    w.add("SaveVideo", ["heron", "auto", "auto"], [], {"video": (w.add("CreateVideo", [16], ["VIDEO"],
                                                                       {"images": (dec, 0, "IMAGE")}), 0, "VIDEO")})
    gen = _nodes(convert(w.doc(), "pe"), "video_models.image_to_video")[0]
    assert (gen.params["prompt"], gen.params["negative_prompt"]) == ("a heron in the reeds", "grainy")


def test_any_switch_gives_its_first_input_whose_source_runs_and_reroutes_pass_through():
    w = UI()
    unet, clip, vae, img = _loaders(w)
    first = w.add("LoadImage", ["muted.png", "image"], ["IMAGE", "MASK"], mode=2)
    switch = w.add("Any Switch (rgthree)", [], ["*"], {"any_01": (first, 0, "IMAGE"), "any_02": (img, 0, "IMAGE")})
    reroute = w.add("Reroute", [], ["*"], {"": (switch, 0, "*")})
    _wan_i2v(w, (unet, 0), (clip, 0), (vae, 0), (reroute, 0))
    conv = convert(w.doc(), "switch")
    assert _image_of(conv) == "fox.png"
    assert "Any Switch (rgthree)" not in _listed(conv)
    w.nodes[first - 1]["mode"] = 0  # its first input runs: that one
    assert _image_of(convert(w.doc(), "switch")) == "muted.png"


def test_a_hostile_expression_is_not_run_and_thousands_of_broadcasts_stay_bounded():
    w = UI()
    unet, clip, vae, img = _loaders(w)
    w.add("Anything Everywhere", [], [], {"anything": (unet, 0, "MODEL")},
          props={"ue_properties": {"title_regex": "(a+)+$"}})
    ks = _wan_i2v(w, None, (clip, 0), (vae, 0), (img, 0))
    w.nodes[ks - 1]["title"] = "a" * 40 + "!"
    for _ in range(1500):  # 1,500 broadcasts of one type, 1,500 inputs that take it: over the checks' bound
        w.add("Anything Everywhere", [], [], {"anything": (img, 0, "IMAGE")})
        w.add("PreviewImage", [], [], {"images": "IMAGE"})
    conv = convert(w.doc(), "hostile")  # the checks stop at their bound (said below): pytest's timeout is the hang's
    log = "\n".join(conv.log)
    assert "broadcast's expression '(a+)+$' repeats a group that repeats or chooses" in log
    assert "would be checked against its inputs more than 1,000,000 times" in log
    assert sum("at one priority: ComfyUI leaves it unwired" in line for line in conv.log) == 20  # then a count
    assert "more inputs are reached by broadcasts at one priority and left unwired" in log and len(log) < 60_000


def test_a_packs_file_loader_is_read_as_comfyuis_own_by_its_types_and_its_files_name():
    """pysssss' LoadImageWithFilename, or any node with nothing wired in whose first output is a picture and whose
    setting names an image file: the start image (an artist's Wan workflow had been held, 'the start image the
    workflow generates first')."""
    w = UI()
    unet, clip, vae, _ = _loaders(w)
    img = w.add("LoadImageWithFilename|pysssss", ["portraits/fox.jpeg", "image"], ["IMAGE", "MASK", "STRING"])
    _wan_i2v(w, (unet, 0), (clip, 0), (vae, 0), (img, 0))
    conv = convert(w.doc(), "pack_loader")
    assert _image_of(conv) == "portraits/fox.jpeg"
    assert "LoadImageWithFilename" not in _listed(conv)
    w.nodes[img - 1]["widgets_values"] = ["notes.txt", "image"]  # no image file named: not a loader of one
    assert _nodes(convert(w.doc(), "not_a_loader"), "video_models.image_to_video") == []


def _shown_settings_workflow(proxies, values) -> dict:
    """Wan 2.1 text to video whose prompt, size and sampler sit in a subgraph; the subgraph node shows some of
    their settings (``properties.proxyWidgets``: the subgraph's own inputs as "-1", an inner node's by its id)
    and holds their values (``widgets_values``), in the order of that list, not of the subgraph's inputs."""
    inner = UI()
    text = inner.add("CLIPTextEncode", ["inner text"], ["CONDITIONING"], {"clip": "CLIP"})
    neg = inner.add("CLIPTextEncode", ["blurry"], ["CONDITIONING"], {"clip": "CLIP"})
    latent = inner.add("EmptyHunyuanLatentVideo", [848, 480, 33, 1], ["LATENT"])
    ks = inner.add("KSampler", [7, "fixed", 20, 6.0, "uni_pc", "simple", 1.0], ["LATENT"],
                   {"model": "MODEL", "positive": (text, 0, "CONDITIONING"), "negative": (neg, 0, "CONDITIONING"),
                    "latent_image": (latent, 0, "LATENT")})
    names = ["model", "clip", "width", "height", "text"]  # the subgraph's inputs: another order than the values'
    feeds = {"model": [(ks, "model")], "clip": [(text, "clip"), (neg, "clip")], "width": [(latent, "width")],
             "height": [(latent, "height")], "text": [(text, "text")]}
    by_id = {n["id"]: n for n in inner.nodes}
    for slot, name in enumerate(names):
        for nid, port in feeds[name]:
            lid = len(inner.links) + 1
            inner.links.append([lid, -10, slot, nid, 0, "*"])
            ins = by_id[nid]["inputs"]
            found = next((i for i in ins if i["name"] == port), None)
            if found is None:
                found = {"name": port, "type": "*", "widget": {"name": port}}
                ins.append(found)
            found["link"] = lid
    inner.links.append([len(inner.links) + 1, ks, 0, -20, 0, "LATENT"])
    sub = {"id": "sg-shown", "name": "sampling", "inputs": [{"name": n, "type": "*"} for n in names],
           "outputs": [{"name": "LATENT", "type": "LATENT"}], "nodes": inner.nodes, "links": inner.links}
    w = UI()
    unet = w.add("UNETLoader", ["wan2.1_t2v_1.3B_fp16.safetensors", "default"], ["MODEL"])
    clip = w.add("CLIPLoader", [CLIP, "wan", "default"], ["CLIP"])
    vae = w.add("VAELoader", [VAE], ["VAE"])
    inst = w.add("sg-shown", values, ["LATENT"], {"model": (unet, 0, "MODEL"), "clip": (clip, 0, "CLIP")},
                 props={"proxyWidgets": [[str(a) if a != "ks" else str(ks), b] for a, b in proxies]})
    w.nodes[-1]["inputs"] += [{"name": n, "type": "*", "widget": {"name": n}, "link": None} for n in ("width", "height")]
    return saved_subgraph(w, inst, vae, sub)


def saved_subgraph(w: UI, inst: int, vae: int, sub: dict) -> dict:
    """The workflow of ``w`` with its subgraph node ``inst``'s latent decoded by ``vae`` and saved (CreateVideo at
    16 fps, SaveVideo 'fox'), ``sub`` its subgraph's definition."""
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (inst, 0, "LATENT"), "vae": (vae, 0, "VAE")})
    cv = w.add("CreateVideo", [16], ["VIDEO"], {"images": (dec, 0, "IMAGE")})
    w.add("SaveVideo", ["fox", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    doc = w.doc()
    doc["definitions"] = {"subgraphs": [sub]}
    return doc


@pytest.mark.parametrize("proxies, values", [
    # a seed shown with its control: the control keeps no value of its own in the list (ComfyUI's frontend)
    ([("-1", "text"), ("-1", "width"), ("-1", "height"), ("ks", "seed"), ("ks", "control_after_generate")],
     ["a red fox in the snow", 640, 352, 42]),
    ([("-1", "text"), ("-1", "width"), ("-1", "height"), ("ks", "seed")], ["a red fox in the snow", 640, 352, 42]),
])
def test_a_subgraph_nodes_shown_settings_reach_the_settings_they_show(proxies, values):
    conv = convert(_shown_settings_workflow(proxies, values), "shown")
    assert conv.graph.validate() == []
    assert [t["task"] for t in conv.tasks] == ["text to video"]
    gen = _nodes(conv, "video_models.text_to_video")[0].params
    assert (gen["prompt"], gen["width"], gen["height"], gen["frames"], gen["seed"]) == (
        "a red fox in the snow", 640, 352, 33, 42)
    as_text = _shown_settings_workflow(proxies, values)  # the same list saved as JSON text
    inst = next(n for n in as_text["nodes"] if n["type"] == "sg-shown")
    inst["properties"]["proxyWidgets"] = json.dumps(inst["properties"]["proxyWidgets"])
    assert _nodes(convert(as_text, "text"), "video_models.text_to_video")[0].params["prompt"] == "a red fox in the snow"


def _wan_t2v_frames(w: UI) -> int:
    """ComfyUI's Wan 2.1 text to video up to its decoded frames (a red fox in the snow, 640x352, 33 frames, seed 7):
    the VAEDecode's id, for a test to save its way."""
    unet = w.add("UNETLoader", ["wan2.1_t2v_1.3B_fp16.safetensors", "default"], ["MODEL"])
    clip = w.add("CLIPLoader", [CLIP, "wan", "default"], ["CLIP"])
    vae = w.add("VAELoader", [VAE], ["VAE"])
    _, ks = wan_sampler(w, unet, clip, "a red fox in the snow", 7)
    return w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks, 0, "LATENT"), "vae": (vae, 0, "VAE")})


def wan_sampler(w: UI, model: int, clip: int, text: str, seed: int) -> tuple[int, int]:
    """Wan 2.1's prompts (``text``, 'blurry'), a 640x352 33-frame latent and a KSampler (20 steps, cfg 6, ``seed``)
    on ``model`` and ``clip``: (the positive prompt's id, the KSampler's)."""
    pos = w.add("CLIPTextEncode", [text], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    neg = w.add("CLIPTextEncode", ["blurry"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    latent = w.add("EmptyHunyuanLatentVideo", [640, 352, 33, 1], ["LATENT"])
    ks = w.add("KSampler", [seed, "fixed", 20, 6.0, "uni_pc", "simple", 1.0], ["LATENT"],
               {"model": (model, 0, "MODEL"), "positive": (pos, 0, "CONDITIONING"),
                "negative": (neg, 0, "CONDITIONING"), "latent_image": (latent, 0, "LATENT")})
    return pos, ks


@pytest.mark.parametrize("on", [False, True])
def test_a_switch_set_by_a_value_makes_its_output_from_the_side_it_passes_on(on):
    """ComfyUI's Switch (ComfySwitchNode) before the Save, its switch wired to a boolean: the output is made from
    the side the switch passes on; the other side (a shader over a still) is not read as what makes the video."""
    w = UI()
    dec = _wan_t2v_frames(w)
    still = w.add("LoadImage", ["still.png", "image"], ["IMAGE", "MASK"])
    shader = w.add("GLSLShader", ["void main() {}"], ["IMAGE"], {"images.image0": (still, 0, "IMAGE")})
    flag = w.add("PrimitiveBoolean", [on], ["BOOLEAN"])
    switch = w.add("ComfySwitchNode", [False], ["*"], {"on_false": (dec, 0, "IMAGE"), "on_true": (shader, 0, "IMAGE"),
                                                       "switch": (flag, 0, "BOOLEAN")})
    w.nodes[-1]["inputs"][-1]["widget"] = {"name": "switch"}
    cv = w.add("CreateVideo", [16], ["VIDEO"], {"images": (switch, 0, "IMAGE")})
    w.add("SaveVideo", ["fox", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    conv = convert(w.doc(), "switch")
    assert conv.graph.validate() == []
    if not on:
        assert [(t["task"], t["inputs"]) for t in conv.tasks] == [("text to video", [])]
        assert _nodes(conv, "video_models.text_to_video")[0].params["prompt"] == "a red fox in the snow"
    else:  # the shader's picture: no Wan generator made of the side the switch leaves off
        assert not _nodes(conv, "video_models.text_to_video")
        assert any("GLSLShader" in line for line in conv.log)


def test_a_packs_copy_of_video_combine_filed_under_its_name_is_read_as_video_combine():
    """A node pack's copy of VideoHelperSuite's Video Combine under a name of its own (ComfyUI-LTXLongAudio's
    LTXVideoCombine), which the frontend files under 'VHS_VideoCombine' ('Node name for S&R'): read as Video Combine,
    its values in a list (frame rate, loop count, prefix, format first); had been 'no video output'. Filed under its
    own name, it is read by the shape of its declared types (packs/save_shapes.py)."""
    w = UI()
    dec = _wan_t2v_frames(w)
    w.add("LTXVideoCombine", [12, 0, "fox_take", "video/h264-mp4", "yuv420p", 19, True, True, False, True],
          ["VHS_FILENAMES"], {"images": (dec, 0, "IMAGE")}, props={"Node name for S&R": "VHS_VideoCombine"})
    conv = convert(w.doc(), "copy")
    assert conv.graph.validate() == []
    assert [t["task"] for t in conv.tasks] == ["text to video"]
    assert _nodes(conv, "video_models.text_to_video")[0].params["fps"] == 12.0
    assert _nodes(conv, "io.save_video")[0].params["path"].endswith("fox_take.mp4")
    w.nodes[-1]["properties"] = {}  # filed under its own name: read by the save's shape its pack declares (saves1)
    conv = convert(w.doc(), "own name")
    assert [t["task"] for t in conv.tasks] == ["text to video"]
    assert _nodes(conv, "io.save_video")[0].params["path"].endswith("fox_take.mp4")
    assert any("(LTXVideoCombine, #" in x and "saves a video, told by its types" in x for x in conv.log)
