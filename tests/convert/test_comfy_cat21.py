"""The catalogue read further (cat21, issue 112: read by types): ComfyUI 783545f6's MiniMaxH3ImageToVideo (kept out
until a Wan file's invented maker was no longer read as it) and the packs the corpus's frequent uncatalogued types are
of, each known with its declared inputs; a workflow using one read by those types. Workflows here are built for the
test."""
from __future__ import annotations

from studio.convert import catalogue
from studio.convert.mapping.convert import convert
from tests.convert.said import said
from tests.convert.test_comfy_unread_maker import _doc as invented_maker
from tests.convert.workflow_shapes import wan_t2v_combined


def test_the_committed_catalogue_holds_cat21s_types_with_their_declared_inputs():
    i2v = catalogue.node_type("MiniMaxH3ImageToVideo")
    assert i2v.pack == "Comfy-Org/ComfyUI"
    assert [i.name for i in i2v.inputs] == ["clip", "vae", "prompt", "width", "height", "length", "first_frame",
                                            "last_frame"]
    assert (i2v.input("length").default, i2v.input("first_frame").optional) == (124, True)
    assert i2v.output_types == ("CONDITIONING", "LATENT")
    packs = {"PixaromaSaveMp4": "pixaroma/ComfyUI-Pixaroma", "ResolutionPicker": "mickmumpitz/ComfyUI-Mickmumpitz-Nodes",
             "TYLTXDesktopGenerateVideo": "supart/ComfyUI_TY_LTX_Desktop_Bridge",
             "ImageSelector": "SLAPaper/ComfyUI-Image-Selector",
             "Sampler Selector (Image Saver)": "alexopus/ComfyUI-Image-Saver",
             "LoadContditioning": "endman100/ComfyUI-SaveAndLoadPromptCondition",
             "H3OneSigmaRefiner": "AIFSH/OneNode-MinimaxH3"}
    for name, pack in packs.items():
        assert catalogue.node_type(name).pack == pack, name
    assert [i.name for i in catalogue.node_type("ImageSelector").inputs] == ["images", "selected_indexes"]
    assert catalogue.packs()["endman100/ComfyUI-SaveAndLoadPromptCondition"]["commit"].startswith("b5b2d50e")
    # still kept out (data/add_skipped.txt): a generic name two packs declare differently, and WanDancerVideo
    assert catalogue.node_type("TextBox") is None and catalogue.node_type("WanDancerVideo") is None


def test_a_newly_catalogued_step_is_read_with_its_declared_inputs():
    """SLAPaper's ImageSelector between the decode and the Video Combine: a step not applied, its setting said by its
    declared name (undeclared, it was 'a node whose type no pack in Studio's catalogue declares')."""
    doc = wan_t2v_combined()
    doc["10"] = {"class_type": "ImageSelector", "inputs": {"images": ["8", 0], "selected_indexes": "12:-1"}}
    doc["9"]["inputs"]["images"] = ["10", 0]
    conv = convert(doc, "cat21.json")
    text = said(conv)
    assert conv.pipelines == 1 and conv.passed == ["10"] and not conv.dropped
    assert "no pack in Studio's catalogue declares" not in text
    assert ("'ImageSelector' (ImageSelector, #10), a step between its 'images' and 'VHS_VideoCombine' (#9)'s "
            "'images': not applied (its settings: selected_indexes 12:-1)") in text


def test_a_saved_conditioning_loaders_prompt_is_said_not_left_silently_empty():
    """endman100's LoadContditioning (one input: a saved conditioning file) giving the positive prompt: declared, it
    is no conditioning made from pictures alone (which has no prompt to ask for): the prompt is said to come from it."""
    doc = wan_t2v_combined()
    doc["4"] = {"class_type": "LoadContditioning", "inputs": {"conditioning": "heron.pt"}}
    conv = convert(doc, "cat21.json")
    assert ("the positive prompt comes from ComfyUI's 'LoadContditioning' (LoadContditioning, #4), which Studio does "
            "not read: write it in the generator's prompt") in said(conv)


def test_an_invented_maker_is_minimax_h3s_task_node_only_where_the_model_files_are_minimax_h3s():
    """A pack node of MiniMaxH3ImageToVideo's sockets: in a Wan 2.1 file it is not read as it (MiniMax H3's 124-frame
    floor would replace the workflow's 61 frames; test_comfy_unread_maker reads it as before); where the model
    files are MiniMax H3's it is."""
    wan = convert(invented_maker(), "maker")
    assert "is read as ComfyUI's 'MiniMaxH3ImageToVideo'" not in said(wan)
    doc = invented_maker()
    doc["1"]["inputs"]["unet_name"] = "minimax_h3_fl2va_bf16.safetensors"
    h3 = convert(doc, "maker")
    assert "'SomePackReferenceToVideo' (SomePackReferenceToVideo, #6), a node no pack in Studio's catalogue declares, " \
           "is read as ComfyUI's 'MiniMaxH3ImageToVideo'" in said(h3)


def test_an_output_node_giving_a_size_is_not_said_to_show_the_pictures():
    """easy-use's imageSize (an output node declaring a width and a height out, none linked) fed the decoded frames in
    a UI file: given and not made, not 'shows the pictures' (cat21's corpus check: the displays rule read it, and
    easy cleanGpuUsed, as a picture preview)."""
    from tests.convert.test_comfy_displays import _ui_with

    extra = [{"id": 910, "type": "easy imageSize", "mode": 0, "pos": [0, 0], "widgets_values": ["Width: 832"],
              "inputs": [{"name": "image", "type": "IMAGE", "link": 910}],
              "outputs": [{"name": "width_int", "type": "INT", "links": []},
                          {"name": "height_int", "type": "INT", "links": []}]}]
    text = said(convert(_ui_with(extra, [[910, 8, 0, 910, 0, "IMAGE"]]), "cat21.json"))
    assert "'easy imageSize' (easy imageSize, #910) is given what " in text
    assert "'easy imageSize' (easy imageSize, #910) shows the pictures" not in text
