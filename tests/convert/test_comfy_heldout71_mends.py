"""Issue 112, heldout71's mends (fresh set judged on main bcf5d85c): each test builds its workflow from node types,
values and links (API) and fails without its mend.

1. A value a reading takes from a node it does not make is read there: the Phantom take's size comes from the
   settings of the step its first picture comes through (a pad or resize to a size given by constants); those
   constants were said "which Studio does not read there" (false: the take's width and height are theirs).
2. Another output of a held task, with its own pass: a long take made of segments (each its own sampler and save,
   the task held) said the first segment's settings alone; each further segment's sampler (its seed...) was held
   with no sentence. Each output whose settings are not said yet is now named with them; one take of several that an
   output joins (read as a save of its own, '<id>~k') is named by the file's node and the take's place.
3. A held start image's maker past a measuring node: SkyReels-A2's start frames (an ImageBatch of its references)
   reach the encode through GetImageSizeAndCount, which gives its picture on as it is; the held sentence named the
   measuring node as what gives the start image, not the batch that makes it.
4. A context schedule Studio has no like of, in a held task: WanVideoContextOptions' 'static_standard' was said
   "is made as Studio's 'uniform'" at the wrapper's translation, before any generator is known; in a held task
   nothing is made of it. Now "is not taken: Studio lays its context windows out 'uniform'", true either way."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.builders import wan21_i2v_base, wan21_i2v_segment
from tests.convert.said import api, nodes_of, said
from tests.convert.test_comfy_phantom import _wrapper


def test_a_size_the_phantom_take_reads_from_a_steps_settings_is_read_there():
    wf = _wrapper()
    wf["60"] = {"class_type": "INTConstant", "inputs": {"value": 832}}
    wf["61"] = {"class_type": "INTConstant", "inputs": {"value": 480}}
    for k in ("50", "51"):  # both pads sized by the constants; the first picture's pad sizes the take
        wf[k]["inputs"]["target_width"], wf[k]["inputs"]["target_height"] = ["60", 0], ["61", 0]
    wf["70"] = {"class_type": "PreviewImage", "inputs": {"images": ["50", 0]}}  # (the pad is then a step passed over)
    conv = convert(wf, "phantom")
    gen = nodes_of(conv, "video_models.phantom")[0]
    assert (gen.params["width"], gen.params["height"]) == (832, 480)
    text = said(conv)
    assert "the take's size 832x480 is the size 'ImagePadKJ' (#50) makes them" in text
    assert "'ImagePadKJ' (#50)'s 'target_width'" not in text and "'ImagePadKJ' (#50)'s 'target_height'" not in text
    # the second pad's settings are not read (the node pads its references itself): said so, naming that pad alone
    assert "'INTConstant' (INTConstant, #60) gives 'ImagePadKJ' (#51)'s 'target_width' 832, which Studio does not " \
           "read there" in text


def _segment(n: int, seed: int, picture: list) -> dict:
    b = 100 * n
    return {
        str(b + 1): ("WanVideoEncode", {"vae": ["4", 0], "image": picture, "enable_vae_tiling": False}),
        str(b + 2): ("WanVideoEmptyEmbeds", {"width": 640, "height": 608, "num_frames": 93,
                                             "extra_latents": [str(b + 1), 0]}),
        str(b + 3): ("WanVideoTextEncode", {"positive_prompt": f"segment {n}", "negative_prompt": "blurry",
                                            "t5": ["2", 0]}),
        str(b + 4): ("WanVideoSampler", {"model": ["1", 0], "text_embeds": [str(b + 3), 0],
                                         "image_embeds": [str(b + 2), 0], "steps": 10, "cfg": 1.0, "shift": 12.0,
                                         "seed": seed, "force_offload": True, "scheduler": "unipc",
                                         "riflex_freq_index": 0}),
        str(b + 5): ("WanVideoDecode", {"vae": ["4", 0], "samples": [str(b + 4), 0], "enable_vae_tiling": False}),
        str(b + 6): ("VHS_VideoCombine", {"images": [str(b + 5), 0], "frame_rate": 15, "filename_prefix": f"seg{n}",
                                          "format": "video/h264-mp4"}),
    }


def _segments(seeds=(0, 1)) -> dict:
    nodes = {
        "1": ("WanVideoModelLoader", {"model": "LongCat/LongCat_TI2V_comfy_fp8.safetensors", "base_precision": "bf16",
                                      "quantization": "disabled", "load_device": "offload_device"}),
        "2": ("LoadWanVideoT5TextEncoder", {"model_name": "umt5-xxl-enc-bf16.safetensors", "precision": "bf16"}),
        "4": ("WanVideoVAELoader", {"model_name": "Wan2_1_VAE_bf16.safetensors", "precision": "bf16"}),
        "5": ("LoadImage", {"image": "girl.png"}),
    }
    picture = ["5", 0]
    for i, seed in enumerate(seeds, 1):  # each segment continued from the frames of the one before
        nodes.update(_segment(i, seed, picture))
        picture = [str(100 * i + 5), 0]
    return api(nodes)


def test_each_held_segment_is_said_with_its_own_settings():
    wf = _segments((0, 1))
    wf["107"] = {"class_type": "VHS_VideoCombine", "inputs": {"images": ["105", 0], "frame_rate": 15,
                                                             "filename_prefix": "again", "format": "video/h264-mp4"}}
    conv = convert(wf, "segments")  # (#107: a second save of the first segment's pass)
    assert conv.tasks and all(t["generator"] is None for t in conv.tasks)  # (held)
    text = said(conv)
    first = next(line for line in conv.log if line.startswith("This workflow makes"))
    assert "'WanVideoSampler' (#104, read as ComfyUI's KSamplerAdvanced) seed 0" in first  # (its own name: held23)
    assert "'VHS_VideoCombine' (VHS_VideoCombine, #206) is another output of that task" in text
    assert "'WanVideoSampler' (#204, read as ComfyUI's KSamplerAdvanced) seed 1" in text
    assert "#107) is another output" not in text  # (its pass's settings said: not repeated)


def test_a_held_start_image_is_named_by_the_node_making_it_not_a_measure_passing_it_on():
    more = {"6": {"class_type": "EmptyImage", "inputs": {"width": 832, "height": 480, "batch_size": 1,
                                                         "color": 16777215}},
            "8": {"class_type": "ImageBatch", "inputs": {"image1": ["6", 0], "image2": ["5", 0]}},
            "9": {"class_type": "GetImageSizeAndCount", "inputs": {"image": ["8", 0]}}}
    more.update(wan21_i2v_segment(1, ["9", 0]))
    more["105"] = {"class_type": "SaveAnimatedWEBP", "inputs": {"images": ["104", 0], "filename_prefix": "x",
                                                                "fps": 16, "lossless": False, "quality": 90,
                                                                "method": "default"}}
    conv = convert(wan21_i2v_base(more), "batch")
    assert [t["generator"] for t in conv.tasks] == [None]  # (held)
    first = next(line for line in conv.log if line.startswith("This workflow makes"))
    assert "cannot read the start image ComfyUI's 'ImageBatch' (ImageBatch, #8) gives" in first
    assert "GetImageSizeAndCount" not in first


def test_a_take_of_a_joined_output_is_named_by_the_files_node_and_its_place():
    from types import SimpleNamespace

    from studio.convert.mapping import held_again
    from studio.convert.reading.workflow import CNode, Workflow
    nodes = {"60": CNode("60", "VHS_VideoCombine"), "62": CNode("62", "KSampler", widgets={"seed": 5, "steps": 40}),
             "60~2": CNode("60~2", "SaveVideo", title="VHS_VideoCombine, take 2", links={"images": ("62", 0)})}
    lines: list[str] = []
    b = SimpleNamespace(wf=Workflow(nodes, "api"), out=SimpleNamespace(log=lines), say=lines.append)
    held_again.said(b, nodes["60~2"], "a video", "Wan", [nodes["60~2"], nodes["62"]])
    assert lines and lines[0].startswith("The take 2 'VHS_VideoCombine' (VHS_VideoCombine, #60) joins is another "
                                         "output of that task (a video with Wan)")
    assert "#60~2" not in lines[0] and "seed 5" in lines[0]


def test_a_context_schedule_studio_has_no_like_of_is_said_not_taken_in_a_held_task():
    wf = _segments((0,))
    wf["7"] = {"class_type": "WanVideoContextOptions", "inputs": {
        "context_schedule": "static_standard", "context_frames": 81, "context_stride": 4, "context_overlap": 32,
        "freenoise": True, "verbose": False, "fuse_method": "linear"}}
    wf["104"]["inputs"]["context_options"] = ["7", 0]
    conv = convert(wf, "held")
    assert [t["generator"] for t in conv.tasks] == [None]  # (held: nothing is made of the schedule)
    text = said(conv)
    assert "is made as Studio's 'uniform'" not in text
    assert "'WanVideoContextOptions' (WanVideoContextOptions, #7)'s context schedule 'static_standard' is not taken: " \
           "Studio lays its context windows out 'uniform'" in text
    assert "window 81, overlap 32 (given by 'WanVideoContextOptions', #7)" in text  # (listed to set by hand)
