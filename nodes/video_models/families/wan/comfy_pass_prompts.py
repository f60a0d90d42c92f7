"""The prompts of a chain of Wan image-to-video passes folded into one continued take (comfy_frames.fold: SVI-Pro,
'extend' loops), each pass with its own prompt: a Prompt Schedule on Image to Video's 'schedule' (issue 112), each
pass's prompt held from the first frame Studio's window of that pass makes.

Studio's continued take makes windows of 'window' frames, each starting from the last frame of the one before
(takes/continued_starts.py, lead 1 for Image to Video: what sampling.sampler.window_starts gives a continued
take); window k's own frames start one frame after its start. The chain's passes are Studio's windows in order: pass
k's prompt keys the first frame window k makes. The node carrying them (PROMPTS) sits on the first sampler's latent
way, read by the 'latent_steps' hook (:func:`wire`), which adds the Prompt Schedule or says why it cannot.

Plain data and stdlib: nothing of ComfyUI is imported or run."""
from __future__ import annotations

from studio.convert.api import CNode, prompt_text, schedule_input, schedule_on

from ...takes.continued_starts import continued_starts

PROMPTS = "StudioWanPassPrompts"  # the chain's prompts on the first sampler's latent way (read by :func:`wire`)
UNWRITABLE = (";", "@")  # what a keyframe line of Studio's cannot hold (schedule.parse_keys)
SHOWN = 40  # characters of a prompt shown in a sentence


def wan_window(length: int) -> int:
    """The frames Studio's Wan makes a call for a 'window' of ``length`` (rounded up to 4k + 1: family.py's rule)."""
    return length if (length - 1) % 4 == 0 else ((length - 1) // 4 + 1) * 4 + 1


def first_frames(total: int, window: int, passes: int, lead: int = 1) -> list[int]:
    """The first frame each of Studio's windows makes, for the first ``passes`` windows of a continued take of
    ``total`` frames in windows of ``window`` (each sharing ``lead`` frames with the one before: one, or SVI's
    1 + 4m: comfy_svi_motion)."""
    starts = continued_starts(total, wan_window(window), lead)
    return [0] + [s + lead for s in starts[1:passes]]


def text_of(wf, p: CNode, which: str, used: set | None = None) -> str | None:
    """Pass ``p``'s ``which`` prompt (through the nodes passing conditioning on: those read added to ``used``)."""
    src = wf.source(p, which) if which in p.links else None
    return prompt_text(wf, src, which, set() if used is None else used) if src is not None else None


def shown(nid: str, text: str) -> str:
    return f"#{nid} '{text[:SHOWN]}'" + ("..." if len(text) > SHOWN else "")


def place(t, chain: list[CNode], sampler: CNode, total: int, window: int, lead: int = 1) -> bool:
    """The chain's prompts as keyframes on a PROMPTS node on ``sampler``'s latent way (where the later passes' prompts
    differ from the first's, each is readable and writable as a keyframe line, and each pass has a window of its
    own); False where not placed (the fold then says the prompts are not taken)."""
    wf = t.wf
    read: list[set] = [set() for _ in chain]  # the nodes each later pass's prompt is read from (taken where placed)
    texts = [text_of(wf, p, "positive", r) for p, r in zip(chain, read)]
    if any(x is None or not x.strip() or any(c in x for c in UNWRITABLE) for x in texts) or len(set(texts)) < 2:
        return False
    at = first_frames(total, window, len(chain), lead)
    if len(at) < len(chain):
        return False
    keys = "\n".join(f"{f}: {' '.join(x.split())}" for f, x in zip(at, texts))  # (line breaks: spaces)
    ids = [wf.source(p, "positive").id for p in chain]
    negs_read: list[set] = [set() for _ in chain]
    negs = [text_of(wf, p, "negative", r) for p, r in zip(chain, negs_read)]
    other = [(wf.source(p, "negative").id, x) for p, x in zip(chain[1:], negs[1:]) if x is not None and x != negs[0]]
    same = [r for r, x in zip(negs_read[1:], negs[1:]) if x == negs[0]]  # the first's words: read, nothing lost
    wf.taken.update(set().union(*read[1:], *same))  # (the others' negatives: named where said not taken)
    latent = sampler.links["latent_image"]
    t.core(chain[0], PROMPTS, {"prompts": keys, "frames": total, "passes": ", ".join(f"#{p.id}" for p in chain),
                               "shown": "; ".join(f"from frame {f}: {shown(i, x)}" for f, i, x in zip(at, ids, texts)),
                               "broken": any("\n" in x for x in texts),
                               "negatives": ", ".join(shown(i, x) for i, x in other)},
           {"latent": latent}, nid=f"{chain[0].id}:prompts")
    sampler.links["latent_image"] = (f"{chain[0].id}:prompts", 0)
    return True


def wire(b, n: CNode, gen: str, inputs: dict, said: list[str]) -> str:
    """The passes' prompts (PROMPTS) as a Prompt Schedule on the generator's 'schedule', said; said as not taken where
    the generator has none."""
    wf = b.wf
    passes, what = wf.value(n, "passes"), wf.value(n, "shown")
    spec = schedule_input(b, gen)
    if spec is None:
        said.append(f"the own prompts of the passes ({passes}: {what}) are not taken: "
                    f"{_title(b, gen)} has no prompt schedule; the whole take is made from the first pass's prompt")
        return gen
    schedule_on(b, {"prompts": wf.value(n, "prompts"), "frames": wf.value(n, "frames")}, title="Prompts of the passes")
    said.append(f"each pass's prompt ({passes}) is a Prompt Schedule on {spec.title}'s 'schedule', held from the first "
                f"frame Studio's window of that pass makes ({what})"
                + (", its line breaks written as spaces" if wf.value(n, "broken") else ""))
    negatives = wf.value(n, "negatives")
    if negatives:
        said.append(f"the later passes' own negative prompts ({negatives}) are not taken: the first pass's negative "
                    "prompt holds for the whole take")
    return gen


def _title(b, gen: str) -> str:
    return b.g.registry.get(gen).title if gen in b.g.registry else gen
