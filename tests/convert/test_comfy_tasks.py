"""Issue 55: a ComfyUI workflow converts to what it makes. Modes as ComfyUI runs them (a bypassed
node passes its input through, a muted one gives nothing); one sampler's outputs as one pipeline;
prompts through guiders; the task read from the workflow's conditioning and latent nodes."""
from __future__ import annotations

import copy
import json
import os

import pytest

from studio.convert.mapping.convert import convert
from studio.convert.reading.workflow import Workflow

from .test_comfy_wan_animate_mode import ANIMATE

templates = pytest.importorskip("comfyui_workflow_templates_json")
TEMPLATES = os.path.join(os.path.dirname(templates.__file__), "templates")


def _doc(name):
    with open(os.path.join(TEMPLATES, name + ".json"), encoding="utf-8") as f:
        return json.load(f)


def _all_nodes(doc):
    return list(doc["nodes"]) + [n for sg in (doc.get("definitions") or {}).get("subgraphs") or [] for n in sg["nodes"]]


def _types(g):
    return sorted(n.type_id for n in g.nodes.values())


def test_a_bypassed_load_image_is_no_start_image():
    doc = _doc("video_wan2_2_5B_ti2v")
    g = convert(doc).graph
    assert "video_models.text_to_video" in _types(g) and "io.load_image" not in _types(g)
    for n in _all_nodes(doc):  # the image switched on, as the template's user would
        if n["type"] == "LoadImage":
            n["mode"] = 0
    g = convert(doc).graph
    gen = next(n for n in g.nodes.values() if n.type_id == "video_models.image_to_video")
    assert g.nodes[g.input_link(gen.id, "image").src].type_id == "io.load_image"


def _loras(g):
    return [n.params["lora"] for n in g.nodes.values() if n.type_id == "video_models.lora"]


def test_a_bypassed_lora_is_not_applied_and_a_muted_one_gives_nothing():
    doc = _doc("video_wan2.1_alpha_t2v_14B")  # the RGBA LoRA on, the lightx2v step-distill LoRA bypassed
    g = convert(doc).graph
    assert _loras(g) == ["wan_alpha_2.1_rgba_lora.safetensors"]
    notes = "\n".join(n["text"] for n in g.ui["notes"])
    assert "(bypassed in ComfyUI)" in notes and "lightx2v_T2V_14B" in notes
    on = copy.deepcopy(doc)
    for n in _all_nodes(on):
        if n["type"] == "LoraLoaderModelOnly":
            n["mode"] = 0
    assert len(_loras(convert(on).graph)) == 2
    for n in _all_nodes(on):
        if n["type"] == "LoraLoaderModelOnly":
            n["mode"] = 2  # muted: its output is nothing, so the sampler has no model
    conv = convert(on)
    assert _loras(conv.graph) == []
    assert any("no model loader found" in n["text"] for n in conv.graph.ui["notes"])


def test_a_bypassed_output_makes_no_pipeline():
    doc = _doc("video_hunyuan_video_1.5_720p_t2v")  # its super-resolution pass is bypassed
    wf = Workflow.read(doc)
    saves = [n for n in wf.nodes.values() if n.cls == "SaveVideo"]
    assert len(saves) == 2 and sum(n.enabled for n in saves) == 1
    assert convert(doc).pipelines == 1


def test_bypass_follows_the_input_of_the_same_type():
    """A bypassed node whose first input is of another type passes the input of the output's type."""
    doc = {"nodes": [
        {"id": 1, "type": "UNETLoader", "mode": 0, "widgets_values": ["m.safetensors", "default"],
         "outputs": [{"name": "MODEL", "type": "MODEL"}]},
        {"id": 2, "type": "SomeModelPatch", "mode": 4,
         "inputs": [{"name": "clip", "type": "CLIP", "link": None}, {"name": "model", "type": "MODEL", "link": 1}],
         "outputs": [{"name": "MODEL", "type": "MODEL"}]},
        {"id": 3, "type": "KSampler", "mode": 0, "widgets_values": [1, "fixed", 7, 5.0, "euler", "simple", 1.0],
         "inputs": [{"name": "model", "type": "MODEL", "link": 2}]},
        {"id": 4, "type": "VAEDecode", "mode": 0, "inputs": [{"name": "samples", "type": "LATENT", "link": 3}]},
        {"id": 5, "type": "SaveVideo", "mode": 0, "inputs": [{"name": "video", "type": "VIDEO", "link": 4}],
         "widgets_values": ["x", "auto", "auto"]}],
        "links": [[1, 1, 0, 2, 1, "MODEL"], [2, 2, 0, 3, 0, "MODEL"], [3, 3, 0, 4, 0, "LATENT"],
                  [4, 4, 0, 5, 0, "VIDEO"]]}
    wf = Workflow.read(doc)
    assert wf.nodes["3"].links["model"] == ("1", 0)
    load = next(n for n in convert(doc).graph.nodes.values() if n.type_id == "video_models.load")
    assert load.params["model"] == "m.safetensors"


def test_two_outputs_of_one_sampler_make_one_pipeline():
    doc = _doc("video_wan_vace_14B_t2v")
    for n in _all_nodes(doc):
        if n["type"] == "SaveAnimatedWEBP":
            n["mode"] = 0  # bypassed in the template: switched on, it saves the same frames again
    conv = convert(doc)
    g = conv.graph
    gens = [n for n in g.nodes.values() if n.type_id == "video_models.wan_vace"]
    saves = [n for n in g.nodes.values() if n.type_id in ("io.save_video", "io.save_animation")]  # (anim25: the WEBP's)
    assert conv.pipelines == 1 and len(gens) == 1 and len(saves) == 2
    # each save given the one take (the WEBP's own 6 fps through a Frame Rate: heldout10's second_rate)
    src = {s.id: g.input_link(s.id, "video").src for s in saves}
    assert all(x == gens[0].id or g.nodes[x].type_id == "edit.frame_rate" and
               g.input_link(x, "video").src == gens[0].id for x in src.values())
    assert len({s.params["path"] for s in saves}) == 2  # neither overwrites the other
    assert any("generated once" in line for line in conv.log)


def test_a_prompt_through_basic_guider_and_one_written_by_another_node():
    g = convert(_doc("hunyuan_video_text_to_video")).graph  # SamplerCustomAdvanced <- BasicGuider
    gen = next(n for n in g.nodes.values() if n.type_id == "video_models.text_to_video")
    assert gen.params["prompt"].startswith("anime style anime girl")
    conv = convert(_doc("video_ltx2_3_t2v"), "ltx23")  # its prompt switched to TextGenerateLTX2Prompt
    said = [line for line in conv.log if "prompt is written by" in line]
    assert said and "TextGenerateLTX2Prompt" in said[0]
    assert any("TextGenerateLTX2Prompt" in n["text"] and "prompt is written by" in n["text"]
               for n in conv.graph.ui["notes"])


def _gen(g):
    return next(n for n in g.nodes.values() if n.type_id.startswith("video_models.") and
                n.type_id not in ("video_models.load", "video_models.lora"))


def _src_type(g, node, port):
    link = g.input_link(node.id, port)
    return g.nodes[link.src].type_id if link else None


def _file_type(g, node, port):
    """The type of the node a file input comes from, through the Scales a workflow's fixed resizes make."""
    link = g.input_link(node.id, port)
    while link and g.nodes[link.src].type_id in ("transform.scale", "edit.frame_hold"):  # (a picture scaled: a frame)
        link = g.input_link(link.src, "video")
    return g.nodes[link.src].type_id if link else None


def test_first_and_last_frame_is_image_to_video_with_its_last_image():
    conv = convert(_doc("wan2.1_flf2v_720_f16"))
    g, text = conv.graph, "\n".join(conv.log + [n["text"] for n in conv.graph.ui["notes"]])
    gen = _gen(g)
    assert gen.type_id == "video_models.image_to_video"
    assert _src_type(g, gen, "image") == _src_type(g, gen, "last_image") == "io.load_image"
    assert g.nodes[g.input_link(gen.id, "last_image").src].params["path"].endswith("end_image.png") or \
        g.input_link(gen.id, "last_image").src != g.input_link(gen.id, "image").src
    assert "no first-and-last-frame generator" not in text
    assert conv.tasks == [{"task": "first-and-last-frame video", "family": "Wan 2.1",
                           "generator": "video_models.image_to_video", "inputs": ["image", "last_image"]}]


def test_ltx2_keyframes_audio_and_no_depth_estimator_as_its_model():
    g = convert(_doc("video_ltx2_3_flf2v")).graph
    gen = _gen(g)
    assert gen.type_id == "video_models.ltx2" and sorted(gen.params["keyframes"].split(", ")) == ["0", "last"]
    assert _file_type(g, gen, "keyframe_1") == _file_type(g, gen, "keyframe_2") == "io.load_image"
    g = convert(_doc("video_ltx2_3_ia2v")).graph  # its sound encoded and held clean (a noise mask of 0):
    gen = _gen(g)  # the picture made to the Load Audio's track, its first 9 s (TrimAudioDuration -> Audio Trim)
    trim = g.nodes[g.input_link(gen.id, "audio").src]
    assert gen.params["sound"] == "drive" and (trim.type_id, trim.params["end"]) == ("edit.audio_trim", 9.0)
    assert g.nodes[g.input_link(trim.id, "audio").src].type_id == "io.load_audio"
    assert _file_type(g, gen, "image") == "io.load_image"
    conv = convert(_doc("video_ltx2_3_id_lora"))  # a reference voice for an ID-LoRA: not a track to keep
    g = conv.graph
    gen = _gen(g)
    assert gen.params["sound"] == "voice"  # on LTX-2's one sound input: its LTXVReferenceAudio's LoadAudio
    voice = g.nodes[g.input_link(gen.id, "audio")[0]]
    assert voice.type_id == "io.load_audio" and voice.params["path"] == "ltx23_reference_audio.mp3"
    assert (gen.params["identity_guidance"], gen.params["identity_start"], gen.params["identity_end"]) == (3, 0, 1)
    loras = [n.params["lora"] for n in g.nodes.values() if n.type_id == "video_models.lora"]
    assert "ltx-2.3-id-lora-talkvid-3k.safetensors" in loras  # the ID-LoRA, through Video LoRA
    notes = "\n".join(n["text"] for n in g.ui["notes"])
    assert "voice reference" not in notes and "LTXVReferenceAudio" not in notes
    doc = _doc("video_ltx2_3_id_lora")  # its settings as the workflow gives them
    for n in _all_nodes(doc):
        if n["type"] == "LTXVReferenceAudio":
            n["widgets_values"] = [1.5, 0.1, 0.7]
    gen = _gen(convert(doc).graph)
    assert (gen.params["identity_guidance"], gen.params["identity_start"], gen.params["identity_end"]) == (1.5, 0.1, 0.7)
    doc = _doc("video_ltx2_3_ia2v")  # the same workflow with the mask at 1 (the sound denoised): 'input'
    for n in _all_nodes(doc):
        if n["type"] == "SolidMask":
            n["widgets_values"][0] = 1.0
    assert _gen(convert(doc).graph).params["sound"] == "input"
    conv = convert(_doc("video_ltx2_depth_to_video"))  # a Lotus depth pass makes its guide clip
    load = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.load")
    assert load.params["model"] == "ltx-2-19b-dev-fp8.safetensors" and load.params["model_2"] == ""
    assert not any("lotus" in str(v).lower() for v in load.params.values())


def test_hunyuan15_image_to_video_and_a_clip_frame_as_its_start():
    g = convert(_doc("video_hunyuan_video_1.5_720p_i2v")).graph
    gen = _gen(g)
    assert gen.type_id == "video_models.image_to_video" and _src_type(g, gen, "image") == "io.load_image"
    g = convert(_doc("video_capybara_v0_1_video_edit")).graph  # its start frame is a frame of a clip
    gen = _gen(g)
    assert g.validate() == [] and _src_type(g, gen, "image") == "edit.frame_hold"


@pytest.mark.parametrize("name, what", [("utility_void_video_inpainting", "object removal")])
def test_a_task_studio_cannot_do_is_one_sentence_and_no_generator(name, what):
    conv = convert(_doc(name), name)
    g = conv.graph
    assert g.validate() == []
    assert not [n for n in g.nodes.values() if n.type_id.startswith("video_models.") and n.type_id not in (
        "video_models.load", "video_models.lora")]
    first = conv.log[0]
    assert first.startswith("This workflow makes ") and what in first and "; Studio cannot " in first
    assert "; the graph instead " in first and g.ui["notes"][0]["text"] == first
    assert sum(line.startswith("This workflow makes") for line in conv.log) == 1
    files = [n for n in g.nodes.values() if n.type_id in ("io.load_image", "io.load_video", "io.load_audio")]
    assert files and all(n.params["path"] for n in files)


def test_infinitetalk_is_its_node_with_the_image_the_first_voice_the_patch_and_what_it_drops_said():
    """ComfyUI's InfiniteTalk template (two speakers, an extension group): InfiniteTalk with the start image,
    the first voice through Load Preprocessor (speech, the encoder's file) -> Speech Features (layers 'all',
    25 fps), the ModelPatchLoader's file as 'patch', 81 frames at 832x480; the second speaker, the
    extension and the single-file encoder said in the pipeline's note."""
    conv = convert(_doc("video_wan2_1_infinitetalk"), "video_wan2_1_infinitetalk")
    g = conv.graph
    assert g.validate() == []
    gen = next(n for n in g.nodes.values() if n.type_id == "video_models.infinitetalk")
    assert gen.params["patch"] == "wan2.1_infiniteTalk_multi_fp16.safetensors"
    # the output with the template's Video Extend group: one continued take of 81 + 72 frames
    assert (gen.params["frames"], gen.params["motion_frames"]) == (153, 9)
    assert (gen.params["width"], gen.params["height"], gen.params["fps"]) == (832, 480, 25.0)
    first_pass = [n for n in g.nodes.values() if n.type_id == "video_models.infinitetalk" and n.id != gen.id]
    assert [n.params["frames"] for n in first_pass] == [81]  # 'Save Video (Preview First Pass)': the first window
    assert _src_type(g, gen, "image") == "io.load_image" and _src_type(g, gen, "speech") == "encode.speech"
    speech = g.nodes[next(l.src for l in g.links if l.dst == gen.id and l.dst_port == "speech")]
    assert (speech.params["layers"], speech.params["fps"], speech.params["align"]) == ("all", 25.0, "encoder input")
    ups = {l.dst_port: g.nodes[l.src] for l in g.links if l.dst == speech.id}
    assert ups["audio"].params["path"] == "audio_speaker1_woman.mp3"
    assert "model" not in ups  # ComfyUI's file, read by Speech Features itself
    assert speech.params["encoder"] == "wav2vec2-chinese-base_fp16.safetensors"
    save = g.nodes[next(l.dst for l in g.links if l.src == gen.id and l.src_port == "video")]
    joined = g.nodes[g.input_link(save.id, "audio").src]  # the file's sound as the workflow's AudioConcat joins it
    assert joined.type_id == "edit.audio_concat" and g.input_link(joined.id, "a").src == ups["audio"].id
    notes = "\n".join(n["text"] for n in g.ui["notes"])
    assert ("the workflow's second speaker is not taken: its face masks are made by ComfyUI's Painter, so InfiniteTalk "
            "makes the first voice") in notes
    assert "extend the clip from its last 9 frames: one continued take of 153 frames (6.12 s) in windows of 81" in notes
    assert "Speech Features reads ComfyUI's 'wav2vec2-chinese-base_fp16.safetensors' (audio_encoders/) into " \
        "transformers' wav2vec2 (InfiniteTalk's)" in notes


def test_infinitetalk_with_face_masks_from_files_is_a_dialogue():
    """The template with each Painter replaced by a Load Image's mask: both voices (two Speech Features)
    and both masks wired into InfiniteTalk's speech_2, mask_1, mask_2."""
    doc = _doc("video_wan2_1_infinitetalk")
    for n in doc["nodes"]:
        if n["type"] == "Painter":
            n["type"], n["widgets_values"] = "LoadImage", [f"face{n['id']}.png", "image"]
            n["inputs"] = []
            n["outputs"] = [{"name": "IMAGE", "type": "IMAGE", "links": []},
                            {"name": "MASK", "type": "MASK", "links": [l[0] for l in doc["links"] if l[1] == n["id"]]}]
    doc["links"] = [l for l in doc["links"] if l[3] not in (174, 175)]
    conv = convert(doc, "infinitetalk_files")
    g = conv.graph
    assert g.validate() == []
    gen = next(n for n in g.nodes.values() if n.type_id == "video_models.infinitetalk")
    assert _src_type(g, gen, "speech_2") == "encode.speech"
    assert _src_type(g, gen, "mask_1") == _src_type(g, gen, "mask_2") == "edit.mask_tools"  # 1 - alpha (heldout61)
    invs = [g.nodes[g.input_link(gen.id, m).src] for m in ("mask_1", "mask_2")]
    assert all(i.params["invert"] is True and _src_type(g, i, "mask") == "io.load_image" for i in invs)
    paths = {g.nodes[g.input_link(i.id, "mask").src].params["path"] for i in invs}
    assert paths == {"face174.png", "face175.png"}
    second = g.nodes[g.input_link(gen.id, "speech_2").src]
    turn = g.nodes[g.input_link(second.id, "audio").src]  # silence while the first speaks, then the second voice
    assert turn.type_id == "edit.audio_concat" and g.nodes[g.input_link(turn.id, "a").src].type_id == "edit.audio_silence"
    assert g.nodes[g.input_link(turn.id, "b").src].params["path"] == "audio_speaker2_man.mp3"
    notes = "\n".join(n["text"] for n in g.ui["notes"])
    assert "second speaker is not taken" not in notes
    save = g.nodes[next(l.dst for l in g.links if l.src == gen.id and l.src_port == "video")]
    mix = g.nodes[g.input_link(save.id, "audio").src]  # both voices, one after the other as the template joins them
    assert mix.type_id == "edit.audio_concat" and mix.params["direction"] == "after"
    assert {g.nodes[g.input_link(mix.id, p).src].params["path"] for p in ("a", "b")} == {
        "audio_speaker1_woman.mp3", "audio_speaker2_man.mp3"}


def test_cli_convert_prints_the_sentence(tmp_path, capsys):
    from studio.cli import main as cli_main
    src = tmp_path / "void.json"
    src.write_text(json.dumps(_doc("utility_void_video_inpainting")), encoding="utf-8")
    cli_main(["convert", str(src), "-o", str(tmp_path / "void.studio.json")])
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("This workflow makes object removal (video inpainting) with VOID; "
                                          "Studio cannot")


def test_wan_s2v_becomes_speech_to_video_with_its_voice_image_and_speech_features():
    """video_wan2_2_14B_s2v: the S2V file with its UMT5 and VAE, the reference image, the voice through Load
    Preprocessor (speech) + Speech Features (every hidden state, 30 fps as the release's encoder) and on the
    take; the first chunk and the two active Video S2V Extend subgraphs (77 frames each) one take of 231."""
    conv = convert(_doc("video_wan2_2_14B_s2v"), "video_wan2_2_14B_s2v")
    g = conv.graph
    assert g.validate() == []
    gen = next(n for n in g.nodes.values() if n.type_id == "video_models.wan_s2v")
    assert (gen.params["frames"], gen.params["width"], gen.params["height"]) == (231, 640, 640)
    assert _src_type(g, gen, "image") == "io.load_image" and _src_type(g, gen, "audio") == "io.load_audio"
    assert _src_type(g, gen, "speech") == "encode.speech"
    speech = next(n for n in g.nodes.values() if n.type_id == "encode.speech")
    assert speech.params["layers"] == "all" and speech.params["fps"] == 30.0
    assert _src_type(g, speech, "audio") == "io.load_audio" and g.input_link(speech.id, "model") is None
    assert speech.params["encoder"] == "wav2vec2_large_english_fp16.safetensors"  # read by Speech Features
    load = next(n for n in g.nodes.values() if n.type_id == "video_models.load")
    assert load.params["model"] == "wan2.2_s2v_14B_fp8_scaled.safetensors"
    assert load.params["vae"] == "wan_2.1_vae.safetensors" and load.params["text_encoder"].startswith("umt5_xxl")
    assert any("3 chunks (77 + 77 + 77 frames)" in line for line in conv.log + [n["text"] for n in g.ui["notes"]])
    lora = g.nodes[g.input_link(gen.id, "model").src]  # the template's lightx2v LoRA, applied by S2V (Load LoRA)
    assert lora.type_id == "video_models.lora" and g.input_link(lora.id, "model").src == load.id
    assert lora.params["lora"] == "wan2.2_t2v_lightx2v_4steps_lora_v1.1_high_noise.safetensors"
    assert not any("is not applied" in n["text"] for n in g.ui["notes"])
    assert not any(line.startswith("This workflow makes") for line in conv.log)


@pytest.mark.parametrize("name, chain", [
    ("utility_video_segment_sam3", ["io.load_video", "preprocess.segment", "io.preview"]),
    ("utility_depth_anything3_video_depth_estimation", ["io.load_video", "preprocess.depth", "io.save_video"]),
    ("utility_sdpose_ood_video_to_pose_map", ["io.load_video", "preprocess.detect_people", "preprocess.pose_estimate",
                                              "preprocess.draw_pose", "io.save_video"]),
    ("utility_video_frame_interpolation", ["io.load_video", "motion.interpolate_rife", "io.save_video"])])
def test_video_utilities_become_studios_nodes(name, chain):
    conv = convert(_doc(name), name)
    g = conv.graph
    assert g.validate() == []
    made = [n.type_id for n in g.nodes.values() if n.type_id != "preprocess.load"]
    assert made == chain  # one chain, in order, none doubled
    end = next(n for n in g.nodes.values() if n.type_id == chain[-1])
    at, seen = end.id, [chain[-1]]
    while True:  # wired from the Load Video through each step
        ports = ["people"] + [p.name for p in g.registry.get(g.nodes[at].type_id).inputs if p.name not in ("model", "like")]
        link = next((g.input_link(at, p) for p in ports if g.input_link(at, p)), None)
        if link is None:
            break
        at = link.src
        seen.append(g.nodes[at].type_id)
    assert seen[::-1] == chain
    text = "\n".join(n["text"] for n in g.ui["notes"])
    assert "not converted" not in text or "CheckpointLoaderSimple" not in text.split("not converted")[1][:400]
    if name == "utility_video_segment_sam3":
        assert next(n for n in g.nodes.values() if n.type_id == "preprocess.segment").params["phrase"] == "unicorn"
        assert "sam3.1_multiplex_fp16.safetensors" in text
    if name == "utility_video_frame_interpolation":
        rife = next(n for n in g.nodes.values() if n.type_id == "motion.interpolate_rife")
        assert (rife.params["multiplier"], rife.params["model"]) == (2, "film_net_fp16.safetensors")  # FILM kept
        assert "not read yet" not in text and "Interpolate Frames is set to" not in text  # nothing replaced


def test_steps_between_a_file_and_an_input_become_studios_nodes():
    """Canny -> Edges (thresholds in grey levels), SAM 3 -> Segment with its phrase (VACE inpaint),
    Lotus depth -> Depth (LTX-2's control), padding -> VACE outpaint, two stills -> VACE keyframes."""
    g = convert(_doc("video_ltx2_canny_to_video")).graph
    gen = _gen(g)
    edges = g.nodes[g.input_link(gen.id, "control").src]
    assert edges.type_id == "control.edges" and (edges.params["low"], edges.params["high"]) == (102, 204)  # 0.4, 0.8
    half = g.nodes[g.input_link(edges.id, "video").src]  # the template's ImageScaleBy 0.5 of its 1280x720 resize
    assert half.type_id == "transform.scale" and half.params["scale"] == 0.5
    sized = g.nodes[g.input_link(half.id, "video").src]
    assert (sized.params["width"], sized.params["height"], sized.params["crop"]) == (1280, 720, "center")
    assert g.nodes[g.input_link(sized.id, "video").src].type_id == "io.load_video"
    g = convert(_doc("video_ltx2_depth_to_video")).graph
    assert _src_type(g, _gen(g), "control") == "preprocess.depth"
    g = convert(_doc("video_wan_vace_inpainting")).graph
    gen = _gen(g)
    grown = g.nodes[g.input_link(gen.id, "mask").src]  # the template's GrowMask 20 (mapping/mask_steps.py)
    assert grown.type_id == "edit.mask_tools" and grown.params["grow"] == 20
    seg = g.nodes[g.input_link(grown.id, "mask").src]
    assert seg.type_id == "preprocess.segment" and seg.params["phrase"] == "cat" and gen.params["task"] == "inpaint"
    sized = g.nodes[g.input_link(seg.id, "video").src]  # segmented from the clip as resized for the video input
    assert sized.type_id == "transform.scale" and g.input_link(gen.id, "video").src == sized.id
    trim = g.nodes[g.input_link(sized.id, "video").src]  # the template's ImageFromBatch 0 of 81 (mapping/clip_range)
    assert trim.type_id == "transform.trim" and (trim.params["start"], trim.params["end"]) == (0, 81)
    assert g.nodes[g.input_link(trim.id, "video").src].type_id == "io.load_video"
    assert len([n for n in g.nodes.values() if n.type_id == "preprocess.segment"]) == 1
    g = convert(_doc("video_wan_vace_outpainting")).graph
    gen = _gen(g)
    pad = g.nodes[g.input_link(gen.id, "video").src]  # ComfyUI's pixel pads: Studio's Pad and its mask (comfy_vace_pad)
    assert gen.params["task"] == "inpaint" and pad.type_id == "edit.pad" and g.input_link(gen.id, "mask").src == pad.id
    assert [pad.params[k] for k in ("left", "top", "right", "bottom")] == [120, 120, 120, 200]
    assert any("left 120, top 120, right 120, bottom 200 px" in n["text"] for n in g.ui["notes"])
    g = convert(_doc("video_wan_vace_flf2v")).graph
    gen = _gen(g)
    assert gen.params["keyframes"] == "0, last" and g.input_link(gen.id, "video") is None
    assert _file_type(g, gen, "keyframe_1") == _file_type(g, gen, "keyframe_2") == "io.load_image"


def test_a_second_expert_only_from_another_file_on_the_same_chain():
    """templates-6-key-frames chains segments whose samplers load the same high-noise file more than
    once: that file is one model, and the low-noise file on the chain is the second expert."""
    g = convert(_doc("templates-6-key-frames")).graph
    for load in (n for n in g.nodes.values() if n.type_id == "video_models.load"):
        assert load.params["model_2"] != load.params["model"]
    for name in ("video_wan2_2_5B_ti2v", "video_wan2.1_alpha_t2v_14B", "video_hunyuan_video_1.5_720p_t2v"):
        load = next(n for n in convert(_doc(name)).graph.nodes.values() if n.type_id == "video_models.load")
        assert load.params["model_2"] == "", name  # one model: no expert invented


def test_file_open_says_the_sentence_first_in_the_log(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    from studio.ui.window.main_window import MainWindow
    win = MainWindow()
    win.files.ask_unsaved = lambda: "discard"
    qtbot.addWidget(win)
    src = tmp_path / "utility_void_video_inpainting.json"
    src.write_text(json.dumps(_doc("utility_void_video_inpainting")), encoding="utf-8")
    assert win.files.open_path(str(src), ask=False)
    assert win.files.conversions.wait()  # (converted on a thread of its own: window/converting.py)
    lines = [line for line in win.log_view.toPlainText().splitlines() if line.strip()]
    at = next(i for i, line in enumerate(lines) if "This workflow makes object removal (video inpainting)" in line)
    assert not any("converted the ComfyUI workflow" in line for line in lines[:at])
    assert win.doc.graph.ui["notes"][0]["text"].startswith("This workflow makes object removal (video inpainting)")
    assert win.close()


def test_wan_animate_api_workflow_wires_reference_pose_and_face():
    doc = copy.deepcopy(ANIMATE)  # reference, pose and face wired; no background, no mask
    conv = convert(doc, "animate")
    g = conv.graph
    assert g.validate() == []
    gen = _gen(g)
    assert gen.type_id == "video_models.wan_animate"
    assert (gen.params["width"], gen.params["height"], gen.params["frames"], gen.params["steps"]) == (640, 640, 77, 6)
    assert _src_type(g, gen, "reference") == "io.load_image"
    assert _src_type(g, gen, "pose") == _src_type(g, gen, "face") == "io.load_video"
    assert conv.tasks[0]["task"] == "character animation" and conv.tasks[0]["family"] == "Wan 2.2 Animate"


@pytest.fixture(scope="module")
def flf2v_dir(tiny):
    pytest.importorskip("diffusers")
    return tiny("wan-flf2v")


def test_a_converted_first_last_frame_workflow_renders_from_both_images(flf2v_dir, tmp_path, monkeypatch):
    """wan2.1_flf2v_720_f16 as converted, on a tiny Wan FLF2V (its diffusers folder on Load Video
    Model): its two images wired as image and last_image, the take renders."""
    import numpy as np
    from PIL import Image

    from studio.engine.executor import Executor
    from studio.engine.media import probe
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    g = convert(_doc("wan2.1_flf2v_720_f16")).graph
    load, gen = next(n for n in g.nodes.values() if n.type_id == "video_models.load"), _gen(g)
    for k in ("text_encoder", "vae", "clip_vision"):
        g.set_param(load.id, k, "")
    g.set_param(load.id, "model", flf2v_dir)
    for i, n in enumerate(n for n in g.nodes.values() if n.type_id == "io.load_image"):
        path = tmp_path / f"still{i}.png"
        Image.fromarray((np.random.default_rng(i).random((16, 16, 3)) * 255).astype(np.uint8)).save(path)
        g.set_param(n.id, "path", str(path))
    for k, v in (("width", 16), ("height", 16), ("steps", 2), ("frames", 5), ("preview_size", "off")):
        g.set_param(gen.id, k, v)
    out = tmp_path / "out.mp4"
    save = next(n for n in g.nodes.values() if n.type_id == "io.save_video")
    g.set_param(save.id, "path", str(out))
    assert g.validate() == [] and g.input_link(gen.id, "last_image") is not None
    Executor(frame_caching=False).run(g, device="cpu")
    info = probe(str(out))
    assert (info["frames"], info["width"], info["height"]) == (5, 16, 16)


def test_junk_in_the_new_readings_is_said_not_raised():
    """Values the task reading meets, swapped for junk: a model file that is not a name, a guide's
    frame that is not a number, a second expert that is not a file name (found by a fuzz over the
    package: each raised before)."""
    doc = _doc("template_ltx2_3_style_transition")
    for n in _all_nodes(doc):
        if n["type"] == "LTXVAddGuide":
            n["widgets_values"] = [float("nan"), float("inf")]
    conv = convert(doc)
    assert conv.graph.validate() == []
    assert any("is not a frame number" in n["text"] for n in conv.graph.ui["notes"])
    doc = _doc("video_wan2_2_14B_t2v")
    for n in _all_nodes(doc):
        if n["type"] == "UNETLoader" and "low_noise" in str(n["widgets_values"][0]):
            n["widgets_values"] = [["a", 0], "default"]
    conv = convert(doc)
    load = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.load")
    assert load.params["model_2"] == "" and load.params["model"].startswith("wan2.2_t2v_high_noise")
    assert any("is not a file name" in n["text"] for n in conv.graph.ui["notes"])
    assert conv.tasks[0]["family"] == "Wan 2.2"


def test_a_pose_drawing_fed_a_clip_is_said_not_raised():
    """utility_sdpose_ood_video_to_pose_map with its drawing wired to the clip itself (no extractor
    between): Draw Pose has no pose to read, so it is not made, and that is said (found by the fuzz:
    it raised a type mismatch)."""
    doc = _doc("utility_sdpose_ood_video_to_pose_map")
    nodes = _all_nodes(doc)
    clip = next(n for n in nodes if n["type"] == "GetVideoComponents")
    draw = next(n for n in nodes if n["type"] == "SDPoseDrawKeypoints")
    link = next(i["link"] for i in draw["inputs"] if i["name"] == "keypoints")
    for sg in [doc] + list(doc.get("definitions", {}).get("subgraphs", [])):
        for lk in sg.get("links") or []:
            if isinstance(lk, dict) and lk.get("id") == link:
                lk["origin_id"], lk["origin_slot"] = clip["id"], 0
            elif isinstance(lk, list) and lk[0] == link:
                lk[1], lk[2] = clip["id"], 0
    conv = convert(doc)
    assert conv.graph.validate() == []
    assert "preprocess.draw_pose" not in _types(conv.graph)
    assert any("draw the pose: not made" in n["text"] for n in conv.graph.ui["notes"])


def test_wan_dancer_becomes_one_node_with_both_models_their_loras_the_image_and_the_music():
    """video_wan_dancer (issue 58): the global pass (SamplerCustomAdvanced on the global model's WanDancerVideo) and
    the local pass (SamplerCustom per segment) are one Wan Dancer node: each model file on its own Load Video Model
    with its lightx2v LoRA at its own strength (3 and 1.03) and the Wan 2.1 UMT5, VAE and CLIP files; the start
    image and the music (behind WanDancerEncodeAudio) from their loaders; the template's choices (Latin Dance,
    low, 5 s: one segment), steps 6 each, guidance 1, shift 5; the music on the take; the keyframe preview said."""
    conv = convert(_doc("video_wan_dancer"), "video_wan_dancer")
    g = conv.graph
    assert g.validate() == []
    gen = _gen(g)
    assert gen.type_id == "video_models.wan_dancer"
    p = gen.params
    assert (p["style"], p["amplitude"], p["segments"], p["steps_global"], p["steps"], p["guidance"], p["shift"]) == (
        "Latin Dance", "low", 1, 6, 6, 1.0, 5.0)
    for port, model, strength in (("global_model", "wan2.2_dancer_14b_global_fp8_scaled.safetensors", 3.0),
                                  ("local_model", "wan2.2_dancer_14b_local_fp8_scaled.safetensors", 1.03)):
        lora = g.nodes[g.input_link(gen.id, port).src]
        assert lora.type_id == "video_models.lora" and lora.params["strength"] == strength
        load = g.nodes[g.input_link(lora.id, "model").src]
        assert (load.params["model"], load.params["text_encoder"], load.params["clip_vision"]) == (
            model, "umt5_xxl_fp16.safetensors", "clip_vision_h.safetensors")
    assert g.nodes[g.input_link(gen.id, "image").src].params["path"] == "blue_dancer.png"
    music = g.nodes[g.input_link(gen.id, "audio").src]
    assert music.params["path"] == "wan_dancer_reference_audio.mp3"
    save = next(n for n in g.nodes.values() if n.type_id == "io.save_video")
    assert g.input_link(save.id, "audio").src == music.id
    assert any("#698" in line and "keyframes" in line for line in conv.log)
    assert not any(line.startswith("This workflow makes") for line in conv.log)  # converted, not held


@pytest.mark.parametrize("shift", [float("nan"), -1.0, 1e12])
def test_wan_dancer_with_a_shift_studio_cannot_take_converts_the_rest_naming_the_workflows_node(shift):
    """Issue 76: a ModelSamplingSD3 shift of NaN failed the whole conversion as "node 'n1', parameter 'shift'" (a
    Studio id the workflow does not have). Now the rest converts; the value is said, with the workflow's node."""
    doc = _doc("video_wan_dancer")
    for sg in [doc] + (doc.get("definitions") or {}).get("subgraphs", []):
        for n in sg.get("nodes", []):
            if n.get("type") == "ModelSamplingSD3":
                n["widgets_values"][0] = shift
    conv = convert(doc, "video_wan_dancer")
    gen = _gen(conv.graph)
    assert gen.type_id == "video_models.wan_dancer" and conv.graph.validate() == []
    line = next(x for x in conv.log if "'shift'" in x)
    assert "'ModelSamplingSD3' #" in line and "not taken" in line and "'n1'" not in line
