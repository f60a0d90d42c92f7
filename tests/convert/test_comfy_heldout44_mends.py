"""Mends from the forty-fourth held-out set (LTX-2 / LTX-2.3 and Wan 2.2, owners m-z): each test builds a minimal
workflow from node types, values and links (no fetched file) and fails without its mend."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said
from tests.convert.test_comfy_heldout36_mends import _wrapper_nag


def _ltx_enhanced(shared: bool) -> dict:
    """LTX-2 distilled image to video, its positive written by LTXVideo's Gemma enhancer; ``shared``: one
    CLIPTextEncode gives LTXVConditioning's positive and negative (Lightricks' LTX-2 I2V example, cfg 1)."""
    from tests.convert.workflow_shapes import ltx2_gemma_enhanced
    return ltx2_gemma_enhanced(shared)


def test_a_negative_sharing_the_enhanced_positives_encoder_is_said_so_not_that_studio_does_not_run_it():
    """14 (rluxemburg's LTX-2 I2V): LTXVConditioning's 'negative' is the positive's own CLIPTextEncode, whose text
    Enhance Prompt writes; it was said "the negative prompt is written by ComfyUI's 'Enhancer' ... when the workflow
    runs; Studio does not run it" (false: Studio makes and runs Enhance Prompt for the positive)."""
    conv = convert(_ltx_enhanced(shared=True), "owl.json")
    text = said(conv)
    assert "Studio does not run it" not in text
    assert ("the negative prompt is the positive's own: 'CLIPTextEncode' (CLIPTextEncode, #3) encodes one text for "
            "both, written by Enhance Prompt (ComfyUI's LTXVGemmaEnhancePrompt, #20) when the graph runs; the "
            "generator's 'negative_prompt' is left empty") in text
    (gen,) = nodes_of(conv, "video_models.ltx2")
    assert gen.params["negative_prompt"] == ""
    apart = convert(_ltx_enhanced(shared=False), "owl.json")  # its own negative encoder: read as before
    (gen,) = nodes_of(apart, "video_models.ltx2")
    assert gen.params["negative_prompt"] == "blurry" and "positive's own" not in said(apart)


def test_a_guidance_node_whose_original_encode_has_its_own_negative_does_not_say_the_other_is_read():
    """04 (Ovi: WanVideoOviCFG between WanVideoTextEncodeCached #85, with its own negative, and the sampler): it was
    said that what the node steers away from (#96) "is read as the negative prompt", while the encode's own negative
    is the take's. A guidance node given an encode without a negative still reads the other as the negative."""
    wf = _wrapper_nag()
    wf["129"] = {"class_type": "WanVideoTextEncodeCached", "inputs": {
        "model_name": "umt5-xxl-enc-bf16.safetensors", "precision": "bf16", "positive_prompt": "a mecha robot walking",
        "negative_prompt": "jitter, blur", "quantization": "disabled", "use_disk_cache": True, "device": "gpu"}}
    wf["96"] = {"class_type": "WanVideoTextEncodeCached", "inputs": {
        "model_name": "umt5-xxl-enc-bf16.safetensors", "precision": "bf16", "positive_prompt": "",
        "negative_prompt": "robotic, muffled", "quantization": "disabled", "use_disk_cache": True, "device": "gpu"}}
    wf["124"] = {"class_type": "WanVideoOviCFG", "inputs": {"original_text_embeds": ["129", 0], "ovi_audio_cfg": 3,
                                                            "ovi_negative_text_embeds": ["96", 1]}}
    conv = convert(wf, "ovi.json")
    (gen,) = nodes_of(conv, "video_models.image_to_video")
    assert gen.params["prompt"] == "a mecha robot walking" and gen.params["negative_prompt"] == "jitter, blur"
    text = said(conv)
    assert "is read as the negative prompt" not in text
    assert "and its own negative prompt the take's: what it steers away from is not read" in text
    nag = convert(_wrapper_nag(), "nag.json")  # an encode of one prompt: the other is the negative, as said before
    assert "and what it steers away from is read as the negative prompt" in said(nag)


def test_a_pack_node_the_sampler_is_given_is_not_said_to_be_what_the_video_is_made_from():
    """04: "This workflow makes a video from WanVideoEmptyMMAudioLatents" (false: that node gives the sampler an
    empty sound latent; the video comes from the picture and the empty embeds). Held, the sentence now says what the
    node is: what the sampler is given."""
    from studio.convert.tracing.tasks import pack_task
    task = pack_task("WanVideoEmptyMMAudioLatents")
    assert task is not None and task.what == "a video (its sampler given what WanVideoEmptyMMAudioLatents makes)"
    assert not task.what.startswith("a video from")

