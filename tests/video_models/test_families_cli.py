"""main.py families: one record per family from the registry (no torch or diffusers imported)."""
from __future__ import annotations

import json
import subprocess
import sys

from studio.cli import main


def test_families_json_has_every_family_with_tasks_inputs_and_formats(capsys):
    assert main(["families", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    video = {r["family"]: r for r in records if r["kind"] == "video model"}
    from nodes.video_models.base.registry import all_families
    from .test_family_registry import KNOWN
    assert list(video) == [f.key for f in all_families()]  # every registered family, in the picker's order
    assert set(KNOWN) <= set(video)
    s2v = video.pop("wan_s2v")  # no diffusers folder of it exists: ComfyUI's file with Wan's parts
    assert s2v["tasks"] == ["audio"] and s2v["variants"] == ["Wan 2.2 S2V 14B"]
    assert s2v["formats"][0].startswith("single denoiser file") and "diffusers folder" not in s2v["formats"]
    sc = video.pop("wan_scail")  # issue 57: ComfyUI's SCAIL-2 file with Wan's parts, its own node (SCAIL-2 Character)
    assert (sc["name"], sc["tasks"]) == ("SCAIL-2", ["drive"])  # issue 112: SCAIL-Preview too (its own node)
    assert sc["variants"] == ["Wan 2.1 SCAIL-Preview 14B", "Wan 2.1 SCAIL-Preview", "Wan 2.1 SCAIL-2 14B"]
    assert sc["formats"][0].startswith("single denoiser file") and "diffusers folder" not in sc["formats"]
    sd = video.pop("wan_steady")  # issue 112: SteadyDancer's file with Wan's parts, its own node (SteadyDancer)
    assert (sd["name"], sd["tasks"], sd["variants"]) == ("SteadyDancer", ["drive"], ["Wan 2.1 SteadyDancer 14B"])
    assert sd["formats"][0].startswith("single denoiser file") and "diffusers folder" not in sd["formats"]
    rc = video.pop("wan_recam")  # issue 112: ReCamMaster's file with Wan's parts, its own node (ReCamMaster)
    assert (rc["name"], rc["tasks"], rc["variants"]) == ("ReCamMaster", ["camera"], ["Wan 2.1 ReCamMaster 1.3B"])
    assert rc["formats"][0].startswith("single denoiser file") and "diffusers folder" not in rc["formats"]
    for r in video.values():
        assert r["name"] and r["variants"] and r["tasks"] and r["formats"][0] == "diffusers folder"
        assert set(r["inputs"]) == set(r["tasks"])
    assert video["svd"]["tasks"] == ["image"] and video["svd"]["inputs"]["image"] == ["image"]  # its call takes no prompt
    # its capabilities, and why not for the others (base/capabilities.py)
    assert "PromptRecipe" in video["wan"]["capabilities"] and "PromptRecipe" not in video["wan"]["lacks"]
    assert "no prompt" in video["svd"]["lacks"]["PromptRecipe"] and "PartReader" in video["svd"]["capabilities"]
    assert "animate" in video["wan"]["tasks"] and "pose" in video["wan"]["inputs"]["animate"]
    assert "Wan 2.2 A14B (two experts)" in video["wan"]["variants"]
    assert "camera" in video["wan"]["tasks"] and video["wan"]["inputs"]["camera"] == ["camera", "image", "prompt"]
    assert "Wan 2.1 Fun Camera" in video["wan"]["variants"]  # Wan Fun Camera (families/wan/fun/camera.py)
    k5 = video["kandinsky5"]
    assert k5["tasks"] == ["text", "image"] and "Kandinsky 5 Lite I2V" in k5["variants"]
    assert "ComfyUI part files (DiT, Qwen2.5-VL and CLIP-L text encoders, HunyuanVideo VAE; no diffusers folder " \
           "needed)" in k5["formats"]  # its reader: families/kandinsky5/pipeline.py
    assert any("ComfyUI part files" in f for f in video["ltx2"]["formats"])
    assert video["lucy"]["tasks"] == ["video"] and video["lucy"]["variants"] == ["Lucy Edit"]
    mm = video["minimax_h3"]
    assert (mm["name"], mm["tasks"], mm["variants"]) == ("MiniMax H3", ["text", "image", "reference"], ["MiniMax H3"])
    assert "modular pipeline (modular_model_index.json)" in mm["formats"] and (mm["frames"], mm["fps"]) == (124, 24.0)
    assert "ComfyUI's DiT file, pruned (curve form) or full, bf16 / fp16 / fp8 / int8 convrot / MXFP8, with a " \
        "folder as base" in mm["formats"]
    wa2 = video["wan_animate2"]  # issue 56: its own node (Wan Animate 2), a reference moved by a driving video
    assert (wa2["name"], wa2["tasks"], wa2["inputs"]["drive"]) == ("Wan Animate 2", ["drive"],
                                                                   ["reference", "driving", "prompt"])
    assert "Wan Animate 2 14B distilled" in wa2["variants"] and (wa2["frames"], wa2["fps"]) == (81, 24.0)
    assert "LTX-2.3" in video["ltx2"]["variants"] and "LTX-2.5" in video["ltx2"]["variants"]
    assert "audio" in video["ltx2"]["tasks"]  # 'sound: drive': the picture made to a given sound
    assert not any("ComfyUI part files" in f for f in video["cogvideox"]["formats"])
    assert {r["family"] for r in records if r["kind"] == "preprocessor"} >= {"pose", "depth", "segment"}


def test_families_plain_lists_each_family_and_its_tasks(capsys):
    assert main(["families"]) == 0
    out = capsys.readouterr().out
    assert "HunyuanVideo 1.5" in out and "animate: reference, pose, face, background, mask, prompt  (Wan Animate)" in out
    from nodes.video_models.base.registry import all_families
    assert out.count("video model") == len(all_families()) and "used by: Wan" in out  # each family once


def test_families_imports_no_torch_or_diffusers():
    code = ("import sys, io, contextlib; from studio.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()): main(['families', '--json'])\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'diffusers', 'transformers')))")
    # the first run may have to import the node modules to write the node manifest (a fresh config
    # folder, as when this test runs alone); the listing itself must import none of the three
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_families_list_the_text_image_and_audio_encoders_with_who_uses_them(capsys):
    assert main(["families", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    by = {(r["kind"], r["family"]): r for r in records}
    assert by[("text encoder", "umt5-xxl")]["used_by"][:2] == ["Wan", "Lucy Edit"]  # then the families added since
    assert by[("text encoder", "gemma-3-12b")]["used_by"] == ["LTX-2 (picture and sound)"]
    assert by[("image encoder", "siglip-so400m-14-384")]["used_by"] == ["HunyuanVideo 1.5"]
    assert "clip_vision" in by[("image encoder", "clip-vit-h-14")]["formats"][0]
    assert "sentence-transformers folder (model 'folder')" in by[("text encoder", "sentence-transformers")]["formats"]
    assert by[("audio encoder", "studio-audio-cnn")]["tasks"] == ["sound"]
    kinds = [r["kind"] for r in records]
    assert kinds[:9] == ["video model"] * 9 and {"text encoder", "image encoder", "audio encoder", "preprocessor"} <= set(kinds)


def test_the_manifest_holds_the_records_so_a_reader_imports_no_node_module(tmp_path):
    """A fresh manifest is written (every node module imported once); a second process reads the
    records from it: the text encoder's module (which imports torch) stays unimported."""
    import os
    env = {**os.environ, "STUDIO_CACHE_DIR": str(tmp_path / "cache")}
    first = subprocess.run([sys.executable, "main.py", "families", "--json"], capture_output=True, text=True,
                           timeout=300, env=env, cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    assert first.returncode == 0, first.stderr
    code = ("import sys, io, contextlib, json; from studio.cli import main\n"
            "out = io.StringIO()\n"
            "with contextlib.redirect_stdout(out): main(['families', '--json'])\n"
            "print(json.dumps([len(json.loads(out.getvalue())), 'nodes.encoders.text' in sys.modules, 'torch' in sys.modules]))")
    second = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env,
                            cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout) == [len(json.loads(first.stdout)), False, False]


def test_families_name_the_template_families_studio_does_not_read_with_why(capsys):
    """Issue 56: a family of ComfyUI's templates Studio does not read is listed with what it does and
    why (never silently absent); the plain listing says it under 'not read'."""
    assert main(["families", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    named = {r["family"]: r for r in records if r["kind"] == "not read"}
    assert {"void", "bernini-r", "causal-forcing"} <= set(named)
    assert "scail" not in named  # read since issue 112: SCAIL-Preview is the wan_scail family's (its own node)
    assert "seedvr2" not in named  # read since issue 59: an upscaler record (SeedVR2 Upscale)
    seedvr2 = next(r for r in records if r["family"] == "seedvr2")
    assert seedvr2["kind"] == "upscaler" and seedvr2["tasks"] == ["upscale"]
    assert "wan-dancer" not in named  # issue 58: read (families/wan/dancer/), its record a video family's
    dancer = [r for r in records if r["name"].startswith("Wan Dancer")]
    assert len(dancer) == 1 and dancer[0]["kind"] == "video" and dancer[0]["tasks"] == ["music to dance video"]
    for r in named.values():
        assert r["does"] and r["why"] and r["tasks"] == [] and r["formats"] == []
    assert main(["families"]) == 0
    out = capsys.readouterr().out
    assert out.count("not read: ") == len(named) and "not read: its inpainting pipeline" in out


def test_a_task_a_family_is_known_for_and_studio_does_not_make_is_said_with_why(capsys):
    """Wan Animate 2's 'replace' (no public code, in neither diffusers nor ComfyUI): named with why, in the JSON
    record and the plain listing, never a silence; the other families say none."""
    assert main(["families", "--json"]) == 0
    records = {r["family"]: r for r in json.loads(capsys.readouterr().out)}
    (nb,) = records["wan_animate2"]["not_built"]
    assert nb["task"] == "replace" and "no reference code" in nb["why"] and "Wan Animate node" in nb["why"]
    assert "replace" not in records["wan_animate2"]["tasks"] and "not_built" not in records["ltx2"]
    assert main(["families"]) == 0
    assert "not made: replace: the character put into the driving video's own scene" in capsys.readouterr().out
