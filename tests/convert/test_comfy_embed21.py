"""embed21: ComfyUI's ``embedding:NAME`` in a prompt (a textual-inversion embedding ComfyUI loads from
models/embeddings/) kept as written; on AnimateDiff / SD 1.5 / SDXL the generator loads it (nodes'
loading/embeddings.py) and nothing is said but for a pickled file named ('embedding:badoutV2.pt': a safetensors copy is what the run loads);
on a family with no CLIP textual inversion (Wan) the words are said read as text, naming the prompt's node
(heldout91 01-03, heldout90 04/05: the negatives passed unsaid before)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.mapping.prompt_embeddings import names_in
from tests.convert.builders import wan21_i2v_base, wan21_i2v_segment
from tests.convert.said import said as _said
from tests.convert.test_comfy_animatediff import _api
from tests.convert.test_comfy_wrappers import _nodes


def _embedded(conv) -> list[str]:
    """The Log's lines about embeddings (each also in the canvas note: checked there once)."""
    lines = [str(x) for x in conv.log if "embedding:" in str(x)]
    assert all(x.split(": ", 1)[1] in _said(conv) for x in lines)
    return lines


def test_an_animatediff_negative_naming_embeddings_is_kept_as_written_and_loaded_unsaid():
    wf = _api()
    wf["7"]["inputs"]["text"] = "embedding:easynegative, embedding:badhandv4, nsfw"
    conv = convert(wf, "ad")
    assert conv.graph.validate() == []
    gen = next(n for t in conv.tasks for n in _nodes(conv, t["generator"]))
    assert gen.params["negative_prompt"] == "embedding:easynegative, embedding:badhandv4, nsfw"
    assert _embedded(conv) == []  # (the generator loads them: nothing lost, nothing to say)


def test_a_pickled_embedding_named_is_said_with_the_safetensors_copy_the_run_loads():
    wf = _api()
    wf["7"]["inputs"]["text"] = "embedding:badoutV2.pt"
    conv = convert(wf, "ad")
    gen = next(n for t in conv.tasks for n in _nodes(conv, t["generator"]))
    assert gen.params["negative_prompt"] == "embedding:badoutV2.pt"
    lines = _embedded(conv)
    assert len(lines) == 1, lines
    assert "'CLIPTextEncode' (CLIPTextEncode, #7)'s negative prompt names 'embedding:badoutV2.pt', a pickled file " \
           "Studio never unpickles: the run loads a safetensors copy (badoutV2.safetensors)" in lines[0]


def test_on_wan_the_embedding_words_are_said_read_as_text_naming_the_prompts_node():
    more = wan21_i2v_segment(1, ["5", 0])
    more["105"] = {"class_type": "SaveAnimatedWEBP", "inputs": {
        "images": ["104", 0], "filename_prefix": "take", "fps": 16, "lossless": False, "quality": 90,
        "method": "default"}}
    wf = wan21_i2v_base(more)
    wf["7"]["inputs"]["text"] = "embedding:easynegative, blurry"
    wf["100"]["inputs"]["text"] = "a fox, (embedding:style:1.2)"
    conv = convert(wf, "wan")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id.startswith("video_models.") and "prompt" in n.params)
    assert gen.params["negative_prompt"] == "embedding:easynegative, blurry"
    lines = _embedded(conv)
    assert len(lines) == 2, lines
    neg = next(s for s in lines if "#7" in s)
    assert neg.startswith("wan: 'CLIPTextEncode' (CLIPTextEncode, #7)'s negative prompt names "
                          "'embedding:easynegative', a textual-inversion embedding ComfyUI loads from "
                          "models/embeddings/: Wan 2.1 takes none")
    assert neg.endswith("takes none, so Studio reads the words as text")
    assert any("#100)'s positive prompt names 'embedding:style'" in s for s in lines)


def test_the_syntax_read_as_comfyui_reads_it():
    assert names_in("embedding:easynegative, embedding:badhandv4, nsfw") == ["easynegative", "badhandv4"]
    assert names_in("(embedding:charturnerv2:0.75), 1girl") == ["charturnerv2"]
    assert names_in("embedding:badoutV2.pt") == ["badoutV2.pt"]
    assert names_in("word embedding: notes, myembedding:x") == []
