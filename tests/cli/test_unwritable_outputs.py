"""An output folder that takes no new files (/proc, /sys, a read-only folder) is found before the work:
exit code 2, a message naming the path and the reason, and no simulation, fit or solve run."""

from __future__ import annotations

import errno
import importlib
import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from schild.cli import app
from schild.errors import InputError
from schild.output_paths import check_output_dir, check_output_file

runner = CliRunner()
TINY_CSV = Path(__file__).resolve().parents[1] / "calibration" / "attacks_tiny.csv"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _forbid(monkeypatch, module: str, *names: str) -> None:
    mod = importlib.import_module(module)

    def ran(*_a, **_k):
        raise AssertionError(f"{module} did the work although the output path is unusable")

    for name in names:
        monkeypatch.setattr(mod, name, ran)


def _assert_refused(res, needle: str) -> None:
    text = " ".join(res.output.split())
    assert res.exit_code == 2, res.output
    assert "Traceback" not in text
    assert needle in text, text


def _unwritable_paths(tmp_path: Path) -> list[tuple[str, str]]:
    """(path, text of the reason): /proc and /sys always; a 0o500 folder where permissions hold (not root)."""
    cases = [("/proc/schild-results.json", "cannot create a file in /proc (this folder takes no new files)")]
    if os.path.isdir("/sys"):
        cases.append(("/sys/schild-results.json", "cannot create a file in /sys"))
    if not IS_ROOT:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        cases.append((str(locked / "sub" / "r.json"), f"cannot create a file in {locked} (Permission denied)"))
    return cases


@pytest.fixture
def restore_modes(tmp_path):
    yield
    for p in tmp_path.rglob("*"):
        if p.is_dir():
            p.chmod(0o700)


def test_run_checks_json_and_events_before_simulating(binomial_yaml, write_yaml, tmp_path, monkeypatch,
                                                      restore_modes):
    _forbid(monkeypatch, "schild.simulate", "simulate")
    scen = str(write_yaml(binomial_yaml))
    for path, reason in _unwritable_paths(tmp_path):
        for option, target in (("--json", path), ("--events", path.replace(".json", ".parquet"))):
            t0 = time.perf_counter()
            res = runner.invoke(app, ["run", scen, "--runs", "100000", option, target])
            assert time.perf_counter() - t0 < 10
            _assert_refused(res, f"{target}: {option}: {reason}")


def test_calibrate_checks_out_before_fitting(tmp_path, monkeypatch, restore_modes):
    _forbid(monkeypatch, "schild.calibration.cli_support", "load", "calibrate")
    for path, reason in _unwritable_paths(tmp_path):
        res = runner.invoke(app, ["calibrate", "--data", str(TINY_CSV), "--until", "2024-06-30", "--out", path])
        _assert_refused(res, f"{path}: --out: {reason}")


def test_score_checks_json_and_report_before_predicting(tmp_path, monkeypatch, restore_modes):
    import schild.calibration.cli_support as cs

    monkeypatch.setattr(cs, "read_params", lambda _p: {"fit_until": "2024-06-30"})
    _forbid(monkeypatch, "schild.calibration.cli_support", "load", "validate")
    base = ["score", "--data", str(TINY_CSV), "--params", str(tmp_path / "p.json"), "--from", "2024-07-01"]
    for path, reason in _unwritable_paths(tmp_path):
        _assert_refused(runner.invoke(app, base + ["--json", path]), f"{path}: --json: {reason}")
        report = str(Path(path).with_suffix(""))
        _assert_refused(runner.invoke(app, base + ["--report", report]), f"{report}: --report: {reason}")


def test_wta_checks_json_before_solving(tmp_path, monkeypatch):
    _forbid(monkeypatch, "schild.wta", "solve", "read_instance")
    res = runner.invoke(app, ["wta", "solve", str(tmp_path / "instance.txt"), "--json", "/proc/wta.json"])
    _assert_refused(res, "/proc/wta.json: --json: cannot create a file in /proc")


def test_probe_leaves_nothing_and_accepts_writable_places(tmp_path):
    check_output_file("--json", tmp_path / "new" / "deeper" / "r.json")
    check_output_dir("--report", tmp_path / "report")
    (tmp_path / "existing").mkdir()
    check_output_dir("--report", tmp_path / "existing")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["existing"]
    check_output_file("--json", Path("/dev/null"))


def test_read_only_file_system_is_named(tmp_path, monkeypatch):
    """EROFS (a read-only mount) cannot be made without privileges: the probe's own error stands in."""
    real_open = os.open

    def read_only(path, flags, *args):
        if ".schild-probe-" in str(path):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", read_only)
    with pytest.raises(InputError) as exc:
        check_output_file("--json", tmp_path / "r.json")
    assert str(exc.value) == (f"{tmp_path / 'r.json'}: --json: cannot create a file in {tmp_path} "
                              f"(Read-only file system)")


def test_symlink_loop_is_named(tmp_path):
    loop = tmp_path / "loop.json"
    loop.symlink_to(loop)
    with pytest.raises(InputError, match=r"--json: cannot use this path \(Too many levels of symbolic links\)"):
        check_output_file("--json", loop)
