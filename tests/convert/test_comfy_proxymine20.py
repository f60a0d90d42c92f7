"""Mends found by proxymine20 (benchmarks/results/proxymine20_2026-12-01.md): the proxy's not-kept workflows whose
take is made, by mechanism. A video output of pictures that are no take (a control clip's line art previewed beside
the take) that Studio does not make is said in one sentence naming it and the steps only it loses; an output with the
take on its way is not so said; a take written beside pictures a node draws (a camera path's poses) names that node."""
from __future__ import annotations

import json

from studio.convert.mapping.file import convert_file


def _wan_t2v() -> dict:
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_t2v_1.3B_bf16.safetensors",
                                                      "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
                                                      "type": "wan"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "a red fox runs through snow", "clip": ["2", 0]}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "6": {"class_type": "EmptyHunyuanLatentVideo", "inputs": {"width": 832, "height": 480, "length": 33,
                                                                   "batch_size": 1}},
        "7": {"class_type": "KSampler", "inputs": {"model": ["1", 0], "positive": ["4", 0], "negative": ["5", 0],
                                                    "latent_image": ["6", 0], "seed": 7, "steps": 20, "cfg": 6.0,
                                                    "sampler_name": "uni_pc", "scheduler": "simple", "denoise": 1.0}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["7", 0], "vae": ["3", 0]}},
        "10": {"class_type": "VHS_VideoCombine", "inputs": _combine(["8", 0], "fox")},
    }


def _combine(images: list, prefix: str) -> dict:
    return {"images": images, "frame_rate": 16, "loop_count": 0, "filename_prefix": prefix,
            "format": "video/h264-mp4", "pingpong": False, "save_output": True}


def _convert(tmp_path, name: str, wf: dict):
    path = tmp_path / name
    path.write_text(json.dumps(wf))
    return convert_file(str(path))


def _said(conv) -> str:
    notes = [str(n.get("text", "")) for n in conv.graph.ui.get("notes", []) if isinstance(n, dict)]
    return "\n".join(list(conv.log) + notes)


def test_a_preview_of_pictures_that_are_no_take_not_made_is_said_naming_what_only_it_loses(tmp_path):
    """A loaded picture's line art saved beside the take (the corpus' Wan Fun Control workflows preview their
    control clips so): Studio has no line art node; the take is made, the preview said not made, naming the save and
    the picture loaded for it alone (was: listed as not converted, as if the take's own way lost them)."""
    wf = _wan_t2v()
    wf.update({"20": {"class_type": "LoadImage", "inputs": {"image": "dancer.png"}},
               "21": {"class_type": "LineArtPreprocessor", "inputs": {"image": ["20", 0], "coarse": "disable",
                                                                       "resolution": 512}},
               "22": {"class_type": "VHS_VideoCombine", "inputs": _combine(["21", 0], "lineart")}})
    conv = _convert(tmp_path, "preview.json", wf)
    said = _said(conv)
    assert conv.pipelines == 1 and "10" not in conv.dropped, conv.log
    assert {"20", "22"} <= set(conv.dropped)  # still listed as not converted (the line art: passed over, said)
    line = next(x for x in conv.log if "(VHS_VideoCombine, #22) is not made" in x)
    assert "it writes no take (no node on its way samples, makes or decodes a latent)" in line
    assert "nothing Studio makes gives it what it writes" in line
    assert "Studio does not make 'LoadImage' (LoadImage, #20) on its way (nothing Studio makes reads it)" in line
    assert "Video outputs writing no take, not made:" in said
    base = _convert(tmp_path, "base.json", _wan_t2v())
    assert [n.params for n in conv.graph.nodes.values()] == [n.params for n in base.graph.nodes.values()]


def test_an_output_with_the_take_on_its_way_is_not_said_as_no_take(tmp_path):
    """The take blended with the line art into another save: that output holds the take (a decoder on its way), so
    it is never said to write pictures that are no take; the preprocessor another output also reads, which is not
    made, is still named where the preview alone is said (nothing Studio makes reads it)."""
    wf = _wan_t2v()
    wf.update({"20": {"class_type": "LoadImage", "inputs": {"image": "dancer.png"}},
               "21": {"class_type": "LineArtPreprocessor", "inputs": {"image": ["20", 0], "coarse": "disable",
                                                                       "resolution": 512}},
               "22": {"class_type": "VHS_VideoCombine", "inputs": _combine(["21", 0], "lineart")},
               "23": {"class_type": "SomePackBlend", "inputs": {"image_a": ["8", 0], "image_b": ["21", 0]}},
               "24": {"class_type": "VHS_VideoCombine", "inputs": _combine(["23", 0], "blend")}})
    conv = _convert(tmp_path, "blend.json", wf)
    assert conv.pipelines >= 1, conv.log
    assert not any("#24) is not made: it writes no take" in x for x in conv.log)
    assert any("#22) is not made: it writes no take" in x for x in conv.log)


def test_a_take_beside_a_camera_path_drawn_names_the_drawer(tmp_path):
    """KJNodes' ImageConcatMulti placing the take beside CameraPoseVisualizer's drawing of a camera path (Kijai's
    Fun camera example): the save writes the take alone, said naming the node whose pictures are not written."""
    wf = _wan_t2v()
    wf.update({"30": {"class_type": "ADE_CameraPoseBasic", "inputs": {"motion_type": "Zoom Out", "speed": 0.1,
                                                                      "frame_length": 33}},
               "31": {"class_type": "CameraPoseVisualizer", "inputs": {"cameractrl_poses": ["30", 0],
                                                                        "pose_file_path": "", "base_xval": 0.2,
                                                                        "zval": 0.3, "scale": 1.0,
                                                                        "use_exact_fx": False, "relative_c2w": True,
                                                                        "use_viewer": False}},
               "32": {"class_type": "ImageConcatMulti", "inputs": {"inputcount": 2, "direction": "left",
                                                                   "match_image_size": True, "image_1": ["8", 0],
                                                                   "image_2": ["31", 0]}}})
    wf["10"]["inputs"]["images"] = ["32", 0]
    conv = _convert(tmp_path, "camera.json", wf)
    said = _said(conv)
    assert conv.pipelines == 1, conv.log
    assert "writes the take beside pictures 'ImageConcatMulti' (ImageConcatMulti, #32) places with it that are no " \
           "file (another take, or pictures nodes make: here what 'CameraPoseVisualizer' (CameraPoseVisualizer, " \
           "#31) makes): its Save Video writes one take alone" in said, said
    assert "VAEDecode" not in said.split("places with it")[1].split("\n")[0]  # the take's own decoder not named


def test_a_prompt_refiner_given_the_text_and_its_encoding_names_the_encoder(tmp_path):
    """digital-garbage's FunPackVideoRefiner takes the prompt as text and as a CLIPTextEncode's conditioning of that
    same text: the generator's prompt is the text (said, as before), and the encoder, listed as not converted, is
    now named as given it too and not read apart (was: named nowhere, as if a prompt were lost)."""
    wf = _wan_t2v()
    wf["11"] = {"class_type": "FunPackVideoRefiner", "inputs": {"positive_conditioning": ["4", 0],
                                                                 "positive_prompt": "a red fox runs through snow"}}
    wf["7"]["inputs"]["positive"] = ["11", 0]
    conv = _convert(tmp_path, "refiner.json", wf)
    (gen,) = [n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video"]
    assert gen.params["prompt"] == "a red fox runs through snow"
    assert "the positive prompt comes from ComfyUI's 'FunPackVideoRefiner' (FunPackVideoRefiner, #11), which Studio " \
           "does not read: the text it is given is the generator's prompt (the same text encoded is given to it too, " \
           "by 'CLIPTextEncode' (CLIPTextEncode, #4) on 'positive_conditioning': not read apart)" in _said(conv)
    other = dict(wf, **{"4": {"class_type": "CLIPTextEncode", "inputs": {"text": "a grey wolf", "clip": ["2", 0]}}})
    assert "the same text encoded" not in _said(_convert(tmp_path, "other.json", other))  # another text: not said so


def test_a_pack_decode_read_as_vaedecode_is_named_by_its_own_inputs(tmp_path):
    """A step before LTX-Video's LTXVTiledVAEDecode (read as VAEDecode, its 'latents' as 'samples') was said to feed
    its 'samples', an input the node does not have (benchmarks.sentence_checks' 'input' rule on FunPack's LTX-2.3
    example): the sentence names the file's 'latents'."""
    wf = _wan_t2v()
    wf["12"] = {"class_type": "FunPackSaveRefinementLatent", "inputs": {"latent": ["7", 0], "refinement_key": "k",
                                                                         "mode": "ltx2"}}
    wf["8"] = {"class_type": "LTXVTiledVAEDecode", "inputs": {"vae": ["3", 0], "latents": ["12", 0],
                                                               "horizontal_tiles": 2, "vertical_tiles": 2,
                                                               "overlap": 1, "last_frame_fix": False,
                                                               "working_device": "auto", "working_dtype": "auto"}}
    said = _said(_convert(tmp_path, "tiled.json", wf))
    assert "'FunPackSaveRefinementLatent' (FunPackSaveRefinementLatent, #12), a step between its 'latent' and " \
           "'LTXVTiledVAEDecode' (#8)'s 'latents': not applied" in said, said
    assert "(#8)'s 'samples'" not in said
