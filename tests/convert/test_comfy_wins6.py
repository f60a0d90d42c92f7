"""wins6 (issue 112): the single things that held the held-out sets' files (benchmarks/results/wins6_2026-11-30.md),
each test built from node types, values and links (no fetched file)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said
from tests.convert.test_comfy_wiring import UI
from tests.convert.workflow_shapes import wan_t2v_combined


def _grained(cls: str, inputs: dict) -> dict:
    """ComfyUI's Wan text to video whose take goes through the film grain ``cls`` to its Video Combine (#9) and,
    beside a loaded clip (KJNodes' ImageConcanate, #82), to a second one (#83)."""
    wf = wan_t2v_combined()
    wf["80"] = {"class_type": cls, "inputs": {"images": ["8", 0], **inputs}}
    wf["9"]["inputs"]["images"] = ["80", 0]
    wf["81"] = {"class_type": "LoadImage", "inputs": {"image": "before.png"}}
    wf["82"] = {"class_type": "ImageConcanate", "inputs": {"image1": ["81", 0], "image2": ["80", 0],
                                                           "direction": "right", "match_image_size": True}}
    wf["83"] = {"class_type": "VHS_VideoCombine", "inputs": {**wf["9"]["inputs"], "images": ["82", 0],
                                                             "filename_prefix": "beside"}}
    return wf


def test_a_film_grain_on_the_takes_way_is_studios_grain_for_each_save():
    """heldout40 11, 12: vrgamedevgirl's FastFilmGrain (0.01, mix 0.2) before both saves (one of them a comparison)
    was "not applied"; LTXVideo's LTXVFilmGrain does the same."""
    for cls, mix in (("FastFilmGrain", "saturation_mix"), ("LTXVFilmGrain", "saturation")):
        extra = {"batch_size": 4} if cls == "FastFilmGrain" else {}
        conv = convert(_grained(cls, {"grain_intensity": 0.01, mix: 0.2, **extra}), "t.json")
        grains = nodes_of(conv, "edit.grain")
        assert len(grains) == 1 and grains[0].params["amount"] == 0.01 and grains[0].params["colour"] is False
        assert grains[0].params["size"] == 0.0
        g = grains[0].id
        made = {l.dst for l in conv.graph.links if l.src == g}
        assert len(made) == 2  # both saves' ways start from the one grain
        text = said(conv)
        assert "not applied (its settings" not in text
        head = f"'{cls}' ({cls}, #80)'s film grain of the take (its 'images') before 'VHS_VideoCombine' "
        made_line = ("writes it: Studio's Grain after the generator (amount 0.01, size 0.0, colour False); its "
                     f"{mix} 0.2 (a mix of a noise of each channel, red twice and blue three times as strong, with "
                     "one grey noise: Studio's Grain is grey) not applied")
        same_line = "writes it: the same Studio Grain as for the take's other save"
        saves = [n for n in ("9", "83") if f"{head}(#{n}) {made_line}" in text]
        assert len(saves) == 1 and f"{head}(#{({'9', '83'} - set(saves)).pop()}) {same_line}" in text


def test_a_film_grain_saved_by_place_by_an_older_pack_is_read_and_another_grain_is_not():
    """heldout40 11, 12 are UI files saving FastFilmGrain's two values of the pack's version before its batch_size
    (the catalogue declares three); a grain of another layout (RES4LYF's 'Film Grain': density, highlights,
    supersampling) is not Studio's Grain and stays said, not applied."""
    w = UI()
    unet = w.add("UNETLoader", ["wan2.1_t2v_1.3B_fp16.safetensors", "default"], ["MODEL"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp16.safetensors", "wan", "default"], ["CLIP"])
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"], ["VAE"])
    pos = w.add("CLIPTextEncode", ["a heron lands on a pier"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    neg = w.add("CLIPTextEncode", ["blurry"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    lat = w.add("EmptyHunyuanLatentVideo", [832, 480, 33, 1], ["LATENT"])
    ks = w.add("KSampler", [5, "fixed", 20, 6.0, "uni_pc", "simple", 1.0], ["LATENT"],
               {"model": (unet, 0, "MODEL"), "positive": (pos, 0, "CONDITIONING"),
                "negative": (neg, 0, "CONDITIONING"), "latent_image": (lat, 0, "LATENT")})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks, 0, "LATENT"), "vae": (vae, 0, "VAE")})
    grain = w.add("FastFilmGrain", [0.03, 0.0], ["IMAGE"], {"images": (dec, 0, "IMAGE")})
    w.add("SaveAnimatedWEBP", ["heron", 16.0, False, 90, "default"], [], {"images": (grain, 0, "IMAGE")})
    conv = convert(w.doc(), "t.json")
    grains = nodes_of(conv, "edit.grain")
    assert len(grains) == 1 and grains[0].params["amount"] == 0.03 and grains[0].params["colour"] is False
    text = said(conv)
    assert "Studio's Grain after the generator (amount 0.03, size 0.0, colour False)" in text
    assert "saturation_mix" not in text  # a mix of 0: one grey noise, as Studio's

    other = _grained("Film Grain", {"density": 1.0, "intensity": 1.0, "highlights": 1.0, "supersample_factor": 4,
                                    "repeats": 1})
    other["80"]["inputs"]["image"] = other["80"]["inputs"].pop("images")
    conv = convert(other, "t.json")
    assert not nodes_of(conv, "edit.grain")
    assert "'Film Grain' (Film Grain, #80)" in said(conv)
