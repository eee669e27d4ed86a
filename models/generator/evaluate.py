"""PyTorch-side metrics on the e2e tiny-world library (verify.mjs repeats them in transformers.js)."""

from __future__ import annotations

import json
import os

import numpy as np
import torch
from PIL import Image

import data
from model import TinyClip
from tokenizer import WorldTokenizer

K = 10
CANDIDATES = 30


def load_pixels(path: str) -> np.ndarray:
    """File -> 64x64 uint8, the way Hugging Face's Python CLIP processor does it (Pillow bicubic)."""
    return data.downsize(Image.open(path).convert("RGB"), "pil_bicubic")


def spearman(x, y) -> float:
    def ranks(v):
        v = np.asarray(v, dtype=np.float64)
        order = np.argsort(v, kind="mergesort")
        r = np.empty(len(v))
        i = 0
        while i < len(v):
            j = i
            while j + 1 < len(v) and v[order[j + 1]] == v[order[i]]:
                j += 1
            r[order[i:j + 1]] = (i + j) / 2 + 1
            i = j + 1
        return r

    return float(np.corrcoef(ranks(x), ranks(y))[0, 1])


@torch.no_grad()
def evaluate(model: TinyClip, tok: WorldTokenizer, fixture_dir: str, head: torch.nn.Linear) -> dict:
    with open(os.path.join(fixture_dir, "ground-truth.json")) as f:
        gt = json.load(f)
    images = gt["images"]
    pixels = np.stack([load_pixels(os.path.join(fixture_dir, im["path"])) for im in images])
    img = torch.cat([model.encode_image(data.normalize(pixels[i:i + 256]))[0] for i in range(0, len(pixels), 256)])
    img = torch.nn.functional.normalize(img, dim=-1)
    txt = torch.nn.functional.normalize(
        model.encode_text(torch.tensor(tok.batch([q["text"] for q in gt["queries"]])))[0], dim=-1)
    aesthetic = head(img).squeeze(-1).numpy()
    quality = np.array([im["quality"] for im in images])
    sims = (txt @ img.t()).numpy()
    per_query = []
    for q, s in zip(gt["queries"], sims):
        rel = np.array([all(im[k] == v for k, v in q["relevant"].items()) for im in images])
        order = np.argsort(-s, kind="stable")
        top = order[:K]
        reranked = sorted(order[:CANDIDATES], key=lambda i: -aesthetic[i])[:K]
        per_query.append({
            "text": q["text"], "heldOut": bool(q.get("heldOut")), "p": float(rel[top].mean()),
            "pRe": float(rel[reranked].mean()), "rho": spearman(aesthetic[rel], quality[rel]),
            "quality": float(quality[top].mean()), "qualityRe": float(quality[reranked].mean()),
        })
    mean = lambda xs: float(np.mean(xs)) if xs else float("nan")  # noqa: E731
    pair = [q for q in per_query if not q["heldOut"]]
    held = [q for q in per_query if q["heldOut"]]
    return {
        "precisionAt10": {"all": mean([q["p"] for q in per_query]), "shapeColour": mean([q["p"] for q in pair]),
                          "heldOut": mean([q["p"] for q in held])},
        "precisionAt10AfterAestheticRerank": {"all": mean([q["pRe"] for q in per_query]),
                                              "heldOut": mean([q["pRe"] for q in held])},
        "meanQualityTop10": {"semantic": mean([q["quality"] for q in per_query]),
                             "aestheticRerank": mean([q["qualityRe"] for q in per_query])},
        "spearmanHeadVsQuality": {"allImages": spearman(aesthetic, quality),
                                  "withinRelevantSetMean": mean([q["rho"] for q in per_query])},
        "perQuery": per_query,
    }
