"""Nodes passed over by their declared types, each said in one true sentence (mapping/passing.py): a step on a
picture's or a model's way into nodes Studio read, settings of a pack's own type given to a reader (a block swap: the
machine's), a node passing anything on, a constant whose value was read (read, nothing said); a node with a reader
Studio did not read stays 'not converted'."""
from __future__ import annotations

from studio.convert.mapping import passing
from studio.convert.mapping.convert import convert
from studio.convert.reading.workflow import Workflow


def _api(nodes: dict) -> Workflow:
    return Workflow.read({k: {"class_type": c, "inputs": i} for k, (c, i) in nodes.items()})


def test_settings_of_a_packs_own_type_given_to_a_reader_are_said_not_applied():
    wf = _api({"1": ("WanVideoBlockSwap", {"blocks_to_swap": 20, "offload_img_emb": False, "offload_txt_emb": False}),
               "2": ("WanVideoEnhanceAVideo", {"weight": 2.0, "start_percent": 0.0, "end_percent": 1.0}),
               "3": ("WanVideoModelLoader", {"model": "wan.safetensors", "block_swap_args": ["1", 0]}),
               "4": ("WanVideoSampler", {"model": ["3", 0], "feta_args": ["2", 0], "steps": 4})})
    over = passing.passed_over(wf, {"3", "4"})
    assert set(over) == {"1", "2"}
    assert over["1"].startswith("'WanVideoBlockSwap' (WanVideoBlockSwap, #1) gives 'WanVideoModelLoader' (#3)'s "
                                "'block_swap_args' settings Studio's nodes do not take: not applied (its settings: "
                                "blocks_to_swap 20")
    assert over["1"].endswith("Studio plans memory and speed itself")
    assert "memory" not in over["2"] and "weight 2.0" in over["2"]  # Enhance-A-Video changes the picture: no excuse


def test_a_step_is_passed_over_only_when_every_reader_is_read():
    wf = _api({"1": ("LoadImage", {"image": "a.png"}),
               "2": ("LTXVPreprocess", {"image": ["1", 0], "img_compression": 33}),
               "3": ("LTXVImgToVideoInplace", {"image": ["2", 0], "strength": 1.0}),
               "4": ("PreviewImage", {"images": ["2", 0]})})
    # the preview reads it too, not converted: the step is said not applied, naming the preview (listed itself)
    assert passing.passed_over(wf, {"1", "3"}) == {"2": "'LTXVPreprocess' (LTXVPreprocess, #2), a step between its "
                                                        "'image' and 'LTXVImgToVideoInplace' (#3)'s 'image' (and 1 more "
                                                        "input): not applied (its settings: img_compression 33); Studio "
                                                        "does not convert 'PreviewImage' (PreviewImage, node 4), each "
                                                        "listed in the note of what Studio does not convert"}
    over = passing.passed_over(wf, {"1", "3", "4"})
    assert over == {"2": "'LTXVPreprocess' (LTXVPreprocess, #2), a step between its 'image' and "
                         "'LTXVImgToVideoInplace' (#3)'s 'image' (and 1 more input): not applied (its settings: "
                         "img_compression 33)"}


def test_a_chain_of_steps_a_node_passing_anything_and_a_constant_read():
    wf = _api({"1": ("LoadImage", {"image": "a.png"}),
               "2": ("ImageFromBatch+", {"image": ["1", 0], "start": 0, "length": 1}),
               "3": ("LTXVPreprocess", {"image": ["2", 0], "img_compression": 33}),
               "4": ("easy cleanGpuUsed", {"anything": ["3", 0]}),
               "5": ("INTConstant", {"value": 97}),
               "6": ("EmptyLTXVLatentVideo", {"width": 768, "height": 512, "length": ["5", 0], "batch_size": 1}),
               "7": ("LTXVImgToVideoInplace", {"image": ["4", 0], "latent": ["6", 0], "strength": 1.0})})
    assert wf.value(wf.nodes["6"], "length") == 97  # asked for while converting: its value read
    over = passing.passed_over(wf, {"1", "6", "7"})
    # the GPU cleaner is read away as the input it passes on when the workflow is read (reading/pass_away.py)
    assert "4" not in wf.nodes and wf.wiring.get("easy cleanGpuUsed") == 1 and wf.nodes["7"].links["image"][0] == "3"
    assert set(over) == {"2", "3", "5"} and over["5"] == ""  # the constant read: nothing to say
    assert "between its 'image' and 'LTXVPreprocess' (#3)'s 'image'" in over["2"]
    wf = _api({"5": ("INTConstant", {"value": 97}),
               "6": ("EmptyLTXVLatentVideo", {"width": 768, "height": 512, "length": ["5", 0], "batch_size": 1})})
    assert passing.passed_over(wf, {"6"}) == {"5": "'INTConstant' (INTConstant, #5) gives 'EmptyLTXVLatentVideo' "
                                                   "(#6)'s 'length' 97, which Studio does not read there"}
    wf = _api({"1": ("LoadImage", {"image": "a.png"}), "2": ("GetImageSize+", {"image": ["1", 0]}),
               "3": ("SimpleMath+", {"value": "a * 2", "a": ["2", 0]}),
               "4": ("EmptyLTXVLatentVideo", {"width": ["3", 0], "height": 512, "length": 9, "batch_size": 1})})
    assert wf.value(wf.nodes["4"], "width") is None  # the file's width: known when the workflow runs
    over = passing.passed_over(wf, {"1", "4"})
    assert over["3"] == ("'SimpleMath+' (SimpleMath+, #3) gives 'EmptyLTXVLatentVideo' (#4)'s 'width' a value Studio "
                         "cannot work out when converting, worked out from its 'a' when the workflow runs: not read "
                         "there (its settings: value a * 2)")
    assert over["2"].startswith("'GetImageSize+' (GetImageSize+, #2) gives 'SimpleMath+' (#3)'s 'a' a value")


def test_a_converted_workflow_lists_the_passed_over_not_as_not_converted():
    from tests.convert.test_comfy_by_types import _flf
    doc = _flf(False)
    nodes, links = doc["nodes"], doc["links"]
    guide = next(n for n in nodes if n["type"] == "LTXVAddGuide")
    into = next(x for x in links if x[3] == guide["id"] and x[1] == 7)
    op, lid = len(nodes) + 1, len(links) + 1
    # (a step Studio does not make; samplers18: LTX-2 now reads LTXVPreprocess as its 'image_crf')
    nodes.append({"id": op, "type": "ImageQuantize", "mode": 0, "inputs": [{"name": "image", "type": "IMAGE",
                                                                      "link": into[0]}],
                  "outputs": [{"name": "IMAGE", "type": "IMAGE"}], "widgets_values": [256, "none"], "pos": [0, 0],
                  "properties": {}})
    into[3], into[4] = op, 0
    links.append([lid, op, 0, guide["id"], 4, "IMAGE"])
    next(i for i in guide["inputs"] if i["name"] == "image")["link"] = lid
    conv = convert(doc, "op")
    assert str(op) in conv.passed and str(op) not in conv.dropped
    notes = [n["text"] for n in conv.graph.ui["notes"]]
    assert any(t.startswith("ComfyUI nodes passed over (2), told by their types:\n") and "\n- 'ImageQuantize' "
               f"(ImageQuantize, #{op}), a step between its 'image' and 'LTXVAddGuide'" in t and "colors 256" in t
               for t in notes)  # (and the fixture's INTConstant nothing reads: ComfyUI does not run it)
    assert not any(t.startswith("ComfyUI nodes not converted") and f"#{op})" in t for t in notes)


def test_a_packs_vae_loader_told_by_its_types_gives_load_video_model_its_file():
    """KJNodes' VAELoaderKJ in place of ComfyUI's VAELoader (Wan 2.1 text to video): its file set on Load Video Model
    as VAELoader's is; its precision said."""
    import pytest
    from tests.convert.test_comfy_workflows import _doc
    pytest.importorskip("comfyui_workflow_templates_json")
    doc = _doc("text_to_video_wan")
    vae = next(n for n in doc["nodes"] if n["type"] == "VAELoader")
    vae["type"], vae["widgets_values"] = "VAELoaderKJ", [vae["widgets_values"][0], "main_device", "fp32"]
    conv = convert(doc, "kj")
    load = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.load")
    assert load.params["vae"] == "wan_2.1_vae.safetensors" and str(vae["id"]) not in conv.dropped
    said = "\n".join(conv.log + [n["text"] for n in conv.graph.ui["notes"]])
    line = next(x for x in said.splitlines() if f"'VAELoaderKJ' (VAELoaderKJ, #{vae['id']}) is read as ComfyUI's "
                "VAELoader" in x)  # its twin, by the types both declare (packs/twins.py)
    assert "weight_dtype 'fp32'" in line and "not applied, Studio plans those itself" in line


def test_a_packs_decoder_a_made_mask_and_a_clip_taken_apart_by_their_types():
    wf = _api({"1": ("LoadVideo", {"file": "a.mp4"}),
               "2": ("GetVideoComponents", {"video": ["1", 0]}),
               "3": ("SolidMask", {"value": 1.0, "width": 64, "height": 64}),
               "4": ("LTXVImgToVideoInplace", {"image": ["2", 0], "mask": ["3", 0], "strength": 1.0}),
               "5": ("KSampler", {"latent_image": ["4", 0]}),
               "6": ("LTXVTiledVAEDecode", {"latents": ["5", 0], "vae": ["7", 0], "horizontal_tiles": 2}),
               "7": ("VAELoader", {"vae_name": "v.safetensors"}),
               "8": ("CreateVideo", {"images": ["6", 0], "fps": 24})})
    over = passing.passed_over(wf, {"1", "4", "5", "7", "8"})
    assert over["2"].startswith("'GetVideoComponents' (GetVideoComponents, #2) gives 'LTXVImgToVideoInplace' (#4)'s "
                                "'image' the frames, sound or rate of the video it is given: Studio's Load Video gives")
    assert over["3"] == ("'SolidMask' (SolidMask, #3) makes 'LTXVImgToVideoInplace' (#4)'s 'mask' from its settings "
                         "alone: not made by Studio (its settings: value 1.0, width 64, height 64)")
    assert over["6"] == ("'LTXVTiledVAEDecode' (LTXVTiledVAEDecode, #6) decodes the latent into pictures for "
                         "'CreateVideo' (#8)'s 'images', as ComfyUI's VAEDecode does: its settings "
                         "horizontal_tiles 2 are not applied")


def test_a_number_typed_as_text_a_loader_read_for_its_info_and_a_mask_sized_by_values():
    wf = _api({"1": ("Float", {"Number": "2.5"}), "2": ("Int", {"Number": "x"}),
               "3": ("VHS_LoadVideo", {"video": "a.mp4"}),
               "4": ("VHS_VideoInfoSource", {"video_info": ["3", 3]}),
               "5": ("SimpleMath+", {"value": "a * b", "a": ["1", 0], "b": ["4", 0]}),
               "6": ("SolidMask", {"value": 1.0, "width": ["5", 0], "height": 64}),
               "7": ("SetLatentNoiseMask", {"samples": ["8", 0], "mask": ["6", 0]}),
               "8": ("EmptyLTXVLatentVideo", {"width": 64, "height": 64, "length": 9, "batch_size": 1}),
               "9": ("KSampler", {"latent_image": ["7", 0]})})
    assert wf.output(wf.nodes["1"], 0) == 2.5 and wf.output(wf.nodes["2"], 0) is None  # ComfyLiterals' text numbers
    over = passing.passed_over(wf, {"8", "9"})
    assert set(over) == {"1", "3", "4", "5", "6", "7"}  # its 2.5 worked out, but given to a sum Studio does not read:
    assert over["1"] == "'Float' (Float, #1) gives 'SimpleMath+' (#5)'s 'a' 2.5, which Studio does not read there"
    assert over["3"] == ("'VHS_LoadVideo' (VHS_LoadVideo, #3) is read for what it tells of its file (VHS_VIDEOINFO) by "
                         "'VHS_VideoInfoSource' (#4)'s 'video_info' alone, which Studio does not read: the file is not "
                         "loaded")
    assert over["6"].startswith("'SolidMask' (SolidMask, #6) makes 'SetLatentNoiseMask' (#7)'s 'mask' from its settings "
                                "and what is wired to its 'width': not made by Studio (its settings: value 1.0, height "
                                "64)")  # (not 'from its settings alone': its width is wired, test_comfy_words10)


def test_the_wrappers_settings_said_by_their_types_and_a_bypassed_reader_reads_nothing():
    doc = {"1": {"class_type": "WanVideoModelLoader", "inputs": {"model": "wan.safetensors", "block_swap_args": ["12", 0]}},
           "2": {"class_type": "LoadWanVideoT5TextEncoder", "inputs": {"model_name": "umt5.safetensors"}},
           "3": {"class_type": "WanVideoTextEncode", "inputs": {"positive_prompt": "a fox", "negative_prompt": "",
                                                                "t5": ["2", 0]}},
           "4": {"class_type": "WanVideoEmptyEmbeds", "inputs": {"width": 480, "height": 272, "num_frames": 33}},
           "5": {"class_type": "WanVideoSampler", "inputs": {"model": ["1", 0], "text_embeds": ["3", 0], "steps": 4,
                                                             "image_embeds": ["4", 0], "feta_args": ["13", 0]}},
           "6": {"class_type": "WanVideoVAELoader", "inputs": {"model_name": "wan_vae.safetensors"}},
           "7": {"class_type": "WanVideoDecode", "inputs": {"vae": ["6", 0], "samples": ["5", 0]}},
           "8": {"class_type": "SaveVideo", "inputs": {"video": ["7", 0], "filename_prefix": "x"}},
           "12": {"class_type": "WanVideoBlockSwap", "inputs": {"blocks_to_swap": 20}},
           "13": {"class_type": "WanVideoEnhanceAVideo", "inputs": {"weight": 2.0}}}
    said = "\n".join(convert(doc, "wrapper").log)
    assert "its WanVideoBlockSwap (#12) sets the wrapper's memory and speed: not applied, Studio plans" in said
    assert "its WanVideoEnhanceAVideo (#13) changes how the wrapper samples: not applied" in said  # not a speed one
    wf = _api({"1": ("LoadImage", {"image": "a.png"}), "2": ("LTXVPreprocess", {"image": ["1", 0]}),
               "3": ("LTXVImgToVideoInplace", {"image": ["2", 0]}), "4": ("LTXVImgToVideoInplace", {"image": ["2", 0]})})
    wf.nodes["4"].mode = 4  # bypassed in ComfyUI
    assert "'LTXVImgToVideoInplace' (#3)'s 'image': not applied" in passing.passed_over(wf, {"1", "3"})["2"]


def test_a_prompt_through_a_node_passing_anything_on_by_position():
    """Impact's execution order controller (signal and value in, each passed on: '*' types) between the text encoder
    and the guider: the prompt is read through its value, not its signal."""
    from studio.convert.tracing.prompts import prompt_text
    wf = _api({"1": ("CLIPTextEncode", {"text": "a fox"}), "2": ("CLIPTextEncode", {"text": "order only"}),
               "3": ("ImpactExecutionOrderController", {"signal": ["2", 0], "value": ["1", 0]}),
               "4": ("CFGGuider", {"positive": ["3", 1], "cfg": 3.0})})
    used: set = set()
    assert prompt_text(wf, wf.nodes["4"], "positive", used) == "a fox" and "1" in used
    assert "3" not in used  # (left to passing, which says it passes what it is given on: heldout9)


def test_a_sampler_is_never_passed_over_as_a_step():
    wf = _api({"1": ("EmptyLTXVLatentVideo", {"width": 64, "height": 64, "length": 9, "batch_size": 1}),
               "2": ("SamplerCustomAdvanced", {"latent_image": ["1", 0], "guider": ["5", 0]}),
               "3": ("MyPackSampler", {"latent": ["1", 0], "model": ["6", 0]}),
               "4": ("LTXVAddLatents", {"latents1": ["2", 0], "latents2": ["3", 0]}),
               "5": ("CFGGuider", {"cfg": 1.0}), "6": ("UNETLoader", {"unet_name": "m.safetensors"})})
    wf.nodes["3"].in_types, wf.nodes["3"].out_types = {"latent": "LATENT", "model": "MODEL"}, ["LATENT"]
    over = passing.passed_over(wf, {"1", "4", "5", "6"})
    assert "2" not in over and "3" not in over  # a pass of its own: left 'not converted', never 'not applied'
