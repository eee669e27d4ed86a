"""Export the trained tiny CLIP in the layout of the Xenova CLIP repositories.

models/tiny-world/
  config.json, preprocessor_config.json, tokenizer.json, tokenizer_config.json
  onnx/text_model.onnx    input_ids -> text_embeds, last_hidden_state
  onnx/vision_model.onnx  pixel_values -> image_embeds, last_hidden_state
  aesthetic-head.pth / aesthetic-head.json   LAION-style linear head (1-10 scale)
"""

from __future__ import annotations

import json
import os
from collections import OrderedDict

import numpy as np
import onnx
import torch
import torch.nn as nn

import data
from model import TextWithProjection, TinyClip, VisionWithProjection
from tokenizer import MAX_LENGTH, WorldTokenizer

OPSET = 17
HEAD_SEED = 555_001
HEAD_IMAGES = 16000
HEAD_VAL_IMAGES = 4000
# Ridge strengths tried (times the number of scenes); the one with the best Spearman on a
# separate validation stream is kept. Too strong a ridge flattens the weak quality directions.
RIDGES = [1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2]


def export_onnx(model: TinyClip, out_dir: str) -> None:
    os.makedirs(os.path.join(out_dir, "onnx"), exist_ok=True)
    model.eval()
    ids = torch.tensor(WorldTokenizer().batch(["a red circle on sand", "a blue star"]))
    torch.onnx.export(
        TextWithProjection(model), (ids,), os.path.join(out_dir, "onnx/text_model.onnx"),
        input_names=["input_ids"], output_names=["text_embeds", "last_hidden_state"],
        dynamic_axes={"input_ids": {0: "batch_size", 1: "sequence_length"},
                      "text_embeds": {0: "batch_size"},
                      "last_hidden_state": {0: "batch_size", 1: "sequence_length"}},
        opset_version=OPSET, do_constant_folding=True)
    px = torch.zeros(2, 3, model.cfg.image_size, model.cfg.image_size)
    torch.onnx.export(
        VisionWithProjection(model), (px,), os.path.join(out_dir, "onnx/vision_model.onnx"),
        input_names=["pixel_values"], output_names=["image_embeds", "last_hidden_state"],
        dynamic_axes={"pixel_values": {0: "batch_size"}, "image_embeds": {0: "batch_size"},
                      "last_hidden_state": {0: "batch_size"}},
        opset_version=OPSET, do_constant_folding=True)
    for name in ("text_model", "vision_model"):
        m = onnx.load(os.path.join(out_dir, f"onnx/{name}.onnx"))
        onnx.checker.check_model(m)


def write_configs(model: TinyClip, tok: WorldTokenizer, out_dir: str) -> None:
    cfg = model.cfg
    config = {
        "_name_or_path": "lumen/tiny-world",
        "architectures": ["CLIPModel"],
        "model_type": "clip",
        "projection_dim": cfg.embed_dim,
        "logit_scale_init_value": 2.6592,
        "logit_scale": round(float(model.logit_scale.exp()), 4),
        "initializer_factor": 1.0,
        "torch_dtype": "float32",
        "text_config": {
            "model_type": "clip_text_model",
            "vocab_size": len(tok),
            "hidden_size": cfg.text_width,
            "intermediate_size": cfg.text_mlp,
            "num_hidden_layers": cfg.text_layers,
            "num_attention_heads": cfg.text_heads,
            "max_position_embeddings": cfg.max_positions,
            "hidden_act": "gelu",
            "layer_norm_eps": cfg.layer_norm_eps,
            "projection_dim": cfg.embed_dim,
            "bos_token_id": tok.bos_id,
            "eos_token_id": tok.eos_id,
            "pad_token_id": tok.pad_id,
        },
        "vision_config": {
            "model_type": "clip_vision_model",
            "image_size": cfg.image_size,
            "patch_size": cfg.patch_size,
            "num_channels": 3,
            "hidden_size": cfg.vision_width,
            "intermediate_size": cfg.vision_mlp,
            "num_hidden_layers": cfg.vision_layers,
            "num_attention_heads": cfg.vision_heads,
            "hidden_act": "gelu",
            "layer_norm_eps": cfg.layer_norm_eps,
            "projection_dim": cfg.embed_dim,
        },
        "transformers.js_config": {"dtype": "fp32"},
    }
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    pre = {
        "image_processor_type": "CLIPImageProcessor",
        "processor_class": "CLIPProcessor",
        "do_convert_rgb": True,
        "do_resize": True,
        "size": {"shortest_edge": cfg.image_size},
        "resample": 3,
        "do_center_crop": True,
        "crop_size": {"height": cfg.image_size, "width": cfg.image_size},
        "do_rescale": True,
        "rescale_factor": 1 / 255,
        "do_normalize": True,
        "image_mean": data.IMAGE_MEAN,
        "image_std": data.IMAGE_STD,
    }
    with open(os.path.join(out_dir, "preprocessor_config.json"), "w") as f:
        json.dump(pre, f, indent=2)
    tok.save(out_dir)
    assert tok.tokenizer_config_json()["model_max_length"] == MAX_LENGTH == cfg.max_positions


@torch.no_grad()
def image_embeddings(model: TinyClip, images_uint8: np.ndarray) -> torch.Tensor:
    out = [model.encode_image(data.normalize(images_uint8[i:i + 500]))[0]
           for i in range(0, len(images_uint8), 500)]
    return torch.nn.functional.normalize(torch.cat(out), dim=-1)


def _ridge(x: torch.Tensor, y: torch.Tensor, lam: float):
    xm, ym = x.mean(0), y.mean()
    xc = x - xm
    w = torch.linalg.solve(xc.t() @ xc + lam * len(x) * torch.eye(x.shape[1], dtype=torch.float64),
                           xc.t() @ (y - ym))
    return w, ym - xm @ w


def train_aesthetic_head(model: TinyClip, out_dir: str, log=print, images: int = HEAD_IMAGES) -> nn.Linear:
    """Ridge regression of quality*9+1 on L2-normalised image embeddings (fresh scenes, never the
    test library). Scenes are degraded 70% of the time, so each defect is well represented."""
    from evaluate import spearman

    imgs, scenes = data.generate(images, HEAD_SEED, allow_held_out=False, degrade_p=0.7)
    vimgs, vscenes = data.generate(max(200, images // 4), HEAD_SEED + 1, allow_held_out=False, degrade_p=0.7)
    x, xv = image_embeddings(model, imgs).double(), image_embeddings(model, vimgs).double()
    y = torch.tensor([s.quality * 9 + 1 for s in scenes], dtype=torch.float64)
    yv = [s.quality for s in vscenes]
    scores = {}
    for lam in RIDGES:
        w, b = _ridge(x, y, lam)
        scores[lam] = spearman((xv @ w + b).numpy(), yv)
    lam = max(scores, key=scores.get)
    w, b = _ridge(torch.cat([x, xv]), torch.cat([y, torch.tensor([q * 9 + 1 for q in yv], dtype=torch.float64)]), lam)
    log("aesthetic head: validation Spearman by ridge " +
        ", ".join(f"{k:g}: {v:.3f}" for k, v in scores.items()) + f"; kept {lam:g}")
    head = nn.Linear(x.shape[1], 1)
    with torch.no_grad():
        head.weight.copy_(w.float().view(1, -1))
        head.bias.copy_(b.float().view(1))
    state = OrderedDict((k, v.detach().clone().contiguous()) for k, v in head.state_dict().items())
    torch.save(state, os.path.join(out_dir, "aesthetic-head.pth"))
    with open(os.path.join(out_dir, "aesthetic-head.json"), "w") as f:
        json.dump({"inputDim": x.shape[1], "weight": [round(float(v), 7) for v in w],
                   "bias": round(float(b), 7), "scale": "quality * 9 + 1 (1..10)",
                   "input": "L2-normalised image_embeds", "ridge": lam,
                   "validationSpearman": round(scores[lam], 4)}, f)
    return head
