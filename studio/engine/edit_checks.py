"""What a node will not do as set, said while it is edited (issue 75, item 5), not first at F5: the
checks a run makes before anything runs (studio.engine.preflight: a missing input file, a model not
found, the node's own checks) and what it advises from what is wired into it (studio.engine.foresight:
a long take it cannot make as asked, a draft without its distilled file), for one node. Cheap: the
plan of the node and what feeds it, headers only. Plain Python: the window shows the result on the
node and in Properties (studio/ui/window/edit_checks.py)."""
from __future__ import annotations

from studio.core.errors import StudioError

LEVELS = ("error", "warning")  # what is said at edit time; information waits for the run


def node_checks(graph, node_id: str) -> list[tuple[str, str]]:
    """(level, words) of each problem node ``node_id`` of ``graph`` would meet in a run: errors (it
    would not run) and warnings (it would run otherwise than set); [] when there are none or the
    graph cannot be planned for a reason that is not this node's (said on that node)."""
    from .plan import compile_plan
    from .preflight import PreflightError
    node = graph.nodes.get(node_id)
    if node is None or node.spec is None or node.mode != "normal":
        return []
    try:
        plan = compile_plan(graph, targets=[node_id], check_only=True, confine_outputs=False)
    except PreflightError as e:
        return [("error", _words(x, node)) for x in e.errors if getattr(x, "node_id", None) == node_id]
    except StudioError as e:
        return [("error", _words(e, node))] if getattr(e, "node_id", None) == node_id else []
    except Exception:  # noqa: BLE001 - an edit half made (a node's check failing on it): the run says
        return []
    notes = [(n[3] if len(n) > 3 else "info", n[2]) for n in plan.notes if n[0] == node_id]
    return [(level, text) for level, text in notes if level in LEVELS]


def _words(e, node) -> str:
    """The error's words without the node's name in front (the node and the panel already say it)."""
    text = str(e)
    for head in (f"'{node.label}' ({node.id}): ", f"{node.label}: ", f"'{node.label}': "):
        if text.startswith(head):
            return text[len(head):]
    return text


def node_estimate(graph, node_id: str) -> str | None:
    """How long node ``node_id`` of ``graph`` will take, in words, before a run (a video model generator:
    from this machine's measured runs, or 'not measured on this machine yet'); None where it has nothing
    to say or cannot be planned (its checks say why)."""
    from .foresight import estimate
    from .plan import compile_plan
    node = graph.nodes.get(node_id)
    if node is None or node.spec is None or node.mode != "normal":
        return None
    try:
        plan = compile_plan(graph, targets=[node_id], check_only=True, confine_outputs=False)
        return estimate(plan, plan.base_dir, node_id)
    except Exception:  # noqa: BLE001 - an edit half made: nothing said, its checks say what is wrong
        return None
