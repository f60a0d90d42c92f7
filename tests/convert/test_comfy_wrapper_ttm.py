"""Issue 112: kijai's ComfyUI-WanVideoWrapper's Time-to-Move (WanVideoAddTTMLatents on its image-to-video encode,
given a motion reference clip encoded on 'reference_latents' and a mask) is Studio's Image to Video with its
motion_reference, motion_mask, motion_start_step and motion_end_step (comfy_wrapper_ttm.py); a clip and mask made
together by one node Studio does not read hold the task, said. Hand-built UI workflows in the wrapper's layout."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said
from tests.convert.test_comfy_wrappers import UI, _common, _sampler, _save


def _typed(w: UI, nid: int, **types) -> None:
    """Declare the types of node ``nid``'s inputs (a UI file saves them; UI.add writes '*')."""
    for i in w.nodes[nid - 1]["inputs"]:
        i["type"] = types.get(i["name"], i["type"])


def _ttm(w: UI, reference, mask, steps=(1, 3)):
    model, text, vae = _common(w)
    image = w.add("LoadImage", ["monkey.png", "image"])
    enc = w.add("WanVideoImageToVideoEncode", [832, 480, 81, 0.0, 1.0, 1.0, True], vae=(vae, 0),
                start_image=(image, 0))
    ref = w.add("WanVideoEncode", [False, 272, 272, 144, 128, 0.0, 1.0], vae=(vae, 0), image=reference)
    more = {"mask": mask} if mask is not None else {}
    ttm = w.add("WanVideoAddTTMLatents", list(steps), embeds=(enc, 0), reference_latents=(ref, 0), **more)
    _typed(w, ttm, embeds="WANVIDIMAGE_EMBEDS", reference_latents="LATENT", mask="MASK")
    _typed(w, ref, image="IMAGE")
    _save(w, _sampler(w, model, text, ttm), vae)
    return ttm


def test_a_reference_clip_and_a_mask_from_files_are_image_to_videos_motion_reference_and_mask():
    w = UI()
    signal = w.add("VHS_LoadVideo", {"video": "motion_signal.mp4"})
    masks = w.add("VHS_LoadVideo", {"video": "mask.mp4"})
    to_mask = w.add("ImageToMask", ["red"], image=(masks, 0))
    _typed(w, to_mask, image="IMAGE")
    ttm = _ttm(w, (signal, 0), (to_mask, 0))
    conv = convert(w.doc(), "wrapper_ttm")
    assert conv.graph.validate() == []
    assert [t["generator"] for t in conv.tasks] == ["video_models.image_to_video"]
    gen = nodes_of(conv, "video_models.image_to_video")[0]
    assert (gen.params["motion_start_step"], gen.params["motion_end_step"]) == (1, 3)
    feeds = {}
    for link in conv.graph.links:
        if link.dst == gen.id:
            feeds[link.dst_port] = link.src
    loads = {n.id: n.params.get("path") for n in conv.graph.nodes.values() if n.type_id.startswith("io.load")}

    def origin(nid):  # up through the Studio nodes in between (a Scale) to the file loaded
        while nid not in loads:
            nid = next(link.src for link in conv.graph.links if link.dst == nid)
        return loads[nid]
    assert origin(feeds["motion_reference"]) == "motion_signal.mp4"
    assert origin(feeds["motion_mask"]) == "mask.mp4"
    assert origin(feeds["image"]) == "monkey.png"
    text = said(conv)
    assert f"'WanVideoAddTTMLatents' (WanVideoAddTTMLatents, #{ttm}) with its image-to-video encode " \
           "'WanVideoImageToVideoEncode' (#" in text
    assert "start_step 1 and end_step 3 as its motion_start_step and motion_end_step" in text
    assert "ImageToMask" in text  # the channel it picks: said (the generator binarises every channel)


def test_a_clip_and_mask_drawn_together_by_a_node_studio_does_not_read_hold_the_task_said():
    w = UI()
    bg = w.add("LoadImage", ["bg.png", "image"])
    drawn = w.add("DrawCutoutsAlongAPath", [0, True], bg_image=(bg, 0))
    _typed(w, drawn, bg_image="IMAGE")
    ttm = _ttm(w, (drawn, 0), (drawn, 1))
    conv = convert(w.doc(), "wrapper_ttm_drawn")
    assert [t["generator"] for t in conv.tasks] in ([], [None])
    assert not nodes_of(conv, "video_models.image_to_video")
    assert f"(WanVideoAddTTMLatents, #{ttm}) is read as Studio's Image to Video with Time-to-Move where" in said(conv)
    assert f"here the clip and the mask are two outputs of one node, 'DrawCutoutsAlongAPath' (DrawCutoutsAlongAPath, " \
           f"#{drawn}), which makes both together, so the task is held" in said(conv)


def test_a_ttm_node_given_no_mask_is_held_said():
    w = UI()
    ttm = _ttm(w, (w.add("VHS_LoadVideo", {"video": "motion_signal.mp4"}), 0), None)
    conv = convert(w.doc(), "wrapper_ttm_no_mask")
    assert not nodes_of(conv, "video_models.image_to_video")
    assert f"(WanVideoAddTTMLatents, #{ttm}) is read as Studio's Image to Video with Time-to-Move where it is given" \
           in said(conv)


def test_a_first_pass_decoded_beside_the_pass_that_finishes_it_is_said_made_whole():
    """The wrapper's second expert given the first's latent on 'samples' from a later step samples on adding no noise
    (add_noise_to_samples off): the first pass's own decode is its take unfinished in ComfyUI, said (heldout29's
    TTM example and a Lightning example decoded it unsaid)."""
    w = UI()
    model, text, vae = _common(w)
    image = w.add("LoadImage", ["monkey.png", "image"])
    enc = w.add("WanVideoImageToVideoEncode", [832, 480, 81, 0.0, 1.0, 1.0, True], vae=(vae, 0),
                start_image=(image, 0))
    high = _sampler(w, model, text, enc, (6, 1.0, 8.0, 43, "fixed", True, "euler", 0, 1.0, False, "comfy", 0, 3, False))
    low = _sampler(w, model, text, enc, (6, 1.0, 8.0, 43, "fixed", True, "euler", 0, 1.0, False, "comfy", 3, -1, False),
                   samples=(high, 0))
    _save(w, high, vae)
    _save(w, low, vae)
    conv = convert(w.doc(), "wrapper_two_passes")
    assert f"'WanVideoSampler' (WanVideoSampler, #{low}) samples on from this pass's latent adding no noise" \
           in said(conv)
