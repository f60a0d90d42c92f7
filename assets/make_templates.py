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


def _finish(g: Graph, name: str, title: str, description: str, note: str, note_pos=(0, -170)) -> str:
    g.ui["template"] = {"title": title, "description": description}
    g.ui["notes"] = [{"text": note, "pos": list(note_pos)}]
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
        {"motion": "dense-flow", "width": 48, "steps": 100000, "checkpoint": "out/text_to_video.safetensors",
         "max_minutes": 20.0},
        "a red circle moving left and a cyan triangle moving right")
    note = ("Text to video: trains a video generator on synthetic scenes of 1-3 moving shapes captioned in many "
            "wordings, then samples a prompt whose objects were held out of training. The key frame comes from a "
            "diffusion that reads the caption's words; the motion is a generated flow field per pixel (trained on "
            "the optical flow measured on the training clips), so each object moves its own way; frames are the "
            "key frame pushed along the field, with a refinement network filling what was uncovered. Training "
            "stops after 20 minutes (max_minutes, counted across resumes) and checkpoints to out/; re-running "
            "picks the checkpoint up.\nKnobs: Train > max_minutes (raise it to train on), motion (dense-flow; "
            "keyframe-flow: one velocity per clip; joint), adversarial/content/motion weights (extra losses, "
            "slower steps); Sample > seed, steps, guidance, variations (connect its 'variations' output to Save "
            "Video for a mosaic); the prompt node's text (try other words: 'a scarlet disc drifting leftwards'); "
            "Dataset > mode (scenes or single), count, wording.")
    return _finish(g, "text_to_video", "Text to video (train, then sample)",
                   "Train a small video generator with per-pixel motion on captioned synthetic scenes in about 20 "
                   "minutes on CPU, then sample a new clip from a prompt.", note, note_pos=(0, -200))


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
            "stops after 12 minutes and checkpoints to out/.\nKnobs: Train > max_minutes, model (diffusion, vae, "
            "gan), motion (keyframe-flow, dense-flow or joint), conditioning (text or caption-parser); Sample > "
            "seed, steps, guidance, variations; the prompt node's text; Dataset > background, count, holdout.")
    return _finish(g, "text_to_video_one_object", "Text to video, one object (train, then sample)",
                   "Train a small video diffusion on clips of one moving shape in about 12 minutes on CPU, then "
                   "sample a clip from a prompt.", note, note_pos=(0, -200))


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
    out = [motion_transfer(), slow_motion(), music_visualiser(), text_to_video(), text_to_video_one_object()]
    out.append(annotate("encoders_fusion", "Encoders and fusion",
                        "Text, image and audio encoders fused by cross-attention; see which input each frame follows.",
                        "the fusion node (swap concat, gated, tensor, FiLM), the text encoder's model "
                        "(default, folder, scratch), the audio encoder's mode."))
    return [p for p in out if p]


def thumbnails(size=(160, 90)) -> None:
    """A frame of each template's output as assets/graphs/<name>.png."""
    import cv2
    import numpy as np

    from studio.core.fileformat import load_graph
    from studio.engine.executor import Executor
    for f in sorted(os.listdir(GRAPHS)):
        if not f.endswith(".json"):
            continue
        g = load_graph(os.path.join(GRAPHS, f))
        if "template" not in g.ui:
            continue
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
