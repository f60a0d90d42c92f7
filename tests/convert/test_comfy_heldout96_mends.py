"""Issue 112, heldout96's mends (fresh set judged on main 542d1661): each test builds its workflow from node types,
values and links (written here from the facts: the packs' declared inputs), and fails without its mend.

1. A sampler's latent made by a node Studio cannot read (DynamiCrafter's processor) was given the task of any known
   node upstream of the output: an image-to-image VAEEncode sampled by another KSampler (a still fed to the processor
   as a picture), and "the clip encoded is noised away" was said of a latent no clip was encoded into: a node upstream
   of the sampler only through another sampler pass is that pass's, not this one's (96/04).
2. AnimateDiff's beta-schedule sentence said the take sampled "with AnimateDiff's DDIM" where the generator samples
   'lcm' (a node of one sampler, SamplerLCMCycle, named 'lcmcycle'): the sampler is read as the generator's is (96/11).
3. A pass's steps given by a node no catalogue pack declares, its settings saved by place in a UI file, were said
   "made ... when the workflow runs": said saved, unnamed, so not read (96/11).
4. A number saved where the catalogue's later layout of a node declares a setting of another type (DepthCrafter's
   max_res 512 where the pack now has a BOOLEAN force_size) was dropped from the not-taken sentence: said (96/01)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said

VHS = {"frame_rate": 8, "loop_count": 0, "filename_prefix": "take", "format": "video/h264-mp4", "pix_fmt": "yuv420p",
       "crf": 19, "save_metadata": False, "pingpong": False, "save_output": True}
LOAD_VIDEO = {"video": "clip.mp4", "force_rate": 0, "force_size": "Disabled", "custom_width": 512,
              "custom_height": 512, "frame_load_cap": 30, "skip_first_frames": 0, "select_every_nth": 1}


class UI:
    """A UI workflow: ``add(type, widgets, outputs, **inputs)``, each input (node id, output slot), each output type
    declared on the node's sockets as a UI file saves them."""

    def __init__(self):
        self.nodes, self.links = [], []

    def add(self, cls: str, widgets=None, outputs=(), **inputs) -> int:
        nid = len(self.nodes) + 1
        ins = []
        for name, (src, slot) in inputs.items():
            lid = len(self.links) + 1
            kind = next(n for n in self.nodes if n["id"] == src)["outputs"][slot]
            self.links.append([lid, src, slot, nid, len(ins), kind["type"]])
            kind["links"].append(lid)
            ins.append({"name": name, "type": kind["type"], "link": lid})
        self.nodes.append({"id": nid, "type": cls, "mode": 0, "inputs": ins, "widgets_values": widgets or [],
                           "outputs": [{"name": t.lower(), "type": t, "links": []} for t in outputs]})
        return nid

    def doc(self) -> dict:
        return {"nodes": self.nodes, "links": self.links}


def _checkpoint(w: UI):
    ckpt = w.add("CheckpointLoaderSimple", ["realisticVisionV60B1_v51VAE.safetensors"], ("MODEL", "CLIP", "VAE"))
    pos = w.add("CLIPTextEncode", ["a car at sunset"], ("CONDITIONING",), clip=(ckpt, 1))
    neg = w.add("CLIPTextEncode", ["blurry"], ("CONDITIONING",), clip=(ckpt, 1))
    return ckpt, pos, neg


def _interpolation():
    """DynamiCrafter's interpolation: still A, still B (A re-made by a second KSampler at denoise 0.8), both given
    as pictures to the processor, whose model and empty latent a third KSampler samples."""
    w = UI()
    ckpt, pos, neg = _checkpoint(w)
    empty = w.add("EmptyLatentImage", [1024, 640, 1], ("LATENT",))
    a = w.add("KSampler", [1337, "fixed", 20, 8, "dpmpp_2m", "karras", 1], ("LATENT",), model=(ckpt, 0),
              positive=(pos, 0), negative=(neg, 0), latent_image=(empty, 0))
    still_a = w.add("VAEDecode", [], ("IMAGE",), samples=(a, 0), vae=(ckpt, 2))
    enc = w.add("VAEEncode", [], ("LATENT",), pixels=(still_a, 0), vae=(ckpt, 2))
    b = w.add("KSampler", [1343, "fixed", 20, 8, "dpmpp_2m", "karras", 0.8], ("LATENT",), model=(ckpt, 0),
              positive=(pos, 0), negative=(neg, 0), latent_image=(enc, 0))
    still_b = w.add("VAEDecode", [], ("IMAGE",), samples=(b, 0), vae=(ckpt, 2))
    both = w.add("ImageBatch", [], ("IMAGE",), image1=(still_a, 0), image2=(still_b, 0))
    dc = w.add("DynamiCrafterLoader", ["dynamicrafter_unet_512_interp.safetensors"], ("MODEL", "IMAGE_PROJ_MODEL"))
    vision = w.add("CLIPVisionLoader", ["open_clip_pytorch_model.bin"], ("CLIP_VISION",))
    proc = w.add("DynamiCrafterProcessor", [True, 8, 16, True], ("MODEL", "LATENT", "LATENT"), model=(dc, 0),
                 clip_vision=(vision, 0), vae=(ckpt, 2), image_proj_model=(dc, 1), images=(both, 0))
    take = w.add("KSampler", [42, "fixed", 15, 12, "euler_ancestral", "sgm_uniform", 1], ("LATENT",),
                 model=(proc, 0), positive=(pos, 0), negative=(neg, 0), latent_image=(proc, 1))
    frames = w.add("VAEDecode", [], ("IMAGE",), samples=(take, 0), vae=(ckpt, 2))
    w.add("VHS_VideoCombine", dict(VHS), (), images=(frames, 0))
    return convert(w.doc(), "interpolation")


def test_an_encode_another_sampler_makes_is_not_the_task_of_a_latent_a_pack_node_makes():
    conv = _interpolation()
    text = said(conv)
    assert "denoises its encoded latent whole" not in text and "the clip encoded" not in text
    assert nodes_of(conv, "video_models.text_to_video") and not nodes_of(conv, "video_models.video_to_video")
    assert "the take's size and length come from ComfyUI's 'DynamiCrafterProcessor'" in text


def _lcm_cycle(steps_widget: list):
    """AnimateDiff (Gen1 loader, beta schedule 'lcm[100_ots]') sampled by SamplerCustom with SamplerLCMCycle and the
    LCMScheduler (jojkaart's sampler-lcm-alternative: declared by no catalogue pack)."""
    w = UI()
    ckpt, pos, neg = _checkpoint(w)
    ad = w.add("ADE_AnimateDiffLoaderGen1", ["sd15_t2v_beta_motion.safetensors", "lcm[100_ots]"], ("MODEL",),
               model=(ckpt, 0))
    cycle = w.add("SamplerLCMCycle", [2, 2, False, 0], ("SAMPLER",))
    sigmas = w.add("LCMScheduler", steps_widget, ("SIGMAS",), model=(ad, 0))
    empty = w.add("EmptyLatentImage", [512, 512, 16], ("LATENT",))
    s = w.add("SamplerCustom", [True, 7, "fixed", 1.8], ("LATENT", "LATENT"), model=(ad, 0), positive=(pos, 0),
              negative=(neg, 0), sampler=(cycle, 0), sigmas=(sigmas, 0), latent_image=(empty, 0))
    frames = w.add("VAEDecode", [], ("IMAGE",), samples=(s, 0), vae=(ckpt, 2))
    w.add("VHS_VideoCombine", dict(VHS), (), images=(frames, 0))
    return convert(w.doc(), "lcm_cycle"), sigmas


def test_an_lcm_take_read_from_a_node_of_one_sampler_is_said_sampled_with_lcmscheduler():
    conv, _ = _lcm_cycle([10])
    assert nodes_of(conv, "video_models.text_to_video")[0].params["sampler"] == "lcm"
    text = said(conv)
    assert "AnimateDiff's DDIM" not in text
    assert ("beta_schedule 'lcm[100_ots]' is not taken: Studio samples ComfyUI's motion module and checkpoint with "
            "LCMScheduler on linear betas") in text


def test_steps_saved_by_place_on_an_undeclared_node_are_said_unnamed_not_made_when_it_runs():
    conv, sigmas = _lcm_cycle([10])
    text = said(conv)
    assert (f"the first pass's steps is given by ComfyUI's 'LCMScheduler' (LCMScheduler, #{sigmas}), whose type no "
            "pack in Studio's catalogue declares: its settings, saved by place (#0 10), are not named, so its steps is "
            "not read") in text
    assert "'LCMScheduler' (LCMScheduler, #" + str(sigmas) + ") when the workflow runs" not in text


def _depthcrafter(values: list):
    w = UI()
    clip = w.add("VHS_LoadVideo", dict(LOAD_VIDEO), ("IMAGE", "INT", "AUDIO", "VHS_VIDEOINFO"))
    model = w.add("DownloadAndLoadDepthCrafterModel", [], ("DEPTHCRAFTER_MODEL",))
    depth = w.add("DepthCrafter", values, ("IMAGE",), depthcrafter_model=(model, 0), images=(clip, 0))
    w.add("VHS_VideoCombine", dict(VHS, frame_rate=30), (), images=(depth, 0))
    return said(convert(w.doc(), "depthcrafter")), depth


def test_a_number_saved_where_the_catalogues_layout_has_a_boolean_is_said_another_versions_setting():
    text, depth = _depthcrafter([512, 10, 1.2, 110, 25])  # (the pack's Oct 2024 layout: max_res first)
    # (fit23: a number on a BOOLEAN is another version's layout, reading.misnamed: every value said by place)
    assert (f"'DepthCrafter' (#{depth})'s settings #0 512, #1 10, #2 1.2, #3 110, #4 25 (by place: they do not fit "
            "its catalogued version's settings in that order, another version's): not taken") in text
    assert "force_size 512" not in text
    text, _ = _depthcrafter([True, 10, 1.2, 110, 25])  # (the layout the catalogue declares: nothing of another's)
    assert "another version's setting" not in text
