"""Mechanisms a fifty-fifth held-out set (benchmarks/results/heldout55_2026-11-30.md: LTX-2 / LTX-2.3 and Wan 2.2
blueprints, an LTX Desktop bridge, a pose IC-LoRA dance with an image model's detail pass, a VACE inpaint by SAM 3)
showed, each on a small hand-written workflow, with invented pack node names where the rule is by declared types."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.builders import sam3_mask, wan_vace
from tests.convert.said import api, nodes_of, said
from tests.convert.test_comfy_heldout39_mends import _link, _picture_blueprint
from tests.convert.test_comfy_ltx2_three_stages import _three_stages


def test_a_blueprint_picture_input_counted_after_a_scale_is_loaded_as_a_clip():
    """08's pose blueprint: its 'image' (the pose frames) is halved by ImageScaleBy before GetImageSize counts it into
    the take's 'length'; read as a Load Image it made a still, the IC-LoRA's guide "not taken". A step that gives
    pictures again (an output declared IMAGE) is followed to the count."""
    from studio.convert.reading.blueprints import ends
    doc = _picture_blueprint("IMAGE")
    sub = doc["definitions"]["subgraphs"][0]
    sub["nodes"] += [
        {"id": 6, "type": "AcmeHalve", "inputs": [{"name": "pictures", "type": "IMAGE", "link": 7}],
         "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [5]}]},
        {"id": 4, "type": "GetImageSize", "inputs": [{"name": "image", "type": "IMAGE", "link": 5}],
         "outputs": [{"name": "width", "type": "INT", "links": []}, {"name": "height", "type": "INT", "links": []},
                     {"name": "batch_size", "type": "INT", "links": [6]}]},
        {"id": 5, "type": "EmptyLTXVLatentVideo", "widgets_values": [768, 512, 97, 1],
         "inputs": [{"name": "length", "type": "INT", "widget": {"name": "length"}, "link": 6}],
         "outputs": [{"name": "LATENT", "type": "LATENT", "links": []}]}]
    sub["links"] += [_link(7, -10, 0, 6, 0, "IMAGE"), _link(5, 6, 0, 4, 0, "IMAGE"), _link(6, 4, 2, 5, 0, "INT")]
    sub["inputs"][0]["linkIds"].append(7)
    assert [e[1] for e in ends(doc)] == ["VHS_LoadVideo", "SaveVideo"]
    # a step giving something else (a count) ends the walk: the input stays a picture
    sub["nodes"][-3]["outputs"][0]["type"] = "INT"
    assert [e[1] for e in ends(doc)] == ["LoadImage", "SaveVideo"]


def _values_blueprint() -> dict:
    """A blueprint whose only input is a value the node holds (a frame rate), no picture, clip or sound: the shape of
    ComfyUI's Wan 2.2 text to video blueprint (its prompt, length and size)."""
    sid = "b1a3e39f-0000-4000-8000-000000000055"
    nodes = [
        {"id": 1, "type": "EmptyImage", "widgets_values": [64, 64, 8, 0], "inputs": [],
         "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [1]}]},
        {"id": 2, "type": "CreateVideo", "widgets_values": [16], "inputs": [
            {"name": "images", "type": "IMAGE", "link": 1}, {"name": "fps", "type": "FLOAT", "widget": {"name": "fps"},
                                                            "link": 2}],
         "outputs": [{"name": "VIDEO", "type": "VIDEO", "links": [3]}]}]
    sub = {"id": sid, "name": "Grey Clip", "nodes": nodes,
           "inputs": [{"name": "fps", "type": "FLOAT", "linkIds": [2]}],
           "outputs": [{"name": "VIDEO", "type": "VIDEO", "linkIds": [3]}],
           "links": [_link(1, 1, 0, 2, 0, "IMAGE"), _link(2, -10, 0, 2, 1, "FLOAT"), _link(3, 2, 0, -20, 0, "VIDEO")]}
    top = {"id": 9, "type": sid, "inputs": [{"name": "fps", "type": "FLOAT", "widget": {"name": "fps"}, "link": None}],
           "outputs": [{"name": "VIDEO", "type": "VIDEO", "links": []}], "widgets_values": [16]}
    return {"nodes": [top], "links": [], "definitions": {"subgraphs": [sub]}}


def test_a_blueprint_with_no_picture_clip_or_sound_input_is_not_said_to_get_loaders():
    """09 (Wan 2.2 text to video): "whose inputs are wired to nothing ...: a loader for each of those inputs (no file
    named: set it)" where its inputs are values it holds and no loader is made. Now its output alone is said."""
    text = said(convert(_values_blueprint(), "Grey Clip.json"))
    assert "'Grey Clip' is a blueprint: its one node is a subgraph whose output feeds nothing, so ComfyUI runs " \
           "nothing as saved; read as a workflow it is dropped into gives it: a save of its video" in text
    assert "a loader for each" not in text
    # one with a picture input: its loader said, as before
    assert "a loader for each of those inputs" in said(convert(_picture_blueprint("IMAGE"), "Picture Clip.json"))


def _two_stages(pictured: bool) -> dict:
    """LTX-2 sampled then upsampled x2 and refined, its first-stage size given by a node Studio cannot read (an
    uncatalogued pack's); ``pictured``: a start picture put in place on the first stage's latent."""
    d = _three_stages()
    d["d"]["inputs"]["samples"] = ["s2s", 0]
    d["ad"]["inputs"]["samples"] = ["s2s", 1]
    for k in ("s3", "s3n", "s3m", "s3s", "s3c", "s3u"):
        del d[k]
    d.update(api({"sz": ("AcmeSizePicker", {"preset": "portrait"})}))
    d["v"]["inputs"].update(width=["sz", 0], height=["sz", 1])
    if pictured:
        d.update(api({"im": ("LoadImage", {"image": "first.png"}),
                      "ip": ("LTXVImgToVideoInplace", {"vae": ["ck", 2], "image": ["im", 0], "latent": ["v", 0],
                                                       "strength": 1.0, "bypass": False})}))
        d["av"]["inputs"]["video_latent"] = ["ip", 0]
    return d


def test_an_unread_first_stage_size_with_a_start_picture_is_said_to_be_the_pictures():
    """05 / 08: "two stages: LTX-2 makes the take at LTX-2's own size" where the generator, given width and height 0
    and a start picture, takes the picture's size (output_size). Now "at its start picture's size"; with no picture,
    LTX-2's own size, as before."""
    conv = convert(_two_stages(True), "pictured.json")
    gen = nodes_of(conv, "video_models.ltx2")[0]
    assert conv.graph.input_link(gen.id, "image") is not None and (gen.params["width"], gen.params["height"]) == (0, 0)
    text = said(conv)
    assert "two stages: LTX-2 makes the take at its start picture's size (the workflow's first-stage size is not " \
           "read: set it to half the final size)" in text and "LTX-2's own size" not in text
    assert "two stages: LTX-2 makes the take at LTX-2's own size" in said(convert(_two_stages(False), "plain.json"))


def _detailed_take() -> dict:
    """An LTX-2 take whose decoded frames an image model (an uncatalogued file on ComfyUI's UNETLoader) details inside
    a noise mask: VAEEncode of the frames -> SetLatentNoiseMask -> KSampler -> VAEDecode -> a second save."""
    d = _three_stages()
    for k in ("s2", "s2n", "s2m", "s2s", "s2c", "s2u", "s3", "s3n", "s3m", "s3s", "s3c", "s3u"):
        del d[k]
    d["d"]["inputs"]["samples"] = ["s1s", 0]
    d["ad"]["inputs"]["samples"] = ["s1s", 1]
    d.update(api({
        "zu": ("UNETLoader", {"unet_name": "acme_still_turbo_bf16.safetensors", "weight_dtype": "default"}),
        "zc": ("CLIPLoader", {"clip_name": "acme_text.safetensors", "type": "lumina2", "device": "default"}),
        "zv": ("VAELoader", {"vae_name": "acme_vae.safetensors"}),
        "zp": ("CLIPTextEncode", {"clip": ["zc", 0], "text": "sharp face"}),
        "zn": ("ConditioningZeroOut", {"conditioning": ["zp", 0]}),
        "ze": ("VAEEncode", {"pixels": ["d", 0], "vae": ["zv", 0]}),
        "zm": ("SolidMask", {"value": 1.0, "width": 320, "height": 192}),
        "zl": ("SetLatentNoiseMask", {"samples": ["ze", 0], "mask": ["zm", 0]}),
        "zk": ("KSampler", {"model": ["zu", 0], "positive": ["zp", 0], "negative": ["zn", 0], "latent_image": ["zl", 0],
                            "seed": 3, "steps": 3, "cfg": 1.0, "sampler_name": "res_multistep", "scheduler": "simple",
                            "denoise": 0.2}),
        "zd": ("VAEDecode", {"samples": ["zk", 0], "vae": ["zv", 0]}),
        "zs": ("SaveAnimatedWEBP", {"images": ["zd", 0], "filename_prefix": "detail", "fps": 24, "lossless": False,
                                    "quality": 90, "method": "default"})}))
    return d


def test_a_held_pass_on_an_earlier_takes_encoded_frames_is_said_with_its_own_model():
    """04: a Z-Image face/hand detail of LTX-2's decoded frames was held as "a video made around the encoded frames
    ... with LTX-2" (the family LTX-2's nodes claim upstream, behind the encode). Its family is now its own pass's:
    its model file's, here one Studio does not recognise; the LTX-2 take is still made."""
    conv = convert(_detailed_take(), "detail.json")
    held = next(line for line in map(str, conv.log) if line.startswith("This workflow makes"))
    assert "with LTX-2;" not in held and "with an unrecognised model;" in held
    assert nodes_of(conv, "video_models.ltx2")


def _vace_by_phrase() -> dict:
    """Wan VACE given a clip and, on 'control_masks', SAM 3's mask of the phrase 'the red car' (SAM3_Detect from a
    checkpoint, its threshold and refine passes set), grown by GrowMask."""
    return api(wan_vace(["7", 0], masks=["11", 0], more=sam3_mask(["7", 0], 0.45)))


def test_a_sam3_mask_step_says_its_phrase_model_and_the_settings_segment_does_not_take():
    """10: SAM3_Detect made Studio's Segment by phrase with no sentence: its threshold and refine_iterations dropped
    unsaid, its checkpoint listed as not converted beside a Load Preprocessor naming nothing. Now one sentence names
    the phrase, the checkpoint for Load Preprocessor and the settings not taken."""
    conv = convert(_vace_by_phrase(), "vace_sam3.json")
    seg = nodes_of(conv, "preprocess.segment")[0]
    assert seg.params["phrase"] == "the red car"
    text = said(conv)
    assert "is made by Studio's Segment for SAM3_Detect (#10) with the phrase 'the red car'" in text
    assert "choose its model on Load Preprocessor (kind 'segment') (the workflow's CheckpointLoaderSimple (#8): " \
           "'sam3.1_multiplex_fp16.safetensors')" in text
    assert "its own settings threshold 0.45, refine_iterations 2, individual_masks False are not taken" in text
