"""AnimateLCM's sampler (samplers18, heldout80 06: Wingie's 'animatediff-small-video.json', AnimateLCM with KSampler's
'lcm'): a workflow sampling AnimateDiff with ComfyUI's 'lcm' sampler gives the generator the sampler 'lcm'
(LCMScheduler on AnimateDiff's betas with AnimateLCM's original schedule, the family's 'own_samplers' hook), said in
one sentence; its 'sgm_uniform' spacing said to be LCMScheduler's own, another ('karras') said not taken. A sampler the
family declares nothing for keeps 'auto' with its sentence, and 'lcm' on a flow-matching family is no sampler of its
own ('auto', said). It was made with AnimateDiff's DDIM ("the generator has no sampler setting")."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said
from tests.convert.test_comfy_animatediff import _api
from tests.convert.test_comfy_wrappers import _nodes


def _lcm(sampler="lcm", scheduler="sgm_uniform"):
    wf = _api(context=False)
    wf["2"]["inputs"]["model_name"] = "AnimateLCM_sd15_t2v.safetensors"
    wf["9"]["inputs"].update(sampler_name=sampler, scheduler=scheduler, steps=8, cfg=1.5)
    return wf


def test_comfyuis_lcm_sampler_on_animatediff_is_the_generators_lcm_said():
    conv = convert(_lcm(), "lcm")
    assert [t["family"] for t in conv.tasks] == ["AnimateDiff"]
    p = _nodes(conv, "video_models.text_to_video")[0].params
    assert (p["sampler"], p["steps"], p["guidance"]) == ("lcm", 8, 1.5)
    said = _said(conv)
    assert ("the generator's sampler is 'lcm' (LCMScheduler on linear betas 0.00085-0.012 with AnimateLCM's 100-step "
            "original schedule, as AnimateLCM's released code samples); the 'sgm_uniform' spacing: LCMScheduler's own "
            "timesteps are so spaced (evenly down from 999, to within its original schedule's 10-step grid)") in said
    assert "the generator has no sampler setting" not in said and "AnimateDiff's DDIM" not in said
    karras = _said(convert(_lcm(scheduler="karras"), "lcm"))
    assert "AnimateLCM's released code samples); the 'karras' sigma spacing is not taken (the scheduler's own)" in karras


def test_another_sampler_on_animatediff_keeps_its_ddim_and_lcm_on_a_flow_family_is_not_taken():
    conv = convert(_lcm(sampler="euler_ancestral", scheduler="normal"), "ea")
    assert _nodes(conv, "video_models.text_to_video")[0].params["sampler"] == "auto"
    assert ("the generator's sampler is 'auto': AnimateDiff samples with the scheduler Studio gives ComfyUI's motion "
            "module and checkpoint (AnimateDiff's DDIM") in _said(conv)
    from studio.convert.mapping.sampler_taken import own_sampler
    assert own_sampler("AnimateDiff", "lcm")[0] == "lcm" and own_sampler("AnimateDiff", "euler") is None
    assert own_sampler("Wan 2.1", "lcm") is None  # (a flow family declares none: 'lcm' is none of its samplers)


def test_ltx2s_start_image_at_a_strength_below_1_is_its_image_strength():
    """heldout80 11: LTXVImgToVideoConditionOnly's strength 0.7 (the frame's noise mask 0.3) was said not taken; it is
    LTX-2 Video + Sound's 'image_strength' (LTX2ConditionPipeline's condition at that strength, the same rule); 1 sets
    nothing; 0 (the image noised away in ComfyUI) is said not taken."""
    from tests.convert.test_comfy_ltx2_condition_only import _doc
    for strength, want in ((0.7, 0.7), (1.0, 1.0)):
        conv = convert(_doc(bypass=False, strength=strength), "lh")
        assert _nodes(conv, "video_models.ltx2")[0].params["image_strength"] == want
        assert "partly noised) is not taken" not in _said(conv)
    none = convert(_doc(bypass=False, strength=0.0), "lh")
    assert _nodes(none, "video_models.ltx2")[0].params["image_strength"] == 1.0
    assert ("'LTXVImgToVideoConditionOnly' (LTXVImgToVideoConditionOnly, #7)'s strength 0.0 (the start image's latents "
            "noised as the rest, the image not held) is not taken: LTX-2 Video + Sound holds the start image clean") \
        in _said(none)


def test_a_start_strength_on_a_generator_without_one_is_said_not_taken():
    from nodes.video_models.families.ltx2.comfy import start_strength
    from studio.core.registry import default_registry

    class B:  # (the builder's parts start_strength reads)
        extra: dict = {}
        g = type("G", (), {"registry": default_registry()})()

        def spec_params(self, t):
            return {p.name for p in self.g.registry.get(t).params}

    class N:
        title, shown_cls, id = "", "LTXVImgToVideoInplace", "4"
    said: list = []
    b = B()
    start_strength(b, N(), 0.6, "video_models.image_to_video", said)
    assert b.extra == {} and said == ["'LTXVImgToVideoInplace' (LTXVImgToVideoInplace, #4)'s strength 0.6 (the start "
                                      "image's latents partly noised) is not taken: Image to Video holds the start "
                                      "image clean"]
    start_strength(b, N(), 0.6, "video_models.ltx2", said)
    assert b.extra == {"image_strength": 0.6} and len(said) == 1


def test_ltxvpreprocess_is_ltx2s_image_crf_and_a_picture_without_it_is_not_compressed():
    """LTXVPreprocess compresses the start image at CRF img_compression before LTXVImgToVideoConditionOnly encodes it
    (which compresses nothing itself): LTX-2's 'image_crf' (diffusers' pipelines compress every picture at it, by
    default the model's own 33); with no such step the picture is not compressed: 'image_crf' 0. It was said "not
    applied" while the pipeline compressed at its own 33, and a picture given without it was compressed unsaid."""
    from tests.convert.test_comfy_ltx2_condition_only import _doc
    plain = convert(_doc(bypass=False), "lh")
    assert _nodes(plain, "video_models.ltx2")[0].params["image_crf"] == 0
    wf = _doc(bypass=False)
    wf["20"] = {"class_type": "LTXVPreprocess", "inputs": {"image": ["6", 0], "img_compression": 33}}
    wf["7"]["inputs"]["image"] = ["20", 0]
    conv = convert(wf, "lh")
    assert _nodes(conv, "video_models.ltx2")[0].params["image_crf"] == 33
    assert "(LTXVPreprocess, #20)" not in _said(conv)
