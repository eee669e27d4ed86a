"""Contrastive (InfoNCE) training of the tiny CLIP on freshly generated scenes."""

from __future__ import annotations

import math
import time

import numpy as np
import torch

import data
import world
from model import TinyClip, TinyClipConfig, clip_loss
from tokenizer import WorldTokenizer

SEED = 20240607
TRAIN_IMAGES = 80_000
BATCH = 96
STEPS = 2000
LR = 1e-3
WARMUP = 100
WEIGHT_DECAY = 0.1


def pair_prompts():
    return [f"a {c} {s}" for s in world.SHAPES for c in world.COLOURS]


@torch.no_grad()
def zero_shot(model: TinyClip, tok: WorldTokenizer, images: np.ndarray, scenes) -> dict:
    """Accuracy of picking the right shape x colour prompt (36-way) and background (6-way)."""
    model.eval()
    img = torch.cat([model.encode_image(data.normalize(images[i:i + 500]))[0]
                     for i in range(0, len(images), 500)])
    img = torch.nn.functional.normalize(img, dim=-1)

    def texts(prompts):
        t, _ = model.encode_text(torch.tensor(tok.batch(prompts)))
        return torch.nn.functional.normalize(t, dim=-1)

    pairs = [(s, c) for s in world.SHAPES for c in world.COLOURS]
    pred = (img @ texts(pair_prompts()).t()).argmax(-1).tolist()
    pair_acc = np.mean([pairs[p] == (sc.shape, sc.colour) for p, sc in zip(pred, scenes)])
    bg_prompts = [f"a photo {world.background_phrase(b)}" for b in world.BACKGROUNDS]
    pred = (img @ texts(bg_prompts).t()).argmax(-1).tolist()
    bg_acc = np.mean([world.BACKGROUNDS[p] == sc.background for p, sc in zip(pred, scenes)])
    model.train()
    return {"pair": float(pair_acc), "background": float(bg_acc)}


class GroupSampler:
    """Builds batches from groups of scenes that differ in only one attribute.

    Once colour and background are learned, a random batch holds almost no pair
    that only shape tells apart, and the contrastive loss stops teaching shape.
    So each group of GROUP scenes shares colour and background and covers all six
    shapes (3 groups in 4), or shares shape and background and covers all six
    colours. Groups are otherwise random, and every scene is still matched only
    against its own caption (plain InfoNCE).
    """

    GROUP = 6

    def __init__(self, scenes, rng):
        self.rng = rng
        self.by_colour = {}
        self.by_shape = {}
        for i, s in enumerate(scenes):
            self.by_colour.setdefault((s.colour, s.background), {}).setdefault(s.shape, []).append(i)
            self.by_shape.setdefault((s.shape, s.background), {}).setdefault(s.colour, []).append(i)
        self.colour_keys = sorted(self.by_colour)
        self.shape_keys = sorted(self.by_shape)

    def _group(self):
        rng = self.rng
        if rng.random() < 0.75:
            bucket = self.by_colour[self.colour_keys[rng.integers(len(self.colour_keys))]]
        else:
            bucket = self.by_shape[self.shape_keys[rng.integers(len(self.shape_keys))]]
        members = [v[rng.integers(len(v))] for _, v in sorted(bucket.items())]
        return members

    def batch(self, size):
        idx = []
        while len(idx) < size:
            idx += self._group()
        return np.array(idx[:size])


def _cached(count, seed):
    """Optional on-disk cache for repeated experiments (TINY_WORLD_CACHE=dir); same data either way."""
    import os
    import pickle

    cache = os.environ.get("TINY_WORLD_CACHE")
    path = cache and os.path.join(cache, f"scenes-{count}-{seed}.pkl")
    if path and os.path.exists(path):
        with open(path, "rb") as f:
            return pickle.load(f)
    result = data.generate(count, seed, allow_held_out=False)
    if path:
        os.makedirs(cache, exist_ok=True)
        with open(path, "wb") as f:
            pickle.dump(result, f)
    return result


def train(steps: int = STEPS, train_images: int = TRAIN_IMAGES, log=print):
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    tok = WorldTokenizer()
    cfg = TinyClipConfig(vocab_size=len(tok))
    model = TinyClip(cfg)

    t0 = time.time()
    images, scenes = _cached(train_images, SEED)
    val_images, val_scenes = _cached(1000, SEED + 1)
    log(f"generated {len(images)} training scenes in {time.time() - t0:.0f}s")

    decay = [p for n, p in model.named_parameters() if p.ndim >= 2 and "embedding" not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.ndim >= 2 and "embedding" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": WEIGHT_DECAY},
                             {"params": no_decay, "weight_decay": 0.0}], lr=LR, betas=(0.9, 0.98))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / WARMUP) * 0.5 * (1 + math.cos(math.pi * min(1.0, s / steps))))

    rng = np.random.default_rng(SEED + 2)
    sampler = GroupSampler(scenes, rng)
    t1 = time.time()
    history = []
    for step in range(steps):
        idx = sampler.batch(BATCH)
        # A fifth of the batches carry LLM-style filler words (unknown tokens, long texts).
        filler_p = 0.4 if rng.random() < 0.2 else 0.0
        captions = [world.caption(scenes[i], rng, filler_p=filler_p) for i in idx]
        pixels = data.normalize(images[idx])
        if rng.random() < 0.5:
            pixels = pixels.flip(-1)
        ids = torch.tensor(tok.batch(captions))
        logits = model(pixels, ids)
        loss = clip_loss(logits)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        with torch.no_grad():
            model.logit_scale.clamp_(0, math.log(100))
        if step % 100 == 0 or step == steps - 1:
            msg = f"step {step} loss {loss.item():.3f} scale {model.logit_scale.exp().item():.1f} " \
                  f"{time.time() - t1:.0f}s"
            if step % 250 == 0 or step == steps - 1:
                acc = zero_shot(model, tok, val_images, val_scenes)
                msg += f" val pair {acc['pair']:.3f} bg {acc['background']:.3f}"
                history.append({"step": step, "loss": loss.item(), **acc})
            log(msg)
    train_seconds = time.time() - t1
    model.eval()
    return model, tok, {"train_seconds": train_seconds, "generate_seconds": t1 - t0,
                        "history": history, "steps": steps, "batch": BATCH,
                        "train_images": train_images}


if __name__ == "__main__":
    import sys

    steps = int(sys.argv[1]) if len(sys.argv) > 1 else STEPS
    n = int(sys.argv[2]) if len(sys.argv) > 2 else TRAIN_IMAGES
    m, _, info = train(steps, n)
    torch.save(m.state_dict(), "/tmp/tiny-clip-trial.pt")
    print(info)
