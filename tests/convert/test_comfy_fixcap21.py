"""A prompt writer's Caption reaches every LTX-2 pass the same encoder prompts (task fixcap21; held-out 92/08's
shape): a vision-language model writes the positive prompt from the start picture; the take's first pass feeds a
same-size middle pass (LTX-2 Latent Upscale at 'scale' x1), whose take is saved as it is ('_pre 2x_') and upscaled
x2 and refined. ComfyUI guides every pass with the writer's text, so the Caption's text is wired into the generator
of each pipeline and each LTX-2 Latent Upscale's 'prompt', the x1 pass alone included, and the notes say it is wired
(no "write the take's prompt" left). Hand-built API workflow, no model run."""
from __future__ import annotations

import copy

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_ltxmid21 import UPSCALE, _workflow
from tests.convert.test_comfy_vlm21 import ASK, QWEN


def _writer_three_passes() -> dict:
    """writer -> encoder -> generator -> x1 pass -> x2 pass, the x1 pass's take saved on its own too."""
    wf = _workflow()
    wf["vl"] = copy.deepcopy(QWEN["31"])
    wf["vl"]["inputs"].update({"image": ["img", 0], "custom_prompt": ASK})
    wf["p"]["inputs"]["text"] = ["vl", 0]
    wf.update({"d2": {"class_type": "VAEDecode", "inputs": {"samples": ["s2s", 0], "vae": ["ck", 2]}},
               "cv2": {"class_type": "CreateVideo", "inputs": {"images": ["d2", 0], "fps": 25}},
               "sv2": {"class_type": "SaveVideo", "inputs": {"video": ["cv2", 0], "filename_prefix": "video/_pre 2x_"}}})
    return wf


def test_the_captions_text_reaches_every_pass_the_encoder_prompts_the_x1_pass_alone_too():
    conv = convert(_writer_three_passes(), "writer_three_pass.json")
    g = conv.graph
    [cap] = [n for n in g.nodes.values() if n.type_id == "encode.caption"]
    gens = [n for n in g.nodes.values() if n.type_id == "video_models.ltx2"]
    ups = [n for n in g.nodes.values() if n.type_id == UPSCALE]
    assert sorted(n.params["scale"] for n in ups) == ["x1", "x1", "x2"]  # (the x1 pass alone, then x1 -> x2)
    for n in [*gens, *ups]:
        link = g.input_link(n.id, "prompt")
        assert link is not None and (link.src, link.src_port) == (cap.id, "text") and not n.params["prompt"], n.id
    text = "\n".join(n["text"] for n in g.ui.get("notes", []))
    assert "write the take's prompt" not in text
    assert "the Caption's text is wired into LTX-2 Latent Upscale's 'prompt' too (its pass takes the take's " \
           "prompt)" in text  # (the pipeline of the x1 pass alone)
    assert "the Caption's text is wired into each LTX-2 Latent Upscale's 'prompt' too (its refine takes the " \
           "take's prompt)" in text  # (the x1 -> x2 pipeline)
    said = "\n".join(conv.log)
    assert f"its text wired into the prompt of each of the {len(gens)} generators made for" in said
    assert "and into the 'prompt' of each of the 3 'LTX-2 Latent Upscale' after them (the take's prompt their " \
           "refines take)" in said
