"""ComfyUI's core mask nodes and Stitch Images through `main.py serve`'s /prompt (issue 112 "What to build" 2 and 3):
LoadImage -> ImageStitch -> SaveImage, ImageToMask -> GrowMask -> MaskToImage -> SaveImage and an
ImageCompositeMasked of a SolidMask-made mask run and write the pixels ComfyUI makes; /object_info declares them as
ComfyUI does (from the catalogue) and a value outside a declared range is refused naming its node and input."""
from __future__ import annotations

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


def saved(url: str, folder, prompt: dict, save: str) -> np.ndarray:
    status, body = call(url, "/prompt", {"prompt": prompt})
    assert status == 200, body
    h = wait_history(url, body["prompt_id"])
    assert h["status"]["status_str"] == "success", h["status"]
    (item,) = h["outputs"][save]["images"]
    return cv2.imread(str(folder / "output" / item["subfolder"] / item["filename"]))[..., ::-1]


def test_image_stitch_down_with_spacing(served):
    url, folder = served
    got = saved(url, folder, {
        "1": {"class_type": "LoadImage", "inputs": {"image": "half.png", "upload": "image"}},
        "2": {"class_type": "ImageStitch", "inputs": {"image1": ["1", 0], "image2": ["1", 0], "direction": "down",
                                                      "match_image_size": True, "spacing_width": 2,
                                                      "spacing_color": "blue"}},
        "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "stitch/s"}}}, "3")
    assert got.shape == (6 + 2 + 6, 10, 3)
    assert tuple(got[0, 0]) == (255, 0, 0) and tuple(got[0, 9]) == (0, 0, 0)
    assert (got[6:8] == (0, 0, 255)).all() and tuple(got[13, 0]) == (255, 0, 0)


def test_image_to_mask_grown_made_an_image_again(served):
    url, folder = served
    got = saved(url, folder, {
        "1": {"class_type": "LoadImage", "inputs": {"image": "half.png", "upload": "image"}},
        "2": {"class_type": "ImageToMask", "inputs": {"image": ["1", 0], "channel": "red"}},
        "3": {"class_type": "GrowMask", "inputs": {"mask": ["2", 0], "expand": 2, "tapered_corners": False}},
        "4": {"class_type": "MaskToImage", "inputs": {"mask": ["3", 0]}},
        "5": {"class_type": "SaveImage", "inputs": {"images": ["4", 0], "filename_prefix": "mask/m"}}}, "5")
    want = np.zeros((6, 10), np.uint8)
    want[:, :7] = 255  # the red half's 5 columns grown by 2
    assert got.shape == (6, 10, 3) and (got[..., 0] == want).all() and (got[..., 2] == want).all()


def test_image_composite_masked_by_a_solid_mask(served):
    url, folder = served
    got = saved(url, folder, {
        "1": {"class_type": "LoadImage", "inputs": {"image": "half.png", "upload": "image"}},
        "2": {"class_type": "EmptyImage", "inputs": {"width": 16, "height": 16, "batch_size": 1, "color": 0x00FF00}},
        "3": {"class_type": "SolidMask", "inputs": {"value": 0.5, "width": 10, "height": 6}},
        "4": {"class_type": "ImageCompositeMasked", "inputs": {"destination": ["2", 0], "source": ["1", 0], "x": 3,
                                                               "y": 4, "resize_source": False, "mask": ["3", 0]}},
        "5": {"class_type": "SaveImage", "inputs": {"images": ["4", 0], "filename_prefix": "comp/c"}}}, "5")
    want = np.zeros((16, 16, 3), np.float32)
    want[...] = (0, 255, 0)
    want[4:10, 3:8] = (127.5, 127.5, 0)  # half the red half over the green
    want[4:10, 8:13] = (0, 127.5, 0)  # half the black half
    assert got.shape == (16, 16, 3) and np.abs(got - want).max() <= 1


def test_declared_from_the_catalogue_and_a_value_past_its_range_refused(served):
    url, _ = served
    status, info = call(url, "/object_info")
    assert status == 200
    assert info["GrowMask"]["input"]["required"]["expand"][1] == {"default": 0, "min": -16384, "max": 16384,
                                                                  "step": 1}
    assert info["ImageStitch"]["input"]["optional"] == {"image2": ["IMAGE"]}
    assert info["ImageStitch"]["input"]["required"]["direction"][0] == ["right", "down", "left", "up"]
    status, body = call(url, "/prompt", {"prompt": {
        "1": {"class_type": "LoadImage", "inputs": {"image": "half.png", "upload": "image"}},
        "2": {"class_type": "ImageToMask", "inputs": {"image": ["1", 0], "channel": "red"}},
        "3": {"class_type": "ThresholdMask", "inputs": {"mask": ["2", 0], "value": 1.5}},
        "4": {"class_type": "MaskToImage", "inputs": {"mask": ["3", 0]}},
        "5": {"class_type": "SaveImage", "inputs": {"images": ["4", 0], "filename_prefix": "t"}}}})
    assert status == 400 and body["node_errors"]["3"]["errors"][0]["extra_info"]["input_name"] == "value"
