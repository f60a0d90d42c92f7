"""Stop 25's values passed over without a word (benchmarks/results/fix25_2026-12-01.md), each on a small workflow
written here from the facts (ComfyUI's node types, inputs and behaviour), none copied from a set's files:

- heldout121 06 / 07: ComfyUI core's VAEDecodeTiled tile_size / overlap / temporal_size / temporal_overlap, read
  nowhere and said nowhere (a pack's tiled decode's are said: packs/decode_twins.py): said not taken, with what
  Studio's generator decodes with instead.
- heldout121 07: a CLIPLoader's device 'cpu': said, with where Studio places the model's parts.
- heldout121 06: HunyuanVideo I2V's CLIPVisionEncode crop 'none' on the Llava encoder, which Studio takes from
  'base': said, with what Studio's pipeline does to the picture instead.
"""
from __future__ import annotations

import copy

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said
from tests.convert.test_comfy_heldout121_mends import HUNYUAN, WAN


def _tiled(wf: dict, decode: str, tiles=(192, 64, 64, 8)) -> dict:
    wf = copy.deepcopy(wf)
    samples, vae = wf[decode]["inputs"]["samples"], wf[decode]["inputs"]["vae"]
    wf[decode] = {"class_type": "VAEDecodeTiled", "inputs": {
        "samples": samples, "vae": vae, "tile_size": tiles[0], "overlap": tiles[1], "temporal_size": tiles[2],
        "temporal_overlap": tiles[3]}}
    return wf


def test_a_core_tiled_decodes_tiles_are_said_not_taken():
    said = _said(convert(_tiled(WAN, "11"), "wan-tiled"))
    assert ("'VAEDecodeTiled' (VAEDecodeTiled, #11)'s tile_size 192, overlap 64, temporal_size 64, temporal_overlap 8 "
            "(ComfyUI decodes the take in tiles of those sizes, to spare memory) are not taken: Studio's generator "
            "decodes the take by its own rule, not in these tiles") in said
    assert said.count("(VAEDecodeTiled, #11)") == 1  # once, and not also listed as not converted
    assert "tile_size" not in _said(convert(copy.deepcopy(WAN), "wan-plain"))  # a plain VAEDecode: nothing to say


def test_a_tiled_decode_on_the_hunyuan_way_is_said_too():
    said = _said(convert(_tiled(HUNYUAN, "16", (256, 64, 32, 8)), "hunyuan-tiled"))
    assert "(VAEDecodeTiled, #16)'s tile_size 256, overlap 64, temporal_size 32, temporal_overlap 8 (" in said


def test_a_text_encoder_loaded_on_the_cpu_is_said_with_where_studio_places_it():
    wf = copy.deepcopy(WAN)
    wf["2"]["inputs"]["device"] = "cpu"
    said = _said(convert(wf, "wan-cpu"))
    assert ("'CLIPLoader' (CLIPLoader, #2)'s device 'cpu' (ComfyUI keeps what it loads on the CPU and runs it there) "
            "is not taken: Studio places the model's parts itself, on Load Video Model's device ('auto': the graph's) "
            "as its memory setting ('auto') says") in said
    wf["2"]["inputs"]["device"] = "default"
    assert "device 'cpu'" not in _said(convert(wf, "wan-default"))


def test_a_dual_clip_loader_on_the_cpu_is_said_where_its_files_come_from_base():
    wf = copy.deepcopy(HUNYUAN)
    wf["2"]["inputs"]["device"] = "cpu"
    assert "'DualCLIPLoader' (DualCLIPLoader, #2)'s device 'cpu' (" in _said(convert(wf, "hunyuan-cpu"))


def test_hunyuan_i2v_llava_crop_none_is_said_with_what_studios_pipeline_does():
    wf = copy.deepcopy(HUNYUAN)
    wf["5"]["inputs"]["crop"] = "none"
    said = _said(convert(wf, "hunyuan-none"))
    assert ("'CLIPVisionEncode' (CLIPVisionEncode, #5)'s crop 'none' (ComfyUI squashes the whole picture into the "
            "image encoder's square) is not taken: Studio's pipeline gives the start picture to the image processor "
            "of its 'base' folder") in said
    assert "crop 'none'" not in _said(convert(copy.deepcopy(HUNYUAN), "hunyuan-center"))  # its crop 'center'


def test_a_restyles_tiled_decode_keeps_the_line_on_its_size_and_length():
    """The tiles' sentence (its words 'tile_size', 'temporal_size') is said after the ledger, which says a
    restyle's size and length are the encoded clip's only where nothing said names a size (fix25's first dumps: a
    Phantom restyle's line was lost)."""
    from tests.convert.test_comfy_v2vhold8 import _restyle
    wf = _restyle("wan2.1_t2v_1.3B_fp16.safetensors", "wan", "wan_2.1_vae.safetensors")
    wf["9"] = {"class_type": "VAEDecodeTiled", "inputs": {"samples": ["8", 0], "vae": ["3", 0], "tile_size": 512,
                                                          "overlap": 64, "temporal_size": 64, "temporal_overlap": 8}}
    said = _said(convert(wf, "wan_v2v_tiled.json"))
    assert "(VAEDecodeTiled, #9)'s tile_size 512, overlap 64, temporal_size 64, temporal_overlap 8 (" in said
    assert "the take's width, height, frames are those of the encoded video its sampler is given" in said
