"""Issue 112, heldout116's mends (fresh set judged on main 2b0ecabe): each test builds its workflow from node types,
values and links written here (no file of the set copied) and fails without its mend.

1. A latent's count (VideoHelperSuite's VHS_GetLatentCount, told by its declared types) of an empty latent whose batch
   its settings give was "a value Studio cannot work out when converting": an AnimateDiff prompt travel's schedule was
   made from the length the file saved (120) instead of the latent's 165, its later keyframes lost unsaid (116/03).
2. Where the saved length is read in place of one not known, keyframes at or past it are said not used (116/03).
3. A held task's note of the settings no Studio node takes listed a video loader's frame_load_cap, which the Trim made
   for that loader keeps (116/01).
4. An uncatalogued pack node read as a node Studio reads, one of its settings wired (named by its input) and the
   others saved by place, had those others said nowhere (LanPaint's sampler, its Lambda, StepSize, PromptMode: 116/04).
"""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.reading import prompt_schedules
from studio.convert.reading.workflow import Workflow
from tests.convert.said import api, nodes_of, said

KEYS = '"0": "a cat",\n"20": "a dog",\n"40": "a bird"'


def _travel(batch: int = 48, through_sampler: bool = False) -> dict:
    """An AnimateDiff prompt travel whose schedule's max_frames is the count of the take's empty latent."""
    return api({
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "sd15.safetensors"}),
        "2": ("ADE_AnimateDiffLoaderWithContext", {"model": ["1", 0], "model_name": "mm_sd_v15_v2.safetensors",
                                                   "beta_schedule": "sqrt_linear (AnimateDiff)"}),
        "3": ("EmptyLatentImage", {"width": 512, "height": 512, "batch_size": batch}),
        "4": ("VHS_GetLatentCount", {"latents": ["10", 0] if through_sampler else ["3", 0]}),
        "5": ("BatchPromptSchedule", {"text": KEYS, "clip": ["1", 1], "max_frames": ["4", 0], "print_output": False,
                                      "pre_text": "", "app_text": "", "start_frame": 0, "pw_a": 0, "pw_b": 0,
                                      "pw_c": 0, "pw_d": 0}),
        "6": ("CLIPTextEncode", {"text": "blurry", "clip": ["1", 1]}),
        "7": ("KSampler", {"model": ["2", 0], "positive": ["5", 0], "negative": ["6", 0], "latent_image": ["3", 0],
                           "seed": 5, "steps": 20, "cfg": 7, "sampler_name": "euler", "scheduler": "normal",
                           "denoise": 1}),
        "8": ("VAEDecode", {"samples": ["7", 0], "vae": ["1", 2]}),
        "9": ("VHS_VideoCombine", {"images": ["8", 0], "frame_rate": 8, "loop_count": 0, "filename_prefix": "AD",
                                   "format": "video/h264-mp4", "pingpong": False, "save_output": True}),
        "10": ("KSampler", {"model": ["2", 0], "positive": ["6", 0], "negative": ["6", 0], "latent_image": ["3", 0],
                            "seed": 1, "steps": 4, "cfg": 1, "sampler_name": "euler", "scheduler": "normal",
                            "denoise": 1}),
    })


def test_a_latent_count_of_an_empty_latent_is_its_batch():
    wf = Workflow.read(_travel(48))
    assert wf.output(wf.nodes["4"], 0) == 48
    wf = Workflow.read(_travel(30, through_sampler=True))  # (a sampler gives the latent it is given: the same batch)
    assert wf.output(wf.nodes["4"], 0) == 30


def test_a_latent_count_of_an_encoded_latent_is_not_worked_out():
    doc = _travel(48)
    doc["11"] = {"class_type": "LoadImage", "inputs": {"image": "a.png"}}
    doc["12"] = {"class_type": "VAEEncode", "inputs": {"pixels": ["11", 0], "vae": ["1", 2]}}
    doc["4"]["inputs"]["latents"] = ["12", 0]
    wf = Workflow.read(doc)
    assert wf.output(wf.nodes["4"], 0) is None  # (how many pictures the encode is given: not known here)


def test_a_schedule_given_the_latent_count_is_as_long_as_the_take_and_nothing_says_otherwise():
    conv = convert(_travel(48), "travel")
    sched = nodes_of(conv, "video_models.prompt_schedule")[0].params
    assert sched["frames"] == 48
    assert nodes_of(conv, "video_models.text_to_video")[0].params["frames"] == 48
    assert "cannot work out" not in said(conv)


def _schedule_node(saved_length: int, keys: str):
    """A UI file's BatchPromptSchedule whose max_frames is wired from a node Studio has no value for (its saved
    number ``saved_length``), read as the workflow reads it."""
    doc = {"nodes": [
        {"id": 1, "type": "CheckpointLoaderSimple", "mode": 0, "inputs": [],
         "outputs": [{"name": "MODEL", "type": "MODEL", "links": []}, {"name": "CLIP", "type": "CLIP", "links": [1]},
                     {"name": "VAE", "type": "VAE", "links": []}], "widgets_values": ["sd15.safetensors"]},
        {"id": 2, "type": "SomePackFrameCounter", "mode": 0, "inputs": [],
         "outputs": [{"name": "frames", "type": "INT", "links": [2]}], "widgets_values": ["clip.mp4"]},
        {"id": 3, "type": "BatchPromptSchedule", "mode": 0,
         "inputs": [{"name": "clip", "type": "CLIP", "link": 1},
                    {"name": "max_frames", "type": "INT", "link": 2, "widget": {"name": "max_frames"}}],
         "outputs": [{"name": "CONDITIONING", "type": "CONDITIONING", "links": []}],
         "widgets_values": [keys, saved_length, "", "", 0, 0, 0, 0]}],
        "links": [[1, 1, 1, 3, 0, "CLIP"], [2, 2, 0, 3, 1, "INT"]], "version": 0.4}
    wf = Workflow.read(doc)
    return prompt_schedules.read(wf.nodes["3"], wf.value)


def test_keyframes_past_the_saved_length_read_in_place_are_said_not_used():
    sched = _schedule_node(30, KEYS)
    assert sched.length == 30
    assert any("read in its place" in u for u in sched.unread)
    assert "its keyframe at frame 40 lies at or past that saved 30: the Prompt Schedule made does not use it" in \
        "\n".join(sched.unread)
    sched = _schedule_node(60, KEYS)  # (every key within it: nothing more said)
    assert not any("past that saved" in u for u in sched.unread)


def _held_control(skip: int, cap: int) -> dict:
    """A Wan Fun Control take sampled by a sampler no catalogued pack declares (held), its control clip a
    VideoHelperSuite load picking ``cap`` frames after ``skip``."""
    return api({
        "1": ("UNETLoader", {"unet_name": "Wan2.1-Fun-Control-14B_fp8_e4m3fn.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp16.safetensors", "type": "wan", "device": "default"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "a woman dancing", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "6": ("VHS_LoadVideo", {"video": "dance.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0,
                                "frame_load_cap": cap, "skip_first_frames": skip, "select_every_nth": 1}),
        "7": ("WanFunControlToVideo", {"positive": ["4", 0], "negative": ["5", 0], "vae": ["3", 0],
                                       "control_video": ["6", 0], "width": 832, "height": 480, "length": 33,
                                       "batch_size": 1}),
        "8": ("SomePackDualSampler", {"model": ["1", 0], "positive": ["7", 0], "negative": ["7", 1],
                                      "latent_image": ["7", 2], "seed": 3, "cfg": 4.5}),
        "9": ("VAEDecode", {"samples": ["8", 0], "vae": ["3", 0]}),
        "10": ("VHS_VideoCombine", {"images": ["9", 0], "frame_rate": 16, "loop_count": 0, "filename_prefix": "ctl",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": True}),
    })


def test_a_held_tasks_loader_pick_its_trim_keeps_is_not_listed_as_not_applied():
    conv = convert(_held_control(32, 33), "held_control")
    trims = nodes_of(conv, "transform.trim")
    assert [(t.params["start"], t.params["end"]) for t in trims] == [(32, 65)]
    text = said(conv)
    assert "picks frames 32 to 64" in text  # (the Trim's sentence)
    held = [x for x in text.splitlines() if "Settings of the held task's nodes" in x]
    assert not any("frame_load_cap" in x or "skip_first_frames" in x for x in held), held


def _variant_ui(wired_steps: bool = True) -> dict:
    """A UI file with a pack's copy of SamplerCustomAdvanced (its sockets, under a type no pack in the catalogue
    declares) holding settings of its own: one wired from a number node (listed as an input marked 'widget'), the
    others saved by place."""
    ins = [{"name": k, "type": t, "link": i} for i, (k, t) in enumerate(
        [("noise", "NOISE"), ("guider", "GUIDER"), ("sampler", "SAMPLER"), ("sigmas", "SIGMAS"),
         ("latent_image", "LATENT")], 1)]
    if wired_steps:
        ins.append({"name": "Think_Steps", "type": "INT", "link": 6, "widget": {"name": "Think_Steps"}})
    srcs = [("RandomNoise", "NOISE", [7, "fixed"]), ("BasicGuider", "GUIDER", []), ("KSamplerSelect", "SAMPLER",
                                                                                     ["euler"]),
            ("BasicScheduler", "SIGMAS", ["simple", 20, 1.0]), ("EmptyLatentImage", "LATENT", [512, 512, 1]),
            ("PrimitiveInt", "INT", [5, "fixed"])]
    nodes = [{"id": i, "type": c, "mode": 0, "inputs": [], "outputs": [{"name": t, "type": t, "links": [i]}],
              "widgets_values": v} for i, (c, t, v) in enumerate(srcs, 1)]
    nodes.append({"id": 9, "type": "ThinkPack_SamplerCustomAdvanced", "mode": 0, "inputs": ins,
                  "outputs": [{"name": "output", "type": "LATENT", "links": []},
                              {"name": "denoised_output", "type": "LATENT", "links": []}],
                  "widgets_values": [5, 7.5, 0.25, "Image First"]})
    links = [[i, i, 0, 9, i - 1, t] for i, (_, t, _) in enumerate(srcs, 1)][:len(ins)]
    return {"nodes": nodes, "links": links, "version": 0.4}


def test_an_uncatalogued_variants_values_saved_by_place_are_said_beside_its_wired_setting():
    wf = Workflow.read(_variant_ui())
    n = wf.nodes["9"]
    assert (n.cls, n.origin) == ("SamplerCustomAdvanced", "ThinkPack_SamplerCustomAdvanced")
    line = next(x for x in wf.wiring_said if "is read as SamplerCustomAdvanced" in x)
    assert "its values saved by place, their names unknown, #0 5, #1 7.5, #2 0.25, #3 'Image First', are not " \
           "applied" in line


def test_a_variant_whose_values_its_inputs_all_name_has_none_said_by_place():
    """(The guard: a newer page lists every setting as an input marked 'widget'; the control word after its seed is
    saved beside them, no setting: nothing is left unnamed, nothing said by place.)"""
    names = [("seed", "INT"), ("tiling", "INT"), ("steps", "INT"), ("cfg", "FLOAT"), ("sampler_name", "COMBO"), ("scheduler", "COMBO"),
             ("denoise", "FLOAT")]
    srcs = [("CheckpointLoaderSimple", ["MODEL", "CLIP", "VAE"], ["sd15.safetensors"]),
            ("CLIPTextEncode", ["CONDITIONING"], ["a cat"]), ("EmptyLatentImage", ["LATENT"], [512, 512, 1])]
    nodes = [{"id": i, "type": c, "mode": 0, "inputs": [],
              "outputs": [{"name": t, "type": t, "links": []} for t in outs], "widgets_values": v}
             for i, (c, outs, v) in enumerate(srcs, 1)]
    ins = [{"name": "model", "type": "MODEL", "link": 1}, {"name": "positive", "type": "CONDITIONING", "link": 2},
           {"name": "negative", "type": "CONDITIONING", "link": 3}, {"name": "latent_image", "type": "LATENT", "link": 4}]
    ins += [{"name": k, "type": t, "widget": {"name": k}, "link": None} for k, t in names]
    nodes.append({"id": 9, "type": "ThinkPack KSampler", "mode": 0, "inputs": ins,
                  "outputs": [{"name": "LATENT", "type": "LATENT", "links": []}],
                  "widgets_values": [42, "randomize", 1, 20, 6.5, "euler", "normal", 1.0]})
    links = [[1, 1, 0, 9, 0, "MODEL"], [2, 2, 0, 9, 1, "CONDITIONING"], [3, 2, 0, 9, 2, "CONDITIONING"],
             [4, 3, 0, 9, 3, "LATENT"]]
    wf = Workflow.read({"nodes": nodes, "links": links, "version": 0.4})
    n = wf.nodes["9"]
    assert (n.cls, n.widgets["steps"], n.widgets["cfg"]) == ("KSampler", 20, 6.5)
    line = next(x for x in wf.wiring_said if "is read as KSampler" in x)
    assert "its own input tiling 1 is not applied" in line and "saved by place" not in line


def test_a_held_tasks_sound_loader_window_its_audio_trim_keeps_is_not_listed_as_not_applied():
    """(The same for a sound loader's window: VideoHelperSuite's Load Audio start_time 2, duration 5 made as an Audio
    Trim of 2-7 s; its duration was listed 'not applied; to set by hand'.)"""
    doc = api({
        "1": ("UNETLoader", {"unet_name": "wan2.2_s2v_14B_fp8_scaled.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan", "device": "default"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "a man singing", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "6": ("VHS_LoadAudioUpload", {"audio": "song.wav", "start_time": 2, "duration": 5}),
        "7": ("AudioEncoderLoader", {"audio_encoder_name": "wav2vec2_large_english_fp16.safetensors"}),
        "8": ("AudioEncoderEncode", {"audio_encoder": ["7", 0], "audio": ["6", 0]}),
        "9": ("LoadImage", {"image": "man.png"}),
        "10": ("WanSoundImageToVideo", {"positive": ["4", 0], "negative": ["5", 0], "vae": ["3", 0],
                                        "audio_encoder_output": ["8", 0], "ref_image": ["9", 0], "width": 640,
                                        "height": 640, "length": 77, "batch_size": 1}),
        "11": ("SomePackDualSampler", {"model": ["1", 0], "positive": ["10", 0], "negative": ["10", 1],
                                       "latent_image": ["10", 2], "seed": 3, "cfg": 4.5}),
        "12": ("VAEDecode", {"samples": ["11", 0], "vae": ["3", 0]}),
        "13": ("CreateVideo", {"images": ["12", 0], "audio": ["6", 0], "fps": 16}),
        "14": ("SaveVideo", {"video": ["13", 0], "filename_prefix": "s2v", "format": "auto", "codec": "auto"}),
    })
    conv = convert(doc, "held_s2v")
    trim = nodes_of(conv, "edit.audio_trim")[0].params
    assert (trim["start"], trim["end"]) == (2.0, 7.0)
    held = [x for x in said(conv).splitlines() if "Settings of the held task's nodes" in x]
    assert held and not any("duration" in x or "start_time" in x for x in held), held


def test_a_held_tasks_loader_picking_nothing_is_not_listed_as_not_applied():
    """(Its picks at the values that pick nothing, no rate forced: Studio's Load Video alone keeps every frame at the
    file's own rate; 'frame_load_cap 0, skip_first_frames 0 ... (not applied; to set by hand)' said otherwise.)"""
    conv = convert(_held_control(0, 0), "held_control")
    assert not nodes_of(conv, "transform.trim") and not nodes_of(conv, "edit.frame_rate")
    held = [x for x in said(conv).splitlines() if "Settings of the held task's nodes" in x]
    assert held and not any(k in x for x in held for k in ("frame_load_cap", "skip_first_frames", "select_every_nth",
                                                           "force_rate")), held
