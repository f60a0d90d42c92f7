"""SAM 3 video from a phrase as a lazy mask clip: every instance transformers' ``Sam3VideoModel``
finds and tracks (their union, or one of them), frames made when pulled.

The model is run as ``propagate_in_video_iterator`` runs it (frame 0 forward, with its hotstart
buffer: frame t is final once frame t + hotstart_delay - 1 is made, the objects hotstart removed by
then hidden), and each frame post-processed as ``Sam3VideoProcessor.postprocess_outputs`` does it
(low-resolution masks up to the frame, bilinear; empty masks, suppressed and hotstart-removed ids
dropped; the objects made not to overlap, a pixel kept by the highest tracker score).

The library's processor is not used: ``Sam3VideoProcessor`` and ``Sam3ImageProcessor`` need
torchvision, which has no build for this CPU torch. So the phrase is tokenised by the folder's own
CLIP tokenizer (padded to 32, as ``add_text_prompt`` does), the frames resized and normalised with
torch as the folder's preprocessor_config.json says (sam2_track.preprocess), and the
post-processing is done here.

Memory: the video is not held (the session's frames are prepared when the model asks for them);
the session keeps, for each object, the outputs of its last ``W`` frames (``W`` = max(num_maskmem -
1, max_object_pointers_in_encoder - 1): all the tracker looks back at), the high-resolution masks
dropped; its conditioning frames (where an object was found or re-conditioned) are kept as the
library keeps them, a few per object every ``recondition_every_nth_frame`` frames; at most
``hotstart_delay`` frames' raw outputs wait; every mask made is kept bit-packed and zlib-compressed."""
from __future__ import annotations

import threading
import zlib
from collections import deque

import numpy as np

from .sam2_track import LazyFrames

TEXT_LENGTH = 32  # Sam3VideoProcessor.add_text_prompt pads every phrase to this


def tokenize(tokenizer, phrase: str, device):
    """The phrase's ids and attention mask, as Sam3VideoProcessor.add_text_prompt makes them."""
    enc = tokenizer(phrase, return_tensors="pt", padding="max_length", max_length=TEXT_LENGTH)
    return enc.input_ids.to(device), enc.attention_mask.to(device)


def add_phrase(session, phrase: str, ids, mask) -> None:
    pid = session.add_prompt(phrase)
    session.prompt_input_ids[pid] = ids
    session.prompt_attention_masks[pid] = mask


def frame_masks(session, out, height: int, width: int):
    """One frame's output -> (object ids, (N, H, W) bool masks), as the processor's
    postprocess_outputs makes them for one phrase."""
    import torch
    import torch.nn.functional as F
    ids = sorted(out.obj_id_to_mask)
    if not ids:
        return [], torch.zeros(0, height, width, dtype=torch.bool)
    low = torch.cat([out.obj_id_to_mask[i] for i in ids], dim=0)
    masks = F.interpolate(low.unsqueeze(1), size=(height, width), mode="bilinear", align_corners=False).squeeze(1) > 0
    keep = masks.any(dim=(1, 2)).cpu()
    hide = set(out.suppressed_obj_ids or ()) | set(session.hotstart_removed_obj_ids)
    if hide:
        keep &= ~torch.isin(torch.tensor(ids), torch.tensor(sorted(hide)))
    idx = torch.nonzero(keep, as_tuple=True)[0]
    ids, masks = [ids[i] for i in idx.tolist()], masks[idx.to(masks.device)]
    if len(ids) > 1:  # a pixel stays with the object of the highest tracker score (0 for a new one: it keeps none)
        score = torch.tensor([out.obj_id_to_tracker_score.get(i, 0.0) for i in ids], device=masks.device)
        scored = torch.where(masks, score[:, None, None], torch.zeros((), device=masks.device))
        owner = torch.argmax(scored, dim=0, keepdim=True)
        mine = owner == torch.arange(len(ids), device=masks.device)[:, None, None]
        masks = masks & mine & (scored > 0)
    return ids, masks


class Sam3Track:
    """The masks of every instance of a phrase (``instance`` 0: their union; n: the n-th object
    SAM 3 found, id n - 1), made on demand in the model's order with bounded state (see the module)."""

    def __init__(self, model, tokenizer, clip, phrase: str, cfg: dict, device, instance: int = 0,
                 on_frame=None, check=None):
        import torch
        from transformers.models.sam3_video.modeling_sam3_video import Sam3VideoInferenceSession
        self.model, self.n, self.h, self.w = model, len(clip), clip.height, clip.width
        self.instance, self.on_frame, self.check = instance, on_frame, check
        s = Sam3VideoInferenceSession(video=None, video_height=self.h, video_width=self.w, inference_device=device,
                                      inference_state_device=device, video_storage_device=device,
                                      dtype=torch.float32)
        s.processed_frames = LazyFrames(clip, cfg, device)
        add_phrase(s, phrase, *tokenize(tokenizer, phrase, device))
        self.session = s
        tc = model.tracker_model.config
        self.window = max(1, int(tc.num_maskmem) - 1, min(self.n, int(tc.max_object_pointers_in_encoder)) - 1)
        self.delay = int(model.hotstart_delay)
        self.next = 0
        self.waiting: deque = deque()  # raw outputs held back by the hotstart delay
        self.masks: dict[int, bytes] = {}
        self.found: dict[int, list[int]] = {}  # frame -> the object ids in its mask
        self.lock = threading.RLock()

    def _step(self) -> None:
        import torch
        t, s = self.next, self.session
        with torch.inference_mode():
            out = self.model(inference_session=s, frame_idx=t, reverse=False)
        self._forget(t)
        if self.delay > 0:  # propagate_in_video_iterator's hotstart buffer
            s.hotstart_removed_obj_ids.update(out.removed_obj_ids)
            self.waiting.append(out)
            ready = len(self.waiting) if t == self.n - 1 else (1 if len(self.waiting) >= self.delay else 0)
        else:
            self.waiting.append(out)
            ready = 1
        for _ in range(ready):
            self._keep(self.waiting.popleft())
        self.next = t + 1

    def _forget(self, t: int) -> None:
        """Drop what frame t + 1 and later will not look at: older non-conditioning outputs, every
        high-resolution mask."""
        s, oldest = self.session, t + 1 - self.window
        for od in s.output_dict_per_obj.values():
            old = od["non_cond_frame_outputs"]
            for f in [f for f in old if f < oldest]:
                del old[f]
            for kept in (old, od["cond_frame_outputs"]):
                for o in kept.values():
                    o.pop("high_res_masks", None)
        for tracked in s.frames_tracked_per_obj.values():
            for f in [f for f in tracked if f < t]:
                del tracked[f]

    def _keep(self, out) -> None:
        ids, masks = frame_masks(self.session, out, self.h, self.w)
        if self.instance > 0:
            pick = [k for k, i in enumerate(ids) if i == self.instance - 1]
            ids, masks = [ids[k] for k in pick], masks[pick]
        mask = masks.any(dim=0).cpu().numpy() if len(ids) else np.zeros((self.h, self.w), bool)
        f = int(out.frame_idx)
        self.masks[f] = zlib.compress(np.packbits(mask).tobytes(), 1)
        self.found[f] = [i for i, m in zip(ids, masks) if bool(m.any())]
        if self.on_frame is not None:
            self.on_frame(f, self.found[f])

    def mask(self, i: int) -> np.ndarray:
        """Frame i's mask, (H, W) bool."""
        with self.lock:
            while i not in self.masks:
                if self.check is not None:
                    self.check()
                self._step()
            packed = self.masks[i]
        bits = np.unpackbits(np.frombuffer(zlib.decompress(packed), np.uint8), count=self.h * self.w)
        return bits.reshape(self.h, self.w).astype(bool)

    def kept_bytes(self) -> int:
        return sum(len(b) for b in self.masks.values())
