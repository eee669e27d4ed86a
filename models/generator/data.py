"""Turning scenes into model inputs: render -> (JPEG) -> 64x64 -> normalised tensor.

The 128 -> 64 downsizing is done several ways in training because each runtime
does it differently: Pillow bicubic with antialiasing (Python), a 2x2 box average
(browser canvas), and point sampling (sharp's affine resize under Node). The model
should not care which one the app's runtime uses.
"""

from __future__ import annotations

import io
from multiprocessing import Pool

import numpy as np
import torch
from PIL import Image

import world

IMAGE_SIZE = 64
# OpenAI CLIP's statistics; preprocessor_config.json carries the same numbers.
IMAGE_MEAN = [0.48145466, 0.4578275, 0.40821073]
IMAGE_STD = [0.26862954, 0.26130258, 0.27577711]

RESIZE_METHODS = ["pil_bicubic", "box", "point0", "point1"]


def downsize(pil: Image.Image, method: str) -> np.ndarray:
    if method == "pil_bicubic":
        return np.asarray(pil.resize((IMAGE_SIZE, IMAGE_SIZE), Image.BICUBIC))
    a = np.asarray(pil)
    if method == "box":
        return a.reshape(IMAGE_SIZE, 2, IMAGE_SIZE, 2, 3).mean(axis=(1, 3)).round().astype(np.uint8)
    if method == "point0":
        return np.ascontiguousarray(a[0::2, 0::2])
    if method == "point1":
        return np.ascontiguousarray(a[1::2, 1::2])
    raise ValueError(method)


def jpeg_roundtrip(pil: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    pil.save(buf, format="JPEG", quality=quality)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def normalize(batch_uint8: np.ndarray) -> torch.Tensor:
    """N x 64 x 64 x 3 uint8 -> N x 3 x 64 x 64 float32, rescaled and normalised."""
    x = torch.from_numpy(batch_uint8).permute(0, 3, 1, 2).float() / 255.0
    mean = torch.tensor(IMAGE_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(IMAGE_STD).view(1, 3, 1, 1)
    return (x - mean) / std


def _chunk(args):
    seed, count, allow_held_out, strengths, degrade_p = args
    rng = np.random.default_rng(seed)
    images = np.empty((count, IMAGE_SIZE, IMAGE_SIZE, 3), np.uint8)
    scenes = []
    for i in range(count):
        scene = world.sample_scene(rng, allow_held_out=allow_held_out, strengths=strengths, degrade_p=degrade_p)
        pil = world.render(scene, rng)
        if rng.random() < 0.6:
            pil = jpeg_roundtrip(pil, int(rng.integers(85, 96)))
        method = RESIZE_METHODS[int(rng.choice(4, p=[0.4, 0.3, 0.15, 0.15]))]
        images[i] = downsize(pil, method)
        scenes.append(scene)
    return images, scenes


def _finish(pil: Image.Image, rng: np.random.Generator) -> np.ndarray:
    if rng.random() < 0.6:
        pil = jpeg_roundtrip(pil, int(rng.integers(85, 96)))
    method = RESIZE_METHODS[int(rng.choice(4, p=[0.4, 0.3, 0.15, 0.15]))]
    return downsize(pil, method)


# Quality groups: one scene, clean, then the same degradation weak and strong, then another.
QUALITY_GROUP = 4
WEAK, STRONG = (0.3, 0.55), (0.75, 1.0)


def _variant_chunk(args):
    seed, count = args
    rng = np.random.default_rng(seed)
    images = np.empty((count * QUALITY_GROUP, IMAGE_SIZE, IMAGE_SIZE, 3), np.uint8)
    scenes = []
    for i in range(count):
        scene = world.sample_scene(rng, allow_held_out=False, degradation="")
        a, b = rng.choice(len(world.DEGRADATIONS), 2, replace=False)
        a, b = world.DEGRADATIONS[a], world.DEGRADATIONS[b]
        variants = [(None, 0.0), (a, rng.uniform(*WEAK)), (a, rng.uniform(*STRONG)), (b, rng.uniform(0.3, 1.0))]
        for j, (v, pil) in enumerate(world.render_variants(scene, rng, variants)):
            images[i * QUALITY_GROUP + j] = _finish(pil, rng)
            scenes.append(v)
    return images, scenes


def generate_quality_groups(groups: int, seed: int, *, workers: int = 2, chunk: int = 250):
    """groups x QUALITY_GROUP images; images[k*G:(k+1)*G] show one scene at G qualities."""
    jobs = [(seed * 1000003 + k, min(chunk, groups - k * chunk)) for k in range((groups + chunk - 1) // chunk)]
    with Pool(workers) as pool:
        parts = pool.map(_variant_chunk, jobs)
    return np.concatenate([p[0] for p in parts]), [s for p in parts for s in p[1]]


def generate(count: int, seed: int, *, allow_held_out: bool = False, strengths=None,
             workers: int = 2, chunk: int = 1000, degrade_p: float = 0.6):
    """Deterministic for a given (count, seed, chunk): chunk k uses seed*1000003 + k."""
    jobs = [(seed * 1000003 + k, min(chunk, count - k * chunk), allow_held_out, strengths, degrade_p)
            for k in range((count + chunk - 1) // chunk)]
    with Pool(workers) as pool:
        parts = pool.map(_chunk, jobs)
    images = np.concatenate([p[0] for p in parts])
    scenes = [s for p in parts for s in p[1]]
    return images, scenes
