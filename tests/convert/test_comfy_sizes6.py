"""Sizes measured from a picture on the way to a generator (issue 112, sizes6): worked out when converting where the
picture is a file the workflow loads and the file lies beside the workflow (its header read, nothing run), said
"cannot work out" where it is not; and a resize's setting overridden by a wired '<setting>_input' read from the
wire, never from its stale saved value (heldout35 03 / 36 16's shapes, KJNodes' ImageResizeKJ width_input)."""
from __future__ import annotations

import json
import struct
import zlib

from studio.convert.mapping.convert import convert
from studio.convert.mapping.file import convert_file
from studio.convert.reading import picture_header
from tests.convert.said import said
from tests.convert.test_comfy_fit_resize import _i2v, _scale
from tests.convert.test_comfy_heldout4_mends import _generator


def _png(w: int, h: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + b"\x00" * 3 * w for _ in range(h))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + \
        chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _jpeg(w: int, h: int) -> bytes:
    """A JPEG's start and its frame header after an APP1 segment (as a camera's EXIF comes first)."""
    app1 = b"\xff\xe1" + struct.pack(">H", 2 + 300) + b"Exif\x00\x00" + b"\x00" * 294
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, h, w, 3) + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    return b"\xff\xd8" + app1 + sof0 + b"\xff\xda\x00\x0c" + b"\x00" * 10 + b"\xff\xd9"


def _half_of_the_picture() -> dict:
    """Wan image to video whose latent is half the loaded picture's size: an EmptyImage of the picture's size
    (GetImageSize #48 of #40's 'portrait.png'), scaled x0.5 (#47), measured (#46): heldout35 03's first stage."""
    wf = _i2v({"class_type": "GetImageSize", "inputs": {"image": ["40", 0]}}, ["40", 0])
    wf["48"] = {"class_type": "GetImageSize", "inputs": {"image": ["40", 0]}}
    wf["49"] = {"class_type": "EmptyImage", "inputs": {"width": ["48", 0], "height": ["48", 1], "batch_size": 1,
                                                       "color": 0}}
    wf["47"] = {"class_type": "ImageScaleBy", "inputs": {"image": ["49", 0], "upscale_method": "bicubic",
                                                         "scale_by": 0.5}}
    wf["46"] = {"class_type": "GetImageSize", "inputs": {"image": ["47", 0]}}
    wf["42"]["inputs"].update(width=["46", 0], height=["46", 1])
    del wf["41"]
    return wf


def _written(tmp_path, wf: dict, pictures: dict[str, bytes]) -> str:
    for name, raw in pictures.items():
        (tmp_path / name).write_bytes(raw)
    path = tmp_path / "workflow.json"
    path.write_text(json.dumps(wf))
    return str(path)


def test_a_size_measured_of_a_loaded_picture_beside_the_workflow_is_worked_out_from_its_header(tmp_path):
    conv = convert_file(_written(tmp_path, _half_of_the_picture(), {"portrait.png": _png(1280, 720)}))
    gen = _generator(conv)
    assert (gen.params["width"], gen.params["height"]) == (640, 360)  # half the picture's 1280x720
    text = said(conv)
    assert ("'LoadImage' (LoadImage, #40) loads 'portrait.png', found beside the workflow: its size, 1280x720, read "
            "from the file's header, is the size the values measured of that picture are worked out from when "
            "converting") in text
    assert "cannot work out" not in text
    (tmp_path / "elsewhere").mkdir()  # the same workflow without the file beside it: said, no number made up
    conv = convert_file(_written(tmp_path / "elsewhere", _half_of_the_picture(), {}))
    gen = _generator(conv)
    assert (gen.params["width"], gen.params["height"]) == (0, 0)
    text = said(conv)
    assert ("'GetImageSize' (GetImageSize, #46), 0.5 times the size of the picture 'LoadImage' (LoadImage, #40) loads "
            "('portrait.png': not found beside the workflow), which Studio gives the generator's 'image' through "
            "Studio's Scale x0.5") in text  # (the relation kept: clipheader6; test_comfy_clipheader6)
    assert "read from the file's header" not in text


def test_a_measured_size_summed_by_a_math_node_is_worked_out_from_a_jpeg_beside_the_workflow(tmp_path):
    """heldout36 16's shape: each side (round(side / shorter x 512) // 16) x 16 of the loaded picture's size."""
    wf = _i2v({"class_type": "GetImageSize", "inputs": {"image": ["40", 0]}}, ["40", 0])
    wf["45"] = {"class_type": "PrimitiveInt", "inputs": {"value": 512}}
    for k, side in (("43", "a"), ("44", "b")):
        wf[k] = {"class_type": "MathExpression|pysssss", "inputs": {
            "expression": f"(round({side} / min(a,b) * c) // 16) * 16", "a": ["41", 0], "b": ["41", 1],
            "c": ["45", 0]}}
    wf["42"]["inputs"].update(width=["43", 0], height=["44", 0])
    wf["40"]["inputs"]["image"] = "photo.jpg [input]"  # (ComfyUI's annotation of its input folder)
    conv = convert_file(_written(tmp_path, wf, {"photo.jpg": _jpeg(1280, 720)}))
    gen = _generator(conv)
    assert (gen.params["width"], gen.params["height"]) == (896, 512)
    assert "its size, 1280x720, read from the file's header" in said(conv)


def test_the_header_reader_reads_the_formats_and_refuses_names_outside_the_folder(tmp_path):
    assert picture_header.size_in(_png(33, 17)) == (33, 17)
    assert picture_header.size_in(_jpeg(4000, 3000)) == (4000, 3000)
    assert picture_header.size_in(b"GIF89a" + struct.pack("<HH", 320, 200) + b"\x00" * 8) == (320, 200)
    vp8x = b"RIFF" + b"\x00" * 4 + b"WEBPVP8X" + b"\x0a\x00\x00\x00" + b"\x00" * 4 + \
        (1919).to_bytes(3, "little") + (1079).to_bytes(3, "little")
    assert picture_header.size_in(vp8x) == (1920, 1080)
    bmp = b"BM" + b"\x00" * 12 + struct.pack("<Iii", 40, 64, -48)
    assert picture_header.size_in(bmp) == (64, 48)
    assert picture_header.size_in(b"not a picture at all, just some text") is None
    (tmp_path / "x.png").write_bytes(_png(8, 8))
    folder = str(tmp_path / "wf")
    (tmp_path / "wf").mkdir()
    for name in ("../x.png", str(tmp_path / "x.png"), "https://host/x.png", "x.png [output]", ""):
        assert picture_header.beside(folder, name) is None, name
    assert picture_header.size_of(picture_header.beside(str(tmp_path), "x.png [input]")) == (8, 8)
    assert picture_header.size_of(str(tmp_path / "missing.png")) is None


def _kj_input(width_input: list, height_input: list) -> dict:
    """Wan image to video sized by KJNodes' ImageResizeKJ (a release with 'width_input' / 'height_input'),
    stretching the start image; its saved width and height 512x512, its inputs wired."""
    resize = {"class_type": "ImageResizeKJ", "inputs": {
        "image": ["40", 0], "width": 512, "height": 512, "upscale_method": "lanczos", "keep_proportion": False,
        "divisible_by": 8, "crop": "disabled", "width_input": width_input, "height_input": height_input}}
    wf = _i2v(resize, ["41", 0])
    wf["44"] = {"class_type": "PrimitiveInt", "inputs": {"value": 832}}
    wf["45"] = {"class_type": "PrimitiveInt", "inputs": {"value": 480}}
    wf["46"] = {"class_type": "GetImageSize", "inputs": {"image": ["40", 0]}}
    return wf


def test_a_resize_side_wired_to_its_override_input_takes_the_wire_not_its_stale_saved_value():
    conv = convert(_kj_input(["44", 0], ["45", 0]), "kj override")
    scale, gen = _scale(conv), _generator(conv)
    assert (scale.params["width"], scale.params["height"]) == (832, 480)  # was the saved 512x512
    assert (gen.params["width"], gen.params["height"]) in ((832, 480), (0, 0))
    assert "512x512" not in said(conv)


def test_an_override_input_wired_to_a_value_not_known_is_not_read_as_the_saved_size():
    conv = convert(_kj_input(["46", 0], ["46", 1]), "kj unknown")
    scales = [n for n in conv.graph.nodes.values() if n.type_id == "transform.scale"]
    assert all((n.params.get("width"), n.params.get("height")) != (512, 512) for n in scales)
    gen = _generator(conv)
    assert (gen.params["width"], gen.params["height"]) != (512, 512)
    assert "512x512" not in said(conv)


def _director(tmp_path, size: tuple[int, int], method: str, box: tuple[int, int]) -> tuple[list[str], dict]:
    """An LTX Director (its timeline's first image 'a.png' at frame 0) whose size is that image's, fitted by
    ``method`` into ``box``; the picture written beside the workflow at ``size``."""
    import base64

    from nodes.video_models.families.ltx2.comfy_director import translate
    from tests.convert.test_comfy_ltx2_director import TIMELINE, _wf
    (tmp_path / "a.png").write_bytes(_png(*size))
    wf = _wf([0, 4, 4, 0, 96, 96, json.dumps(TIMELINE), "", "96", 0.001, "1.00", True, True, True, 25, "frames",
              box[0], box[1], method, 32, 18, False, ""])
    wf.folder = str(tmp_path)
    said_ = translate(wf)
    b64 = dict(TIMELINE, segments=[{"start": 0, "length": 48, "type": "image",
                                    "imageB64": "data:image/png;base64," + base64.b64encode(_png(*size)).decode()}])
    held = _wf([0, 4, 4, 0, 96, 96, json.dumps(b64), "", "96", 0.001, "1.00", True, True, True, 25, "frames",
                box[0], box[1], method, 32, 18, False, ""])
    translate(held)  # (no folder: the picture given as base64 text in the timeline)
    return said_, {"file": wf.nodes["10.latent"].widgets, "b64": held.nodes["10.latent"].widgets}


def test_the_directors_maintained_aspect_size_is_worked_out_from_its_first_image_beside_the_workflow(tmp_path):
    """heldout37 07: 'maintain aspect ratio' in 720x1280 of a 1920x1080 picture: 720 x int(1080 x 0.375) = 405,
    each side down to 32: 704x384 (was "not read; set the generator's width and height")."""
    said_, lat = _director(tmp_path, (1920, 1080), "maintain aspect ratio", (720, 1280))
    for widgets in lat.values():
        assert (widgets["width"], widgets["height"]) == (704, 384)
    assert any("size is its first image's (fitted to 720x1280, maintain aspect ratio): 'a.png', found beside the "
               "workflow, is 1920x1080 (read from the file's header), so the take is 704x384" in x for x in said_)
    assert said_[0].startswith("'LTXDirector' (LTXDirector, #10)'s timeline is read: 97 frames at 25 fps, 704x384, ")
    assert not any("not read; set the generator's width" in x for x in said_)


def test_the_directors_own_size_of_its_first_image_is_snapped_not_called_the_packs_default(tmp_path):
    said_, lat = _director(tmp_path, (1000, 700), "maintain aspect ratio", (0, 0))
    # fitted inside its own size snapped (992x672): ratio min(0.992, 0.96), int(1000 x 0.96) = 960, 672
    assert (lat["file"]["width"], lat["file"]["height"]) == (960, 672)
    assert not any("the pack's size where no image or size is given" in x for x in said_)


def test_a_node_working_a_size_out_by_its_settings_is_no_measure_of_its_picture(tmp_path):
    """A bucket finder (FramePackFindNearestBucket: an IMAGE in, width and height out, and a 'base_resolution'
    setting) gives a size of its own, not its picture's: with the picture at hand it was read as 1280x720."""
    wf = _i2v({"class_type": "FramePackFindNearestBucket", "inputs": {"image": ["40", 0], "base_resolution": 640}},
              ["40", 0])
    wf["42"]["inputs"].update(width=["41", 0], height=["41", 1])
    conv = convert_file(_written(tmp_path, wf, {"portrait.png": _png(1280, 720)}))
    gen = _generator(conv)
    assert (gen.params["width"], gen.params["height"]) != (1280, 720)
    assert "'FramePackFindNearestBucket' (FramePackFindNearestBucket, #41)" in said(conv)
    assert "cannot work out" in said(conv)


def test_the_file_a_size_is_measured_of_is_named_only_where_it_is_not_at_hand(tmp_path):
    from studio.convert.reading import measured_file
    from studio.convert.reading.workflow import Workflow
    wf = Workflow.read({"1": {"class_type": "LoadImage", "inputs": {"image": "x.png"}},
                        "2": {"class_type": "ImageScaleBy", "inputs": {"image": ["1", 0], "upscale_method": "area",
                                                                       "scale_by": 0.5}}})
    wf.folder = str(tmp_path)
    assert measured_file.words(wf, wf.nodes["2"]) == (", 0.5 times the size of the picture 'LoadImage' (LoadImage, #1) "
                                                      "loads ('x.png': not found beside the workflow)")  # (clipheader6)
    wf.nodes["2"].links["scale_by"] = ("9", 0)  # a factor wired from a node not there: the file named alone
    assert measured_file.words(wf, wf.nodes["2"]) == \
        ", made from the picture 'LoadImage' (LoadImage, #1) loads ('x.png': not found beside the workflow)"
    del wf.nodes["2"].links["scale_by"]
    (tmp_path / "x.png").write_bytes(_png(16, 8))
    assert measured_file.words(wf, wf.nodes["2"]) == ""  # (there: whatever is not worked out is not for want of it)
    wf.folder = str(tmp_path / "elsewhere")
    assert measured_file.words(wf, wf.nodes["1"]) == " ('x.png': not found beside the workflow)"
    wf.folder = None  # (converted from memory: no file looked for, nothing said of one)
    assert measured_file.words(wf, wf.nodes["1"]) == ""
