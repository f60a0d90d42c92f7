"""SteadyDancer's scheduler as Studio gives it to the model read from ComfyUI's files (parts.py builds it): flow
UniPC at the release's shift (MCG-NJU/SteadyDancer generate_dancer.py: --sample_shift 5.0). Plain data, read by the
converter's mapping (comfy.py) too, which imports no module of the model's."""
from __future__ import annotations

SHIFT = 5.0  # generate_dancer.py: --sample_shift 5.0 (with 50 UniPC steps)
