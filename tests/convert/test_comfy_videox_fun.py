"""VideoX-Fun from its own ComfyUI nodes (issue 112, items 2 and 4): small workflows of our own in the shape of the
release's comfyui/ examples (UI JSON, values by place in the pack's INPUT_TYPES order) become Studio's Wan and
CogVideoX generators: the model folder or the chunked part files, the task from what is wired into the sampler
(start / end images, a control clip through the pack's Canny, a camera move, a validation video and its denoise,
VACE's subjects and start frame, two Wan 2.2 experts), the prompts of FunTextBox and the sampler's settings; what
Studio has no counterpart for said naming the node, a CogVideoX-Fun Control model given no clip held in one
sentence. Before, each gave no generator."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

from .test_comfy_wiring import UI
from tests.convert.said import said as _said

CACHE = [0.1, True, 3, True, 0.25]  # teacache threshold / on / skip start steps / offload, cfg_skip_ratio


def _workflow(loaders, sampler: str, values: list, images: dict | None = None, more=None) -> dict:
    """``loaders(w)`` giving the funmodels node id, two FunTextBox and ``sampler`` (its widgets ``values``; ``images``:
    its image inputs -> the file each LoadImage / VHS_LoadVideo reads, through a node type where given as a pair)
    into VHS Video Combine."""
    w = UI()
    model = loaders(w)
    pos = w.add("FunTextBox", ["fireworks over a city"], ["STRING_PROMPT"])
    neg = w.add("FunTextBox", ["blurry"], ["STRING_PROMPT"])
    port = "cogvideoxfun_model" if sampler.startswith("CogVideoX") else "funmodels"
    ins = {port: (model, 0, "FunModels"), "prompt": (pos, 0, "STRING_PROMPT"),
           "negative_prompt": (neg, 0, "STRING_PROMPT")}
    for name, path in (images or {}).items():
        step = None
        if isinstance(path, tuple):
            path, step = path
        src = w.add("LoadImage", [path, "image"], ["IMAGE"]) if path.endswith(".png") else \
            w.add("VHS_LoadVideo", {"video": path}, ["IMAGE"])
        if step is not None:
            src = w.add(step[0], step[1], ["IMAGE"], {"input_video": (src, 0, "IMAGE")})
            w.add("VHS_VideoCombine", {"frame_rate": 16, "filename_prefix": "Control", "format": "video/h264-mp4"},
                  [], {"images": (src, 0, "IMAGE")}, props={"Node name for S&R": "VHS_VideoCombine"})  # its preview
        ins[name] = (src, 0, "IMAGE")
    ins.update(more(w) if more else {})
    s = w.add(sampler, values, ["IMAGE"], ins)
    w.add("VHS_VideoCombine", {"frame_rate": 16, "loop_count": 0, "filename_prefix": "Fun", "format": "video/h264-mp4"},
          [], {"images": (s, 0, "IMAGE")}, props={"Node name for S&R": "VHS_VideoCombine"})
    return w.doc()


def _folder(model: str, kind: str = "Inpaint"):
    return lambda w: w.add("LoadWanFunModel", [model, kind, "model_cpu_offload", "wan2.1/wan_civitai.yaml", "bf16"],
                           ["FunModels"])


def _gen(conv):
    return next(n for n in conv.graph.nodes.values() if n.type_id.startswith("video_models.") and "prompt" in n.params)


def test_the_inpaint_sampler_with_start_and_end_images_is_wan_first_and_last_frames():
    conv = convert(_workflow(_folder("Wan2.1-Fun-1.3B-InP"), "WanFunInpaintSampler",
                             [81, 640, 43, "fixed", 30, 6.0, "Flow_Unipc", 5] + CACHE,
                             {"start_img": "a.png", "end_img": "b.png"}), "fun_flf")
    gen, said = _gen(conv), _said(conv)
    p = gen.params
    assert gen.type_id == "video_models.image_to_video"
    assert (p["prompt"], p["negative_prompt"], p["frames"], p["steps"], p["guidance"], p["seed"], p["shift"]) == \
        ("fireworks over a city", "blurry", 81, 30, 6.0, 43, 5.0)
    load = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.load")
    assert load.params["model"] == "Wan2.1-Fun-1.3B-InP"
    assert "'LoadWanFunModel' (#1, LoadWanFunModel) names VideoX-Fun's model folder 'Wan2.1-Fun-1.3B-InP'" in said
    assert "TeaCache (threshold 0.1" in said and "cfg_skip_ratio 0.25" in said and "base resolution 640" in said
    assert {"a.png", "b.png"} <= {n.params.get("path") for n in conv.graph.nodes.values()}
    assert conv.dropped == []


def test_a_control_clip_through_the_packs_canny_is_wan_fun_control_on_edges():
    conv = convert(_workflow(_folder("Wan2.1-Fun-1.3B-Control", "Control"), "WanFunV2VSampler",
                             [49, 512, 7, "fixed", 20, 5.0, 1.0, "Flow", 3] + CACHE,
                             {"control_video": ("dance.mp4", ("VideoToCanny", [51, 102, 49]))}), "fun_canny")
    gen = _gen(conv)
    assert gen.type_id == "video_models.wan_fun_control" and gen.params["frames"] == 49
    edges = next(n for n in conv.graph.nodes.values() if n.type_id == "control.edges")
    assert (edges.params["low"], edges.params["high"]) == (51, 102)
    assert "draws the first 49 frames (video_length)" in _said(conv)
    saves = [n.id for n in conv.graph.nodes.values() if n.type_id == "io.save_video"]

    def shown(node_id):  # what a save writes, past the preview's own rate and silence (rejudge11)
        src = conv.graph.input_link(node_id, "video").src
        while conv.graph.nodes[src].type_id in ("edit.frame_rate", "edit.replace_audio"):
            src = conv.graph.input_link(src, "video").src
        return src
    assert len(saves) == 2 and [shown(s) for s in saves].count(edges.id) == 1  # preview
    assert conv.dropped == [] and conv.graph.validate() == []


def test_a_validation_video_with_its_denoise_is_video_to_video():
    conv = convert(_workflow(_folder("Wan2.1-Fun-1.3B-InP"), "WanFunV2VSampler",
                             [49, 512, 7, "fixed", 20, 5.0, 0.7, "Flow", 3] + CACHE, {"validation_video": "in.mp4"}),
                   "fun_v2v")
    gen = _gen(conv)
    assert gen.type_id == "video_models.video_to_video" and abs(gen.params["strength"] - 0.7) < 1e-6


def test_a_camera_combine_is_wan_fun_camera_its_other_moves_said():
    def loaders(w):
        return w.add("LoadWanFunModel", ["Wan2.1-Fun-V1.1-1.3B-Control-Camera", "Control", "model_cpu_offload",
                                         "wan2.1/wan_civitai.yaml", "bf16"], ["FunModels"])
    def camera(w):
        move = w.add("CameraCombineFromChaoJie", ["Pan Right", "Pan Up", "Static", "Static", 1, 81], ["CameraPose"])
        lens = w.add("CameraTrajectoryFromChaoJie", [0.53, 0.95, 0.5, 0.5], ["STRING", "INT"],
                     {"camera_pose": (move, 0, "CameraPose")})
        return {"camera_conditions": (lens, 0, "STRING")}
    doc = _workflow(loaders, "WanFunV2VSampler", [81, 640, 43, "fixed", 50, 6, 1, "Flow", 5] + CACHE,
                    {"start_image": "s.png"}, camera)
    conv = convert(doc, "fun_camera")
    gen = _gen(conv)
    assert gen.type_id == "video_models.wan_fun_camera"
    path = next(n for n in conv.graph.nodes.values() if n.type_id == "motion.camera_path")
    assert path.params["preset"] == "Pan Right" and path.params["frames"] == 81
    assert "combines the moves 'Pan Right', 'Pan Up'" in _said(conv)


def _chunked_22(w):
    low = w.add("LoadWan2_2TransformerModel", ["Wan2_2-I2V-A14B-LOW_bf16.safetensors", "bf16"],
                ["TransformerModel", "STRING"])
    high = w.add("LoadWan2_2TransformerModel", ["Wan2_2-I2V-A14B-HIGH_bf16.safetensors", "bf16"],
                 ["TransformerModel", "STRING"])
    vae = w.add("LoadWanVAEModel", ["wan_2.1_vae.safetensors", "bf16"], ["VAEModel"])
    t5 = w.add("LoadWanTextEncoderModel", ["umt5_xxl_fp16.safetensors", "bf16"], ["TextEncoderModel", "Tokenizer"])
    lora = None
    combine = w.add("CombineWan2_2Pipeline", ["", "sequential_cpu_offload", "Inpaint"], ["FunModels"],
                    {"transformer": (low, 0, "TransformerModel"), "transformer_2": (high, 0, "TransformerModel"),
                     "vae": (vae, 0, "VAEModel"), "text_encoder": (t5, 0, "TextEncoderModel"),
                     "tokenizer": (t5, 1, "Tokenizer")})
    return lora or combine


def test_chunked_wan22_files_are_two_experts_and_the_part_files():
    conv = convert(_workflow(_chunked_22, "Wan2_2FunInpaintSampler",
                             [81, 640, 43, "fixed", 40, 6, "Flow", 5, 0.9] + CACHE, {"start_img": "a.png"}), "fun_22")
    gen, said = _gen(conv), _said(conv)
    load = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.load")
    assert gen.type_id == "video_models.image_to_video"
    assert load.params["model"] == "Wan2_2-I2V-A14B-HIGH_bf16.safetensors"
    assert load.params["model_2"] == "Wan2_2-I2V-A14B-LOW_bf16.safetensors"
    assert (load.params["vae"], load.params["text_encoder"]) == ("wan_2.1_vae.safetensors", "umt5_xxl_fp16.safetensors")
    assert "boundary 0.9" in said and "'sequential_cpu_offload' is not taken" in said
    assert conv.dropped == []


def test_the_vace_sampler_keeps_its_subjects_and_start_frame():
    def loaders(w):
        return w.add("LoadWan2_2VaceFunModel", ["Wan2.2-VACE-Fun-A14B", "model_cpu_offload", "wan2.2/wan_civitai_t2v.yaml",
                                                "bf16"], ["FunModels"])
    conv = convert(_workflow(loaders, "Wan2_2VaceFunSampler",
                             [81, 640, 43, "fixed", 50, 6, "Flow", 12, 0.875] + CACHE + [True],
                             {"subject_ref_images": "who.png", "start_image": "first.png"}), "fun_vace")
    gen = _gen(conv)
    assert gen.type_id == "video_models.wan_vace" and conv.tasks[0]["inputs"] == ["reference", "keyframe_1"] or \
        set(conv.tasks[0]["inputs"]) == {"reference", "keyframe_1"}
    assert gen.params["keyframes"].startswith("0")
    assert "padding_in_subject_ref_images" in _said(conv)

    def subjects(w):  # three pictures gathered by two chained ImageCollectNode
        a, b, c = (w.add("LoadImage", [f"{x}.png", "image"], ["IMAGE"]) for x in "abc")
        inner = w.add("ImageCollectNode", [], ["IMAGE"], {"image_1": (a, 0, "IMAGE"), "image_2": (b, 0, "IMAGE")})
        outer = w.add("ImageCollectNode", [], ["IMAGE"], {"image_1": (inner, 0, "IMAGE"), "image_2": (c, 0, "IMAGE")})
        return {"subject_ref_images": (outer, 0, "IMAGE")}
    conv = convert(_workflow(loaders, "Wan2_2VaceFunSampler",
                             [81, 640, 43, "fixed", 50, 6, "Flow", 12, 0.875] + CACHE + [False], more=subjects), "fun_subj")
    g, gen = conv.graph, _gen(conv)
    assert [g.nodes[g.input_link(gen.id, k).src].params["path"] for k in ("reference", "reference_2")] == ["a.png", "b.png"]
    assert "'LoadImage' (#" in _said(conv) and "subject picture 3 of" in _said(conv)


def test_a_cogvideox_fun_pose_model_is_fun_control_and_held_in_words_without_a_clip():
    def pose(w):
        return w.add("LoadCogVideoXFunModel", ["CogVideoX-Fun-V1.1-2b-Pose", "Control", "model_cpu_offload", "bf16"],
                     ["FunModels"])
    conv = convert(_workflow(pose, "CogVideoXFunV2VSampler", [49, 512, 43, "fixed", 50, 6, 1, "DDIM"],
                             {"control_video": "pose.mp4"}), "cog_pose")
    assert _gen(conv).type_id == "video_models.cogvideox_fun_control" and _gen(conv).params["frames"] == 49

    conv = convert(_workflow(pose, "CogVideoXFunT2VSampler", [49, 672, 384, False, 43, "fixed", 50, 6, "DDIM"]),
                   "cog_pose_t2v")  # (an InP model's samplers: test_comfy_cogvideox_fun_inp.py)
    assert conv.tasks[0]["generator"] is None
    assert "run CogVideoXFunT2VSampler #" in _said(conv) and "with CogVideoX-Fun 'CogVideoX-Fun-V1.1-2b-Pose' " \
        "without a control clip" in _said(conv)
