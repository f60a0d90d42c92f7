"""Passing over what the catalogue does not hold (mapping/neighbours.py): an API file's newer core node typed by its
neighbours' declared types (a resize between LoadImage and LTXVPreprocess: a step, said), a model file loader whose
only reader is passed over (said: not applied either), a constant whose readers a pack's translation rewrote with its
value (read, nothing said); a node whose neighbours do not say its types stays not converted."""
from __future__ import annotations

from studio.convert.mapping import passing
from studio.convert.reading.workflow import Workflow


def _api(nodes: dict) -> Workflow:
    return Workflow.read({k: {"class_type": c, "inputs": i} for k, (c, i) in nodes.items()})


def test_an_uncatalogued_resize_is_typed_by_its_neighbours_and_said_not_applied():
    wf = _api({"1": ("LoadImage", {"image": "a.png"}),
               "2": ("SomePackResizeByEdge", {"images": ["1", 0], "longer_edge": 1536}),
               "3": ("LTXVPreprocess", {"image": ["2", 0], "img_compression": 33}),
               "4": ("LTXVImgToVideoInplace", {"image": ["3", 0], "strength": 1.0})})
    over = passing.passed_over(wf, {"1", "4"})
    assert over["2"] == ("'SomePackResizeByEdge' (SomePackResizeByEdge, #2), a node whose type no pack in "
                         "Studio's catalogue declares, makes what it gives 'LTXVPreprocess' (#3)'s 'image' from its "
                         "'images' (pictures): not applied, as Studio does not know what it does (its settings: "
                         "longer_edge 1536)")  # (its reader passed over too: nothing goes there instead)
    assert wf.nodes["2"].out_types == ["IMAGE"] and wf.nodes["2"].in_types == {"images": "IMAGE"}


def test_a_node_whose_neighbours_say_nothing_stays_unknown():
    wf = _api({"1": ("SomePackSource", {"seed": 3}),
               "2": ("OtherPackStep", {"x": ["1", 0]}),
               "3": ("LTXVImgToVideoInplace", {"image": ["2", 0], "strength": 1.0})})
    over = passing.passed_over(wf, {"3"})
    assert over == {} and wf.nodes["1"].out_types == []  # its reader is no declared type: nothing guessed


def test_a_loader_feeding_only_a_passed_over_upsampler_is_said_not_applied_either():
    wf = _api({"1": ("LatentUpscaleModelLoader", {"model_name": "ltx-2-spatial-upscaler-x2.safetensors"}),
               "2": ("EmptyLTXVLatentVideo", {"width": 768, "height": 512, "length": 97, "batch_size": 1}),
               "3": ("SomePackLatentUpsampler", {"samples": ["2", 0], "upscale_model": ["1", 0], "vae": ["5", 0]}),
               "4": ("KSampler", {"latent_image": ["3", 0], "model": ["6", 0]}),
               "5": ("VAELoader", {"vae_name": "v.safetensors"}), "6": ("UNETLoader", {"unet_name": "m"})})
    up = wf.nodes["3"]  # its types as a UI file saves them
    up.in_types, up.out_types = {"samples": "LATENT", "upscale_model": "LATENT_UPSCALE_MODEL", "vae": "VAE"}, ["LATENT"]
    over = passing.passed_over(wf, {"2", "4", "5", "6"})
    assert over["3"].startswith("'SomePackLatentUpsampler' (SomePackLatentUpsampler, #3), a node whose type no pack in Studio's "
                                "catalogue declares, makes what it gives 'KSampler' (#4)'s 'latent_image' from its "
                                "'samples' (latent): not applied")  # (uncatalogued: never called 'a step')
    assert over["1"] == ("'LatentUpscaleModelLoader' (LatentUpscaleModelLoader, #1) gives only 'SomePackLatentUpsampler' "
                         "(#3)'s 'upscale_model', passed over: not applied either (its settings: model_name "
                         "ltx-2-spatial-upscaler-x2.safetensors)")
    wf = _api({"1": ("LatentUpscaleModelLoader", {"model_name": "up.safetensors"}),
               "3": ("SomePackLatentUpsampler", {"samples": ["2", 0], "upscale_model": ["1", 0]}),
               "2": ("EmptyLTXVLatentVideo", {"width": 768, "height": 512, "length": 97, "batch_size": 1})})
    wf.nodes["3"].in_types, wf.nodes["3"].out_types = {"samples": "LATENT", "upscale_model": "X"}, ["LATENT"]
    assert passing.passed_over(wf, {"2"}) == {}  # the upsampler's reader not read: neither is passed over


def test_a_constant_a_translation_folded_into_its_reader_is_read():
    wf = _api({"5": ("INTConstant", {"value": 6}),
               "6": ("EmptyLTXVLatentVideo", {"width": 768, "height": 512, "length": ["5", 0], "batch_size": 1})})
    assert wf.value(wf.nodes["6"], "length") == 6
    del wf.nodes["6"].links["length"]  # as a pack's translation leaves it: the value set, the link gone
    assert passing.passed_over(wf, {"6"}) == {"5": ""}
    wf = _api({"5": ("INTConstant", {"value": 6}), "6": ("EmptyLTXVLatentVideo", {"width": 768})})
    assert passing.passed_over(wf, {"6"}) == {}  # a constant nobody asked for is not said read
