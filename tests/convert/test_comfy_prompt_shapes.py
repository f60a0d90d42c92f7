"""A text encoder no rule names, read by its declared types (issue 112; tracing/prompt_shapes.py): a CLIP in,
conditioning out, as many texts as outputs: output k encodes text k (heldout10's PgLazyPromptMini). Node names
invented."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_heldout11_mends import _t2v


def _generator(conv):
    return next(n for n in conv.graph.nodes.values() if "prompt" in n.params and n.type_id.startswith("video_models"))


def _ui_pair(values: list, outs: int = 2, extra_socket: bool = False) -> dict:
    """A UI Wan T2V whose prompts come from one uncatalogued node 'ZetaPromptDuo' (#7)."""
    def n(nid, cls, ins, outputs, vals):
        return {"id": nid, "type": cls, "mode": 0, "widgets_values": vals,
                "inputs": [{"name": k, "type": t, "link": lk} for k, t, lk in ins],
                "outputs": [{"name": k, "type": t, "links": lk} for k, t, lk in outputs]}
    duo_ins = [("clip", "CLIP", 1)] + ([("image", "IMAGE", 9)] if extra_socket else [])
    duo_outs = [("POS", "CONDITIONING", [2]), ("NEG", "CONDITIONING", [3])][:outs]
    if outs == 1:
        duo_outs = [("POS", "CONDITIONING", [2, 3])]
    nodes = [n(1, "UNETLoader", [], [("MODEL", "MODEL", [4])], ["wan2.1_t2v_1.3B.safetensors", "default"]),
             n(2, "CLIPLoader", [], [("CLIP", "CLIP", [1])], ["umt5.safetensors", "wan", "default"]),
             n(3, "VAELoader", [], [("VAE", "VAE", [6])], ["wan_2.1_vae.safetensors"]),
             n(7, "ZetaPromptDuo", duo_ins, duo_outs, values),
             n(9, "EmptyHunyuanLatentVideo", [], [("LATENT", "LATENT", [5])], [832, 480, 33, 1]),
             n(10, "KSampler", [("model", "MODEL", 4), ("positive", "CONDITIONING", 2),
                                ("negative", "CONDITIONING", 3), ("latent_image", "LATENT", 5)],
               [("LATENT", "LATENT", [7])], [1, "fixed", 8, 1, "euler", "simple", 1]),
             n(11, "VAEDecode", [("samples", "LATENT", 7), ("vae", "VAE", 6)], [("IMAGE", "IMAGE", [8])], []),
             n(12, "SaveAnimatedWEBP", [("images", "IMAGE", 8)], [], ["v", 16, False, 90, "default"])]
    links = [[1, 2, 0, 7, 0, "CLIP"], [2, 7, 0, 10, 1, "CONDITIONING"], [3, 7, 1 if outs == 2 else 0, 10, 2,
                                                                          "CONDITIONING"],
             [4, 1, 0, 10, 0, "MODEL"], [5, 9, 0, 10, 3, "LATENT"], [6, 3, 0, 11, 1, "VAE"],
             [7, 10, 0, 11, 0, "LATENT"], [8, 11, 0, 12, 0, "IMAGE"]]
    return {"nodes": nodes, "links": links}


def test_a_ui_prompt_pair_node_no_pack_declares_gives_each_output_its_text():
    conv = convert(_ui_pair(["a red fox runs through snow", "blurry, low quality"]), "duo.json")
    gen = _generator(conv)
    assert gen.params["prompt"] == "a red fox runs through snow", conv.log
    assert gen.params["negative_prompt"] == "blurry, low quality"
    said = "\n".join(conv.log)
    assert "the negative prompt is read from 'ZetaPromptDuo' (ZetaPromptDuo, #7), a text encoder by its declared " \
           "types (a CLIP in, conditioning out): the text it encodes on output 1, 'blurry, low quality'" in said
    assert "ZetaPromptDuo" not in said.split("not converted")[-1]


def test_a_choice_value_beside_the_texts_is_not_taken_for_a_prompt():
    conv = convert(_ui_pair(["lanczos", "a red fox runs", "blurry, low quality"]), "duo3.json")
    gen = _generator(conv)
    assert (gen.params["prompt"], gen.params["negative_prompt"]) == ("a red fox runs", "blurry, low quality")


def test_a_node_taking_more_than_a_text_encoder_or_of_unequal_texts_is_no_encoder():
    conv = convert(_ui_pair(["a red fox runs", "blurry", "more words here"]), "odd.json")
    said = "\n".join(conv.log)
    assert "a text encoder by its declared types" not in said
    assert "which Studio does not read" in said  # (said as before: not read)


def test_an_api_node_giving_one_prompt_on_both_inputs_is_read_by_the_types_it_feeds():
    wf = _t2v({"7": ("XiPromptSolo", {"clip": ["2", 0], "words": "a lighthouse at dusk, waves"}),
               "8": ("XiPromptSolo", {"clip": ["2", 0], "words": "grainy, dark"})})
    gen = _generator(convert(wf, "solo.json"))
    assert (gen.params["prompt"], gen.params["negative_prompt"]) == ("a lighthouse at dusk, waves", "grainy, dark")
