"""The tiny world: procedurally rendered scenes with known labels and known quality.

Every scene is one main object (shape x colour) on a background, optionally with
small distractor objects, optionally degraded by one aesthetic defect at a known
strength. Everything is driven by a numpy Generator, so a seed fixes the scene.

Ground-truth quality (documented in models/tiny-world/README.md):

    quality = 1 - 0.8 * strength      (strength = 0 for clean scenes)

so clean = 1.0 and the four test strengths 0.25/0.5/0.75/1.0 give 0.8/0.6/0.4/0.2.
"""

from __future__ import annotations

import colorsys
import io
import math
import re
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

RENDER_SIZE = 128
MAX_ROTATION = math.radians(20)
OBJECT_RADIUS = (20, 40)       # main object, pixels at 128 x 128
DISTRACTOR_RADIUS = (6, 11)

SHAPES = ["circle", "square", "triangle", "star", "cross", "heart"]
COLOURS = ["red", "green", "blue", "yellow", "purple", "orange"]
BACKGROUNDS = ["sand", "grass", "sky", "snow", "night", "stripes"]
DEGRADATIONS = ["blur", "noise", "dark", "overexposed", "lowcontrast", "cutoff", "jpeg"]

# Shape-colour-background triples that never appear in training (main object or
# distractor); each shape, colour and background is used exactly once.
HELD_OUT = [
    ("star", "blue", "sand"),
    ("heart", "yellow", "grass"),
    ("circle", "purple", "snow"),
    ("triangle", "orange", "sky"),
    ("cross", "green", "night"),
    ("square", "red", "stripes"),
]
HELD_OUT_SET = set(HELD_OUT)

BASE_RGB = {
    "red": (210, 35, 35),
    "green": (40, 165, 60),
    "blue": (40, 80, 215),
    "yellow": (240, 210, 40),
    "purple": (140, 50, 180),
    "orange": (245, 130, 25),
}

# How captions place the object on each background: a prepositional phrase
# ("a red circle on sand") and a bare noun ("red circle, sand background").
# Queries use the first phrase.
BACKGROUND_PHRASES = {
    "sand": ["on sand", "on the sand"],
    "grass": ["on grass", "on the grass"],
    "sky": ["in the sky", "against the sky"],
    "snow": ["on snow", "in the snow"],
    "night": ["at night", "in the night"],
    "stripes": ["on stripes", "on a striped wall"],
}
BACKGROUND_NOUNS = {
    "sand": ["sand"],
    "grass": ["grass"],
    "sky": ["sky"],
    "snow": ["snow"],
    "night": ["night"],
    "stripes": ["stripes", "striped"],
}

QUALITY_WORDS = {
    "blur": ["blurry", "out of focus", "blurred"],
    "noise": ["noisy", "grainy"],
    "dark": ["dark", "underexposed", "too dark"],
    "overexposed": ["overexposed", "washed-out", "blown-out"],
    "lowcontrast": ["faded", "low-contrast", "low contrast", "dull"],
    "cutoff": ["cropped", "cut-off", "badly framed"],
    "jpeg": ["blocky", "pixelated", "compressed"],
}
# The good words include the positive halves of the app's CLIP-IQA prompt pairs
# (workers/aesthetics/clip-iqa.ts: good, sharp, bright, colorful, high contrast,
# clean, beautiful), so that the text tower knows them; "bright" therefore means
# well-lit here, and over-exposure has its own words.
GOOD_WORDS = ["sharp, well-lit", "good", "clear", "beautiful", "high quality", "sharp", "bright",
              "colorful", "high contrast", "high-contrast", "clean", "well-lit"]
# Degradation strength in words: captions say how bad, so the embedding has to carry it.
WEAK_MODIFIER, STRONG_MODIFIER = "slightly", "very"
BAD_WORDS = ["bad", "low quality", "ugly"]

PLAIN_TEMPLATES = [
    "a {c} {s}",
    "a photo of a {c} {s}",
    "a picture of a {c} {s}",
    "an image of a {c} {s}",
    "a {c} {s} {b}",
    "a photo of a {c} {s} {b}",
    "{c} {s}, {n} background",
    "the {c} {s} {b}",
    "a {s} that is {c}, {b}",
    "a picture of a {c} {s} with a {n} background",
    "{c} {s}",
    "{c} {s} {b}",
]
PARTIAL_TEMPLATES = [
    "a {s}",
    "a photo of a {s}",
    "a {c} shape",
    "something {c} {b}",
    "a {s} {b}",
    "a photo of a {n} background",
]
QUALITY_TEMPLATES = [
    "a {q} photo of a {c} {s}",
    "a {q} photo of a {c} {s} {b}",
    "{c} {s}, {q}",
    "a {q} picture of a {c} {s}",
    "a {c} {s} {b}, {q}",
    "a {q} photo",
    "{q} photo.",
    "a {q} photo {b}",
]

# Words an LLM rephrasing tends to add; none is in the vocabulary, so they all
# become the unknown token. Training on them teaches the text tower to ignore
# unknown words and to use late positions.
FILLER_WORDS = (
    "vibrant soft warm natural lighting composition centered detailed scene minimalist "
    "calm bold crisp focus subject texture gentle evening morning shadow highlight colorful "
    "simple clean elegant geometric symbol icon graphic style mood cinematic depth field "
    "glowing pastel vivid matte glossy studio outdoor frame balanced rule thirds"
).split()
FILLER_GLUE = ["with", "and", "a", "the", "of", ",", "in", "on"]
FILLER_WORDS = [w for w in FILLER_WORDS
                if w not in {"focus", "dark", "bright", "sharp", "clear", "colorful", "clean"}]


@dataclass
class Scene:
    shape: str
    colour: str
    background: str
    degradation: str | None = None
    strength: float = 0.0
    distractors: list = field(default_factory=list)

    @property
    def quality(self) -> float:
        return quality_from_strength(self.strength)

    @property
    def held_out(self) -> bool:
        return (self.shape, self.colour, self.background) in HELD_OUT_SET


def quality_from_strength(strength: float) -> float:
    return float(min(1.0, max(0.0, 1.0 - 0.8 * strength)))


# ---------------------------------------------------------------- sampling


def sample_scene(rng: np.random.Generator, *, allow_held_out: bool, degrade_p: float = 0.6,
                 strengths=None, shape=None, colour=None, background=None,
                 degradation=None, strength=None) -> Scene:
    """Samples labels; fixed fields are kept. `strengths` = discrete levels or None (continuous)."""
    while True:
        s = shape or SHAPES[rng.integers(len(SHAPES))]
        c = colour or COLOURS[rng.integers(len(COLOURS))]
        b = background or BACKGROUNDS[rng.integers(len(BACKGROUNDS))]
        if allow_held_out or (s, c, b) not in HELD_OUT_SET:
            break
    scene = Scene(s, c, b)
    if degradation is not None:
        scene.degradation = degradation or None
    elif rng.random() < degrade_p:
        scene.degradation = DEGRADATIONS[rng.integers(len(DEGRADATIONS))]
    if scene.degradation:
        if strength is not None:
            scene.strength = float(strength)
        elif strengths is not None:
            scene.strength = float(strengths[rng.integers(len(strengths))])
        else:
            scene.strength = float(rng.uniform(0.15, 1.0))
    n_distractors = 0
    u = rng.random()
    if u < 0.2:
        n_distractors = 1
    elif u < 0.26:
        n_distractors = 2
    for _ in range(n_distractors):
        while True:
            ds = SHAPES[rng.integers(len(SHAPES))]
            dc = COLOURS[rng.integers(len(COLOURS))]
            if (ds, dc) == (s, c):
                continue
            if not allow_held_out and (ds, dc, b) in HELD_OUT_SET:
                continue
            break
        scene.distractors.append((ds, dc))
    return scene


# ---------------------------------------------------------------- captions


def _articles(text: str) -> str:
    return re.sub(r"\ba (?=[aeiou])", "an ", text)


def background_phrase(background: str) -> str:
    return BACKGROUND_PHRASES[background][0]


def caption(scene: Scene, rng: np.random.Generator, *, quality_p: float = 0.5,
            good_p: float = 0.15, partial_p: float = 0.08, filler_p: float = 0.0) -> str:
    pick = lambda xs: xs[rng.integers(len(xs))]  # noqa: E731
    fields = dict(s=scene.shape, c=scene.colour, b=pick(BACKGROUND_PHRASES[scene.background]),
                  n=pick(BACKGROUND_NOUNS[scene.background]))
    if scene.degradation and scene.strength >= 0.3 and rng.random() < quality_p:
        if scene.strength >= 0.6 and rng.random() < 0.2:
            q = pick(BAD_WORDS)
        else:
            q = pick(QUALITY_WORDS[scene.degradation])
            if scene.strength < 0.5 and rng.random() < 0.7:
                q = f"{WEAK_MODIFIER} {q}"
            elif scene.strength >= 0.75 and rng.random() < 0.7:
                q = f"{STRONG_MODIFIER} {q}"
        text = pick(QUALITY_TEMPLATES).format(q=q, **fields)
    elif not scene.degradation and rng.random() < good_p:
        text = pick(QUALITY_TEMPLATES).format(q=pick(GOOD_WORDS), **fields)
    elif rng.random() < partial_p:
        text = pick(PARTIAL_TEMPLATES).format(**fields)
    else:
        text = pick(PLAIN_TEMPLATES).format(**fields)
    if filler_p and rng.random() < filler_p:
        words = text.split(" ")
        for _ in range(int(rng.integers(2, 36))):
            w = pick(FILLER_WORDS) if rng.random() < 0.75 else pick(FILLER_GLUE)
            words.insert(int(rng.integers(len(words) + 1)), w)
        text = " ".join(words)
    return _articles(text)


def vocabulary_words() -> list[str]:
    """Every word the caption generator can emit (after lowercase + word/punct split)."""
    texts = []
    texts += SHAPES + COLOURS + FILLER_GLUE
    for ps in list(BACKGROUND_PHRASES.values()) + list(BACKGROUND_NOUNS.values()):
        texts += ps
    for ws in QUALITY_WORDS.values():
        texts += ws
    texts += GOOD_WORDS + BAD_WORDS + [WEAK_MODIFIER, STRONG_MODIFIER]
    texts += [t.replace("{", " ").replace("}", " ") for t in
              PLAIN_TEMPLATES + PARTIAL_TEMPLATES + QUALITY_TEMPLATES]
    words = set()
    for t in texts:
        for w in re.findall(r"\w+|[^\w\s]+", t.lower(), flags=re.ASCII):
            words.add(w)
    for slot in ["c", "s", "b", "q", "n"]:
        words.discard(slot)
    words |= {"background", "."}
    return sorted(words)


# ---------------------------------------------------------------- rendering


_YY, _XX = np.mgrid[0:RENDER_SIZE, 0:RENDER_SIZE].astype(np.float32)
_NOISE_BANK = np.random.default_rng(12345).standard_normal((512, 512, 3), dtype=np.float32)


def _noise(rng, n, channels=1):
    """A crop of a fixed Gaussian noise bank: much cheaper than fresh normals on this CPU."""
    y, x = rng.integers(0, 512 - n, 2)
    c = int(rng.integers(0, 4 - channels))
    return _NOISE_BANK[y:y + n, x:x + n, c:c + channels]


def _jitter_colour(rgb, rng):
    r, g, b = [v / 255 for v in rgb]
    h, s, v = colorsys.rgb_to_hsv(r, g, b)
    h = (h + rng.uniform(-0.02, 0.02)) % 1.0
    s = min(1.0, s * rng.uniform(0.8, 1.1))
    v = min(1.0, v * rng.uniform(0.8, 1.1))
    return np.array(colorsys.hsv_to_rgb(h, s, v)) * 255


def _lowfreq(rng, n, cells=8):
    small = Image.fromarray((rng.random((cells, cells)) * 255).astype(np.uint8))
    return np.asarray(small.resize((n, n), Image.BILINEAR), dtype=np.float32) / 255 - 0.5


def render_background(kind: str, rng: np.random.Generator, n: int = RENDER_SIZE) -> np.ndarray:
    yy, xx = _YY[:n, :n], _XX[:n, :n]
    if kind == "sand":
        base = np.array([210, 185, 140]) + rng.uniform(-15, 15, 3)
        img = np.ones((n, n, 3), np.float32) * base
        img += _lowfreq(rng, n)[..., None] * 40
        img += _noise(rng, n) * 12
        for _ in range(int(rng.integers(10, 30))):  # pebbles
            x, y = rng.integers(0, n, 2)
            r = int(rng.integers(1, 3))
            img[max(0, y - r):y + r, max(0, x - r):x + r] *= rng.uniform(0.6, 0.85)
    elif kind == "grass":
        base = np.array([60, 130, 50], np.float32) + rng.uniform(-15, 15, 3).astype(np.float32)
        img = np.ones((n, n, 3), np.float32) * base
        img += _lowfreq(rng, n)[..., None] * 50
        pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
        d = ImageDraw.Draw(pil)
        k = 160
        p = rng.random((k, 5))
        x, y = p[:, 0] * n, p[:, 1] * n
        x2, y2 = x + (p[:, 2] - 0.5) * 6, y - (5 + 7 * p[:, 3])
        tone = 0.55 + 0.8 * p[:, 4]
        cols = np.clip(base[None, :] * tone[:, None], 0, 255).astype(int).tolist()
        for i in range(k):
            d.line([(x[i], y[i]), (x2[i], y2[i])], fill=tuple(cols[i]), width=1)
        img = np.asarray(pil, np.float32)
    elif kind == "sky":
        top = np.array([70, 130, 220]) + rng.uniform(-20, 20, 3)
        bottom = np.array([185, 215, 245]) + rng.uniform(-10, 10, 3)
        t = np.linspace(0, 1, n, dtype=np.float32)[:, None, None]
        col = (top * (1 - t) + bottom * t).astype(np.float32)  # n x 1 x 3
        img = np.repeat(col, n, axis=1)
        clouds = Image.new("L", (32, 32), 0)
        d = ImageDraw.Draw(clouds)
        for _ in range(int(rng.integers(1, 4))):
            cx, cy = rng.uniform(0, 32, 2)
            w, h = rng.uniform(5, 12), rng.uniform(2, 5)
            d.ellipse([cx - w, cy - h, cx + w, cy + h], fill=int(rng.integers(120, 230)))
        m = np.asarray(clouds.resize((n, n), Image.BILINEAR), np.float32)[..., None] / 255
        img = img * (1 - m) + 250 * m
        img = img.astype(np.float32)
        img += _noise(rng, n) * 3
    elif kind == "snow":
        base = np.array([238, 242, 248]) + rng.uniform(-10, 6, 3)
        img = np.ones((n, n, 3), np.float32) * base
        img += _lowfreq(rng, n, 4)[..., None] * 30
        img += _noise(rng, n) * 4
    elif kind == "night":
        base = np.array([15, 18, 40]) + rng.uniform(-8, 8, 3)
        img = np.ones((n, n, 3), np.float32) * base
        img += _lowfreq(rng, n, 4)[..., None] * 20
        img += _noise(rng, n) * 3
        for _ in range(int(rng.integers(10, 40))):
            x, y = rng.integers(0, n, 2)
            img[y, x] = rng.uniform(150, 255)
    elif kind == "stripes":
        c1 = rng.uniform(70, 220, 3)
        c2 = np.clip(c1 + rng.uniform(-70, 70, 3), 40, 240)
        theta = rng.uniform(0, math.pi)
        width = rng.uniform(5, 14)
        phase = ((xx * math.cos(theta) + yy * math.sin(theta)) / width) % 2.0
        m = (phase < 1.0)[..., None]
        img = np.where(m, c1, c2).astype(np.float32)
        img += _noise(rng, n) * 4
    else:
        raise ValueError(kind)
    return img


def _shape_polygon(shape: str, cx: float, cy: float, r: float, rot: float):
    def rotate(pts):
        c, s = math.cos(rot), math.sin(rot)
        return [(cx + x * c - y * s, cy + x * s + y * c) for x, y in pts]

    if shape == "square":
        a = r * 0.85
        return rotate([(-a, -a), (a, -a), (a, a), (-a, a)])
    if shape == "triangle":
        return rotate([(r * math.cos(t), r * math.sin(t))
                       for t in (-math.pi / 2, math.pi / 6, 5 * math.pi / 6)])
    if shape == "star":
        pts = []
        for i in range(10):
            rr = r if i % 2 == 0 else r * 0.45
            t = -math.pi / 2 + i * math.pi / 5
            pts.append((rr * math.cos(t), rr * math.sin(t)))
        return rotate(pts)
    if shape == "cross":
        a, w = r, r * 0.33
        return rotate([(-w, -a), (w, -a), (w, -w), (a, -w), (a, w), (w, w), (w, a), (-w, a),
                       (-w, w), (-a, w), (-a, -w), (-w, -w)])
    if shape == "heart":
        pts = []
        for i in range(40):
            t = 2 * math.pi * i / 40
            x = 16 * math.sin(t) ** 3
            y = -(13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t))
            pts.append((x * r / 16, (y + 2) * r / 16))
        return rotate(pts)
    raise ValueError(shape)


def _draw_object(img: np.ndarray, shape: str, colour: str, cx, cy, r, rng, shadow=True, outline=True):
    """Composites one anti-aliased, softly shaded object onto img (float HxWx3) in place."""
    n = img.shape[0]
    # Work in the object's bounding box only (plus the shadow offset).
    x0, y0 = max(0, int(cx - r) - 2), max(0, int(cy - r) - 2)
    x1, y1 = min(n, int(cx + r) + 5), min(n, int(cy + r) + 5)
    if x1 <= x0 or y1 <= y0:
        return
    w, h = x1 - x0, y1 - y0
    ss = 2
    mask = Image.new("L", (w * ss, h * ss), 0)
    d = ImageDraw.Draw(mask)
    lx, ly = cx - x0, cy - y0
    # A darker rim in the object's own colour: the outline keeps the shape readable
    # where the fill is close to the background (yellow on sand, blue in the sky).
    rim = Image.new("L", (w * ss, h * ss), 0)
    dr = ImageDraw.Draw(rim)
    width = max(2, int(round(r * 0.12 * ss)))
    if shape == "circle":
        box = [(lx - r) * ss, (ly - r) * ss, (lx + r) * ss, (ly + r) * ss]
        d.ellipse(box, fill=255)
        dr.ellipse(box, outline=255, width=width)
    else:
        rot = rng.uniform(-MAX_ROTATION, MAX_ROTATION)  # shapes stay roughly upright
        pts = [(x * ss, y * ss) for x, y in _shape_polygon(shape, lx, ly, r, rot)]
        d.polygon(pts, fill=255)
        dr.line(pts + [pts[0]], fill=255, width=width, joint="curve")
    m = np.asarray(mask.reduce(ss), np.float32)[..., None] * (1 / 255)
    rim_m = np.minimum(np.asarray(rim.reduce(ss), np.float32)[..., None] * (1 / 255), m)
    region = img[y0:y1, x0:x1]
    if shadow:
        sh = np.zeros_like(m)
        sh[2:, 2:] = m[:-2, :-2]
        region *= 1 - 0.35 * sh
    rgb = _jitter_colour(BASE_RGB[colour], rng).astype(np.float32)
    shade = 1.0 + 0.09 * (-(_XX[:h, :w] - lx) - (_YY[:h, :w] - ly)) / max(r, 1)
    layer = rgb[None, None, :] * np.clip(shade, 0.75, 1.2)[..., None]
    if outline:
        layer = layer * (1 - 0.45 * rim_m)
    region *= 1 - m
    region += layer * m


def _place_cutoff(rng, r, n, strength):
    """Centre so that roughly (0.15 + 0.5*strength) of the object's width leaves the frame."""
    f = 0.15 + 0.5 * strength
    inside = r * (1 - 2 * f)  # centre coordinate relative to the edge
    along = rng.uniform(r, n - r)
    side = rng.integers(4)
    if side == 0:
        return inside, along
    if side == 1:
        return n - inside, along
    if side == 2:
        return along, inside
    return along, n - inside


def render(scene: Scene, rng: np.random.Generator, n: int = RENDER_SIZE, outline: bool = True) -> Image.Image:
    img = render_background(scene.background, rng, n)
    for ds, dc in scene.distractors:
        dr = rng.uniform(*DISTRACTOR_RADIUS)
        dx, dy = rng.uniform(dr, n - dr, 2)
        _draw_object(img, ds, dc, dx, dy, dr, rng, shadow=False, outline=outline)
    r = rng.uniform(*OBJECT_RADIUS)
    if scene.degradation == "cutoff":
        cx, cy = _place_cutoff(rng, r, n, scene.strength)
    else:
        cx = n / 2 + rng.uniform(-22, 22)
        cy = n / 2 + rng.uniform(-22, 22)
        cx = min(max(cx, r + 2), n - r - 2)
        cy = min(max(cy, r + 2), n - r - 2)
    _draw_object(img, scene.shape, scene.colour, cx, cy, r, rng, outline=outline)
    pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    if scene.degradation and scene.degradation != "cutoff":
        pil = degrade(pil, scene.degradation, scene.strength, rng)
    return pil


def render_variants(scene: Scene, rng: np.random.Generator, variants: list[tuple[str | None, float]]):
    """The same scene (background, distractors, object size) at several qualities.

    Each variant starts from a copy of the same random state, so every one renders
    the identical clean picture before its own degradation (cutoff moves the object)."""
    import copy

    base = np.random.default_rng(int(rng.integers(2**63)))
    out = []
    for kind, strength in variants:
        v = Scene(scene.shape, scene.colour, scene.background, kind, strength if kind else 0.0,
                  list(scene.distractors))
        out.append((v, render(v, copy.deepcopy(base))))
    return out


def degrade(pil: Image.Image, kind: str, s: float, rng: np.random.Generator) -> Image.Image:
    if kind == "blur":
        return pil.filter(ImageFilter.GaussianBlur(radius=0.6 + 3.4 * s))
    if kind == "jpeg":
        buf = io.BytesIO()
        pil.save(buf, format="JPEG", quality=int(round(32 - 28 * s)))
        buf.seek(0)
        return Image.open(buf).convert("RGB")
    a = np.asarray(pil, np.float32)
    if kind == "noise":
        sigma = 8 + 52 * s
        n = a.shape[0]
        a = a + (_noise(rng, n, 3) * 0.6 + _noise(rng, n, 1) * 0.6) * sigma
    elif kind == "dark":
        a = 255 * (a / 255) ** (1 + 0.8 * s) * (1 - 0.8 * s)
    elif kind == "overexposed":
        a = 255 - (255 - a * (1 + 0.6 * s)).clip(0, 255) * (1 - 0.8 * s)
    elif kind == "lowcontrast":
        m = a.mean()
        a = m + (a - m) * (1 - 0.85 * s)
    else:
        raise ValueError(kind)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
