"""videoxfun8: VideoX-Fun's samplers size their take by the aspect bucket at base_resolution of the picture they
measure (aigc-apps/VideoX-Fun's comfyui nodes, read for the facts): for a control clip (Fun Control, VACE) that is the
start image, else the reference image (VACE: the first subject picture), else the clip; a camera path's take its start
image. The clip a generator takes its size from is scaled to the measured picture's bucket by Studio's Scale 'like'
that picture at its bucket; each layout on a minimal workflow of our own."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

from tests.convert.said import said
from tests.convert.test_comfy_videox_fun import CACHE, _folder, _gen, _workflow

FUN_V2V = [49, 512, 7, "fixed", 20, 5.0, 1.0, "Flow", 3] + CACHE
VACE = [81, 640, 43, "fixed", 50, 6, "Flow", 12, 0.875] + CACHE + [False]


def _src(conv, node_id, port):
    link = conv.graph.input_link(node_id, port)
    return conv.graph.nodes[link.src] if link is not None else None


def _buckets_of(conv, scale):
    """The file behind a bucket Scale: (its fit, width, multiple, the file's path)."""
    up = _src(conv, scale.id, "video")
    return scale.params["fit"], scale.params["width"], scale.params["multiple"], up.params.get("path")


def _vace(w):
    return w.add("LoadWan2_2VaceFunModel", ["Wan2.2-VACE-Fun-A14B", "model_cpu_offload", "wan2.2/wan_civitai_t2v.yaml",
                                            "bf16"], ["FunModels"])


def test_a_control_clip_beside_a_start_image_takes_the_start_images_bucket():
    conv = convert(_workflow(_folder("Wan2.1-Fun-1.3B-Control", "Control"), "WanFunV2VSampler", FUN_V2V,
                             {"control_video": "dance.mp4", "start_image": "a.png"}), "vx8_control_start")
    gen, text = _gen(conv), said(conv)
    clip = _src(conv, gen.id, "control")
    assert clip.type_id == "transform.scale" and clip.params["fit"] == "exact"
    like = _src(conv, clip.id, "like")
    assert _buckets_of(conv, like) == ("buckets", 512, 16, "a.png")
    held = _src(conv, gen.id, "image")  # the start image's own bucket Scale (one for both), held as a frame
    assert _src(conv, held.id, "video").id == like.id
    assert "picks its size from base resolution" not in text
    assert "'control_video' of 'WanFunV2VSampler' is scaled to the size VideoX-Fun's sampler picks from its " \
           "start_image (the size in its aspect table nearest that picture's aspect at base resolution 512" in text
    assert conv.graph.validate() == []


def test_a_reference_image_sizes_the_control_clip_though_it_is_not_wired():
    conv = convert(_workflow(_folder("Wan2.1-Fun-V1.1-1.3B-Control", "Control"), "WanFunV2VSampler", FUN_V2V,
                             {"control_video": "dance.mp4", "ref_image": "who.png"}), "vx8_control_ref")
    gen, text = _gen(conv), said(conv)
    like = _src(conv, _src(conv, gen.id, "control").id, "like")
    assert _buckets_of(conv, like) == ("buckets", 512, 16, "who.png")
    assert _src(conv, gen.id, "image") is None  # (Fun V1.1's ref_image: not wired, said)
    assert "picks from its ref_image" in text and "ref_image, is Fun V1.1's reference image" in text
    assert "ComfyUI nodes not converted (listed" not in text  # (its file read for the size)
    assert "picks its size from base resolution" not in text and conv.graph.validate() == []


def test_a_start_image_made_by_nodes_studio_does_not_convert_leaves_the_size_said():
    def made(w):
        return {"start_image": (w.add("SomeonesPictureMaker", [3], ["IMAGE"]), 0, "IMAGE")}
    conv = convert(_workflow(_folder("Wan2.1-Fun-1.3B-Control", "Control"), "WanFunV2VSampler", FUN_V2V,
                             {"control_video": "dance.mp4"}, made), "vx8_control_made")
    assert not [n for n in conv.graph.nodes.values() if n.type_id == "transform.scale" and
                (n.params.get("fit") == "buckets" or conv.graph.input_link(n.id, "like") is not None)]
    assert "picks its size from base resolution 512 and its input's aspect ratio when it runs" in said(conv)


def test_a_camera_paths_start_image_is_scaled_to_its_bucket():
    def camera(w):
        move = w.add("CameraBasicFromChaoJie", ["Pan Left", 1, 81], ["CameraPose"])
        lens = w.add("CameraTrajectoryFromChaoJie", [0.53, 0.95, 0.5, 0.5], ["STRING", "INT"],
                     {"camera_pose": (move, 0, "CameraPose")})
        return {"camera_conditions": (lens, 0, "STRING")}
    conv = convert(_workflow(_folder("Wan2.1-Fun-V1.1-1.3B-Control-Camera", "Control"), "WanFunV2VSampler",
                             [81, 640, 43, "fixed", 50, 6, 1, "Flow", 5] + CACHE, {"start_image": "s.png"}, camera),
                   "vx8_camera")
    gen, text = _gen(conv), said(conv)
    assert gen.type_id == "video_models.wan_fun_camera" and (gen.params["width"], gen.params["height"]) == (0, 0)
    held = _src(conv, gen.id, "image")
    assert _buckets_of(conv, _src(conv, held.id, "video")) == ("buckets", 640, 16, "s.png")
    assert "'start_image' of 'WanFunV2VSampler' is scaled to the size in VideoX-Fun's aspect table" in text
    assert "picks its size from base resolution" not in text and conv.graph.validate() == []


def test_vaces_control_clip_alone_is_scaled_to_its_own_bucket():
    conv = convert(_workflow(_vace, "Wan2_2VaceFunSampler", VACE, {"control_video": "depth.mp4"}), "vx8_vace_clip")
    gen = _gen(conv)
    assert gen.type_id == "video_models.wan_vace"
    scale = _src(conv, gen.id, "video")
    assert (scale.params["fit"], scale.params["width"], scale.params["multiple"]) == ("buckets", 640, 16)
    assert "picks its size from base resolution" not in said(conv) and conv.graph.validate() == []


def test_vaces_control_clip_takes_the_first_subject_pictures_bucket():
    def subjects(w):
        a, b = (w.add("LoadImage", [f"{x}.png", "image"], ["IMAGE"]) for x in "ab")
        both = w.add("ImageCollectNode", [], ["IMAGE"], {"image_1": (a, 0, "IMAGE"), "image_2": (b, 0, "IMAGE")})
        return {"subject_ref_images": (both, 0, "IMAGE")}
    conv = convert(_workflow(_vace, "Wan2_2VaceFunSampler", VACE, {"control_video": "depth.mp4"}, subjects),
                   "vx8_vace_subject")
    gen, text = _gen(conv), said(conv)
    clip = _src(conv, gen.id, "video")
    assert _buckets_of(conv, _src(conv, clip.id, "like")) == ("buckets", 640, 16, "a.png")
    assert _src(conv, gen.id, "reference").type_id == "io.load_image"  # the subject read as it is
    assert "picks from its subject_ref_images" in text
    assert "picks its size from base resolution" not in text and conv.graph.validate() == []


def test_vaces_start_image_before_its_subjects_sizes_the_clip():
    conv = convert(_workflow(_vace, "Wan2_2VaceFunSampler", VACE,
                             {"control_video": "depth.mp4", "subject_ref_images": "who.png", "start_image": "first.png"}),
                   "vx8_vace_start")
    gen = _gen(conv)
    like = _src(conv, _src(conv, gen.id, "video").id, "like")
    assert _buckets_of(conv, like) == ("buckets", 640, 16, "first.png")
    assert "picks from its start_image" in said(conv) and conv.graph.validate() == []


# heldout50 08: a generator sized by VideoHelperSuite's Video Info (loaded_width / loaded_height) of a clip its loader
# loads at a custom size on both sides: that size is the loader's own whatever the file (each side to the format's
# multiple, the frames cut to its aspect), worked out with no file beside the workflow, as GetImageSizeAndCount's.

def _sized_by_info(**loader):
    from tests.convert.test_comfy_clipheader6 import _measured_clip, _vhs
    wf = _measured_clip(_vhs(**loader))
    wf["44"] = {"class_type": "VHS_VideoInfo", "inputs": {"video_info": ["40", 3]}}
    wf["42"]["inputs"].update(width=["44", 8], height=["44", 9])
    return wf


def test_video_infos_loaded_size_is_the_loaders_own_custom_size():
    from tests.convert.test_comfy_heldout4_mends import _generator
    conv = convert(_sized_by_info(custom_width=468, custom_height=832, format="AnimateDiff"), "vx8_info")
    p, text = _generator(conv).params, said(conv)
    assert (p["width"], p["height"]) == (472, 832)  # 468 to the nearest multiple of 8
    assert "width comes from" not in text and "'width'" not in text
    one = convert(_sized_by_info(custom_width=468, format="AnimateDiff"), "vx8_info_one")  # the other side: the file's
    assert (_generator(one).params["width"], _generator(one).params["height"]) == (0, 0)


def test_a_measure_of_a_clip_loaded_at_its_own_custom_size_is_that_size():
    from tests.convert.test_comfy_clipheader6 import _measured_clip, _vhs
    from tests.convert.test_comfy_heldout4_mends import _generator
    wf = _measured_clip(_vhs(custom_width=640, custom_height=360, format="None"))  # (GetImageSizeAndCount #41)
    p = _generator(convert(wf, "vx8_measured")).params
    assert (p["width"], p["height"]) == (640, 360)
