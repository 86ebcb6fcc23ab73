"""Loader of the Air Force attack reports, on a small authored excerpt (invented numbers)."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schild.data import ukraine
from schild.data.ukraine import (
    CLASSES, EXPECTED_COLUMNS, UkraineDataError, UnknownModelWarning, attack_table, load_attacks,
    monthly_table, reporting_practice,
)
from schild.data.ukraine_models import CATALOG_CLASS, MODEL_TABLE, build_lookup, normalise_name, split_lumped

EXCERPT = Path(__file__).parent / "ukraine_excerpt.csv"
HEADER = ",".join(EXPECTED_COLUMNS)


def _load(path=EXCERPT, **kw) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnknownModelWarning)
        return load_attacks(path, **kw)


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return _load()


def _row(time_start="2025-03-01 20:00", time_end="2025-03-02 08:00", model="Shahed-136/131",
         target="Ukraine", launched="10.0", destroyed="8.0", nrg="", source="kpszsu/posts/x") -> str:
    cells = {c: "" for c in EXPECTED_COLUMNS}
    cells.update({"time_start": time_start, "time_end": time_end, "model": model, "target": target,
                  "launched": launched, "destroyed": destroyed, "not_reach_goal": nrg,
                  "source": source, "border_crossing": "{}"})
    return ",".join(f'"{v}"' if ("," in v or "\n" in v) else v for v in cells.values())


def _write(tmp_path: Path, lines: list[str], header: str = HEADER, name="attacks.csv") -> Path:
    p = tmp_path / name
    p.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return p


# --- parsing and mapping ------------------------------------------------------------------------


def test_columns_and_types(df):
    assert list(df.columns) == list(ukraine.OUTPUT_COLUMNS)
    assert pd.api.types.is_datetime64_any_dtype(df["window_start"])
    assert set(df["class"]) <= set(CLASSES)
    assert df.attrs["file_rows"] == 21
    first = df.iloc[0]
    assert first["line"] == 2 and first["window_start"] == pd.Timestamp("2025-03-09 19:00")
    assert (first["launched"], first["destroyed"], first["lost"]) == (120, 70, 40)
    assert first["source_kind"] == "national" and first["month"] == "2025-03"


def test_mapping_of_excerpt(df):
    got = dict(zip(df["component"], zip(df["threat_type"], df["class"])))
    assert got["Shahed-136/131"] == ("shahed_136", "drone")
    assert got["Orlan-10"] == ("orlan_10", "tactical_uav")
    assert got["Unknown UAV"] == ("unknown_uav", "tactical_uav")
    assert got["Iskander-M/KN-23"] == ("iskander_m", "ballistic")
    assert got["C-300"] == ("s300_ground_attack", "ballistic")
    assert got["X-47 Kinzhal"] == ("kinzhal", "aeroballistic")
    assert got["X-59/X-69"] == ("kh_59", "cruise")
    assert got["X-22"] == ("kh_22", "anti_ship_cruise")
    assert got["Unknown Missile"] == ("unknown_missile", "unspecified_missile")
    assert got["GBU"] == ("guided_bomb", "glide_bomb")


NAMES_SEEN_IN_REPORTS = [
    "Shahed-136/131", "Orlan-10", "Iskander-M", "Supercam", "ZALA", "X-59", "Lancet", "X-59/X-69",
    "X-101/X-555", "Unknown UAV", "Reconnaissance UAV", "C-300", "Kalibr", "Iskander-M/KN-23",
    "Молнія", "X-31P", "Merlin-VR", "X-47 Kinzhal", "Iskander-K", "X-22", "Unknown Missile",
    "C-300/C-400", "P-800 Oniks", "X-31", "X-35", "Orion", "C-400", "Ballistic Missile", "GBU",
    "3M22 Zircon", "X-69", "Mohajer-6", "KN-23", "Kub", "X-31PD", "Forpost", "Aerial Bomb", "Eleron",
    "Intercontinental Ballistic Missile", "Granat-4", "Orlan-30", "X-59MK2", "Картограф",
    "Привет-82", "Фенікс", "X-32", "Banderol",
]


def test_catalog_class_covers_every_class():
    assert set(CATALOG_CLASS) == set(CLASSES)
    assert {v for v in CATALOG_CLASS.values() if v} <= {"drone", "decoy", "cruise", "ballistic",
                                                         "aeroballistic"}


def test_every_known_report_name_maps():
    lookup = build_lookup()
    for name in NAMES_SEEN_IN_REPORTS:
        for part in split_lumped(name):
            assert normalise_name(part) in lookup, part
    for tt, cls, note in MODEL_TABLE.values():
        assert cls in CLASSES and cls != "unknown"
        assert tt == tt.lower() and " " not in tt


def test_catalogue_ids_used():
    ids = {v[0] for v in MODEL_TABLE.values()}
    assert {"shahed_136", "shahed_131", "gerbera_decoy", "geran_3", "kh_101", "kalibr", "iskander_m",
            "kn_23", "kinzhal", "kh_59", "iskander_k", "kh_22", "s300_ground_attack"} <= ids


def test_name_normalisation():
    lookup = build_lookup()
    assert lookup[normalise_name("Kh-101/Kh-555")] == ("kh_101", "cruise")
    assert lookup[normalise_name("  x-47   kinzhal ")] == ("kinzhal", "aeroballistic")
    assert lookup[normalise_name("Х-59")] == ("kh_59", "cruise")  # Cyrillic Kha
    assert split_lumped("X-22 AND X-32") == ["X-22", "X-32"]
    assert split_lumped("X-101/X-555") == ["X-101/X-555"]
    assert split_lumped("Shahed-136/131, Gerbera") == ["Shahed-136/131", "Gerbera"]
    assert split_lumped("Kalibr;X-101/X-555 , Iskander-K") == ["Kalibr", "X-101/X-555", "Iskander-K"]
    assert not any("," in k or ";" in k for k in MODEL_TABLE)  # a comma never belongs to a name


# --- lumped rows ------------------------------------------------------------------------------------


def test_split_hand_computed(df):
    parts = df[df["line"] == 6].set_index("component")
    # 30 launched: one each, the other 28 as 40:10 (national single rows within 90 days)
    # -> 22.4/5.6 -> 22/6 by largest remainder -> 23 and 7
    assert parts.loc["X-101/X-555", ["launched", "destroyed", "lost"]].tolist() == [23, 18, 2]
    assert parts.loc["Kalibr", ["launched", "destroyed", "lost"]].tolist() == [7, 6, 0]
    assert parts["split"].all() and set(parts["class"]) == {"cruise"}


def test_split_gives_each_named_part_one(df):
    # X-35 has no single-model rows (weight 0) but the report names it: it gets one of the four
    parts = df[df["line"] == 19].set_index("component")
    assert parts.loc["X-22", "launched"] == 3 and parts.loc["X-35", "launched"] == 1


def test_split_same_type_parts(tmp_path):
    # Kh-22 and Kh-32 are one catalogue type: equal weights, one row each, totals kept
    p = _write(tmp_path, [_row(model="X-22 and X-32", launched="5.0", destroyed="1.0")])
    d = load_attacks(p)
    assert d["threat_type"].tolist() == ["kh_22", "kh_22"]
    assert d["launched"].sum() == 5 and d["destroyed"].sum() == 1
    assert attack_table(d)["launched"].tolist() == [5]


def test_split_preserves_totals_and_bounds(df):
    raw = pd.read_csv(EXCERPT)
    for line, g in df[df["split"]].groupby("line"):
        r = raw.iloc[line - 2]
        assert g["launched"].sum() == r["launched"]
        assert g["destroyed"].sum() == r["destroyed"]
        assert g["lost"].sum() == (0 if math.isnan(r["not_reach_goal"]) else r["not_reach_goal"])
        assert (g["destroyed"] + g["lost"] <= g["launched"]).all()


@settings(max_examples=40, deadline=None)
@given(launched=st.integers(0, 400), frac_d=st.floats(0, 1), frac_n=st.floats(0, 1),
       w=st.lists(st.integers(0, 50), min_size=3, max_size=3))
def test_split_property(tmp_path_factory, launched, frac_d, frac_n, w):
    destroyed = int(launched * frac_d)
    lost = int((launched - destroyed) * frac_n)
    refs = [_row("2025-01-05 20:00", "2025-01-06 08:00", m, launched=f"{x}.0", destroyed="0.0")
            for m, x in zip(("X-101/X-555", "Kalibr", "Iskander-K"), w)]
    lump = _row("2025-01-20 20:00", "2025-01-21 08:00", "X-101/X-555 and Kalibr and Iskander-K",
                launched=f"{launched}.0", destroyed=f"{destroyed}.0", nrg=f"{lost}.0")
    p = _write(tmp_path_factory.mktemp("split"), refs + [lump])
    g = load_attacks(p)
    g = g[g["split"]]
    assert len(g) == 3
    assert g["launched"].sum() == launched and g["destroyed"].sum() == destroyed
    assert g["lost"].sum() == lost
    assert (g["destroyed"] + g["lost"] <= g["launched"]).all()
    if launched >= 3:
        assert (g["launched"] >= 1).all()


@settings(deadline=None)  # no wall-clock deadline: a first call may load compiled code
@given(total=st.integers(0, 10_000), w=st.lists(st.floats(0, 1e3), min_size=1, max_size=6))
def test_apportion_exact(total, w):
    parts = ukraine._apportion(float(total), w)
    assert sum(parts) == total and all(p >= 0 and p == int(p) for p in parts)
    if sum(w) > 0:
        for p, wi in zip(parts, w):
            assert abs(p - total * wi / sum(w)) < 1 + 1e-9


# --- national vs regional ---------------------------------------------------------------------------


def test_regional_duplicates_dropped(df):
    assert df.attrs["regional_duplicates_dropped"] == 2
    assert df.attrs["regional_duplicate_lines"] == [3, 10]
    assert not df["line"].isin([3, 10]).any()
    # regional rows of other types, or overlapping only a national row of another scope, stay
    assert {4, 5, 12, 22} <= set(df["line"])


def test_regional_kept_when_asked():
    full = _load(drop_regional_duplicates=False)
    assert {3, 10} <= set(full["line"])
    assert len(full) == len(_load()) + 2


def test_source_kind():
    assert ukraine.source_kind("kpszsu/posts/abc") == "national"
    assert ukraine.source_kind("https://t.me/kpszsu/22252") == "national"
    assert ukraine.source_kind("GeneralStaff.ua/posts/x") == "national"
    assert ukraine.source_kind("PvKPivden/posts/x") == "regional"
    assert ukraine.source_kind("pvkshid/posts/x") == "regional"
    assert ukraine.source_kind("https://t.me/war_monitor/1") == "other"


# --- outcomes ---------------------------------------------------------------------------------------


def test_outcomes_missing_and_capped(df):
    assert df.attrs["destroyed_missing_lines"] == [13]
    r = df[df["line"] == 13].iloc[0]
    assert math.isnan(r["destroyed"]) and r["destroyed_missing"] and r["launched"] == 10
    capped = df[df["line"] == 14].iloc[0]  # 20 launched, 15 destroyed, 9 "lost": lost capped at 5
    assert capped["lost"] == 5 and df.attrs["lost_capped_lines"] == [14]
    unreported = df[df["line"] == 17].iloc[0]
    assert unreported["lost"] == 0 and not unreported["lost_reported"]


def test_reporting_practice(df):
    rp = reporting_practice(df).set_index("class")
    assert rp.loc["drone", "rows_lost_reported"] == 2
    assert rp.loc["drone", "first_lost_reported"] == pd.Timestamp("2024-12-27 23:00")
    assert rp.loc["drone", "last_lost_reported"] == pd.Timestamp("2025-03-09 19:00")


# --- unknown models ---------------------------------------------------------------------------------


def test_unknown_models_reported():
    with pytest.warns(UnknownModelWarning, match=r"'Zmiy-7' \(1 row\)"):
        d = load_attacks(EXCERPT)
    assert d.attrs["unknown_models"] == {"Zmiy-7": 1}
    r = d[d["component"] == "Zmiy-7"].iloc[0]
    assert r["class"] == "unknown" and r["threat_type"] == "unknown" and r["launched"] == 3


def test_unknown_part_of_lumped_name(tmp_path):
    p = _write(tmp_path, [_row(model="Shahed-136/131 and Zmiy-9", launched="9.0", destroyed="6.0")])
    with pytest.warns(UnknownModelWarning, match="Zmiy-9"):
        d = load_attacks(p)
    assert d.attrs["unknown_models"] == {"Zmiy-9": 1}
    assert sorted(d["class"]) == ["drone", "unknown"]
    assert d["launched"].sum() == 9 and d["destroyed"].sum() == 6


def test_slashed_lump_of_known_names_is_split(tmp_path):
    p = _write(tmp_path, [_row(model="Iskander-M/KN-23/S-400", launched="6.0", destroyed="2.0"),
                          _row(model="X-59/X-69", launched="4.0", destroyed="3.0"),
                          _row(model="Kalibr/Zmiy-9", launched="2.0", destroyed="0.0")])
    with pytest.warns(UnknownModelWarning, match="Kalibr/Zmiy-9"):
        d = load_attacks(p)
    lumped = d[d["model"] == "Iskander-M/KN-23/S-400"]
    assert sorted(lumped["component"]) == ["Iskander-M/KN-23", "S-400"]
    assert lumped["split"].all() and lumped["launched"].sum() == 6 and lumped["destroyed"].sum() == 2
    assert sorted(lumped["threat_type"]) == ["iskander_m", "s400_ground_attack"]
    whole = d[d["model"] == "X-59/X-69"]
    assert len(whole) == 1 and whole["threat_type"].item() == "kh_59" and not whole["split"].item()
    assert d.attrs["unknown_models"] == {"Kalibr/Zmiy-9": 1}


@pytest.mark.parametrize("name, threat_type", [
    ("Kh-59/69", "kh_59"), ("X-101/555", "kh_101"), ("Zircon", "zircon"), ("Kh-47M2", "kinzhal"),
    ("Shahed", "shahed_136"), ("Italmas", "shahed_136"), ("Harpy-A1", "shahed_136"),
    ("Parodiya", "gerbera_decoy"), ("Гербера", "gerbera_decoy"),
])
def test_public_aliases_are_known(name, threat_type):
    assert build_lookup()[normalise_name(name)][0] == threat_type


def test_drone_lump_with_new_family_names_stays_drone(tmp_path):
    p = _write(tmp_path, [_row(model="Shahed-136/131/Gerbera/Italmas", launched="90.0", destroyed="80.0")])
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnknownModelWarning)
        d = load_attacks(p)
    assert sorted(d["component"]) == ["Gerbera", "Italmas", "Shahed-136/131"]
    assert (d["class"] == "drone").all() and d["launched"].sum() == 90 and d["destroyed"].sum() == 80


def _row_extra(extra: dict[str, str], **kw) -> str:
    line = _row(**kw).split(",")
    for c, v in extra.items():
        line[EXPECTED_COLUMNS.index(c)] = v
    return ",".join(line)


def test_is_shahed_is_the_shahed_count_of_the_row_and_bad_values_are_ignored(tmp_path):
    p = _write(tmp_path, [
        _row_extra({"is_shahed": "60", "turbojet": "5", "turbojet_destroyed": "3"}, launched="100.0",
                   destroyed="90.0"),
        _row_extra({"is_shahed": "40"}, time_start="2025-03-02 20:00", time_end="2025-03-03 08:00",
                   launched="40.0", destroyed="35.0"),  # all Shahed-type: says nothing about decoys
        _row_extra({"is_shahed": "30"}, time_start="2025-03-03 20:00", time_end="2025-03-04 08:00",
                   model="Shahed-136/131 and X-59", launched="54.0", destroyed="50.0"),
        _row(time_start="2025-03-04 20:00", time_end="2025-03-05 08:00", launched="20.0", destroyed="18.0"),
        _row_extra({"is_shahed": "25"}, time_start="2025-03-05 20:00", time_end="2025-03-06 08:00",
                   launched="20.0", destroyed="18.0"),  # more than launched: inconsistent
        _row_extra({"is_shahed": "45"}, time_start="2025-03-06 20:00", time_end="2025-03-07 08:00",
                   model="Shahed-136/131 and Gerbera", launched="100.0", destroyed="95.0"),
    ])
    with pytest.warns(UserWarning, match=r"is_shahed on line\(s\) \[6\] is larger"):
        d = load_attacks(p)
    first = d[d["line"] == 2].iloc[0]
    assert (first["shahed_count"], first["turbojet"], first["turbojet_destroyed"]) == (60, 5, 3)
    assert np.isnan(d.loc[d["line"] == 3, "shahed_count"].item())
    # drones lumped with missiles: the count splits the launches, it is no decoy breakdown
    lump = d[d["line"] == 4].set_index("class")
    assert lump.loc["drone", "launched"] == 30 and lump.loc["cruise", "launched"] == 24
    assert lump["destroyed"].sum() == 50 and lump["shahed_count"].isna().all()
    assert np.isnan(d.loc[d["line"] == 5, "shahed_count"].item())
    assert np.isnan(d.loc[d["line"] == 6, "shahed_count"].item())
    drones = d[d["line"] == 7]  # an all-drone lump: the breakdown is shared over its parts
    assert drones["shahed_count"].sum() == 45 and drones["launched"].sum() == 100
    assert d.attrs["shahed_count_rows"] == 4 and d.attrs["shahed_count_ignored_lines"] == [6]
    assert d.attrs["shahed_split_rows"] == 1 and d.attrs["shahed_breakdown_rows"] == 2


def test_models_path_override(tmp_path):
    m = tmp_path / "extra.csv"
    m.write_text("model,threat_type,class\nZmiy-7,zmiy_7,tactical_uav\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnknownModelWarning)
        d = load_attacks(EXCERPT, models_path=m)
    assert d.attrs["unknown_models"] == {}
    assert d.loc[d["component"] == "Zmiy-7", "class"].item() == "tactical_uav"


def test_models_path_reference_table_gives_hints(tmp_path):
    m = tmp_path / "missiles_and_uavs.csv"
    m.write_text("model,category,type\nZmiy-7,UAV,reconnaissance\n", encoding="utf-8")
    with pytest.warns(UnknownModelWarning, match="UAV / reconnaissance"):
        d = load_attacks(EXCERPT, models_path=m)
    assert d.attrs["unknown_model_hints"] == {"Zmiy-7": "UAV / reconnaissance"}
    assert d.loc[d["component"] == "Zmiy-7", "class"].item() == "unknown"


def test_models_path_bad(tmp_path):
    m = tmp_path / "bad.csv"
    m.write_text("name,kind\nA,b\n", encoding="utf-8")
    with pytest.raises(UkraineDataError, match="bad.csv"):
        load_attacks(EXCERPT, models_path=m)
    m.write_text("model,threat_type,class\nA,a,spaceship\n", encoding="utf-8")
    with pytest.raises(UkraineDataError, match="spaceship"):
        load_attacks(EXCERPT, models_path=m)


# --- malformed files --------------------------------------------------------------------------------


def test_missing_file(tmp_path):
    with pytest.raises(UkraineDataError, match="nope.csv.*not found") as e:
        load_attacks(tmp_path / "nope.csv")
    assert isinstance(e.value, ValueError)


def test_empty_file(tmp_path):
    p = tmp_path / "empty.csv"
    p.write_text("", encoding="utf-8")
    with pytest.raises(UkraineDataError, match="empty"):
        load_attacks(p)


def test_missing_column(tmp_path):
    cols = [c for c in EXPECTED_COLUMNS if c != "launched"]
    p = _write(tmp_path, ["x"], header=",".join(cols))
    with pytest.raises(UkraineDataError) as e:
        load_attacks(p)
    msg = str(e.value)
    assert "attacks.csv:1" in msg and "'launched'" in msg and "expected" in msg
    assert e.value.column == "launched" and e.value.line == 1


def test_unknown_column(tmp_path):
    p = _write(tmp_path, [_row() + ",x"], header=HEADER + ",mystery")
    with pytest.raises(UkraineDataError, match="mystery"):
        load_attacks(p)
    with pytest.warns(UserWarning, match="mystery"):
        d = load_attacks(p, strict_columns=False)
    assert len(d) == 1


def test_non_numeric_launched_names_line(tmp_path):
    # a quoted field spanning two lines first, so the bad record starts on line 4 of the file
    lines = [_row(target="Ukraine,\nsouth"), _row(launched="ten")]
    p = _write(tmp_path, lines)
    with pytest.raises(UkraineDataError) as e:
        load_attacks(p)
    assert e.value.line == 4 and e.value.column == "launched"
    assert "attacks.csv:4" in str(e.value) and "'ten'" in str(e.value)


@pytest.mark.parametrize("kw,col", [
    ({"destroyed": "-1"}, "destroyed"), ({"launched": "2.5"}, "launched"),
    ({"time_start": "yesterday"}, "time_start"), ({"time_end": "2025-13-45"}, "time_end"),
    ({"time_start": "01.03.2025 20:00"}, "time_start"),  # day-first: a lenient parser reads January 3rd
    ({"time_end": "03/02/2025"}, "time_end"),
])
def test_bad_values(tmp_path, kw, col):
    p = _write(tmp_path, [_row(), _row(**kw)])
    with pytest.raises(UkraineDataError) as e:
        load_attacks(p)
    assert e.value.line == 3 and e.value.column == col


def test_year_first_date_variants_read_as_written(tmp_path):
    """ISO 'T', a zone offset (dropped: the reports' own clock), slashes and dots after a 4-digit year."""
    p = _write(tmp_path, [_row(time_start="2025-03-01T20:00:00+02:00", time_end="2025/03/02 08:00"),
                          _row(time_start="2025.03.03", time_end="2025.03.03")])
    d = load_attacks(p).sort_values("window_start")
    assert d["window_start"].tolist() == [pd.Timestamp("2025-03-01 20:00"), pd.Timestamp("2025-03-03")]
    assert d["window_end"].iloc[0] == pd.Timestamp("2025-03-02 08:00") and d["date_only"].tolist() == [False, True]


def test_wrong_field_count(tmp_path):
    p = _write(tmp_path, [_row(), "2025-01-01,2025-01-01,Kalibr"])
    with pytest.raises(UkraineDataError, match=r"attacks.csv:3: 3 fields; expected 22"):
        load_attacks(p)


def test_empty_launched_is_kept_not_zeroed(tmp_path):
    p = _write(tmp_path, [_row(model="C-300", launched="", destroyed="0.0")])
    d = load_attacks(p)
    assert math.isnan(d["launched"].item()) and d.attrs["launched_missing_lines"] == [2]


# --- tables -----------------------------------------------------------------------------------------


def test_attack_table(df):
    at = attack_table(df)
    assert list(at.columns) == ["window_start", "window_end", "class", "threat_type", "launched",
                                "destroyed", "lost", "defeated", "rows"]
    w = at[at["window_start"] == pd.Timestamp("2025-03-10 19:00")].set_index("threat_type")
    assert w.loc["kh_101", "defeated"] == 20 and w.loc["kalibr", "launched"] == 7
    assert at["launched"].sum() == df["launched"].sum()
    miss = at[at["window_start"] == pd.Timestamp("2025-01-31 19:00")].iloc[0]
    assert math.isnan(miss["destroyed"]) and math.isnan(miss["defeated"])


def test_monthly_table(df):
    m = monthly_table(df)
    assert list(m.columns) == ["class", "month", "launched", "launched_rated", "destroyed", "lost",
                               "defeated", "defeat_rate"]
    idx = m.set_index(["class", "month"])
    drone = idx.loc[("drone", "2025-03")]  # 120+5+4 launched, 70+5+4 destroyed, 40 lost
    assert drone[["launched", "destroyed", "lost", "defeated"]].tolist() == [129, 79, 40, 119]
    assert drone["defeat_rate"] == pytest.approx(119 / 129)
    assert idx.loc[("drone", "2024-12"), "defeat_rate"] == 1.0  # capped lost
    assert idx.loc[("cruise", "2025-02"), "defeat_rate"] == pytest.approx(41 / 50)
    jan = idx.loc[("cruise", "2025-01")]  # destroyed not reported: launched counts, rate does not
    assert jan["launched"] == 10 and jan["launched_rated"] == 0 and np.isnan(jan["defeat_rate"])
    assert idx.loc[("unknown", "2024-12"), "launched"] == 3


def test_quarterly_and_by_type(df):
    q = monthly_table(df, freq="Q").set_index(["class", "quarter"])
    assert q.loc[("cruise", "2025-Q1"), "launched"] == 90
    t = monthly_table(df, by="threat_type").set_index(["threat_type", "month"])
    assert t.loc[("kalibr", "2025-03"), "launched"] == 7
    with pytest.raises(ValueError):
        monthly_table(df, freq="W")


def test_header_only_file(tmp_path):
    d = load_attacks(_write(tmp_path, []))
    assert d.empty and list(d.columns) == list(ukraine.OUTPUT_COLUMNS)
    assert monthly_table(d).empty and attack_table(d).empty


def test_end_before_start_is_read_as_next_morning(tmp_path):
    p = _write(tmp_path, [_row(time_start="2025-03-01 22:00", time_end="2025-03-01 07:00")])
    with pytest.warns(UserWarning, match="time_end before time_start"):
        d = load_attacks(p)
    assert d["window_end"].item() == pd.Timestamp("2025-03-02 07:00")
    assert d.attrs["window_end_fixed_lines"] == [2]


def test_until_keeps_later_rows_out_of_the_lump_split(tmp_path):
    early = [_row(time_start="2025-06-20 20:00", time_end="2025-06-21 06:00", model="X-101/X-555 and Iskander-K",
                  launched="10.0", destroyed="8.0"),
             _row(time_start="2025-06-10 20:00", time_end="2025-06-11 06:00", model="X-101/X-555",
                  launched="9.0", destroyed="8.0"),
             _row(time_start="2025-06-12 20:00", time_end="2025-06-13 06:00", model="Iskander-K",
                  launched="1.0", destroyed="1.0")]
    later = [_row(time_start="2025-07-05 20:00", time_end="2025-07-06 06:00", model="Iskander-K",
                  launched="40.0", destroyed="20.0")]
    cut = _load(_write(tmp_path, early, name="cut.csv"))
    full = _load(_write(tmp_path, early + later, name="full.csv"))
    upto = _load(_write(tmp_path, early + later, name="full2.csv"), until="2025-06-30")
    part = lambda d: d[d["split"]].set_index("threat_type")["launched"].to_dict()  # noqa: E731
    assert part(upto) == part(cut) == {"kh_101": 8.0, "iskander_k": 2.0}
    assert part(full) != part(cut)  # without the cut, July's launches shift the June split
    assert upto.attrs["rows_after_until"] == 1 and upto["window_start"].max() < pd.Timestamp("2025-07-01")


def test_unreadable_is_shahed_or_turbojet_is_warned_and_skipped(tmp_path):
    p = _write(tmp_path, [_row_extra({"is_shahed": "~350", "turbojet": "2.5"}, launched="500.0",
                                     destroyed="450.0")])
    with pytest.warns(UserWarning, match=r"is_shahed.*turbojet|turbojet.*is_shahed"):
        d = load_attacks(p)
    assert np.isnan(d["shahed_count"].item()) and np.isnan(d["turbojet"].item())
    assert d["launched"].item() == 500 and d.attrs["hint_unreadable_lines"] == [2]


def test_destroyed_above_launched_is_warned_and_left_out_of_rates(tmp_path):
    """Regression: a row "launched 1, destroyed 9999" gave a monthly defeat rate of 9999 without a word."""
    from schild.data.ukraine import monthly_table

    p = _write(tmp_path, [_row(model="Iskander-M", launched="1.0", destroyed="9999"),
                          _row(model="Iskander-M", time_start="2025-03-05 20:00", time_end="2025-03-06 04:00",
                               launched="4.0", destroyed="1.0")])
    with pytest.warns(UserWarning, match=r"destroyed is larger than launched on line\(s\) \[2\]"):
        d = load_attacks(p)
    assert d.attrs["destroyed_over_launched_lines"] == [2]
    assert d["destroyed_missing"].tolist() == [True, False]
    m = monthly_table(d).set_index("class").loc["ballistic"]
    assert m["launched"] == 5 and m["launched_rated"] == 4 and m["defeated"] == 1
