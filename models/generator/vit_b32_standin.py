"""Export a ViT-B/32 stand-in: CLIP's vision tower with random (seeded) weights.

For the indexing benchmark only (`npm run bench`): it costs what CLIP ViT-B/32 costs to run
(12 layers, width 768, 12 heads, MLP 3072, patch 32, 224x224, projection 512) and loads
through transformers.js exactly like the app's models, but its embeddings mean nothing.

Written outside git (about 350 MB), in the layout of the Xenova CLIP repositories:

  ~/.cache/lumen/vit-b32-standin/
    config.json, preprocessor_config.json
    onnx/vision_model.onnx   pixel_values -> image_embeds, last_hidden_state

Run from the repository root with Debian's PyTorch (apt-get install python3-torch python3-onnx):

  /usr/bin/python3 models/generator/vit_b32_standin.py [--out DIR]

`LUMEN_STANDIN_DIR` (or --out) moves the folder; bench/run.mjs reads the same variable.
"""

from __future__ import annotations

import argparse
import json
import os

import onnx
import torch
import torch.nn as nn

SEED = 32
OPSET = 17
# CLIP ViT-B/32's vision configuration (openai/clip-vit-base-patch32).
IMAGE_SIZE = 224
PATCH = 32
WIDTH = 768
LAYERS = 12
HEADS = 12
MLP = 3072
PROJECTION = 512
EPS = 1e-5
MEAN = [0.48145466, 0.4578275, 0.40821073]
STD = [0.26862954, 0.26130258, 0.27577711]


def default_dir() -> str:
    return os.environ.get("LUMEN_STANDIN_DIR") or os.path.join(
        os.path.expanduser("~"), ".cache", "lumen", "vit-b32-standin")


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class Attention(nn.Module):
    """Hugging Face CLIPAttention: separate q/k/v projections with bias."""

    def __init__(self):
        super().__init__()
        self.head_dim = WIDTH // HEADS
        self.q_proj = nn.Linear(WIDTH, WIDTH)
        self.k_proj = nn.Linear(WIDTH, WIDTH)
        self.v_proj = nn.Linear(WIDTH, WIDTH)
        self.out_proj = nn.Linear(WIDTH, WIDTH)

    def forward(self, x):
        b, t, _ = x.shape
        split = lambda y: y.view(b, t, HEADS, self.head_dim).transpose(1, 2)  # noqa: E731
        q = split(self.q_proj(x) * self.head_dim ** -0.5)
        k, v = split(self.k_proj(x)), split(self.v_proj(x))
        att = (q @ k.transpose(-1, -2)).softmax(dim=-1)
        return self.out_proj((att @ v).transpose(1, 2).reshape(b, t, WIDTH))


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer_norm1 = nn.LayerNorm(WIDTH, eps=EPS)
        self.self_attn = Attention()
        self.layer_norm2 = nn.LayerNorm(WIDTH, eps=EPS)
        self.fc1 = nn.Linear(WIDTH, MLP)
        self.act = QuickGELU()
        self.fc2 = nn.Linear(MLP, WIDTH)

    def forward(self, x):
        x = x + self.self_attn(self.layer_norm1(x))
        return x + self.fc2(self.act(self.fc1(self.layer_norm2(x))))


class VisionWithProjection(nn.Module):
    """CLIPVisionModelWithProjection: patch embedding, class token, pre-LN encoder, pooled
    class token through post_layernorm and the visual projection."""

    def __init__(self):
        super().__init__()
        self.patch_embedding = nn.Conv2d(3, WIDTH, PATCH, stride=PATCH, bias=False)
        self.class_embedding = nn.Parameter(torch.empty(WIDTH))
        self.position_embedding = nn.Parameter(torch.empty((IMAGE_SIZE // PATCH) ** 2 + 1, WIDTH))
        self.pre_layrnorm = nn.LayerNorm(WIDTH, eps=EPS)
        self.layers = nn.ModuleList(Layer() for _ in range(LAYERS))
        self.post_layernorm = nn.LayerNorm(WIDTH, eps=EPS)
        self.visual_projection = nn.Linear(WIDTH, PROJECTION, bias=False)

    def forward(self, pixel_values):
        x = self.patch_embedding(pixel_values).flatten(2).transpose(1, 2)
        cls = self.class_embedding.expand(x.shape[0], 1, WIDTH)
        x = self.pre_layrnorm(torch.cat([cls, x], dim=1) + self.position_embedding)
        for layer in self.layers:
            x = layer(x)
        return self.visual_projection(self.post_layernorm(x[:, 0])), x


def build(seed: int = SEED) -> VisionWithProjection:
    torch.manual_seed(seed)
    model = VisionWithProjection()
    # CLIP's initialisation scale, so activations stay finite through 12 random layers.
    for p in model.parameters():
        if p.dim() > 1:
            nn.init.normal_(p, std=0.02)
    nn.init.normal_(model.class_embedding, std=WIDTH ** -0.5)
    for m in model.modules():
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)
        if isinstance(m, nn.LayerNorm):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
    return model.eval()


def write_configs(out: str) -> None:
    vision = {
        "model_type": "clip_vision_model",
        "image_size": IMAGE_SIZE,
        "patch_size": PATCH,
        "num_channels": 3,
        "hidden_size": WIDTH,
        "intermediate_size": MLP,
        "num_hidden_layers": LAYERS,
        "num_attention_heads": HEADS,
        "hidden_act": "quick_gelu",
        "layer_norm_eps": EPS,
        "projection_dim": PROJECTION,
    }
    config = {
        "_name_or_path": "lumen/vit-b32-standin",
        "architectures": ["CLIPModel"],
        "model_type": "clip",
        "projection_dim": PROJECTION,
        "logit_scale_init_value": 2.6592,
        "initializer_factor": 1.0,
        "torch_dtype": "float32",
        "vision_config": vision,
        "transformers.js_config": {"dtype": "fp32"},
        "lumen_note": f"random weights (torch seed {SEED}); a benchmark stand-in, not a model",
    }
    pre = {
        "image_processor_type": "CLIPImageProcessor",
        "processor_class": "CLIPProcessor",
        "do_convert_rgb": True,
        "do_resize": True,
        "size": {"shortest_edge": IMAGE_SIZE},
        "resample": 3,
        "do_center_crop": True,
        "crop_size": {"height": IMAGE_SIZE, "width": IMAGE_SIZE},
        "do_rescale": True,
        "rescale_factor": 1 / 255,
        "do_normalize": True,
        "image_mean": MEAN,
        "image_std": STD,
    }
    for name, value in (("config.json", config), ("preprocessor_config.json", pre)):
        with open(os.path.join(out, name), "w") as f:
            json.dump(value, f, indent=2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=default_dir())
    out = ap.parse_args().out
    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    model = build()
    params = sum(p.numel() for p in model.parameters())
    path = os.path.join(out, "onnx", "vision_model.onnx")
    tmp = path + ".partial"
    with torch.no_grad():
        torch.onnx.export(
            model, (torch.zeros(2, 3, IMAGE_SIZE, IMAGE_SIZE),), tmp,
            input_names=["pixel_values"], output_names=["image_embeds", "last_hidden_state"],
            dynamic_axes={"pixel_values": {0: "batch_size"}, "image_embeds": {0: "batch_size"},
                          "last_hidden_state": {0: "batch_size"}},
            opset_version=OPSET, do_constant_folding=True)
        onnx.checker.check_model(tmp)
        # The ONNX graph must compute what the module does (a smoke check of the export).
        x = torch.randn(1, 3, IMAGE_SIZE, IMAGE_SIZE, generator=torch.Generator().manual_seed(1))
        embeds = model(x)[0]
        assert torch.isfinite(embeds).all() and embeds.norm() > 0
    os.replace(tmp, path)
    write_configs(out)
    print(f"ViT-B/32 stand-in: {params / 1e6:.1f}M parameters, "
          f"{os.path.getsize(path) / 2**20:.0f} MB -> {out}")


if __name__ == "__main__":
    main()
