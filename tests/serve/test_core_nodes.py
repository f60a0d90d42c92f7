"""ComfyUI's core image and video nodes through `main.py serve`'s /prompt (issue 112 item 3, issue 113 item 4):
LoadImage -> SaveImage and EmptyImage -> ImageScaleBy -> CreateVideo -> SaveVideo run and write what ComfyUI
names (ComfyUI_00001_.png, video/clip_00001_.mp4), each refusal names its node and input, /object_info lists
the nodes with ComfyUI's declared ranges, and the page's default workflow is refused in Studio's words."""
from __future__ import annotations

import os

import cv2
import numpy as np
import pytest

from .conftest import call, wait_history


@pytest.fixture(scope="module")
def served(core_server):
    url, folder = core_server
    rgb = np.zeros((6, 10, 3), np.uint8)
    rgb[:, :5] = (255, 0, 0)  # left half red (RGB)
    cv2.imwrite(str(folder / "input" / "half.png"), rgb[..., ::-1])
    return url, folder


def run(url: str, prompt: dict) -> dict:
    status, body = call(url, "/prompt", {"prompt": prompt})
    assert status == 200, body
    h = wait_history(url, body["prompt_id"])
    assert h["status"]["status_str"] == "success", h["status"]
    return h


def load_save(prefix: str = "ComfyUI") -> dict:
    return {"1": {"class_type": "LoadImage", "inputs": {"image": "half.png", "upload": "image"}},
            "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": prefix}}}


def scaled_video(frames: int = 6, scale: float = 0.5, prefix: str = "video/clip", size: int = 32) -> dict:
    return {"1": {"class_type": "EmptyImage", "inputs": {"width": size, "height": size, "batch_size": frames,
                                                         "color": 0x3366CC}},
            "2": {"class_type": "ImageScaleBy", "inputs": {"image": ["1", 0], "upscale_method": "nearest-exact",
                                                           "scale_by": scale}},
            "3": {"class_type": "CreateVideo", "inputs": {"images": ["2", 0], "fps": 8}},
            "4": {"class_type": "SaveVideo", "inputs": {"video": ["3", 0], "filename_prefix": prefix,
                                                        "format": "auto", "codec": "auto"}}}


def test_load_image_to_save_image_writes_comfyui_names_each_once(served):
    url, folder = served
    names = []
    for _ in range(2):
        h = run(url, load_save("still/ComfyUI"))
        (item,) = h["outputs"]["2"]["images"]
        assert item["subfolder"] == "still" and item["type"] == "output"
        names.append(item["filename"])
    first = int(names[0].split("_")[1])  # the name's one counter (files/names.py): other tests' ComfyUI files count
    assert names == [f"ComfyUI_{first:05d}_.png", f"ComfyUI_{first + 1:05d}_.png"]
    got = cv2.imread(str(folder / "output" / "still" / names[0]))[..., ::-1]
    assert got.shape == (6, 10, 3) and tuple(got[0, 0]) == (255, 0, 0) and tuple(got[0, 9]) == (0, 0, 0)


def test_a_batch_saved_as_pictures_takes_one_number_each_and_a_preview_goes_to_temp(served):
    url, folder = served
    prompt = {"1": {"class_type": "EmptyImage", "inputs": {"width": 16, "height": 16, "batch_size": 3, "color": 0}},
              "2": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}},
              "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "pics/batch"}},
              "4": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}}
    h = run(url, prompt)
    assert [i["filename"] for i in h["outputs"]["3"]["images"]] == [f"batch_0000{k}_.png" for k in (1, 2, 3)]
    assert {i["subfolder"] for i in h["outputs"]["3"]["images"]} == {"pics"}
    assert cv2.imread(str(folder / "output" / "pics" / "batch_00002_.png")).min() == 255  # inverted black
    previews = h["outputs"]["4"]["images"]
    assert len(previews) == 3 and {p["type"] for p in previews} == {"temp"}
    assert all((folder / "temp" / p["filename"]).is_file() for p in previews)


def test_empty_image_scaled_made_a_video_writes_its_frames_in_the_subfolder(served):
    url, folder = served
    h = run(url, scaled_video(frames=6, prefix="video/scaled"))  # a name of its own: its one counter starts at 1
    (item,) = h["outputs"]["4"]["images"]
    assert (item["subfolder"], item["filename"]) == ("video", "scaled_00001_.mp4") and h["outputs"]["4"]["animated"]
    cap = cv2.VideoCapture(str(folder / "output" / "video" / "scaled_00001_.mp4"))
    n, size = int(cap.get(cv2.CAP_PROP_FRAME_COUNT)), (cap.get(cv2.CAP_PROP_FRAME_WIDTH), cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
    fps = cap.get(cv2.CAP_PROP_FPS)
    cap.release()
    assert (n, size, round(fps)) == (6, (16.0, 16.0), 8)
    h2 = run(url, scaled_video(frames=4, prefix="video/scaled"))  # a second output never shares the first's name
    assert h2["outputs"]["4"]["images"][0]["filename"] == "scaled_00002_.mp4"


@pytest.mark.parametrize("node, name, value, kind", [
    ("2", "scale_by", 9.0, "value_bigger_than_max"), ("2", "scale_by", 0.0, "value_smaller_than_min"),
    ("2", "upscale_method", "magic", "value_not_in_list"), ("3", "fps", "abc", "invalid_input_type"),
    ("1", "batch_size", 0, "value_smaller_than_min")])
def test_a_value_outside_comfyuis_declared_range_is_refused_naming_node_and_input(served, node, name, value, kind):
    url, _ = served
    prompt = scaled_video()
    prompt[node]["inputs"][name] = value
    status, body = call(url, "/prompt", {"prompt": prompt})
    assert status == 400
    (err,) = body["node_errors"][node]["errors"]
    assert err["type"] == kind and err["extra_info"]["input_name"] == name


def test_a_prefix_leaving_the_output_folder_and_an_unread_chain_are_refused_naming_node_and_input(served):
    url, folder = served
    status, body = call(url, "/prompt", {"prompt": scaled_video(prefix="../../outside/ComfyUI")})
    assert status == 400 and body["node_errors"]["4"]["errors"][0]["extra_info"]["input_name"] == "filename_prefix"
    assert not (folder.parent / "outside").exists()
    unread = {"1": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 64, "batch_size": 1}},
              "2": {"class_type": "LatentUpscaleBy", "inputs": {"samples": ["1", 0], "scale_by": 2.0,
                                                                 "upscale_method": "nearest-exact"}},
              "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "x"}}}
    status, body = call(url, "/prompt", {"prompt": unread})
    assert status == 400 and body["node_errors"], body
    unread.pop("2")
    unread["3"]["inputs"]["images"] = ["1", 0]  # a LATENT on an IMAGE input
    status, body = call(url, "/prompt", {"prompt": unread})
    assert status == 400 and body["node_errors"]["3"]["errors"][0]["extra_info"]["input_name"] == "images"
    status, body = call(url, "/prompt", {"prompt": {"1": unread["1"]}})  # no output at all
    assert status == 400 and body["node_errors"]["1"]["errors"]


DEFAULT = {  # ComfyUI's default graph, as its page queues it
    "3": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 20, "cfg": 8, "sampler_name": "euler",
                                               "scheduler": "normal", "denoise": 1, "model": ["4", 0],
                                               "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["5", 0]}},
    "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "v1-5-pruned-emaonly-fp16.safetensors"}},
    "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 512, "batch_size": 1}},
    "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a bottle", "clip": ["4", 1]}},
    "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "text, watermark", "clip": ["4", 1]}},
    "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
    "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "ComfyUI", "images": ["8", 0]}}}


def test_the_pages_default_workflow_is_listed_and_refused_in_studios_words(served):
    url, _ = served
    status, info = call(url, "/object_info")
    assert status == 200
    for cls in ("CheckpointLoaderSimple", "CLIPTextEncode", "EmptyLatentImage", "KSampler", "VAEDecode", "SaveImage",
                "EmptySD3LatentImage", "ImageScale", "ImageBatch", "UpscaleModelLoader", "PrimitiveNode"):
        assert cls in info, cls
    assert info["ImageScaleBy"]["input"]["required"]["scale_by"][1] == {"default": 1.0, "min": 0.01, "max": 8.0,
                                                                      "step": 0.01}
    assert info["EmptyLTXVLatentVideo"]["input"]["required"]["length"][1]["min"] == 1
    assert info["SaveImage"]["output_node"] and info["ImageCompositeMasked"]["input"]["optional"] == {"mask": ["MASK"]}
    status, body = call(url, "/prompt", {"prompt": DEFAULT})
    text = str(body)
    assert status == 400 and body["node_errors"]["4"]["errors"][0]["extra_info"]["input_name"] == "ckpt_name"
    assert "v1-5-pruned-emaonly-fp16.safetensors" in text and "checkpoints/" in text and "never downloads" in text
    assert "pip install" not in text and "update ComfyUI" not in text


@pytest.mark.parametrize("cls, name", [("EmptyLTXVLatentVideo", "length"), ("EmptyLTXVLatentVideo", "width"),
                                       ("Wan22ImageToVideoLatent", "height"), ("EmptySD3LatentImage", "batch_size")])
def test_the_empty_latents_refuse_what_comfyui_declares_out_of_range(cls, name):
    from studio.serve.api.object_info import read_node
    from studio.serve.checks import validate
    from studio.serve.checks.refused import Refused
    ok = {k: v[1]["default"] for k, v in read_node(cls)["input"]["required"].items() if v[0] == "INT"}
    if cls == "Wan22ImageToVideoLatent":
        ok["vae"] = ["2", 0]
    vae = {"2": {"class_type": "VAELoader", "inputs": {"vae_name": "wan2.2_vae.safetensors"}}}
    for bad, kind in ((-5, "value_smaller_than_min"), (0, "value_smaller_than_min"), ("abc", "invalid_input_type"),
                      (10**9, "value_bigger_than_max")):
        with pytest.raises(Refused) as e:
            validate.check({"1": {"class_type": cls, "inputs": {**ok, name: bad}}, **vae}, read_node)
        (err,) = e.value.node_errors["1"]["errors"]
        assert (err["type"], err["extra_info"]["input_name"]) == (kind, name)
    validate.check({"1": {"class_type": cls, "inputs": ok}, **vae}, read_node)  # the declared defaults pass


def test_a_studio_save_image_from_the_page_is_named_after_its_own_path(served):
    url, _ = served
    prompt = {"1": {"class_type": "procedural.solid", "inputs": {"frames": 2, "fps": 8.0, "width": 16, "height": 16,
                                                                 "color": "#ff0000"}},
              "2": {"class_type": "io.save_image", "inputs": {"video": ["1", 0], "path": "ComfyUI_00001_.png"}}}
    h = run(url, prompt)
    names = [i["filename"] for i in h["outputs"]["2"]["images"]]
    assert len(names) == 2 and all(n.startswith("ComfyUI_") and n.count("_") == 2 for n in names), names


def test_an_upscalers_file_is_listed_from_upscale_models_and_a_missing_one_named_on_its_loader(served):
    url, folder = served
    prompt = {"1": {"class_type": "LoadImage", "inputs": {"image": "half.png"}},
              "2": {"class_type": "UpscaleModelLoader", "inputs": {"model_name": "4x-none.safetensors"}},
              "3": {"class_type": "ImageUpscaleWithModel", "inputs": {"upscale_model": ["2", 0], "image": ["1", 0]}},
              "4": {"class_type": "SaveImage", "inputs": {"images": ["3", 0], "filename_prefix": "up"}}}
    ups = folder.parent / "models" / "upscale_models"
    ups.mkdir(parents=True, exist_ok=True)
    (ups / "2x-here.safetensors").write_bytes(b"\0" * 16)
    status, body = call(url, "/prompt", {"prompt": prompt})
    err = body["node_errors"]["2"]["errors"][0]  # the page's own type; a second carries the same words
    assert status == 400 and err["extra_info"]["input_name"] == "model_name"
    assert "upscale_models/" in err["details"] and "2x-here.safetensors" in err["details"]
    listed = call(url, "/object_info/UpscaleModelLoader")[1]["UpscaleModelLoader"]["input"]["required"]["model_name"]
    assert listed[0] == ["2x-here.safetensors"]


def test_a_missing_picture_is_refused_naming_the_loader_and_its_image_input(served):
    url, _ = served
    status, body = call(url, "/prompt", {"prompt": load_save() | {"1": {"class_type": "LoadImage",
                                                                         "inputs": {"image": "nope.png"}}}})
    (err,) = body["node_errors"]["1"]["errors"]
    assert status == 400 and err["extra_info"]["input_name"] == "image" and "nope.png" in err["message"]


def test_a_scaled_batch_past_memory_is_refused_on_its_scale(served, monkeypatch):
    url, _ = served
    monkeypatch.setattr("studio.engine.model_cache.host_available", lambda: 500 * 2**20)
    status, body = call(url, "/prompt", {"prompt": scaled_video(frames=8, scale=8.0, size=512)})  # 25 MB, x8: 1.6 GB
    (err,) = body["node_errors"]["2"]["errors"]
    assert status == 400 and err["extra_info"]["studio_type"] == "job_too_large" and set(body["node_errors"]) == {"2"}, body


def test_two_outputs_of_one_prompt_never_share_a_name(served):
    url, folder = served
    prompt = scaled_video(frames=4, prefix="twice/v")
    prompt["5"] = {"class_type": "SaveVideo", "inputs": {"video": ["3", 0], "filename_prefix": "twice/v",
                                                         "format": "auto", "codec": "auto"}}
    h = run(url, prompt)
    names = sorted(h["outputs"][k]["images"][0]["filename"] for k in ("4", "5"))
    assert names == ["v_00001_.mp4", "v_00002_.mp4"]
    assert sorted(os.listdir(folder / "output" / "twice")) == names


def test_the_namer_gives_a_batch_its_numbers_and_never_a_name_twice(tmp_path):
    from studio.serve.files.names import OutputNames as Namer
    from studio.serve.checks.folders import Folders
    folders = Folders(str(tmp_path / "serve"))
    namer = Namer(folders)
    first = namer.name("ComfyUI", ".png")
    namer.more(first, 3)  # a Save Image of four frames: 1 to 4
    assert os.path.basename(first) == "ComfyUI_00001_.png"
    assert os.path.basename(namer.name("ComfyUI", ".png")) == "ComfyUI_00005_.png"
    (tmp_path / "serve" / "output" / "ComfyUI_00006_.mp4").write_bytes(b"")  # appeared since: passed over
    assert os.path.basename(namer.name("ComfyUI", ".mp4")) == "ComfyUI_00007_.mp4"
    # another folder: the name's one counter goes on (the page lists an output by its file's name)
    assert namer.name("video/ComfyUI", ".mp4").endswith(os.path.join("output", "video", "ComfyUI_00008_.mp4"))
    assert namer.name("ComfyUI_temp", ".png", "temp").endswith(os.path.join("temp", "ComfyUI_temp_00001_.png"))
    for bad in ("../x", "/etc/x", "a/../../x", ""):
        with pytest.raises(ValueError):
            namer.name(bad, ".png")


@pytest.mark.parametrize("cls, extra, ext", [
    ("SaveAnimatedWEBP", {"fps": 8.0, "lossless": False, "quality": 70, "method": "default"}, "webp"),
    ("SaveAnimatedPNG", {"fps": 8.0, "compress_level": 4}, "png")])
def test_an_animated_webp_or_png_is_written_as_comfyui_names_it_and_viewed(served, cls, extra, ext):
    """Task anim25: SaveAnimatedWEBP / SaveAnimatedPNG through /prompt write their format (not an MP4), named as
    ComfyUI names them, listed in /history as animated pictures and given by /view; the client's workflow is kept in
    the file where ComfyUI keeps it."""
    from PIL import Image
    url, folder = served
    prompt = {"1": {"class_type": "EmptyImage", "inputs": {"width": 16, "height": 16, "batch_size": 1, "color": 0}},
              "2": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}},
              "4": {"class_type": "ImageBatch", "inputs": {"image1": ["1", 0], "image2": ["2", 0]}},  # black, white
              "5": {"class_type": "ImageBatch", "inputs": {"image1": ["4", 0], "image2": ["4", 0]}},  # (Pillow merges
              "3": {"class_type": cls, "inputs": {"images": ["5", 0], "filename_prefix": f"anim/{ext}", **extra}}}
    h = run(url, prompt)  # a frame the same as the one before into it, as in ComfyUI's files: these differ)
    (item,) = h["outputs"]["3"]["images"]
    assert item["subfolder"] == "anim" and item["filename"] == f"{ext}_00001_.{ext}" and item["type"] == "output"
    assert h["outputs"]["3"]["animated"] == [True]  # as ComfyUI answers an animation
    path = folder / "output" / "anim" / item["filename"]
    with Image.open(path) as im:
        assert (im.format, im.n_frames, im.size) == (ext.upper(), 4, (16, 16))
        im.seek(1)
        im.load()
        assert im.info["duration"] == 125 and im.convert("RGB").getpixel((3, 3)) == (255, 255, 255)
        meta = im.text.get("prompt", "") if ext == "png" else str(im.getexif().get(0x0110, ""))
    assert cls in meta  # the client's prompt, where ComfyUI keeps it ('prompt' text, a WEBP's EXIF Model)
    status, body = call(url, f"/view?filename={item['filename']}&subfolder=anim&type=output")
    assert status == 200 and body == path.read_bytes()


def test_a_webm_is_written_as_vp9_and_viewed(served):
    """Task anim25: SaveWEBM through /prompt writes a VP9 WEBM named as ComfyUI names it, listed as animated."""
    from studio.engine.media import probe
    url, folder = served
    prompt = {"1": {"class_type": "EmptyImage", "inputs": {"width": 16, "height": 16, "batch_size": 3, "color": 0}},
              "3": {"class_type": "SaveWEBM", "inputs": {"images": ["1", 0], "filename_prefix": "anim/w",
                                                         "codec": "vp9", "fps": 8.0, "crf": 30.0}}}
    h = run(url, prompt)
    (item,) = h["outputs"]["3"]["images"]
    assert item["filename"] == "w_00001_.webm" and h["outputs"]["3"]["animated"] == [True]
    info = probe(str(folder / "output" / "anim" / item["filename"]))
    assert (info["codec"], info["frames"], round(info["fps"])) == ("vp9", 3, 8)
    status, body = call(url, f"/view?filename={item['filename']}&subfolder=anim&type=output")
    assert status == 200 and len(body) > 0
