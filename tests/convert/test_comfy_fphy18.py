"""Workflows of CY-CHENYUE's ComfyUI-FramePack-HY (heldout83 01's pack) convert to the Framepack node: the picture
behind CreateKeyframes_HY's latent as its image, the seconds and fps as the frames the pack's sampler makes (whole
sections of window x 4 - 3 frames, forward: 'vanilla'), the bucket's size, steps, distilled guidance, real cfg and
seed; TeaCache and the memory setting said not applied. A small UI fixture in the layout the pack's nodes save
(widgets in INPUT_TYPES order; nodes/sampler.py, keyframe_helper.py, bucket.py at 30131f4)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wrappers import UI, _nodes

PROMPT = "the girl puts on sunglasses with both hands, the camera pulls back"
SAMPLER = [30, 1.0, 10.0, 4242, "fixed", 512, 512, 6.0, "unipc", 2.0, True, 0.15, 1.0]


def _workflow(res="768", scaled=True, secs=5, fps=24):
    w = UI()
    pipe = w.add("LoadFramePackDiffusersPipeline_HY", ["lllyasviel/FramePackI2V_HY", "bf16"])
    clip = w.add("DualCLIPLoader", ["clip_l.safetensors", "llava_llama3_fp8_scaled.safetensors", "hunyuan_video",
                                    "default"])
    pos = w.add("CLIPTextEncode", [PROMPT], clip=(clip, 0))
    neg = w.add("CLIPTextEncode", ["blurry hands"], clip=(clip, 0))
    vae = w.add("VAELoader", ["hunyuan_video_vae_bf16.safetensors"])
    pic = w.add("LoadImage", ["1.png", "image"])
    if scaled:
        pic = w.add("ImageScale", ["nearest-exact", 512, 768, "center"], image=(pic, 0))
    bucket = w.add("FramePackBucketResize_HY", [res, "nearest", "center"], image=(pic, 0))
    enc = w.add("VAEEncode", [], pixels=(bucket, 0), vae=(vae, 0))
    keys = w.add("CreateKeyframes_HY", [secs, fps, 9], keyframe_1=(enc, 0))
    vision = w.add("CLIPVisionEncode", ["center"], clip_vision=(w.add("CLIPVisionLoader", ["siglip2.safetensors"]), 0),
                   image=(bucket, 0))
    s = w.add("FramePackDiffusersSampler_HY", list(SAMPLER), fp_pipeline=(pipe, 0), positive=(pos, 0),
              negative=(neg, 0), clip_vision=(vision, 0), start_latent_out=(keys, 0), video_length_seconds=(keys, 1),
              video_fps=(keys, 2), window_size=(keys, 3), width=(bucket, 1), height=(bucket, 2))
    dec = w.add("VAEDecodeTiled", [256, 64, 64, 8], samples=(s, 0), vae=(vae, 0))
    w.add("VHS_VideoCombine", {"frame_rate": fps, "filename_prefix": "fp"}, images=(dec, 0))
    return w.doc()


def test_the_pack_s_sampler_is_the_framepack_node_at_its_frames_rate_and_bucket():
    conv = convert(_workflow(), "framepack_hy")
    assert conv.graph.validate() == []
    assert [t["generator"] for t in conv.tasks] == ["video_models.framepack"]
    p = _nodes(conv, "video_models.framepack")[0].params
    # 5 s x 24 fps over 9 x 4 - 3 = 33 frames a section: 4 sections of 9 latent frames, (36 - 1) x 4 + 1 frames
    assert (p["frames"], p["fps"], p["window"], p["sampling"]) == (141, 24.0, 9, "vanilla")
    # the 768 bucket nearest a 512x768 picture: (896, 640) (the pack's bucket_tools metric)
    assert (p["width"], p["height"], p["bucket"]) == (640, 896, "off")
    assert (p["steps"], p["guidance"], p["true_cfg"], p["seed"], p["prompt"]) == (30, 10.0, 1.0, 4242, PROMPT)
    assert _nodes(conv, "video_models.load")[0].params["model"] == "lllyasviel/FramePackI2V_HY"
    gen = _nodes(conv, "video_models.framepack")[0]
    up = [conv.graph.nodes[u].params for u in conv.graph.upstream(gen.id)]  # the picture, Scaled as ImageScale does
    assert {"path": "1.png"} in up and any((q.get("width"), q.get("height"), q.get("crop")) == (512, 768, "center")
                                           for q in up)
    log = "\n".join(conv.log)
    assert "Studio cannot" not in log
    assert "samples with TeaCache (use_teacache, teacache_thresh 0.15)" in log and "not applied" in log
    notes = "\n".join(x["text"] for x in conv.graph.ui["notes"])  # the canvas notes (the sampler's, the log's)
    assert "gpu_memory_preservation 6" in log and "shift 2 (FramePackDiffusersSampler_HY's own, #" in notes
    assert "its bucket at 768 nearest that aspect, 640x896" in log
    assert "a type Studio's catalogue does not hold" not in log  # (the guidance made in the sampler's place)
    # the pack's own sampler named as it is, no scheduler it lacks (not the translation's 'uni_pc' / 'simple')
    assert "sampler 'unipc', no scheduler named" in notes and "'uni_pc'" not in notes and "'simple'" not in notes


def test_a_bucket_of_a_picture_of_unknown_size_is_the_node_s_640_bucket_or_said():
    p = _nodes(convert(_workflow(res="640", scaled=False), "hy640"), "video_models.framepack")[0].params
    assert (p["bucket"], p["width"], p["height"]) == ("640", 0, 0)
    conv = convert(_workflow(res="1024", scaled=False, secs=3, fps=30), "hy1024")
    p = _nodes(conv, "video_models.framepack")[0].params
    assert (p["bucket"], p["width"], p["height"]) == ("off", 0, 0)
    assert (p["frames"], p["fps"]) == ((3 * 9 - 1) * 4 + 1, 30.0)  # ceil(90 / 33) = 3 sections
    assert any("bucket at 1024 is picked from the picture when it runs" in line and "not applied" in line
               for line in conv.log)


NAMES = {"LoadFramePackDiffusersPipeline_HY": ("model_path", "precision"), "CLIPTextEncode": ("text",),
         "DualCLIPLoader": ("clip_name1", "clip_name2", "type", "device"), "VAELoader": ("vae_name",),
         "LoadImage": ("image", "upload"), "ImageScale": ("upscale_method", "width", "height", "crop"),
         "FramePackBucketResize_HY": ("base_resolution", "resize_mode", "alignment"), "VAEEncode": (),
         "CreateKeyframes_HY": ("video_length_seconds", "fps", "window_size"), "CLIPVisionLoader": ("clip_name",),
         "CLIPVisionEncode": ("crop",), "VAEDecodeTiled": ("tile_size", "overlap", "temporal_size", "temporal_overlap"),
         "FramePackDiffusersSampler_HY": ("steps", "cfg", "guidance_scale", "seed", None, "width", "height",
                                          "gpu_memory_preservation", "sampler", "shift", "use_teacache",
                                          "teacache_thresh", "denoise_strength")}


def _api(ui: dict) -> dict:
    """The same workflow as API JSON (settings by name, links as [node id, slot])."""
    links = {lk[0]: lk for lk in ui["links"]}
    out = {}
    for n in ui["nodes"]:
        w = n["widgets_values"]
        inputs = dict(w) if isinstance(w, dict) else {k: v for k, v in zip(NAMES[n["type"]], w) if k}
        wired = {i["name"]: [str(links[i["link"]][1]), links[i["link"]][2]] for i in n["inputs"]}
        inputs = {k: v for k, v in inputs.items() if k not in wired} | wired
        out[str(n["id"])] = {"class_type": n["type"], "inputs": inputs}
    return out


def test_the_api_file_of_it_is_read_the_same():
    p = _nodes(convert(_api(_workflow()), "hy_api"), "video_models.framepack")[0].params
    assert (p["frames"], p["fps"], p["width"], p["height"], p["steps"], p["guidance"], p["seed"]) == \
        (141, 24.0, 640, 896, 30, 10.0, 4242)
