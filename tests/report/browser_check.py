#!/usr/bin/env python3
"""Renders an ArrowQuant HTML report in headless Chromium and checks it (CTest `report.html_renders_in_chromium`).

1. `--dump-dom`: the rendered DOM holds the banner, the metric cards, the violations table and every chart
   (boundary scores, scale / zero point per time group, per-layer SQNR, error accumulation) with drawn content.
2. `--screenshot`: the PNG is not blank: many distinct colours, a real share of non-white pixels, and the
   banner's background colour present.
Standard library only (the PNG is decoded with zlib). Chromium runs headless without sandbox, GPU or
background network services (FLAGS), with a fresh profile directory per run.
"""
import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
BANNER_RGB = {"green": (0xC8, 0xEF, 0xCF), "yellow": (0xFF, 0xF1, 0xB8), "red": (0xFF, 0xD0, 0xCC),
              "synthetic": (0xE6, 0xE8, 0xEE)}


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def chromium(binary, args, url, workdir):
    profile = tempfile.mkdtemp(prefix="chromium-profile-", dir=workdir)
    try:
        cmd = [binary] + FLAGS + ["--user-data-dir=" + profile] + args + [url]
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=180)
        if r.returncode != 0:
            fail("chromium exited with %d: %s" % (r.returncode, r.stderr.decode(errors="replace")[-2000:]))
        return r.stdout.decode("utf-8", errors="replace")
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def decode_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("screenshot is not a PNG")
    pos, idat, width = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or interlace != 0:
                fail("unsupported PNG layout (depth %d, colour type %d, interlace %d)" % (depth, ctype, interlace))
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + ((a + b) >> 1)) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chromium", required=True)
    ap.add_argument("--html", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    if not (os.path.isfile(a.chromium) and os.access(a.chromium, os.X_OK)):
        fail("%s not found: install the Debian package chromium (scripts/setup does)" % a.chromium)
    os.makedirs(a.out, exist_ok=True)
    url = "file://" + os.path.abspath(a.html)

    dom = chromium(a.chromium, ["--dump-dom"], url, a.out)
    open(os.path.join(a.out, "dom.html"), "w").write(dom)
    m = re.search(r'id="banner" class="banner (green|yellow|red|synthetic)"', dom)
    if not m:
        fail("no smoothness banner in the DOM")
    band = m.group(1)
    for element_id in ["cards", "violations", "chart-boundary-scores", "chart-scale-0", "chart-zero-point-0",
                       "chart-layer-sqnr", "chart-error-accumulation", "chart-step-error", "variants"]:
        if 'id="%s"' % element_id not in dom:
            fail("element #%s missing from the DOM" % element_id)
    if len(re.findall(r'<div class="card">', dom)) < 6:
        fail("fewer than 6 metric cards")
    if "<tbody>" not in dom or not re.search(r'<tr class="(violation|none)">', dom):
        fail("the violations table has no rows")
    if len(re.findall(r'<path class="series"', dom)) < 8:
        fail("the line charts draw fewer than 8 series")
    if len(re.findall(r'<rect class="bar"', dom)) < 4:
        fail("the SQNR chart draws fewer than 4 bars")
    if "<script" in dom:
        fail("the page holds a script")
    if len(re.findall(r'<tr class="variant">', dom)) != 4:
        fail("the variants table does not have 4 rows")

    png = os.path.join(a.out, "screenshot.png")
    if os.path.exists(png):
        os.remove(png)
    chromium(a.chromium, ["--screenshot=" + png, "--window-size=1280,2000", "--hide-scrollbars"], url, a.out)
    if not os.path.exists(png):
        fail("chromium wrote no screenshot")
    width, height, bpp, rows = decode_png(png)
    colours, non_white = set(), 0
    for row in rows:
        for x in range(0, len(row), bpp):
            px = tuple(row[x:x + 3])
            colours.add(px)
            if px != (255, 255, 255):
                non_white += 1
    share = non_white / float(width * height)
    print("screenshot %dx%d: %d distinct colours, %.1f%% non-white, banner %s" %
          (width, height, len(colours), 100 * share, band))
    if len(colours) < 32:
        fail("screenshot looks blank: only %d distinct colours" % len(colours))
    if share < 0.05:
        fail("screenshot looks blank: %.2f%% non-white pixels" % (100 * share))
    if BANNER_RGB[band] not in colours:
        fail("the %s banner colour %s is not on the screenshot" % (band, BANNER_RGB[band]))
    print("OK: DOM and screenshot checks passed")


if __name__ == "__main__":
    main()
