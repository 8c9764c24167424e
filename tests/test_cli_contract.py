"""The public command line of shared/spec/exchange_format.md §2, driven as the outside world does.

Every test runs the real program in a subprocess (`python -m report_editor …`) under a hostile
locale (LC_ALL=C, UTF-8 mode and locale coercion off, no PYTHONIOENCODING) and decodes its
output as strict UTF-8: exit statuses, Chinese messages, the `check --json` shape, the exchange
files written by `import` and `drafts export`, and the window starting with no command.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from report_editor.model import template as T
from tests.conftest import DATA, shared_file

TOP_KEYS = {
    "format",
    "version",
    "template",
    "year",
    "organ",
    "title",
    "preamble",
    "sections",
    "cells",
    "signature",
}
# Words argparse (or Python) prints when a message escaped translation.
ENGLISH = re.compile(
    r"usage:|positional arguments|options:|show this help|error:|argument|required|"
    r"invalid choice|unrecognized|expected one|Traceback|No such file|Is a directory",
)
CJK = re.compile(r"[\u4e00-\u9fff]")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHONIO"))}
    env.update(LANG="C", LC_ALL="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0")
    env.update(extra)
    return env


class Run:
    def __init__(self, proc: subprocess.CompletedProcess[bytes]):
        self.code = proc.returncode
        self.out = proc.stdout.decode("utf-8")  # strict: output must be valid UTF-8
        self.err = proc.stderr.decode("utf-8")

    def __repr__(self) -> str:
        return f"exit {self.code}\nstdout: {self.out}\nstderr: {self.err}"


def run(*args: str | Path, cwd: Path | None = None, **env: str) -> Run:
    proc = subprocess.run(
        [sys.executable, "-m", "report_editor", *map(str, args)],
        capture_output=True,
        cwd=cwd,
        env=_env(**env),
        timeout=120,
    )
    return Run(proc)


def chinese(text: str) -> bool:
    return bool(CJK.search(text)) and not ENGLISH.search(text)


def edited(tmp_path: Path, name: str, change) -> Path:
    data = json.loads((DATA / "weishi-2023.json").read_text("utf-8"))
    change(data)
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


def assert_exchange_file(path: Path) -> dict:
    data = json.loads(path.read_bytes().decode("utf-8"))
    assert set(data) == TOP_KEYS
    assert data["format"] == "gov-info-annual-report" and data["version"] == 1
    assert list(data["cells"]) == list(T.CELL_IDS) and len(data["cells"]) == 200
    for key, value in data["cells"].items():
        if key == T.FEE_CELL:
            assert value is None or re.fullmatch(r"\d+(\.\d{1,4})?", value), value
        else:
            assert value is None or (type(value) is int and value >= 0), (key, value)
    return data


# --- help and argument errors -----------------------------------------------------------------


@pytest.mark.parametrize("args", [["-h"], ["check", "-h"], ["export", "-h"], ["drafts", "-h"]])
def test_help_is_chinese(args):
    r = run(*args)
    assert r.code == 0, r
    assert r.out.startswith("用法：") and chinese(r.out), r.out


@pytest.mark.parametrize(
    "args",
    [
        ["bogus"],
        ["check"],
        ["check", "a.json", "--nope"],
        ["check", "a.json", "--previous"],
        ["export", "a.json"],
        ["import", "a.txt"],
        ["drafts"],
        ["drafts", "bogus"],
        ["drafts", "export", "abc"],
        ["--data-dir"],
    ],
)
def test_argument_errors_exit_2_in_chinese(args):
    r = run(*args)
    assert r.code == 2, r
    assert r.out == "" and chinese(r.err), r


# --- check ------------------------------------------------------------------------------------


def test_check_exit_status_and_json_shape(tmp_path):
    clean = DATA / "weishi-2023.json"
    assert run("check", clean).code == 0
    # --data-dir is accepted by every command, before or after its name
    assert run("--data-dir", tmp_path / "s", "check", clean).code == 0
    assert run("check", clean, "--data-dir", tmp_path / "s").code == 0
    broken = edited(tmp_path, "broken.json", lambda d: d["cells"].update({"t3.new.natural": 5}))
    r = run("check", broken)
    assert r.code == 1 and "R-01" in r.out and chinese(r.out), r

    r = run("check", "--json", clean, broken, DATA / "huaian-2024.json")
    assert r.code == 1, r
    result = json.loads(r.out)
    assert [e["file"] for e in result] == [str(clean), str(broken), str(DATA / "huaian-2024.json")]
    rules = set()
    for entry in result:
        assert isinstance(entry["problems"], list)
        for p in entry["problems"]:
            assert set(p) == {"rule", "severity", "cells", "message"}, p
            assert re.fullmatch(r"[A-Z]-\d{2}", p["rule"]), p
            assert p["severity"] in ("error", "warning", "info")
            assert all(c in T.CELL_BY_ID for c in p["cells"]), p
            assert CJK.search(p["message"])
            rules.add((entry["file"], p["rule"], p["severity"]))
    r01 = next(p for p in result[1]["problems"] if p["rule"] == "R-01")
    assert r01["severity"] == "error"
    assert set(r01["cells"]) >= {"t3.new.natural", "t3.total_done.natural"}
    assert not any(s == "error" for f, _, s in rules if f == str(clean))

    previous = run("check", "--json", DATA / "huaian-2024.json", "--previous", clean)
    assert previous.code == 0 and json.loads(previous.out)[0]["problems"], previous


BAD_FILES = {
    "missing.json": None,
    "folder.json": "DIR",
    "notjson.json": "{not json",
    "array.json": "[]",
    "format.json": ("format", "other"),
    "version.json": ("version", 2),
    "unknown.json": ("extra", 1),
    "cellkey.json": ("cells", {"t9.nope": 1}),
    "negative.json": ("cells", {"t3.new.natural": -1}),
    "fee5.json": ("cells", {"t2.fees_wan": "1.23456"}),
    "float.json": ("cells", {"t4.rev.total": 1.5}),
}
BAD_KEY_NAMED = {
    "format.json": "format",
    "version.json": "version",
    "unknown.json": "extra",
    "cellkey.json": "t9.nope",
    "negative.json": "t3.new.natural",
    "fee5.json": "t2.fees_wan",
    "float.json": "t4.rev.total",
}


def _write_bad_files(tmp_path: Path) -> list[Path]:
    seed = json.loads((DATA / "weishi-2023.json").read_text("utf-8"))
    paths = []
    for name, how in BAD_FILES.items():
        p = tmp_path / name
        if how == "DIR":
            p.mkdir()
        elif isinstance(how, str):
            p.write_text(how, "utf-8")
        elif isinstance(how, tuple):
            data = json.loads(json.dumps(seed))
            key, value = how
            if isinstance(value, dict):
                data[key].update(value)
            else:
                data[key] = value
            p.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        paths.append(p)
    return paths


def test_unreadable_inputs_exit_2_naming_file_and_key(tmp_path):
    bad = _write_bad_files(tmp_path)
    r = run("check", DATA / "weishi-2023.json", *bad)
    assert r.code == 2, r
    assert chinese(r.err), r.err
    lines = r.err.splitlines()
    for p in bad:
        line = next((ln for ln in lines if str(p) in ln), None)
        assert line is not None, (p, r.err)
        if p.name in BAD_KEY_NAMED:
            assert BAD_KEY_NAMED[p.name] in line, line
    assert "weishi-2023.json" in r.out  # the readable file was still checked

    r = run("check", DATA / "weishi-2023.json", "--previous", bad[0])
    assert r.code == 2 and str(bad[0]) in r.err and chinese(r.err), r
    for p in [bad[0], *bad[2:4], *bad[-3:]]:  # the other readers: export and drafts import
        for args in (["export", p, "-o", tmp_path / "x.pdf"], ["drafts", "import", p]):
            r = run(*args)
            assert r.code == 2 and str(p) in r.err and chinese(r.err), (args, r)
    assert not (tmp_path / "x.pdf").exists()
    assert run("drafts", "list").out == ""


def test_folder_given_as_input_to_export(tmp_path):
    folder = tmp_path / "folder.json"
    folder.mkdir()
    r = run("export", folder, "-o", tmp_path / "x.pdf")
    assert r.code == 2 and str(folder) in r.err and "文件夹" in r.err, r


def test_file_name_too_long_exits_2_in_chinese(tmp_path):
    long = tmp_path / ("长" * 120 + ".json")  # 360 bytes: over NAME_MAX, stat() raises
    source = tmp_path / "a.txt"
    source.write_text("一、总体情况\n本年度工作正常开展。\n", "utf-8")
    for args in (
        ["check", long],
        ["drafts", "import", long],
        ["import", source, "-o", long],
        ["drafts", "export", "12345678", "-o", long],
    ):
        r = run(*args)
        assert r.code == 2 and "文件名太长" in r.err and chinese(r.err), (args, r)


# --- export -----------------------------------------------------------------------------------


def test_export_refuses_errors_unless_allowed(tmp_path):
    ok = tmp_path / "ok.pdf"
    r = run("export", DATA / "weishi-2023.json", "-o", ok)
    assert r.code == 0 and ok.read_bytes().startswith(b"%PDF"), r
    broken = edited(tmp_path, "broken.json", lambda d: d["cells"].update({"t3.new.natural": 5}))
    refused = tmp_path / "refused.pdf"
    r = run("export", broken, "-o", refused)
    assert r.code == 1 and not refused.exists() and chinese(r.err), r
    marked = tmp_path / "marked.pdf"
    r = run("--data-dir", tmp_path / "s", "export", "--allow-errors", broken, "-o", marked)
    assert r.code == 0 and marked.read_bytes().startswith(b"%PDF"), r
    import pdfplumber

    with pdfplumber.open(marked) as pdf:
        first = pdf.pages[0].extract_text() or ""
    assert "未通过校验" in first
    r = run("export", DATA / "weishi-2023.json", "-o", tmp_path / "no" / "such" / "x.pdf")
    assert r.code == 2 and chinese(r.err), r


# --- import -----------------------------------------------------------------------------------

HTML = """<html><head><meta charset="utf-8"><title>某县民政局2023年政府信息公开工作年度报告</title>
</head><body><h1>某县民政局2023年政府信息公开工作年度报告</h1>
<p>一、总体情况</p><p>2023年，我局认真贯彻落实《条例》。</p>
<p>二、主动公开政府信息情况</p>
<table><tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>
<tr><td>规章</td><td>0</td><td>0</td><td>0</td></tr>
<tr><td>行政规范性文件</td><td>1</td><td>0</td><td>3</td></tr></table>
<p>六、其他需要报告的事项</p><p>无。</p></body></html>"""


def test_import_every_source_kind(tmp_path):
    html = tmp_path / "报告.html"
    html.write_text(HTML, "utf-8")
    sources = [
        shared_file("corpus", "partial-002.txt"),
        shared_file("reference", "official-template.docx"),
        shared_file("reference", "huaian-2024.pdf"),
        html,
    ]
    written = []
    for i, src in enumerate(sources):
        out = tmp_path / f"imported-{i}.json"
        r = run("import", src, "-o", out, "--data-dir", tmp_path / "s")
        assert r.code == 0, r
        assert str(out) in r.out and chinese(r.out), r
        assert "已填" in r.out  # what was and what was not determined is printed
        written.append(out)
        data = assert_exchange_file(out)
        if src.suffix == ".pdf":
            assert data["year"] == 2024 and data["cells"]["t3.new.total"] == 3119
        if src.suffix == ".html":
            assert data["year"] == 2023 and data["cells"]["t2.norm.in_force"] == 3
            assert "表三" in r.out  # the missing tables are reported
    r = run("check", *written)
    assert r.code in (0, 1), r  # every written file is readable again


def test_import_unsupported_sources_exit_2(tmp_path):
    png = tmp_path / "scan.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    doc = tmp_path / "old.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    rtf = tmp_path / "letter.rtf"
    rtf.write_text(r"{\rtf1\ansi\ansicpg936 {\fonttbl}\f0 \'d5\'fe\par}", "ascii")
    for src in (png, doc, rtf, tmp_path / "missing.txt", tmp_path):
        out = tmp_path / "out.json"
        r = run("import", src, "-o", out)
        assert r.code == 2 and chinese(r.err) and str(src) in r.err, r
        assert not out.exists()
    r = run("import", shared_file("corpus", "partial-002.txt"), "-o", tmp_path / "no" / "x.json")
    assert r.code == 2 and chinese(r.err), r


# --- drafts and the data folder ---------------------------------------------------------------


def _ids(listing: str) -> list[str]:
    return [line.split()[0] for line in listing.splitlines()]


def test_drafts_round_trip_with_data_dir_anywhere(tmp_path):
    store = tmp_path / "store"
    seed, huaian = DATA / "weishi-2023.json", DATA / "huaian-2024.json"

    r = run("drafts", "list", "--data-dir", store)
    assert r.code == 0 and r.out == "", r  # empty store: nothing on stdout
    assert run("drafts", "import", seed, "--data-dir", store).code == 0
    assert run("--data-dir", store, "drafts", "import", huaian).code == 0
    assert run("drafts", "--data-dir", store, "list").code == 0

    for listing in (
        run("drafts", "list", "--data-dir", store).out,
        run("--data-dir", store, "drafts", "list").out,
        run("drafts", "list", REPORT_EDITOR_HOME=str(store)).out,
    ):
        lines = listing.splitlines()
        assert len(lines) == 2, listing
        assert any("尉氏县科学技术和工业信息化局" in ln and "2023" in ln for ln in lines)
        assert any("淮安市人民政府" in ln and "2024" in ln for ln in lines)
        assert all(re.search(r"\d{4}-\d{2}-\d{2}", ln) for ln in lines)  # last-saved time
    ids = _ids(listing)

    for rid in ids:
        out = tmp_path / f"{rid}.json"
        r = run("drafts", "export", rid, "-o", out, "--data-dir", store)
        assert r.code == 0, r
        data = assert_exchange_file(out)
        source = seed if data["year"] == 2023 else huaian
        assert data == json.loads(source.read_text("utf-8"))

    # same organ + year: the draft is updated, not added
    changed = edited(tmp_path, "changed.json", lambda d: d["sections"].update(other="已改。"))
    r = run("drafts", "import", changed, REPORT_EDITOR_HOME=str(store))
    assert r.code == 0, r
    assert sorted(_ids(run("drafts", "list", "--data-dir", store).out)) == sorted(ids)
    seed_id = next(i for i in ids if i in r.out)
    back = tmp_path / "back.json"
    assert run("--data-dir", store, "drafts", "export", seed_id, "-o", back).code == 0
    assert json.loads(back.read_text("utf-8")) == json.loads(changed.read_text("utf-8"))
    assert run("check", back).code in (0, 1)

    # one line per report, whatever the organ's name holds
    odd = edited(tmp_path, "odd.json", lambda d: d.update(organ={"name": "某局\n 二\t三"}))
    assert run("drafts", "import", odd, "--data-dir", store).code == 0
    lines = run("drafts", "list", "--data-dir", store).out.splitlines()
    assert len(lines) == 3 and set(ids) < set(_ids("\n".join(lines)))
    assert any("某局 二 三" in line for line in lines)

    r = run("drafts", "export", "no-such-id", "-o", tmp_path / "x.json", "--data-dir", store)
    assert r.code == 2 and chinese(r.err), r
    r = run("drafts", "export", seed_id, "-o", tmp_path / "no" / "x.json", "--data-dir", store)
    assert r.code == 2 and chinese(r.err), r
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x", "utf-8")
    r = run("drafts", "list", "--data-dir", not_a_folder)
    assert r.code == 2 and chinese(r.err), r


def test_no_command_opens_the_window(tmp_path):
    store = tmp_path / "window-store"
    env = {"QT_QPA_PLATFORM": "offscreen", "REPORT_EDITOR_QUIT_AFTER_SHOW": "1"}
    r = run("--data-dir", store, **env)
    assert r.code == 0 and "report-editor shown" in r.err, r
    assert store.is_dir()
    blocked = tmp_path / "blocked"
    blocked.write_text("x", "utf-8")
    r = run(**env, REPORT_EDITOR_HOME=str(blocked))
    assert r.code == 2 and chinese(r.err), r


def test_reader_gone_keeps_exit_status(tmp_path):
    broken = edited(tmp_path, "broken.json", lambda d: d["cells"].update({"t3.new.natural": 5}))
    proc = subprocess.Popen(
        [sys.executable, "-m", "report_editor", "check", broken, broken, broken],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
    )
    proc.stdout.close()  # like `report-editor check … | head -0`
    err = proc.stderr.read().decode("utf-8")
    proc.stderr.close()
    assert proc.wait(timeout=60) == 1 and "Traceback" not in err, err


def test_output_redirected_to_file_is_utf8(tmp_path):
    out_file, err_file = tmp_path / "out.txt", tmp_path / "err.txt"
    broken = edited(tmp_path, "报告.json", lambda d: d["cells"].update({"t3.new.natural": 5}))
    with out_file.open("wb") as out, err_file.open("wb") as err:
        proc = subprocess.run(
            [sys.executable, "-m", "report_editor", "check", broken, tmp_path / "缺少.json"],
            stdout=out,
            stderr=err,
            env=_env(),
            timeout=60,
        )
    assert proc.returncode == 2
    text = out_file.read_bytes().decode("utf-8")
    assert "报告.json" in text and "错误" in text
    assert "缺少.json" in err_file.read_bytes().decode("utf-8")
