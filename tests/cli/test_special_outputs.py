"""Outputs that are not regular files: a FIFO or a device is written straight into (never replaced by a
regular file), a symbolic link's target is replaced atomically and the link kept; /dev/full gives a
clean error."""

from __future__ import annotations

import io
import json
import os
import stat
import threading
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from schild.cli import app
from schild.errors import InputError
from schild.events_file import EventsFile
from schild.results import atomic_write_text

runner = CliRunner()
RUN = ["--runs", "3", "--workers", "1"]


class FifoReader:
    """Reads everything written into a FIFO, on a thread (opening a FIFO blocks until both ends open)."""

    def __init__(self, path: Path):
        self.path = path
        self.data = b""
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        with open(self.path, "rb") as fh:
            self.data = fh.read()

    def join(self) -> bytes:
        if self._thread.is_alive():  # nobody opened the writing end: release the reader
            try:
                os.close(os.open(self.path, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass
        self._thread.join(timeout=10)
        return self.data


def make_fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def test_json_and_events_into_fifos(binomial_yaml, write_yaml, tmp_path):
    json_fifo = make_fifo(tmp_path / "results.json")
    events_fifo = make_fifo(tmp_path / "events")  # no .parquet suffix needed for a FIFO
    readers = [FifoReader(json_fifo), FifoReader(events_fifo)]
    res = runner.invoke(app, ["run", str(write_yaml(binomial_yaml)), *RUN, "--json", str(json_fifo),
                              "--events", str(events_fifo)])
    json_bytes, events_bytes = (r.join() for r in readers)
    assert res.exit_code == 0, res.output
    assert json.loads(json_bytes)["runs"] == 3
    events = pq.read_table(io.BytesIO(events_bytes)).to_pandas()
    assert sorted(events["run"].unique()) == [0, 1, 2] and (events["kind"] == "launch").sum() == 3 * 1000
    for fifo in (json_fifo, events_fifo):
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events", "results.json", "scenario.yaml"]


def test_dev_null_stays_a_device(binomial_yaml, write_yaml):
    res = runner.invoke(app, ["run", str(write_yaml(binomial_yaml)), *RUN, "--json", "/dev/null",
                              "--events", "/dev/null"])
    assert res.exit_code == 0, res.output
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("option,what", [("--json", "the results"), ("--events", "the events")])
def test_dev_full_gives_a_clean_error(binomial_yaml, write_yaml, option, what):
    res = runner.invoke(app, ["run", str(write_yaml(binomial_yaml)), *RUN, option, "/dev/full"])
    assert res.exit_code == 2, res.output
    text = " ".join(res.output.split())
    assert f"error: /dev/full: cannot write {what}: No space left on device" in text
    assert "Traceback" not in text
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_calibrate_out_to_dev_full(tmp_path, monkeypatch):
    import schild.calibration.cli_support as cs

    monkeypatch.setattr(cs, "load", lambda *a, **k: None)
    monkeypatch.setattr(cs, "calibrate", lambda *a, **k: {"timing_s": {}})
    res = runner.invoke(app, ["calibrate", "--data", str(tmp_path / "any.csv"), "--until", "2024-12-31",
                              "--out", "/dev/full"])
    assert res.exit_code == 2, res.output
    assert "/dev/full: cannot write the parameters: No space left on device" in " ".join(res.output.split())
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_symlink_keeps_the_link_and_replaces_its_target(binomial_yaml, write_yaml, tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "r.json").write_text("old", encoding="utf-8")
    json_link, events_link = tmp_path / "r.json", tmp_path / "ev.parquet"
    json_link.symlink_to(real / "r.json")
    events_link.symlink_to(real / "events-target.parquet")  # dangling: the target is created
    res = runner.invoke(app, ["run", str(write_yaml(binomial_yaml)), *RUN, "--json", str(json_link),
                              "--events", str(events_link)])
    assert res.exit_code == 0, res.output
    assert json_link.is_symlink() and os.readlink(json_link) == str(real / "r.json")
    assert events_link.is_symlink()
    assert json.loads((real / "r.json").read_text())["runs"] == 3
    assert pq.read_table(real / "events-target.parquet").num_rows > 0
    assert sorted(p.name for p in real.iterdir()) == ["events-target.parquet", "r.json"]  # no temporary left


def test_relative_symlink_in_another_folder(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    link = tmp_path / "a" / "out.json"
    link.symlink_to(Path("..") / "b" / "out.json")
    atomic_write_text(link, "{}")
    assert link.is_symlink() and (tmp_path / "b" / "out.json").read_text() == "{}"
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["out.json"]


def test_events_file_error_names_the_path_and_leaves_nothing(tmp_path, monkeypatch):
    import pyarrow as pa

    target = tmp_path / "ev.parquet"
    events = EventsFile(target)
    events.write(pa.table({"a": [1, 2]}))

    def no_space(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    with pytest.raises(InputError) as exc:
        events.commit()
    assert str(exc.value) == f"{target}: cannot write the events: No space left on device"
    assert list(tmp_path.iterdir()) == []
