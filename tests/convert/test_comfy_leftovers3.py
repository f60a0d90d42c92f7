"""Three left-over mechanisms the held-out sets showed, each on a small hand-written workflow (invented pack node
names): a frame interpolation on each take before the takes are joined; a pack's pad in pixels before Wan VACE
made as Studio's Pad with its mask; a loop's passes each prompted by one line of a many-line text (Easy-Use's
promptLine: its by-types reading needs the pack's declared widgets, so the catalogued type is used there)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.reading.pads import is_pad
from studio.convert.reading.workflow import CNode
from tests.convert.said import api as _api, said as _said


def _take(n: dict, at: int, prompt: str) -> str:
    """A Wan 2.1 T2V take (sampler, decoder) added to ``n`` from id ``at`` on; the decoder's id."""
    s, d, p = str(at), str(at + 1), str(at + 2)
    n[p] = ("CLIPTextEncode", {"text": prompt, "clip": ["2", 0]})
    n[s] = ("KSampler", {"seed": at, "steps": 8, "cfg": 1, "sampler_name": "euler", "scheduler": "simple",
                         "denoise": 1, "model": ["1", 0], "positive": [p, 0], "negative": ["8", 0],
                         "latent_image": ["9", 0]})
    n[d] = ("VAEDecode", {"samples": [s, 0], "vae": ["3", 0]})
    return d


def _two_takes(each: str | None, mult: int = 2) -> dict:
    """Two T2V takes joined by ImageBatch and written at 24 fps; each through the frame interpolation ``each``."""
    n = {
        "1": ("UNETLoader", {"unet_name": "wan2.1_t2v_1.3B.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5.safetensors", "type": "wan", "device": "default"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "8": ("CLIPTextEncode", {"text": "", "clip": ["2", 0]}),
        "9": ("EmptyHunyuanLatentVideo", {"width": 832, "height": 480, "length": 33, "batch_size": 1}),
    }
    ways = []
    for at, prompt in ((20, "a cat"), (30, "a dog")):
        d = _take(n, at, prompt)
        if each:
            n[str(at + 5)] = (each, {"ckpt_name": "blink.pth", "multiplier": mult, "frames": [d, 0]})
            d = str(at + 5)
        ways.append(d)
    n["40"] = ("ImageBatch", {"image1": [ways[0], 0], "image2": [ways[1], 0]})
    n["41"] = ("CreateVideo", {"fps": 24, "images": ["40", 0]})
    n["42"] = ("SaveVideo", {"filename_prefix": "v", "format": "auto", "codec": "auto", "video": ["41", 0]})
    return _api(n)


def test_a_frame_interpolation_on_each_take_is_made_on_each_before_concatenate():
    """Each take interpolated x2 on its own before Batch Images: Studio's interpolation after each generator, before
    Concatenate (not on the joined take), each generator made at 12 fps for the 24 written; said per take, not
    'not applied' (heldout11 15)."""
    conv = convert(_two_takes("Blink VFI"), "each.json")
    g = conv.graph
    gens = [i for i, n in g.nodes.items() if n.type_id == "video_models.text_to_video"]
    interp = [i for i, n in g.nodes.items() if n.type_id == "motion.interpolate"]
    cat = next(i for i, n in g.nodes.items() if n.type_id == "edit.concatenate")
    assert len(gens) == 2 and len(interp) == 2
    assert all(g.nodes[i].params["fps"] == 12 for i in gens)
    assert all(g.nodes[i].params["factor"] == 2 for i in interp)
    for gen, k in zip(gens, interp):
        assert g.input_link(k, "video").src == gen
    assert {g.input_link(cat, p).src for p in "ab"} == set(interp)
    said = _said(conv)
    assert "not applied" not in "\n".join(x for x in said.splitlines() if "Blink VFI" in x and "#25" in x)
    line = next(x for x in conv.log if "take 1:" in x)
    assert "(Blink VFI, #25) x2" in line and "'ImageBatch' (ImageBatch, #40)'s 'image1'" in line
    assert "the generator makes 12 fps" in line


def test_takes_joined_without_their_own_interpolation_keep_the_written_rate():
    """No interpolation on the takes' ways: no interpolation made, each generator at the written 24 fps."""
    conv = convert(_two_takes(None), "plain.json")
    g = conv.graph
    assert not [n for n in g.nodes.values() if n.type_id.startswith("motion.interpolate")]
    assert all(n.params["fps"] == 24 for n in g.nodes.values() if n.type_id == "video_models.text_to_video")


def test_a_frame_interpolation_of_the_joined_takes_divides_each_takes_rate():
    """One interpolation after Batch Images: made once after Concatenate (the same frames ComfyUI makes of the joined
    batch), each take made at 12 fps so that the 24 written keeps ComfyUI's length; said."""
    wf = _two_takes(None)
    wf["43"] = {"class_type": "Blink VFI", "inputs": {"ckpt_name": "b.pth", "multiplier": 2, "frames": ["40", 0]}}
    wf["41"]["inputs"]["images"] = ["43", 0]
    conv = convert(wf, "joined.json")
    g = conv.graph
    cat = next(i for i, n in g.nodes.items() if n.type_id == "edit.concatenate")
    interp = [i for i, n in g.nodes.items() if n.type_id == "motion.interpolate"]
    assert len(interp) == 1 and g.input_link(interp[0], "video").src == cat
    assert all(n.params["fps"] == 12 for n in g.nodes.values() if n.type_id == "video_models.text_to_video")
    assert "each take is made at 12 fps" in "\n".join(conv.log)


CORE, PADS = {"cnr_id": "comfy-core"}, {"aux_id": "someone/ComfyUI-CanvasTools"}  # (an invented pack)
SIDES = ("left", "top", "right", "bottom")


def _ui(nodes: list[tuple], links: list[tuple]) -> dict:
    """A UI workflow: nodes (id, type, inputs [(name, type)], outputs [type], widgets_values, properties), an
    input whose name is a pad's side listed as a widget (the newer frontend's); links (from id, slot, to id, input)."""
    made, table = [], []
    for k, (a, slot, b, name) in enumerate(links, 1):
        table.append([k, a, slot, b, [n for n, _ in next(x for x in nodes if x[0] == b)[2]].index(name), "*"])
    for nid, cls, ins, outs, values, props in nodes:
        made.append({
            "id": nid, "type": cls, "mode": 0, "pos": [0, 0], "properties": props, "widgets_values": values,
            "inputs": [{"name": n, "type": t, "link": next((r[0] for r in table if r[3] == nid and r[4] == i), None),
                        **({"widget": {"name": n}} if n in (*SIDES, "extra") else {})} for i, (n, t) in enumerate(ins)],
            "outputs": [{"name": t.lower(), "type": t, "links": [r[0] for r in table if r[1] == nid and r[2] == i]}
                        for i, t in enumerate(outs)]})
    return {"nodes": made, "links": table, "version": 0.4}


def _vace_padded(mask: bool, extra: int | None = None) -> dict:
    """Wan VACE 1.3B outpainting a loaded clip padded 64 px left and right by an invented pack's pad (its types: a
    picture in, a picture and a MASK out, four INT sides); ``mask``: its MASK on 'control_masks'; ``extra``: a fifth
    INT setting (a pack's extra padding) set to it."""
    nodes = [
        (1, "UNETLoader", [], ["MODEL"], ["wan2.1_vace_1.3B_fp16.safetensors", "default"], CORE),
        (2, "CLIPLoader", [], ["CLIP"], ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"], CORE),
        (3, "VAELoader", [], ["VAE"], ["wan_2.1_vae.safetensors"], CORE),
        (4, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["a garden around her"], CORE),
        (5, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["blurry"], CORE),
        (6, "LoadVideo", [], ["VIDEO"], ["walk.mp4", "image"], CORE),
        (7, "GetVideoComponents", [("video", "VIDEO")], ["IMAGE", "AUDIO", "FLOAT"], [], CORE),
        (8, "CanvasGrowPX", [("image", "IMAGE"), *((k, "INT") for k in SIDES), *([("extra", "INT")] if extra is not None
                                                                               else [])],
         ["IMAGE", "MASK"], [64, 0, 64, 0, *([extra] if extra is not None else [])], PADS),
        (9, "WanVaceToVideo", [("positive", "CONDITIONING"), ("negative", "CONDITIONING"), ("vae", "VAE"),
                               ("control_video", "IMAGE"), ("control_masks", "MASK")],
         ["CONDITIONING", "CONDITIONING", "LATENT", "INT"], [640, 480, 33, 1, 1], CORE),
        (10, "KSampler", [("model", "MODEL"), ("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                          ("latent_image", "LATENT")], ["LATENT"], [1, "fixed", 4, 1, "euler", "simple", 1], CORE),
        (11, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], [], CORE),
        (12, "CreateVideo", [("images", "IMAGE")], ["VIDEO"], [16], CORE),
        (13, "SaveVideo", [("video", "VIDEO")], [], ["out", "auto", "auto"], CORE),
    ]
    links = [(2, 0, 4, "clip"), (2, 0, 5, "clip"), (4, 0, 9, "positive"), (5, 0, 9, "negative"), (3, 0, 9, "vae"),
             (6, 0, 7, "video"), (7, 0, 8, "image"), (8, 0, 9, "control_video"), (1, 0, 10, "model"),
             (9, 0, 10, "positive"), (9, 1, 10, "negative"), (9, 2, 10, "latent_image"), (10, 0, 11, "samples"),
             (3, 0, 11, "vae"), (11, 0, 12, "images"), (12, 0, 13, "video")]
    return _ui(nodes, links + ([(8, 1, 9, "control_masks")] if mask else []))


def test_a_packs_pad_in_pixels_before_wan_vace_is_studios_pad_with_its_mask():
    """The clip padded 64 px left and right, its mask on 'control_masks': Studio's Pad with those pixels (ComfyUI's
    grey) on Wan VACE's video, its mask on Wan VACE's mask, task 'inpaint' (not the outpaint preset's fractions left
    at their defaults); said, naming the pad and the input it feeds."""
    conv = convert(_vace_padded(mask=True), "pad.json")
    g = conv.graph
    gen = next(i for i, n in g.nodes.items() if n.type_id == "video_models.wan_vace")
    pad = next(i for i, n in g.nodes.items() if n.type_id == "edit.pad")
    assert {k: g.nodes[pad].params[k] for k in SIDES} == {"left": 64, "top": 0, "right": 64, "bottom": 0}
    assert g.nodes[pad].params["color"] == "#808080"
    assert g.nodes[gen].params["task"] == "inpaint"
    assert g.input_link(gen, "video").src == pad and g.input_link(gen, "mask")[:2] == (pad, "mask")
    assert g.nodes[g.input_link(pad, "video").src].type_id == "io.load_video"
    said = _said(conv)
    line = next(x for x in said.splitlines() if "(CanvasGrowPX, #8) pads" in x)
    assert "left 64, top 0, right 64, bottom 0 px" in line and "'WanVaceToVideo' (#9)'s 'control_video'" in line
    assert "task 'inpaint'" in line and "not applied" not in "\n".join(x for x in said.splitlines() if "#8)" in x)


def test_a_pad_with_no_mask_wired_is_the_control_clip_remade_whole():
    """No 'control_masks': ComfyUI remakes every pixel, the padded clip a control: Studio's Pad on the video, no mask,
    task 'control'."""
    conv = convert(_vace_padded(mask=False), "pad_nomask.json")
    g = conv.graph
    gen = next(i for i, n in g.nodes.items() if n.type_id == "video_models.wan_vace")
    pad = next(i for i, n in g.nodes.items() if n.type_id == "edit.pad")
    assert g.nodes[gen].params["task"] == "control" and g.input_link(gen, "video").src == pad
    assert g.input_link(gen, "mask") is None


def test_a_pad_with_more_pixels_than_its_sides_is_not_made_as_studios_pad():
    """A fifth number changing what it pads by (an extra padding of 16): Studio's Pad would pad by other pixels, so it
    is not made; the pad is said not applied, with that setting."""
    conv = convert(_vace_padded(mask=True, extra=16), "pad_extra.json")
    assert not [n for n in conv.graph.nodes.values() if n.type_id == "edit.pad"]
    line = next(x for x in _said(conv).splitlines() if "(CanvasGrowPX, #8)" in x)
    assert "not applied" in line and "extra 16" in line


def test_a_crop_by_the_same_four_sides_is_not_a_pad():
    """By declared types: four INT sides and pictures in, but no MASK out (rgthree's Image Inset Crop, an invented
    one by its UI file's types): not a pad; ComfyUI's and KJNodes' pads are."""
    crop = CNode("1", "InsetCutter", in_types={"image": "IMAGE", **{k: "INT" for k in SIDES}}, out_types=["IMAGE"])
    grow = CNode("2", "CanvasGrowPX", in_types={"image": "IMAGE", **{k: "INT" for k in SIDES}},
                 out_types=["IMAGE", "MASK"])
    assert not is_pad(crop) and is_pad(grow)
    assert not is_pad(CNode("3", "Image Inset Crop (rgthree)"))
    assert is_pad(CNode("4", "ImagePadForOutpaint")) and is_pad(CNode("5", "ImagePadKJ"))


LINES = "a dancer turns\n\na dancer bows\na dancer leaves"


def _prompted_loop(rows: int = 1) -> dict:
    """tests.convert.test_comfy_loops_ways' loop of 3 passes, its prompt the line of a many-line text (an empty line
    taken out) its index picks, shown and converted on the way (showAnything, convertAnything)."""
    from tests.convert.test_comfy_loops_ways import _loop
    d = _loop(3)
    d["80"] = {"class_type": "easy showAnything", "inputs": {"anything": ["50", 1]}}
    d["81"] = {"class_type": "easy convertAnything", "inputs": {"*": ["80", 0], "output_type": "int"}}
    d["82"] = {"class_type": "easy promptLine", "inputs": {"prompt": LINES, "start_index": ["81", 0],
                                                            "max_rows": rows, "remove_empty_lines": True}}
    d["6"]["inputs"]["text"] = ["82", 0]
    return d


def test_each_pass_of_a_loop_is_prompted_by_the_line_its_index_picks():
    """A loop's 3 segments each take their own line (the empty one taken out, as the node does), said naming the
    line picker and the input it gives; the picker, the converter and the display it reads through are read."""
    conv = convert(_prompted_loop(), "lines.json")
    gens = sorted((n for n in conv.graph.nodes.values() if n.type_id == "video_models.image_to_video"),
                  key=lambda n: n.params["seed"])
    assert [n.params["prompt"] for n in gens] == ["a dancer turns", "a dancer bows", "a dancer leaves"]
    said = _said(conv)
    assert ("the positive prompt is a line of the text of 'easy promptLine' (easy promptLine, #82@2), the one its "
            "'start_index' 1 picks, given to 'CLIPTextEncode' (#6@2)'s 'text': 'a dancer bows'") in said
    assert "written by ComfyUI's" not in said and not {"82", "81", "80"} & set(conv.dropped)


def test_a_line_picker_giving_several_lines_is_not_one_prompt():
    """Two lines from the index on: ComfyUI runs the encoder once a line, so no one prompt is read; said as a prompt
    written when the workflow runs."""
    conv = convert(_prompted_loop(rows=2), "rows.json")
    assert "the positive prompt is written by ComfyUI's 'easy promptLine' (easy promptLine, #82)" in _said(conv)
