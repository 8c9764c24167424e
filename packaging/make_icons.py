#!/usr/bin/env python3
"""Render the application icon from its SVG source into the files Windows and Linux need.

    QT_QPA_PLATFORM=offscreen python packaging/make_icons.py [--preview /tmp/icons.png]

Writes ``resources/icons/report-editor.ico`` (16, 24, 32, 48 px as 32-bit DIBs, 64, 128,
256 px as PNG -- the layout Windows Vista+ and resource compilers expect) and
``resources/icons/report-editor-256.png``. The ICO container is written by hand, so no
imaging library is needed; Qt (QtSvg, part of PySide6-Essentials) does the rendering.
The output is deterministic: re-running on the same SVG gives the same bytes.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

REPO = Path(__file__).resolve().parents[1]
ICONS = REPO / "resources" / "icons"
SVG = ICONS / "report-editor.svg"
SMALL_SVG = ICONS / "report-editor-small.svg"  # pixel-aligned variant for the smallest sizes
SMALL_MAX = 24
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
DIB_MAX = 48  # sizes up to this are stored as BMP (DIB) entries, larger ones as PNG


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buf, "PNG", 0):  # for PNG, Qt quality 0 = strongest compression
        raise RuntimeError("Qt could not encode PNG")
    buf.close()
    return bytes(data.data())


def dib_bytes(image: QImage) -> bytes:
    """A 32-bit BGRA DIB as stored in .ico: BITMAPINFOHEADER, bottom-up XOR pixels, AND mask."""
    w, h = image.width(), image.height()
    row_len = w * 4
    raw = bytes(image.constBits())[: image.bytesPerLine() * h]
    # Format_ARGB32 is 0xAARRGGBB per pixel: BGRA bytes on little-endian machines.
    if sys.byteorder != "little":
        raise RuntimeError("DIB writer assumes a little-endian machine")
    rows = [raw[y * image.bytesPerLine() : y * image.bytesPerLine() + row_len] for y in range(h)]
    xor = b"".join(reversed(rows))
    mask_row_len = ((w + 31) // 32) * 4
    mask_rows = []
    for y in range(h - 1, -1, -1):
        bits = bytearray(mask_row_len)
        for x in range(w):
            if image.pixelColor(x, y).alpha() == 0:
                bits[x // 8] |= 0x80 >> (x % 8)
        mask_rows.append(bytes(bits))
    header = struct.pack(
        "<IiiHHIIiiII", 40, w, h * 2, 1, 32, 0, len(xor) + mask_row_len * h, 0, 0, 0, 0
    )
    return header + xor + b"".join(mask_rows)


def ico_bytes(images: dict[int, bytes]) -> bytes:
    """ICONDIR + ICONDIRENTRY per size + the payloads (PNG or DIB)."""
    sizes = sorted(images)
    out = bytearray(struct.pack("<HHH", 0, 1, len(sizes)))
    offset = 6 + 16 * len(sizes)
    for s in sizes:
        payload = images[s]
        dim = 0 if s >= 256 else s
        out += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(payload), offset)
        offset += len(payload)
    for s in sizes:
        out += images[s]
    return bytes(out)


def _renderer(svg: Path) -> QSvgRenderer:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"SVG 无法读取：{svg}")
    return renderer


def build(
    svg: Path = SVG,
    out_dir: Path = ICONS,
    preview: Path | None = None,
    small_svg: Path | None = SMALL_SVG,
) -> list[Path]:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    big = _renderer(svg)
    small = _renderer(small_svg) if small_svg is not None and small_svg.exists() else big
    rendered = {s: render(small if s <= SMALL_MAX else big, s) for s in ICO_SIZES}
    payloads = {
        s: dib_bytes(img) if s <= DIB_MAX else png_bytes(img) for s, img in rendered.items()
    }
    ico = out_dir / "report-editor.ico"
    png = out_dir / "report-editor-256.png"
    ico.write_bytes(ico_bytes(payloads))
    png.write_bytes(png_bytes(rendered[256]))
    written = [ico, png]
    if preview is not None:
        written.append(_preview(rendered, preview))
    return written


def _preview(rendered: dict[int, QImage], path: Path) -> Path:
    """All sizes side by side, each also scaled up 4x without smoothing, to judge legibility."""
    pad = 8
    width = sum(s * 4 + pad for s in ICO_SIZES[:4]) + sum(s + pad for s in ICO_SIZES) + pad
    sheet = QImage(width, 256 + 2 * pad, QImage.Format.Format_ARGB32)
    sheet.fill(Qt.GlobalColor.lightGray)
    p = QPainter(sheet)
    x = pad
    for s in ICO_SIZES:
        p.drawImage(x, pad, rendered[s])
        x += s + pad
    for s in ICO_SIZES[:4]:
        p.drawImage(x, pad, rendered[s].scaled(s * 4, s * 4))
        x += s * 4 + pad
    p.end()
    sheet.save(str(path))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--svg", type=Path, default=SVG)
    parser.add_argument("--out", type=Path, default=ICONS)
    parser.add_argument("--preview", type=Path, help="also write a contact sheet PNG here")
    args = parser.parse_args(argv)
    for path in build(args.svg, args.out, args.preview):
        print(f"{path}  {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
