"""heldout105's mends, each on a small workflow written here from the facts of the set's files (not the files):
04 MMAudio Suite's sound made for a clip then pitch-shifted (the pack catalogued; a change of the made sound between
its maker and the output passed over with its sentence, the output made); held pack tasks' output rates named."""
from __future__ import annotations

from studio.convert.finishing import sound_effects
from studio.convert.mapping.convert import convert
from studio.convert.reading.workflow import Workflow
from tests.convert.said import api, nodes_of, said, source_of, ui

FILES = {"model": "mmaudio_large_44k_v2_fp16.safetensors", "vae": "mmaudio_vae_44k_fp16.safetensors",
         "synchformer": "mmaudio_synchformer_fp16.safetensors", "clip": "apple_DFN5B-CLIP-ViT-H-14-384_fp16.safetensors"}


def _suite(pitch: bool = True) -> dict:
    """VHS_LoadVideo -> MMAudioSuiteSampler (its loaders) [-> MMAudioSuitePitchMono] -> VHS_VideoCombine's 'audio',
    the clip's frames its 'images' (heldout105 04's shape, values of this test's own)."""
    wf = api({
        "1": ("VHS_LoadVideo", {"video": "park.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0,
                                "frame_load_cap": 0, "skip_first_frames": 0, "select_every_nth": 1, "format": "None"}),
        "2": ("MMAudioSuiteModelLoader", {"mmaudio_model": FILES["model"], "base_precision": "fp16"}),
        "3": ("MMAudioSuiteFeatureUtilsLoader", {"vae_model": FILES["vae"], "synchformer_model": FILES["synchformer"],
                                                 "clip_model": FILES["clip"], "mode": "44k", "precision": "fp16"}),
        "4": ("MMAudioSuiteSampler", {"duration": 4.0, "steps": 20, "cfg": 4.0, "seed": 7, "prompt": "swings creaking",
                                      "negative_prompt": "", "mask_away_clip": False, "force_offload": True,
                                      "mmaudio_model": ["2", 0], "feature_utils": ["3", 0], "images": ["1", 0]}),
        "5": ("MMAudioSuitePitchMono", {"audio": ["4", 0], "n_steps": 3, "bins_per_octave": 12, "n_fft": 1024,
                                        "win_length": -1, "hop_length": -1}),
        "6": ("VHS_VideoCombine", {"frame_rate": 16, "loop_count": 0, "filename_prefix": "foley",
                                   "format": "video/h264-mp4", "pix_fmt": "yuv420p", "crf": 19, "save_metadata": True,
                                   "pingpong": False, "save_output": True, "images": ["1", 0],
                                   "audio": ["5", 0] if pitch else ["4", 0]}),
    })
    if not pitch:
        del wf["5"]
    return wf


def test_the_suites_sound_is_made_for_the_clip_and_its_pitch_change_said():
    conv = convert(_suite(), "suite")
    (mm,) = nodes_of(conv, "video_models.mmaudio")
    (save,) = nodes_of(conv, "io.save_video")
    assert {k: mm.params[k] for k in FILES} == FILES
    assert (mm.params["steps"], mm.params["cfg"], mm.params["seed"], mm.params["prompt"]) == (20, 4.0, 7,
                                                                                             "swings creaking")
    assert source_of(conv, save.id, "audio").id == mm.id
    assert source_of(conv, mm.id, "video").type_id == "io.load_video"
    text = said(conv)
    assert ("'MMAudioSuitePitchMono' (MMAudioSuitePitchMono, #5) changes the sound 'MMAudioSuiteSampler' "
            "(MMAudioSuiteSampler, #4) makes before 'VHS_VideoCombine' (VHS_VideoCombine, #6) writes it (its settings: "
            "n_steps 3, bins_per_octave 12, n_fft 1024, win_length -1, hop_length -1): not applied") in text
    assert "Studio cannot convert" not in text
    assert "5" in conv.passed  # (passed over with its sentence, not listed as not converted)


def test_the_suite_without_a_pitch_change_is_made_the_same_and_says_none():
    conv = convert(_suite(pitch=False), "suite")
    (mm,) = nodes_of(conv, "video_models.mmaudio")
    assert source_of(conv, nodes_of(conv, "io.save_video")[0].id, "audio").id == mm.id
    assert "changes the sound" not in said(conv)


def test_a_change_of_a_sound_is_told_by_declared_types_only():
    wf = Workflow.read(_suite())
    assert sound_effects.effect_input(wf.nodes["5"]) == "audio"  # one sound in, values, one sound out
    assert sound_effects.effect_input(wf.nodes["4"]) is None  # (pictures in: a maker, not a change)
    assert sound_effects.effect_input(wf.nodes["6"]) is None
    src, fx = sound_effects.past(wf, wf.nodes["5"])
    assert src.id == "4" and [n.id for n in fx] == ["5"]


def _held_pack_upscale(rate=24):
    """A UI file: VHS_LoadVideo (its frames and sound) -> a pack's own frames node (uncatalogued, its pack named by
    its properties) -> VHS_VideoCombine at ``rate`` (heldout105 10's shape: FlashVSR Trunk's node passing the sound
    on, values of this test's own)."""
    doc = ui([(1, "VHS_LoadVideo", [], ["IMAGE", "INT", "AUDIO", "VHS_VIDEOINFO"],
               {"video": "street.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0, "frame_load_cap": 0,
                "skip_first_frames": 0, "select_every_nth": 1, "format": "None"}),
              (2, "TrunkFrames", [("frames", "IMAGE"), ("audio", "AUDIO")], ["IMAGE", "AUDIO"], ["Balanced", 4, 64]),
              (3, "VHS_VideoCombine", [("images", "IMAGE"), ("audio", "AUDIO")], ["VHS_FILENAMES"],
               {"frame_rate": rate, "loop_count": 0, "filename_prefix": "up", "format": "video/h264-mp4",
                "pix_fmt": "yuv420p", "crf": 19, "save_metadata": False, "pingpong": False, "save_output": True})],
             [(1, 0, 2, "frames"), (1, 2, 2, "audio"), (2, 0, 3, "images"), (2, 1, 3, "audio")])
    for n, pack in zip(doc["nodes"], ("comfyui-videohelpersuite", "some-trunk-pack", "comfyui-videohelpersuite")):
        n["properties"] = {"cnr_id": pack, "ver": "1.0", "Node name for S&R": n["type"]}
    return doc


def test_a_task_a_packs_own_node_makes_says_the_rate_its_frames_are_written_at():
    conv = convert(_held_pack_upscale(rate=12), "held")
    text = said(conv)
    assert "Studio cannot convert 'TrunkFrames' (TrunkFrames, #2), which makes it" in text
    assert ("with no generator. Its settings, as Studio reads them in the workflow (to set by hand): "
            "'VHS_VideoCombine' (#3) frame_rate 12.") in text


def _vace_long():
    """A UI file: three loaders and a picture -> VACEPromptCombine -> VaceLongVideo -> VHS_VideoCombine, a second
    prompt window chained after the first but read by nothing (heldout105 06's shape: tatookan's pack, values of this
    test's own)."""
    neg = "static, blurred"
    nodes = [
        (1, "UNETLoader", [], ["MODEL"], ["Wan2.1-VACE-14B.safetensors", "default"]),
        (2, "CLIPLoader", [], ["CLIP"], ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"]),
        (3, "VAELoader", [], ["VAE"], ["wan_2.1_vae.safetensors"]),
        (4, "LoadImage", [], ["IMAGE", "MASK"], ["robot.png", "image"]),
        (5, "VACEPromptCombine", [("ref_image", "IMAGE")], ["PROMPTLIST"], ["a robot walks", neg, 81, 0, 0]),
        (6, "VACEPromptCombine", [("ref_image", "IMAGE"), ("previous_prompt", "PROMPTLIST")], ["PROMPTLIST"],
         ["a robot runs", neg, 81, 14, 0]),
        (7, "VaceLongVideo", [("model", "MODEL"), ("clip", "CLIP"), ("vae", "VAE"), ("vace_prompt_list", "PROMPTLIST")],
         ["IMAGE"], [832, 480, 0, 5, "fixed", 4, 1, "euler", "simple", 1]),
        (8, "VHS_VideoCombine", [("images", "IMAGE")], ["VHS_FILENAMES"],
         {"frame_rate": 16, "loop_count": 0, "filename_prefix": "long", "format": "video/h264-mp4", "pix_fmt": "yuv420p",
          "crf": 19, "save_metadata": False, "pingpong": False, "save_output": True}),
    ]
    links = [(1, 0, 7, "model"), (2, 0, 7, "clip"), (3, 0, 7, "vae"), (4, 0, 5, "ref_image"), (4, 0, 6, "ref_image"),
             (5, 0, 6, "previous_prompt"), (5, 0, 7, "vace_prompt_list"), (7, 0, 8, "images")]
    doc = ui(nodes, links)
    for n in doc["nodes"]:
        n["properties"] = {"cnr_id": "comfyui-superultimatevacetools" if "VACE" in n["type"] or "Vace" in n["type"]
                           else "comfy-core", "ver": "1.0", "Node name for S&R": n["type"]}
    return doc


def test_a_catalogued_vace_packs_held_task_names_its_settings_and_a_window_nothing_reads():
    text = said(convert(_vace_long(), "vace"))
    assert "Studio cannot convert 'VaceLongVideo' (VaceLongVideo, #7), which makes it" in text
    assert ("'VaceLongVideo' (VaceLongVideo, #7): makes a video ('VHS_VideoCombine', #8) from an image with the node "
            "pack 'comfyui-superultimatevacetools'; Studio cannot convert it (said first) (its settings: width 832, "
            "height 480, loopback_crossfade 0, seed 5, steps 4, cfg 1, sampler_name euler, scheduler simple, denoise 1)"
            ) in text  # (named by the pack's declaration, not '#0 832, #1 480, ...')
    assert "(its settings: num_frame 81, init_crossfade_frame 0, refine_init 0)" in text
    assert "'VACEPromptCombine' (VACEPromptCombine, #6) reaches no output of the workflow" in text


def test_a_chunked_flashvsr_node_declaring_ailabs_inputs_and_more_is_read_as_its_twin():
    """heldout105 10's shape: FlashVSR Trunk's FlashVSR_Trunk_Frames declares 1038lab's AILab_FlashVSR inputs (frames,
    preset, scale, unload_model, seed, audio) and its time chunks (chunk_size, overlap): read as that node by the
    types both declare (packs/twins.py), the chunks said not applied; values of this test's own."""
    doc = ui([(1, "VHS_LoadVideo", [], ["IMAGE", "INT", "AUDIO", "VHS_VIDEOINFO"],
               {"video": "street.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0, "frame_load_cap": 0,
                "skip_first_frames": 0, "select_every_nth": 1, "format": "None"}),
              (2, "FlashVSR_Trunk_Frames", [("frames", "IMAGE"), ("audio", "AUDIO")], ["IMAGE", "AUDIO"],
               ["Fast (2x Speed)", 2, 96, 8, True, 3]),
              (3, "VHS_VideoCombine", [("images", "IMAGE"), ("audio", "AUDIO")], ["VHS_FILENAMES"],
               {"frame_rate": 30, "loop_count": 0, "filename_prefix": "up", "format": "video/h264-mp4",
                "pix_fmt": "yuv420p", "crf": 19, "save_metadata": False, "pingpong": False, "save_output": True})],
             [(1, 0, 2, "frames"), (1, 2, 2, "audio"), (2, 0, 3, "images"), (2, 1, 3, "audio")])
    conv = convert(doc, "trunk")
    (up,) = nodes_of(conv, "finishing.flashvsr")
    assert (up.params["scale"], up.params["sparse_ratio"], up.params["kv_ratio"], up.params["local_range"],
            up.params["seed"]) == (2.0, 1.5, 1.0, 9, 3)  # ('Fast (2x Speed)': 1038lab's preset)
    assert source_of(conv, up.id, "video").type_id in ("io.load_video", "transform.scale")
    text = said(conv)
    assert ("'FlashVSR_Trunk_Frames' (FlashVSR_Trunk_Frames, #2) is read as ComfyUI-FlashVSR's AILab_FlashVSR, whose "
            "inputs and outputs it declares alike; its chunk_size 96, overlap 8 are not applied") in text
    assert "without sound" not in text  # (the clip's sound passed on by the node: written, as ComfyUI writes it)
