"""A family's estimates come from its declared Cost alone (base/capabilities.py, issue 111): estimates/ reads how its
step grows, the config keys counting its blocks, the VAEs keeping every frame, the windows a task encodes and what its
first load starts from it, and a family declaring none has the common transformer's."""
from __future__ import annotations

import nodes.video_models  # noqa: F401  (every family registers itself)
from nodes.video_models.base.capabilities import COMMON_COST, LIBRARIES, LINEAR, Cost, cost
from nodes.video_models.base.family import Family
from nodes.video_models.base.loaded import libraries_started
from nodes.video_models.base.registry import FAMILIES
from nodes.video_models.estimates import foresee_time, step_shape

WAN_VAE = {"scale_factor_spatial": 8, "scale_factor_temporal": 4}
FIELDS = dict(path="m", title="New", frame_pixels=0, frames=17, windows=1, steps=4, guided=False)


def test_a_new_familys_estimates_need_nothing_but_its_cost():
    new = Family("newfam", "New", ("NewPipeline",), t2v="NewPipeline", frame_multiple=(4, 1), size_multiple=16,
                 has=(Cost(attention=LINEAR, layer_keys=("num_blocks",), encodes=(("t2v", 1.5),), starts="json"),))
    den = {"patch_size": [1, 2, 2], "num_blocks": 7, "num_layers": 3, "num_attention_heads": 2, "attention_head_dim": 8}
    shape = step_shape.shape_of(WAN_VAE, den, False, cost=cost(new))
    assert shape.layers == 7 and not shape.attends and shape.grid == (16, 4)
    asked = foresee_time.asked_for(new, "t2v", **FIELDS)
    assert asked.encodes == 1.5 and asked.starts == "json" and asked.grid == (16, 4) and not asked.unet
    assert foresee_time.asked_for(new, "t2v", 2.0, **FIELDS).encodes == 2.0  # the node's own word first
    assert libraries_started("json")  # what its first load starts is in: a load estimate adds no start


def test_a_family_declaring_no_cost_has_the_common_transformers():
    plain = Family("plain", "Plain", ("PlainPipeline",))
    assert cost(plain) is COMMON_COST and cost(None) is COMMON_COST
    asked = foresee_time.asked_for(plain, "i2v", **FIELDS)
    assert asked.encodes == 0.0 and asked.starts == LIBRARIES
    den = {"patch_size": [1, 2, 2], "num_layers": 3, "num_single_layers": 5}
    assert step_shape.shape_of(WAN_VAE, den, False).layers == 3  # only its own keys count its blocks


def test_the_registered_families_declare_what_the_tables_said():
    """What runs/step_shape.py's IMAGE_VAES and LAYER_KEYS and Family.window_encoding / linear_attention said, now
    each family's Cost."""
    assert step_shape.keeps_frames("AutoencoderKLTemporalDecoder") and step_shape.keeps_frames("AutoencoderKL")
    assert not step_shape.keeps_frames("AutoencoderKLWan") and not step_shape.keeps_frames(None)
    assert cost(FAMILIES["hunyuan"]).layer_keys == ("num_layers", "num_single_layers")
    assert cost(FAMILIES["cosmos3"]).layer_keys == ("num_hidden_layers",)
    assert cost(FAMILIES["kandinsky5"]).layer_keys == cost(FAMILIES["kandinsky6"]).layer_keys == ("num_visual_blocks",)
    assert not cost(FAMILIES["sana_video"]).attends and cost(FAMILIES["wan"]).attends
    assert cost(FAMILIES["wan"]).encoded_windows("i2v") == 1.0 and cost(FAMILIES["wan"]).encoded_windows("vace") == 2.0
    assert cost(FAMILIES["chronoedit"]).encoded_windows("i2v") == 1.0 and cost(FAMILIES["ltx"]).encoded_windows("i2v") == 0
    assert cost(FAMILIES["framepack"]).take_shape({"frames": 330, "window": 9})[:3] == (330, 1, 10)
