"""A node applying a control model to conditioning (a ControlNet apply of any pack), told by its declared types: one
of its inputs is a CONTROL_NET. On a prompt's way it is walked through to the text encoder but not read as passing
the prompt on as it is: the control it adds is said by the passing rules (not applied), never folded unsaid
(heldout19: an AnimateDiff restyle's PiDiNet ControlNet). Plain data; the catalogue's door only."""
from __future__ import annotations

from ..reading.workflow import CNode
from .roles import in_type


def is_control(n: CNode) -> bool:
    """``n`` applies a control model to conditioning: one of its inputs is declared (or saved) a CONTROL_NET."""
    return any(in_type(n, k) == "CONTROL_NET" for k in set(n.links) | set(n.in_types))
