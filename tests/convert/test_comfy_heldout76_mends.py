"""Mends found by the seventy-sixth held-out set (benchmarks/results/heldout76_2026-11-30.md): an SDXL still made by
Efficiency Nodes' loader and sampler, its prompts wired in (a translator's text, a CSV style's negative), fed by its
CLIP vision alone to Wan 2.1's image to video. Each test builds a minimal workflow from node types, values and links."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.packs import bundle_loaders
from studio.convert.reading.workflow import Workflow

from tests.convert.said import api, said, ui


def _widgets_marked(doc: dict, nid: int, names: tuple[str, ...]) -> dict:
    """Mark the inputs ``names`` of node ``nid`` as settings, as ComfyUI's newer frontend saves them."""
    for n in doc["nodes"]:
        if n["id"] == nid:
            for i in n["inputs"]:
                if i["name"] in names:
                    i["widget"] = {"name": i["name"]}
    return doc


def _style_picker(kinds: tuple[str, str], values: list) -> Workflow:
    doc = ui([(1, "Style Picker Of A Pack", [("styles", kinds[0]), ("csv_file_path", kinds[1])], ["STRING", "STRING"],
               values),
              (2, "CLIPTextEncode", [("clip", "CLIP"), ("text", "STRING")], ["CONDITIONING"], [""])],
             [(1, 1, 2, "text")])
    return Workflow.read(_widgets_marked(doc, 1, ("styles", "csv_file_path")))


def test_a_choice_from_a_list_is_not_a_constant_given_out():
    """A node of two STRING outputs and two saved values, one a choice (COMBO: a style of a CSV file), gives what it
    looks up, not its settings: its second output is not the file's name (heldout76 08/09's 'Load Styles CSV' gave
    'styles.csv' as the negative prompt)."""
    wf = _style_picker(("COMBO", "STRING"), ["noir", "styles.csv"])
    assert wf.value(wf.nodes["2"], "text") is None
    plain = _style_picker(("STRING", "STRING"), ["noir", "rain, night"])  # plain texts given out: still read
    assert plain.value(plain.nodes["2"], "text") == "rain, night"


EFFICIENT = ["sdxl.safetensors", "Baked VAE", -1, "None", 1, 1, "CLIP_POSITIVE", "CLIP_NEGATIVE", "none", "comfy",
             512, 512, 1]
LOADER_INS = [("positive", "STRING"), ("negative", "STRING")]
LOADER_OUTS = ["MODEL", "CONDITIONING", "CONDITIONING", "LATENT", "VAE", "CLIP", "DEPENDENCIES"]


def test_an_efficient_loaders_wired_prompt_is_its_encoders_text():
    """Efficient Loader's 'positive' wired from a text node: the CLIPTextEncode it is read as is given that text, not
    the 'CLIP_POSITIVE' its widget shows, and the input is not said to be "not read" (heldout76 08/09)."""
    doc = ui([(1, "PrimitiveStringMultiline", [], ["STRING"], ["a red fox in the snow"]),
              (2, "Efficient Loader", LOADER_INS, LOADER_OUTS, EFFICIENT),
              (3, "KSampler", [("model", "MODEL"), ("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                               ("latent_image", "LATENT")], ["LATENT"], [1, "fixed", 20, 7, "euler", "normal", 1])],
             [(1, 0, 2, "positive"), (2, 0, 3, "model"), (2, 1, 3, "positive"), (2, 2, 3, "negative"),
              (2, 3, 3, "latent_image")])
    wf = Workflow.read(doc)
    words = bundle_loaders.translate(wf)
    encoder = wf.nodes[wf.nodes["3"].links["positive"][0]]
    assert encoder.cls == "CLIPTextEncode"
    assert wf.value(encoder, "text") == "a red fox in the snow"
    negative = wf.nodes[wf.nodes["3"].links["negative"][0]]
    assert wf.value(negative, "text") == "CLIP_NEGATIVE"  # (not wired: its own setting, as ComfyUI reads it)
    assert not any("'positive' input is not read" in w for w in words)


def _wan_i2v_by_clip_vision() -> dict:
    return api({
        "1": ("UNETLoader", {"unet_name": "wan2.1_i2v_480p_14B_fp8_e4m3fn.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "she waves", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "6": ("CLIPVisionLoader", {"clip_name": "clip_vision_h.safetensors"}),
        "7": ("LoadImage", {"image": "still.png"}),
        "8": ("CLIPVisionEncode", {"clip_vision": ["6", 0], "image": ["7", 0], "crop": "none"}),
        "9": ("WanImageToVideo", {"positive": ["4", 0], "negative": ["5", 0], "vae": ["3", 0],
                                  "clip_vision_output": ["8", 0], "width": 512, "height": 512, "length": 33,
                                  "batch_size": 1}),
        "10": ("KSampler", {"model": ["1", 0], "positive": ["9", 0], "negative": ["9", 1], "latent_image": ["9", 2],
                            "seed": 1, "steps": 20, "cfg": 6, "sampler_name": "uni_pc", "scheduler": "simple",
                            "denoise": 1}),
        "11": ("VAEDecode", {"samples": ["10", 0], "vae": ["3", 0]}),
        "12": ("CreateVideo", {"images": ["11", 0], "fps": 16}),
        "13": ("SaveVideo", {"video": ["12", 0], "filename_prefix": "video/ComfyUI", "format": "auto", "codec": "auto"}),
    })


def test_an_unwired_start_image_with_clip_vision_is_not_run_on_the_prompt_alone():
    """WanImageToVideo given a CLIP vision output and no start image: ComfyUI runs it on the prompt and that input,
    which the held task's sentence says (heldout76 08: "ComfyUI runs it on the prompt alone" was untrue)."""
    text = said(convert(_wan_i2v_by_clip_vision(), "wan_clip_vision.json"))
    assert "'start_image' is connected to nothing" in text
    assert "on the prompt and its 'clip_vision_output'" in text
    assert "on the prompt alone" not in text


def test_a_pack_samplers_picture_shown_is_named_by_the_files_type():
    """KSampler (Efficient)'s IMAGE shown by a PreviewImage (and given to CLIP vision): Studio reads that picture as a
    VAEDecode it makes in the sampler's place; the display's sentence names the file's node by its own type, not
    'VAEDecode' (heldout76 08: the sentence checks' 'type' rule)."""
    doc = _wan_i2v_by_clip_vision()
    doc.update(api({
        "20": ("Efficient Loader", {"ckpt_name": "sdxl.safetensors", "vae_name": "Baked VAE", "clip_skip": -1,
                                    "lora_name": "None", "lora_model_strength": 1, "lora_clip_strength": 1,
                                    "positive": "a girl waving", "negative": "blurry", "token_normalization": "none",
                                    "weight_interpretation": "comfy", "empty_latent_width": 512,
                                    "empty_latent_height": 512, "batch_size": 1}),
        "21": ("KSampler (Efficient)", {"model": ["20", 0], "positive": ["20", 1], "negative": ["20", 2],
                                        "latent_image": ["20", 3], "optional_vae": ["20", 4], "seed": 5, "steps": 20,
                                        "cfg": 7, "sampler_name": "euler", "scheduler": "simple", "denoise": 1,
                                        "preview_method": "auto", "vae_decode": "true"}),
        "22": ("PreviewImage", {"images": ["21", 5]}),
    }))
    doc["8"]["inputs"]["image"] = ["21", 5]
    text = said(convert(doc, "efficient_preview.json"))
    assert "(KSampler (Efficient), node 21)" in text
    assert "(VAEDecode, node 21" not in text


def test_a_text_given_a_bundle_loader_and_its_made_encoder_is_counted_once():
    """Readers of a text Studio cannot work out: a bundle loader's 'positive' (#28), the encoder made of it and given
    the same wire ('28:positive'), and a CLIPTextEncode (#60): two inputs of the file, one more than the first named,
    not two (heldout76 08: "(and 2 more inputs)" of a text the file gives two)."""
    from studio.convert.mapping.passing import _more
    from studio.convert.reading.workflow import CNode
    rs = [(CNode("28", "Efficient Loader"), "positive", 0), (CNode("28:positive", "CLIPTextEncode"), "text", 0),
          (CNode("60", "CLIPTextEncode"), "text", 1)]
    assert _more(rs) == 1
    assert _more(rs[:2]) == 0
    both = [(CNode("50", "WanImageToVideo"), "width", 1), (CNode("50", "WanImageToVideo"), "height", 2)]
    assert _more(both) == 1  # (two inputs of one node: one more)
    made = [(CNode("22:size", "~size"), "image", 0), (CNode("22:vision", "CLIPVisionEncode"), "image", 0),
            (CNode("22:scale", "ImageScale"), "image", 0)]
    assert _more(made) == 0  # (one file node read as three: its one input)
