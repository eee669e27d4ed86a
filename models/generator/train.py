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
STEPS = 1300
# The text tower is frozen for the first steps: its random features already tell the
# captions apart, and the image tower learns shapes faster against a fixed target.
TEXT_FROZEN_STEPS = 650
SHAPE_GROUP_SHARE = 0.85       # of the shape/colour groups, those that vary shape
# Phase 2: a warm restart (fresh AdamW, lower peak) that sharpens shape and quality further.
SECOND_STEPS = 700
SECOND_LR = 5e-4
SECOND_WARMUP = 50
# Phase 3: a second warm restart in which half of every batch is quality groups, so the
# embedding is pushed to carry how well a scene was taken, not only what it shows.
THIRD_STEPS = 1000
THIRD_LR = 4e-4
THIRD_WARMUP = 50
THIRD_QUALITY_IN_BATCH = 32
THIRD_POOL_QUALITY_P = 0.6     # quality words in the captions of ordinary degraded scenes
# Contrastive captions alone left blur, noise and JPEG nearly invisible to any linear read-out
# of the embedding (head rho ~0.1-0.2 within those types). In phase 3 a throw-away linear probe
# on the L2-normalised image embedding predicts quality and each degradation's strength (MSE),
# so those directions become linear; the probe is not exported (the head is fitted afresh).
# The probe starts at the targets' mean (zero weights) and learns 10x faster than the towers, so
# its loss is about the embedding from the first step; quality counts QUALITY_PROBE_WEIGHT times
# as much as each defect's strength.
THIRD_PROBE_WEIGHT = 5.0
QUALITY_PROBE_WEIGHT = 4.0
PROBE_LR_FACTOR = 10.0
# Phase 4 (revision 4): after phases 1-3 the embedding still hardly told shapes apart (a
# linear probe on it named the shape of 30% of test photos, chance 17%; shape+colour search
# P@10 0.34). It adds the vision tower's shape stem (model.py) and a throw-away linear shape
# classifier on the normalised image embedding (cross-entropy, weight SHAPE_PROBE_WEIGHT),
# keeps phase 3's quality groups and probe, and draws its scenes from a fresh pool.
FOURTH_STEPS = 2000
FOURTH_LR = 6e-4
FOURTH_WARMUP = 50
FOURTH_IMAGES = 30_000
SHAPE_PROBE_WEIGHT = 2.0
# Phase 5 (revision 5): after phase 4, plain queries ("a red circle") preferred clean photos
# strongly (Spearman of cosine and quality among a query's relevant photos ~0.5), because clean
# scenes carried a plain caption far more often than degraded ones (85% against ~45%), and the
# quality groups taught "no defect word" = "clean". Base retrieval then already put most of the
# good photos first, leaving preference tuning little to show, unlike real CLIP whose captions
# rarely say how well a photo was taken. Phase 5 names quality as often for clean scenes (good
# words) as for degraded ones (defect words), so a plain caption says nothing of quality, and
# keeps phase 4's quality and shape probes so the embedding still carries both.
FIFTH_STEPS = 800
FIFTH_LR = 3e-4
FIFTH_WARMUP = 50
FIFTH_QUALITY_P = 0.5          # degraded scenes (s >= 0.3) that name their defect
FIFTH_GOOD_P = 0.5             # clean scenes that say so
SHAPE_CHANNELS = (24, 48, 96)
QUALITY_GROUPS = 6000          # scenes rendered at QUALITY_GROUP qualities each
QUALITY_IN_BATCH = 24          # batch items taken from quality groups
# Captions of quality groups name the degradation almost always, and clean ones often say so.
QUALITY_CAPTION_P, GOOD_CAPTION_P = 0.9, 0.5
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
    shapes (SHAPE_GROUP_SHARE of groups), or shares shape and background and covers
    all six colours. Groups are otherwise random, and every scene is still matched only
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
        if rng.random() < SHAPE_GROUP_SHARE:
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


def _disk_cached(name, make):
    """Optional on-disk cache for repeated experiments (TINY_WORLD_CACHE=dir); same data either way."""
    import os
    import pickle

    cache = os.environ.get("TINY_WORLD_CACHE")
    path = cache and os.path.join(cache, f"{name}.pkl")
    if path and os.path.exists(path):
        with open(path, "rb") as f:
            return pickle.load(f)
    result = make()
    if path:
        os.makedirs(cache, exist_ok=True)
        with open(path, "wb") as f:
            pickle.dump(result, f)
    return result


def _cached(count, seed):
    return _disk_cached(f"scenes-{count}-{seed}", lambda: data.generate(count, seed, allow_held_out=False))


def _cached_groups(groups, seed):
    return _disk_cached(f"quality-{groups}-{seed}", lambda: data.generate_quality_groups(groups, seed))


def _probe_targets(scenes) -> torch.Tensor:
    """Per scene: each defect's strength (0 where absent), then quality."""
    target = torch.zeros(len(scenes), len(world.DEGRADATIONS) + 1)
    for k, sc in enumerate(scenes):
        target[k, -1] = sc.quality
        if sc.degradation:
            target[k, world.DEGRADATIONS.index(sc.degradation)] = sc.strength
    return target


def _phase(model, tok, pools, steps, lr, warmup, rng, frozen_steps, log, save, offset, history,
           quality_in_batch=QUALITY_IN_BATCH, pool_quality_p=0.5, save_every=500, probe_weight=0.0,
           shape_probe_weight=0.0, pool_good_p=0.15, group_quality_p=QUALITY_CAPTION_P,
           group_good_p=GOOD_CAPTION_P):
    """One run of the contrastive loop with its own AdamW, warm-up + cosine schedule and batch stream."""
    (images, scenes), (q_images, q_scenes), (val_images, val_scenes) = pools
    G = data.QUALITY_GROUP
    decay = [p for n, p in model.named_parameters() if p.ndim >= 2 and "embedding" not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.ndim >= 2 and "embedding" not in n)]
    probe = torch.nn.Linear(model.cfg.embed_dim, len(world.DEGRADATIONS) + 1)
    probe_w = torch.ones(len(world.DEGRADATIONS) + 1)
    probe_w[-1] = QUALITY_PROBE_WEIGHT
    with torch.no_grad():
        probe.weight.zero_()
        probe.bias.copy_(_probe_targets(list(scenes) + list(q_scenes)).mean(0))
    groups = [{"params": decay, "weight_decay": WEIGHT_DECAY}, {"params": no_decay, "weight_decay": 0.0}]
    if probe_weight:
        groups.append({"params": list(probe.parameters()), "weight_decay": 0.0, "lr": lr * PROBE_LR_FACTOR})
    # A throw-away linear shape classifier on the image embedding (phase 4): contrastive batches
    # alone taught shape too slowly for a model this small to tell a circle from a square.
    shape_probe = torch.nn.Linear(model.cfg.embed_dim, len(world.SHAPES))
    if shape_probe_weight:
        groups.append({"params": list(shape_probe.parameters()), "weight_decay": 0.0, "lr": lr * PROBE_LR_FACTOR})
    opt = torch.optim.AdamW(groups, lr=lr, betas=(0.9, 0.98))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * min(1.0, s / steps))))
    sampler = GroupSampler(scenes, rng)
    text_params = list(model.text_model.parameters())
    for p in text_params:
        p.requires_grad_(frozen_steps == 0)
    n_quality = min(quality_in_batch, len(q_scenes) // G * G)
    t1 = time.time()
    for step in range(steps):
        if step == frozen_steps:
            for p in text_params:
                p.requires_grad_(True)
        idx = sampler.batch(BATCH - n_quality)
        # A fifth of the batches carry LLM-style filler words (unknown tokens, long texts).
        filler_p = 0.4 if rng.random() < 0.2 else 0.0
        captions = [world.caption(scenes[i], rng, quality_p=pool_quality_p, good_p=pool_good_p,
                                  filler_p=filler_p) for i in idx]
        batch_scenes = [scenes[i] for i in idx]
        batch_images = images[idx]
        if n_quality:
            # Whole groups: the same scene at several qualities, told apart only by the
            # caption's quality words.
            starts = rng.choice(len(q_scenes) // G, n_quality // G, replace=False) * G
            qidx = (starts[:, None] + np.arange(G)[None]).reshape(-1)
            captions += [world.caption(q_scenes[i], rng, quality_p=group_quality_p, good_p=group_good_p,
                                       filler_p=filler_p) for i in qidx]
            batch_images = np.concatenate([batch_images, q_images[qidx]])
            batch_scenes += [q_scenes[i] for i in qidx]
        pixels = data.normalize(batch_images)
        if rng.random() < 0.5:
            pixels = pixels.flip(-1)
        ids = torch.tensor(tok.batch(captions))
        if probe_weight:
            img = torch.nn.functional.normalize(model.encode_image(pixels)[0], dim=-1)
            txt = torch.nn.functional.normalize(model.encode_text(ids)[0], dim=-1)
            loss = clip_loss(model.logit_scale.exp().clamp(max=100) * img @ txt.t())
            err = (probe(img) - _probe_targets(batch_scenes)) ** 2
            loss = loss + probe_weight * (err.mean(0) @ probe_w)
            if shape_probe_weight:
                shapes = torch.tensor([world.SHAPES.index(sc.shape) for sc in batch_scenes])
                loss = loss + shape_probe_weight * torch.nn.functional.cross_entropy(shape_probe(img), shapes)
        else:
            loss = clip_loss(model(pixels, ids))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        with torch.no_grad():
            model.logit_scale.clamp_(0, math.log(100))
        at = offset + step
        if step % 100 == 0 or step == steps - 1:
            msg = f"step {at} loss {loss.item():.3f} {'probe %.3f ' % (err.mean(0) @ probe_w).item() if probe_weight else ''}scale {model.logit_scale.exp().item():.1f} " \
                  f"{time.time() - t1:.0f}s"
            if step % 250 == 0 or step == steps - 1:
                acc = zero_shot(model, tok, val_images, val_scenes)
                msg += f" val pair {acc['pair']:.3f} bg {acc['background']:.3f}"
                history.append({"step": at, "loss": loss.item(), **acc})
            log(msg)
        if save and step and step % save_every == 0:
            save(model, at)
    return time.time() - t1


def train(steps: int = STEPS, train_images: int = TRAIN_IMAGES, log=print, quality_groups: int = QUALITY_GROUPS,
          save=None, second_steps: int = SECOND_STEPS, resume: str | None = None,
          third_steps: int = THIRD_STEPS, resume_phase: int = 2, fourth_steps: int = FOURTH_STEPS,
          fourth_images: int = FOURTH_IMAGES, fifth_steps: int = FIFTH_STEPS):
    """Phase 1 (steps, from scratch), then phase 2 (second_steps: a warm restart with a fresh
    optimizer, a lower peak learning rate and its own batch stream), then phase 3 (third_steps:
    another warm restart with half of each batch from quality groups). resume = a checkpoint
    taken at the end of phase resume_phase - 1 to start phase resume_phase from (the same model
    a full run reaches; a phase uses no state of the one before but the weights).
    save(model, step) is called every 500 steps (250 in phase 3)."""
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    tok = WorldTokenizer()
    # From phase 5 on the model has its shape stem (phase 4 adds it).
    cfg = TinyClipConfig(vocab_size=len(tok), shape_channels=SHAPE_CHANNELS if resume and resume_phase >= 5 else ())
    model = TinyClip(cfg)

    t0 = time.time()
    pools = (_cached(train_images, SEED), _cached_groups(quality_groups, SEED + 3), _cached(1000, SEED + 1))
    log(f"generated {len(pools[0][1])} training scenes in {time.time() - t0:.0f}s")
    generate_seconds = time.time() - t0
    history = []
    train_seconds = 0.0
    if resume and resume_phase > 5:
        raise ValueError("resume_phase is 2, 3, 4 or 5")
    if resume:
        model.load_state_dict(torch.load(resume))
        log(f"phase {resume_phase - 1} loaded from {resume}")
    else:
        resume_phase = 1
        train_seconds += _phase(model, tok, pools, steps, LR, WARMUP, np.random.default_rng(SEED + 2),
                                TEXT_FROZEN_STEPS, log, save, 0, history)
        if save:
            save(model, steps)
    if second_steps and resume_phase <= 2:
        train_seconds += _phase(model, tok, pools, second_steps, SECOND_LR, SECOND_WARMUP,
                                np.random.default_rng(SEED + 4), 0, log, save, steps, history)
        if save and third_steps:
            save(model, steps + second_steps)
    if third_steps and resume_phase <= 3:
        train_seconds += _phase(model, tok, pools, third_steps, THIRD_LR, THIRD_WARMUP,
                                np.random.default_rng(SEED + 5), 0, log, save, steps + second_steps, history,
                                quality_in_batch=THIRD_QUALITY_IN_BATCH, pool_quality_p=THIRD_POOL_QUALITY_P,
                                save_every=250, probe_weight=THIRD_PROBE_WEIGHT)
        if save and fourth_steps:
            save(model, steps + second_steps + third_steps)
    # Phases 4 and 5 draw from one fresh pool, rendered once, and keep the same probes.
    late_pools = None
    late = dict(quality_in_batch=THIRD_QUALITY_IN_BATCH, probe_weight=THIRD_PROBE_WEIGHT,
                shape_probe_weight=SHAPE_PROBE_WEIGHT)
    if fourth_steps and resume_phase <= 4:
        # The stem is added here, under its own seed, so phases 1-3 draw exactly what they drew
        # before it existed; its projection starts at zero (the embeddings are unchanged at step 0).
        torch.manual_seed(SEED + 6)
        grown = TinyClip(TinyClipConfig(vocab_size=len(tok), shape_channels=SHAPE_CHANNELS))
        grown.load_state_dict(model.state_dict(), strict=False)
        model = grown
        late_pools = (_cached(fourth_images, SEED + 6), pools[1], pools[2])
        train_seconds += _phase(model, tok, late_pools, fourth_steps, FOURTH_LR, FOURTH_WARMUP,
                                np.random.default_rng(SEED + 7), 0, log, save,
                                steps + second_steps + third_steps, history,
                                pool_quality_p=THIRD_POOL_QUALITY_P, save_every=250, **late)
        if save and fifth_steps:
            save(model, steps + second_steps + third_steps + fourth_steps)
    if fifth_steps:
        late_pools = late_pools or (_cached(fourth_images, SEED + 6), pools[1], pools[2])
        train_seconds += _phase(model, tok, late_pools, fifth_steps, FIFTH_LR, FIFTH_WARMUP,
                                np.random.default_rng(SEED + 8), 0, log, save,
                                steps + second_steps + third_steps + fourth_steps, history,
                                pool_quality_p=FIFTH_QUALITY_P, save_every=200, pool_good_p=FIFTH_GOOD_P,
                                group_quality_p=FIFTH_QUALITY_P, group_good_p=FIFTH_GOOD_P, **late)
    model.eval()
    return model, tok, {"train_seconds": train_seconds, "generate_seconds": generate_seconds,
                        "history": history, "steps": steps, "batch": BATCH,
                        "train_images": train_images, "quality_groups": quality_groups,
                        "text_frozen_steps": TEXT_FROZEN_STEPS, "second_steps": second_steps,
                        "third_steps": third_steps, "fourth_steps": fourth_steps,
                        "fourth_images": fourth_images, "fifth_steps": fifth_steps, "shape_probe_weight": SHAPE_PROBE_WEIGHT, "third_probe_weight": THIRD_PROBE_WEIGHT,
                        "quality_probe_weight": QUALITY_PROBE_WEIGHT, "resume_phase": resume_phase if resume else 1,
                        "resumed": bool(resume)}


if __name__ == "__main__":
    import sys

    steps = int(sys.argv[1]) if len(sys.argv) > 1 else STEPS
    n = int(sys.argv[2]) if len(sys.argv) > 2 else TRAIN_IMAGES
    m, _, info = train(steps, n)
    torch.save(m.state_dict(), "/tmp/tiny-clip-trial.pt")
    print(info)
