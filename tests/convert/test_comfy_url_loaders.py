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


def test_a_ui_files_uncatalogued_url_loader_is_read_by_its_saved_types():
    """A UI file saves the node's output types (IMAGE) and its values by place: the address among them."""
    from tests.convert.test_comfy_heldout18_mends import _ui
    doc = _ui([(1, "UNETLoader", [], ["MODEL"], ["wan2.1_i2v_480p_14B_fp16.safetensors", "default"]),
               (2, "CLIPLoader", [], ["CLIP"], ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"]),
               (3, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["a fox"]),
               (4, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["blurry"]),
               (5, "VAELoader", [], ["VAE"], ["wan_2.1_vae.safetensors"]),
               (9, "InventedImageFromWeb", [], ["IMAGE", "MASK"], ["https://example.net/img/fox.webp?w=512", True]),
               (6, "WanImageToVideo", [("positive", "CONDITIONING"), ("negative", "CONDITIONING"), ("vae", "VAE"),
                                       ("start_image", "IMAGE")], ["CONDITIONING", "CONDITIONING", "LATENT"],
                [480, 640, 33, 1]),
               (7, "KSampler", [("model", "MODEL"), ("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                                ("latent_image", "LATENT")], ["LATENT"], [1, "fixed", 4, 1, "euler", "simple", 1]),
               (8, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
               (10, "VHS_VideoCombine", [("images", "IMAGE")], [],
                {"frame_rate": 16, "loop_count": 0, "filename_prefix": "w", "format": "video/h264-mp4",
                 "pingpong": False, "save_output": True})],
              [(2, 0, 3, "clip"), (2, 0, 4, "clip"), (3, 0, 6, "positive"), (4, 0, 6, "negative"), (5, 0, 6, "vae"),
               (9, 0, 6, "start_image"), (1, 0, 7, "model"), (6, 0, 7, "positive"), (6, 1, 7, "negative"),
               (6, 2, 7, "latent_image"), (7, 0, 8, "samples"), (5, 0, 8, "vae"), (8, 0, 10, "images")])
    conv = convert(doc, "web.json")
    assert [t["generator"] for t in conv.tasks] == ["video_models.image_to_video"]
    assert [n.params["path"] for n in _loads(conv)] == ["fox.webp"]
    line = next(x for x in _said(conv).splitlines() if "(InventedImageFromWeb, #9) is read as" in x)
    assert "save it as fox.webp next to the graph (its #1 True not applied)" in line
