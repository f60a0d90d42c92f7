"""Mechanisms a thirty-ninth held-out set (benchmarks/results/heldout39_2026-11-30.md: LTX-2 / LTX-2.3 templates and
blueprints, Wan, Hunyuan and AnimateDiff files from small repositories, owners a-e) showed, each on a small
hand-written workflow, with invented pack node names where the rule is by declared types."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said


def _link(i, o, os_, t, ts, typ):
    return {"id": i, "origin_id": o, "origin_slot": os_, "target_id": t, "target_slot": ts, "type": typ}


def _picture_blueprint(declared: str) -> dict:
    """A blueprint (one subgraph node, wired to nothing) whose one input is declared ``declared`` and feeds an upscale
    of pictures made into a clip: the shape of ComfyUI's LTX-2.3 first/last-frame blueprint's picture inputs, which
    a ResizeImageMaskNode reads and so are declared 'IMAGE,MASK' (03)."""
    sid = "b1a3e39f-0000-4000-8000-000000000039"
    nodes = [
        {"id": 1, "type": "UpscaleModelLoader", "widgets_values": ["RealESRGAN_x4plus.safetensors"], "inputs": [],
         "outputs": [{"name": "UPSCALE_MODEL", "type": "UPSCALE_MODEL", "links": [1]}]},
        {"id": 2, "type": "ImageUpscaleWithModel", "inputs": [
            {"name": "upscale_model", "type": "UPSCALE_MODEL", "link": 1}, {"name": "image", "type": "IMAGE", "link": 2}],
         "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [3]}]},
        {"id": 3, "type": "CreateVideo", "widgets_values": [24], "inputs": [{"name": "images", "type": "IMAGE", "link": 3}],
         "outputs": [{"name": "VIDEO", "type": "VIDEO", "links": [4]}]}]
    sub = {"id": sid, "name": "Picture Clip", "nodes": nodes,
           "inputs": [{"name": "input", "type": declared, "linkIds": [2]}],
           "outputs": [{"name": "VIDEO", "type": "VIDEO", "linkIds": [4]}],
           "links": [_link(1, 1, 0, 2, 0, "UPSCALE_MODEL"), _link(2, -10, 0, 2, 1, declared),
                     _link(3, 2, 0, 3, 0, "IMAGE"), _link(4, 3, 0, -20, 0, "VIDEO")]}
    top = {"id": 9, "type": sid, "inputs": [{"name": "input", "type": declared, "link": None}],
           "outputs": [{"name": "VIDEO", "type": "VIDEO", "links": []}], "widgets_values": []}
    return {"nodes": [top], "links": [], "definitions": {"subgraphs": [sub]}}


def test_a_blueprint_input_declared_as_a_list_of_types_gets_the_loader_of_one_it_takes():
    """'IMAGE,MASK' (ComfyUI's type for an input taking either): was "left open (no loader gives that type)", untrue,
    and the LTX-2.3 first/last-frame blueprint lost both pictures (made from the prompt alone); a Load Image gives the
    IMAGE the input takes, as for 'IMAGE'."""
    conv = convert(_picture_blueprint("IMAGE,MASK"), "Picture Clip.json")
    text = said(conv)
    assert "left open" not in text and "'input' is wired to nothing" in text
    assert len(nodes_of(conv, "io.load_image")) == 1 and nodes_of(conv, "finishing.upscale")
    # a type no loader gives stays open, said
    text = said(convert(_picture_blueprint("MASK,LATENT"), "Mask Clip.json"))
    assert "'input' (MASK,LATENT) left open (no loader gives that type)" in text


def test_a_first_frame_guide_whose_image_studio_cannot_make_is_not_called_an_ic_loras_control():
    """An LTXVAddGuide at frame 0 whose picture no converted node gives (here one made from settings alone): was "the
    guide clip (an IC-LoRA's control) is made by ComfyUI nodes Studio does not convert" in a workflow with no IC-LoRA
    (03's first-frame guide, fresh); its declared IMAGE tells a still from a clip by neither, so neither is claimed
    and the guide is named."""
    from tests.convert.test_comfy_dual_text_parts import _doc
    doc = _doc(preview=False)
    doc["21"] = {"class_type": "EmptyImage", "inputs": {"width": 768, "height": 512, "batch_size": 1, "color": 0}}
    doc["22"] = {"class_type": "LTXVAddGuide", "inputs": {"positive": ["10", 0], "negative": ["10", 1], "vae": ["6", 0],
                 "latent": ["5", 0], "image": ["21", 0], "frame_idx": 0, "strength": 0.7}}
    doc["9"]["inputs"]["video_latent"] = ["22", 2]
    doc["11"]["inputs"].update(positive=["22", 0], negative=["22", 1])
    text = said(convert(doc, "guided.json"))
    assert "IC-LoRA's control) is made" not in text
    assert "the guide at frame 0 (LTXVAddGuide, #22) is not taken: its image is made by ComfyUI nodes Studio does " \
           "not convert" in text


def _wrapper_t2v(sigmas_node):
    from tests.convert.test_comfy_wrappers import UI, _common, _sampler, _save
    w = UI()
    model, text, vae = _common(w)
    emb = w.add("WanVideoEmptyEmbeds", [640, 352, 49])
    more = {}
    if sigmas_node is not None:
        more["sigmas"] = (w.add(*sigmas_node), 0)
    _save(w, _sampler(w, model, text, emb, widgets=(1, 3.5, 1.0, 123, "fixed", True, "dpm++_sde", 0, 1.0), **more),
          vae)
    return w.doc()


def test_a_wrapper_samplers_wired_sigmas_set_its_steps_not_its_steps_widget():
    """WanVideoSampler given 'sigmas' (15: WanMoEScheduler's 10 + 10; "the sigmas input will override the steps,
    shift and scheduler"): was made 1 step and shift 1 from its unused widgets, unsaid. A node Studio cannot read gives
    them: the steps said made when the workflow runs (the generator's own stand), the widgets said not read; a
    ManualSigmas gives them: its count of steps."""
    conv = convert(_wrapper_t2v(("FancyPackMoESigmas", ["simple", 10, 10, 0.875])), "sig.json")
    gen = nodes_of(conv, "video_models.text_to_video")[0].params
    assert gen["steps"] != 1 and gen["shift"] != 1.0
    text = said(conv)
    assert "gives its 'sigmas', which set its steps and shift: its own steps 1 and shift 1.0 are not read" in text
    # (its type declared by no pack, its settings saved by place: said unnamed, not read: heldout96 mend 3)
    assert ("the first pass's steps is given by ComfyUI's 'FancyPackMoESigmas' (FancyPackMoESigmas, #6), whose type no "
            "pack in Studio's catalogue declares: its settings, saved by place (#0 simple, #1 10, #2 10, #3 0.875), "
            "are not named, so its steps is not read") in text
    conv = convert(_wrapper_t2v(("ManualSigmas", ["1.0, 0.9, 0.7, 0.4, 0.0"])), "manual.json")
    assert nodes_of(conv, "video_models.text_to_video")[0].params["steps"] == 4
    conv = convert(_wrapper_t2v(None), "plain.json")  # no sigmas wired: its own steps and shift, as before
    gen = nodes_of(conv, "video_models.text_to_video")[0].params
    assert (gen["steps"], gen["shift"]) == (1, 1.0) and "which set its steps" not in said(conv)


def _split_with_progress(slot: int) -> dict:
    """Wan 2.2 A14B: one schedule of 10 split at 6, the high expert then the low on its leftover noise (no noise added),
    and a second save of the high pass's own latent (``slot`` 0) or its denoised estimate (1): a progress preview."""
    from tests.convert.said import api
    from tests.convert.workflow_shapes import wan_a14b_split
    return {**wan_a14b_split(), **api({
        "9": ("SaveVideo", {"video": ["10", 0], "filename_prefix": "t2v", "format": "auto", "codec": "auto"}),
        "10": ("CreateVideo", {"images": ["8", 0], "fps": 16}),
        "18": ("VAEDecode", {"samples": ["36", slot], "vae": ["39", 0]}),
        "20": ("CreateVideo", {"images": ["18", 0], "fps": 16}),
        "19": ("SaveVideo", {"video": ["20", 0], "filename_prefix": "high", "format": "auto", "codec": "auto"}),
    })}


def test_a_save_of_a_pass_a_later_one_finishes_says_its_take_is_made_whole():
    """09's 'Progress - HIGH' save (the high-noise pass's denoised estimate, the low-noise pass sampling on from it)
    was made a second whole take of the high-noise expert alone, with no word; said now, for the pass's own latent
    or its denoised estimate, and not for the output the later pass finishes."""
    for slot in (0, 1):
        conv = convert(_split_with_progress(slot), "progress.json")
        text = said(conv)
        assert text.count("so this output writes the take of 'SamplerCustomAdvanced' (#36) unfinished in ComfyUI; "
                          "Studio's generator makes its takes whole: this one is made whole on this pass's model "
                          "alone") == 1
        assert len(nodes_of(conv, "video_models.text_to_video")) == 2


def test_a_blueprint_picture_input_counted_into_a_takes_length_is_loaded_as_a_clip():
    """04's canny IC-LoRA blueprint: its 'canny_images' (IMAGE) are counted by GetImageSize into the take's 'length',
    so they are a clip's frames; read as a Load Image they made one still, wired to LTX-2 as a frame-0 keyframe
    instead of its 'control' (unsaid). Now VideoHelperSuite's Load Video (frames as IMAGE, no size rounding), said;
    an input nothing counts stays a Load Image."""
    from studio.convert.reading.blueprints import ends
    doc = _picture_blueprint("IMAGE")
    sub = doc["definitions"]["subgraphs"][0]
    sub["nodes"] += [
        {"id": 4, "type": "GetImageSize", "inputs": [{"name": "image", "type": "IMAGE", "link": 5}],
         "outputs": [{"name": "width", "type": "INT", "links": []}, {"name": "height", "type": "INT", "links": []},
                     {"name": "batch_size", "type": "INT", "links": [6]}]},
        {"id": 5, "type": "EmptyLTXVLatentVideo", "widgets_values": [768, 512, 97, 1],
         "inputs": [{"name": "length", "type": "INT", "widget": {"name": "length"}, "link": 6}],
         "outputs": [{"name": "LATENT", "type": "LATENT", "links": []}]}]
    sub["links"] += [_link(5, -10, 0, 4, 0, "IMAGE"), _link(6, 4, 2, 5, 0, "INT")]
    sub["inputs"][0]["linkIds"].append(5)
    assert [e[1] for e in ends(doc)] == ["VHS_LoadVideo", "SaveVideo"]
    conv = convert(doc, "Counted.json")
    assert nodes_of(conv, "io.load_video") and not nodes_of(conv, "io.load_image")
    assert not nodes_of(conv, "transform.scale")  # (no format rounding the frames' size: none in the blueprint)
    assert "'input' loaded as a clip's frames (the count of its pictures sets the take's length)" in said(conv)
    assert [e[1] for e in ends(_picture_blueprint("IMAGE"))] == ["LoadImage", "SaveVideo"]


def _over_inplace(guide_picture: str) -> dict:
    """LTX-2: 'first.png' put in place at frame 0 (LTXVImgToVideoInplace), then an LTXVAddGuide at frame 0 given
    ``guide_picture`` (the shape of ComfyUI's Pose / Canny to Video blueprints, their pose / edge clip on the guide)."""
    from tests.convert.test_comfy_dual_text_parts import _doc
    doc = _doc(preview=False)
    doc["20"] = {"class_type": "LoadImage", "inputs": {"image": "first.png"}}
    doc["21"] = {"class_type": "LoadImage", "inputs": {"image": guide_picture}}
    doc["22"] = {"class_type": "LTXVImgToVideoInplace", "inputs": {"vae": ["6", 0], "image": ["20", 0],
                                                                    "latent": ["5", 0], "strength": 1.0, "bypass": False}}
    doc["23"] = {"class_type": "LTXVAddGuide", "inputs": {"positive": ["10", 0], "negative": ["10", 1], "vae": ["6", 0],
                 "latent": ["22", 0], "image": ["21", 0] if guide_picture != "first.png" else ["20", 0],
                 "frame_idx": 0, "strength": 1.0}}
    doc["9"]["inputs"]["video_latent"] = ["23", 2]
    doc["11"]["inputs"].update(positive=["23", 0], negative=["23", 1])
    return doc


def test_a_frame_0_guide_over_a_picture_put_in_place_is_no_keyframe():
    """heldout13/21's Pose to Video blueprints once their 'IMAGE,MASK' input got its Load Image (mend 1): the pose
    images, on an LTXVAddGuide at frame 0 over the first_frame put in place, were made a frame-0 keyframe with no
    word. Two pictures at frame 0 make no keyframe: the guide's image is said not taken (a clip there goes to
    'control'); the same picture guided and put in place is read as before."""
    conv = convert(_over_inplace("pose.png"), "pose.json")
    gen = nodes_of(conv, "video_models.ltx2")[0]
    assert not gen.params.get("keyframes")
    assert "two pictures at frame 0 make no keyframe: its image, from 'LoadImage' (LoadImage, #21) 'pose.png', is " \
           "not taken" in said(conv)
    assert "two pictures at frame 0" not in said(convert(_over_inplace("first.png"), "same.json"))
