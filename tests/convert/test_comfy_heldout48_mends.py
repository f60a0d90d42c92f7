"""heldout48's mends, each read by declared types and built here from node types, values and links (no fetched
file): a muted pack sampler says nothing of what it would apply (mend 1)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, said
from tests.convert.test_comfy_framepack_wrapper import SAMPLER, loaders
from tests.convert.test_comfy_wrappers import UI


def _chained(muted: int = 2):
    """A FramePack take and a second section continuing from it (its seconds wired from the first sampler, as the
    wrapper's chaining fork saves them), the second muted (mode ``muted``) with its decode and writer."""
    w = UI()
    model, pos, neg, vae = loaders(w)
    start = w.add("VAEEncode", [], pixels=(w.add("LoadImage", ["first.png", "image"]), 0), vae=(vae, 0))
    first = w.add("FramePackSampler", list(SAMPLER), model=(model, 0), positive=(pos, 0), negative=(neg, 0),
                  start_latent=(start, 0))
    w.add("VHS_VideoCombine", {"frame_rate": 30, "filename_prefix": "one"},
          images=(w.add("VAEDecodeTiled", [256, 64, 64, 8], samples=(first, 0), vae=(vae, 0)), 0))
    second = w.add("FramePackSampler", list(SAMPLER), mode=muted, model=(model, 0), positive=(pos, 0),
                   negative=(neg, 0), start_latent=(first, 0), total_second_length=(first, 9))
    w.add("VHS_VideoCombine", {"frame_rate": 30, "filename_prefix": "two"}, mode=muted,
          images=(w.add("VAEDecodeTiled", [256, 64, 64, 8], mode=muted, samples=(second, 0), vae=(vae, 0)), 0))
    return w.doc(), first, second


def test_a_muted_pack_sampler_is_said_to_apply_nothing():
    """Mend 1: a muted (or bypassed) section's TeaCache and its wired seconds were said as if it sampled ('samples
    with TeaCache ...: not applied', 'the value saved in the file (5) is used'): ComfyUI does not run it, and Studio
    makes nothing of it (it is listed muted). The running sampler's sentences stay."""
    for mode in (2, 4):
        doc, first, second = _chained(mode)
        text = said(convert(doc, "chained"))
        assert f"#{first}) samples with TeaCache" in text
        assert f"#{second}) samples with TeaCache" not in text, text
        assert f"(#{second})'s total_second_length comes from" not in text, text


def _one_sampler(widgets):
    w = UI()
    model, pos, neg, vae = loaders(w)
    start = w.add("VAEEncode", [], pixels=(w.add("LoadImage", ["first.png", "image"]), 0), vae=(vae, 0))
    end = w.add("VAEEncode", [], pixels=(w.add("LoadImage", ["last.png", "image"]), 0), vae=(vae, 0))
    s = w.add("FramePackSampler", widgets, model=(model, 0), positive=(pos, 0), negative=(neg, 0),
              start_latent=(start, 0), end_latent=(end, 0))
    w.add("VHS_VideoCombine", {"frame_rate": 30, "filename_prefix": "fp"},
          images=(w.add("VAEDecodeTiled", [256, 64, 64, 8], samples=(s, 0), vae=(vae, 0)), 0))
    return w.doc(), s


def test_a_forks_widgets_past_a_value_of_another_kind_are_not_read_by_the_releases_names():
    """Mend 2: a fork saving denoise_strength 1 and keyframe_weight 1.2 after the sampler name, where the release
    declares embed_interpolation (a choice of words) and start_embed_strength, was said "its image embeddings'
    interpolation '1' is not taken". The first value not of its declared kind stops the reading by name there
    (said); the release's own layout is read as before."""
    fork = list(SAMPLER[:12]) + [1, 1.2]
    doc, s = _one_sampler(fork)
    conv = convert(doc, "fork")
    text = said(conv)
    assert "interpolation '1'" not in text, text
    assert f"#{s}) saves 1 at place 13 of its 14 values, where Studio reads its 'embed_interpolation'" in text
    gen = [n for n in conv.graph.nodes.values() if n.type_id == "video_models.framepack"][0]
    assert (gen.params["steps"], gen.params["seed"], gen.params["frames"]) == (25, 47, 145)  # the places before kept (5 s: 145)
    release = list(SAMPLER[:12]) + ["weighted_average", 0.5, 1.0]
    text = said(convert(_one_sampler(release)[0], "release"))
    assert "interpolation 'weighted_average' is not taken" in text and "another version of the pack" not in text


def _svd(min_cfg):
    return api({"15": ("ImageOnlyCheckpointLoader", {"ckpt_name": "svd_xt.safetensors"}),
                "23": ("LoadImage", {"image": "plane.png"}),
                "12": ("SVD_img2vid_Conditioning", {"width": 1024, "height": 576, "video_frames": 25,
                                                    "motion_bucket_id": 127, "fps": 6, "augmentation_level": 0,
                                                    "clip_vision": ["15", 1], "init_image": ["23", 0], "vae": ["15", 2]}),
                "14": ("VideoLinearCFGGuidance", {"min_cfg": min_cfg, "model": ["15", 0]}),
                "3": ("KSampler", {"seed": 1, "steps": 20, "cfg": 2.5, "sampler_name": "euler", "scheduler": "karras",
                                   "denoise": 1, "model": ["14", 0], "positive": ["12", 0], "negative": ["12", 1],
                                   "latent_image": ["12", 2]}),
                "8": ("VAEDecode", {"samples": ["3", 0], "vae": ["15", 2]}),
                "26": ("VHS_VideoCombine", {"frame_rate": 6, "loop_count": 0, "filename_prefix": "svd",
                                            "format": "video/h264-mp4", "pingpong": False, "save_output": True,
                                            "images": ["8", 0]})})


def test_svds_linear_frame_guidance_is_the_generators_own():
    """Mend 3: VideoLinearCFGGuidance (min_cfg 1) before an SVD sampler was said "not applied: Studio loads the model
    without it"; diffusers' SVD guides every take linearly over the frames from 1 to the cfg (the generator's
    guidance): said so. Another min_cfg is the generator's 'min_guidance' (svdcfg8)."""
    text = said(convert(_svd(1.0), "svd"))
    assert "'VideoLinearCFGGuidance' (VideoLinearCFGGuidance, #14) guides the frames linearly from cfg 1" in text
    assert "not applied" not in text.split("VideoLinearCFGGuidance, #14")[1].split("\n")[0], text
    assert "#14: a model patch" not in text and "a model patch on the model" not in text, text
    text = said(convert(_svd(2.0), "svd"))
    assert "#14) guides the frames linearly from cfg 2 at the first to the sampler's cfg at the last: the generator's " \
        "'min_guidance' 2" in text, text



def test_a_motion_lora_is_named_by_its_own_loader():
    """Mend 4: a motion LoRA read as a model LoRA after ADE_UseEvolvedSampling was made under that node's id
    ('318:motion_lora0'), so a held task's sentences said "'ADE_AnimateDiffLoRALoader' (ADE_AnimateDiffLoRALoader,
    #318) loads the LoRA ..." of the evolved-sampling node (heldout48 08, 09; sentence checks: the wrong node). The
    LoRA read is made under its own loader's id, which a sentence names."""
    from nodes.video_models.families.animatediff import comfy_loras
    from studio.convert.reading.file_ids import file_id
    from studio.convert.reading.workflow import Workflow
    w = UI()
    ckpt = w.add("CheckpointLoaderSimple", ["photon_v1.safetensors"])
    first = w.add("ADE_AnimateDiffLoRALoader", ["WAS26.safetensors", 0.4])
    second = w.add("ADE_AnimateDiffLoRALoader", ["liquidOilEmulsion_v10.safetensors", 0.3], prev_motion_lora=(first, 0))
    motion = w.add("ADE_LoadAnimateDiffModel", ["AnimateLCM_sd15_t2v.safetensors"])
    applied = w.add("ADE_ApplyAnimateDiffModelSimple", [], motion_model=(motion, 0), motion_lora=(second, 0))
    evolved = w.add("ADE_UseEvolvedSampling", ["sqrt_linear (AnimateDiff)"], model=(ckpt, 0), m_models=(applied, 0))
    wf = Workflow.read(w.doc())
    comfy_loras.translate(wf)
    made = [n for n in wf.nodes.values() if n.cls == "LoraLoaderModelOnly"]
    assert [(file_id(n.id), n.widgets["lora_name"]) for n in made] == [
        (str(first), "WAS26.safetensors"), (str(second), "liquidOilEmulsion_v10.safetensors")], [n.id for n in made]
    assert all(file_id(n.id) != str(evolved) for n in made)


def _schedule_fed_by_a_caption():
    """A BatchPromptSchedule whose 'text' a node Studio does not run writes (a caption's travel helper), a UI file
    keeping the text it saved last; the schedule conditions a KSampler."""
    w = UI()
    ckpt = w.add("CheckpointLoaderSimple", ["photon_v1.safetensors"])
    helper = w.add("FlorencePromptTravelHelper", ["", 5, 5, 10])  # (a pack no catalogue declares: its text unknown)
    sched = w.add("BatchPromptSchedule", ['"0": "a meadow", "24": "a forest"', 48, False, 0, 0],
                  clip=(ckpt, 1), text=(helper, 0))
    return w, ckpt, sched


def test_a_schedules_text_written_by_another_node_is_said_read_from_the_file():
    """Mend 5: a prompt schedule whose text another node writes was said "its 'text' is given by another node whose
    text Studio cannot work out: not read" while the text the UI file saved was made into the Prompt Schedule; and
    where a held take's prompt ends at it, "which Studio does not read" while Studio reads it as a Prompt Schedule
    elsewhere. Both now say what is read."""
    from studio.convert.reading import prompt_schedules
    from studio.convert.reading.workflow import Workflow
    from studio.convert.tracing import prompts
    w, ckpt, sched = _schedule_fed_by_a_caption()
    neg = w.add("CLIPTextEncode", [""], clip=(ckpt, 1))
    s = w.add("KSampler", [1, "fixed", 8, 7.0, "euler", "normal", 1.0], model=(ckpt, 0), positive=(sched, 0),
              negative=(neg, 0))
    wf = Workflow.read(w.doc())
    read = prompt_schedules.read(wf.nodes[str(sched)], wf.value)
    assert [k for k, _ in read.keys] == [0, 24]
    assert any("the text the file saved for it is read in its place" in u for u in read.unread), read.unread
    assert not any(u.endswith("not read") for u in read.unread), read.unread
    said_ = []
    prompts._unread_end(wf, wf.nodes[str(s)], "positive", set(), said_, 0)
    assert said_ and "a prompt schedule, which Studio reads only as a Prompt Schedule" in said_[0], said_
    assert "which Studio does not read" not in said_[0]


def test_framepacks_bucket_size_is_the_nodes_bucket():
    """Mend 6: the start picture resized (through a measuring node) to the size FramePackFindNearestBucket gives at
    base 640 was wired without the resize ("not read there"): the Framepack node made the picture's own size. Now its
    'bucket' 640 makes FramePack's bucket nearest the picture's aspect (the release's table); the end picture's resize
    to the same size is the pipeline's own. Another base is read as before."""
    from nodes.video_models.families.framepack.buckets import nearest
    assert nearest(1024, 1024) == (640, 608) and nearest(720, 1280) == (480, 832) and nearest(1280, 720) == (832, 480)
    for base, bucketed, muted in (("640", True, False), ("512", False, False), ("640", True, True)):
        w = UI()
        model, pos, neg, vae = loaders(w)
        first, last = w.add("LoadImage", ["first.png", "image"]), w.add("LoadImage", ["last.png", "image"])
        bucket = w.add("FramePackFindNearestBucket", [int(base)], image=(first, 0))
        if muted:  # (a muted chain's resize of the same bucket, which ComfyUI never runs: heldout48 06)
            w.add("ImageResize+", [512, 512, "lanczos", "stretch", "always", 0], mode=2, image=(first, 0),
                  width=(bucket, 0), height=(bucket, 1))
        sized = [w.add("GetImageSizeAndCount", [], image=(w.add("ImageResize+", [512, 512, "lanczos", "stretch", "always", 0],
                                                                 image=(pic, 0), width=(bucket, 0), height=(bucket, 1)), 0))
                 for pic in (first, last)]
        start, end = (w.add("VAEEncode", [], pixels=(s, 0), vae=(vae, 0)) for s in sized)
        s = w.add("FramePackSampler", list(SAMPLER), model=(model, 0), positive=(pos, 0), negative=(neg, 0),
                  start_latent=(start, 0), end_latent=(end, 0))
        w.add("VHS_VideoCombine", {"frame_rate": 30, "filename_prefix": "fp"},
              images=(w.add("VAEDecodeTiled", [256, 64, 64, 8], samples=(s, 0), vae=(vae, 0)), 0))
        conv = convert(w.doc(), "bucket")
        gen = [n for n in conv.graph.nodes.values() if n.type_id == "video_models.framepack"][0]
        text = said(conv)
        assert gen.params["bucket"] == ("640" if bucketed else "off"), gen.params
        assert ("'bucket' 640 makes the take at that size" in text) is bucketed  # (heldout49's reading, comfy_bucket)
        assert ("not read there" not in text) is bucketed, text
        wired = {k: conv.graph.nodes[conv.graph.input_link(gen.id, k)[0]].params["path"] for k in ("image", "last_image")}
        assert wired == {"image": "first.png", "last_image": "last.png"}


def test_a_previewed_control_step_written_by_studio_is_said_so():
    """Mend 7: a Video Combine showing the depth clip a generator's control is made of, its save_output off (a
    preview in ComfyUI's temp folder), became a Save Video into out/ with no sentence (heldout48 03's depth preview;
    the take's own preview writer had its sentence)."""
    from tests.convert.test_comfy_control_steps import _fun_control
    doc = _fun_control("DepthAnythingV2Preprocessor", ["depth_anything_v2_vitl.pth", 512])
    pre = next(n for n in doc["nodes"] if n["type"] == "DepthAnythingV2Preprocessor")["id"]
    nid = len(doc["nodes"]) + 1
    doc["links"].append([len(doc["links"]) + 1, pre, 0, nid, 0, "*"])
    doc["nodes"].append({"id": nid, "type": "VHS_VideoCombine", "mode": 0, "outputs": [],
                         "inputs": [{"name": "images", "type": "*", "link": len(doc["links"])}],
                         "widgets_values": {"frame_rate": 16, "filename_prefix": "depth", "save_output": False}})
    text = said(convert(doc, "depth_preview"))
    assert f"(#{nid}, VHS_VideoCombine) shows what" in text, text
    assert f"'VHS_VideoCombine' (#{nid}) only previews its video in ComfyUI" in text, text
