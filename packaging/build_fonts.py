#!/usr/bin/env python3
"""Build the bundled PDF fonts in ``resources/fonts/`` from open source fonts.

The PDF export embeds fonts with reportlab's ``TTFont``, which only accepts
TrueType (``glyf``) outlines -- the CFF-flavoured (``OTTO``) Noto CJK fonts are
rejected.  This script therefore:

1. opens each source font (the ``SC`` face of a Noto CJK ``.ttc`` collection,
   or a plain ``.ttf``),
2. applies a few Chinese typesetting fixes to the character map (em dash
   U+2014 mapped to the full-width dash, narrow middle dot and curly quotes
   widened to a full em, as in GBK fonts such as SimSun/KaiTi),
3. subsets it to GBK + ASCII + Latin-1 + general/CJK punctuation + full-width
   forms (about 22,000 characters) and drops the OpenType layout, vertical
   and hinting tables that reportlab does not use,
4. converts CFF cubic outlines to TrueType quadratic outlines with
   ``fontTools.pens.cu2quPen`` (and rebuilds ``glyf``/``loca``/``maxp``/
   ``post``/``hmtx`` side bearings),
5. renames the family -- the result is a Modified Version under the SIL OFL
   1.1: Noto CJK is derived from Adobe's Source Han (Reserved Font Name
   "Source"), LXGW WenKai reserves "LXGW" and "霞鹜"; none of those words is
   used in the new names,
6. writes ``<out>/<file>.ttf``, the licence files and ``fonts.json``.

Source fonts (defaults are the Debian install locations)::

    apt-get install fonts-noto-cjk fonts-noto-cjk-extra fonts-lxgw-wenkai
    pip install fonttools            # (reportlab only to verify)

``fonts-noto-cjk`` gives NotoSerifCJK-Regular/Bold.ttc and
NotoSansCJK-Regular.ttc, ``fonts-lxgw-wenkai`` gives LXGWWenKai-Regular.ttf
(already TrueType).  ``fonts-noto-cjk-extra`` is only needed if you swap in
other weights (e.g. ``--fangsong-source .../NotoSerifCJK-Light.ttc``).
The licence texts are taken from ``/usr/share/doc/<package>/copyright``.

Usage::

    python packaging/build_fonts.py                 # all fonts, 2 processes
    python packaging/build_fonts.py --only song kai --jobs 1
    python packaging/build_fonts.py --song-source /path/NotoSerifCJK-Regular.ttc

Everything is written straight into ``--out`` (default
``resources/fonts`` next to this script's repository root); nothing
intermediate is stored.  Output is deterministic (fixed timestamps), so a
rebuild from the same sources gives identical files.  Converting one GBK
subset takes about 1-2 minutes per font.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

REPO = Path(__file__).resolve().parent.parent
NOTO_DIR = "/usr/share/fonts/opentype/noto"
WENKAI_DIR = "/usr/share/fonts/truetype/lxgw-wenkai"

# Index of the Simplified Chinese face inside the Noto CJK collections
# (order: JP, KR, SC, TC, HK).
NOTO_SC_INDEX = 2

LICENSES = {
    "OFL-NotoCJK.txt": {
        "debian_copyright": "/usr/share/doc/fonts-noto-cjk/copyright",
        "header": (
            "Copyright 2014-2022 Adobe (http://www.adobe.com/), with Reserved "
            "Font Name 'Source'.\n"
            "Noto is a trademark of Google Inc.\n\n"
            "Modified Version: the RESong / REXiaoBiaoSong / REHei fonts in this\n"
            "directory are subsets of Noto Serif CJK SC / Noto Sans CJK SC with the\n"
            "outlines converted to TrueType and the family renamed (see README.md).\n\n"
        ),
    },
    "OFL-LXGWWenKai.txt": {
        "debian_copyright": "/usr/share/doc/fonts-lxgw-wenkai/copyright",
        "header": (
            "Copyright 2021-2023 LXGW (https://github.com/lxgw/LxgwWenKai), with "
            'Reserved Font Names "霞鹜" and "LXGW".\n'
            "Copyright 2020 The Klee Project Authors "
            "(https://github.com/fontworks-fonts/Klee)\n\n"
            "Modified Version: REKai-Regular.ttf in this directory is a subset of\n"
            "LXGW WenKai Regular with a few punctuation advances widened and the\n"
            "family renamed (see README.md); it does not use the Reserved Font Names.\n\n"
        ),
    },
}

# key -> build description.  "roles" are the typographic roles of the report.
FONTS = {
    "song": {
        "file": "RESong-Regular.ttf",
        "family": "RE Song",
        "style": "Regular",
        "psname": "RESong-Regular",
        "source": f"{NOTO_DIR}/NotoSerifCJK-Regular.ttc",
        "index": NOTO_SC_INDEX,
        "source_family": "Noto Serif CJK SC Regular",
        "debian_package": "fonts-noto-cjk",
        "license": "OFL-NotoCJK.txt",
        "roles": ["songti", "fangsong"],
    },
    "xiaobiaosong": {
        "file": "REXiaoBiaoSong-Regular.ttf",
        "family": "RE XiaoBiaoSong",
        "style": "Regular",
        "psname": "REXiaoBiaoSong-Regular",
        "source": f"{NOTO_DIR}/NotoSerifCJK-Bold.ttc",
        "index": NOTO_SC_INDEX,
        "source_family": "Noto Serif CJK SC Bold",
        "debian_package": "fonts-noto-cjk",
        "license": "OFL-NotoCJK.txt",
        "roles": ["xiaobiaosong"],
    },
    "hei": {
        "file": "REHei-Regular.ttf",
        "family": "RE Hei",
        "style": "Regular",
        "psname": "REHei-Regular",
        "source": f"{NOTO_DIR}/NotoSansCJK-Regular.ttc",
        "index": NOTO_SC_INDEX,
        "source_family": "Noto Sans CJK SC Regular",
        "debian_package": "fonts-noto-cjk",
        "license": "OFL-NotoCJK.txt",
        "roles": ["heiti"],
    },
    "kai": {
        "file": "REKai-Regular.ttf",
        "family": "RE Kai",
        "style": "Regular",
        "psname": "REKai-Regular",
        "source": f"{WENKAI_DIR}/LXGWWenKai-Regular.ttf",
        "index": 0,
        "source_family": "LXGW WenKai Regular",
        "debian_package": "fonts-lxgw-wenkai",
        "license": "OFL-LXGWWenKai.txt",
        "roles": ["kaiti"],
    },
}

ROLE_DESCRIPTIONS = {
    "xiaobiaosong": "小标宋 - document title",
    "heiti": "黑体 - level-1 headings",
    "kaiti": "楷体 - level-2 headings",
    "fangsong": "仿宋 - body text",
    "songti": "宋体 - page numbers, table text",
}

# Table tags reportlab never reads; dropping them keeps the files small.
DROP_TABLES = [
    "GSUB",
    "GPOS",
    "GDEF",
    "BASE",
    "JSTF",
    "MATH",
    "VORG",
    "vhea",
    "vmtx",
    "DSIG",
    "gasp",
    "hdmx",
    "LTSH",
    "VDMX",
    "kern",
    "meta",
    "fpgm",
    "prep",
    "cvt ",
    "morx",
    "feat",
]

# A fixed timestamp (2024-01-01T00:00:00Z, seconds since 1904-01-01) so
# that rebuilding gives byte-identical files.
FIXED_TIMESTAMP = 3786825600


def charset(codec: str = "gbk") -> list[int]:
    """Code points to keep: every GBK (or GB2312) character plus extras."""
    cps = set(range(0x20, 0x7F))  # ASCII
    cps.update(range(0xA0, 0x100))  # Latin-1 supplement
    cps.update(range(0x2000, 0x2070))  # general punctuation (— … “ ” ‘ ’ ‰ ※)
    cps.update(range(0x2100, 0x2200))  # letterlike, number forms, arrows (℃ № Ⅻ →)
    cps.update(range(0x2460, 0x2500))  # enclosed alphanumerics (① ⑴ ⒈)
    cps.update(range(0x3000, 0x3040))  # CJK symbols and punctuation (、。〔〕【】《》)
    cps.update(range(0x3200, 0x3300))  # enclosed CJK (㈠)
    cps.update(range(0xFF00, 0xFFF0))  # full-width / half-width forms
    for cp in range(0x80, 0x10000):
        if 0xD800 <= cp < 0xE000:
            continue
        try:
            chr(cp).encode(codec)
        except UnicodeEncodeError:
            continue
        cps.add(cp)
    return sorted(cps)


def gbk_codepoints() -> list[int]:
    out = []
    for cp in range(0x80, 0x10000):
        if 0xD800 <= cp < 0xE000:
            continue
        try:
            chr(cp).encode("gbk")
        except UnicodeEncodeError:
            continue
        out.append(cp)
    return out


# --------------------------------------------------------------------------
# cmap fixes done before subsetting


def _unicode_subtables(font):
    return [t for t in font["cmap"].tables if t.isUnicode()]


def fix_cmap_before_subset(font) -> list[str]:
    """Map U+2014 EM DASH to the full-width dash glyph if it is narrower.

    In GBK the 破折号/一字线 (A1AA) decodes to U+2014, and Chinese fonts draw
    it a full em wide so that "——" joins and "— 1 —" page numbers look
    right.  Noto CJK SC maps U+2014 to a proportional (890-unit) dash and the
    full-width one to U+2015.
    """
    notes = []
    cmap = font.getBestCmap()
    hmtx = font["hmtx"]
    g2014, g2015 = cmap.get(0x2014), cmap.get(0x2015)
    if g2014 and g2015 and hmtx[g2014][0] < hmtx[g2015][0] == font["head"].unitsPerEm:
        for t in _unicode_subtables(font):
            if 0x2014 in t.cmap:
                t.cmap[0x2014] = g2015
        notes.append("U+2014 mapped to the full-width dash glyph of U+2015")
    return notes


# --------------------------------------------------------------------------
# CFF -> TrueType


def cff_to_truetype(font, max_err: float) -> None:
    """Replace the CFF table by quadratic glyf/loca (fontTools otf2ttf recipe)."""
    assert "CFF " in font, "not a CFF font"
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(None)
        # CFF contours run counter-clockwise; TrueType wants clockwise.
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyphs[name] = pen.glyph()

    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf.compile(font)

    # TrueType expects lsb == xMin.
    hmtx = font["hmtx"]
    for name, g in glyphs.items():
        adv = hmtx[name][0]
        hmtx[name] = (adv, getattr(g, "xMin", 0) if g.numberOfContours else 0)

    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.numGlyphs = len(glyph_order)
    maxp.maxZones = 1
    maxp.maxTwilightPoints = 0
    maxp.maxStorage = 0
    maxp.maxFunctionDefs = 0
    maxp.maxInstructionDefs = 0
    maxp.maxStackElements = 0
    maxp.maxSizeOfInstructions = 0
    maxp.maxComponentElements = 0
    maxp.recalc(font)

    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


# --------------------------------------------------------------------------
# fixes done on the TrueType result


def _shift_glyph(font, gname: str, dx: int) -> None:
    glyf = font["glyf"]
    g = glyf[gname]
    if dx:
        if g.isComposite():
            for c in g.components:
                c.x += dx
        elif g.numberOfContours > 0:
            g.coordinates.translate((dx, 0))
        g.recalcBounds(glyf)
    return g


def widen_punctuation(font) -> list[str]:
    """Give curly quotes and the middle dot a full-em advance.

    GBK fonts (SimSun, KaiTi, FangSong) draw “ ” ‘ ’ · full width; proportional
    ones look cramped between ideographs.  Opening quotes are moved to the
    right end of the em box, closing quotes stay on the left, the dot is
    centred.
    """
    em = font["head"].unitsPerEm
    cmap = font.getBestCmap()
    hmtx = font["hmtx"]
    rules = {0x201C: "open", 0x2018: "open", 0x201D: "close", 0x2019: "close", 0x00B7: "center"}
    done = set()
    notes = []
    for cp, how in rules.items():
        gname = cmap.get(cp)
        if not gname or gname in done:
            continue
        adv = hmtx[gname][0]
        if adv >= em:
            continue
        dx = {"open": em - adv, "close": 0, "center": (em - adv) // 2}[how]
        g = _shift_glyph(font, gname, dx)
        hmtx[gname] = (em, getattr(g, "xMin", 0) if g.numberOfContours else 0)
        done.add(gname)
        notes.append(f"U+{cp:04X} widened {adv}->{em} ({how})")
    return notes


def rename(font, spec: dict, source_version: str) -> None:
    name = font["name"]
    family, style, ps = spec["family"], spec["style"], spec["psname"]
    full = family if style == "Regular" else f"{family} {style}"
    # Drop every naming record that carries the original (reserved) names,
    # in every language, plus the trademark line that no longer applies.
    drop = {1, 2, 3, 4, 6, 7, 16, 17, 18, 20, 21, 22, 25}
    name.names = [n for n in name.names if n.nameID not in drop]
    version = f"Version {source_version}; RE build (subset, TrueType outlines)"
    desc = (
        f"Modified version of {spec['source_family']} {source_version}: "
        "GBK subset, TrueType outlines, renamed. SIL Open Font License 1.1."
    )
    name.names = [n for n in name.names if n.nameID not in (5, 10)]
    for nid, value in (
        (1, family),
        (2, style),
        (3, f"{ps};{source_version};RE"),
        (4, full),
        (5, version),
        (6, ps),
        (10, desc),
    ):
        name.setName(value, nid, 3, 1, 0x409)
        name.setName(value, nid, 1, 0, 0)
    os2 = font["OS/2"]
    os2.achVendID = "NONE"
    # Regular/Bold style bits are not important to reportlab; keep consistent.
    if style == "Regular":
        os2.fsSelection = (os2.fsSelection & ~0b1100001) | 0b1000000
        font["head"].macStyle = 0


def source_version(font) -> str:
    v = font["name"].getDebugName(5) or ""
    m = re.search(r"(\d+\.\d+)", v)
    return m.group(1) if m else "?"


def build_one(key: str, spec: dict, out_dir: str, max_err: float, codec: str = "gbk") -> dict:
    t0 = time.time()
    src = spec["source"]
    font = (
        TTFont(src, fontNumber=spec["index"], lazy=False)
        if src.lower().endswith((".ttc", ".otc"))
        else TTFont(src, lazy=False)
    )
    version = source_version(font)
    notes = fix_cmap_before_subset(font)

    opts = subset.Options()
    opts.layout_features = []
    opts.drop_tables = list(opts.drop_tables) + DROP_TABLES
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.name_legacy = True
    opts.notdef_outline = True
    opts.glyph_names = False
    opts.hinting = False
    opts.desubroutinize = True
    opts.legacy_kern = False
    opts.recalc_bounds = True
    opts.prune_unicode_ranges = True
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=charset(codec))
    sub.subset(font)
    for tag in DROP_TABLES:
        if tag in font:
            del font[tag]

    converted = False
    if "CFF " in font:
        cff_to_truetype(font, max_err)
        converted = True
    notes += widen_punctuation(font)

    post = font["post"]
    post.formatType = 3.0  # no glyph names: smaller, reportlab needs none
    post.extraNames = []
    post.mapping = {}

    rename(font, spec, version)
    head = font["head"]
    head.created = head.modified = FIXED_TIMESTAMP
    font.recalcTimestamp = False

    out = Path(out_dir) / spec["file"]
    font.save(out)

    cmap = TTFont(out, lazy=True).getBestCmap()
    missing_gbk = [cp for cp in gbk_codepoints() if cp not in cmap]
    return {
        "key": key,
        "file": spec["file"],
        "bytes": out.stat().st_size,
        "glyphs": len(font.getGlyphOrder()),
        "chars": len(cmap),
        "converted_cff": converted,
        "source_version": version,
        "charset": codec,
        "missing_gbk": "".join(map(chr, missing_gbk))
        if len(missing_gbk) < 100
        else f"{len(missing_gbk)} characters",
        "notes": notes,
        "seconds": round(time.time() - t0, 1),
    }


def write_license(fname: str, out_dir: Path) -> None:
    info = LICENSES[fname]
    text = Path(info["debian_copyright"]).read_text(encoding="utf-8")
    # Debian copyright: "License: SIL-1.1"/"OFL-1.1" stanza, body indented by
    # one space, blank lines written as " .".
    m = re.search(r"^License: (?:SIL|OFL)-1\.1\n((?: .*\n?)+)", text, re.M)
    if not m:
        raise SystemExit(f"OFL text not found in {info['debian_copyright']}")
    body = []
    for line in m.group(1).splitlines():
        line = line[1:] if line.startswith(" ") else line
        body.append("" if line == "." else line)
    (out_dir / fname).write_text(info["header"] + "\n".join(body).rstrip() + "\n", encoding="utf-8")


def write_manifest(out_dir: Path, results: dict) -> None:
    manifest_path = out_dir / "fonts.json"
    old = {}
    if manifest_path.exists():
        old = json.loads(manifest_path.read_text(encoding="utf-8"))
    files = old.get("files", {})
    for key, spec in FONTS.items():
        if key in results:
            r = results[key]
            files[key] = {
                "file": spec["file"],
                "family": spec["family"],
                "psname": spec["psname"],
                "subfontIndex": 0,
                "license": spec["license"],
                "source": f"{spec['source_family']} {r['source_version']} "
                f"(Debian {spec['debian_package']}: "
                f"{os.path.basename(spec['source'])}"
                + (f", face {spec['index']}" if spec["index"] else "")
                + ")",
                "bytes": r["bytes"],
                "charset": r["charset"],
                "missing_gbk": r["missing_gbk"],
            }
    roles = {}
    for key, spec in FONTS.items():
        if key in files:
            for role in spec["roles"]:
                roles[role] = {
                    "font": key,
                    "file": spec["file"],
                    "subfontIndex": 0,
                    "family": spec["family"],
                    "description": ROLE_DESCRIPTIONS[role],
                }
    order = ["xiaobiaosong", "heiti", "kaiti", "fangsong", "songti"]
    manifest = {
        "version": 1,
        "comment": "Generated by packaging/build_fonts.py; role -> bundled TrueType font",
        "roles": {r: roles[r] for r in order if r in roles},
        "files": files,
    }
    manifest_path.write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=str(REPO / "resources" / "fonts"))
    ap.add_argument("--only", nargs="+", choices=sorted(FONTS), default=sorted(FONTS))
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument(
        "--max-err",
        type=float,
        default=2.0,
        help="cu2qu approximation tolerance in font units (UPM 1000); "
        "2.0 is invisible in print and ~5%% smaller than 1.0",
    )
    ap.add_argument(
        "--gb2312",
        nargs="*",
        choices=sorted(FONTS),
        default=[],
        help="subset these fonts to GB2312 (6,763 hanzi) instead of GBK "
        "(21,003 hanzi) to save space, e.g. --gb2312 xiaobiaosong kai",
    )
    for key in FONTS:
        ap.add_argument(
            f"--{key}-source", help=f"source font for {key} (default {FONTS[key]['source']})"
        )
        ap.add_argument(
            f"--{key}-index", type=int, help=f"face index in a .ttc (default {FONTS[key]['index']})"
        )
    args = ap.parse_args(argv)

    for key in FONTS:
        if getattr(args, f"{key}_source"):
            FONTS[key]["source"] = getattr(args, f"{key}_source")
        if getattr(args, f"{key}_index") is not None:
            FONTS[key]["index"] = getattr(args, f"{key}_index")
    for key in args.only:
        if not Path(FONTS[key]["source"]).exists():
            raise SystemExit(
                f"missing source font {FONTS[key]['source']} "
                f"(apt-get install {FONTS[key]['debian_package']})"
            )

    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    results = {}
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        futs = {
            k: ex.submit(
                build_one,
                k,
                FONTS[k],
                str(out_dir),
                args.max_err,
                "gb2312" if k in args.gb2312 else "gbk",
            )
            for k in args.only
        }
        for k, f in futs.items():
            r = f.result()
            results[k] = r
            print(
                f"{r['file']}: {r['bytes'] / 1e6:.2f} MB, {r['glyphs']} glyphs, "
                f"{r['chars']} chars, {r['seconds']} s, "
                f"missing GBK: {r['missing_gbk'] or 'none'}",
                flush=True,
            )
            for n in r["notes"]:
                print(f"    {n}")
    for lic in sorted({FONTS[k]["license"] for k in args.only}):
        write_license(lic, out_dir)
    write_manifest(out_dir, results)
    total = sum(p.stat().st_size for p in out_dir.glob("*.ttf"))
    print(f"total *.ttf in {out_dir}: {total / 1e6:.2f} MB ({total / 2**20:.2f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
