"""A picture, clip or sound a node loads from a web address (reading/url_loaders.py, heldout17 14's
LoadImageFromURL): read as ComfyUI's own loader of the address's last part, one sentence telling where to save it,
the task made with it wired. Nothing is fetched."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.reading.url_loaders import file_name
from tests.convert.test_comfy_heldout18_mends import _said, _wan21_i2v_api


def _loads(conv) -> list:
    return [n for n in conv.graph.nodes.values() if n.type_id == "io.load_image"]


def test_a_picture_loaded_from_a_web_address_is_load_image_of_its_file_name_and_the_task_is_made():
    url = "https://cdn.example.org/pics/My%20Photo.JPG?sig=abc#top"
    conv = convert(_wan21_i2v_api({"class_type": "InventedLoadImageFromURL", "inputs": {"url": url}}), "url.json")
    assert [t["generator"] for t in conv.tasks] == ["video_models.image_to_video"]
    assert [n.params["path"] for n in _loads(conv)] == ["My_Photo.JPG"]
    line = next(x for x in _said(conv).splitlines() if "(InventedLoadImageFromURL, #9) is read as" in x)
    assert f"ComfyUI downloads the picture from {url} when the workflow runs; Studio reads files only: save it as " \
           "My_Photo.JPG next to the graph" in line


def test_the_url_path_tools_loader_given_an_address_says_the_download_not_a_file_named_by_it():
    """heldout18 mend 6's 'Load Image (URL/Path)' shape with an address in its 'image' setting."""
    conv = convert(_wan21_i2v_api({"class_type": "InventedLoadImageByUrl", "inputs": {
        "image": "https://example.com/a/first-frame.png", "Choose file to upload": None}}), "tool.json")
    assert [n.params["path"] for n in _loads(conv)] == ["first-frame.png"]
    said = _said(conv)
    assert "save it as first-frame.png next to the graph" in said
    assert "LoadImage of its 'image' 'https" not in said


def test_a_sound_from_a_web_address_is_load_audio_of_its_file():
    wf = _wan21_i2v_api({"class_type": "LoadImage", "inputs": {"image": "start.png"}})
    wf["11"] = {"class_type": "InventedAudioFromUrl", "inputs": {"audio_url": "http://example.com/v/voice.wav"}}
    wf["10"]["inputs"]["audio"] = ["11", 0]
    said = _said(convert(wf, "voice.json"))
    assert "(InventedAudioFromUrl, #11) is read as ComfyUI's LoadAudio of 'voice.wav': ComfyUI downloads the sound " \
           "from http://example.com/v/voice.wav" in said


def test_a_server_address_on_a_node_that_is_no_loader_is_not_read_as_a_file():
    conv = convert(_wan21_i2v_api({"class_type": "InventedImageService", "inputs": {
        "server": "http://127.0.0.1:8188", "prompt": "a cat"}}), "service.json")
    assert not _loads(conv)
    assert "next to the graph" not in _said(conv)


def test_the_file_name_is_the_addresss_last_part_made_safe():
    assert file_name("https://x.org/a/b/clip.mp4?t=1", "video") == "clip.mp4"
    assert file_name("https://x.org/a/..%2F..%2Fetc%2Fpass wd", "image") == "pass_wd.png"
    assert file_name("https://x.org/..", "image") == "picture.png"
    assert file_name("https://x.org/", "audio") == "sound.wav"


def test_a_video_path_loader_given_an_address_keeps_its_picks_and_names_the_file():
    """VideoHelperSuite's path loader given an address with no extension: still a clip (its declared kind), its
    frame picks read on as before."""
    from studio.convert.reading.workflow import Workflow
    wf = Workflow.read({"1": {"class_type": "VHS_LoadVideoPath", "inputs": {
        "video": "https://videos.example.com/watch?v=abc", "force_rate": 8, "frame_load_cap": 16}},
        "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}})
    n = wf.nodes["1"]
    assert n.cls == "VHS_LoadVideoPath" and n.widgets["video"] == "watch.mp4" and n.widgets["frame_load_cap"] == 16
    assert any("(VHS_LoadVideoPath, #1)'s 'video' is the web address https://videos.example.com/watch?v=abc, not a "
               "file: Studio reads files only: save the clip as watch.mp4 next to the graph" in x for x in wf.wiring_said)
