"""The nodes that do not make the video, passed over by their declared types with one sentence each
(mapping/displays.py): a display of pictures, a mask, a sound or a text; a save of stills where Studio made the
video; a node joined to no other (a page's label); a node of no declared type given values of any type (a page's
bypasser); and never a node any node reads, a save of a video, or a picture's display where Studio made nothing.
A pack's slider is worked out (reading/chosen.py)."""
from __future__ import annotations

from studio.convert.mapping import displays, passing
from studio.convert.mapping.convert import convert
from studio.convert.reading.workflow import Workflow
from tests.convert.test_comfy_layout import _doc


def _api(nodes: dict) -> Workflow:
    return Workflow.read({k: {"class_type": c, "inputs": i} for k, (c, i) in nodes.items()})


def _readers(wf: Workflow) -> dict:
    out: dict = {}
    for m in wf.nodes.values():
        for name, (src, slot) in m.links.items():
            out.setdefault(src, []).append((m, name, slot))
    return out


def _passed(wf: Workflow, read: set[str], made: bool) -> dict[str, str]:
    return displays.passed(wf, read, _readers(wf), made)


def _decoded(**more) -> Workflow:
    return _api({"1": ("VAELoader", {"vae_name": "v.safetensors"}),
                 "2": ("EmptyLatentImage", {"width": 64, "height": 64, "batch_size": 1}),
                 "3": ("VAEDecode", {"samples": ["2", 0], "vae": ["1", 0]}), **more})


def test_a_preview_shows_what_a_node_gives_where_studio_made_the_video():
    wf = _decoded(**{"4": ("PreviewImage", {"images": ["3", 0]}), "5": ("PreviewAudio", {"audio": ["9", 0]}),
                     "6": ("MaskPreview+", {"mask": ["8", 1]}), "7": ("ShowText|pysssss", {"text": ["10", 0]}),
                     "8": ("LoadImage", {"image": "a.png"}), "9": ("LoadAudio", {"audio": "a.wav"}),
                     "10": ("PrimitiveString", {"value": "hi"})})
    over = _passed(wf, {"1", "2", "3", "8", "9", "10"}, made=True)
    assert over["4"] == ("'PreviewImage' (PreviewImage, #4) shows the pictures 'VAEDecode' (VAEDecode, node 3) "
                         "gives it on 'images': Studio's viewer shows any node's output, so this display is not made "
                         "as a node")
    assert over["5"].startswith("'PreviewAudio' (PreviewAudio, #5) plays the sound 'LoadAudio' (LoadAudio, node 9)")
    assert over["6"].startswith("'MaskPreview+' (MaskPreview+, #6) shows the mask 'LoadImage' (LoadImage, node 8)")
    assert set(over) == {"4", "5", "6"}  # (ShowText gives a text on: an API file does not say if anything read it)
    over = _passed(wf, {"1", "2", "3", "8", "9", "10"}, made=False)  # nothing made: pictures shown may be all it makes
    assert "4" not in over and {"5", "6"} <= set(over)


def test_a_node_any_node_reads_is_never_a_display_nor_a_save_of_a_video():
    wf = _decoded(**{"4": ("AILab_ImagePreview", {"image": ["3", 0]}),  # an output node giving its pictures on
                     "5": ("SaveVideo", {"video": ["6", 0], "filename_prefix": "v"}),
                     "6": ("CreateVideo", {"images": ["4", 0], "fps": 16}),
                     "7": ("VHS_VideoCombine", {"images": ["3", 0], "frame_rate": 8, "filename_prefix": "a"}),
                     "8": ("SaveAnimatedWEBP", {"images": ["3", 0], "filename_prefix": "w", "fps": 6.0}),
                     "9": ("ShowText|pysssss", {"text": ["11", 0]}), "11": ("PrimitiveString", {"value": "hi"}),
                     "10": ("CLIPTextEncode", {"text": ["9", 0]})})
    assert _passed(wf, {"1", "2", "3", "11"}, made=True) == {}  # read by a save, a video saved, a text encoded
    wf = _decoded(**{"4": ("AILab_ImagePreview", {"image": ["3", 0]})})  # read by none that is left; an API file
    assert _passed(wf, {"1", "2", "3"}, made=True) == {}  # saves no links of its outputs: maybe read before translated


def test_a_save_of_stills_and_a_signal_with_settings_of_its_own():
    wf = _decoded(**{"4": ("SaveImage", {"images": ["3", 0], "filename_prefix": "still"}),
                     "5": ("PlaySound|pysssss", {"any": ["3", 0], "mode": "always", "volume": 0.5,
                                                 "file": "notify.mp3"})})
    over = _passed(wf, {"1", "2", "3"}, made=True)
    assert over["4"] == ("'SaveImage' (SaveImage, #4) saves the pictures 'VAEDecode' (VAEDecode, node 3) gives it on "
                         "'images' as still files (its settings: filename_prefix still): this save of stills is not "
                         "made (Studio's viewer shows any node's pictures)")
    assert set(over) == {"4"}  # (PlaySound gives on what it is given: an API file does not say if it is read)
    assert _passed(wf, {"1", "2", "3"}, made=False) == {}  # the stills may be what the workflow makes


def test_a_display_settles_its_source_a_step_between_a_read_node_and_it_is_passed_over():
    wf = _api({"1": ("LoadImage", {"image": "a.png"}),
               "2": ("LTXVPreprocess", {"image": ["1", 0], "img_compression": 33}),
               "3": ("LTXVImgToVideoInplace", {"image": ["2", 0], "strength": 1.0}),
               "4": ("PreviewImage", {"images": ["2", 0]})})
    over = passing.passed_over(wf, {"1", "3"}, made=True)
    assert set(over) == {"2", "4"} and "shows the pictures 'LTXVPreprocess'" in over["4"]
    assert over["2"].startswith("'LTXVPreprocess' (LTXVPreprocess, #2), a step between its 'image' and")


def _ui_with(extra: list[dict], links: list[list]) -> dict:
    doc = _doc("text_to_video_wan")  # VAEDecode #8, VAELoader #39
    doc["nodes"] += extra
    doc["links"] += links
    return doc


def test_a_converted_workflow_passes_its_preview_label_and_page_bypasser_and_keeps_an_unknown_reader():
    extra = [{"id": 901, "type": "PreviewImage", "mode": 0, "pos": [0, 0], "outputs": [],
              "inputs": [{"name": "images", "type": "IMAGE", "link": 901}]},
             {"id": 902, "type": "Label (rgthree)", "mode": 0, "pos": [0, 0], "inputs": [], "outputs": [],
              "title": "Models", "widgets_values": []},
             {"id": 903, "type": "Fast Bypasser (rgthree)", "mode": 0, "pos": [0, 0],
              "inputs": [{"name": "VAE", "type": "*", "link": 903}],
              "outputs": [{"name": "OPT_CONNECTION", "type": "*"}]},
             {"id": 904, "type": "SomePackSaver", "mode": 0, "pos": [0, 0], "outputs": [],
              "inputs": [{"name": "images", "type": "IMAGE", "link": 904}], "widgets_values": ["out"]},
             {"id": 906, "type": "ShowText|pysssss", "mode": 0, "pos": [0, 0],  # its output linked in the file:
              "inputs": [{"name": "text", "type": "STRING", "link": 906}],  # a reader read as another node may
              "outputs": [{"name": "STRING", "type": "STRING", "links": [907]}]},  # have let that link go
             {"id": 907, "type": "PlaySound|pysssss", "mode": 0, "pos": [0, 0], "widgets_values": ["always", 0.5,
                                                                                         "notify.mp3"],
              "inputs": [{"name": "any", "type": "*", "link": 908}], "outputs": [{"name": "*", "type": "*"}]},
             {"id": 905, "type": "SomePackSchedule", "mode": 0, "pos": [0, 0], "inputs": [],  # (a reader dropped by
              "outputs": [{"name": "sigmas", "type": "SIGMAS"}], "widgets_values": [30]}]  # a translation, maybe)
    conv = convert(_ui_with(extra, [[901, 8, 0, 901, 0, "IMAGE"], [903, 39, 0, 903, 0, "*"],
                                    [904, 8, 0, 904, 0, "IMAGE"], [906, 38, 0, 906, 0, "STRING"],
                                    [908, 8, 0, 907, 0, "*"]]), "shown.json")
    assert conv.pipelines == 1
    assert {"901", "902", "903", "907"} <= set(conv.passed)
    assert {"904", "905", "906"} <= set(conv.dropped)  # unknown: one given pictures, one giving a type of its own
    log = "\n".join(conv.log)
    assert "'Models' (Label (rgthree), #902) takes nothing from another node when the workflow runs" in log
    assert ("'Fast Bypasser (rgthree)' (Fast Bypasser (rgthree), #903) is given what 'VAELoader' (VAELoader, node 39) "
            "gives it on 'VAE' and gives nothing any node reads: nothing Studio makes depends on it") in log
    assert "a mode (on, muted, bypassed) or value ComfyUI's page sets on a node is saved with that node" in log
    assert ("'PlaySound|pysssss' (PlaySound|pysssss, #907) is given what 'VAEDecode' (VAEDecode, node 8) gives it on "
            "'any' and gives nothing any node reads (its settings: mode always, volume 0.5, file notify.mp3): nothing "
            "Studio makes depends on it, and it is not made") in log


def test_a_slider_gives_the_widget_its_switch_chooses_and_is_read_where_wired():
    wf = _api({"1": ("mxSlider", {"Xi": 20, "Xf": 0.75, "isfloatX": 1}),
               "2": ("mxSlider", {"Xi": 24, "Xf": 24.0, "isfloatX": 0}),
               "3": ("mxSlider2D", {"Xi": 1, "Xf": 1.5, "isfloatX": 0, "Yi": 2, "Yf": 2.5, "isfloatY": 1}),
               "4": ("mxSlider", {"Xi": 20, "Xf": 0.75, "isfloatX": ["6", 0]}), "6": ("PrimitiveInt", {"value": 1}),
               "5": ("EmptyLTXVLatentVideo", {"width": 64, "height": 64, "length": ["2", 0], "batch_size": 1})})
    n = wf.nodes
    assert (wf.output(n["1"], 0), wf.output(n["2"], 0)) == (0.75, 24)
    assert (wf.output(n["3"], 0), wf.output(n["3"], 1)) == (1, 2.5) and wf.output(n["4"], 0) is None  # wired: unknown
    assert wf.value(n["5"], "length") == 24
    over = passing.passed_over(wf, {"5"})
    assert over["2"] == ""  # worked out where wired: read (the others read by none)
    assert set(over) == {"2", "6"} and "which Studio does not read there" in over["6"]  # (given a slider not read)
