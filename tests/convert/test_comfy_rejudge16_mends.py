"""Mends of what this stop's merges brought into the held-out sets (benchmarks/results/rejudge16_2026-11-30.md), on
small workflows of our own:

1. AnimateDiff-Evolved's beta_schedule choices read by what ComfyUI makes of them: 'sqrt_linear (AnimateDiff)' (and
   the raw 'sqrt_linear') is ComfyUI's 'sqrt_linear', betas spaced evenly from 0.00085 to 0.012 - the very betas
   Studio's AnimateDiff samples with (DDIM on diffusers' 'linear' betas, AnimateDiff's release's); 'linear
   (HotshotXL/default)' is ComfyUI's 'linear', their square roots spaced evenly (SD's): other betas. heldout74's mend
   said the two the other way round (48/04 "'linear (HotshotXL/default)' is the betas Studio samples ... with", 48/09,
   49/05 and 13 older files "'sqrt_linear (AnimateDiff)' is not taken")."""
from __future__ import annotations

import pytest

from studio.convert.mapping.convert import convert
from tests.convert.said import said
from tests.convert.test_comfy_animatediff import _api as animatediff_api


def _beta_line(schedule: str) -> str:
    wf = animatediff_api(context=False)
    wf["4"]["inputs"]["beta_schedule"] = schedule
    text = said(convert(wf, "ad"))
    at = text.index(f"beta_schedule '{schedule}'")
    return text[at:text.index("\n", at) if "\n" in text[at:] else len(text)]


@pytest.mark.parametrize("schedule", ["sqrt_linear (AnimateDiff)", "sqrt_linear"])
def test_comfyuis_sqrt_linear_is_said_to_be_studios_own_betas(schedule):
    line = _beta_line(schedule)
    assert "is the betas Studio samples ComfyUI's motion module and checkpoint with AnimateDiff's DDIM on linear " \
           "betas 0.00085-0.012" in line and "not taken" not in line


@pytest.mark.parametrize("schedule", ["linear (HotshotXL/default)", "linear", "linear (AnimateDiff-SDXL)"])
def test_comfyuis_linear_is_said_not_taken_with_what_it_spaces(schedule):
    line = _beta_line(schedule)
    assert "is the betas Studio samples" not in line
    assert "is not taken (ComfyUI's 'linear' spaces the betas' square roots evenly): Studio samples ComfyUI's " \
           "motion module and checkpoint with AnimateDiff's DDIM on linear betas 0.00085-0.012" in line


def test_another_schedule_is_said_not_taken_without_the_square_roots():
    line = _beta_line("lcm >> sqrt_linear")
    assert "is not taken: Studio samples" in line and "square roots" not in line
