"""A clip's size, frame count and rate read from its container's header when the clip a video loader loads lies
beside the workflow (issue 112, clipheader6), carried through the loader's own settings to the values measured of
its frames (GetImageSizeAndCount, GetImageSize, VideoHelperSuite's Video Info, GetVideoComponents' fps); and a
node's values said each with the input it goes to (mapping/passing.py). The clips are written into tmp_path by
Studio's own writer; the workflows are built here."""
from __future__ import annotations

import json

import numpy as np

from nodes.edit.resample_rate import forced_picks
from studio.convert.mapping import passing
from studio.convert.mapping.convert import convert
from studio.convert.mapping.file import convert_file
from studio.convert.reading.workflow import Workflow
from studio.engine.clip import ArrayClip
from studio.engine.media import write_video
from tests.convert.said import api, said
from tests.convert.test_comfy_fit_resize import _i2v
from tests.convert.test_comfy_heldout4_mends import _generator
from tests.convert.test_comfy_sizes6 import _half_of_the_picture


def _clip(path, n: int = 20, w: int = 64, h: int = 48, fps: float = 24.0) -> None:
    write_video(str(path), ArrayClip(np.zeros((n, h, w, 3), np.float32), fps))


def _vhs(name: str = "dance.mp4", **settings) -> dict:
    inputs = {"video": name, "force_rate": 0, "custom_width": 0, "custom_height": 0, "frame_load_cap": 0,
              "skip_first_frames": 0, "select_every_nth": 1, "format": "None"}
    return {"class_type": "VHS_LoadVideo", "inputs": {**inputs, **settings}}


def _measured_clip(loader: dict) -> dict:
    """Wan image to video whose width, height and length are GetImageSizeAndCount (#41) of a video loader's (#40)
    frames."""
    wf = _i2v({"class_type": "GetImageSizeAndCount", "inputs": {"image": ["40", 0]}}, ["41", 0])
    wf["40"] = loader
    wf["42"]["inputs"]["length"] = ["41", 3]
    return wf


def _converted(folder, wf: dict):
    folder.mkdir(exist_ok=True)
    path = folder / "workflow.json"
    path.write_text(json.dumps(wf))
    conv = convert_file(str(path))
    gen = _generator(conv)
    return conv, (gen.params["width"], gen.params["height"], gen.params["frames"])


def test_a_clip_beside_the_workflow_gives_the_size_and_count_its_loader_loads(tmp_path):
    _clip(tmp_path / "dance.mp4")  # 20 frames of 64x48 at 24 fps
    wf = _measured_clip(_vhs(force_rate=12, skip_first_frames=2))
    conv, got = _converted(tmp_path, wf)
    # read at 12 fps, the first 2 dropped: 8 frames, a length Wan's latent holds as 5 (heldout73's latent_frames)
    assert len(forced_picks(20, 24.0, 12.0)) - 2 == 8 and got == (64, 48, 5)
    assert ("'VHS_LoadVideo' (VHS_LoadVideo, #40) loads 'dance.mp4', found beside the workflow: its header gives "
            "64x48, 20 frames at 24 fps; by its own settings (force_rate 12, skip_first_frames 2) it gives 8 frames of "
            "64x48 at 12 fps: the values measured of those frames are worked out from these when converting"
            ) in said(conv)
    conv, got = _converted(tmp_path / "elsewhere", wf)  # the clip not beside it: nothing made up, nothing said read
    assert got[:2] == (0, 0)
    assert "found beside the workflow" not in said(conv)
    wf["40"]["inputs"]["video"] = "../dance.mp4"  # a name out of the workflow's folder: not looked for
    conv, got = _converted(tmp_path / "elsewhere", wf)
    assert got[:2] == (0, 0)
    assert "found beside the workflow" not in said(conv)


def test_a_loaders_size_count_and_rate_settings_are_carried_to_its_video_info(tmp_path):
    _clip(tmp_path / "dance.mp4")
    wf = _i2v({"class_type": "GetImageSize", "inputs": {"image": ["40", 0]}}, ["40", 0])
    wf["40"] = _vhs(custom_width=32, select_every_nth=2, frame_load_cap=5)
    wf["44"] = {"class_type": "VHS_VideoInfo", "inputs": {"video_info": ["40", 3]}}
    wf["42"]["inputs"].update(width=["41", 0], height=["41", 1], length=["44", 6])  # loaded_frame_count
    wf["31"]["inputs"]["fps"] = ["44", 5]  # loaded_fps: the file's 24 over select_every_nth 2
    conv, got = _converted(tmp_path, wf)
    assert got == (32, 24, 5)  # the height in the file's aspect; one in 2 of 20 frames, at most 5
    assert _generator(conv).params["fps"] == 12.0
    doc = Workflow.read(wf)
    doc.folder = str(tmp_path)
    info = doc.nodes["44"]
    assert [doc.output(info, s) for s in range(10)] == [24.0, 20, 20 / 24, 64, 48, 12.0, 5, 5 / 12, 32, 24]


def test_a_format_rounds_the_size_and_cuts_the_count_as_the_pack_loads(tmp_path):
    _clip(tmp_path / "dance.mp4", w=60, h=44)
    conv, got = _converted(tmp_path, _measured_clip(_vhs(format="Wan")))
    assert got == (64, 48, 17)  # each side to the nearest multiple of 8; 20 frames cut to 4 x 4 + 1


def test_comfys_own_video_loader_gives_its_files_frames_and_rate_through_its_components(tmp_path):
    _clip(tmp_path / "dance.mp4", n=12, fps=16.0)
    wf = _measured_clip({"class_type": "LoadVideo", "inputs": {"file": "dance.mp4"}})
    wf["45"] = {"class_type": "GetVideoComponents", "inputs": {"video": ["40", 0]}}
    wf["41"]["inputs"]["image"] = ["45", 0]
    wf["31"]["inputs"]["fps"] = ["45", 2]
    conv, got = _converted(tmp_path, wf)
    assert got == (64, 48, 9)  # its 12 frames, as Wan's latent holds them: 9 (heldout73's latent_frames)
    assert "the workflow asks 12 frames" in said(conv)
    assert _generator(conv).params["fps"] == 16.0
    assert "'LoadVideo' (LoadVideo, #40) loads 'dance.mp4', found beside the workflow" in said(conv)


def test_a_container_declaring_no_count_gives_its_size_alone_and_says_so(tmp_path):
    from studio.convert.reading import clip_header  # (here: the other tests run where the module is not)
    _clip(tmp_path / "dance.mkv")
    assert clip_header.clip_of(str(tmp_path / "dance.mkv")) == clip_header.Clip(64, 48, None, 24.0)
    conv, got = _converted(tmp_path, _measured_clip(_vhs("dance.mkv")))
    assert got[:2] == (64, 48)
    text = said(conv)
    assert "its header gives 64x48 at 24 fps (no frame count in its header)" in text
    assert "its frame count not worked out" in text


def test_a_nodes_values_are_each_said_with_the_input_they_go_to():
    """GetImageSize gives ImageCrop's 'width' its height and its 'height' its width: said "'width' (and 1 more
    input) 1280, 720" (its values in its output order), which reads as a width of 1280."""
    wf = Workflow.read(api({
        "45": ("EmptyImage", {"width": 1280, "height": 720, "batch_size": 1, "color": 0}),
        "44": ("GetImageSize", {"image": ["45", 0]}),
        "50": ("ImageCrop", {"image": ["45", 0], "width": ["44", 1], "height": ["44", 0], "x": 0, "y": 0})}))
    crop = wf.nodes["50"]
    line = passing._sentence(wf, wf.nodes["44"], [(crop, "width", 1), (crop, "height", 0)], lost=frozenset({"50"}),
                             unread=frozenset({"50"}), beside=True)
    assert line == ("'GetImageSize' (GetImageSize, #44) gives 'ImageCrop' (ImageCrop, node 50)'s 'width' 720, "
                    "'ImageCrop' (ImageCrop, node 50)'s 'height' 1280, which Studio does not read there")


def test_a_take_at_half_its_pictures_size_keeps_the_relation_as_studios_scale_where_the_picture_is_not_at_hand():
    """heldout35 03's first stage: the latent at half the loaded picture's size (EmptyImage of its size, ImageScaleBy
    0.5, GetImageSize), the picture the generator's start image: converted without the file, the generator had taken
    the whole picture's size (its 0, said "cannot work out"); Studio's Scale x0.5 on the picture's way keeps it."""
    conv = convert(_half_of_the_picture(), "half")
    assert conv.graph.validate() == []
    gen = _generator(conv)
    assert (gen.params["width"], gen.params["height"]) == (0, 0)  # (the size of the picture it is given)
    links = {(e.src, e.dst): e for e in conv.graph.links}
    scale = next(n for n in conv.graph.nodes.values() if n.type_id == "transform.scale")
    hold = next(n for n in conv.graph.nodes.values() if n.type_id == "edit.frame_hold")
    load = next(n for n in conv.graph.nodes.values() if n.type_id == "io.load_image")
    assert scale.params["scale"] == 0.5 and scale.params["interpolation"] == "cubic"  # (ImageScaleBy's bicubic)
    assert {(load.id, scale.id), (scale.id, hold.id), (hold.id, gen.id)} <= set(links)
    text = said(conv)
    assert ("'WanImageToVideo' (WanImageToVideo, #42)'s width and height come from 'GetImageSize' (GetImageSize, #46), "
            "0.5 times the size of the picture 'LoadImage' (LoadImage, #40) loads, which Studio gives the generator's "
            "'image' through Studio's Scale x0.5") in text
    assert "cannot work out" not in text


def test_a_clips_own_rate_read_from_its_file_stays_the_clips_own_on_a_utility_way(tmp_path):
    """With 'night.mp4' beside the workflow its source_fps is worked out (16): the interpolated frames were then
    written at "16 fps (its own rate, whatever the clip's)" by a Frame Rate, slow motion off; the rate is the clip's
    (another clip, another rate): kept as the clip's own, as without the file (heldout35 05)."""
    from tests.convert.test_comfy_heldout35_mends import _vfi_way
    _clip(tmp_path / "night.mp4", fps=16.0)
    conv, _ = _converted_utility(tmp_path, _vfi_way())
    interp = [n for n in conv.graph.nodes.values() if n.type_id == "motion.interpolate"]
    assert [n.params["slow_motion"] for n in interp] == [True]
    assert not [n for n in conv.graph.nodes.values() if n.type_id == "edit.frame_rate"]
    text = said(conv)
    assert "the loaded clip's own rate ('source_fps'), after an interpolation" in text
    assert "whatever the clip's" not in text


def test_a_video_info_loaded_nodes_fps_is_the_clips_own_rate():
    """VideoHelperSuite's 'Video Info (Loaded)' gives its 'fps' alone (no 'loaded_' in the name): a Save Video's
    frame_rate wired from it was "a value Studio cannot work out ... not read there" (cfy-shezw's video upscale)."""
    from tests.convert.test_comfy_heldout35_mends import _upscale_way
    doc = _upscale_way()
    doc["27"] = {"class_type": "VHS_VideoInfoLoaded", "inputs": {"video_info": ["24", 3]}}
    conv = convert(doc, "up.json")
    assert "gives 'VHS_VideoCombine' (#26)'s 'frame_rate' the loaded clip's own rate ('fps'): Save Video writes the " \
           "frames at the rate they reach it with" in said(conv)
    assert "not read there" not in said(conv)


def _converted_utility(folder, wf: dict):
    path = folder / "workflow.json"
    path.write_text(json.dumps(wf))
    return convert_file(str(path)), None
