"""An output a node pack's nodes make that Studio has no node for (a talking-head pack's sampler fed its own model, a
lip-sync node given a clip and a sound): held with the workflow's file loaders as Studio's loaders and one sentence
naming the pack, each node that makes it and what those are made with (each passed over); a display of an input
alone, through a resize, is not held so."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

PACK = {"aux_id": "someone/ComfyUI_TalkPack"}


def _ui(nodes: list[tuple], links: list[tuple]) -> dict:
    """A UI workflow: nodes (id, type, inputs [(name, type)], outputs [type], widgets_values, properties), links
    (from id, from slot, to id, input name)."""
    made, table = [], []
    for k, (a, slot, b, name) in enumerate(links, 1):
        table.append([k, a, slot, b, [n for n, _ in next(x for x in nodes if x[0] == b)[2]].index(name), "*"])
    for nid, cls, ins, outs, values, props in nodes:
        made.append({
            "id": nid, "type": cls, "mode": 0, "pos": [0, 0], "properties": props, "widgets_values": values,
            "inputs": [{"name": n, "type": t, "link": next((r[0] for r in table if r[3] == nid and r[4] == i), None)}
                       for i, (n, t) in enumerate(ins)],
            "outputs": [{"name": t.lower(), "type": t, "links": [r[0] for r in table if r[1] == nid and r[2] == i]}
                        for i, t in enumerate(outs)]})
    return {"nodes": made, "links": table, "version": 0.4}


def _talking_head() -> dict:
    combine = {"frame_rate": 25, "loop_count": 0, "filename_prefix": "talk", "format": "video/h264-mp4"}
    return _ui([
        (1, "LoadImage", [], ["IMAGE", "MASK"], ["face.png", "image"], {"cnr_id": "comfy-core"}),
        (2, "LoadAudio", [], ["AUDIO"], ["voice.wav"], {"cnr_id": "comfy-core"}),
        (3, "Talk_LoadModel", [], ["TALK_PIPE", "TALK_INFO"], ["v3", "fp16"], PACK),
        (4, "Talk_Prepare", [("info", "TALK_INFO"), ("image", "IMAGE"), ("audio", "AUDIO")], ["TALK_EMB"], [25, 512],
         PACK),
        (5, "Talk_Sampler", [("model", "TALK_PIPE"), ("emb", "TALK_EMB")], ["IMAGE", "FLOAT"], [7, 30, 2.5], PACK),
        (6, "VHS_VideoCombine", [("images", "IMAGE"), ("audio", "AUDIO"), ("frame_rate", "FLOAT")], ["VHS_FILENAMES"],
         combine, {"cnr_id": "comfyui-videohelpersuite"}),
    ], [(3, 1, 4, "info"), (1, 0, 4, "image"), (2, 0, 4, "audio"), (3, 0, 5, "model"), (4, 0, 5, "emb"),
        (5, 0, 6, "images"), (2, 0, 6, "audio"), (5, 1, 6, "frame_rate")])


def _types(conv) -> list[str]:
    return sorted(n.type_id for n in conv.graph.nodes.values())


def test_a_pack_sampler_output_is_held_with_its_inputs_and_one_sentence():
    conv = convert(_talking_head(), "talk")
    assert _types(conv) == ["io.load_audio", "io.load_image"]
    paths = sorted(n.params["path"] for n in conv.graph.nodes.values())
    assert paths == ["face.png", "voice.wav"]
    first = conv.log[0]
    assert first.startswith("This workflow makes a video ('VHS_VideoCombine', #6) from an image and a sound with the "
                            "node pack 'someone/ComfyUI_TalkPack'; Studio cannot convert 'Talk_Sampler' "
                            "(Talk_Sampler, #5), which makes it; ")
    assert "'Talk_LoadModel' (Talk_LoadModel, #3), 'Talk_Prepare' (Talk_Prepare, #4), which it is made with" in first
    assert first.endswith("the graph instead holds its inputs (image 'face.png', audio 'voice.wav'), with no "
                          "generator. Its settings, as Studio reads them in the workflow (to set by hand): "
                          "'VHS_VideoCombine' (#6) frame_rate from 'Talk_Sampler' (#5) (a value 'from' a node: one "
                          "Studio cannot work out when converting).")  # (its writer's rate: heldout105)
    assert sorted(conv.passed) == ["3", "4", "5"]
    assert conv.dropped == []
    assert conv.tasks == [{"task": "a video ('VHS_VideoCombine', #6) from an image and a sound",
                           "family": "the node pack 'someone/ComfyUI_TalkPack'", "generator": None, "inputs": []}]


def test_a_lip_sync_node_given_a_clip_and_a_sound_is_held_so():
    combine = {"frame_rate": 25, "loop_count": 0, "filename_prefix": "sync", "format": "video/h264-mp4"}
    doc = _ui([
        (1, "VHS_LoadVideo", [], ["IMAGE", "INT", "AUDIO", "VHS_VIDEOINFO"],
         {"video": "speaker.mp4", "force_rate": 0, "frame_load_cap": 0, "skip_first_frames": 0, "select_every_nth": 1,
          "format": "None"},
         {"cnr_id": "comfyui-videohelpersuite"}),
        (2, "LoadAudio", [], ["AUDIO"], ["line.wav"], {"cnr_id": "comfy-core"}),
        (3, "SyncLips", [("images", "IMAGE"), ("audio", "AUDIO")], ["IMAGE", "AUDIO"], [1331, "fixed"],
         {"aux_id": "someone/ComfyUI-SyncLips"}),
        (4, "VHS_VideoCombine", [("images", "IMAGE"), ("audio", "AUDIO")], ["VHS_FILENAMES"], combine,
         {"cnr_id": "comfyui-videohelpersuite"}),
    ], [(1, 0, 3, "images"), (2, 0, 3, "audio"), (3, 0, 4, "images"), (3, 1, 4, "audio")])
    conv = convert(doc, "sync")
    assert _types(conv) == ["io.load_audio", "io.load_video"]
    assert conv.log[0].startswith("This workflow makes a video ('VHS_VideoCombine', #4) from a video and a sound with "
                                  "the node pack 'someone/ComfyUI-SyncLips'; Studio cannot convert 'SyncLips' "
                                  "(SyncLips, #3), which makes it; the graph instead holds its inputs (video "
                                  "'speaker.mp4', audio 'line.wav')")
    assert "3" in conv.passed and "3" not in conv.dropped


def test_a_display_of_an_input_through_a_resize_is_not_held():
    doc = _ui([
        (1, "LoadImage", [], ["IMAGE", "MASK"], ["face.png", "image"], {"cnr_id": "comfy-core"}),
        (2, "PackResize", [("image", "IMAGE")], ["IMAGE", "INT", "INT"], [512, 512, "lanczos"],
         {"aux_id": "someone/ComfyUI-Resizers"}),
        (3, "PreviewImage", [("images", "IMAGE")], [], [], {"cnr_id": "comfy-core"}),
    ], [(1, 0, 2, "image"), (2, 0, 3, "images")])
    conv = convert(doc, "look")
    assert not any(line.startswith("This workflow makes") for line in conv.log)
    assert conv.tasks == []


def test_a_held_tasks_sound_beside_its_latent_is_held_and_named():
    doc = {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_i2v_480p_14B_fp16.safetensors",
                                                      "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"clip": ["2", 0], "text": "a kite over the dunes"}},
        "5": {"class_type": "LoadImage", "inputs": {"image": "start.png"}},
        "6": {"class_type": "ARVideoI2V", "inputs": {"positive": ["4", 0], "negative": ["4", 0], "vae": ["3", 0],
                                                     "start_image": ["5", 0], "width": 832, "height": 480,
                                                     "length": 81}},
        "7": {"class_type": "KSampler", "inputs": {"model": ["1", 0], "positive": ["6", 0], "negative": ["6", 1],
                                                   "latent_image": ["6", 2], "seed": 1, "steps": 4, "cfg": 1.0,
                                                   "sampler_name": "euler", "scheduler": "simple", "denoise": 1.0}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["7", 0], "vae": ["3", 0]}},
        "9": {"class_type": "LoadAudio", "inputs": {"audio": "music.wav"}},
        "10": {"class_type": "CreateVideo", "inputs": {"images": ["8", 0], "audio": ["9", 0], "fps": 16}},
        "11": {"class_type": "SaveVideo", "inputs": {"video": ["10", 0], "filename_prefix": "kite"}},
    }
    conv = convert(doc, "kite")
    first = conv.log[0]
    assert first.startswith("This workflow makes image to video by causal forcing with an autoregressive Wan; ")
    assert "image 'start.png'" in first and "audio 'music.wav'" in first
    assert "io.load_audio" in _types(conv) and "9" not in conv.dropped


def test_the_sentence_beside_other_pipelines_says_what_is_held_for_that_output():
    from studio.convert.tracing.tasks import Task, sentence
    task = Task("a video ('Tracks', #9) from an image", None, cannot="convert 'DrawTracks' (DrawTracks, #8)")
    said = sentence(task, "the node pack 'p'", ["image 'a.png'"], False, beside=True)
    assert said.endswith("the graph instead holds its inputs (image 'a.png') for it, with no generator of its own.")
    assert sentence(task, "the node pack 'p'", [], False).endswith("the graph instead holds only its notes.")
