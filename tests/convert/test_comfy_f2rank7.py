"""A pack's frame node read as the core node whose inputs it declares, ranked by the pictures wired into it (issue 112,
heldout42 05 / heldout43 01: WanImageToVideo_F2 has no batch_size; heldout43 02: a first/middle/last frame node read
as Kandinsky5ImageToVideo, its end frame dropped). Minimal UI workflows: the pack node's declared inputs and outputs,
pictures wired from loaders; node types invented here, so nothing is keyed on a pack's name."""
from __future__ import annotations

from studio.convert.reading.workflow import Workflow
from tests.convert.workflow_shapes import wan_i2v_api
from studio.convert.mapping.convert import convert
from tests.convert.said import said

COND, VAE, IMAGE, CV = "CONDITIONING", "VAE", "IMAGE", "CLIP_VISION_OUTPUT"


def _frame_node(cls: str, pictures: dict[str, bool], settings: dict, *, by_place: bool = False) -> dict:
    """A UI workflow: a node of type ``cls`` taking a positive and a negative prompt, a VAE, the pictures named in
    ``pictures`` (name -> wired from a loader of its own, or declared unwired) and ``settings`` (its widgets, saved
    in order; by place alone, no widget declared, where ``by_place``), giving a positive, a negative and a latent."""
    nodes, links, ins = [], [], []
    nid = 10
    for name, kind in (("positive", COND), ("negative", COND), ("vae", VAE)):
        nid += 1
        links.append([nid, nid, 0, 1, len(ins), kind])
        nodes.append({"id": nid, "type": {"CONDITIONING": "CLIPTextEncode", "VAE": "VAELoader"}[kind],
                      "inputs": [], "outputs": [{"name": kind, "type": kind, "links": [nid]}],
                      "widgets_values": ["a heron"] if kind == COND else ["wan_vae.safetensors"]})
        ins.append({"name": name, "type": kind, "link": nid})
    for name, wired in pictures.items():
        kind = CV if name.startswith("clip_vision") else IMAGE
        link = None
        if wired:
            nid += 1
            link = nid
            links.append([nid, nid, 0, 1, len(ins), kind])
            nodes.append({"id": nid, "type": "LoadImage" if kind == IMAGE else "CLIPVisionEncode", "inputs": [],
                          "outputs": [{"name": kind, "type": kind, "links": [nid]}],
                          "widgets_values": [f"{name}.png", "image"] if kind == IMAGE else ["none"]})
        ins.append({"name": name, "type": kind, "shape": 7, "link": link})
    if not by_place:
        ins += [{"name": k, "type": "FLOAT" if isinstance(v, float) else "INT", "widget": {"name": k}, "link": None}
                for k, v in settings.items()]
    nodes.append({"id": 1, "type": cls, "inputs": ins, "widgets_values": list(settings.values()),
                  "outputs": [{"name": "positive", "type": COND, "links": []},
                              {"name": "negative", "type": COND, "links": []},
                              {"name": "latent", "type": "LATENT", "links": []}]})
    return {"nodes": nodes, "links": links, "version": 0.4}


def _read(doc):
    wf = Workflow.read(doc)
    return wf.nodes["1"], "\n".join(map(str, wf.wiring_said))


def test_a_frame_node_with_no_batch_size_is_read_with_its_default_and_said_so():
    """heldout42 05 / heldout43 01: start and end pictures and a CLIP-vision output wired, width/height/length, no
    batch_size: it fitted no core node (each requires batch_size) and was held. Read as the base that takes every
    picture wired into it (WanFunInpaintToVideo names all three), batch_size its default 1, said."""
    doc = _frame_node("PackStartEndToVideo", {"start_image": True, "end_image": True, "clip_vision_output": True},
                      {"width": 480, "height": 720, "length": 81})
    n, told = _read(doc)
    assert n.cls == "WanFunInpaintToVideo" and n.origin == "PackStartEndToVideo", (n.cls, told)
    assert n.widgets["batch_size"] == 1 and n.widgets["width"] == 480 and n.widgets["length"] == 81
    assert "(PackStartEndToVideo, #1) is read as WanFunInpaintToVideo (Comfy-Org/ComfyUI), whose inputs and outputs " \
           "it has, but for those it lacks: its batch_size is read as its default 1 ('PackStartEndToVideo' has no " \
           "such setting)" in told, told
    assert "not applied" not in told  # every picture it is given is taken
    # the same node saved by an older page, its settings by place (names unknown): those values may be the very
    # settings it would be said to lack, so no default is put in their place: held as before
    n, told = _read(_frame_node("PackStartEndToVideo", {"start_image": True, "end_image": True,
                                                        "clip_vision_output": True},
                                {"width": 480, "height": 640, "length": 61}, by_place=True))
    assert n.cls == "PackStartEndToVideo" and not n.origin, n.cls


def test_a_first_middle_last_frame_node_is_read_as_the_base_taking_its_end_frame():
    """heldout43 02: start, middle and end pictures wired, no CLIP-vision socket: read as Kandinsky5ImageToVideo
    (start picture only, the one base whose every optional socket it had), its end frame said not applied. Ranked by
    the wired pictures a base takes, WanFirstLastFrameToVideo and WanFunInpaintToVideo take two; the clip-vision
    sockets it lacks (a kind it takes none of) are no sign of another job: the first-last-frame node, its middle
    picture said not taken, naming it."""
    doc = _frame_node("PackMiddleFrameToVideo", {"start_image": True, "middle_image": True, "end_image": True},
                      {"width": 832, "height": 480, "length": 81, "batch_size": 1, "middle_image_position": 0.5})
    n, told = _read(doc)
    assert n.cls == "WanFirstLastFrameToVideo", (n.cls, told)
    assert "its optional 'clip_vision_start_image' and 'clip_vision_end_image' are not on 'PackMiddleFrameToVideo'" \
           in told, told
    assert "its own inputs middle_image (wired), middle_image_position 0.5 are not applied" in told, told
    assert "end_image" not in told.split("not on")[1]  # the end frame is taken


def test_a_start_picture_node_is_not_read_as_a_base_wanting_an_end_picture():
    """The rejudge4 30/02 shape, in a UI file of a type not catalogued: a start picture and a CLIP-vision output, no
    end_image, a motion setting, no batch_size (held before): WanImageToVideo, WanFunInpaintToVideo and
    WanCameraImageToVideo take the same wired pictures; the second wants a picture (end_image) of a kind the node takes
    under another name only, the third a camera embedding (no picture's kind): WanImageToVideo."""
    doc = _frame_node("PackMotionToVideo", {"start_image": True, "clip_vision_output": True},
                      {"width": 832, "height": 480, "length": 33, "motion_amplitude": 1.15})
    n, told = _read(doc)
    assert n.cls == "WanImageToVideo", (n.cls, told)
    # (its motion setting carried to Image to Video's own since heldout79's mend: test_comfy_heldout79_mends)
    assert "WanFunInpaintToVideo" not in told and "its own input motion_amplitude 1.15 is read as the generator's " \
        "'motion_amplitude'" in told, told
    assert "its batch_size is read as its default 1" in told and n.widgets["batch_size"] == 1, told
    # the catalogued one (NIN-I2V-Maker's, in an API file) stays as rejudge4 read it
    wf = wan_i2v_api(["21", 0], **{
        "21": {"class_type": "LoadImage", "inputs": {"image": "heron.png"}},
        "6": {"class_type": "NINI2VWanMotionI2V", "inputs": {
            "positive": ["4", 0], "negative": ["5", 0], "vae": ["3", 0], "start_image": ["21", 0], "width": 832,
            "height": 480, "length": 33, "batch_size": 1, "motion_amplitude": 1.15, "noise_strength": 0.0}}})
    text = said(convert(wf, "nin.json"))
    assert "(NINI2VWanMotionI2V, #6) is read as WanImageToVideo" in text and "WanFunInpaintToVideo" not in text
