"""Writes EXIF as cameras do and splices it into JPEG and PNG files without touching their other bytes.

Used by add_exif.py. A splice first takes out any EXIF block the file has (APP1 "Exif" in JPEG, `eXIf`
in PNG), so splicing twice gives the same bytes as splicing once, and splicing None gives the file
back as it was before any EXIF.
"""

from __future__ import annotations

import struct
import zlib

ASCII, LONG, RATIONAL, UNDEFINED, BYTE = 2, 4, 5, 7, 1
EXIF_HEADER = b"Exif\x00\x00"

Dms = list[tuple[int, int]]


def _ascii(s: str) -> tuple[int, int, bytes]:
    raw = s.encode("ascii") + b"\x00"
    return ASCII, len(raw), raw


def _rationals(end: str, pairs: Dms) -> tuple[int, int, bytes]:
    return RATIONAL, len(pairs), b"".join(struct.pack(end + "II", n, d) for n, d in pairs)


def _ifd(entries: dict[int, tuple[int, int, bytes]], at: int, end: str) -> bytes:
    """One IFD at offset `at` of the TIFF block, its out-of-line values right after it."""
    tags = sorted(entries)
    data_at = at + 2 + 12 * len(tags) + 4
    head, data = [struct.pack(end + "H", len(tags))], b""
    for tag in tags:
        kind, count, raw = entries[tag]
        if len(raw) <= 4:
            value = raw.ljust(4, b"\x00")
        else:
            value = struct.pack(end + "I", data_at + len(data))
            data += raw + b"\x00" * (len(raw) % 2)   # values start on word boundaries
        head.append(struct.pack(end + "HHI", tag, kind, count) + value)
    return b"".join(head) + struct.pack(end + "I", 0) + data


def dms(value: float) -> Dms:
    """|value| in degrees, minutes and hundredths of a second, as iPhones write them."""
    hundredths = round(abs(value) * 3600 * 100)
    deg, rest = divmod(hundredths, 3600 * 100)
    minutes, sec = divmod(rest, 60 * 100)
    return [(deg, 1), (minutes, 1), (sec, 100)]


def from_dms(value: Dms) -> float:
    return sum(n / d / f for (n, d), f in zip(value, (1, 60, 3600)))


def tiff_block(make: str, model: str, taken: str, offset: str | None, lens: str | None,
               lat_lon: tuple[float, float] | None, big_endian: bool) -> bytes:
    """IFD0 (Make, Model, DateTime), the EXIF IFD (DateTimeOriginal; OffsetTime and OffsetTimeOriginal
    with `offset`; LensModel with `lens`) and, with `lat_lon`, the GPS IFD. `taken` is ISO
    "YYYY-MM-DDTHH:MM:SS" local time. No Orientation: the pixels are stored upright."""
    end = ">" if big_endian else "<"
    stamp = taken.replace("-", ":").replace("T", " ")
    ifd0 = {0x010F: _ascii(make), 0x0110: _ascii(model), 0x0132: _ascii(stamp), 0x8769: (LONG, 1, bytes(4))}
    exif = {0x9000: (UNDEFINED, 4, b"0232"), 0x9003: _ascii(stamp)}
    if offset:
        exif[0x9010] = _ascii(offset)   # OffsetTime, of DateTime
        exif[0x9011] = _ascii(offset)   # OffsetTimeOriginal
    if lens:
        exif[0xA434] = _ascii(lens)
    gps = None
    if lat_lon is not None:
        lat, lon = lat_lon
        ifd0[0x8825] = (LONG, 1, bytes(4))
        gps = {0x0000: (BYTE, 4, bytes([2, 2, 0, 0])),
               0x0001: _ascii("N" if lat >= 0 else "S"),
               0x0002: _rationals(end, dms(lat)),
               0x0003: _ascii("E" if lon >= 0 else "W"),
               0x0004: _rationals(end, dms(lon))}
    # Sizes do not depend on the pointer values, so one layout places the sub-IFDs.
    exif_at = 8 + len(_ifd(ifd0, 8, end))
    gps_at = exif_at + len(_ifd(exif, exif_at, end))
    ifd0[0x8769] = (LONG, 1, struct.pack(end + "I", exif_at))
    if gps is not None:
        ifd0[0x8825] = (LONG, 1, struct.pack(end + "I", gps_at))
    header = (b"MM" if big_endian else b"II") + struct.pack(end + "HI", 42, 8)
    block = header + _ifd(ifd0, 8, end) + _ifd(exif, exif_at, end)
    return block + (_ifd(gps, gps_at, end) if gps is not None else b"")


def splice_jpeg(data: bytes, tiff: bytes | None) -> bytes:
    """Removes any EXIF APP1 before the scan, then inserts `tiff` after SOI (and a leading JFIF APP0)."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    kept, at = [], 2
    while True:
        assert data[at] == 0xFF, f"no marker at {at}"
        marker = data[at + 1]
        if marker == 0xDA:
            break
        length = struct.unpack(">H", data[at + 2:at + 4])[0]
        segment = data[at:at + 2 + length]
        if not (marker == 0xE1 and segment[4:10] == EXIF_HEADER):
            kept.append(segment)
        at += 2 + length
    if tiff is not None:
        payload = EXIF_HEADER + tiff
        app1 = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
        kept.insert(1 if kept and kept[0][1] == 0xE0 else 0, app1)
    return data[:2] + b"".join(kept) + data[at:]


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def splice_png(data: bytes, tiff: bytes | None) -> bytes:
    """Removes any eXIf chunk, then inserts `tiff` as one right after IHDR (before IDAT, as required)."""
    signature = b"\x89PNG\r\n\x1a\n"
    assert data[:8] == signature, "not a PNG"
    chunks, at = [], 8
    while at < len(data):
        length = struct.unpack(">I", data[at:at + 4])[0]
        chunk = data[at:at + 12 + length]
        if chunk[4:8] != b"eXIf":
            chunks.append(chunk)
        at += 12 + length
    assert chunks[0][4:8] == b"IHDR"
    if tiff is not None:
        chunks.insert(1, _png_chunk(b"eXIf", tiff))
    return signature + b"".join(chunks)
