"""Mends of what this stop's merges brought into the held-out sets (benchmarks/results/rejudge16_2026-11-30.md), on
small workflows of our own:

1. AnimateDiff-Evolved's beta_schedule choices read by what ComfyUI makes of them: 'sqrt_linear (AnimateDiff)' (and
   the raw 'sqrt_linear') is ComfyUI's 'sqrt_linear', betas spaced evenly from 0.00085 to 0.012 - the very betas
   Studio's AnimateDiff samples with (DDIM on diffusers' 'linear' betas, AnimateDiff's release's); 'linear
   (HotshotXL/default)' is ComfyUI's 'linear', their square roots spaced evenly (SD's): other betas. heldout74's mend
   said the two the other way round (48/04 "'linear (HotshotXL/default)' is the betas Studio samples ... with", 48/09,
   49/05 and 13 older files "'sqrt_linear (AnimateDiff)' is not taken");
2. SCAIL-2 (and SCAIL-Preview) read from ComfyUI's files samples with the flow shift 5 Studio's parts give them: a
   workflow's shift 5 is said to be that one, another said not applied against it (scail2n16's blueprints 59/03,
   40/05 and 62/03: "shift 5 (ModelSamplingSD3, #..): not applied (the generator has no shift setting: the model
   folder's scheduler's)", where Studio samples with 5)."""
from __future__ import annotations

import pytest

from studio.convert.mapping.convert import convert
from tests.convert.said import said
from tests.convert.test_comfy_animatediff import _api as animatediff_api
from tests.convert.test_comfy_scail2n16 import _base as scail2_api


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


def _shift_lines(shift: float) -> list[str]:
    wf = scail2_api()
    wf["30"] = {"class_type": "ModelSamplingSD3", "inputs": {"shift": shift, "model": ["1", 0]}}
    wf["21"]["inputs"]["model"] = ["30", 0]
    return [line for line in said(convert(wf, "scail2")).splitlines() if f"shift {shift:g} (ModelSamplingSD3" in line]


def test_scail2s_shift_5_is_said_to_be_the_one_studio_samples_with():
    lines = _shift_lines(5)
    assert lines and all("the same as the shift 5 of the scheduler Studio gives this model's ComfyUI files" in line
                         and "not applied" not in line for line in lines)


def test_another_shift_of_scail2_is_said_not_applied_against_studios_5():
    lines = _shift_lines(8)
    assert lines and all("not applied: the generator has no shift setting; the shift 5 of the scheduler Studio gives "
                         "this model's ComfyUI files" in line for line in lines)
