"""The sampler a node of one sampler gives (ComfyUI's SamplerEulerAncestral, SamplerDPMPP_2M_SDE, SamplerLMS...),
told by its declared type: a node giving one SAMPLER, with no 'sampler_name' to choose one, whose type name is
'Sampler' and the sampler's own name; that name in ComfyUI's words ('euler_ancestral', 'dpmpp_2m_sde'). The
KSamplerSelect's choice is read by sampling.read_sampling. Plain stdlib."""
from __future__ import annotations

import re

from ..reading.by_types import declared_outputs

CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def _gives_sampler(n) -> bool:
    return declared_outputs(n) == ["SAMPLER"]


def sampler_of_type(n) -> str | None:
    """'euler_ancestral' for a SamplerEulerAncestral node (see the module); None for another node."""
    name = n.origin or n.shown_cls
    if not name.startswith("Sampler") or len(name) <= len("Sampler") or "sampler_name" in n.widgets \
            or not _gives_sampler(n):
        return None
    return CAMEL.sub("_", name[len("Sampler"):]).lower().strip("_") or None
