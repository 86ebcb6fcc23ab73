"""``schild calibrate`` and ``schild score`` end to end on a tiny authored CSV."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from schild.cli import app

runner = CliRunner()
ROW_KEYS = {"class", "month", "observed_launched", "observed_defeated", "predicted_defeated_mean",
            "predicted_defeated_p05", "predicted_defeated_p95"}


@pytest.fixture(scope="module")
def params_file(small_grid_module, tmp_path_factory) -> Path:
    tiny_csv = Path(__file__).resolve().parent / "attacks_tiny.csv"
    out = tmp_path_factory.mktemp("cal") / "params.json"
    res = runner.invoke(app, ["calibrate", "--data", str(tiny_csv), "--until", "2024-06-30", "--out", str(out),
                              "--runs", "4", "--seed", "1"])
    assert res.exit_code == 0, res.output
    assert "drone" in res.output and "parameters:" in res.output and "effective single-shot pk" in res.output
    return out


def test_calibrate_then_score(params_file, tiny_csv, tmp_path):
    doc = json.loads(params_file.read_text())
    assert doc["format"] == "schild-calibration/1" and doc["fit_until"] == "2024-06-30"
    assert set(doc["groups"]) == {"drone", "cruise", "ballistic", "aeroballistic"}
    n = len(doc["posterior"]["share"])
    assert n > 10 and all(len(g["level_last"]) == n for g in doc["posterior"]["groups"].values())
    assert doc["groups"]["drone"]["posterior"]["ew"]["mean"] >= 0

    out, rep = tmp_path / "v.json", tmp_path / "report"
    res = runner.invoke(app, ["score", "--data", str(tiny_csv), "--params", str(params_file), "--from",
                              "2024-07-01", "--until", "2024-08-31", "--json", str(out), "--report", str(rep),
                              "--runs", "30", "--seed", "2"])
    assert res.exit_code == 0, res.output
    assert "naive" in res.output and "floor" in res.output and "aeroballistic" in res.output
    v = json.loads(out.read_text())
    assert {"rows", "summary", "naive"} <= set(v)
    months = {r["month"] for r in v["rows"]}
    assert months == {"2024-07", "2024-08"}
    classes = {r["class"] for r in v["rows"]}
    assert {"drone", "cruise", "ballistic"} <= classes and "tactical_uav" not in classes
    for r in v["rows"]:
        assert ROW_KEYS <= set(r)
        assert 0 <= r["predicted_defeated_p05"] <= r["predicted_defeated_mean"] <= r["predicted_defeated_p95"]
        assert r["predicted_defeated_p95"] <= r["observed_launched"]
    for cls, s in v["summary"].items():
        assert {"coverage90", "mae_pp", "naive_mae_pp", "naive_coverage90"} <= set(s)
        assert 0 <= s["coverage90"] <= 1 and s["mae_pp"] >= 0
        ours = [r for r in v["rows"] if r["class"] == cls]
        mae = sum(abs(r["predicted_defeated_mean"] - r["observed_defeated"]) / r["observed_launched"] * 100
                  for r in ours) / len(ours)
        assert s["mae_pp"] == pytest.approx(mae)
        cov = sum(r["predicted_defeated_p05"] <= r["observed_defeated"] <= r["predicted_defeated_p95"]
                  for r in ours) / len(ours)
        assert s["coverage90"] == pytest.approx(cov)
    assert {r["class"] for r in v["naive"]["rows"]} >= {"drone", "cruise"}
    assert "tactical_uav" in v["not_modelled"]
    assert set(doc["effective_pk"]) == set(doc["groups"])
    assert any(r["unit_type"] == "mobile_fire_group" for r in doc["effective_pk"]["drone"])
    fc = doc["fit_check"]
    assert set(fc["summary"]) == {"drone", "cruise", "ballistic", "aeroballistic"} == set(v["fit_check"])
    for r in fc["rows"]:
        assert 0 <= r["fitted_defeated_level"] <= r["observed_launched"]
        assert 0 <= r["fitted_defeated"] <= r["observed_launched"]
    d = [r for r in fc["rows"] if r["class"] == "drone"]
    mae = sum(abs(r["fitted_defeated_level"] - r["observed_defeated"]) / r["observed_launched"] for r in d) / len(d)
    assert fc["summary"]["drone"]["mae_pp_level"] == pytest.approx(100 * mae, abs=0.01)
    assert (rep / "validation.png").stat().st_size > 1000
    html = (rep / "validation.html").read_text()
    assert "<th>floor_mae_pp</th>" in html
    assert "naive" in html and "Petro Ivaniuk" in html and "Training months reproduced" in html
    assert "Effective single-shot pk per layer" in html and "mobile_fire_group" in html
    assert "<h2>Notes</h2>" in html and "taken from the parameters file" in html and "Not modelled: tactical_uav" in html


@pytest.mark.parametrize("args,needle", [
    (["calibrate", "--data", "{csv}", "--until", "2024-13-45", "--out", "{tmp}/p.json"], "not a date"),
    (["calibrate", "--data", "{tmp}/nope.csv", "--until", "2024-06-30", "--out", "{tmp}/p.json"], "not found"),
    (["calibrate", "--data", "{csv}", "--until", "2021-01-31", "--out", "{tmp}/p.json"], "no rated launches"),
    (["calibrate", "--data", "{csv}", "--until", "2024-06-30", "--since", "2024-07-01", "--out", "{tmp}/p.json"],
     "after"),
    (["score", "--data", "{csv}", "--params", "{tmp}/bad.json", "--from", "2024-07-01"], "not a schild calibration"),
    (["score", "--data", "{csv}", "--params", "{tmp}/missing.json", "--from", "2024-07-01"], "not found"),
    (["validate", "--data", "{csv}", "--params", "{tmp}/bad.json"], "needs --data"),
    (["score", "--data", "{csv}", "--params", "{tmp}/broken.json", "--from", "2024-07-01"], "incomplete"),
    # regressions: an --out under a file ended in FileExistsError after the whole fit
    (["calibrate", "--data", "{csv}", "--until", "2024-06-30", "--out", "{tmp}/afile/p.json"],
     "is a file, not a directory"),
])
def test_bad_input_exits_2(args, needle, tiny_csv, tmp_path):
    (tmp_path / "bad.json").write_text(json.dumps({"rows": []}))
    (tmp_path / "afile").write_text("")
    (tmp_path / "broken.json").write_text(json.dumps({"format": "schild-calibration/1", "fit_until": "2024-06-30",
                                                       "posterior": {"share": [0.2], "groups": {"drone": {}}}}))
    argv = [a.format(csv=tiny_csv, tmp=tmp_path) for a in args]
    res = runner.invoke(app, argv)
    assert res.exit_code == 2, res.output
    assert needle in res.output


def test_score_refuses_a_report_path_that_is_a_file(params_file, tiny_csv, tmp_path):
    (tmp_path / "afile").write_text("")
    res = runner.invoke(app, ["score", "--data", str(tiny_csv), "--params", str(params_file), "--from",
                              "2024-07-01", "--report", str(tmp_path / "afile")])
    assert res.exit_code == 2 and "names a directory" in res.output


def test_score_refuses_fitted_months(params_file, tiny_csv):
    res = runner.invoke(app, ["score", "--data", str(tiny_csv), "--params", str(params_file), "--from",
                              "2024-06-01"])
    assert res.exit_code == 2 and "fitted period" in res.output


def test_extra_column_is_an_error_unless_allowed_and_then_named(params_file, tiny_csv, tmp_path):
    lines = tiny_csv.read_text().splitlines()
    wide = tmp_path / "wide.csv"
    wide.write_text("\n".join([lines[0] + ",new_column"] + [ln + ",x" for ln in lines[1:]]) + "\n")
    args = ["score", "--data", str(wide), "--params", str(params_file), "--from", "2024-07-01",
            "--until", "2024-07-31", "--runs", "10", "--json", str(tmp_path / "v.json")]
    res = runner.invoke(app, args)
    assert res.exit_code == 2 and "new_column" in res.output and "--allow-extra-columns" in res.output
    res = runner.invoke(app, args + ["--allow-extra-columns"])
    assert res.exit_code == 0, res.output
    assert "new_column" in res.output and "ignored" in res.output
    assert json.loads((tmp_path / "v.json").read_text())["rows"]


def test_models_option_maps_new_names_and_shahed_counts_are_noted(params_file, tiny_csv, tmp_path):
    lines = tiny_csv.read_text().splitlines()
    new = "2024-07-25 19:00,2024-07-26 08:30,Zmiy-7,,Ukraine,,20.0,17.0,1.0,,,,,,,,,,,,,kpszsu/posts/pfbidSYNTH"
    counted = "2024-07-27 19:00,2024-07-28 08:30,Shahed-136/131,,Ukraine,,30.0,27.0,3.0,,,18,,,,,,,,,,kpszsu/x"
    data = tmp_path / "more.csv"
    data.write_text("\n".join(lines + [new, counted]) + "\n")
    args = ["score", "--data", str(data), "--params", str(params_file), "--from", "2024-07-01",
            "--until", "2024-07-31", "--runs", "10", "--json", str(tmp_path / "v.json")]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "Zmiy-7" in res.output and "--models" in res.output
    assert "Shahed-type" in res.output  # the is_shahed row is noted
    drone_before = next(r for r in json.loads((tmp_path / "v.json").read_text())["rows"] if r["class"] == "drone")
    mapping = tmp_path / "names.csv"
    mapping.write_text("model,threat_type,class\nZmiy-7,shahed_136,drone\n")
    res = runner.invoke(app, args + ["--models", str(mapping)])
    assert res.exit_code == 0, res.output
    assert "Zmiy-7" not in res.output
    drone = next(r for r in json.loads((tmp_path / "v.json").read_text())["rows"] if r["class"] == "drone")
    assert drone["observed_launched"] == drone_before["observed_launched"] + 20
    res = runner.invoke(app, args + ["--models", str(tmp_path / "nope.csv")])
    assert res.exit_code == 2 and "nope.csv" in res.output


def test_calibrate_never_reads_rows_after_until(small_grid, tiny_csv, tmp_path):
    lines = tiny_csv.read_text().splitlines()
    early = [ln for ln in lines[1:] if ln[:10] <= "2024-06-30"]
    later = [ln for ln in lines[1:] if ln[:10] > "2024-06-30"]
    assert later
    src = "kpszsu/posts/pfbidSYNTH"
    lump = f"2024-06-20 19:00,2024-06-21 06:00,X-101/X-555 and Iskander-K,,Ukraine,,12.0,9.0,,,,,,,,,,,,,,{src}"
    # after the cut: many Iskander-K, which would change how June's lump is split if it were read
    flood = f"2024-07-08 19:00,2024-07-09 06:00,Iskander-K,,Ukraine,,60.0,30.0,,,,,,,,,,,,,,{src}"
    files = {"cut": [lines[0]] + early + [lump], "full": [lines[0]] + early + [lump] + later + [flood]}
    docs = {}
    for name, body in files.items():
        (tmp_path / f"{name}.csv").write_text("\n".join(body) + "\n")
        out = tmp_path / f"p_{name}.json"
        res = runner.invoke(app, ["calibrate", "--data", str(tmp_path / f"{name}.csv"), "--until", "2024-06-30",
                                  "--out", str(out), "--runs", "4", "--seed", "1"])
        assert res.exit_code == 0, res.output
        docs[name] = json.loads(out.read_text())
    assert docs["cut"]["posterior"] == docs["full"]["posterior"]


def test_predict_with_option_and_parameters_without_tables(params_file, tiny_csv, tmp_path):
    base = ["score", "--data", str(tiny_csv), "--from", "2024-07-01", "--until", "2024-07-31", "--runs", "10"]
    res = runner.invoke(app, base + ["--params", str(params_file), "--json", str(tmp_path / "a.json")])
    assert res.exit_code == 0, res.output
    assert "from the fit's tables" in res.output
    meta = json.loads((tmp_path / "a.json").read_text())["meta"]
    assert meta["method"] == "auto" and meta["evaluations"]["table"] > 0
    res = runner.invoke(app, base + ["--params", str(params_file), "--predict-with", "simulate",
                                     "--json", str(tmp_path / "b.json")])
    assert res.exit_code == 0, res.output
    meta = json.loads((tmp_path / "b.json").read_text())["meta"]
    assert meta["method"] == "simulate" and meta["evaluations"]["table"] == 0
    res = runner.invoke(app, base + ["--params", str(params_file), "--predict-with", "magic"])
    assert res.exit_code == 2 and "--predict-with" in res.output
    # a parameters file from before the tables were stored: fresh simulations, no error
    doc = json.loads(params_file.read_text())
    for t in doc["tables"].values():
        t.pop("destroyed"), t.pop("lost")
    old = tmp_path / "old.json"
    old.write_text(json.dumps(doc))
    res = runner.invoke(app, base + ["--params", str(old), "--json", str(tmp_path / "c.json")])
    assert res.exit_code == 0, res.output
    assert json.loads((tmp_path / "c.json").read_text())["meta"]["method"] == "simulate"
    # a damaged table is a clear error
    doc = json.loads(params_file.read_text())
    doc["tables"]["drone"]["destroyed"] = [[0.5]]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    res = runner.invoke(app, base + ["--params", str(bad)])
    assert res.exit_code == 2 and "damaged" in res.output


def test_naive_yardstick_is_stored_and_used_for_a_file_of_new_months_only(params_file, tiny_csv, tmp_path,
                                                                          monkeypatch):
    """A later release may hold only the new months: the naive forecast still comes from the fit's months
    (stored in the parameters file), the same as with the whole file, and the report keeps its history."""
    from schild.calibration.data import load
    from schild.data.ukraine import monthly_table
    from schild.data.validation import naive_forecast

    doc = json.loads(params_file.read_text())
    block = doc["naive"]
    assert block["months"] == 6 and (block["first_month"], block["last_month"]) == ("2024-01", "2024-06")
    train = monthly_table(load(tiny_csv, until=None))
    expect = naive_forecast(train, "2024-06-30").groupby("class")["predicted_rate"].first()
    for cls, rate in expect.items():
        assert block["classes"][cls]["rate"] == pytest.approx(rate)

    lines = tiny_csv.read_text().splitlines()
    head, body = lines[0], lines[1:]
    new_only = tmp_path / "new_only.csv"
    new_only.write_text("\n".join([head] + [ln for ln in body if ln[:7] >= "2024-07"]) + "\n")
    assert len(new_only.read_text().splitlines()) < len(lines)
    base = ["score", "--params", str(params_file), "--from", "2024-07-01", "--until", "2024-08-31",
            "--runs", "10", "--seed", "3"]
    out_full, out_new = tmp_path / "full.json", tmp_path / "new.json"
    assert runner.invoke(app, base + ["--data", str(tiny_csv), "--json", str(out_full)]).exit_code == 0
    import schild.report.validation as report_mod

    seen = {}
    real_writer = report_mod.write_validation_report

    def spy(*args, **kw):
        seen["history"] = kw["history"]
        return real_writer(*args, **kw)

    monkeypatch.setattr(report_mod, "write_validation_report", spy)
    res = runner.invoke(app, base + ["--data", str(new_only), "--json", str(out_new), "--report",
                                     str(tmp_path / "rep")])
    assert res.exit_code == 0, res.output
    full, new = json.loads(out_full.read_text()), json.loads(out_new.read_text())
    assert new["naive"]["source"].startswith("parameters file") and new["naive"]["note"] is None
    assert new["naive"]["rows"] == full["naive"]["rows"] and len(new["naive"]["rows"]) > 0
    for cls, s in new["summary"].items():
        assert s["naive_mae_pp"] == pytest.approx(full["summary"][cls]["naive_mae_pp"])
    hist = seen["history"]  # the fit's observed months stand in for the rows the file no longer has
    assert set(hist["month"]) == {r["month"] for r in doc["fit_check"]["rows"]} and hist["defeat_rate"].between(0, 1).all()
    assert (tmp_path / "rep" / "validation.png").stat().st_size > 1000

    # a parameters file from before the yardstick was stored: the data file's own months, or a clear note
    old_doc = dict(doc)
    old_doc.pop("naive")
    old = tmp_path / "old.json"
    old.write_text(json.dumps(old_doc))
    res = runner.invoke(app, base + ["--params", str(old), "--data", str(tiny_csv), "--json", str(tmp_path / "o.json")])
    assert res.exit_code == 0, res.output
    o = json.loads((tmp_path / "o.json").read_text())
    assert o["naive"]["source"].startswith("data file") and o["naive"]["rows"] == full["naive"]["rows"]
    res = runner.invoke(app, base + ["--params", str(old), "--data", str(new_only), "--json", str(tmp_path / "p.json")])
    assert res.exit_code == 0, res.output
    assert "holds none of the fitted months" in " ".join(res.output.split())
    p = json.loads((tmp_path / "p.json").read_text())
    assert all(s["naive_mae_pp"] is None for s in p["summary"].values())

    # a revised release (the fitted months' numbers changed) is named, and the fit's yardstick kept
    revised = tmp_path / "revised.csv"
    import csv
    rows = list(csv.DictReader(tiny_csv.open()))
    for r in rows:
        if r["time_start"][:7] in ("2024-05", "2024-06") and r["destroyed"] not in ("", "0", "0.0"):
            r["destroyed"] = str(max(0.0, float(r["destroyed"]) - 1.0))
    with revised.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    res = runner.invoke(app, base + ["--data", str(revised), "--json", str(tmp_path / "r.json")])
    assert res.exit_code == 0, res.output
    r = json.loads((tmp_path / "r.json").read_text())
    assert "revised release" in r["naive"]["note"] and r["naive"]["rows"][0]["predicted_rate"] == \
        full["naive"]["rows"][0]["predicted_rate"]

    # a damaged block is a clear error
    bad_doc = dict(doc)
    bad_doc["naive"] = {"classes": {"drone": {"rate": "high"}}}
    bad = tmp_path / "bad_naive.json"
    bad.write_text(json.dumps(bad_doc))
    res = runner.invoke(app, base + ["--params", str(bad), "--data", str(tiny_csv)])
    assert res.exit_code == 2 and "damaged" in res.output


def test_until_after_the_data_ends_the_fit_with_the_data(small_grid, tiny_csv, tmp_path):
    """Regression: --until 2030-01-01 fitted 2024-01..2030-01, 65 months without reports, and predicted
    from a level that had drifted blind; the fit now ends with the last month that has modelled records."""
    out = tmp_path / "p.json"
    res = runner.invoke(app, ["calibrate", "--data", str(tiny_csv), "--until", "2030-01-01", "--out", str(out),
                              "--runs", "2"])
    assert res.exit_code == 0, res.output
    assert "is after the last modelled record" in " ".join(res.output.split())
    doc = json.loads(out.read_text())
    assert doc["fit_until"] == "2024-08-31" and doc["last_month"] == "2024-08"
    assert doc["data"]["until_requested"] == "2030-01-01"
