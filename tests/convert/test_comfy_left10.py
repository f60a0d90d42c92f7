"""Issue 112, left10: what a rule by declared types can still make of what the thirteenth stop's sets left.

1. A step whose pictures only a VAE's encoding takes, that encoding said not made because its latent goes only to
   nodes passed over (a later pass Studio does not make: LTX-2.3 in/outpaint's x2 ResizeImageMaskNode between the
   first pass's blend and the refine's VAEEncodeTiled), is said not applied, naming the encoder, instead of being
   listed as not converted; what feeds it is said as before (mapping/passing.py). Minimal workflows of our own."""
from __future__ import annotations

from studio.convert.mapping import passing
from studio.convert.reading.workflow import Workflow
from tests.convert.said import ui


def _api(nodes: dict) -> Workflow:
    return Workflow.read({k: {"class_type": c, "inputs": i} for k, (c, i) in nodes.items()})


def _refine_input(resize: tuple[str, dict]) -> dict:
    """A decoded take (#1) -> ``resize`` (#2) -> VAEEncode (#3) -> a latent step (#5) -> a refine KSampler (#6)."""
    return {"1": ("VAEDecode", {"samples": ["9", 0], "vae": ["4", 0]}),
            "9": ("EmptyLatentImage", {"width": 512, "height": 512, "batch_size": 1}),
            "2": (resize[0], {**resize[1], "input": ["1", 0]}),
            "4": ("VAELoader", {"vae_name": "v.safetensors"}),
            "3": ("VAEEncode", {"pixels": ["2", 0], "vae": ["4", 0]}),
            "5": ("LatentMultiply", {"samples": ["3", 0], "multiplier": 1.0}),
            "6": ("KSampler", {"seed": 7, "steps": 6, "cfg": 3.0, "sampler_name": "euler", "scheduler": "simple",
                               "denoise": 0.4, "latent_image": ["5", 0]})}


def test_a_resize_into_an_encoding_not_made_is_said_not_applied_naming_the_encoder():
    nodes = _refine_input(("ResizeImageMaskNode", {"resize_type": "scale by multiplier",
                                                   "resize_type.multiplier": 2, "scale_method": "lanczos"}))
    over = passing.passed_over(_api(nodes), {"6", "1", "9", "4"})
    assert over["3"].startswith("'VAEEncode' (VAEEncode, #3) encodes what its 'pixels' is given into a latent for "
                                "'LatentMultiply' (#5)'s 'samples': not made by Studio")
    assert over["2"] == ("'ResizeImageMaskNode' (ResizeImageMaskNode, #2), a step between its 'input' and 'VAEEncode' "
                         "(#3)'s 'pixels': not applied (its settings: resize_type scale by multiplier, "
                         "resize_type.multiplier 2, scale_method lanczos)")


def test_only_one_step_into_such_an_encoding_a_chain_before_it_stays_as_it_was():
    """A step before that step is said as it was before (one step from a node said, feeding it): not a chain
    passed over step by step; a step whose other reader Studio reads is not said so (its size may be read there)."""
    nodes = _refine_input(("ImageScaleBy", {"upscale_method": "lanczos", "scale_by": 2.0}))
    nodes["2"] = ("ImageScaleBy", {"upscale_method": "lanczos", "scale_by": 2.0, "image": ["7", 0]})
    nodes["7"] = ("ImageInvert", {"image": ["1", 0]})
    nodes["8"] = ("ImageInvert", {"image": ["1", 0]})
    over = passing.passed_over(_api(nodes), {"6", "1", "9", "4"})
    assert over["2"].startswith("'ImageScaleBy' (ImageScaleBy, #2), a step between its 'image' and 'VAEEncode' (#3)'s "
                                "'pixels': not applied")
    assert over["7"].startswith("'ImageInvert' (ImageInvert, #7), a step between its 'image' and 'ImageScaleBy' (#2)'s "
                                "'image': not applied")
    nodes["10"] = ("GetImageSize", {"image": ["2", 0]})  # read by Studio (its size taken where it goes)
    over = passing.passed_over(_api(nodes), {"6", "1", "9", "4", "10"})
    assert "2" not in over


def test_a_template_output_saved_unresolved_is_typed_by_its_input_and_the_resize_said_a_step():
    """2. A UI file (ComfyUI's LTX-2.3 text to video blueprint's subgraph) saves ResizeImageMaskNode's match-type
    output as '*': typed by its template input's type (mapping/templates.py), the resize before a step not applied is
    said a step not applied, not listed as not converted (it was: '*' read as a value of any type)."""
    wf = Workflow.read(ui([(1, "LoadImage", [], ["IMAGE", "MASK"], ["a.png", "image"]),
                           (2, "ResizeImageMaskNode", [("input", "IMAGE,MASK")], ["*"],
                            ["scale dimensions", 1920, 1088, "center", "lanczos"]),
                           (3, "ImageInvert", [("image", "IMAGE")], ["IMAGE"], []),
                           (4, "SaveImage", [("images", "IMAGE")], [], ["a"])],
                          [(1, 0, 2, "input"), (2, 0, 3, "image"), (3, 0, 4, "images")]))
    over = passing.passed_over(wf, {"1", "4"})
    assert over["2"].startswith("'ResizeImageMaskNode' (ResizeImageMaskNode, #2), a step between its 'input' and "
                                "'ImageInvert' (#3)'s 'image': not applied (its settings: resize_type scale dimensions")


def test_a_length_rounded_from_a_count_by_a_math_node_is_read_by_its_expression():
    """4. EmptyLTXVLatentVideo's length from ComfyMathExpression '(int((a - 1) / 8)) * 8 + 1' of a clip's count
    (ComfyUI-LTXVideo's LTX-2.3 IC-LoRA lipdub): the node is read by its settings (one expression, one wired number:
    mapping/counted_math.py) as that count rounded down to a frame rule, so folded_sizes names the clip the generator's
    'frames' 0 takes (it said "the generator's own is used"); an expression making another length is not so read."""
    from studio.convert.mapping import counted_math
    nodes = {"1": ("LoadImage", {"image": "a.png"}),
             "2": ("GetImageSizeAndCount", {"image": ["1", 0]}),
             "3": ("ComfyMathExpression", {"values.a": ["2", 3], "expression": "(int((a - 1) / 8)) * 8 + 1"})}
    wf = _api(nodes)
    got = counted_math.through(wf, wf.nodes["3"])
    assert got is not None and (got[0].id, got[1], got[2]) == ("2", 3, "(int((a - 1) / 8)) * 8 + 1")
    for other in ("a * 2", "a - 20", "a / 8"):  # (a length of its own, far below, not whole)
        nodes["3"][1]["expression"] = other
        wf = _api(nodes)
        assert counted_math.through(wf, wf.nodes["3"]) is None


def test_scails_length_the_count_of_the_very_clip_it_is_given_is_made_with_frames_0():
    """2. heldout62 06 (dseditor's SCAIL-2): WanSCAILToVideo's length is VHS_VideoInfo's loaded_frame_count of the
    very load its pose_video is (ComfyUI's one take of the whole clip): the generator's 'frames' 0 ("as long as the
    driving video"), said, where it made the first 81 frames; the size line says the length so (zero_frames hook)."""
    from studio.convert.mapping.convert import convert
    from tests.convert.said import nodes_of, said
    from tests.convert.test_comfy_heldout62_mends import _scail
    conv = convert(_scail(), "sc.json")
    (gen,) = nodes_of(conv, "video_models.scail2")
    assert gen.params["frames"] == 0
    text = said(conv)
    assert ("WanSCAILToVideo's length comes from 'VHS_VideoInfo' (VHS_VideoInfo, #126)'s loaded_frame_count, the count "
            "of the frames 'VHS_LoadVideo' (VHS_LoadVideo, #113) loads, the very clip given as its pose_video: Studio's "
            "SCAIL-2 node, its 'frames' 0, makes the whole driving video it is given") in text
    assert "the first 81 frames" not in text and "'frames' to the workflow's" not in text
