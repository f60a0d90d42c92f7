"""Video utilities (Load Video -> utility -> save) told by what their packs declare, not by a list of names
(finishing/declared.py): kijai's GIMM-VFI (heldout15 11: 'not named ... VFI', passed over) as Studio's Frame
Interpolation with its factor, its loader's file said and its other settings said not taken; an invented pack's
interpolation and upscale known by the sockets its UI file declares; an image operation with a 'multiplier' but
nothing of interpolation left alone. Small UI files of our own."""
from __future__ import annotations

from studio.convert.finishing.declared import utility_by_types
from studio.convert.finishing.own_rate import interpolates
from studio.convert.mapping.convert import convert
from studio.convert.reading.workflow import CNode, Workflow


def _n(nid, cls, ins, outs, values):
    return {"id": nid, "type": cls, "mode": 0, "widgets_values": values,
            "inputs": [{"name": k, "type": t, "link": lk, **({"widget": {"name": k}} if w else {})}
                       for k, t, lk, w in ins],
            "outputs": [{"name": k, "type": t, "links": lk} for k, t, lk in outs]}


def _way(utility: dict, loader: dict | None, model_type: str, model_input: str, picture_input: str = "images") -> dict:
    """Load Video (#3, every 3rd frame at the file's own rate) -> [``utility`` #1, its model from ``loader`` #2] -> Video Combine (#4)."""
    load = _n(3, "VHS_LoadVideo", [], [("IMAGE", "IMAGE", [7]), ("frame_count", "INT", None),
                                       ("audio", "AUDIO", None)],
              {"video": "clip.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0, "frame_load_cap": 0,
               "skip_first_frames": 0, "select_every_nth": 3, "format": "None"})
    save = _n(4, "VHS_VideoCombine", [("images", "IMAGE", 3, False), ("audio", "AUDIO", None, False)],
              [("Filenames", "VHS_FILENAMES", None)],
              {"frame_rate": 24, "loop_count": 0, "filename_prefix": "tween", "format": "video/h264-mp4",
               "pingpong": False, "save_output": True})
    utility["inputs"] = [{"name": model_input, "type": model_type, "link": 1},
                         {"name": picture_input, "type": "IMAGE", "link": 7}] + utility.get("inputs", [])
    nodes = [utility, load, save] + ([loader] if loader else [])
    links = [[7, 3, 0, 1, 1, "IMAGE"], [3, 1, 0, 4, 0, "IMAGE"]] + ([[1, 2, 0, 1, 0, model_type]] if loader else [])
    return {"nodes": nodes, "links": links, "version": 0.4}


def _gimm() -> dict:
    gimm = _n(1, "GIMMVFI_interpolate", [], [("images", "IMAGE", [3]), ("flow_tensors", "IMAGE", [])],
              [1, 3, 42, "fixed"])
    loader = _n(2, "DownloadAndLoadGIMMVFIModel", [], [("gimmvfi_model", "GIMMVIF_MODEL", [1])],
                ["gimmvfi_f_arb_lpips_fp32.safetensors"])
    return _way(gimm, loader, "GIMMVIF_MODEL", "gimmvfi_model")


def _notes(conv) -> str:
    return "\n".join(conv.log) + "\n" + "\n".join(n["text"] for n in conv.graph.ui.get("notes", []))


def _types(conv) -> list[str]:
    return [n.type_id for n in conv.graph.nodes.values()]


def test_gimm_vfi_is_a_frame_interpolation_by_its_declared_types_its_loader_read_with_it():
    conv = convert(_gimm(), "gimm")
    said = _notes(conv)
    assert _types(conv) == ["io.load_video", "transform.trim", "motion.interpolate", "edit.frame_rate",
                            "edit.replace_audio", "io.save_video"], said
    interp = next(n for n in conv.graph.nodes.values() if n.type_id == "motion.interpolate")
    assert interp.params["factor"] == 3  # its interpolation_factor
    assert conv.tasks[0]["task"] == "frame interpolation (GIMM-VFI Interpolate)"
    assert ("frame interpolation (GIMM-VFI Interpolate): Studio interpolates by optical flow, not with ComfyUI's "
            "network ('gimmvfi_f_arb_lpips_fp32.safetensors'): 'DownloadAndLoadGIMMVFIModel' (DownloadAndLoadGIMMVFIModel, "
            "#2), which loads it for 'GIMMVFI_interpolate' (#1)'s 'gimmvfi_model', is not loaded") in said  # its file
    assert "'GIMMVFI_interpolate' (#1)'s ds_factor 1, seed 42: not taken" in said  # (an older version's order, saved
    # before its optional output_flows, its seed's control value after the seed: named so, fit23)
    assert "by place" not in said
    assert ("'VHS_LoadVideo' (VHS_LoadVideo, #3) picks the frames from 0 on, every 3 of 'clip.mp4': Studio's Trim "
            "after its Load Video keeps the same frames") in said  # the loader's every 3rd frame, as an input's
    trim = next(n for n in conv.graph.nodes.values() if n.type_id == "transform.trim")
    assert trim.params["step"] == 3
    assert "cannot convert 'GIMMVFI_interpolate'" not in said and "motion.interpolate_rife" not in _types(conv)


def test_an_uncatalogued_interpolation_is_known_by_its_model_sockets_declared_type():
    tween = _n(1, "AcmeTweenFrames", [("frames_between", "INT", None, True)], [("IMAGE", "IMAGE", [3])], [2])
    loader = _n(2, "AcmeTweenLoader", [], [("tween_model", "ACME_INTERP_MODEL", [1])], ["acme_tween_v2.pth"])
    conv = convert(_way(tween, loader, "ACME_INTERP_MODEL", "tween_model", "frames"), "acme")
    said = _notes(conv)
    interp = next((n for n in conv.graph.nodes.values() if n.type_id == "motion.interpolate"), None)
    assert interp is not None, said
    assert interp.params["factor"] == 3  # two frames between each two: three of each
    assert "not with ComfyUI's network ('acme_tween_v2.pth')" in said
    assert ("'AcmeTweenLoader' (AcmeTweenLoader, #2), which loads it for 'AcmeTweenFrames' (#1)'s 'tween_model', is "
            "not loaded") in said and "cannot convert" not in said  # read with the interpolation, its file said


def test_an_uncatalogued_upscale_is_known_by_its_upscale_model_socket():
    sr = _n(1, "AcmeSuperResolve", [("tile", "INT", None, True)], [("IMAGE", "IMAGE", [3])], [512])
    loader = _n(2, "UpscaleModelLoader", [], [("UPSCALE_MODEL", "UPSCALE_MODEL", [1])], ["4x_acme.pth"])
    conv = convert(_way(sr, loader, "UPSCALE_MODEL", "sr_model", "pixels"), "acme_sr")
    up = next((n for n in conv.graph.nodes.values() if n.type_id == "finishing.upscale"), None)
    assert up is not None and up.params["model"] == "4x_acme.pth", _notes(conv)
    assert conv.tasks[0]["task"] == "upscale (learned upscaler)"


def test_a_picture_operation_with_a_multiplier_and_nothing_of_interpolation_is_no_utility():
    glow = _n(1, "AcmeGlowFrames", [("multiplier", "FLOAT", None, True)], [("IMAGE", "IMAGE", [3])], [1.5])
    loader = _n(2, "AcmeGlowLoader", [], [("glow_model", "ACME_GLOW_MODEL", [1])], ["glow.pth"])
    doc = _way(glow, loader, "ACME_GLOW_MODEL", "glow_model")
    wf = Workflow.read(doc)
    assert utility_by_types(wf.nodes["1"], wf) is None
    conv = convert(doc, "glow")
    assert "motion.interpolate" not in _types(conv) and "finishing.upscale" not in _types(conv)


def test_catalogued_types_by_their_declarations():
    def kind(cls):
        found = utility_by_types(CNode("1", cls))
        return found and (found[0].split(" (")[0], found[1])

    assert kind("GIMMVFI_interpolate") == ("frame interpolation", None)  # category 'PyramidFlowWrapper': its loader's
    assert kind("ImageUpscaleWithModelBatched") == ("upscale", None)
    assert kind("DepthAnything_V2") == ("depth", "depth")
    assert kind("DepthAnythingTensorrtFormat") is None  # converts a depth map: no estimator
    assert kind("FaceDetailer") is None  # a model, a VAE, conditionings: a detailer, not a utility
    assert kind("ImageResizeKJ") is None
    assert interpolates(CNode("5", "GIMMVFI_interpolate")) and not interpolates(CNode("6", "ImageScaleBy"))
