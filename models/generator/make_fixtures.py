"""The test fixtures: the tiny-world photo library with ground truth, and bad files.

The photo library uses its own seed, so none of its scenes is in the training
stream; it also contains every held-out shape-colour-background triple.
"""

from __future__ import annotations

import io
import json
import os
import struct
import zlib

import numpy as np
from PIL import Image

import world
from add_exif import add_exif

TEST_SEED = 777_001
PER_TRIPLE = 4         # images per shape x colour x background triple: 24 per two-attribute pair
TEST_PER_TRIPLE = 3    # of which in the test split: 18 test images per pair, so P@10 can reach 1 and a
                       # re-ranking of the test photos alone has more than ten relevant ones to order
HELD_OUT_EXTRA = 8     # extra test images per held-out triple (11 test images each)
VAL_FRACTION = 0.25    # of the non-test images and queries
CLEAN_FRACTION = 0.35
LEVELS = [0.25, 0.5, 0.75, 1.0]
JPEG_QUALITY = 90
QUERY_SEED = 777_003
# Per two-attribute kind (36 queries each): test, val, train counts.
QUERY_SPLIT = (22, 6, 8)

FOLDERS = {
    "sand": "photos/beach-trip",
    "sky": "photos/beach-trip",
    "grass": "photos/garden",
    "stripes": "photos/garden",
    "snow": "photos/winter",
    "night": "photos/winter/night-walk",
}


def _conditions(rng: np.random.Generator, n: int):
    """n (degradation, strength) pairs: CLEAN_FRACTION clean, the rest spread over kinds x levels."""
    n_clean = int(round(n * CLEAN_FRACTION))
    degraded = [(k, s) for k in world.DEGRADATIONS for s in LEVELS]
    conds = [(None, 0.0)] * n_clean + [degraded[i % len(degraded)] for i in range(n - n_clean)]
    return [conds[i] for i in rng.permutation(len(conds))]


def plan_test_set(seed: int = TEST_SEED):
    """(labels, condition, split) per photo. Every triple has PER_TRIPLE photos, TEST_PER_TRIPLE of
    them in the test split, so each shape+colour, shape+background and colour+background pair has
    the same number of photos in each split. Conditions are balanced within each split."""
    rng = np.random.default_rng(seed)
    test, rest = [], []
    for s in world.SHAPES:
        for c in world.COLOURS:
            for b in world.BACKGROUNDS:
                test += [(s, c, b)] * TEST_PER_TRIPLE
                rest += [(s, c, b)] * (PER_TRIPLE - TEST_PER_TRIPLE)
    for triple in world.HELD_OUT:
        test += [triple] * HELD_OUT_EXTRA
    n_val = int(round(len(rest) * VAL_FRACTION))
    rest_splits = ["val"] * n_val + ["train"] * (len(rest) - n_val)
    rest_splits = [rest_splits[i] for i in rng.permutation(len(rest))]
    plan = [(t, cond, "test") for t, cond in zip(test, _conditions(rng, len(test)))]
    plan += [(t, cond, sp) for t, cond, sp in zip(rest, _conditions(rng, len(rest)), rest_splits)]
    order = rng.permutation(len(plan))
    return [plan[i] for i in order], rng


def build_photos(root: str, seed: int = TEST_SEED) -> list[dict]:
    plan, rng = plan_test_set(seed)
    counters: dict[str, int] = {}
    images = []
    for k, ((s, c, b), (kind, strength), split) in enumerate(plan):
        scene = world.sample_scene(rng, allow_held_out=True, shape=s, colour=c, background=b,
                                   degradation=kind or "", strength=strength)
        pil = world.render(scene, rng)
        folder = FOLDERS[b]
        counters[folder] = counters.get(folder, 0) + 1
        ext = "png" if k % 10 == 3 else "jpg"
        rel = f"{folder}/{counters[folder]:04d}.{ext}"
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if ext == "png":
            pil.save(path, format="PNG", optimize=True)
        else:
            pil.save(path, format="JPEG", quality=JPEG_QUALITY)
        images.append({
            "path": rel,
            "shape": s,
            "colour": c,
            "background": b,
            "degradation": scene.degradation,
            "strength": scene.strength,
            "quality": round(scene.quality, 4),
            "caption": world.caption(scene, rng),
            "heldOut": scene.held_out,
            "split": split,
        })
    return images


QUERY_KINDS = ["shape+colour", "shape+background", "colour+background"]


def queries() -> list[dict]:
    """Two-attribute queries of three kinds (36 each, split test/val/train per kind), then the
    held-out triples as their own kind (test split, reported apart from precision)."""
    rng = np.random.default_rng(QUERY_SEED)
    kinds = {
        "shape+colour": [(f"a {c} {s}", {"shape": s, "colour": c})
                         for s in world.SHAPES for c in world.COLOURS],
        "shape+background": [(f"a {s} {world.background_phrase(b)}", {"shape": s, "background": b})
                             for s in world.SHAPES for b in world.BACKGROUNDS],
        "colour+background": [(f"something {c} {world.background_phrase(b)}", {"colour": c, "background": b})
                              for c in world.COLOURS for b in world.BACKGROUNDS],
    }
    n_test, n_val, _ = QUERY_SPLIT
    qs = []
    for kind in QUERY_KINDS:
        entries = kinds[kind]
        order = rng.permutation(len(entries))
        split = {int(i): ("test" if r < n_test else "val" if r < n_test + n_val else "train")
                 for r, i in enumerate(order)}
        qs += [{"text": world._articles(t), "relevant": rel, "kind": kind, "split": split[i]}
               for i, (t, rel) in enumerate(entries)]
    for s, c, b in world.HELD_OUT:
        qs.append({"text": world._articles(f"a {c} {s} {world.background_phrase(b)}"),
                   "relevant": {"shape": s, "colour": c, "background": b}, "heldOut": True,
                   "kind": "held-out-triple", "split": "test"})
    return qs


def build_tiny_world(root: str) -> dict:
    images = build_photos(root)
    gt = {
        "description": "Tiny-world test library: labels, degradation and ground-truth quality "
                       "(quality = 1 - 0.8 * strength) of every photo, and the query set. Relevance "
                       "of a photo to a query = all label fields in `relevant` match. Paths are "
                       "relative to this file's folder. Generated by models/generator. "
                       "Images and queries carry `split` (train | val | test): only train and val may "
                       "feed preference pairs, head fits and the choice of settings; test is read once. "
                       "Test images never appear in a training pair; every two-attribute pair has 12 "
                       "test photos, so retrieval over test images alone can reach precision@10 = 1. "
                       "Queries carry `kind`: shape+colour, shape+background, colour+background "
                       "(precision@10 is averaged over these), or held-out-triple (the six "
                       "shape+colour+background combinations CLIP never saw, `heldOut` true; reported "
                       "apart).",
        "qualityFormula": "1 - 0.8 * strength",
        "splits": {"images": "train | val | test", "queries": "train | val | test"},
        "queryKinds": QUERY_KINDS + ["held-out-triple"],
        "heldOutCombinations": [dict(shape=s, colour=c, background=b) for s, c, b in world.HELD_OUT],
        "images": images,
        "queries": queries(),
    }
    with open(os.path.join(root, "ground-truth.json"), "w") as f:
        json.dump(gt, f, indent=1)
    with open(os.path.join(root, "README.md"), "w") as f:
        f.write(FIXTURE_README.format(n=len(images), n_test=sum(im["split"] == "test" for im in images),
                                      n_q=len(gt["queries"]),
                                      n_test_q=sum(q["split"] == "test" for q in gt["queries"])))
    # Last: EXIF is spliced into the files just written, and its facts added to the ground truth.
    return add_exif(root)


FIXTURE_README = """# tiny-world photo library (generated; do not edit)

Written by `models/generator/` (`make_fixtures.py`); the model and its measured numbers are in
`models/tiny-world/README.md`. `photos/` holds {n} photos of the tiny world ({n_test} in the test split),
`ground-truth.json` their labels and {n_q} queries ({n_test_q} in the test split).

`images[]`: `path` (relative to this folder), `shape`, `colour`, `background`, `degradation` (null when clean),
`strength`, `quality` (= 1 - 0.8 * strength), `caption`, `heldOut` (a shape+colour+background triple the model
never saw), `split` (train | val | test).

`queries[]`: `text`, `relevant` (a photo is relevant when every field matches), `kind` (shape+colour,
shape+background, colour+background, or held-out-triple, reported apart from precision), `split`
(train | val | test), `heldOut` (held-out triples only).

Splits: only train and val may feed preference pairs (D_po), the aesthetic head's fit or the choice of
settings; test is read once. Test photos never appear in a training pair. Every two-attribute pair has 12
test photos and every held-out triple 10, so retrieval over the test photos alone can reach precision@10 = 1.
"""


# ------------------------------------------------------------------ bad files


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def _png_bytes(pil: Image.Image) -> bytes:
    buf = io.BytesIO()
    pil.save(buf, format="PNG")
    return buf.getvalue()


def _jpeg_bytes(pil: Image.Image, quality=90) -> bytes:
    buf = io.BytesIO()
    pil.save(buf, format="JPEG", quality=quality)
    return buf.getvalue()


def build_bad_files(root: str) -> dict:
    os.makedirs(root, exist_ok=True)
    rng = np.random.default_rng(4242)
    scenes = [world.sample_scene(rng, allow_held_out=True, degradation="") for _ in range(6)]
    # No outline: these pictures predate it, and the committed bad files stay byte-identical.
    pics = [world.render(s, rng, outline=False) for s in scenes]
    files = []

    def put(name, payload: bytes, expect, reason=None, note=None):
        with open(os.path.join(root, name), "wb") as f:
            f.write(payload)
        entry = {"name": name, "expect": expect}
        if reason:
            entry["reason"] = reason
        if note:
            entry["note"] = note
        files.append(entry)

    put("good-1.jpg", _jpeg_bytes(pics[0]), "indexed")
    put("good-2.jpg", _jpeg_bytes(pics[1]), "indexed")
    put("good-3.png", _png_bytes(pics[2]), "indexed")
    put("GOOD-4.JPG", _jpeg_bytes(pics[3]), "indexed", note="upper-case extension")
    put("<img src=x onerror=alert(1)>.png", _png_bytes(pics[4].resize((32, 32))), "indexed",
        note="valid PNG whose file name is HTML; the name must render as text")

    put("notes.jpg", b"Shopping list:\n- milk\n- eggs\nThis is a text file, not a JPEG.\n",
        "skipped", "not-an-image")
    put("empty.png", b"", "skipped", "empty")
    full = _jpeg_bytes(pics[5])
    put("truncated.jpg", full[: int(len(full) * 0.4)], "skipped", "truncated",
        note="first 40% of a valid JPEG; browsers decode it partially without an error, so look "
             "for the missing end-of-image marker (FF D9)")

    png = bytearray(_png_bytes(pics[5]))
    idat = png.find(b"IDAT")
    length = struct.unpack(">I", png[idat - 4:idat])[0]
    mid = idat + 4 + length // 2
    png[mid:mid + 64] = bytes(rng.integers(0, 256, 64, dtype=np.uint8))
    put("corrupt.png", bytes(png), "skipped", "corrupt",
        note="64 random bytes written over the middle of IDAT (CRC no longer matches)")

    heic = struct.pack(">I", 24) + b"ftypheic" + struct.pack(">I", 0) + b"mif1heic"
    heic += struct.pack(">I", 40) + b"meta" + bytes(rng.integers(0, 256, 400, dtype=np.uint8))
    put("photo.heic", heic, "skipped", "corrupt",
        note="ISO-BMFF header with the heic brand, then junk; libheif rejects its meta box")

    width = height = 60000
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = (b"\x00" + b"\x00" * (width * 3)) * 64
    bomb = b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + \
        _png_chunk(b"IDAT", zlib.compress(rows, 9)) + _png_chunk(b"IEND", b"")
    assert len(bomb) < 100_000
    put("bomb.png", bomb, "skipped", "too-large",
        note="IHDR declares 60000x60000 RGB (10.8 GB decoded); the file holds 64 rows")

    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">'
           '<script>alert("svg")</script><rect width="64" height="64" fill="red"/></svg>\n')
    put("evil.svg", svg.encode(), "skipped", "svg-not-indexed", note="SVG with a script element")

    put(".DS_Store", b"\x00\x00\x00\x01Bud1" + bytes(rng.integers(0, 256, 120, dtype=np.uint8)),
        "ignored", note="macOS folder metadata")
    put("._photo.jpg", b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + bytes(64),
        "ignored", note="AppleDouble resource fork")
    put("Thumbs.db", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(rng.integers(0, 256, 200, dtype=np.uint8)),
        "ignored", note="Windows thumbnail cache")

    # Formats and shapes real folders hold. Built from the same pictures, after everything above,
    # so that the files above stay byte-identical.
    small = pics[1].resize((96, 64))
    jpeg = _jpeg_bytes(small)
    # EXIF APP1 with one IFD entry, Orientation (0x0112) = 6: shown rotated 90 degrees clockwise.
    tiff = b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 1) + \
        struct.pack("<HHII", 0x0112, 3, 1, 6) + struct.pack("<I", 0)
    app1 = b"Exif\x00\x00" + tiff
    put("rotated-exif6.jpg", jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + jpeg[2:],
        "indexed", note="96x64 JPEG with EXIF orientation 6: stored as 64x96")
    rgb = np.asarray(small.convert("RGB"), dtype=np.uint16) * 257
    rows16 = b"".join(b"\x00" + row.astype(">u2").tobytes() for row in rgb)
    put("deep-16bit.png", b"\x89PNG\r\n\x1a\n" +
        _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 96, 64, 16, 2, 0, 0, 0)) +
        _png_chunk(b"IDAT", zlib.compress(rows16, 9)) + _png_chunk(b"IEND", b""),
        "indexed", note="16 bits per channel")
    put("palette.png", _png_bytes(small.convert("P", palette=Image.ADAPTIVE, colors=16)), "indexed",
        note="16-colour palette")
    bmp = io.BytesIO()
    small.convert("RGB").save(bmp, format="BMP")
    put("scan.bmp", bmp.getvalue(), "indexed")
    gif = io.BytesIO()
    small.convert("P", palette=Image.ADAPTIVE, colors=32).save(gif, format="GIF")
    put("sticker.gif", gif.getvalue(), "indexed")
    put("really-a-png.jpg", _png_bytes(pics[2].resize((48, 48))), "indexed",
        note="PNG bytes under a .jpg name: the bytes decide")
    put("clip.mov", struct.pack(">I", 20) + b"ftypqt  " + bytes(rng.integers(0, 256, 2000, dtype=np.uint8)),
        "skipped", "not-an-image", note="QuickTime video header, then junk")
    put("IMG_0001.CR2", b"II*\x00\x10\x00\x00\x00CR\x02\x00" + bytes(rng.integers(0, 256, 4000, dtype=np.uint8)),
        "skipped", "unsupported-format", note="camera raw (a TIFF container)")

    # A phone's motion photo (Samsung, Google Pixel): a progressive JPEG with an EXIF thumbnail,
    # then the video. The photo's end marker is 8 KB before the file's end, and the thumbnail
    # carries one of its own. Cut short, the same photo must still count as cut off.
    thumb = _jpeg_bytes(pics[0].resize((24, 24)), quality=70)
    ifd1 = struct.pack("<H", 2) + struct.pack("<HHII", 0x0201, 4, 1, 44) + \
        struct.pack("<HHII", 0x0202, 4, 1, len(thumb)) + struct.pack("<I", 0)
    tiff = b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 0) + struct.pack("<I", 14) + ifd1
    assert len(tiff) == 44
    app1 = b"Exif\x00\x00" + tiff + thumb
    buf = io.BytesIO()
    pics[0].save(buf, format="JPEG", quality=90, progressive=True)
    photo = buf.getvalue()
    photo = photo[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + photo[2:]
    video = struct.pack(">I", 24) + b"ftypmp42" + bytes(4) + b"mp42isom" + \
        struct.pack(">I", 8 + 8192) + b"mdat" + bytes(range(256)) * 32
    put("motion-photo.jpg", photo + video, "indexed",
        note="progressive JPEG with an EXIF thumbnail, followed by an 8 KB MP4 as phones write "
             "motion photos: the end-of-image marker is not near the file's end")
    put("cut-motion-photo.jpg", photo[: int(len(photo) * 0.7)], "skipped", "truncated",
        note="the same JPEG cut at 70%: only the thumbnail's end-of-image marker remains")

    # This list lies in the folder too; the scanner rightly reports it as not an image.
    files.append({"name": "expected.json", "expect": "skipped", "reason": "not-an-image",
                  "note": "this list itself"})
    expected = {
        "description": "Hostile and system files for the folder scanner. expect: indexed | skipped "
                       "(shown to the person with the reason) | ignored (silently, system files). "
                       "Reasons: not-an-image, empty, truncated, corrupt, unsupported-format, "
                       "too-large, svg-not-indexed.",
        "files": files,
    }
    with open(os.path.join(root, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
    return expected


if __name__ == "__main__":
    import sys

    base = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../e2e/fixtures")
    build_tiny_world(os.path.join(base, "tiny-world"))
    build_bad_files(os.path.join(base, "bad-files"))
