"""rescale22: an STG guider's rescale (ComfyUI-LTXVideo's STGGuider / STGGuiderNode, its declared 'rescale') read
into LTX-2 Video + Sound's 'guidance_rescale' (LTX2Pipeline guides with 0.7 unless told): no longer said 'not
taken'; its stg still is. LTX-Video's generator has no such setting: there the rescale is still said not taken."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said


def _stg(cls: str, ckpt: str, rescale, stg=1.0) -> dict:
    """An API file: text to video in one pass guided by ``cls`` (cfg 4) through SamplerCustomAdvanced."""
    def n(c, **inputs):
        return {"class_type": c, "inputs": inputs}
    return {
        "1": n("CheckpointLoaderSimple", ckpt_name=ckpt),
        "2": n("LTXAVTextEncoderLoader", text_encoder="gemma_3_12B_it.safetensors", ckpt_name=ckpt, device="default")
        if "ltx-2" in ckpt else n("CLIPLoader", clip_name="t5xxl_fp16.safetensors", type="ltxv", device="default"),
        "3": n("CLIPTextEncode", text="a red fox in snow", clip=["2", 0]),
        "4": n("CLIPTextEncode", text="blurry", clip=["2", 0]),
        "5": n("LTXVConditioning", positive=["3", 0], negative=["4", 0], frame_rate=24),
        "6": n("EmptyLTXVLatentVideo", width=768, height=512, length=97, batch_size=1),
        "7": n(cls, model=["1", 0], positive=["5", 0], negative=["5", 1], cfg=4.0, stg=stg, rescale=rescale),
        "8": n("RandomNoise", noise_seed=42),
        "9": n("KSamplerSelect", sampler_name="euler"),
        "10": n("BasicScheduler", model=["1", 0], scheduler="simple", steps=20, denoise=1.0),
        "11": n("SamplerCustomAdvanced", noise=["8", 0], guider=["7", 0], sampler=["9", 0], sigmas=["10", 0],
                latent_image=["6", 0]),
        "12": n("VAEDecode", samples=["11", 0], vae=["1", 2]),
        "13": n("CreateVideo", images=["12", 0], fps=24),
        "14": n("SaveVideo", video=["13", 0], filename_prefix="fox", format="auto", codec="auto"),
    }


def _generator(conv, prefix: str):
    return next(n for n in conv.graph.nodes.values() if n.type_id.startswith(prefix))


def test_ltx2_takes_the_stg_guiders_rescale_and_says_only_its_stg():
    for cls in ("STGGuiderNode", "STGGuider"):
        conv = convert(_stg(cls, "ltx-2.3-22b-dev-fp8.safetensors", 0.5), "stg.json")
        gen = _generator(conv, "video_models.ltx2")
        assert gen.params["guidance_rescale"] == 0.5 and gen.params["guidance"] == 4.0
        said = _said(conv)
        assert f"'{cls}' ({cls}, #7): its stg 1.0 not taken (the generators take one guidance scale: its cfg)" in said
        assert not [line for line in said.splitlines() if "rescale" in line and "not taken" in line]


def test_ltx2_with_the_pipelines_own_rescale_and_no_stg_says_nothing_of_the_rescale():
    conv = convert(_stg("STGGuiderNode", "ltx-2-19b-dev.safetensors", 0.7, stg=0.0), "stg.json")
    assert _generator(conv, "video_models.ltx2").params["guidance_rescale"] == 0.7
    said = _said(conv)
    assert not [line for line in said.splitlines() if "rescale" in line and "not taken" in line]
    assert "its stg 0.0 not taken" in said


def test_ltx_video_still_says_the_rescale_not_taken():
    conv = convert(_stg("STGGuider", "ltxv-13b-0.9.7-dev.safetensors", 0.75), "stg.json")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id.startswith("video_models.")
               and n.type_id != "video_models.load")
    assert "guidance_rescale" not in gen.params
    assert "'STGGuider' (STGGuider, #7): its stg 1.0, rescale 0.75 not taken (the generators take one guidance " \
           "scale: its cfg)" in _said(conv)



def test_heldout102_03_sound_for_clip_takes_the_rescale_and_says_the_stg():
    """Held-out 102/03 (abork75's LTX-2.3 Foley, as test_comfy_foley22 writes it: STGGuiderNode cfg 4, stg 1,
    rescale 0.7 / 0.4): LTX-2 Sound for Clip takes the rescale; only the stg is said not taken."""
    from tests.convert.test_comfy_foley22 import _doc
    for rescale in (0.7, 0.4):
        conv = convert(_doc(**{"16": {"rescale": rescale}}), "_LTX23_Foley.json")
        assert _generator(conv, "video_models.ltx2_foley").params["guidance_rescale"] == rescale
        said = _said(conv)
        assert "(STGGuiderNode, #16): its stg 1 not taken (the generators take one guidance scale: its cfg)" in said
        assert not [line for line in said.splitlines() if "rescale" in line and "not taken" in line]
