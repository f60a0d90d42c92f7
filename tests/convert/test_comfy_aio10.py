"""An all-in-one checkpoint of a video model (issue 112, heldout62 07: Phr00t's Wan 2.2 Rapid AIO) loaded by a
checkpoint loader that gives the model, its CLIP and its VAE from one file: Load Video Model is given the file as
'model' with text_encoder and vae empty, and reads them from that file (nodes/video_models/files/checkpoint_parts.py);
one sentence says so, where the family's mapping declares it reads them (its 'checkpoint_parts' hook). Each test
builds a minimal workflow from node types, values and links."""
from __future__ import annotations

import pytest

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said, ui

AIO = "wan2.2-t2v-rapid-aio.safetensors"


def _t2v(ckpt: str = AIO, clip: tuple = ("1", 1), vae: tuple = ("1", 2), extra: dict | None = None) -> dict:
    """Text to video on a CheckpointLoaderSimple's model (``clip``, ``vae``: where the prompts' CLIP and the
    decoder's VAE come from)."""
    return api({
        "1": ("CheckpointLoaderSimple", {"ckpt_name": ckpt}),
        "2": ("ModelSamplingSD3", {"model": ["1", 0], "shift": 8.0}),
        "3": ("CLIPTextEncode", {"clip": list(clip), "text": "a woman waving while riding a bear"}),
        "4": ("CLIPTextEncode", {"clip": list(clip), "text": ""}),
        "5": ("EmptyHunyuanLatentVideo", {"width": 848, "height": 480, "length": 41, "batch_size": 1}),
        "6": ("KSampler", {"model": ["2", 0], "positive": ["3", 0], "negative": ["4", 0], "latent_image": ["5", 0],
                           "seed": 7, "steps": 4, "cfg": 1.0, "sampler_name": "euler", "scheduler": "simple",
                           "denoise": 1.0}),
        "7": ("VAEDecode", {"samples": ["6", 0], "vae": list(vae)}),
        "8": ("SaveAnimatedWEBP", {"images": ["7", 0], "filename_prefix": "aio", "fps": 16.0, "lossless": False,
                                   "quality": 90, "method": "default"}),
        **(extra or {}),
    })


def _load(conv):
    (load,) = nodes_of(conv, "video_models.load")
    return load.params


def test_an_all_in_one_checkpoints_clip_and_vae_are_said_read_from_its_file():
    conv = convert(_t2v(), "aio.json")
    p = _load(conv)
    assert (p["model"], p["text_encoder"], p["vae"]) == (AIO, "", "")
    assert ("'CheckpointLoaderSimple' (CheckpointLoaderSimple, #1) gives the CLIP and VAE from its file "
            f"'{AIO}' too: Load Video Model reads the text encoder and VAE from that file, its 'model', with "
            "'text_encoder' and 'vae' left empty (where the file holds no text encoder or VAE, loading it is refused, "
            "naming the input to set)") in said(conv)
    assert said(conv).count("gives the CLIP") == 1


def test_a_ui_files_checkpoint_loader_is_read_by_its_saved_output_types_and_titled():
    nodes = [
        (1, "CheckpointLoaderSimple", [], ["MODEL", "CLIP", "VAE"], [AIO]),
        (3, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["a fox in the snow"]),
        (4, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], [""]),
        (5, "EmptyHunyuanLatentVideo", [], ["LATENT"], [640, 384, 33, 1]),
        (6, "KSampler", [("model", "MODEL"), ("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                         ("latent_image", "LATENT")], ["LATENT"], [7, "fixed", 4, 1.0, "euler", "simple", 1.0]),
        (7, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
        (8, "SaveAnimatedWEBP", [("images", "IMAGE")], [], ["aio", 16.0, False, 90, "default"]),
    ]
    links = [(1, 1, 3, "clip"), (1, 1, 4, "clip"), (1, 0, 6, "model"), (3, 0, 6, "positive"), (4, 0, 6, "negative"),
             (5, 0, 6, "latent_image"), (6, 0, 7, "samples"), (1, 2, 7, "vae"), (7, 0, 8, "images")]
    wf = ui(nodes, links)
    wf["nodes"][0]["title"] = "Load AIO"
    conv = convert(wf, "aio_ui.json")
    assert (_load(conv)["text_encoder"], _load(conv)["vae"]) == ("", "")
    assert ("'Load AIO' (CheckpointLoaderSimple, #1) gives the CLIP and VAE from its file "
            f"'{AIO}' too: Load Video Model reads the text encoder and VAE from that file") in said(conv)


def test_a_separate_text_encoder_file_is_set_and_only_the_clip_read_from_the_checkpoint_is_said():
    """The prompts' CLIP from ComfyUI's CLIPLoader (umt5, type wan): set as text_encoder, nothing said of the
    checkpoint; its CLIP read and the VAE from a VAELoader: the sentence names the CLIP alone."""
    extra = {"9": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}),
             "10": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"})}
    conv = convert(_t2v(clip=("9", 0), extra=extra), "aio.json")
    p = _load(conv)
    assert (p["text_encoder"], p["vae"]) == ("umt5_xxl_fp8_e4m3fn_scaled.safetensors", "")
    assert "gives the" not in said(conv)
    conv = convert(_t2v(vae=("10", 0), extra=extra), "aio.json")
    p = _load(conv)
    assert (p["text_encoder"], p["vae"]) == ("", "wan_2.1_vae.safetensors")
    assert ("'CheckpointLoaderSimple' (CheckpointLoaderSimple, #1) gives the CLIP from its file "
            f"'{AIO}' too: Load Video Model reads the text encoder from that file, its 'model', with 'text_encoder' "
            "left empty (where the file holds no text encoder, loading it is refused, naming the input to set)") in said(conv)


def test_a_family_whose_loader_reads_no_checkpoint_parts_gets_no_such_sentence():
    """HunyuanVideo's denoiser file is read with a diffusers folder as 'base': no family hook, nothing said of the
    checkpoint's parts being read from it (its other sentences say where they come from)."""
    conv = convert(_t2v(ckpt="hunyuan_video_t2v_720p_bf16.safetensors"), "hy.json")
    assert "gives the CLIP" not in said(conv)


@pytest.mark.parametrize("key", ["wan", "ltx"])
def test_the_mappings_hook_names_what_the_familys_part_reader_reads_from_a_checkpoint(key):
    """The converter's word (the mapping's 'checkpoint_parts') and the loader's reading (the part reader's
    CHECKPOINT_PARTS; LTX-Video's VAE read by its own checkpoint_vae) agree."""
    from nodes.video_models.base.capabilities import PartReader
    from nodes.video_models.base.registry import FAMILIES
    from studio.convert.families import registry
    from studio.convert.families.hooks import hook
    (m,) = [m for m in registry.mappings() if m.key == key]
    reader = FAMILIES[key].capability(PartReader).reader()
    own = set(reader.CHECKPOINT_PARTS) | ({"vae"} if hasattr(reader, "checkpoint_vae") else set())
    assert set(hook(m, "checkpoint_parts")) == own and "text_encoder" in own
