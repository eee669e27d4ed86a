"""Writes models/tiny-world/README.md from the build's actual numbers."""

from __future__ import annotations

import os

import data
import export
import make_fixtures
import train
import world


def _size(path):
    return os.path.getsize(path) / 1e6


DEGRADATIONS_ORDER = ["blur", "noise", "dark", "overexposed", "lowcontrast", "cutoff", "jpeg"]

# The targets, on the test split: (label, key path, minimum).
TARGETS = [
    ("precision@10, two-attribute test queries over test images", ("precisionAt10",), 0.45),
    ("Spearman(aesthetic head, quality), test images", ("spearmanHead",), 0.6),
    ("Spearman(CLIP-IQA, quality), test images", ("spearmanClipIqa",), 0.4),
]


def _metrics_rows(m: dict | None) -> list[str]:
    if not m:
        return ["| (not measured) | | |"]
    f = lambda x: f"{x:.3f}"  # noqa: E731
    rows = []
    for split, label in (("test", "test split"), ("library", "whole library")):
        x = m[split]
        within = ", ".join(f"{k} {f(x['spearmanHeadWithinDegradation'][k])}" for k in DEGRADATIONS_ORDER)
        kinds = ", ".join(f"{k} {f(v)}" for k, v in x["precisionAt10ByKind"].items())
        rows += [
            f"| {label} | Precision@10, {x['queries']} two-attribute queries over {x['images']} images | "
            f"**{f(x['precisionAt10'])}** ({kinds}) |",
            f"| {label} | Precision@10, held-out shape+colour+background triples | {f(x['precisionAt10HeldOutTriples'])} |",
            f"| {label} | Precision@10 after re-ranking the semantic top-30 by the aesthetic head | "
            f"{f(x['precisionAt10AfterRerank'])} |",
            f"| {label} | Mean ground-truth quality of the top-10: semantic -> aesthetic re-rank | "
            f"{f(x['meanQualityTop10']['semantic'])} -> {f(x['meanQualityTop10']['aestheticRerank'])} |",
            f"| {label} | Spearman(aesthetic head, quality) | **{f(x['spearmanHead'])}** |",
            f"| {label} | Spearman(aesthetic head, quality) within each degradation type | {within} |",
            f"| {label} | Spearman(CLIP-IQA mean of {len(m['clipIqaPairs'])} pairs, quality) | **{f(x['spearmanClipIqa'])}** |",
        ]
    return rows


def _targets(m: dict | None, gt: dict) -> str:
    if not m:
        return "(not measured)"
    t = m["test"]
    lines = []
    for label, key, minimum in TARGETS:
        v = t[key[0]]
        lines.append(f"| {label} | >= {minimum} | {v:.3f} | {'met' if v >= minimum else 'NOT met'} |")
    worst = min(t["spearmanHeadWithinDegradation"].items(), key=lambda kv: kv[1])
    lines.append(f"| Spearman(head, quality) within every degradation type (lowest: {worst[0]}) | >= 0.3 | "
                 f"{worst[1]:.3f} | {'met' if worst[1] >= 0.3 else 'NOT met'} |")
    n_test_q = sum(1 for q in gt["queries"] if q["split"] == "test" and q["kind"] != "held-out-triple")
    lines.append(f"| two-attribute test queries | >= 60 | {n_test_q} | {'met' if n_test_q >= 60 else 'NOT met'} |")
    return "\n".join(lines)


def _shape_stem(cfg) -> str:
    if not cfg.shape_channels:
        return ""
    widths = " -> ".join(str(c) for c in cfg.shape_channels)
    return (f", and a shape stem (three stride-2 3x3 convolutions, {widths} channels, GELU, one output per "
            f"patch, linearly added to the patch token: overlapping filters see edges and corners across patch "
            f"borders, which the 8x8 patch embedding sees one patch at a time)")


def write_readme(model_dir, model, tok, info, py, js, gt) -> None:
    cfg = model.cfg
    scale = float(model.logit_scale.exp())
    text_mb = _size(os.path.join(model_dir, "onnx/text_model.onnx"))
    vision_mb = _size(os.path.join(model_dir, "onnx/vision_model.onnx"))
    n_params = sum(p.numel() for p in model.parameters())
    hist = "\n".join(f"| {h['step']} | {h['loss']:.3f} | {h['pair']:.3f} | {h['background']:.3f} |"
                     for h in info["history"])
    held = ", ".join(f"{c} {s} {world.background_phrase(b)}" for s, c, b in world.HELD_OUT)
    js_rows = "\n".join(_metrics_rows(js))
    py_rows = "\n".join(_metrics_rows(py))
    n_images = len(gt["images"])
    resumed = (" (the committed model's phases 2 and 3 were each run from the saved checkpoint of the phase "
               "before: `train.train(resume=..., resume_phase=2 or 3)`; its phase 4 from revision 3's weights "
               "rebuilt from that revision's ONNX files by `from_onnx.py`, exact to 1e-6; its phase 5 from revision 4's "
               "weights, `--resume-phase 5`)") if info.get("resumed") else ""
    third = (f" Then phase 3, a second warm restart: {info['third_steps']} steps, peak lr {train.THIRD_LR}, "
             f"{train.THIRD_WARMUP} warm-up steps, own batch stream (seed {train.SEED + 5}), "
             f"{train.THIRD_QUALITY_IN_BATCH} of every {info['batch']} images from quality groups, quality words in "
             f"{int(train.THIRD_POOL_QUALITY_P * 100)}% of the other degraded scenes' captions, and a throw-away "
             f"linear probe on the L2-normalised image embedding that predicts quality and each defect's strength "
             f"(MSE, weight {train.THIRD_PROBE_WEIGHT:g}; not exported), so blur, noise and JPEG become linearly "
             f"readable.") if info.get("third_steps") else ""
    fourth = (f" Then phase 4 (revision 4), a third warm restart: the shape stem is added (its projection at zero, "
              f"so the embeddings are unchanged at its first step), {info['fourth_steps']} steps, peak lr "
              f"{train.FOURTH_LR}, {train.FOURTH_WARMUP} warm-up steps, a fresh pool of "
              f"{info['fourth_images']:,} scenes (seed {train.SEED + 6}) and batch stream (seed {train.SEED + 7}), "
              f"phase 3's quality groups and probe, plus a throw-away linear shape classifier on the normalised "
              f"image embedding (cross-entropy, weight {info['shape_probe_weight']:g}; not exported). After phases "
              f"1-3 a linear probe on the embedding named the shape of 30% of test photos (chance 17%) and "
              f"shape+colour search reached P@10 0.34; contrastive batches alone taught shape too slowly.") \
        if info.get("fourth_steps") else ""
    fifth = (f" Then phase 5 (revision 5), a fourth warm restart: {info['fifth_steps']} steps, peak lr "
             f"{train.FIFTH_LR}, {train.FIFTH_WARMUP} warm-up steps, phase 4's pool and probes, own batch stream "
             f"(seed {train.SEED + 8}), and captions that name quality as often for clean scenes as for degraded "
             f"ones ({int(train.FIFTH_GOOD_P * 100)}% say \"sharp\", \"clean\", ...; "
             f"{int(train.FIFTH_QUALITY_P * 100)}% of degraded ones name their defect; the same in quality groups). "
             f"Before it, clean scenes had a plain caption far more often than degraded ones, so a plain query "
             f"already preferred clean photos (Spearman of cosine and quality among a query's relevant test photos "
             f"0.49) and left preference tuning little to show; real CLIP's captions rarely say how well a photo "
             f"was taken.") if info.get("fifth_steps") else ""
    rendering = (f"{info['generate_seconds']:.0f} s rendering" if info["generate_seconds"] > 60
                 else "rendering cached from an earlier run (TINY_WORLD_CACHE)")
    text = f"""# tiny-world: a small CLIP trained on a procedural world (test fixture)

A genuinely trained, CLIP-architecture model for Lumen's tests and demos, small enough to commit.
It knows one tiny world: {len(world.SHAPES)} shapes ({", ".join(world.SHAPES)}) in {len(world.COLOURS)} colours
({", ".join(world.COLOURS)}) on {len(world.BACKGROUNDS)} backgrounds ({", ".join(world.BACKGROUNDS)}), photographed
well or badly. It is useless on real photos. The files follow the layout of the Xenova CLIP repositories, so
transformers.js loads it like any CLIP (`CLIPTextModelWithProjection`, `CLIPVisionModelWithProjection`,
`AutoTokenizer`, `AutoProcessor`, dtype `fp32`).

Licence: MIT (Lumen). Everything here, and the test library in `e2e/fixtures/tiny-world/`, is generated by
`models/generator/` (our code, no third-party data or weights).

## Files

| File | What |
| --- | --- |
| `onnx/text_model.onnx` ({text_mb:.2f} MB) | input `input_ids` int64 [batch, sequence] -> `text_embeds` float32 [batch, {cfg.embed_dim}] (not normalised), `last_hidden_state` [batch, sequence, {cfg.text_width}] |
| `onnx/vision_model.onnx` ({vision_mb:.2f} MB) | input `pixel_values` float32 [batch, 3, {cfg.image_size}, {cfg.image_size}] -> `image_embeds` float32 [batch, {cfg.embed_dim}] (not normalised), `last_hidden_state` [batch, {(cfg.image_size // cfg.patch_size) ** 2 + 1}, {cfg.vision_width}] |
| `config.json` | Hugging Face `CLIPModel`-shaped config; `"transformers.js_config": {{"dtype": "fp32"}}`; top-level `logit_scale` = **{scale:.4f}** (exp of the trained parameter, for CLIP-IQA) |
| `tokenizer.json`, `tokenizer_config.json` | word-level tokenizer (see below), `model_max_length` {cfg.max_positions} |
| `preprocessor_config.json` | `CLIPImageProcessor`: resize shortest edge {cfg.image_size} (bicubic), centre crop {cfg.image_size}, rescale 1/255, normalise with OpenAI CLIP's mean/std |
| `aesthetic-head.pth` | LAION-aesthetic-predictor-style linear head: `torch.save(nn.Linear({cfg.embed_dim}, 1).state_dict())` (`weight` [1, {cfg.embed_dim}], `bias` [1], float32). Input: L2-normalised `image_embeds`; output: quality on a 1-10 scale |
| `aesthetic-head.json` | the same head as `{{"weight": [...], "bias": b, "inputDim": {cfg.embed_dim}}}` |

ONNX: opset {export.OPSET}, exported with the PyTorch 1.13 TorchScript exporter, dynamic batch (and sequence for
text). Ops used are plain ones (MatMul, Gemm, Conv, LayerNormalization, Softmax, Erf, ArgMax, Gather, Slice, ...).

## Architecture ({n_params / 1e6:.2f} M parameters)

- Vision: ViT, {cfg.image_size}x{cfg.image_size} input, patch {cfg.patch_size} (conv patch embedding, no bias),
  plus an energy stem ({cfg.energy_channels} 3x3 filters; each patch token gets a linear map of the
  log of their mean squared response over the patch: how much fine detail the patch holds, which blur
  removes and noise and JPEG blocking add, and which a linear patch embedding followed by per-token
  LayerNorm cannot measure; without it the head's Spearman within noise and JPEG stayed near 0){_shape_stem(cfg)}, class token, learned positions, pre-LayerNorm, {cfg.vision_layers} pre-LN transformer blocks (width
  {cfg.vision_width}, {cfg.vision_heads} heads, MLP {cfg.vision_mlp}, GELU), post-LayerNorm on the class token,
  linear projection (no bias) to {cfg.embed_dim}.
- Text: token + learned position embeddings ({cfg.max_positions} positions), {cfg.text_layers} pre-LN blocks
  (width {cfg.text_width}, {cfg.text_heads} heads, MLP {cfg.text_mlp}, GELU) with a causal mask, final
  LayerNorm, pooled at the end-of-text token (argmax of `input_ids`, as in CLIP), linear projection (no bias)
  to {cfg.embed_dim}.
- Learnable logit scale (init 1/0.07, clamped to 100); trained value {scale:.4f}.

Because the mask is causal and padding is the end-of-text token (the highest id), padding never changes
`text_embeds`; an `attention_mask` input is not needed and not declared (transformers.js feeds a session only
the inputs it declares).

## Tokenizer

Vocabulary: the {len(tok) - 3} words and punctuation marks the caption generator can emit, sorted, then
`<|unk|>` = {tok.unk_id}, `<|startoftext|>` = {tok.bos_id}, `<|endoftext|>` = {tok.eos_id} (highest id; also
the padding token). `tokenizer.json` is a **WordPiece** model whose vocabulary holds whole words only (no `##`
pieces), so a word outside the vocabulary becomes one `<|unk|>`; normaliser `Lowercase`; pre-tokenizer
`Whitespace` (`\\w+|[^\\w\\s]+`); post-processor `TemplateProcessing` adding start and end tokens.
(`@huggingface/tokenizers` has no WordLevel model; WordPiece without continuation pieces behaves as one.)
`tokenizer_class` is `PreTrainedTokenizerFast`. Texts longer than {cfg.max_positions} tokens are cut by
transformers.js *after* the end token is added, which drops it; the app should keep queries shorter.

## The world and its ground truth

Scenes are rendered at 128x128 (Pillow + numpy): one main object (radius {world.OBJECT_RADIUS[0]}-{world.OBJECT_RADIUS[1]} px,
rotated at most 20 degrees, soft shading, shadow, and a darker rim in its own colour so the outline stays
readable on a similar background), in a quarter of the scenes one or two small distractor objects of another
shape/colour, on a textured background (sand grain and pebbles, grass blades, sky gradient and clouds, snow,
night with stars, random stripes). Degradations at a known strength s in (0, 1]: Gaussian blur, sensor noise,
under-exposure, over-exposure (washed out), low contrast, subject cut off by the frame, heavy JPEG blocking.
**Ground-truth quality = 1 - 0.8 s** (clean = 1.0; the test levels s = 0.25, 0.5, 0.75, 1.0 give 0.8, 0.6,
0.4, 0.2).

Captions vary the template ("a photo of a red circle on sand", "red circle, grass background", "a circle that
is red, at night", ...). Degraded scenes (s >= 0.3) name their defect half of the time ("a blurry photo of
...", "a dark ...", "a noisy ...", "a washed-out ...", "a cropped ...", "a blocky ...", sometimes "a bad photo
of ..."), with its strength ("slightly blurry" for s < 0.5, "very blurry" for s >= 0.75, each 70% of the
time); clean scenes say so 15% of the time ("a sharp, well-lit photo of ...", "a clean ...", "a colorful ...",
"a high contrast ..."). The good words include every positive word of the app's CLIP-IQA prompts (good, sharp,
bright, colorful, high contrast, clean, beautiful) and the defect words every negative one (bad, blurry, dark,
dull, low contrast, noisy, ugly), so the text tower knows all of them; "a blurry photo" and "blurry photo." are
caption templates too. A fifth of the training batches insert LLM-style filler words (all outside the
vocabulary), so rephrased, padded queries still work.

Held out of training entirely (never a main object or distractor there): {held}. They appear only in the test
library (`heldOut: true`).

## Training

- Seed {train.SEED} (`torch.manual_seed`, numpy `default_rng`; scene generation is chunked with fixed per-chunk
  seeds, so it does not depend on process scheduling).
- {info["train_images"]:,} pre-rendered training scenes (60% degraded, strength uniform in [0.15, 1]), plus
  {info.get("quality_groups", 0):,} quality groups: one scene rendered {data.QUALITY_GROUP} times from the same
  random state (clean; one defect weak, s in {data.WEAK}; the same defect strong, s in {data.STRONG}; another
  defect), so the only difference inside a group is how well it was taken. 60% of all images are JPEG-encoded at
  quality 85-95 and downsized to 64 by one of: Pillow bicubic, 2x2 box (like a browser canvas), point sampling
  (like sharp's affine resize in Node). Captions are drawn fresh at every step.
- Symmetric InfoNCE (CLIP) loss, batch {info["batch"]}, phase 1 {info["steps"]} steps, AdamW (lr {train.LR}, betas
  0.9/0.98, weight decay {train.WEIGHT_DECAY} on matrices), {train.WARMUP} warm-up steps then cosine decay,
  gradient clipping 1.0, random horizontal flips. The text tower is frozen for the first
  {info.get("text_frozen_steps", 0)} steps. Then phase 2, a warm restart: {info.get("second_steps", 0)} more steps
  with a fresh AdamW, peak lr {train.SECOND_LR}, {train.SECOND_WARMUP} warm-up steps, cosine decay and its own
  batch stream (seed {train.SEED + 4}); it uses nothing of phase 1 but the weights{resumed}. Each batch holds {train.QUALITY_IN_BATCH} images from whole quality
  groups (their captions name the defect {int(train.QUALITY_CAPTION_P * 100)}% of the time, clean ones say so
  {int(train.GOOD_CAPTION_P * 100)}%), the rest from groups of six scenes that share colour and background and
  differ in shape ({int(train.SHAPE_GROUP_SHARE * 100)}% of groups) or share shape and background and differ in
  colour, so shape keeps a contrastive signal after colour and background are learned, and quality has one
  inside a batch.{third}{fourth}{fifth}
- Wall clock: {rendering} + {info["train_seconds"]:.0f} s training on 2 CPU cores (shared with other work
  when this build ran, so an idle machine is faster).

Zero-shot accuracy on 1,000 fresh validation scenes during training (36-way shape x colour, 6-way background):

| step | loss | shape x colour | background |
| --- | --- | --- | --- |
{hist}

The aesthetic head is ridge regression of `quality * 9 + 1` on the L2-normalised image embeddings of
{export.HEAD_IMAGES:,} further fresh scenes (seed {export.HEAD_SEED}, 70% degraded); the ridge strength is the
one of {export.RIDGES} with the best Spearman on a separate validation stream of generated scenes (never the
e2e library), then the head is refitted on both streams.

## Measured on the e2e library

`e2e/fixtures/tiny-world/`: {n_images} photos (seed {make_fixtures.TEST_SEED}, never in training). Every shape x
colour x background triple appears {make_fixtures.PER_TRIPLE} times ({make_fixtures.TEST_PER_TRIPLE} in the test
split, the rest train or val), each held-out triple {make_fixtures.HELD_OUT_EXTRA} more times (test);
{int(make_fixtures.CLEAN_FRACTION * 100)}% of each split clean, the rest spread over the 7 degradations x 4
strengths. So each two-attribute pair has {6 * make_fixtures.TEST_PER_TRIPLE} test photos and precision@10 over
the test images alone can reach 1. {len(gt["queries"])} queries: 36 of each kind shape+colour ("a red circle"),
shape+background ("a star on sand"), colour+background ("something red on sand"), split per kind
{make_fixtures.QUERY_SPLIT[0]} test / {make_fixtures.QUERY_SPLIT[1]} val / {make_fixtures.QUERY_SPLIT[2]} train,
and the 6 held-out triples (kind held-out-triple, test, reported apart). Every image and query has a `split`;
only train and val may feed preference pairs, head fits or the choice of settings. Retrieval is exact cosine
search over L2-normalised embeddings. CLIP-IQA is the app's: the mean over its {len(js["clipIqaPairs"]) if js
else 7} prompt pairs of softmax(logit scale x cosine) of positive against negative.

Targets (issue 9), on the test split, transformers.js:

| target | required | measured | |
| --- | --- | --- | --- |
{_targets(js, gt)}

transformers.js 4.3.1 in Node (`node models/generator/verify.mjs`; files through `AutoProcessor`, sharp resize):

| split | metric | value |
| --- | --- | --- |
{js_rows}

PyTorch (Pillow bicubic resize), for comparison:

| split | metric | value |
| --- | --- | --- |
{py_rows}

## Regenerate

```
apt-get install -y python3-torch python3-onnx python3-pil python3-numpy libopenblas0-pthread
/usr/bin/python3 models/generator/build.py
```

This retrains from scratch (about 70 minutes on 2 idle cores), rewrites this folder, `e2e/fixtures/tiny-world/`,
`e2e/fixtures/bad-files/` and `models/generator/reference/`, then runs `verify.mjs`. Results are reproducible
on the same software stack; another BLAS or thread count changes the last digits of the weights.
"""
    with open(os.path.join(model_dir, "README.md"), "w") as f:
        f.write(text)
    _ = data  # noqa: F841  (kept for the mean/std reference in the text above)
