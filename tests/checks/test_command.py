"""`report-editor check` through cli.main and once through the installed console script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from report_editor.cli import main
from report_editor.model import load_report, save_report


@pytest.fixture
def bad_path(tmp_path, huaian_path):
    """Huaian with one application moved from 商业企业 to 自然人 in 一、本年新收."""
    r = load_report(huaian_path)
    r.cells["t3.new.natural"] += 1
    r.cells["t3.new.biz"] -= 1
    p = tmp_path / "淮安-错误.json"
    save_report(r, p)
    return p


def test_clean_file_exits_0(capsys, seed_path):
    assert main(["check", str(seed_path)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.splitlines()[0] == f"{seed_path}：2 个警告"
    assert "[警告] V-17 六、其他需要报告的事项没有说明信息处理费" in out
    assert "位置：六、其他需要报告的事项" in out


def test_errors_exit_1_with_numbers_and_cell_labels(capsys, seed_path, bad_path):
    assert main(["check", str(seed_path), str(bad_path)]) == 1
    out, _ = capsys.readouterr()
    assert f"{bad_path}：2 个错误" in out
    assert (
        "[错误] R-01 自然人列：一（3002）+ 二（34）= 3036，三（七）总计（2932）+ 四（103）= 3035，相差 1"
        in out
    )
    assert (
        "单元格：一、本年新收政府信息公开申请数量 · 自然人；二、上年结转政府信息公开申请数量 · 自然人"
        in out
    )
    assert (
        "[提示] H-01 看起来有一件申请被计入了错误的申请人类别（自然人列多 1，商业企业列少 1）"
        in out
    )


def test_unreadable_file_exits_2_and_the_others_are_still_checked(capsys, tmp_path, bad_path):
    junk = tmp_path / "坏.json"
    junk.write_text("{", encoding="utf-8")
    missing = tmp_path / "没有.json"
    assert main(["check", str(junk), str(bad_path), str(missing)]) == 2
    out, err = capsys.readouterr()
    assert "不是有效的 JSON" in err and str(junk) in err
    assert "文件不存在" in err and str(missing) in err
    assert "R-01" in out  # the readable file was checked


def test_json_output_shape(capsys, seed_path, bad_path):
    assert main(["check", "--json", str(seed_path), str(bad_path)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [d["file"] for d in data] == [str(seed_path), str(bad_path)]
    for d in data:
        assert set(d) == {"file", "problems"}
        for p in d["problems"]:
            assert set(p) == {"rule", "severity", "cells", "message"}
            assert p["severity"] in ("error", "warning", "info")
            assert isinstance(p["cells"], list)
    r01 = [p for p in data[1]["problems"] if p["rule"] == "R-01"]
    assert r01[0] == {
        "rule": "R-01",
        "severity": "error",
        "cells": [
            "t3.new.natural",
            "t3.carried.natural",
            "t3.total_done.natural",
            "t3.carry_next.natural",
        ],
        "message": "自然人列：一（3002）+ 二（34）= 3036，三（七）总计（2932）+ 四（103）= 3035，相差 1",
    }


def test_json_output_names_unreadable_files(capsys, tmp_path, seed_path):
    junk = tmp_path / "x.json"
    junk.write_text('{"format": "other"}', encoding="utf-8")
    assert main(["check", str(seed_path), str(junk), "--json"]) == 2
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert (
        data[1]["file"] == str(junk) and data[1]["problems"] == [] and "format" in data[1]["error"]
    )
    assert "format" in err


def test_previous_year(capsys, tmp_path, huaian_path):
    cur = load_report(huaian_path)
    prev = cur.copy()
    prev.year = 2023
    prev.cells["t3.carry_next.natural"] = 30  # this year says 上年结转 34
    prev.cells["t3.carry_next.total"] = 30
    prev_path = tmp_path / "2023.json"
    save_report(prev, prev_path)
    assert main(["check", str(huaian_path), "--previous", str(prev_path), "--json"]) == 0
    problems = json.loads(capsys.readouterr().out)[0]["problems"]
    r10 = [p for p in problems if p["rule"] == "R-10"]
    assert [p["cells"] for p in r10] == [["t3.carried.natural"], ["t3.carried.total"]]
    v12 = [p for p in problems if p["rule"] == "V-12"]
    # same text copied: 一 and 五 flagged; 六 is a single sentence, too short to judge
    assert {p["severity"] for p in v12} == {"warning"}
    assert [p["message"][:2] for p in v12] == ["一、", "五、"]
    # without --previous neither appears
    main(["check", str(huaian_path), "--json"])
    rules = {p["rule"] for p in json.loads(capsys.readouterr().out)[0]["problems"]}
    assert not rules & {"R-10", "R-11", "V-12"}


def test_unreadable_previous_exits_2_but_checks_the_file(capsys, tmp_path, seed_path):
    assert main(["check", str(seed_path), "--previous", str(tmp_path / "无.json")]) == 2
    out, err = capsys.readouterr()
    assert "上年报告无法读取" in err
    assert out.startswith(str(seed_path))


@pytest.mark.skipif(shutil.which("report-editor") is None, reason="console script not installed")
def test_console_script_prints_chinese_in_any_locale(tmp_path, bad_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LC_", "LANG", "PYTHONIOENCODING", "PYTHONUTF8"))
    }
    env.update(LANG="C", LC_ALL="C", PYTHONUTF8="0", PYTHONIOENCODING="ascii")
    proc = subprocess.run(
        [shutil.which("report-editor"), "check", str(bad_path)],
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr.decode("utf-8", "replace")
    out = proc.stdout.decode("utf-8")
    assert "[错误] R-01 自然人列：一（3002）" in out
    assert sys.executable  # the script runs the same interpreter's package
