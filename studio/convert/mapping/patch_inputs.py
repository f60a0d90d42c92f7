"""What a model patch Studio does not apply is given besides the model (an invented pack's guidance patch: its own
negative prompt encoded by a CLIPTextEncode on a CONDITIONING input, a picture, the nodes setting it): each node
whose every reader ComfyUI runs is the patch, or one of these, is one of what the patch is made with, and is passed
over with it in one sentence naming the patch and the input it feeds (Conversion.passed), not listed as not
converted. The patch's own sentence (models.ModelReading._patches, in its generator's note) names those inputs too;
once that pipeline is made, the patch itself is passed over naming the sampler whose model it patches. Told by links
and types: the model's way in is its 'model', else its input of type MODEL; an input of a type it gives, or a second
model, it carries on (not what it is made with); a node read elsewhere, or also read by a node outside the patch's
own, is left to the other rules. Linear in the nodes looked at. Plain stdlib."""
from __future__ import annotations

from .. import catalogue
from ..reading.model_way import model_input
from ..reading.workflow import CNode, Workflow
from ..tracing.roles import in_type
from .displays import is_save
from .sampled_by import BRACKETED, on_model


_name = CNode.named  # the node in a sentence
PROMPT_MADE = ("STRING", "CONDITIONING")  # a node giving both besides the model encodes its text: no model patch


def model_way(wf: Workflow, n: CNode) -> str | None:
    """The input the model comes into ``n`` on: 'model', else the one wired input of type MODEL, else the one
    whose source gives a model (reading.model_way: an input of any type)."""
    if "model" in n.links:
        return "model"
    ways = [k for k in n.links if in_type(n, k) == "MODEL"]
    return ways[0] if len(ways) == 1 else None if ways else model_input(wf, n)


def _gives(n: CNode) -> set[str]:
    """The types ``n`` gives, as its pack declares them, else as the file saved them."""
    t = catalogue.node_type(n.origin or n.cls)
    return set(t.output_types) if t is not None and t.outputs else {x for x in n.out_types if x}


gives = _gives  # (model_makers: a node giving a model and taking none)


def patch_words(n: CNode) -> str:
    """What node ``n`` on the model's way is, in words: 'a model patch' where its pack declares (or the file saves)
    what it gives (a model of the way's type: MODEL, WanVideoWrapper's WANVIDEOMODEL), and where no catalogued pack
    declares it and the file saves no types (an API file: the patch a node on the model's way most often is); not said
    to be one where its pack declares it but builds its outputs in a way the catalogue does not follow (heldout37 07:
    rgthree's Context in an API file passes the loader's model on unchanged; it was called a model patch); a node
    declared to give a text (STRING) and CONDITIONING besides it encodes its text and passes the model on (heldout115
    03: rgthree's Power Prompt, its CONDITIONING and TEXT made from its prompt, was called a model patch)."""
    t = catalogue.node_type(n.origin or n.cls)
    made = [x for x in PROMPT_MADE if x in _gives(n)]
    if len(made) == 2:  # (its text encoded, the model passed on: rgthree's Power Prompt, heldout115 03; a LoRA
        # loader giving a STRING of what it loaded, VRGDG's Multi LoRA, stays a model patch)
        return (f"a node encoding its text, passing the model on (declared to give {' and '.join(made)} besides it: no model "
                "patch; what it may do to the model from its text, a LoRA it names, not read)")
    if t is None or t.outputs is not None or any(n.out_types):  # (a wrapper's patch gives its WANVIDEOMODEL)
        return "a model patch"
    return "a node not declared to give a model (a model patch, or a node passing it on)"


def own_inputs(wf: Workflow, patch: CNode) -> list[tuple[str, CNode]]:
    """The patch's inputs beside the model's way, each with the node wired there (in the patch's order); not one of
    a type it gives, nor a model (a second expert a LoRA loader of two models carries on: not what it is made with)."""
    way, gives = model_way(wf, patch), _gives(patch) | {"MODEL"}
    return [(k, wf.nodes[src]) for k, (src, _) in patch.links.items()
            if k != way and src in wf.nodes and not set(in_type(patch, k).split(",")) & gives]


def given(wf: Workflow, patch: CNode) -> str:
    """'' or the words for what the patch is given beside the model, for its sentence: ", nor what it is given on
    'nag_cond_video'". The inputs alone: the nodes wired there are named where they are passed over (made_with), so
    the ledger never takes a file a node brings in as said here (takes.ledger names '#id)' as said)."""
    names = list(dict.fromkeys(k for k, _ in own_inputs(wf, patch)))
    if not names:
        return ""
    return (", nor what it is given on " + ", ".join(f"'{k}'" for k in names[:4])
            + (f" and {len(names) - 4} more" if len(names) > 4 else ""))


def more_than_lora(wf: Workflow, n: CNode) -> bool:
    """A node on the model's way naming a LoRA file that does more than load it, told by its declared types: it gives
    what a LoRA loader does not (conditioning, a latent) and is given inputs of its own beside its model and text
    encoder (guides, a VAE: the Director Motion Brush's V2 guide, an IC-LoRA director). Read as a model patch not
    applied, its inputs named (models.ModelReading._patches), never as a LoRA whose guides are said nowhere."""
    return bool(_gives(n) - {"MODEL", "CLIP"}) and any(
        in_type(n, k) != "CLIP" for k, _ in own_inputs(wf, n))


def _preview(wf: Workflow, n: CNode, readers: dict[str, list[str]], seen: frozenset = frozenset()) -> bool:
    """``n`` a preview: an output node (its pack declares it one) that gives nothing any node reads and writes no file
    (displays.py's save); what it shows of a patch's input is not made with it (animdiff15: a still made for an
    IP-Adapter and previewed held the still's whole chain as not converted). A step whose every reader is a preview
    (a MaskToImage before a PreviewImage) only shows it too (heldout87 03: an IP-Adapter's attention mask, also shown
    through MaskToImage, was said to reach the video "through ComfyUI's 'VAEDecode' ..., which Studio does not
    convert", false: it is the patch's, not applied with it)."""
    t = catalogue.node_type(n.origin or n.shown_cls)
    if not n.enabled or t is None or is_save(n) or n.id in seen:
        return False
    rs = [wf.nodes[r] for r in readers.get(n.id, ()) if r in wf.nodes]
    if not rs:
        return t.output_node is True
    return t.output_node is not True and all(_preview(wf, m, readers, seen | {n.id}) for m in rs)


def readers_of(wf: Workflow) -> dict[str, list[str]]:
    """Each node -> the ids of the enabled nodes reading it, once a link."""
    readers: dict[str, list[str]] = {}
    for m in wf.nodes.values():
        if m.enabled:
            for src, _ in m.links.values():
                readers.setdefault(src, []).append(m.id)
    return readers


def made_with(wf: Workflow, patch: CNode, sampler: CNode, skip: set[str], within: set[str],
              readers: dict[str, list[str]]) -> dict[str, str]:
    """The nodes ``patch`` alone is made with beside its model (none in ``skip``: read, or said already), each with
    its sentence; ``sampler``: the sampler whose model it patches (named); ``within``: the patches passed over before
    and what they are made with (a negative prompt given to two patches), grown with these; ``readers``: readers_of."""
    ins = own_inputs(wf, patch)
    within.add(patch.id)
    if not ins:
        return {}
    group, out = within, {}
    via = {n.id: (patch, k) for k, n in reversed(ins)}  # a node -> the reader in the group and the input it feeds
    todo = [n for _, n in ins]
    while todo:
        n = todo.pop()
        if n.id in group or n.id in skip or not n.enabled or not {
                r for r in readers.get(n.id, ()) if not _preview(wf, wf.nodes[r], readers)} <= group:
            continue  # (a node with another reader outside: looked at again if that reader joins the group)
        group.add(n.id)
        reader, k = via[n.id]
        more = len(readers.get(n.id, ())) - 1
        more = f" (and {more} more input{'s' * (more > 1)})" if more > 0 else ""
        out[n.id] = (f"{_name(n)} gives {reader.where(k)}{more}: one of what {_name(patch)} is made with, {patch_words(patch)} "
                     f"(on the model {on_model(wf, sampler)}) Studio does not "
                     "apply: not applied either")
        for k2, (src, _) in n.links.items():
            if src in wf.nodes:
                via.setdefault(src, (n, k2))
                todo.append(wf.nodes[src])
    return out


def patch_line(patch: CNode, sampler: CNode, wf: Workflow | None = None) -> str:
    """The patch passed over: the sentence of the list of nodes passed over (its generator's note says it too)."""
    return (f"{_name(patch)}, {patch_words(patch)} on the model {on_model(wf, sampler, BRACKETED)}"
            ": not applied, Studio loads the model without it (said in that generator's note)")


def commit(b, said: list[str]) -> None:
    """The patches of the pipeline just made (``b.patch_pending``) whose sentence is in its note (``said``): each
    passed over (no longer read) with what it alone is made with; a patch said nowhere (an output held, a family's
    later stage reading its own chain) stays as it was."""
    readers = readers_of(b.wf) if b.patch_pending else {}  # (once a pipeline: linear in the workflow's size)
    for patch, sampler, line in b.patch_pending:
        if line not in said or not patch.enabled or patch.id in b.over or patch.id not in b.used:
            continue
        b.used.discard(patch.id)
        b.over[patch.id] = patch_line(patch, sampler, b.wf)
        b.over.update(made_with(b.wf, patch, sampler, b.used | set(b.over) - b.patched, b.patched, readers))
    b.patch_pending = []
    family_inputs(b, said)


def family_inputs(b, said: list[str]) -> None:
    """A family's patch read into its generator's settings (said in its note): the nodes wired to its inputs other
    than the model's, read by nothing else, passed over as not read apart (LTX2_NAG's conditionings: nagltx8)."""
    wf = b.wf
    for patch, line, _ in getattr(b, "patch_family", []):
        if line not in said:
            continue
        way = model_input(wf, patch) or "model"
        for port, link in patch.links.items():
            src = wf.nodes.get(link[0]) if port != way and link else None
            if src is None or src.id in b.used or src.id in b.over:
                continue
            b.over[src.id] = (f"'{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id}) gives "
                              f"'{patch.title or patch.shown_cls}' (#{patch.id})'s '{port}', which Studio does not "
                              "read apart (said in the generator's note)")
    b.patch_family = []


def pending_made_with(b, said: list[str]) -> set[str]:
    """The nodes the patches of the pipeline being made (said in ``said``, passed over at commit) alone are made with:
    the ledger leaves them to commit's sentence (heldout19 08: an IP-Adapter's reference picture was said to reach the
    output "through ComfyUI's 'VAEDecodeTiled' ..., which Studio does not convert", false)."""
    pending = [(p, s) for p, s, line in b.patch_pending if line in said and p.enabled and p.id not in b.over]
    if not pending:
        return set()
    readers, out = readers_of(b.wf), set()
    for patch, sampler in pending:
        out |= set(made_with(b.wf, patch, sampler, b.used - {patch.id}, {p.id for p, _ in pending}, readers))
    return out
