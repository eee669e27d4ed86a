"""A small CLIP: ViT image tower + causal text tower + projections + logit scale.

Layout follows Hugging Face CLIP (pre-LN blocks, quick-GELU MLP, vision
pre_layrnorm and post_layernorm on the class token, text final_layer_norm and
pooling at argmax(input_ids)), so the exported graphs behave like the Xenova
CLIP exports that transformers.js expects.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class TinyClipConfig:
    vocab_size: int
    max_positions: int = 64
    image_size: int = 64
    patch_size: int = 8
    vision_width: int = 96
    vision_layers: int = 4
    vision_heads: int = 3
    vision_mlp: int = 192
    text_width: int = 96
    text_layers: int = 3
    text_heads: int = 3
    text_mlp: int = 192
    embed_dim: int = 64
    layer_norm_eps: float = 1e-5
    # Channels of the energy stem (0: none). See VisionTower.
    energy_channels: int = 16
    # Widths of the shape stem's three stride-2 3x3 convolutions (empty: none). See VisionTower.
    shape_channels: tuple = (24, 48, 96)

    def to_dict(self):
        return asdict(self)


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class Attention(nn.Module):
    def __init__(self, width: int, heads: int):
        super().__init__()
        self.heads = heads
        self.head_dim = width // heads
        self.qkv_proj = nn.Linear(width, 3 * width)
        self.out_proj = nn.Linear(width, width)

    def forward(self, x, mask=None):
        b, t, w = x.shape
        qkv = self.qkv_proj(x).view(b, t, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]  # each B x H x T x d
        att = (q * (self.head_dim ** -0.5)) @ k.transpose(-1, -2)
        if mask is not None:
            att = att + mask
        att = att.softmax(dim=-1)
        out = (att @ v).transpose(1, 2).reshape(b, t, w)
        return self.out_proj(out)


class Block(nn.Module):
    def __init__(self, width: int, heads: int, mlp: int, eps: float):
        super().__init__()
        self.layer_norm1 = nn.LayerNorm(width, eps=eps)
        self.self_attn = Attention(width, heads)
        self.layer_norm2 = nn.LayerNorm(width, eps=eps)
        self.fc1 = nn.Linear(width, mlp)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(mlp, width)

    def forward(self, x, mask=None):
        x = x + self.self_attn(self.layer_norm1(x), mask)
        return x + self.fc2(self.act(self.fc1(self.layer_norm2(x))))


def _sincos_2d(grid: int, width: int) -> torch.Tensor:
    """2-D sine-cosine position embeddings (plus a zero row for the class token): an
    initialisation only, the parameter stays learnable. Small ViTs learn spatial
    structure much faster from here than from random positions."""
    q = width // 4
    omega = 1.0 / (10000 ** (torch.arange(q, dtype=torch.float32) / q))
    ys, xs = torch.meshgrid(torch.arange(grid, dtype=torch.float32), torch.arange(grid, dtype=torch.float32),
                            indexing="ij")
    out_x = xs.reshape(-1, 1) * omega[None]
    out_y = ys.reshape(-1, 1) * omega[None]
    pe = torch.cat([out_x.sin(), out_x.cos(), out_y.sin(), out_y.cos()], dim=1)
    pe = torch.cat([torch.zeros(1, width), pe], dim=0)
    return pe * 0.5


class VisionTower(nn.Module):
    def __init__(self, cfg: TinyClipConfig):
        super().__init__()
        w = cfg.vision_width
        n_patches = (cfg.image_size // cfg.patch_size) ** 2
        self.patch_embedding = nn.Conv2d(3, w, cfg.patch_size, cfg.patch_size, bias=False)
        self.class_embedding = nn.Parameter(torch.randn(w) * 0.02)
        self.position_embedding = nn.Parameter(_sincos_2d(cfg.image_size // cfg.patch_size, w))
        self.pre_layrnorm = nn.LayerNorm(w, eps=cfg.layer_norm_eps)
        self.layers = nn.ModuleList(
            [Block(w, cfg.vision_heads, cfg.vision_mlp, cfg.layer_norm_eps) for _ in range(cfg.vision_layers)])
        self.post_layernorm = nn.LayerNorm(w, eps=cfg.layer_norm_eps)
        self.patch_size = cfg.patch_size
        if cfg.energy_channels:
            # The energy stem: a 3x3 filter bank whose squared response is averaged over each
            # patch and log-compressed, then added to the patch token. A linear patch embedding
            # followed by per-token LayerNorm cannot measure how much fine detail a patch holds,
            # which is what blur removes and noise and JPEG blocking add; this makes it a
            # first-order input. The first filters start as a Laplacian and two differences.
            self.energy_conv = nn.Conv2d(3, cfg.energy_channels, 3, padding=1, bias=False)
            self.energy_proj = nn.Linear(cfg.energy_channels, w)
            with torch.no_grad():
                k = self.energy_conv.weight
                k.normal_(0, 0.1)
                lap = torch.tensor([[0., -1., 0.], [-1., 4., -1.], [0., -1., 0.]]) / 3
                dx = torch.tensor([[0., 0., 0.], [-1., 1., 0.], [0., 0., 0.]]) / 3
                for c, f in enumerate((lap, dx, dx.t())):
                    k[c] = f.expand(3, 3, 3)
                nn.init.normal_(self.energy_proj.weight, std=0.02)
                nn.init.zeros_(self.energy_proj.bias)
        if cfg.shape_channels:
            # The shape stem: three stride-2 3x3 convolutions (64 -> 32 -> 16 -> 8 pixels, one
            # output per patch) whose features are added to the patch tokens. A linear 8x8 patch
            # embedding sees each patch alone, and a 4-layer ViT trained this briefly hardly
            # learned to tell a circle from a square; overlapping convolutions see edges and
            # corners across patch borders. The output projection starts at zero, so adding the
            # stem to a trained tower leaves its embeddings unchanged until training moves it.
            chans = [3, *cfg.shape_channels]
            convs = []
            for a, b in zip(chans[:-1], chans[1:]):
                convs += [nn.Conv2d(a, b, 3, stride=2, padding=1), nn.GELU()]
            self.shape_stem = nn.Sequential(*convs)
            self.shape_proj = nn.Linear(chans[-1], w)
            nn.init.zeros_(self.shape_proj.weight)
            nn.init.zeros_(self.shape_proj.bias)

    def forward(self, pixel_values):
        x = self.patch_embedding(pixel_values).flatten(2).transpose(1, 2)  # B x N x W
        if hasattr(self, "energy_conv"):
            h = self.energy_conv(pixel_values)
            e = torch.log(F.avg_pool2d(h * h, self.patch_size) + 1e-3).flatten(2).transpose(1, 2)
            x = x + self.energy_proj(e)
        if hasattr(self, "shape_stem"):
            x = x + self.shape_proj(self.shape_stem(pixel_values).flatten(2).transpose(1, 2))
        cls = self.class_embedding.view(1, 1, -1).expand(x.shape[0], 1, -1)
        x = torch.cat([cls, x], dim=1) + self.position_embedding
        x = self.pre_layrnorm(x)
        for layer in self.layers:
            x = layer(x)
        pooled = self.post_layernorm(x[:, 0])
        return x, pooled


class TextTower(nn.Module):
    def __init__(self, cfg: TinyClipConfig):
        super().__init__()
        w = cfg.text_width
        self.token_embedding = nn.Embedding(cfg.vocab_size, w)
        nn.init.normal_(self.token_embedding.weight, std=0.02)
        self.position_embedding = nn.Parameter(torch.randn(cfg.max_positions, w) * 0.01)
        self.layers = nn.ModuleList(
            [Block(w, cfg.text_heads, cfg.text_mlp, cfg.layer_norm_eps) for _ in range(cfg.text_layers)])
        self.final_layer_norm = nn.LayerNorm(w, eps=cfg.layer_norm_eps)
        # Additive causal mask, sliced to the sequence length at run time. A large
        # finite negative (not -inf) keeps softmax NaN-free in every runtime.
        causal = torch.full((cfg.max_positions, cfg.max_positions), -1e4).triu(1)
        self.register_buffer("causal_mask", causal, persistent=False)

    def forward(self, input_ids):
        t = input_ids.shape[1]
        x = self.token_embedding(input_ids) + self.position_embedding[:t]
        mask = self.causal_mask[:t, :t]
        for layer in self.layers:
            x = layer(x, mask)
        x = self.final_layer_norm(x)
        # Pool at the first end-of-text token: it has the highest id. ArgMax runs on
        # float ids because some WebGPU kernels lack int64 ArgMax.
        eot = input_ids.to(torch.float32).argmax(dim=-1)
        pooled = x[torch.arange(x.shape[0]), eot]
        return x, pooled


class TinyClip(nn.Module):
    def __init__(self, cfg: TinyClipConfig):
        super().__init__()
        self.cfg = cfg
        self.vision_model = VisionTower(cfg)
        self.text_model = TextTower(cfg)
        self.visual_projection = nn.Linear(cfg.vision_width, cfg.embed_dim, bias=False)
        self.text_projection = nn.Linear(cfg.text_width, cfg.embed_dim, bias=False)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))
        self.apply(self._init)
        if hasattr(self.vision_model, "shape_proj"):
            nn.init.zeros_(self.vision_model.shape_proj.weight)

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)

    def encode_image(self, pixel_values):
        hidden, pooled = self.vision_model(pixel_values)
        return self.visual_projection(pooled), hidden

    def encode_text(self, input_ids):
        hidden, pooled = self.text_model(input_ids)
        return self.text_projection(pooled), hidden

    def forward(self, pixel_values, input_ids):
        img, _ = self.encode_image(pixel_values)
        txt, _ = self.encode_text(input_ids)
        img = F.normalize(img, dim=-1)
        txt = F.normalize(txt, dim=-1)
        scale = self.logit_scale.exp().clamp(max=100)
        return scale * img @ txt.t()


def clip_loss(logits_per_image):
    labels = torch.arange(logits_per_image.shape[0])
    return 0.5 * (F.cross_entropy(logits_per_image, labels) + F.cross_entropy(logits_per_image.t(), labels))


class TextWithProjection(nn.Module):
    """Export wrapper: input_ids -> (text_embeds, last_hidden_state)."""

    def __init__(self, model: TinyClip):
        super().__init__()
        self.model = model

    def forward(self, input_ids):
        return self.model.encode_text(input_ids)


class VisionWithProjection(nn.Module):
    """Export wrapper: pixel_values -> (image_embeds, last_hidden_state)."""

    def __init__(self, model: TinyClip):
        super().__init__()
        self.model = model

    def forward(self, pixel_values):
        return self.model.encode_image(pixel_values)
