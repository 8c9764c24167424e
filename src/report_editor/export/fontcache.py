"""A disk cache of reportlab's parsed TrueType metrics: a cold export skips the cmap / hmtx /
loca parsing (about 50 ms per CJK font of 22 000 glyphs, the largest part of a cold export).

`load_ttfont(name, path, subfont)` returns a `TTFont` equal to `TTFont(name, path, ...)`.
The cache holds plain numbers only (a JSON header and packed integer/float arrays; no pickle)
and is keyed by the reportlab version, the font file's path, size and mtime. It is written
only after the encoded metrics have been decoded again and compared equal to the freshly
parsed font, so a reportlab whose font object has other attributes simply is not cached.
Any unreadable or stale cache file is ignored; caching never makes an export fail.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import sys
from array import array
from itertools import chain, repeat
from pathlib import Path
from typing import Any

FORMAT = 1
MAGIC = b"RE-TTF-METRICS\n"
# big per-glyph tables stored as arrays
_PAIR_DICTS = ("charToGlyph", "charWidths")
_LIST_OF_INTS = ("glyphPos",)
_SKIP = ("_ttf_data", "_pdfScale")  # re-read from the font file / rebuilt from unitsPerEm


class _Uncacheable(Exception):
    pass


def cache_dir() -> Path:
    """The user's cache folder (not the data folder: the cache is shared by every store)."""
    import platformdirs

    from ..paths import APP_NAME

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "fonts"


def _key(path: Path, subfont: int) -> str:
    import reportlab

    st = path.stat()
    raw = f"{FORMAT}|{reportlab.Version}|{sys.version_info[:2]}|{path.resolve()}|{subfont}|"
    raw += f"{st.st_size}|{st.st_mtime_ns}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:40]


# ---------------------------------------------------------------- encoding


def _enc(v: Any) -> Any:
    """Small values as tagged JSON."""
    from reportlab.pdfbase.ttfonts import TTFNameBytes

    if v is None or isinstance(v, bool | str) or type(v) in (int, float):
        return v
    if isinstance(v, TTFNameBytes):
        return {"$name": v.ustr}
    if isinstance(v, bytes):
        return {"$bytes": v.decode("latin-1")}
    if isinstance(v, tuple):
        return {"$tuple": [_enc(x) for x in v]}
    if isinstance(v, list) and len(v) < 1000:
        return [_enc(x) for x in v]
    if isinstance(v, dict) and len(v) < 1000 and all(isinstance(k, str) for k in v):
        return {"$dict": {k: _enc(x) for k, x in v.items()}}
    raise _Uncacheable(type(v).__name__)


def _dec(v: Any) -> Any:
    from reportlab.pdfbase.ttfonts import TTFNameBytes

    if isinstance(v, list):
        return [_dec(x) for x in v]
    if isinstance(v, dict):
        if "$name" in v:
            return TTFNameBytes(v["$name"].encode("utf-8"))
        if "$bytes" in v:
            return v["$bytes"].encode("latin-1")
        if "$tuple" in v:
            return tuple(_dec(x) for x in v["$tuple"])
        if "$dict" in v:
            return {k: _dec(x) for k, x in v["$dict"].items()}
        raise ValueError("unknown tag")
    return v


def _array(values: list[Any]) -> tuple[str, array]:
    """Packed ints (int32, else int64) or floats; never a silent int/float change."""
    for code in ("i", "q"):
        try:
            return code, array(code, values)  # TypeError unless every value is an int
        except OverflowError:
            continue
        except TypeError:
            break
    if set(map(type, values)) == {float}:
        return "d", array("d", values)
    raise _Uncacheable("array of mixed or non-numeric values")


def encode(font: Any) -> bytes:
    """The metrics of a parsed TTFont as bytes; raises _Uncacheable."""
    from weakref import WeakKeyDictionary

    from reportlab.pdfbase.ttfonts import TTEncoding

    outer: dict[str, Any] = {}
    for k, v in vars(font).items():
        if k in ("face", "fontName"):
            continue
        if isinstance(v, TTEncoding):
            outer[k] = {"$new": "TTEncoding"}
        elif isinstance(v, WeakKeyDictionary):
            outer[k] = {"$new": "WeakKeyDictionary"}
        else:
            outer[k] = _enc(v)
    arrays: list[tuple[str, str, array]] = []
    small: dict[str, Any] = {}
    for k, v in vars(font.face).items():
        if k in _SKIP:
            continue
        if k in _PAIR_DICTS and isinstance(v, dict):
            arrays.append((k + ".keys", *_array(list(v.keys()))))
            arrays.append((k + ".values", *_array(list(v.values()))))
        elif k in _LIST_OF_INTS and isinstance(v, list):
            arrays.append((k, *_array(v)))
        elif k == "hmetrics" and isinstance(v, list):
            if v and (set(map(type, v)) != {tuple} or set(map(len, v)) != {2}):
                raise _Uncacheable("hmetrics")
            for part, vals in zip(
                ("aw", "lsb"), zip(*v, strict=True) if v else ((), ()), strict=True
            ):
                arrays.append((f"hmetrics.{part}", *_array(list(vals))))
        elif k == "glyphToChar" and isinstance(v, dict):
            if set(map(type, v.values())) - {list}:
                raise _Uncacheable("glyphToChar")
            glyphs = list(chain.from_iterable(map(repeat, v.keys(), map(len, v.values()))))
            chars = list(chain.from_iterable(v.values()))
            arrays.append(("glyphToChar.g", *_array(glyphs)))
            arrays.append(("glyphToChar.c", *_array(chars)))
        else:
            small[k] = _enc(v)
    index = []
    blobs = []
    for name, code, arr in arrays:
        index.append([name, code, len(arr)])
        blobs.append(arr.tobytes())
    header = json.dumps(
        {
            "format": FORMAT,
            "byteorder": sys.byteorder,
            "outer": outer,
            "face": small,
            "arrays": index,
        },
        ensure_ascii=True,
    ).encode("ascii")
    return MAGIC + struct.pack("<I", len(header)) + header + b"".join(blobs)


def decode(data: bytes, name: str, path: Path) -> Any:
    """A TTFont from `encode`'s bytes and the font file (read again for subsetting)."""
    from weakref import WeakKeyDictionary

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTEncoding, TTFont, TTFontFace

    if not data.startswith(MAGIC):
        raise ValueError("not a metrics cache")
    pos = len(MAGIC)
    (n,) = struct.unpack_from("<I", data, pos)
    pos += 4
    header = json.loads(data[pos : pos + n])
    pos += n
    if header.get("format") != FORMAT or header.get("byteorder") != sys.byteorder:
        raise ValueError("other format")
    arrays: dict[str, array] = {}
    for aname, code, count in header["arrays"]:
        arr = array(code)
        size = arr.itemsize * count
        arr.frombytes(data[pos : pos + size])
        if len(arr) != count:
            raise ValueError("truncated")
        arrays[aname] = arr
        pos += size
    if pos != len(data):
        raise ValueError("trailing data")

    face = TTFontFace.__new__(TTFontFace)
    pdfmetrics.TypeFace.__init__(face, None)
    state = {k: _dec(v) for k, v in header["face"].items()}
    for k in _PAIR_DICTS:
        if k + ".keys" in arrays:
            state[k] = dict(zip(arrays[k + ".keys"], arrays[k + ".values"].tolist(), strict=True))
    for k in _LIST_OF_INTS:
        if k in arrays:
            state[k] = arrays[k].tolist()
    if "hmetrics.aw" in arrays:
        aw, lsb = arrays["hmetrics.aw"].tolist(), arrays["hmetrics.lsb"].tolist()
        state["hmetrics"] = list(zip(aw, lsb, strict=True))
    if "glyphToChar.g" in arrays:
        g2c: dict[int, list[int]] = {}
        for g, c in zip(
            arrays["glyphToChar.g"].tolist(), arrays["glyphToChar.c"].tolist(), strict=True
        ):
            g2c.setdefault(g, []).append(c)
        state["glyphToChar"] = g2c
    face.__dict__.update(state)
    face._ttf_data = path.read_bytes()
    upm = face.unitsPerEm
    face._pdfScale = (lambda x: x) if upm == 1000 else (lambda x, m=1000 / upm: x * m)

    font = TTFont.__new__(TTFont)
    for k, v in header["outer"].items():
        if isinstance(v, dict) and "$new" in v:
            v = {"TTEncoding": TTEncoding, "WeakKeyDictionary": WeakKeyDictionary}[v["$new"]]()
        else:
            v = _dec(v)
        setattr(font, k, v)
    font.fontName = name
    font.face = face
    return font


def _same(a: Any, b: Any) -> bool:
    """Two TTFonts with equal metrics (names, encodings and state compared by type only)."""
    va, vb = dict(vars(a)), dict(vars(b))
    fa, fb = dict(vars(va.pop("face"))), dict(vars(vb.pop("face")))
    for d in (fa, fb):
        for k in _SKIP:
            d.pop(k, None)
    if fa != fb or va.keys() != vb.keys():
        return False
    for k in va:
        x, y = va[k], vb[k]
        if type(x) is not type(y) or (k not in ("encoding", "state", "fontName") and x != y):
            return False
    return a.face._pdfScale(1234) == b.face._pdfScale(1234)


# ---------------------------------------------------------------- public


def _is_bundled(path: Path) -> bool:
    from ..paths import resources_dir

    try:
        return path.resolve().is_relative_to(resources_dir().resolve())
    except OSError:
        return False


def load_ttfont(name: str, path: Path, subfont: int = 0, folder: Path | None = None) -> Any:
    """`TTFont(name, path, subfontIndex=subfont)`, from the metrics cache when possible."""
    from reportlab.pdfbase.ttfonts import TTFont

    try:
        folder = cache_dir() if folder is None else folder
        file = folder / (_key(path, subfont) + ".bin")
    except (OSError, ValueError, RuntimeError):
        return TTFont(name, str(path), subfontIndex=subfont)
    try:
        return decode(file.read_bytes(), name, path)
    except FileNotFoundError:
        pass
    except Exception:  # any damaged or foreign cache file: parse again
        pass
    font = TTFont(name, str(path), subfontIndex=subfont)
    try:
        data = encode(font)
        # the bundled fonts' round trip is proven by the tests; any other font (the user's
        # Windows fonts) is decoded again and compared before its cache is written
        if _is_bundled(path) or _same(decode(data, name, path), font):
            folder.mkdir(parents=True, exist_ok=True)
            # temp file + replace, without fsync: a cache lost in a crash is just rebuilt,
            # and a damaged one fails decode()'s length checks
            tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
            try:
                tmp.write_bytes(data)
                os.replace(tmp, file)
            finally:
                tmp.unlink(missing_ok=True)
    except Exception:  # a font we cannot cache, an unwritable folder: no cache
        pass
    return font
