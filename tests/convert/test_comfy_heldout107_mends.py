"""heldout107's mends, each on a small workflow written here from the facts of the set's files (not the files):
05 an app's template whose one video node no pack Studio reads makes the take and whose prompts another unread node
writes (held with nothing made: not said to hold its inputs); 03 a RunPod request body sending the Load Image's picture
beside its workflow, by web address or as base64 text."""
from __future__ import annotations

import base64
import struct
import zlib

from studio.convert.mapping.convert import convert
from tests.convert.said import api, said


def _template() -> dict:
    """An LTX text encoder's two prompts each written by a node no pack declares (an LLM prompt writer), given to a
    video node no pack declares whose frames CreateVideo and SaveVideo write (heldout107 05's shape, own values)."""
    return api({
        "2": ("CLIPLoader", {"clip_name": "gemma_3_12B_it.safetensors", "type": "ltxv", "device": "default"}),
        "3": ("AppPromptWriter", {"prompt": "", "model": "llm-small"}),
        "4": ("AppPromptWriter", {"prompt": "", "model": "llm-small"}),
        "7": ("CLIPTextEncode", {"text": ["3", 0], "clip": ["2", 0]}),
        "8": ("CLIPTextEncode", {"text": ["4", 0], "clip": ["2", 0]}),
        "6": ("AppAllInOneVideo", {"width": 960, "height": 544, "num_frames": 121, "steps": 30,
                                   "positive": ["7", 0], "negative": ["8", 0]}),
        "23": ("CreateVideo", {"fps": 24, "images": ["6", 0]}),
        "25": ("SaveVideo", {"filename_prefix": "video/app", "format": "auto", "codec": "auto", "video": ["23", 0]}),
    })


def test_a_held_task_with_nothing_made_is_not_said_to_hold_its_inputs():
    conv = convert(_template(), "template")
    text = said(conv)
    assert not conv.graph.nodes
    assert "instead holds its inputs" not in text
    assert "the graph holds none of its inputs (" in text and "written by another node" in text


def _png() -> bytes:
    """A 1x1 PNG, made here."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x10\x20\x30")) + chunk(b"IEND", b""))


def _request(image: str) -> dict:
    """A RunPod request body: the API workflow under input.workflow (a picture loaded as 'input.png', scaled and
    previewed), the picture in input.images (heldout107 03's shape)."""
    workflow = api({
        "10": ("LoadImage", {"image": "input.png"}),
        "11": ("ImageScale", {"upscale_method": "lanczos", "width": 64, "height": 64, "crop": "disabled",
                              "image": ["10", 0]}),
        "12": ("PreviewImage", {"images": ["11", 0]}),
    })
    return {"input": {"workflow": workflow, "images": [{"name": "input.png", "image": image}]}}


def test_a_requests_picture_by_web_address_is_said_with_where_to_save_it():
    conv = convert(_request("https://example.com/pictures/p.jpg"), "request")
    text = said(conv)
    assert "the request sends the picture 'input.png' (read by 'LoadImage' (LoadImage, #10)) as the web address " \
           "'https://example.com/pictures/p.jpg'" in text
    assert "save that picture beside the workflow as 'input.png'" in text
    assert "input.png" not in conv.pictures


def test_a_requests_picture_as_base64_is_written_beside_the_graph_under_its_name():
    raw = _png()
    conv = convert(_request("data:image/png;base64," + base64.b64encode(raw).decode()), "request")
    assert conv.pictures.get("input.png") == raw
    assert "as base64 text: decoded (PNG" in said(conv)


def test_a_held_task_whose_file_another_output_loaded_still_holds_it():
    """Two outputs of a pack's inpainting sampler Studio cannot convert, made from one loaded clip: the second's loader
    is the first's Studio node (nothing new made for it), and its sentence still says the graph holds its input (the
    corpus's DiffuEraser example, which a first version of the mend said held none)."""
    clip = {"video": "street.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0, "frame_load_cap": 0,
            "skip_first_frames": 0, "select_every_nth": 1, "format": "None"}
    sampler = {"model": ["7", 0], "conditioning": ["6", 0], "fps": 24.0, "video_length": 10, "mask_dilation_iter": 8,
               "neighbor_length": 10, "subvideo_length": 50}
    save = {"format": "auto", "codec": "auto"}
    conv = convert(api({
        "18": ("VHS_LoadVideo", clip),
        "6": ("DiffuEraser_PreData", {"seg_repo": "briaai/RMBG-2.0", "images": ["18", 0]}),
        "7": ("Propainter_Loader", {"propainter": "ProPainter.pth", "flow": "recurrent_flow_completion.pth",
                                    "fix_raft": "raft-things.pth", "device": "cpu"}),
        "9": ("Propainter_Sampler", {**sampler, "ref_stride": 10}),
        "16": ("CreateVideo", {"fps": 24, "images": ["9", 1]}),
        "17": ("SaveVideo", {**save, "filename_prefix": "video/a", "video": ["16", 0]}),
        "29": ("Propainter_Sampler", {**sampler, "ref_stride": 5}),
        "26": ("CreateVideo", {"fps": 24, "images": ["29", 1]}),
        "27": ("SaveVideo", {**save, "filename_prefix": "video/b", "video": ["26", 0]}),
    }), "two")
    text = said(conv)
    assert "holds none of its inputs" not in text
    assert "holds its inputs (video 'street.mp4')" in text
