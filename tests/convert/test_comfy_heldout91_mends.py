"""Issue 112, heldout91's mends (fresh set judged on main a345639d): each test builds its workflow from node types,
values and links and fails without its mend.

1. A WanVideoScheduler saved with its 'scheduler' alone (the wrapper's earlier layout, its one output the choice it
   holds) wired into the samplers' 'scheduler': "whose value Studio cannot work out: it is left unset" of a value the
   file holds ('dpm++_sde'), and the note's "scheduler 'simple'" (91/06). Read now; and a scheduler wired from a node
   Studio really cannot work out is said as not known, never as 'simple'.
2. A UI node of another pack under a core type's name ('StringConcatenate' of text_a..text_g, a frame after each)
   had its values named by the core node's declaration: "its settings: string_a , string_b 0, delimiter " (91/02),
   inputs it has not. A node whose page lists settings none of which Studio's names for its type has is not named
   by them.
3. A MiniMax H3 guide given the frames of a clip was held as "the picture ... pins at frame 0" (91/08).
4. FizzNodes' StringConcatenate's frame-keyed texts worked out (the schedule of 91/02).
5. An AnimateDiff checkpoint in a pickled file said refused when run, as the motion module is (91/01)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.reading.workflow import Workflow
from tests.convert.said import api, notes, said


def _scheduled(scheduler_node: tuple) -> dict:
    return api({
        "1": ("WanVideoModelLoader", {"model": "wan2.1_t2v_1.3B_bf16.safetensors", "base_precision": "bf16",
                                      "quantization": "disabled"}),
        "2": ("LoadWanVideoT5TextEncoder", {"model_name": "umt5.safetensors", "precision": "bf16"}),
        "3": ("WanVideoTextEncode", {"positive_prompt": "a heron by a lake", "negative_prompt": "", "t5": ["2", 0]}),
        "4": ("WanVideoEmptyEmbeds", {"width": 480, "height": 272, "num_frames": 33}),
        "9": scheduler_node,
        "5": ("WanVideoSampler", {"model": ["1", 0], "text_embeds": ["3", 0], "image_embeds": ["4", 0], "steps": 8,
                                  "cfg": 1.0, "shift": 5.0, "seed": 9, "scheduler": ["9", 0]}),
        "6": ("WanVideoVAELoader", {"model_name": "wan_vae.safetensors"}),
        "7": ("WanVideoDecode", {"vae": ["6", 0], "samples": ["5", 0]}),
        "8": ("SaveVideo", {"video": ["7", 0], "filename_prefix": "x"}),
    })


def test_an_earlier_wan_video_scheduler_gives_its_one_choice_to_the_sampler():
    conv = convert(_scheduled(("WanVideoScheduler", {"scheduler": "dpm++_sde"})), "scheduler_91")
    text = said(conv)
    assert "whose value Studio cannot work out" not in text
    assert "WanVideoSampler's scheduler 'dpm++_sde'" in notes(conv)
    assert "scheduler 'simple'" not in text


def test_a_scheduler_wired_from_a_node_studio_cannot_work_out_is_said_not_known_never_simple():
    conv = convert(_scheduled(("SomePackSchedulerPicker", {"choice": "dpm++_sde"})), "scheduler_91b")
    text = said(conv)
    assert "scheduler 'simple'" not in text
    assert "WanVideoSampler's scheduler not known (wired from a node Studio cannot work out)" in notes(conv)


def _concatenate(names: list[str], values: list) -> dict:
    inputs = [{"name": k, "type": "STRING", "widget": {"name": k}, "link": None} for k in names]
    node = {"id": 7, "type": "StringConcatenate", "mode": 0, "inputs": inputs,
            "outputs": [{"name": "STRING", "type": "STRING", "links": []}], "widgets_values": values}
    return {"nodes": [node], "links": [], "last_node_id": 7, "last_link_id": 0, "version": 0.4}


def test_a_pack_node_under_a_core_types_name_is_not_named_by_the_core_declaration():
    wf = Workflow.read(_concatenate(["text_a", "text_b"], ["day", 0, "night", 10]))
    assert not {"string_a", "string_b", "delimiter"} & set(wf.nodes["7"].widgets)
    core = Workflow.read(_concatenate(["string_a", "string_b"], ["day", "night", " "]))  # the core node's own
    assert core.nodes["7"].widgets == {"string_a": "day", "string_b": "night", "delimiter": " "}


def test_a_minimax_guide_given_a_clips_frames_is_said_a_clip_never_a_picture():
    """3. MiniMaxH3AddGuide given the frames of a clip (GetVideoComponents of a LoadVideo) and its sound was held as
    "a video through the picture ... pins at frame 0" (91/08): said the frames of the clip that node gives."""
    from tests.convert.test_comfy_h3more9 import _guide
    wf = _guide(0, audio=True)
    wf["60"] = {"class_type": "LoadVideo", "inputs": {"file": "tail.mp4"}}
    wf["61"] = {"class_type": "GetVideoComponents", "inputs": {"video": ["60", 0]}}
    wf["16"]["inputs"]["image"] = ["61", 0]
    text = said(convert(wf, "h3_guide_clip"))
    assert "pins at frame 0" not in text and "the picture 'MiniMaxH3AddGuide'" not in text, text
    assert ("a video through the frames of the clip 'GetVideoComponents' (GetVideoComponents, #61) gives, which "
            "'MiniMaxH3AddGuide' (MiniMaxH3AddGuide, #16) pins from frame 0") in text, text
    pictured = said(convert(_guide(0, audio=True), "h3_guide_picture"))  # a picture's guide: still a picture
    assert "a video through the picture 'MiniMaxH3AddGuide' (MiniMaxH3AddGuide, #16) pins at frame 0" in pictured


def test_fizznodes_string_concatenate_gives_texts_keyed_by_their_frames():
    """4. FizzNodes' StringConcatenate (text_a..text_g, a frame after each) feeding a BatchPromptSchedule's text: its
    keyed texts were not worked out, the schedule the file saved on the BatchPromptSchedule was used (91/02)."""
    wf = Workflow.read(api({
        "1": ("PrimitiveStringMultiline", {"value": "bright day,\nriver"}),
        "2": ("PrimitiveStringMultiline", {"value": "night,river"}),
        "3": ("StringConcatenate", {"text_a": ["1", 0], "frame_a": 0, "text_b": ["1", 0], "frame_b": 10,
                                    "text_c": ["2", 0], "frame_c": 20, "frame_d": 36}),
        "4": ("StringConcatenate", {"string_a": "a", "string_b": "b", "delimiter": "-"}),  # ComfyUI's own
    }))
    assert wf.output(wf.nodes["3"], 0) == '"0": "bright day,river","10": "bright day,river","20": "night,river",'
    assert wf.output(wf.nodes["4"], 0) == "a-b"
    ui = _concatenate(["text_a", "text_b", "text_c"], ["", 0, "", 10, "", 20])
    ui["nodes"][0]["inputs"][0]["link"] = 1
    ui["nodes"][0]["inputs"][1]["link"] = 2
    ui["nodes"].append({"id": 5, "type": "PrimitiveStringMultiline", "mode": 0, "inputs": [],
                        "outputs": [{"name": "STRING", "type": "STRING", "links": [1, 2]}], "widgets_values": ["dawn"]})
    ui["links"] = [[1, 5, 0, 7, 0, "STRING"], [2, 5, 0, 7, 1, "STRING"]]
    read = Workflow.read(ui)  # (text_c unwired: optional, not given)
    assert read.output(read.nodes["7"], 0) == '"0": "dawn","10": "dawn",'


def test_an_animatediff_checkpoint_in_a_pickled_file_is_said_refused_like_the_motion_module():
    """5. AnimateDiff on a '.ckpt' SD 1.5 checkpoint: Load Video Model refuses it when run (parts.py reads the
    checkpoint from a .safetensors file); only a pickled motion module was said (91/01's 'igame_v1.4_mix_vae.ckpt')."""
    from tests.convert.test_comfy_heldout88_mends import _travel
    wf = _travel("1:1 square 512x512")
    wf["1"]["inputs"]["ckpt_name"] = "igame_v1.4_mix_vae.ckpt"
    text = said(convert(wf, "ad_ckpt"))
    assert ("the checkpoint 'igame_v1.4_mix_vae.ckpt' is a pickled file, which Studio never opens (loading one can "
            "run code): give the same SD 1.5 checkpoint as .safetensors") in text, text
    assert "the checkpoint 'dreamshaper_8.safetensors' is a pickled file" not in said(convert(_travel("1:1 square 512x512"), "ad"))
