"""Issue 112, mend20 (the older held-out sets' not-kept workflows, by mechanism): each test builds its workflow from
node types, values and links and fails without its mend.

1. A fork's renamed copies of a pack's types (heldout85 07: jackytop/ComfyUI-WanVideoWrapper_jc registers each of
   kijai/ComfyUI-WanVideoWrapper's node ids + '_jc', its __init__.py's NODE_ID_SUFFIX, and its UI file's nodes name
   the fork by aux_id): a node of a type no pack declares whose properties name the fork, whose type less the fork's
   suffix is a catalogued type of the pack the fork's name less the suffix names, and which saves that type's sockets
   and as many settings, is read as that type, said in one sentence naming each node. Its sockets or its count of
   values otherwise, or a suffix not the fork's, and it is not."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said, ui

FORK = "jackytop/ComfyUI-WanVideoWrapper_jc"
MODEL = "WanVideo\\Wan2_1-T2V-1_3B_bf16.safetensors"


def _forked(sfx: str = "_jc", loader_values: list | None = None, aux: str = FORK) -> dict:
    """A text-to-video take through the fork's renamed WanVideoWrapper nodes (each value list as long as the
    catalogued type's settings, the sampler's seed followed by its control value)."""
    doc = ui([
        (1, "WanVideoModelLoader" + sfx, [], ["WANVIDEOMODEL"],
         loader_values or [MODEL, "bf16", "disabled", "offload_device", "sdpa", "default"]),
        (2, "WanVideoVAELoader" + sfx, [], ["WANVAE"], ["wanvideo\\Wan2_1_VAE_bf16.safetensors", "bf16", False, False]),
        (3, "WanVideoTextEncodeCached" + sfx, [], ["WANVIDEOTEXTEMBEDS", "WANVIDEOTEXTEMBEDS", "STRING"],
         ["umt5-xxl-enc-bf16.safetensors", "bf16", "a lighthouse in fog", "blurry", "disabled", False, "gpu"]),
        (4, "WanVideoEmptyEmbeds" + sfx, [], ["WANVIDIMAGE_EMBEDS"], [832, 480, 33]),
        (5, "WanVideoSampler" + sfx, [("model", "WANVIDEOMODEL"), ("image_embeds", "WANVIDIMAGE_EMBEDS"),
                                      ("text_embeds", "WANVIDEOTEXTEMBEDS")], ["LATENT", "LATENT"],
         [30, 6.0, 5.0, 7, "fixed", True, "unipc", 0, 1.0, False, "comfy", 0, -1, False]),
        (6, "WanVideoDecode" + sfx, [("vae", "WANVAE"), ("samples", "LATENT")], ["IMAGE"],
         [False, 272, 272, 144, 128, "default"]),
        (7, "SaveAnimatedWEBP", [("images", "IMAGE")], [], ["fog", 16.0, False, 90, "default"]),
    ], [(1, 0, 5, "model"), (4, 0, 5, "image_embeds"), (3, 0, 5, "text_embeds"), (2, 0, 6, "vae"),
        (5, 0, 6, "samples"), (6, 0, 7, "images")])
    for n in doc["nodes"]:
        if n["type"] != "SaveAnimatedWEBP":
            n["properties"] = {"aux_id": aux, "ver": "5343094d4cf5732ebd1a7c3420aafd2bbc04a7d0"}
    return doc


def test_a_forks_renamed_types_are_read_as_the_types_they_copy():
    conv = convert(_forked(), "fork")
    assert [t["generator"] for t in conv.tasks] == ["video_models.text_to_video"]
    gen = nodes_of(conv, "video_models.text_to_video")[0].params
    assert (gen["prompt"], gen["negative_prompt"], gen["steps"], gen["width"], gen["height"], gen["frames"]) == \
        ("a lighthouse in fog", "blurry", 30, 832, 480, 33)
    assert nodes_of(conv, "video_models.load")[0].params["model"] == MODEL
    text = said(conv)
    assert ("'WanVideoModelLoader_jc' (WanVideoModelLoader_jc, #1) as WanVideoModelLoader, "
            "'WanVideoVAELoader_jc' (WanVideoVAELoader_jc, #2) as WanVideoVAELoader") in text
    assert ("'WanVideoSampler_jc' (WanVideoSampler_jc, #5) as WanVideoSampler, 'WanVideoDecode_jc' (WanVideoDecode_jc, "
            "#6) as WanVideoDecode: their properties name jackytop/ComfyUI-WanVideoWrapper_jc, a copy of "
            "kijai/ComfyUI-WanVideoWrapper that renames each of its types with '_jc'") in text
    assert "no pack in Studio's catalogue declares" not in text


def test_a_renamed_type_saving_other_settings_or_another_suffix_is_not_read_so():
    fewer = convert(_forked(loader_values=[MODEL, "bf16", "disabled", "offload_device", "sdpa"]), "fork_fewer")
    text = said(fewer)
    assert "'WanVideoModelLoader_jc' (WanVideoModelLoader_jc, #1) as WanVideoModelLoader" not in text
    assert "'WanVideoSampler_jc' (WanVideoSampler_jc, #5) as WanVideoSampler" in text  # (the others still are)
    for doc in (_forked(sfx="_xy"), _forked(aux="someone/ComfyUI-KJNodes_jc")):
        conv = convert(doc, "not_the_fork")
        assert conv.tasks == [] or all(t["generator"] is None for t in conv.tasks)
        assert "renames each of its types" not in said(conv)
