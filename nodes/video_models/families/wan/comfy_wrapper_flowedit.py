"""The WanVideoWrapper's FlowEdit (kijai's ComfyUI-WanVideoWrapper, Apache-2.0, read for meaning, nothing copied:
nodes.py WanVideoFlowEdit and nodes_sampler.py's FlowEdit branch, as kept at
chenyan4/Kim-comfyui_workflows_nodes_app-router@b27efa20f3d5bd452b6806036b32d6ae1cd54615
custom_nodes/ComfyUI-WanVideoWrapper; the wrapper's later releases removed it): a WanVideoSampler given an encoded
clip on 'samples' and a WanVideoFlowEdit on 'flowedit_args' edits the clip from the source prompt (the FlowEdit
node's 'source_embeds') toward its own (its 'text_embeds'). What the wrapper does with the settings:

- the schedule: the sampler's steps, sliced at the start step its denoise_strength gives (``steps - int(steps x
  denoise) - 1`` below 1), the first ``skip_steps`` of what is left skipped; with the 'euler' scheduler its sigmas
  are ``get_sampling_sigmas(steps, shift)`` given to diffusers' FlowMatchEulerDiscreteScheduler made with the same
  shift, which shifts them again (diffusers' set_timesteps): a shift of ``shift x shift`` in all;
- the last ``drift_steps`` timesteps are taken from a schedule at ``drift_flow_shift`` (shifted twice alike), the
  last of them 0: those steps sample the target alone;
- both predictions, the source's and the target's, are guided at ``drift_cfg`` (the loop sets its cfg list to
  drift_cfg at the first FlowEdit step): ``source_cfg`` and the sampler's own cfg are not used;
- the noise is drawn afresh each step; the edit starts at the clip's latents; the last step of the loop moves by
  ``sigma_prev - sigma`` of 0 (its sigma_prev is its own sigma).

Read as one node, ``FLOWEDIT``, which the Wan mapping (comfy_flowedit.py) makes into Studio's Wan FlowEdit node
(flowedit/node.py). Plain stdlib."""
from __future__ import annotations

from studio.convert.api import CNode

EDIT = "WanVideoFlowEdit"
FLOWEDIT = "WanVideoWrapperFlowEdit"  # the node the reading makes: no ComfyUI node; the Wan mapping reads it
WIDGETS = {EDIT: ("skip_steps", "drift_steps", "drift_flow_shift", "source_cfg", "drift_cfg")}
FLOWEDIT_WIDGETS = ("source_prompt", "source_negative_prompt", "skip_steps", "drift_steps", "shift", "drift_shift",
                    "source_guidance", "guidance")
EULER = "euler"  # the scheduler whose FlowEdit sigmas the wrapper shifts twice
# the image-to-video encodes on the sampler's image_embeds whose start picture both predictions read: their picture
# input, and their settings that change the picture's condition from a plain encode (with the value that does not)
STARTS = {"WanVideoImageClipEncode": ("image", {"noise_aug_strength": 0, "latent_strength": 1,
                                                "clip_embed_strength": 1}),
          "WanVideoImageToVideoEncode": ("start_image", {"noise_aug_strength": 0, "start_latent_strength": 1})}


def _number(v):
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _source_texts(t, fe: CNode):
    """(the source prompt, its negative or None) from the CLIPTextEncode the wrapper's text encode was read as, or
    None where the source embeds are not such a node or its text is not known."""
    link = t.through(t.link(fe, "source_embeds"))
    src = t.wf.nodes.get(link[0]) if link else None
    if src is None or src.cls != "CLIPTextEncode":
        return None
    text = t.wf.value(src, "text")
    neg = t.wf.nodes.get(f"{src.id}:neg")
    negative = t.wf.value(neg, "text") if neg is not None else None
    if not isinstance(text, str):
        return None
    t.wf.taken.update(n.id for n in (src, neg) if n is not None)  # read: the node's source prompt
    return text, negative if isinstance(negative, str) else None


def _start_step(w: dict) -> int | None:
    """The step the wrapper's schedule starts at: from denoise_strength below 1, else the sampler's start_step."""
    steps, denoise, start = _number(w.get("steps")), _number(w.get("denoise_strength")), w.get("start_step")
    if steps is None:
        return None
    if denoise is not None and denoise < 1.0:
        return steps - int(steps * denoise) - 1
    return start if isinstance(start, int) and not isinstance(start, bool) and start >= 0 else 0


def _saved(t, n: CNode) -> dict:
    """``n``'s settings as the file saves them, those wired left out (the encode's size and length, wired from a
    measure of the clip, are the clip's: Studio's Wan FlowEdit takes the clip's own)."""
    order = t.WIDGETS.get(n.cls, ())
    got = dict(n.widgets) if n.widgets else dict(zip(order, n.raw)) if isinstance(n.raw, list) else {}
    return {k: v for k, v in got.items() if k not in n.links}


def _start(t, sampler: CNode, links: dict) -> list[str]:
    """The start picture of the image-to-video encode on ``sampler``'s image_embeds (and its CLIP vision) into
    ``links``, the encode taken: the sentences of its settings not applied; [] where there is none (or it gives an
    end picture too: left as it is, said by comfy_wrapper_v2v.unread_embeds)."""
    src = t.through(t.link(sampler, "image_embeds"))
    emb = t.wf.nodes.get(src[0]) if src else None
    if emb is None or emb.cls not in STARTS or t.link(emb, STARTS[emb.cls][0]) is None or t.link(emb, "end_image"):
        return []
    port, plain = STARTS[emb.cls]
    links["start_image"] = t.link(emb, port)
    vision = t.link(emb, "clip_vision") or t.link(emb, "clip_embeds")
    if vision is not None:
        links["clip_vision"] = vision
    t.wf.taken.add(emb.id)
    named = _saved(t, emb)
    off = [f"{k} {named[k]:g}" for k, v in plain.items() if _number(named.get(k)) not in (None, v)]
    lines = [f"{CNode.named(emb)} gives {sampler.title or sampler.shown_cls} (#{sampler.id}) its start picture (on "
             f"'{port}'): Studio's Wan FlowEdit gives it both predictions, as the wrapper's FlowEdit does"]
    if off:
        lines.append(f"{CNode.named(emb)}'s {', '.join(off)} {'is' if len(off) == 1 else 'are'} not applied: Studio's "
                     "Wan FlowEdit encodes the start picture as Wan image to video does (no noise added, its "
                     "condition and CLIP states at full strength)")
    return lines


def read(t, sampler: CNode, w: dict):
    """The latent link of ``FLOWEDIT`` made for ``sampler`` (given samples and flowedit_args) and its sentences, or
    None where the edit cannot be read (not an encoded clip, the source prompt or the numbers not known: the sampler
    is then read as before and its FlowEdit said not made, comfy_wrapper_v2v.flow_edit)."""
    link = t.link(sampler, "flowedit_args")
    fe = t.wf.nodes.get(link[0]) if link else None
    src = t.link(sampler, "samples")
    enc = t.wf.nodes.get(src[0]) if src else None
    if fe is None or enc is None or enc.cls != "VAEEncode" or t.link(enc, "pixels") is None:
        return None
    texts, fw = _source_texts(t, fe), t.named(fe)
    nums = {k: _number(fw.get(k)) for k in WIDGETS[EDIT]}
    start, shift = _start_step(w), _number(w.get("shift"))
    if texts is None or None in nums.values() or start is None or shift is None:
        return None
    twice = str(w.get("scheduler") or "") == EULER
    widgets = {"source_prompt": texts[0], "source_negative_prompt": texts[1] or "",
               "skip_steps": int(start) + int(nums["skip_steps"]), "drift_steps": int(nums["drift_steps"]),
               "shift": round(shift * shift, 9) if twice else shift,
               "drift_shift": round(nums["drift_flow_shift"] ** 2, 9) if twice else nums["drift_flow_shift"],
               "source_guidance": nums["drift_cfg"], "guidance": nums["drift_cfg"]}
    links = {"pixels": t.link(enc, "pixels"), "vae": t.link(enc, "vae")}
    started = _start(t, sampler, links)
    c = t.core(fe, FLOWEDIT, widgets, links, nid=f"{fe.id}:flowedit")
    c.ports.update({"pixels": (enc.id, "pixels")})
    t.wf.taken.update((fe.id, enc.id))
    for line in said(fe, sampler, w, nums, start, shift, twice) + started:
        t.say(fe, line)
    return (c.id, 0)


def said(fe: CNode, sampler: CNode, w: dict, nums: dict, start: int, shift: float, twice: bool) -> list[str]:
    """The sentences of the edit read: what Studio's Wan FlowEdit is given, and each value the wrapper does not use
    or uses otherwise."""
    who, fen = f"'{sampler.title or sampler.shown_cls}' (#{sampler.id})", CNode.named(fe)
    skip, d_shift, cfg = int(start) + int(nums["skip_steps"]), nums["drift_flow_shift"], nums["drift_cfg"]
    began = (f"its denoise_strength {w.get('denoise_strength'):g} starts the schedule at step {start}, then "
             if start else "")
    lines = [f"{who} edits the clip it is given (samples) by FlowEdit ({fen}: from the source prompt on its "
             f"'source_embeds' toward the sampler's own): Studio's Wan FlowEdit, {w.get('steps')} steps, the first "
             f"{skip} skipped ({began}skip_steps {nums['skip_steps']}), the last {nums['drift_steps']} sampling the "
             "target alone (drift_steps)"]
    if twice:
        lines.append(f"{who}'s FlowEdit schedule with the '{EULER}' scheduler is shifted twice by the wrapper (its "
                     f"sigmas at shift {shift:g}, shifted again by diffusers' scheduler made at the same shift; the "
                     f"drift steps' alike at drift_flow_shift {d_shift:g}): Studio's Wan FlowEdit is given shift "
                     f"{shift * shift:g} and drift_shift {d_shift * d_shift:g}, the same sigmas")
    else:
        lines.append(f"{who}'s scheduler '{w.get('scheduler')}' is not followed by its FlowEdit here: Studio's Wan "
                     f"FlowEdit steps Wan's flow schedule at shift {shift:g} (drift_shift {d_shift:g})")
    unused = [x for x in (f"its source_cfg {nums['source_cfg']:g}" if nums["source_cfg"] != cfg else "",
                          f"the sampler's cfg {w.get('cfg'):g}" if _number(w.get("cfg")) != cfg else "") if x]
    if unused:
        lines.append(f"{fen} guides both the source's and the target's predictions at drift_cfg {cfg:g} in the "
                     f"wrapper, so {' and '.join(unused)} {'is' if len(unused) == 1 else 'are'} not used: Studio's "
                     f"Wan FlowEdit guides both at {cfg:g}")
    lines.append(f"{who}'s last FlowEdit step moves nothing in the wrapper (its next sigma is its own): Studio's Wan "
                 "FlowEdit takes it, to sigma 0")
    if start and nums["drift_steps"]:
        lines.append(f"{fen}'s drift sigmas are taken by the wrapper from a schedule of the {w.get('steps') - start} "
                     f"steps left after its denoise; Studio's Wan FlowEdit takes them from all {w.get('steps')}")
    if "source_image_embeds" in fe.links:
        lines.append(f"{fen}'s source_image_embeds are not read: Studio's Wan FlowEdit gives the source's prediction "
                     "the sampler's own start picture, as the wrapper does without them")
    return lines
