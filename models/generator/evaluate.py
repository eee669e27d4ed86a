"""PyTorch-side metrics on the e2e tiny-world library (verify.mjs repeats them in transformers.js)."""

from __future__ import annotations

import json
import os
import re

import numpy as np
import torch
from PIL import Image

import data
import world
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


# The app's CLIP_IQA_PAIRS live in one of these (the list has moved between them).
CLIP_IQA_SOURCES = [os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../workers/aesthetics", f)
                    for f in ("protocol.ts", "clip-iqa.ts")]
PRECISION_KINDS = ("shape+colour", "shape+background", "colour+background")


def clip_iqa_pairs() -> list[tuple[str, str, str]]:
    """(name, positive, negative) as the app's CLIP-IQA uses them, read from its source."""
    for path in CLIP_IQA_SOURCES:
        if os.path.exists(path):
            with open(path) as f:
                found = re.findall(r"name: '([^']+)', positive: '([^']+)', negative: '([^']+)'", f.read())
            if found:
                return found
    raise RuntimeError("CLIP_IQA_PAIRS not found in workers/aesthetics")


def _mean(xs) -> float:
    return float(np.mean(xs)) if len(xs) else float("nan")


def split_metrics(images, queries, img, txt, aesthetic, iqa, subset) -> dict:
    """Retrieval over the images in `subset` (indices) for `queries`; aesthetics over `subset`."""
    sub = np.array(subset)
    imgs = [images[i] for i in sub]
    quality = np.array([im["quality"] for im in imgs])
    aes, iq = aesthetic[sub], iqa[sub]
    sims = (txt @ img[sub].T)
    per_query = []
    for q, s in zip(queries, sims):
        rel = np.array([all(im[k] == v for k, v in q["relevant"].items()) for im in imgs])
        order = np.argsort(-s, kind="stable")
        top = order[:K]
        reranked = sorted(order[:CANDIDATES], key=lambda i: -aes[i])[:K]
        per_query.append({
            "text": q["text"], "kind": q["kind"], "heldOut": bool(q.get("heldOut")), "relevant": int(rel.sum()),
            "p": float(rel[top].mean()), "pRe": float(rel[reranked].mean()),
            "quality": float(quality[top].mean()), "qualityRe": float(quality[reranked].mean()),
        })
    main = [q for q in per_query if q["kind"] in PRECISION_KINDS]
    held = [q for q in per_query if q["kind"] == "held-out-triple"]
    within = {}
    for kind in world.DEGRADATIONS:
        m = np.array([im["degradation"] == kind for im in imgs])
        within[kind] = spearman(aes[m], quality[m]) if m.sum() > 2 else float("nan")
    return {
        "images": len(sub), "queries": len(main),
        "precisionAt10": _mean([q["p"] for q in main]),
        "precisionAt10ByKind": {k: _mean([q["p"] for q in main if q["kind"] == k]) for k in PRECISION_KINDS},
        "precisionAt10HeldOutTriples": _mean([q["p"] for q in held]),
        "precisionAt10AfterRerank": _mean([q["pRe"] for q in main]),
        "meanQualityTop10": {"semantic": _mean([q["quality"] for q in main]),
                             "aestheticRerank": _mean([q["qualityRe"] for q in main])},
        "spearmanHead": spearman(aes, quality),
        "spearmanHeadWithinDegradation": within,
        "spearmanClipIqa": spearman(iq, quality),
        "perQuery": per_query,
    }


@torch.no_grad()
def evaluate(model: TinyClip, tok: WorldTokenizer, fixture_dir: str, head: torch.nn.Linear) -> dict:
    """Test split (test queries over test images only: the numbers the README's targets are about)
    and the whole library (every query over every image, what the e2e tests see)."""
    with open(os.path.join(fixture_dir, "ground-truth.json")) as f:
        gt = json.load(f)
    images = gt["images"]
    pixels = np.stack([load_pixels(os.path.join(fixture_dir, im["path"])) for im in images])
    img = torch.cat([model.encode_image(data.normalize(pixels[i:i + 256]))[0] for i in range(0, len(pixels), 256)])
    img = torch.nn.functional.normalize(img, dim=-1)

    def embed(texts):
        return torch.nn.functional.normalize(model.encode_text(torch.tensor(tok.batch(texts)))[0], dim=-1)

    txt = embed([q["text"] for q in gt["queries"]]).numpy()
    aesthetic = head(img).squeeze(-1).numpy()
    scale = float(model.logit_scale.exp())
    pairs = clip_iqa_pairs()
    prompts = embed([t for _, pos, neg in pairs for t in (pos, neg)]).numpy()
    cos = img.numpy() @ prompts.T
    iqa = np.mean([1 / (1 + np.exp(scale * (cos[:, 2 * i + 1] - cos[:, 2 * i]))) for i in range(len(pairs))], axis=0)
    img = img.numpy()
    test_imgs = [i for i, im in enumerate(images) if im["split"] == "test"]
    test_q = [q for q in gt["queries"] if q["split"] == "test"]
    test_txt = txt[[i for i, q in enumerate(gt["queries"]) if q["split"] == "test"]]
    return {
        "test": split_metrics(images, test_q, img, test_txt, aesthetic, iqa, test_imgs),
        "library": split_metrics(images, gt["queries"], img, txt, aesthetic, iqa, list(range(len(images)))),
        "clipIqaPairs": [p[0] for p in pairs],
        "logitScale": scale,
    }
