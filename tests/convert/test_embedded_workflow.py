"""A ComfyUI workflow carried inside a file ComfyUI wrote (reading/embedded.py), as artists share one: a PNG's text
chunks (SaveImage: tEXt, and iTXt / zTXt as other writers use), a WebP's EXIF strings (SaveAnimatedWEBP), a video's
container tags (SaveVideo: 'workflow' / 'prompt'; Video Combine: both inside 'comment'), a sound's tags (SaveAudio);
the UI workflow taken before the API prompt; a file carrying none refused in one line; a clip Studio rendered opened as
its own graph, not converted. The files are made here with Pillow and PyAV, their metadata as those nodes write it."""
from __future__ import annotations

import json

import av
import numpy as np
import pytest
from PIL import Image, PngImagePlugin

from studio.convert.mapping.file import convert_file, is_comfy_file, read_document
from studio.convert.reading import embedded
from studio.convert.reading.workflow import WorkflowError

PROMPT = {"1": {"class_type": "LoadImage", "inputs": {"image": "cat.png"}},
          "2": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}},
          "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "inv"}}}
UI = {"last_node_id": 2, "last_link_id": 1, "version": 0.4, "links": [[1, 1, 0, 2, 0, "IMAGE"]],
      "nodes": [{"id": 1, "type": "LoadImage", "mode": 0, "widgets_values": ["dog.png", "image"],
                 "inputs": [], "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [1]}]},
                {"id": 2, "type": "SaveImage", "mode": 0, "widgets_values": ["ui"],
                 "inputs": [{"name": "images", "type": "IMAGE", "link": 1}], "outputs": []}]}


def _paths(conv) -> set:
    return {n.params.get("path") for n in conv.graph.nodes.values() if n.type_id == "io.load_image"}


def _png(path, **chunks) -> str:
    info = PngImagePlugin.PngInfo()
    for k, (v, kind) in chunks.items():
        if kind == "itxt":
            info.add_itxt(k, v, zip=True)
        elif kind == "ztxt":
            info.add_text(k, v, zip=True)
        else:
            info.add_text(k, v)
    Image.new("RGB", (8, 8), (200, 10, 10)).save(path, pnginfo=info)
    return str(path)


def test_a_png_saved_by_saveimage_opens_as_its_ui_workflow_before_its_prompt(tmp_path):
    p = _png(tmp_path / "ComfyUI_00001_.png", prompt=(json.dumps(PROMPT), "text"), workflow=(json.dumps(UI), "text"))
    assert is_comfy_file(p)
    assert embedded.read(p)[1] == "workflow"
    conv = convert_file(p)
    assert _paths(conv) == {"dog.png"}  # the UI workflow's, not the prompt's
    assert conv.graph.base_dir == str(tmp_path)


@pytest.mark.parametrize("kind", ["itxt", "ztxt"])
def test_a_png_s_compressed_text_chunks_are_read_and_a_prompt_alone_is_the_api_workflow(tmp_path, kind):
    p = _png(tmp_path / "x.png", prompt=(json.dumps(PROMPT), kind))
    doc = read_document(p)
    assert doc == PROMPT and _paths(convert_file(p)) == {"cat.png"}


def test_an_animated_webp_s_exif_strings_as_saveanimatedwebp_writes_them(tmp_path):
    frames = [Image.new("RGB", (8, 8), (i * 40, 0, 0)) for i in range(3)]
    exif = frames[0].getexif()
    exif[0x0110] = "prompt:" + json.dumps(PROMPT)
    exif[0x010F] = "workflow:" + json.dumps(UI)
    p = str(tmp_path / "anim.webp")
    frames[0].save(p, save_all=True, append_images=frames[1:], duration=100, exif=exif, lossless=True)
    assert is_comfy_file(p) and embedded.read(p)[1] == "workflow"
    assert _paths(convert_file(p)) == {"dog.png"}


def _video(path, tags: dict, options=None) -> str:
    with av.open(str(path), "w", options=options or {}) as c:
        c.metadata.update(tags)
        s = c.add_stream("mpeg4", rate=8)
        s.width, s.height, s.pix_fmt = 16, 16, "yuv420p"
        for i in range(2):
            frame = av.VideoFrame.from_ndarray(np.full((16, 16, 3), i * 60, np.uint8), format="rgb24")
            for pkt in s.encode(frame):
                c.mux(pkt)
        for pkt in s.encode():
            c.mux(pkt)
    return str(path)


def test_a_video_s_tags_savevideo_s_and_video_combine_s_comment(tmp_path):
    saved = _video(tmp_path / "save.mp4", {"prompt": json.dumps(PROMPT), "workflow": json.dumps(UI)},
                   {"movflags": "use_metadata_tags"})
    assert is_comfy_file(saved) and _paths(convert_file(saved)) == {"dog.png"}
    combined = _video(tmp_path / "combine.mp4", {"comment": json.dumps({"prompt": json.dumps(PROMPT)})})
    assert read_document(combined) == PROMPT  # Video Combine's prompt: JSON text inside the comment's JSON


def test_a_sound_s_tags_as_saveaudio_writes_them(tmp_path):
    p = str(tmp_path / "ComfyUI_00001_.flac")
    with av.open(p, "w") as c:
        c.metadata.update({"prompt": json.dumps(PROMPT)})
        s = c.add_stream("flac", rate=8000, layout="mono")
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 800), np.int16), format="s16", layout="mono")
        frame.sample_rate = 8000
        for pkt in s.encode(frame):
            c.mux(pkt)
        for pkt in s.encode():
            c.mux(pkt)
    assert is_comfy_file(p) and read_document(p) == PROMPT


def test_a_file_carrying_no_workflow_or_a_studio_graph_is_not_converted(tmp_path):
    plain = _png(tmp_path / "photo.png")
    assert not is_comfy_file(plain)
    with pytest.raises(WorkflowError, match="'photo.png' is not a workflow: it carries no ComfyUI workflow"):
        convert_file(plain)
    bad = _png(tmp_path / "bad.png", workflow=("{not json", "text"))
    with pytest.raises(WorkflowError, match="its 'workflow' metadata is not a workflow's JSON"):
        convert_file(bad)
    fake = tmp_path / "fake.png"
    fake.write_bytes(b"GIF89a not a png")
    with pytest.raises(WorkflowError, match="not a PNG picture"):
        convert_file(str(fake))
    rendered = _video(tmp_path / "studio.mp4", {"studio_graph": json.dumps({"format": "studio"}),
                                                "workflow": json.dumps(UI)}, {"movflags": "use_metadata_tags"})
    assert not is_comfy_file(rendered)  # opened as the Studio graph it carries (files.open_path)


def test_only_the_workflow_s_text_chunks_are_inflated_and_a_huge_one_is_refused(tmp_path):
    import struct
    import zlib
    p = tmp_path / "bomb.png"
    Image.new("RGB", (4, 4)).save(p)
    raw = p.read_bytes()
    bomb = zlib.compress(b"\0" * (80 * 1024 * 1024), 9)  # inflates past the graph files' limit
    chunk = b"prompt\0\0" + bomb
    blob = struct.pack(">I", len(chunk)) + b"zTXt" + chunk + struct.pack(">I", zlib.crc32(b"zTXt" + chunk))
    p.write_bytes(raw[:-12] + blob + raw[-12:])  # before IEND
    with pytest.raises(WorkflowError, match="not a workflow"):
        convert_file(str(p))


def test_a_queued_or_rendered_comfyui_output_is_a_job_of_the_workflow_it_carries(tmp_path):
    from studio.queue.make import job_from_file
    p = _png(tmp_path / "ComfyUI_00003_.png", prompt=(json.dumps(PROMPT), "text"))
    job = job_from_file(p)
    assert job.title == "ComfyUI_00003_.png" and job.source == "comfy-api"
    assert [n["type"] for n in job.graph["nodes"]] == ["io.load_image", "transform.invert", "io.save_image"]
