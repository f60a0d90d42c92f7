"""Mechanisms a hundred-and-twenty-fourth held-out set (benchmarks/results/heldout124_2026-12-01.md) showed, each on a
small hand-written UI workflow: a video loader whose file is wired is never said to name no file; a pack's node that
writes the clip a video loader reads back is held as what makes the video (not a Load Video naming nothing saved
again); a pack's one-node generator given a picture and naming its own weight files is held with its picture."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said, ui

VHS_PATH = {"video": "", "force_rate": 0, "custom_width": 0, "custom_height": 0, "frame_load_cap": 0,
            "skip_first_frames": 0, "select_every_nth": 1, "format": "AnimateDiff"}
COMBINE = {"frame_rate": 24, "loop_count": 0, "filename_prefix": "out", "format": "video/h264-mp4",
           "pix_fmt": "yuv420p", "crf": 19, "save_metadata": True, "pingpong": False, "save_output": True}


def _read_back(maker: tuple) -> dict:
    """A node (``maker``: id 1) giving VHS_LoadVideoPath's 'video' its path, the loaded clip saved again."""
    return ui([maker,
               (3, "VHS_LoadVideoPath", [("video", "STRING")], ["IMAGE", "INT", "AUDIO", "VHS_VIDEOINFO"], VHS_PATH),
               (8, "VHS_VideoCombine", [("images", "IMAGE")], ["VHS_FILENAMES"], COMBINE)],
              [(1, 0, 3, "video"), (3, 0, 8, "images")])


def test_a_video_loaders_wired_file_is_not_said_to_be_no_file():
    """A path a node gives when the workflow runs: said so, never "names no file" (heldout124 01-03: FastVideo's
    written mp4, wired into VHS_LoadVideoPath's 'video', was said "names no file: set Load Video's 'path'")."""
    conv = convert(_read_back((1, "ClipPathFromText", [], ["STRING"], ["clips/", 3])), "path.json")
    text = said(conv)
    assert "names no file" not in text
    assert "'VHS_LoadVideoPath' (VHS_LoadVideoPath, #3)'s video is given by 'ClipPathFromText'" in text
    assert nodes_of(conv, "io.load_video") and nodes_of(conv, "io.save_video")  # (a path builder: the chain is made)


def _writer() -> dict:
    """A pack's generator made from its own settings object (declared type GEN_ARGS), writing the clip whose path a
    VHS_LoadVideoPath reads back (FastVideo's VideoGenerator -> VHS_LoadVideoPath -> VHS_VideoCombine)."""
    wf = _read_back((1, "ClipGenerator", [("gen_args", "GEN_ARGS")], ["STRING"], ["a fox in snow", "/tmp/out/", 2]))
    wf["nodes"].append({"id": 2, "type": "GenArgs", "mode": 0, "inputs": [],
                        "outputs": [{"name": "gen_args", "type": "GEN_ARGS", "links": [3]}],
                        "widgets_values": [832, 480, 45, 20, 1024]})
    wf["nodes"][0]["inputs"][0]["link"] = 3
    wf["links"].append([3, 2, 0, 1, 0, "GEN_ARGS"])
    wf["last_node_id"], wf["last_link_id"] = 8, 3
    return wf


def test_a_clip_a_pack_maker_writes_and_a_loader_reads_back_is_held_as_made_by_it():
    """The take is the maker's: held with its sentence, the loader said to read its file back, no Load Video naming
    nothing saved again (heldout124 01-03: a re-save of a file to pick by hand, the generation never said to be what
    makes the video)."""
    conv = convert(_writer(), "writer.json")
    text = said(conv)
    assert not nodes_of(conv, "io.load_video") and not nodes_of(conv, "io.save_video")
    assert "Studio cannot convert 'ClipGenerator' (ClipGenerator, #1), which makes it" in text
    assert "'GenArgs' (GenArgs, #2), which it is made with, is not converted either" in text
    assert "'VHS_LoadVideoPath' (VHS_LoadVideoPath, #3) reads back the file 'ClipGenerator' (ClipGenerator, #1) " \
           "writes when the workflow runs" in text
    assert "names no file" not in text and "holds its inputs (video" not in text


def _one_node(values: list) -> dict:
    """A pack's one-node image to video given the picture, its pictures previewed and given to its own save."""
    return ui([(1, "LoadImage", [], ["IMAGE", "MASK"], ["start.png", "image"]),
               (2, "OneNodeI2V", [("start_image", "IMAGE")], ["IMAGE"], values),
               (3, "PreviewImage", [("images", "IMAGE")], [], []),
               (4, "OwnSaveVideo", [("frames", "IMAGE")], [], ["clip", 24, "mp4"])],
              [(1, 0, 2, "start_image"), (2, 0, 3, "images"), (2, 0, 4, "frames")])


def test_a_one_node_generator_naming_its_weight_files_is_held_with_its_picture():
    """Told by the weight files its settings name (heldout124 07: TurboDiffusion's one-node I2V, naming both experts'
    .pth files, got no held-task sentence and its picture was not held)."""
    conv = convert(_one_node(["expert_high.pth", "wan_2.1_vae.safetensors", "a dancer", 81, 4, 42]), "one.json")
    text = said(conv)
    assert "Studio cannot convert 'OneNodeI2V' (OneNodeI2V, #2), which makes it" in text
    assert [n.params["path"] for n in nodes_of(conv, "io.load_image")] == ["start.png"]
    # the same node naming no weight file: Studio cannot tell it makes the pictures (no sentence says it does)
    plain = said(convert(_one_node(["a dancer", 81, 4, 42]), "plain.json"))
    assert "which makes it" not in plain


def test_a_step_naming_weights_after_a_packs_generator_is_not_held_as_its_maker():
    """A face swap naming its restorer's .pth, given what another pack's node makes, does not make the video
    (heldout96's AnimateAnyone -> ReActorFaceSwap: the swap would have been said to make it from an image)."""
    wf = ui([(1, "LoadImage", [], ["IMAGE", "MASK"], ["start.png", "image"]),
             (2, "PackAnimator", [("image", "IMAGE")], ["IMAGE"], [704, 896, 25]),
             (3, "PackFaceSwap", [("input_image", "IMAGE"), ("source_image", "IMAGE")], ["IMAGE"],
              [True, "codeformer-v0.1.0.pth", 0.5]),
             (4, "VHS_VideoCombine", [("images", "IMAGE")], ["VHS_FILENAMES"], COMBINE)],
            [(1, 0, 2, "image"), (2, 0, 3, "input_image"), (1, 0, 3, "source_image"), (3, 0, 4, "images")])
    text = said(convert(wf, "swap.json"))
    assert "Studio cannot convert 'PackFaceSwap'" not in text
