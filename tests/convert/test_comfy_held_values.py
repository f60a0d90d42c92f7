"""A task Studio holds says the values of its sampler and conditioning once, in its sentence (mapping/held_values.py:
heldout19 06, 07, 12 named them nowhere): read from the nodes on the held task's way by their declared types, an
earlier pass's (a still the video is made from) left out, a value wired to a node Studio cannot work out said so."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_heldout19_mends import _fantasy_talking as _made_talking
from tests.convert.workflow_shapes import still_then_svd


def _fantasy_talking() -> dict:
    """heldout19 07's FantasyTalking with its file off the model loader: not FantasyTalking's wiring, so held
    (fantasy15: wired as the wrapper wires it, Studio's FantasyTalking makes it)."""
    wf = _made_talking()
    del wf["22"]["inputs"]["fantasytalking_model"]
    return wf


def _held(conv) -> str:
    return next(x for x in conv.log if x.startswith("This workflow makes"))


def test_a_held_talking_heads_sampler_and_size_are_said_once_in_its_sentence():
    conv = convert(_fantasy_talking(), "talk.json")
    assert not any(t["generator"] for t in conv.tasks)
    line = _held(conv)
    part = line.split(" Its settings, as Studio reads them in the workflow (to set by hand): ", 1)[1]
    # (the settings as the file's node names them: its seed, never the noise_seed of the type it is read as: held23)
    assert "'WanVideoSampler' (#69, read as ComfyUI's KSamplerAdvanced) seed 42, steps 30, cfg 5" in part
    assert "noise_seed" not in part
    assert "shift 5" in part and "'WanVideoImageToVideoEncode' (#63" in part and "width 512, height 512" in part
    assert "num_frames 81" in part and "length 81" not in part
    assert sum(x.count("Its settings, as Studio reads") for x in conv.log) == 1


def test_a_value_wired_to_a_node_studio_cannot_work_out_is_said_as_such():
    wf = still_then_svd()
    wf["90"] = {"class_type": "InventedStepsFromServer", "inputs": {"server": "local"}}
    wf["3"]["inputs"]["steps"] = ["90", 0]
    line = _held(convert(wf, "still_then_svd.json"))
    assert ("'KSampler' (#3) seed 2, steps from 'InventedStepsFromServer' (#90) (a value 'from' a node: one Studio "
            "cannot work out when converting), cfg 2.5") in line
    assert "denoise 1; 'SVD_img2vid" in line  # (the remark beside the wired value itself: heldout98 02, 04)


def test_an_earlier_passs_values_are_not_said_as_the_held_tasks():
    line = _held(convert(still_then_svd(), "still_then_svd.json"))
    assert "'KSampler' (#3) seed 2, steps 20, cfg 2.5, sampler_name euler, scheduler karras, denoise 1" in line
    assert "'SVD_img2vid_Conditioning' (#12) width 1024, height 576, video_frames 25, fps 6, motion_bucket_id 127" \
        in line
    assert "(#17)" not in line.split("Its settings")[1] and "(#5)" not in line.split("Its settings")[1]


def test_a_value_wired_into_a_pack_sampler_read_as_a_core_one_is_said_as_wired():
    wf = _fantasy_talking()
    wf["90"] = {"class_type": "InventedStepsFromServer", "inputs": {"server": "local"}}
    wf["69"]["inputs"]["steps"] = ["90", 0]
    line = _held(convert(wf, "talk.json"))
    assert "steps from 'InventedStepsFromServer' (#90)" in line and "one Studio cannot work out when converting" in line
    assert "steps 30" not in line



def test_a_held_pack_samplers_settings_saved_unnamed_are_said_by_place_never_named_by_guess():
    """A UI file's pack sampler no catalogued pack declares (heldout18's Wan22CombinedKSampler): its values are saved
    without names, so they are said by place; the latent's size and length by name."""
    from tests.convert.test_comfy_heldout18_mends import _ui
    doc = _ui([(1, "UNETLoader", [], ["MODEL"], ["wan2.1_t2v_1.3B_fp16.safetensors", "default"]),
               (2, "CLIPLoader", [], ["CLIP"], ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"]),
               (3, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["a fox in the snow"]),
               (4, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["blurry"]),
               (5, "EmptyHunyuanLatentVideo", [], ["LATENT"], [832, 480, 33, 1]),
               (6, "InventedComboKSampler", [("model", "MODEL"), ("positive", "CONDITIONING"),
                                             ("negative", "CONDITIONING"), ("latent_image", "LATENT")],
                ["LATENT", "STRING"], [7, "fixed", "Distilled", 4, 1.0, "euler", "simple"]),
               (7, "VAELoader", [], ["VAE"], ["wan_2.1_vae.safetensors"]),
               (8, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
               (11, "VHS_VideoCombine", [("images", "IMAGE")], [],
                {"frame_rate": 16, "loop_count": 0, "filename_prefix": "up", "format": "video/h264-mp4",
                 "pingpong": False, "save_output": True})],
              [(2, 0, 3, "clip"), (2, 0, 4, "clip"), (1, 0, 6, "model"), (3, 0, 6, "positive"),
               (4, 0, 6, "negative"), (5, 0, 6, "latent_image"), (6, 0, 8, "samples"), (7, 0, 8, "vae"),
               (8, 0, 11, "images")])
    conv = convert(doc, "combo.json")
    assert not any(t["generator"] for t in conv.tasks)
    line = _held(conv)
    assert "'InventedComboKSampler' (#6) its settings saved by place, unnamed in the file: #0 7, #1 fixed, " \
           "#2 Distilled, #3 4, #4 1.0, #5 euler, #6 simple" in line
    assert "'EmptyHunyuanLatentVideo' (#5) width 832, height 480, length 33" in line
