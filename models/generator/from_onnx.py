"""Rebuilds a committed tiny-world model's PyTorch weights from its ONNX files.

The exporter keeps every weight: named initialisers for what TorchScript kept by name, and
`onnx::MatMul_*` (transposed Linear weights, in module order) and `onnx::Expand_*` (the class
token) for the rest. Revision 4's phase 4 was trained from revision 3's weights rebuilt this way,
since the phase-3 checkpoint of the original run was not kept:

    git show <rev-3 commit>:models/tiny-world/onnx/vision_model.onnx > /tmp/rev3/onnx/vision_model.onnx
    (same for text_model.onnx and config.json)
    /usr/bin/python3 models/generator/from_onnx.py /tmp/rev3 /tmp/rev3-phase3.pt
    /usr/bin/python3 models/generator/build.py --resume /tmp/rev3-phase3.pt --resume-phase 4

Run alone, it also checks the rebuilt model against `reference/` when that matches MODEL_DIR.
"""
import json
import math
import os
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from model import TinyClip, TinyClipConfig
from tokenizer import WorldTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))


def _stem_channels(model_dir: str) -> tuple:
    """The shape stem's conv widths as the vision file holds them (revision 4 on); () without one."""
    graph = onnx.load(os.path.join(model_dir, "onnx", "vision_model.onnx")).graph
    prefix = "model.vision_model.shape_stem."
    convs = [(int(i.name[len(prefix):].split(".")[0]), i.dims[0]) for i in graph.initializer
             if i.name.startswith(prefix) and i.name.endswith(".weight")]
    return tuple(width for _, width in sorted(convs))


def load(model_dir: str) -> TinyClip:
    """The model in model_dir (onnx/*.onnx + config.json) as a TinyClip, with a shape stem where
    the files have one; raises if any weight is left over or missing."""
    tok = WorldTokenizer()
    model = TinyClip(TinyClipConfig(vocab_size=len(tok), shape_channels=_stem_channels(model_dir)))
    expected = model.state_dict()
    weights = {}
    for tower, projection in (("vision_model", "visual_projection"), ("text_model", "text_projection")):
        graph = onnx.load(os.path.join(model_dir, "onnx", f"{tower}.onnx")).graph
        inits = [(i.name, numpy_helper.to_array(i)) for i in graph.initializer]
        mats = [a for n, a in inits if n.startswith("onnx::MatMul")]
        for name, a in inits:
            if name.startswith("model."):
                weights[name[len("model."):]] = torch.tensor(a.copy())
            elif name.startswith("onnx::Expand"):
                weights[f"{tower}.class_embedding"] = torch.tensor(a.reshape(-1).copy())
        order = []
        if f"{tower}.energy_proj.weight" in expected:
            order.append(f"{tower}.energy_proj.weight")
        if f"{tower}.shape_proj.weight" in expected:
            order.append(f"{tower}.shape_proj.weight")
        blocks = model.vision_model.layers if tower == "vision_model" else model.text_model.layers
        for n in range(len(blocks)):
            order += [f"{tower}.layers.{n}.{m}.weight" for m in ("self_attn.qkv_proj", "self_attn.out_proj", "fc1", "fc2")]
        order.append(f"{projection}.weight")
        if len(order) != len(mats):
            raise ValueError(f"{tower}: {len(mats)} MatMul weights, expected {len(order)}")
        for name, a in zip(order, mats):
            weights[name] = torch.tensor(a.T.copy())
    with open(os.path.join(model_dir, "config.json")) as f:
        weights["logit_scale"] = torch.tensor(math.log(json.load(f)["logit_scale"]))
    missing = [k for k in expected if k not in weights]
    unexpected = [k for k in weights if k not in expected]
    if missing or unexpected:
        raise ValueError(f"missing {missing}, unexpected {unexpected}")
    model.load_state_dict(weights, strict=False)
    return model.eval()


def check_reference(model: TinyClip) -> float:
    """Smallest cosine between the model's embeddings and reference/ (the revision it was built from)."""
    from PIL import Image

    import data

    tok = WorldTokenizer()
    with open(os.path.join(HERE, "reference", "reference.json")) as f:
        ref = json.load(f)
    worst = 1.0
    with torch.no_grad():
        text, _ = model.encode_text(torch.tensor(tok.batch([r["text"] for r in ref["text"]])))
        pairs = [(e, r["embeds"]) for e, r in zip(text, ref["text"])]
        for r in ref["images"]:
            pixels = np.array(Image.open(os.path.join(HERE, "reference", r["pixels"])))
            pairs.append((model.encode_image(data.normalize(pixels[None]))[0][0], r["embeds"]))
    for e, want in pairs:
        worst = min(worst, float(torch.nn.functional.cosine_similarity(e, torch.tensor(want), dim=0)))
    return worst


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: from_onnx.py MODEL_DIR OUT.pt")
    rebuilt = load(sys.argv[1])
    torch.save(rebuilt.state_dict(), sys.argv[2])
    print(f"wrote {sys.argv[2]}; smallest cosine to reference/: {check_reference(rebuilt):.6f}")
