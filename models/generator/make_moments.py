"""The moments fixture (issue 23): bursts, copies and lookalikes of the tiny world, with ground truth.

numpy and PIL only (no torch): it renders with world.py and writes EXIF with exif_bytes.py.
The 912-photo tiny world is untouched; this writes e2e/fixtures/moments/.

- moments: one scene shot 3 to 5 times seconds apart, each shot moved, scaled and lit a little
  differently, most with a spoiling at a known strength (true quality = 1 - 0.8 strength);
- copies: a photo re-encoded at another quality, resized, or cropped 5% (some without EXIF);
- lookalikes that must not group: the same shape and colour on another background seconds later,
  or the same kind of scene rendered afresh days later;
- single photos.

Ground truth: per image its moment id and copy id (null when alone), true quality, EXIF time and
split (train, val or test, drawn per moment so that a group never straddles two splits).

    python3 models/generator/make_moments.py
"""

from __future__ import annotations

import copy as copying
import datetime as dt
import io
import json
import os

import numpy as np
from PIL import Image

import world
from exif_bytes import splice_jpeg, tiff_block

SEED = 777_101
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "e2e", "fixtures", "moments")
MOMENTS = 20
COPY_GROUPS = 10
LOOKALIKES = 12
SINGLES = 6
SPOILINGS = ["blur", "noise", "dark", "overexposed", "lowcontrast", "jpeg"]
SPLITS = (("train", 0.45), ("val", 0.2), ("test", 0.35))
START = dt.datetime(2024, 5, 4, 9, 0, 0)
N = world.RENDER_SIZE


def jpeg(pil: Image.Image, quality: int = 90) -> bytes:
    buf = io.BytesIO()
    pil.save(buf, format="JPEG", quality=quality)
    return buf.getvalue()


def shifted(pil: Image.Image, rng: np.random.Generator) -> Image.Image:
    """The same view a moment later: moved a few pixels, zoomed a little, the light changed."""
    zoom = rng.uniform(0.9, 1.0)
    side = N * zoom
    x0 = rng.uniform(0, N - side)
    y0 = rng.uniform(0, N - side)
    out = pil.crop((x0, y0, x0 + side, y0 + side)).resize((N, N), Image.BICUBIC)
    a = np.asarray(out, np.float32) * rng.uniform(0.92, 1.08)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


def rendered(scene: world.Scene, rng: np.random.Generator) -> Image.Image:
    return world.render(scene, rng)


def main() -> None:
    rng = np.random.default_rng(SEED)
    os.makedirs(os.path.join(OUT, "photos"), exist_ok=True)
    images: list[dict] = []
    clock = START

    def split() -> str:
        u, acc = rng.random(), 0.0
        for name, p in SPLITS:
            acc += p
            if u < acc:
                return name
        return SPLITS[-1][0]

    def write(pil_or_bytes, *, name, moment, copy, quality, taken, split_name, kind, exif=True):
        data = pil_or_bytes if isinstance(pil_or_bytes, bytes) else jpeg(pil_or_bytes)
        stamp = taken.isoformat(timespec="seconds") if taken else None
        if exif and stamp:
            data = splice_jpeg(data, tiff_block("Lumen", "Moments", stamp, None, None, None, False))
        path = f"photos/{name}.jpg"
        with open(os.path.join(OUT, path), "wb") as f:
            f.write(data)
        images.append(dict(path=path, moment=moment, copy=copy, quality=round(quality, 4),
                           takenAt=stamp if exif else None, split=split_name, kind=kind,
                           bytes=len(data)))

    for m in range(MOMENTS):
        s = split()
        scene = world.sample_scene(rng, allow_held_out=True, degradation="")
        base = rendered(scene, copying.deepcopy(rng))
        rng.random()  # move on from the copied state
        shots = int(rng.integers(3, 6))
        clean_at = int(rng.integers(shots)) if rng.random() < 0.8 else -1
        for k in range(shots):
            pil = shifted(base, rng)
            strength = 0.0
            kind = "clean"
            if k != clean_at:
                kind = SPOILINGS[int(rng.integers(len(SPOILINGS)))]
                strength = float(rng.uniform(0.1, 0.5))
                pil = world.degrade(pil, kind, strength, rng)
            clock += dt.timedelta(seconds=int(rng.integers(1, 6)))
            name = f"moment-{m:02d}-{k}"
            q = world.quality_from_strength(strength)
            write(pil, name=name, moment=f"m{m}", copy=None, quality=q, taken=clock, split_name=s,
                  kind=kind)
            if k == 0 and m % 4 == 0:
                # A copy inside a moment: re-encoded, keeping its EXIF.
                images[-1]["copy"] = f"m{m}c"
                write(jpeg(pil, 55), name=f"{name}-reencoded", moment=f"m{m}", copy=f"m{m}c",
                      quality=q, taken=clock, split_name=s, kind="reencoded")
        # A lookalike seconds later: same shape and colour, another background.
        if m < LOOKALIKES:
            other = [b for b in world.BACKGROUNDS if b != scene.background]
            look = world.Scene(scene.shape, scene.colour, other[int(rng.integers(len(other)))])
            clock += dt.timedelta(seconds=3)
            write(rendered(look, rng), name=f"lookalike-{m:02d}-background", moment=None, copy=None,
                  quality=1.0, taken=clock, split_name=s, kind="lookalike")
            # And the same kind of scene on another day.
            again = world.Scene(scene.shape, scene.colour, scene.background)
            write(rendered(again, rng), name=f"lookalike-{m:02d}-later", moment=None, copy=None,
                  quality=1.0, taken=clock + dt.timedelta(days=3), split_name=s, kind="lookalike")
        clock += dt.timedelta(minutes=int(rng.integers(10, 90)))

    for c in range(COPY_GROUPS):
        s = split()
        scene = world.sample_scene(rng, allow_held_out=True, degrade_p=0.3)
        pil = rendered(scene, rng)
        q = scene.quality
        clock += dt.timedelta(minutes=30)
        group = f"c{c}"
        write(pil, name=f"copy-{c:02d}-original", moment=group, copy=group, quality=q, taken=clock,
              split_name=s, kind="original")
        small = pil.resize((96, 96), Image.BICUBIC)
        write(small, name=f"copy-{c:02d}-resized", moment=group, copy=group, quality=q, taken=clock,
              split_name=s, kind="resized", exif=c % 2 == 0)
        if c % 2 == 0:
            crop = pil.crop((3, 3, N - 3, N - 3)).resize((N, N), Image.BICUBIC)
            write(crop, name=f"copy-{c:02d}-cropped", moment=group, copy=group, quality=q,
                  taken=clock, split_name=s, kind="cropped")
        else:
            write(jpeg(pil, 50), name=f"copy-{c:02d}-reencoded", moment=group, copy=group,
                  quality=q, taken=None, split_name=s, kind="reencoded", exif=False)

    for i in range(SINGLES):
        scene = world.sample_scene(rng, allow_held_out=True)
        clock += dt.timedelta(minutes=20)
        write(rendered(scene, rng), name=f"single-{i:02d}", moment=None, copy=None,
              quality=scene.quality, taken=clock, split_name=split(), kind="single")

    with open(os.path.join(OUT, "ground-truth.json"), "w") as f:
        json.dump({"seed": SEED, "images": images}, f, indent=1)
    total = sum(im["bytes"] for im in images)
    print(f"{len(images)} photos, {total / 1e6:.2f} MB in {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
