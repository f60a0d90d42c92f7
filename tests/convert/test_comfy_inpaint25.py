"""inpaint25: a loaded clip's encoded latent given a noise mask (ComfyUI's SetLatentNoiseMask) and sampled whole by a Wan
model converts to Text to Video with the clip on 'inpaint_video' and the mask on 'inpaint_mask' (mapping/inpaint_take.py),
and runs end to end on a tiny random Wan 2.1 T2V through the executor (the kept region put back after every step:
nodes/video_models/sampling/kept_region.py); ImagePadForOutpaint's padded clip and its thresholded mask are Studio's
Pad and Mask Tools; a LanPaint sampler (read by its sockets as KSamplerAdvanced) makes the same take; a denoise below 1
is still held, said truly."""
from __future__ import annotations

import os

import numpy as np

from studio.convert.mapping.convert import convert

T2V, TE, VAE = "wan2.1_t2v_1.3B_fp16.safetensors", "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan_2.1_vae.safetensors"


def _workflow(denoise: float = 1.0, pad: bool = False, lanpaint: bool = False) -> dict:
    """An API workflow: LoadVideo -> VAEEncode -> SetLatentNoiseMask (LoadImage's mask, or the pad's thresholded) ->
    KSampler (or LanPaint_KSamplerAdvanced) on Wan 2.1 T2V -> VAEDecode -> CreateVideo -> SaveVideo."""
    sampler = {"class_type": "KSampler", "inputs": {
        "model": ["1", 0], "seed": 5, "steps": 3, "cfg": 1.0, "sampler_name": "euler", "scheduler": "simple",
        "positive": ["5", 0], "negative": ["6", 0], "latent_image": ["24", 0], "denoise": denoise}}
    if lanpaint:  # LanPaint's own sampler: KSamplerAdvanced's sockets and settings, and its inner-step ones
        sampler = {"class_type": "LanPaint_KSamplerAdvanced", "inputs": {
            "model": ["1", 0], "add_noise": "enable", "noise_seed": 5, "steps": 3, "cfg": 1.0, "sampler_name": "euler",
            "scheduler": "simple", "positive": ["5", 0], "negative": ["6", 0], "latent_image": ["24", 0],
            "start_at_step": 0, "end_at_step": 10000, "return_with_leftover_noise": "disable",
            "LanPaint_NumSteps": 2, "LanPaint_Lambda": 16.0, "LanPaint_StepSize": 0.3,
            "LanPaint_PromptMode": "Image First", "LanPaint_Info": "LanPaint KSampler Adv."}}
    d = {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": T2V, "weight_dtype": "default"}},
        "3": {"class_type": "CLIPLoader", "inputs": {"clip_name": TE, "type": "wan", "device": "default"}},
        "4": {"class_type": "VAELoader", "inputs": {"vae_name": VAE}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "a red fox in the snow", "clip": ["3", 0]}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "blur", "clip": ["3", 0]}},
        "20": {"class_type": "LoadVideo", "inputs": {"file": "clip.mp4"}},
        "21": {"class_type": "GetVideoComponents", "inputs": {"video": ["20", 0]}},
        "22": {"class_type": "VAEEncode", "inputs": {"pixels": ["21", 0], "vae": ["4", 0]}},
        "23": {"class_type": "LoadImage", "inputs": {"image": "mask.png"}},
        "24": {"class_type": "SetLatentNoiseMask", "inputs": {"samples": ["22", 0], "mask": ["23", 1]}},
        "10": sampler,
        "12": {"class_type": "VAEDecode", "inputs": {"samples": ["10", 0], "vae": ["4", 0]}},
        "13": {"class_type": "CreateVideo", "inputs": {"images": ["12", 0], "fps": 16}},
        "14": {"class_type": "SaveVideo", "inputs": {"video": ["13", 0], "filename_prefix": "video/wan",
                                                    "format": "auto", "codec": "auto"}},
    }
    if pad:
        d["25"] = {"class_type": "ImagePadForOutpaint", "inputs": {"image": ["21", 0], "left": 8, "top": 0,
                                                                    "right": 8, "bottom": 0, "feathering": 4}}
        d["26"] = {"class_type": "ThresholdMask", "inputs": {"mask": ["25", 1], "value": 0.01}}
        d["22"]["inputs"]["pixels"] = ["25", 0]
        d["24"]["inputs"]["mask"] = ["26", 0]
        del d["23"]
    return d


def _links(g) -> set:
    return {(g.nodes[e.src].type_id, e.src_port, g.nodes[e.dst].type_id, e.dst_port) for e in g.links}


def _notes(conv) -> str:
    return "\n".join([*conv.log, *(n.get("text", "") for n in conv.graph.ui.get("notes", []))]) \
        if isinstance(getattr(conv.graph, "ui", None), dict) else "\n".join(conv.log)


def test_a_noise_masked_clip_at_denoise_1_is_text_to_video_with_the_clip_and_its_mask():
    conv = convert(_workflow(), "inpaint")
    g = conv.graph
    gen = next(n for n in g.nodes.values() if n.type_id == "video_models.text_to_video")
    links = _links(g)
    assert ("io.load_video", "video", "video_models.text_to_video", "inpaint_video") in links
    assert ("edit.mask_tools", "mask", "video_models.text_to_video", "inpaint_mask") in links  # 1 - alpha
    assert ("io.load_image", "alpha", "edit.mask_tools", "mask") in links
    assert gen.params["frames"] == 0 and gen.params["steps"] == 3  # the clip's length
    text = "\n".join(str(x) for x in conv.tasks) + _notes(conv)
    assert "'SetLatentNoiseMask' (SetLatentNoiseMask, #24) keeps the encoded clip outside its mask in the latent " \
           "'KSampler' (KSampler, #10) denoises whole: Text to Video makes the take with that clip on 'inpaint_video'" \
           in text, text
    assert "cannot continue or inpaint" not in text and "SetLatentNoiseMask' (SetLatentNoiseMask, #24), a step" \
        not in text
    # the take's length: ComfyUI's Wan encode keeps 1 + 4k frames of the clip, Studio every frame (said)
    assert "the take is as long as the clip: where that is not 1 + 4k frames ComfyUI's encode keeps its first 1 + 4k " \
           "(40 frames give 37), Studio makes every frame of the clip" in text


def test_an_outpaint_pad_and_its_thresholded_mask_are_studios_pad_and_mask_tools():
    conv = convert(_workflow(pad=True), "outpaint")
    g = conv.graph
    pad = next(n for n in g.nodes.values() if n.type_id == "edit.pad")
    cut = next(n for n in g.nodes.values() if n.type_id == "edit.mask_tools")
    assert (pad.params["left"], pad.params["right"], pad.params["feather"], pad.params["color"]) == \
        (8, 8, 4, "#808080")
    assert cut.params["threshold"] == 0.01
    links = _links(g)
    assert {("io.load_video", "video", "edit.pad", "video"), ("edit.pad", "video", "video_models.text_to_video",
                                                                "inpaint_video"),
            ("edit.pad", "mask", "edit.mask_tools", "mask"),
            ("edit.mask_tools", "mask", "video_models.text_to_video", "inpaint_mask")} <= links
    text = _notes(conv)
    assert "pads the clip by left 8, top 0, right 8, bottom 0 px, feathering 4 px before 'VAEEncode' (VAEEncode, " \
           "#22): Studio's Pad with the same pixels" in text and "thresholded at 0.01 (Studio's Mask Tools)" in text


def test_a_one_frame_mask_repeated_over_the_clip_is_said_held_on_every_frame():
    d = _workflow()
    d["27"] = {"class_type": "MaskToImage", "inputs": {"mask": ["23", 1]}}
    d["28"] = {"class_type": "RepeatImageBatch", "inputs": {"image": ["27", 0], "amount": 9}}
    d["29"] = {"class_type": "ImageToMask", "inputs": {"image": ["28", 0], "channel": "green"}}
    d["24"]["inputs"]["mask"] = ["29", 0]
    conv = convert(d, "repeat")
    assert ("edit.mask_tools", "mask", "video_models.text_to_video", "inpaint_mask") in _links(conv.graph)
    text = _notes(conv)
    assert "'mask' of 'SetLatentNoiseMask' is a mask 'RepeatImageBatch' (RepeatImageBatch, #28) repeats over the " \
           "clip's frames: Studio's Text to Video holds a one-frame 'inpaint_mask' on every frame" in text, text
    assert "wired without" not in text


def _own_encode(cls: str, **kw) -> dict:
    """The fixture with VAEEncodeForInpaint (or InpaintModelConditioning) masking its own latent instead of
    VAEEncode + SetLatentNoiseMask."""
    d = _workflow(**{k: v for k, v in kw.items() if k != "noise_mask"})
    del d["24"]
    if cls == "VAEEncodeForInpaint":
        d["22"] = {"class_type": cls, "inputs": {"pixels": ["21", 0], "vae": ["4", 0], "mask": ["23", 1],
                                                 "grow_mask_by": 6}}
        d["10"]["inputs"]["latent_image"] = ["22", 0]
    else:
        d["22"] = {"class_type": cls, "inputs": {"positive": ["5", 0], "negative": ["6", 0], "vae": ["4", 0],
                                                 "pixels": ["21", 0], "mask": ["23", 1],
                                                 "noise_mask": kw.get("noise_mask", True)}}
        d["10"]["inputs"].update({"latent_image": ["22", 2], "positive": ["22", 0], "negative": ["22", 1]})
    return d


def test_vae_encode_for_inpaint_is_the_same_take_its_grow_made_by_mask_tools():
    conv = convert(_own_encode("VAEEncodeForInpaint"), "vefi")
    g = conv.graph
    gen = next(n for n in g.nodes.values() if n.type_id == "video_models.text_to_video")
    assert gen.params["prompt"] == "a red fox in the snow"
    grow = next(n for n in g.nodes.values() if n.type_id == "edit.mask_tools" and n.params["grow"])
    assert (grow.params["grow"], grow.params["grow_shape"], grow.params["threshold"]) == (3, "square", 0.5)
    links = _links(g)
    assert ("io.load_video", "video", "video_models.text_to_video", "inpaint_video") in links
    assert ("edit.mask_tools", "mask", "edit.mask_tools", "mask") in links  # (alpha inverted, then grown)
    text = _notes(conv)
    assert "its grow_mask_by 6: Studio's Mask Tools rounds the mask and grows it by 3 px a side (a 7-pixel square; " \
           "ComfyUI's is 6 pixels)" in text, text


def test_inpaint_model_conditioning_with_its_noise_mask_is_the_same_take_else_held():
    conv = convert(_own_encode("InpaintModelConditioning"), "imc")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video")
    assert (gen.params["prompt"], gen.params["negative_prompt"]) == ("a red fox in the snow", "blur")
    assert "the masked clip it adds to the conditioning, which a model with inpainting channels reads, is not given" \
        in _notes(conv)
    for kw, why in (({"noise_mask": False}, "its 'noise_mask' is off"), ({"denoise": 0.6}, "denoise 0.6")):
        held = convert(_own_encode("InpaintModelConditioning", **kw), "imc_held")
        assert not any(n.type_id == "video_models.text_to_video" for n in held.graph.nodes.values())
        assert why in held.log[0], held.log[0]


def test_a_denoise_below_1_is_still_held_and_said_so():
    conv = convert(_workflow(denoise=0.6), "part")
    assert not any(n.type_id == "video_models.text_to_video" for n in conv.graph.nodes.values())
    text = "\n".join(conv.log)
    assert "at denoise 0.6" in text and "'inpaint_video'" in text, text


def test_a_lanpaint_sampler_makes_the_same_take_its_inner_steps_said_not_applied():
    conv = convert(_workflow(lanpaint=True), "lanpaint")
    assert ("io.load_video", "video", "video_models.text_to_video", "inpaint_video") in _links(conv.graph)
    text = _notes(conv)
    for name in ("LanPaint_NumSteps", "LanPaint_Lambda", "LanPaint_StepSize", "LanPaint_PromptMode"):
        assert name in text, text


def _mp4(path, frames: np.ndarray, fps: float = 16.0) -> None:
    import cv2
    h, w = frames.shape[1:3]
    out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    for f in frames:
        out.write(np.ascontiguousarray((f * 255).astype(np.uint8)[..., ::-1]))
    out.release()


def test_the_converted_inpaint_runs_end_to_end_on_a_tiny_wan(tmp_path, monkeypatch, tiny):
    import cv2

    from studio.engine.executor import Executor
    from studio.engine.media import probe
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "no-hf-cache"))
    g = convert(_workflow(), "inpaint").graph
    load = next(n for n in g.nodes.values() if n.type_id == "video_models.load")
    assert (load.params["model"], load.params["text_encoder"], load.params["vae"]) == (T2V, TE, VAE)
    for k, v in (("model", tiny("wan-t2v")), ("text_encoder", ""), ("vae", "")):  # the tiny model's folder for
        g.set_param(load.id, k, v)  # ComfyUI's three files (a tiny Wan's VAE is no released layout)
    rng = np.random.default_rng(3)
    _mp4(tmp_path / "clip.mp4", rng.uniform(0, 1, (9, 32, 32, 3)).astype(np.float32))
    rgba = np.full((32, 32, 4), 255, np.uint8)
    rgba[:, 16:, 3] = 0  # the right half transparent: ComfyUI's mask (1 - alpha) 1 there, made anew
    cv2.imwrite(str(tmp_path / "mask.png"), rgba)
    for n in g.nodes.values():
        if n.type_id in ("io.load_video", "io.load_image"):
            g.set_param(n.id, "path", str(tmp_path / os.path.basename(n.params["path"])))
    gen = next(n for n in g.nodes.values() if n.type_id == "video_models.text_to_video")
    g.set_param(gen.id, "preview_size", "off")
    save = next(n for n in g.nodes.values() if n.type_id == "io.save_video")
    g.set_param(save.id, "path", str(tmp_path / "out.mp4"))
    said = []
    Executor(frame_caching=False).run(g, device="cpu", on_event=said.append)
    info = probe(str(tmp_path / "out.mp4"))
    assert info["frames"] == 9 and info["width"] == 32
    texts = [getattr(e, "text", "") for e in said]
    assert any(t.startswith("inpaint: the clip is encoded by AutoencoderKLWan and kept outside the mask; inside it "
                            "(50% of the latent cells)") for t in texts), texts
