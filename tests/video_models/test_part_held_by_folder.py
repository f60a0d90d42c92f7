"""Seen under Xvfb (issue 104's walk): a ComfyUI Fun Camera workflow, converted, kept its text encoder, VAE and CLIP
vision file names; the artist picked the tiny diffusers folder (which has all three) as the model, and validate
refused the run for three files it did not need, without saying the folder had them. It now says what to clear."""
from __future__ import annotations


def test_a_missing_part_the_models_folder_holds_says_to_clear_it(tmp_path, tiny, monkeypatch):
    from nodes.video_models.loading.node import LoadVideoModel
    folder = tmp_path / "models" / "wan-t2v"
    folder.parent.mkdir()
    folder.symlink_to(tiny("wan-t2v"), target_is_directory=True)
    monkeypatch.setenv("STUDIO_MODELS", str(folder.parent))
    params = {"model": "wan-t2v", "text_encoder": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
              "clip_vision": "clip_vision_h.safetensors"}
    problems = LoadVideoModel.preflight(params, None)
    te = next(p for p in problems if "'umt5_xxl_fp8_e4m3fn_scaled.safetensors' not found" in p)
    assert te.endswith("the model 'wan-t2v' has its own text encoder (text_encoder/): clear 'text encoder' to use it")
    cv = next(p for p in problems if "'clip_vision_h.safetensors' not found" in p)
    assert "has its own" not in cv  # a text-to-video folder has no image encoder: nothing to clear for it
