#!/usr/bin/env python3
"""Renders an ArrowQuant HTML report in headless Chromium and checks it (CTest `report.html_renders_in_chromium`).

1. `--dump-dom`: the rendered DOM holds the banner, the metric cards, the violations table and every chart
   (boundary scores, scale / zero point per time group, per-layer SQNR, error accumulation) with drawn content;
   the time axes name each group's timesteps and the clean and noise ends; every SQNR bar has a name label and a
   tooltip; the per-layer table has a row per quantized layer with its shape, bits, reason and metrics.
2. `--screenshot` at 1280 and 1920 px wide: the PNG is not blank (many distinct colours, a real share of
   non-white pixels, the banner's background colour present), and the white sections reach across the page
   (the layout uses the width of a wide screen).
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
    check_labels_and_layer_table(dom)

    for window in (1280, 1920):
        check_screenshot(a, url, window, band)
    print("OK: DOM and screenshot checks passed")


def check_labels_and_layer_table(dom):
    """Time axes, SQNR labels and the per-layer table (the sample has 6 quantized layers, 10 groups of 20)."""
    scale = re.search(r'<svg[^>]*id="chart-scale-0".*?</svg>', dom, re.S)
    if not scale:
        fail("no scale chart")
    for text in [">g0</tspan>", ">0–19</tspan>", ">180–199</tspan>", "← clean end (t = 0)", "noise end (t = 199) →"]:
        if text not in scale.group(0):
            fail("the scale chart's time axis lacks %r" % text)
    boundary = re.search(r'<svg[^>]*id="chart-boundary-scores".*?</svg>', dom, re.S).group(0)
    if ">t19|20</tspan>" not in boundary or "← clean end (t = 0)" not in boundary:
        fail("the boundary chart's axis does not name the timesteps of each boundary and the clean end")
    if re.search(r'class="tk">0\.0<', boundary):
        fail("the boundary-score axis starts at 0 instead of being scaled to the data")
    layers = re.findall(r'<tr class="layer(?: fallback)?"><td class="num">\d+</td><td class="name">([^<]+)</td>'
                        r'<td class="nw">\[[0-9 ×]+\]</td><td class="nw">[^<]*INT[248]</td><td class="why">[^<]+</td>'
                        r'<td class="num">[0-9.]+</td><td class="num">[0-9.]+</td><td class="num">[^<]+</td></tr>', dom)
    if len(layers) != 6:
        fail("the per-layer table has %d complete rows, not 6" % len(layers))
    rows = re.findall(r'<g class="bar-row"><title>([^<]+)</title><text[^>]*class="bl">([^<]+)</text>', dom)
    if len(rows) != len(layers):
        fail("%d labelled SQNR bars for %d layers" % (len(rows), len(layers)))
    for (tip, label), name in zip(rows, layers):
        if not tip.startswith(name + " — INT") or "SQNR" not in tip:
            fail("SQNR bar tooltip %r does not give the full name %r, bits and value" % (tip, name))
        if label.replace("…", "") not in name and not name.endswith(label.split("…")[-1]):
            fail("SQNR bar label %r does not come from %r" % (label, name))
    if 'id="fallbacks"' not in dom and 'id="fallbacks-none"' not in dom:
        fail("no list of the layers that fell back (or the note that none did)")
    if " MB" in dom:
        fail("the page gives a size in MB instead of MiB")


def check_screenshot(a, url, window, band):
    png = os.path.join(a.out, "screenshot-%d.png" % window)
    if os.path.exists(png):
        os.remove(png)
    chromium(a.chromium, ["--screenshot=" + png, "--window-size=%d,2000" % window, "--hide-scrollbars"], url, a.out)
    if not os.path.exists(png):
        fail("chromium wrote no screenshot")
    width, height, bpp, rows = decode_png(png)
    colours, non_white = set(), 0
    rightmost_white = 0  # right edge of the white sections (the page background is grey)
    for row in rows:
        for x in range(0, len(row), bpp):
            px = tuple(row[x:x + 3])
            colours.add(px)
            if px != (255, 255, 255):
                non_white += 1
        for x in range(len(row) - bpp, rightmost_white * bpp, -bpp):
            if tuple(row[x:x + 3]) == (255, 255, 255):
                rightmost_white = max(rightmost_white, x // bpp)
                break
    share = non_white / float(width * height)
    used = (rightmost_white + 1) / float(width)
    print("screenshot %dx%d: %d distinct colours, %.1f%% non-white, banner %s, sections reach %.1f%% of the width" %
          (width, height, len(colours), 100 * share, band, 100 * used))
    if len(colours) < 32:
        fail("screenshot looks blank: only %d distinct colours" % len(colours))
    if share < 0.05:
        fail("screenshot looks blank: %.2f%% non-white pixels" % (100 * share))
    if BANNER_RGB[band] not in colours:
        fail("the %s banner colour %s is not on the screenshot" % (band, BANNER_RGB[band]))
    if used < 0.95:
        fail("at %d px the sections end at %.1f%% of the width: the page leaves the right side unused" %
             (window, 100 * used))


if __name__ == "__main__":
    main()
