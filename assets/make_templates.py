"""Builds the template graphs in assets/graphs/ (and their thumbnails) from code, so they stay
valid as nodes evolve. `.venv/bin/python assets/make_templates.py [--thumbs]`.

Each template carries ui.template = {title, description} for File > New from template, and a
note on the canvas saying what it does and which knobs matter. Media paths are relative to
assets/graphs/ (the engine resolves them against the graph file's folder)."""
from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from studio.core.fileformat import save_graph  # noqa: E402
from studio.core.graph import Graph  # noqa: E402

GRAPHS = os.path.join(HERE, "graphs")


# Training templates stop on their time budget, not on their step count: the Train node says so with a
# warning (the steps asked for were not all made), which is expected here, and the note says why.
BUDGET_WARNING = ("A run ends 'with warnings': Train says it was 'stopped by its time budget ... at step N of "
                  "{steps}'. That is expected: max_minutes ({minutes:g} min), not steps, ends training here; "
                  "raise max_minutes to train longer.")


def _note_height(text: str, chars_per_line: int = 50, line_px: float = 19.0) -> float:
    """About the height the canvas gives a note of ``text`` (15 px text in a 420 px note), so a
    template's note sits above its nodes instead of over them."""
    import math
    lines = sum(max(1, math.ceil(len(part) / chars_per_line)) for part in text.split("\n"))
    return lines * line_px + 16.0


def _finish(g: Graph, name: str, title: str, description: str, note: str, note_pos=(0, -170),
            gpu: bool = False, category: str | None = None) -> str:
    """``gpu``: made for a CUDA GPU (far too slow on a CPU): the template browser says so. ``category``: the
    browser's shelf, declared by the template itself (studio.core.template_categories.ORDER)."""
    g.ui["template"] = {"title": title, "description": description, **({"gpu": True} if gpu else {}),
                        **({"category": category} if category else {})}
    top = min((p[1] for p in g.ui.get("positions", {}).values()), default=0.0) if isinstance(
        g.ui.get("positions"), dict) else 0.0
    y = min(note_pos[1], top - _note_height(note) - 30)  # above the nodes, never over them
    g.ui["notes"] = [{"text": note, "pos": [note_pos[0], y]}]
    path = os.path.join(GRAPHS, name + ".json")
    save_graph(g, path)
    return path


def motion_transfer() -> str:
    g = Graph()
    img = g.add_node("io.load_image", {"path": "../media/still.png"}, pos=(0, 0), title="Still")
    drv = g.add_node("io.load_video", {"path": "../media/driving.mp4"}, pos=(0, 180), title="Driving clip")
    mt = g.add_node("motion.transfer_flow", {"method": "dis_medium", "refine": True}, pos=(300, 60))
    flow = g.add_node("motion.optical_flow", {"method": "dis_fast"}, pos=(300, 260))
    fc = g.add_node("motion.flow_to_color", {}, pos=(560, 260), title="Driving motion")
    out = g.add_node("io.save_video", {"path": "out/motion_transfer.mp4"}, pos=(600, 60))
    g.connect(img.id, "image", mt.id, "image")
    g.connect(drv.id, "video", mt.id, "driving")
    g.connect(drv.id, "video", flow.id, "video")
    g.connect(flow.id, "flow", fc.id, "flow")
    g.connect(mt.id, "video", out.id, "video")
    return _finish(g, "motion_transfer", "Motion transfer",
                   "Animate a still image with the motion of a driving clip (dense optical flow).",
                   "Motion transfer: the still takes the motion of the driving clip, frame by frame.\n"
                   "Knobs: Motion Transfer > method (dis_medium: accurate; dis_fast: quicker), refine "
                   "(less drift on long clips). Swap in your own still and driving clip on the left; "
                   "'Driving motion' shows the flow as colour.")


def slow_motion() -> str:
    g = Graph()
    src = g.add_node("io.load_video", {"path": "../media/shapes.mp4"}, pos=(0, 0), title="Clip")
    it = g.add_node("motion.interpolate", {"factor": 4.0, "slow_motion": True, "method": "dis_medium"},
                    pos=(280, 0), title="Slow motion 4x")
    out = g.add_node("io.save_video", {"path": "out/slow_motion.mp4"}, pos=(560, 0))
    g.connect(src.id, "video", it.id, "video")
    g.connect(it.id, "video", out.id, "video")
    return _finish(g, "slow_motion", "Slow motion 4x",
                   "Four times slower by flow-based frame interpolation (occlusion-aware blending).",
                   "Slow motion: three new frames between each pair, made by warping both neighbours "
                   "along the optical flow.\nKnobs: factor (2, 4, 8 or any retime), slow_motion off "
                   "raises the frame rate instead, method, occlusion_weight.")


def music_visualiser() -> str:
    g = Graph()
    au = g.add_node("io.load_audio", {"path": "../media/music.wav"}, pos=(0, 0), title="Music")
    enc = g.add_node("encode.audio", {"fps": 24.0}, pos=(260, 0))
    noise = g.add_node("procedural.noise", {"column": "loudness", "amount": 1.0, "width": 320, "height": 240,
                                            "color_a": "#0b1030", "color_b": "#3070ff"}, pos=(540, -160))
    parts = g.add_node("procedural.particles", {"column": "onset_strength", "amount": 2.0, "count": 600,
                                                "width": 320, "height": 240}, pos=(540, 40))
    pulse = g.add_node("procedural.pulse", {"column": "beat", "amount": 0.8, "width": 320, "height": 240,
                                            "size": 0.25}, pos=(540, 240))
    b1 = g.add_node("transform.blend", {"mode": "screen"}, pos=(820, -60))
    b2 = g.add_node("transform.blend", {"mode": "screen", "opacity": 0.8}, pos=(1060, 40))
    out = g.add_node("io.save_video", {"path": "out/music_visualiser.mp4"}, pos=(1300, 40))
    g.connect(au.id, "audio", enc.id, "audio")
    for n in (noise, parts, pulse):
        g.connect(enc.id, "features", n.id, "drive")
    g.connect(noise.id, "video", b1.id, "a")
    g.connect(parts.id, "video", b1.id, "b")
    g.connect(b1.id, "video", b2.id, "a")
    g.connect(pulse.id, "video", b2.id, "b")
    g.connect(b2.id, "video", out.id, "video")
    g.connect(au.id, "audio", out.id, "audio")
    return _finish(g, "music_visualiser", "Music visualiser",
                   "Audio features (loudness, onsets, beats) drive noise, particles and a pulsing shape.",
                   "Music visualiser: the Audio Encoder turns the music into per-frame features; each "
                   "generator follows one column.\nKnobs: column (loudness, onset_strength, beat, mel0..), "
                   "amount, colours, particle count. Load your own music on the left.")


def _text_to_video_graph(dataset: dict, train: dict, prompt: str) -> Graph:
    g = Graph()
    ds = g.add_node("gen.dataset_synthetic", dataset, node_id="dataset", pos=(0, 0))
    tr = g.add_node("gen.train", {"model": "diffusion", "conditioning": "text", "steps": 20000, "batch": 16,
                                  "lr": 0.001, "preview_every": 250, "checkpoint_every": 500, **train},
                    node_id="train", pos=(300, 0))
    pr = g.add_node("encode.text", {"prompt": prompt}, node_id="prompt", pos=(300, 260))
    sa = g.add_node("gen.sample", {"prompt": "", "steps": 25, "guidance": 2.0, "variations": 1},
                    node_id="sample", pos=(600, 100))
    me = g.add_node("gen.metrics", {}, node_id="metrics", pos=(900, 0))
    sv = g.add_node("io.save_video", {"path": "out/" + train["checkpoint"][4:].replace(".safetensors", ".mp4"),
                                      "crf": 18, "preset": "fast"}, node_id="save", pos=(900, 220))
    g.connect(ds.id, "dataset", tr.id, "dataset")
    g.connect(tr.id, "model", sa.id, "model")
    g.connect(pr.id, "pooled", sa.id, "features")
    g.connect(sa.id, "video", me.id, "video")
    g.connect(sa.id, "prompt", me.id, "prompt")
    g.connect(sa.id, "video", sv.id, "video")
    return g


def text_to_video() -> str:
    """Scenes of several objects, motion as a generated dense flow field (issue 16)."""
    g = _text_to_video_graph(
        {"mode": "scenes", "count": 2048, "frames": 8, "width": 32, "height": 32, "fps": 8.0, "holdout": 12,
         "wording": "many", "test_scenes": 48},
        {"motion": "dense-flow", "keyframe": "slots", "object_motion": True, "width": 48, "steps": 100000,
         "checkpoint": "out/text_to_video.safetensors", "max_minutes": 20.0},
        "a red circle moving left and a cyan triangle moving right")
    note = ("Text to video: trains a video generator on synthetic scenes of 1-3 moving shapes captioned in many "
            "wordings, then samples a prompt whose objects were held out of training. The caption's objects "
            "become slots, each a learned shape in its colour (the key frame); each moves as the words after it "
            "say, spread over its pixels as a flow field learned from the clips' optical flow; a refinement "
            "network fills what is uncovered. Training stops after 20 minutes (max_minutes, counted across "
            "resumes) and checkpoints to out/. " + BUDGET_WARNING.format(steps=100000, minutes=20) +
            "\nKnobs: Train > max_minutes, keyframe (slots or diffusion), "
            "object_motion, motion, adversarial/content/motion weights; Sample > seed, variations; the prompt "
            "(try 'a scarlet disc drifting leftwards'); Dataset > mode, count, wording.")
    return _finish(g, "text_to_video", "Text to video (train, then sample)",
                   "Train a small video generator with per-pixel motion on captioned synthetic scenes in about 20 "
                   "minutes on CPU, then sample a new clip from a prompt.", note, note_pos=(0, -330))


def text_to_video_gpu() -> str:
    """The text_to_video scenes at 64x64, 16 frames, for a GPU (issue 28): the same scene data
    (mode, count, wording, held-out combinations), batch 'auto' (the largest that fits), ten
    minutes of training."""
    g = _text_to_video_graph(
        {"mode": "scenes", "count": 2048, "frames": 16, "width": 64, "height": 64, "fps": 8.0, "holdout": 12,
         "wording": "many", "test_scenes": 48},
        {"motion": "dense-flow", "keyframe": "slots", "object_motion": True, "width": 48, "steps": 100000,
         "batch": 0, "checkpoint": "out/text_to_video_gpu.safetensors", "max_minutes": 10.0},
        "a red circle moving left and a cyan triangle moving right")
    note = ("Text to video on a GPU: the text_to_video template's scenes at 64x64 and 16 frames (four times the "
            "pixels, twice the frames), for a CUDA card: batch 0 is 'auto' (the largest batch that fits in the "
            "card's memory, up to 1024, with the learning rate x sqrt(batch/16)); training stops after 10 minutes "
            "and checkpoints to out/. Device 'auto' picks the GPU; without one it trains on the CPU at batch 16, "
            "far too slowly for this size (use text_to_video there). " + BUDGET_WARNING.format(steps=100000, minutes=10) +
            "\nKnobs: Train > max_minutes, batch (0 = auto), width; Sample > seed, variations; the "
            "prompt; Dataset > count, wording.")
    return _finish(g, "text_to_video_gpu", "Text to video, 64x64x16 on a GPU (train, then sample)",
                   "The text-to-video scenes at 64x64 and 16 frames, trained for 10 minutes on a CUDA GPU with the "
                   "largest batch that fits, then sampled from a prompt.", note, note_pos=(0, -300), gpu=True)


def text_to_video_one_object() -> str:
    """One shape per clip, one velocity per clip (the text-to-video template before issue 16)."""
    g = _text_to_video_graph(
        {"mode": "single", "count": 768, "frames": 8, "width": 32, "height": 32, "fps": 8.0, "background": "black",
         "holdout": 12},
        {"motion": "keyframe-flow", "width": 16, "checkpoint": "out/text_to_video_one_object.safetensors",
         "max_minutes": 12.0},
        "a blue triangle moving up")
    note = ("Text to video, one object: trains a video diffusion on clips of one moving shape (the key frame by "
            "diffusion, the motion by one velocity per clip learned from the optical flow of the training clips), "
            "then samples a prompt whose colour/shape/direction combination was held out of training. Training "
            "stops after 12 minutes and checkpoints to out/. " + BUDGET_WARNING.format(steps=20000, minutes=12) +
            "\nKnobs: Train > max_minutes, model (diffusion, vae, "
            "gan), motion (keyframe-flow, dense-flow or joint), conditioning (text or caption-parser); Sample > "
            "seed, steps, guidance, variations; the prompt node's text; Dataset > background, count, holdout.")
    return _finish(g, "text_to_video_one_object", "Text to video, one object (train, then sample)",
                   "Train a small video diffusion on clips of one moving shape in about 12 minutes on CPU, then "
                   "sample a clip from a prompt.", note, note_pos=(0, -200))


def plate_cleanup() -> str:
    """Image sequence -> crop -> grade LUT -> composite a generated element -> EXR sequence and an
    H.264 review copy with timecode."""
    g = Graph()
    plate = g.add_node("footage.load_sequence", {"path": "../media/plate/plate.####.exr", "fps": 24.0},
                       pos=(0, 0), title="Plate")
    crop = g.add_node("edit.crop", {"x": 8, "y": 4, "width": 176, "height": 100}, pos=(280, 0))
    lut = g.add_node("edit.lut", {"path": "../media/grade.cube", "mix": 1.0}, pos=(520, 0), title="Grade")
    elem = g.add_node("source.shapes", {"frames": 8, "width": 176, "height": 100, "count": 1, "shape": "circle",
                                        "color": "orange", "direction": "right", "size": 12.0, "speed": 4.0,
                                        "background": "black", "sound": False}, pos=(280, 220),
                      title="Generated element")
    matte = g.add_node("edit.mask_tools", {"threshold": 0.05, "blur": 1.0}, pos=(520, 220), title="Element matte")
    comp = g.add_node("edit.composite", {"mode": "over", "opacity": 1.0}, pos=(780, 60))
    exr = g.add_node("footage.save_sequence", {"path": "out/plate_cleanup/comp.####.exr", "depth": "half",
                                               "start_number": 1001},
                     pos=(1040, -40), title="EXR comp")
    burn = g.add_node("edit.burn_in", {"text": "plate_cleanup {timecode}", "size": 0.07}, pos=(1040, 140))
    review = g.add_node("io.save_video", {"path": "out/plate_cleanup_review.mp4"}, pos=(1280, 140),
                        title="H.264 review")
    g.connect(plate.id, "video", crop.id, "video")
    g.connect(crop.id, "video", lut.id, "video")
    g.connect(lut.id, "video", comp.id, "background")
    g.connect(elem.id, "video", comp.id, "foreground")
    g.connect(elem.id, "video", matte.id, "mask")
    g.connect(matte.id, "mask", comp.id, "mask")
    g.connect(comp.id, "video", exr.id, "video")
    g.connect(comp.id, "video", burn.id, "video")
    g.connect(burn.id, "video", review.id, "video")
    return _finish(g, "plate_cleanup", "Plate clean-up",
                   "An EXR plate cropped, graded with a .cube LUT and composited with a generated element, "
                   "written as an EXR sequence and an H.264 review copy with timecode.",
                   "Plate clean-up: image sequence -> crop -> LUT grade -> composite a generated element "
                   "-> EXR sequence + H.264 review.\nKnobs: Plate > path (plate.####.exr, %04d, {frame} or a "
                   "folder), Crop's box, Grade's .cube and mix, Composite's mode and opacity, Element "
                   "matte's threshold/blur, EXR comp's depth (half/float).", note_pos=(0, -200))


def annotate(name: str, title: str, description: str, knobs: str) -> str | None:
    """Template facts for a graph another module writes (its author keeps its nodes)."""
    from studio.core.fileformat import load_graph
    path = os.path.join(GRAPHS, name + ".json")
    if not os.path.exists(path):
        return None
    g = load_graph(path)
    g.ui["template"] = {"title": title, "description": description}
    notes = g.ui.get("notes") or [{"text": description, "pos": [0, -300]}]
    if "Knobs" not in notes[0]["text"]:
        notes[0]["text"] += "\nKnobs: " + knobs
    g.ui["notes"] = notes
    save_graph(g, path)
    return path


def build_all() -> list[str]:
    out = [motion_transfer(), slow_motion(), music_visualiser(), text_to_video(), text_to_video_gpu(),
           text_to_video_one_object()]
    out.append(plate_cleanup())
    out.extend(pretrained_video_templates())
    out.append(audio_image_to_video())
    out.append(train_video_lora())
    from make_control_templates import control_templates  # noqa: E402 - issue 34's templates
    out.extend(control_templates(_finish, _pretrained_thumbnail))
    from make_take_templates import take_templates  # noqa: E402 - issue 47's templates
    out.extend(take_templates(_finish, _pretrained_thumbnail))
    from make_animate_templates import animate_templates  # noqa: E402 - issue 46's Wan Animate templates
    out.extend(animate_templates(_finish, _pretrained_thumbnail))
    from make_finish_templates import finish_a_clip  # noqa: E402 - issue 59's finishing template
    out.append(finish_a_clip(_finish, _pretrained_thumbnail))
    from make_dance_templates import dance_to_music  # noqa: E402 - issue 58's Wan Dancer template
    out.append(dance_to_music(_finish, _pretrained_thumbnail))
    from make_cosmos_templates import cosmos3_sound_clip, cosmos_transfer  # noqa: E402 - issue 72's Cosmos templates
    out.extend([cosmos_transfer(_finish, _pretrained_thumbnail), cosmos3_sound_clip(_finish, _pretrained_thumbnail)])
    import make_family_templates as fam  # noqa: E402 - issue 72's family templates
    out.extend(make(_finish, _pretrained_thumbnail) for make in (
        fam.kandinsky6_sound_clip, fam.framepack_long_take, fam.chronoedit_image_edit, fam.ltx2_hdr_exr))
    out.append(annotate("encoders_fusion", "Encoders and fusion",
                        "Text, image and audio encoders fused by cross-attention; see which input each frame follows.",
                        "the fusion node (swap concat, gated, tensor, FiLM), the text encoder's model "
                        "(default, folder, scratch), the audio encoder's mode."))
    return [p for p in out if p]


def audio_image_to_video() -> str | None:
    """The audio + image template (its nodes were laid out by hand): Sample takes no prompt of its own
    (the fused features drive it, so a prompt there only warned that it was not used), and the note
    says why the time-budget warning is expected."""
    from studio.core.fileformat import load_graph
    path = os.path.join(GRAPHS, "audio_image_to_video.json")
    if not os.path.exists(path):
        return None
    g = load_graph(path)
    g.set_param("sample", "prompt", "")
    note = g.ui["notes"][0]["text"]
    if "with warnings" not in note:
        train = g.nodes["train"].params
        head, sep, knobs = note.partition("\nKnobs:")
        g.ui["notes"][0]["text"] = (head + " " + BUDGET_WARNING.format(steps=train["steps"],
                                                                       minutes=train["max_minutes"]) + sep + knobs)
    save_graph(g, path)
    return path


# -- pretrained video models (issue 12): self-contained, so other template code stays untouched --------
SVD_MODEL = "stabilityai/stable-video-diffusion-img2vid-xt"
WAN_MODEL = "Wan-AI/Wan2.1-T2V-1.3B-Diffusers"


def _pretrained_thumbnail(name: str, label: str, colours: tuple) -> None:
    """These templates need weights Studio never downloads, so their thumbnail is drawn, not rendered."""
    import cv2
    import numpy as np
    w, h = 160, 90
    t = np.linspace(0, 1, w, dtype=np.float32)[None, :, None]
    a, b = (np.array(c, np.float32)[None, None] / 255 for c in colours)
    img = (np.clip(np.repeat(a * (1 - t) + b * t, h, 0), 0, 1) * 255 + 0.5).astype(np.uint8)
    for k in range(4):  # a film strip: the clip a still becomes
        x = 12 + k * 36
        cv2.rectangle(img, (x, 50), (x + 30, 78), (255, 255, 255), 1)
        cv2.circle(img, (x + 8 + k * 4, 64), 6, (255, 216, 76), -1)
    cv2.putText(img, label, (10, 32), cv2.FONT_HERSHEY_SIMPLEX, 0.55, (255, 255, 255), 1, cv2.LINE_AA)
    cv2.imwrite(os.path.join(GRAPHS, name + ".png"), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))


def pretrained_video_templates() -> list[str]:
    """image_to_video (Stable Video Diffusion) and text_to_video_pretrained (Wan 2.1 1.3B): they run as
    soon as the models setting (or STUDIO_MODELS) points at a folder holding those models."""
    g = Graph()
    img = g.add_node("io.load_image", {"path": "../media/still.png"}, pos=(0, 160), title="Still")
    load = g.add_node("video_models.load", {"model": SVD_MODEL}, pos=(0, 0), title="Stable Video Diffusion")
    i2v = g.add_node("video_models.image_to_video", {"width": 1024, "height": 576, "steps": 25, "guidance": 3.0,
                                                     "fps": 7.0, "motion": 127,
                                                     "preview_size": "on CPU"}, pos=(300, 60))
    out = g.add_node("io.save_video", {"path": "out/image_to_video.mp4"}, pos=(600, 60))
    g.connect(load.id, "model", i2v.id, "model")
    g.connect(img.id, "image", i2v.id, "image")
    g.connect(i2v.id, "video", out.id, "video")
    paths = [_finish(g, "image_to_video", "Image to video (pretrained)",
                     "Animate a still with Stable Video Diffusion from your own models folder (GPU advised).",
                     f"Image to video with a pretrained model. Put {SVD_MODEL} (a diffusers folder) in your "
                     "models folder or set STUDIO_MODELS; nothing is downloaded.\nKnobs: frames (beyond 25: "
                     "overlapping windows), motion, noise_aug, guidance, steps; Load Video Model > dtype, "
                     "cpu_offload, vae_tiling for less GPU memory.\nOn the CPU, 'preview size' makes 256x144 and "
                     "8 steps, every frame kept (minutes, not hours); off: the full size.", note_pos=(0, -230))]
    _pretrained_thumbnail("image_to_video", "Image to video", ((40, 60, 110), (200, 120, 60)))

    g = Graph()
    load = g.add_node("video_models.load", {"model": WAN_MODEL}, pos=(0, 0), title="Wan 2.1 1.3B")
    t2v = g.add_node("video_models.text_to_video", {
        "prompt": "a red fox running through fresh snow at sunrise, cinematic", "negative_prompt": "blurry, static",
        "frames": 33, "width": 832, "height": 480, "steps": 30, "guidance": 5.0, "preview_size": "on CPU"},
        pos=(300, 0))
    out = g.add_node("io.save_video", {"path": "out/text_to_video_pretrained.mp4"}, pos=(600, 0))
    g.connect(load.id, "model", t2v.id, "model")
    g.connect(t2v.id, "video", out.id, "video")
    paths.append(_finish(g, "text_to_video_pretrained", "Text to video (pretrained)",
                         "A clip from a prompt with Wan 2.1 (1.3B) from your own models folder (GPU advised).",
                         f"Text to video with a pretrained model. Put {WAN_MODEL} (a diffusers folder) in your "
                         "models folder or set STUDIO_MODELS; nothing is downloaded.\nKnobs: prompt, "
                         "negative_prompt, frames (4k+1), size, steps, guidance; add a Video LoRA node between "
                         "the loader and the generator for a style.\nOn the CPU, 'preview size' makes 256x144 and "
                         "8 steps, every frame kept; off: the full size.", note_pos=(0, -230)))
    _pretrained_thumbnail("text_to_video_pretrained", "Text to video", ((30, 90, 80), (90, 40, 120)))
    return paths


def train_video_lora() -> str:
    """Dataset: Folder -> Train Video LoRA -> Text to Video (with the LoRA) -> Save Video (issue 26)."""
    g = Graph()
    ds = g.add_node("gen.dataset_folder", {"folder": "my_clips", "frames": 33, "width": 832, "height": 480,
                                           "fps": 16.0, "val_fraction": 0.0}, pos=(0, 180), title="My clips")
    load = g.add_node("video_models.load", {"model": WAN_MODEL}, pos=(0, 0), title="Wan 2.1 1.3B")
    train = g.add_node("video_models.train_lora", {
        "output": "out/my_video_lora.safetensors", "rank": 32, "alpha": 32.0, "lr": 1e-4, "steps": 1000,
        "gradient_checkpointing": True, "validation_prompt": "a red fox running through fresh snow, in my style",
        "validate_every": 100, "validation_steps": 20, "checkpoint_every": 100}, pos=(300, 60))
    t2v = g.add_node("video_models.text_to_video", {
        "prompt": "a red fox running through fresh snow at sunrise, in my style", "frames": 33, "width": 832,
        "height": 480, "steps": 30, "guidance": 5.0}, pos=(620, 60))
    out = g.add_node("io.save_video", {"path": "out/train_video_lora.mp4"}, pos=(920, 60))
    g.connect(load.id, "model", train.id, "model")
    g.connect(ds.id, "dataset", train.id, "dataset")
    g.connect(train.id, "lora", t2v.id, "model")
    g.connect(t2v.id, "video", out.id, "video")
    path = _finish(g, "train_video_lora", "Train a video LoRA (pretrained)",
                   "Train a LoRA for Wan 2.1 on your own captioned clips, watch it learn, and use it at once "
                   "(GPU advised).",
                   f"Train a video LoRA on your own clips. Put {WAN_MODEL} (a diffusers folder) in your models "
                   "folder or set STUDIO_MODELS (nothing is downloaded; an LTX-Video folder works too). Put your "
                   "clips in 'my_clips' next to this graph, each with a caption: clip.mp4 + clip.txt, or a CSV with "
                   "file and caption columns.\nRun: the loss plots in the Training dock, validation samples show "
                   "in the viewer; Stop keeps the LoRA; Run again resumes. The LoRA "
                   "(out/my_video_lora.safetensors) loads in diffusers and ComfyUI.\nKnobs: rank, lr, steps, "
                   "validation_prompt; on a 16 GB GPU keep gradient_checkpointing on.", note_pos=(0, -330))
    _pretrained_thumbnail("train_video_lora", "Train a video LoRA", ((70, 40, 100), (40, 120, 150)))
    return path


def thumbnails(size=(160, 90), only: list[str] | None = None) -> None:
    """A frame of each template's output as assets/graphs/<name>.png (``only``: just those)."""
    import cv2
    import numpy as np

    from studio.core.fileformat import load_graph
    from studio.engine.executor import Executor
    for f in sorted(os.listdir(GRAPHS)):
        if not f.endswith(".json") or (only and f[:-5] not in only):
            continue
        g = load_graph(os.path.join(GRAPHS, f))
        if "template" not in g.ui:
            continue
        if any(n.type_id.startswith("video_models.") for n in g.nodes.values()):
            continue  # drawn by pretrained_video_templates(): their weights are not in the repository
        if any(n.type_id == "gen.train" for n in g.nodes.values()):
            print(f"kept the thumbnail of {f}: it would train a model (made by its benchmark)")
            continue
        outs = [n for n in g.nodes.values() if n.type_id == "io.save_video"]
        if outs:
            link = g.input_link(outs[0].id, "video")
            src, port = link.src, link.src_port
        else:  # no video out: the first clip the graph makes
            src = next((nid for nid in g.topo_order() if g.nodes[nid].spec and
                        any(o.type == "Video" for o in g.nodes[nid].spec.outputs)), None)
            if src is None:
                continue
            port = next(o.name for o in g.nodes[src].spec.outputs if o.type == "Video")
        try:
            res = Executor().run(g, targets=[src])
        except Exception as e:  # noqa: BLE001
            print(f"no thumbnail for {f}: {e}")
            continue
        clip = res.value(src, port)
        frame = clip.frame(min(len(clip) - 1, len(clip) // 2))
        h, w = frame.shape[:2]
        s = min(size[0] / w, size[1] / h)
        small = cv2.resize(frame, (max(1, int(w * s)), max(1, int(h * s))), interpolation=cv2.INTER_AREA)
        canvas = np.zeros((size[1], size[0], 3), np.float32)
        oy, ox = (size[1] - small.shape[0]) // 2, (size[0] - small.shape[1]) // 2
        canvas[oy:oy + small.shape[0], ox:ox + small.shape[1]] = small[..., :3]
        cv2.imwrite(os.path.join(GRAPHS, f[:-5] + ".png"),
                    cv2.cvtColor((canvas * 255 + 0.5).astype(np.uint8), cv2.COLOR_RGB2BGR))
        print("thumbnail", f[:-5])


if __name__ == "__main__":
    for p in build_all():
        print("wrote", p)
    if "--thumbs" in sys.argv:
        thumbnails()
