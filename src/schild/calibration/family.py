"""The Ukraine defence scenario family: one generic oblast with layered defences, raid by raid.

A *member* of the family is the oblast below under one raid: so many threats of one simulated group
(plus decoys for drones; :func:`member_dict`), or a whole night of several groups (:func:`night_dict`).
The calibration compiles one template per group and changes counts, kill and EW probabilities on the
compiled arrays (:mod:`schild.calibration.sim`), so geometry is computed once.

Public-source fidelity, not a depiction of any real deployment: the oblast is generic (centre at
49.0 N, 32.0 E; four assets within 15 km, drones and missiles aimed at the city and the CHP), the layer
mix follows what public reporting describes for a defended Ukrainian regional centre in 2023-24 (eight
mobile fire groups with heavy machine guns on the drone approaches, two Gepards and two Skynex guns,
two interceptor-drone teams forward, one IRIS-T SLM, one NASAMS, one Patriot PAC-3 battery for
ballistic threats, radars, acoustic posts, one EW zone over the city), and every position is placed by
rule along the inbound axes (see :func:`layout`). All numbers of the types come from the built-in
catalogue, except: drones and decoys fly the 2022-24 low profile (300 m, shallow dive; the catalogue's
default is the 2025 high transit), and ``kh_31p`` (anti-radiation, not in the catalogue) is defined
here as a marked assumption.

Why one oblast and a raid share: a national raid is spread over many regions; the calibration gives the
representative oblast ``share * n`` threats of a window of ``n`` (``share`` is a fitted parameter), so
saturation (why defeat rates fall when raids get bigger) acts through the oblast's finite channels,
rounds and reload times.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np

__all__ = [
    "SIM_CLASSES", "SIM_GROUPS", "GROUP_TYPE", "group_of", "layout", "member_dict", "night_dict",
    "compile_member", "LAYER_GROUPS",
]

CENTRE = (49.0, 32.0)

#: Report classes the simulator models, in output order.
SIM_CLASSES: tuple[str, ...] = (
    "drone", "cruise", "anti_ship_cruise", "anti_radiation", "ballistic", "aeroballistic",
)

#: Simulated groups (one compiled world per group and raid size): group -> (report class, threat type).
SIM_GROUPS: dict[str, tuple[str, str]] = {
    "drone": ("drone", "shahed_136"),
    "cruise": ("cruise", "kh_101"),
    "cruise_tactical": ("cruise", "kh_59"),
    "anti_ship_cruise": ("anti_ship_cruise", "kh_22"),
    "anti_radiation": ("anti_radiation", "kh_31p"),
    "ballistic": ("ballistic", "iskander_m"),
    "ballistic_frontline": ("ballistic", "s300_ground_attack"),
    "aeroballistic": ("aeroballistic", "kinzhal"),
}
GROUP_TYPE = {g: t for g, (_, t) in SIM_GROUPS.items()}

# Report threat types -> simulated group. Unlisted types of a modelled class go to the class's main group.
_TYPE_GROUP = {
    "s300_ground_attack": "ballistic_frontline",
    "s400_ground_attack": "ballistic_frontline",
    "kh_59": "cruise_tactical",
    "iskander_k": "cruise_tactical",
}


def group_of(report_class: str, threat_type: str) -> str | None:
    """The simulated group of a report row, or None for classes the simulator does not model."""
    if report_class not in SIM_CLASSES:
        return None
    return _TYPE_GROUP.get(threat_type, report_class)


# Launch areas: (bearing from the oblast centre in degrees, distance km); launch windows in seconds.
_LAUNCH = {
    "shahed_136": [(75.0, 160.0), (125.0, 160.0)],
    "gerbera_decoy": [(75.0, 160.0), (125.0, 160.0)],
    "kh_101": [(110.0, 450.0)],
    "kh_59": [(100.0, 200.0)],
    "kh_22": [(150.0, 500.0)],
    "kh_31p": [(100.0, 100.0)],
    "iskander_m": [(60.0, 260.0)],
    "s300_ground_attack": [(85.0, 85.0)],
    "kinzhal": [(80.0, 650.0)],
}
_WINDOW_S = {
    "shahed_136": 3 * 3600.0, "gerbera_decoy": 3 * 3600.0, "kh_101": 1200.0, "kh_59": 600.0, "kh_22": 600.0,
    "kh_31p": 300.0, "iskander_m": 300.0, "s300_ground_attack": 300.0, "kinzhal": 120.0,
}

#: Layer groups of the oblast's fire units (one kill-level shift per class acts on all of them).
LAYER_GROUPS = ("guns", "interceptor_drones", "sam_short_medium", "patriot")

_ASSETS = [  # id, dx_km (east), dy_km (north), value, kind
    ("city_centre", 0.0, 0.0, 10.0, "city"),
    ("chp", 6.0, 5.0, 5.0, "power_plant"),
    ("substation", -8.0, -6.0, 3.0, "substation"),
    ("rail_hub", 12.0, -8.0, 3.0, "rail_hub"),
]

KH_31P = {  # not in the built-in catalogue: an assumption, marked as such
    "name": "Kh-31P / PD (anti-radiation)",
    "class": "cruise",
    "speed_mps": {"value": 1000.0, "unit": "m/s", "confidence": "low", "basis": "assumption",
                  "note": "Mach ~3 mean; public figures Mach 3.5-4.5 peak. Calibration assumption."},
    "altitude_m": {"value": 12000.0, "unit": "m", "confidence": "low", "basis": "assumption",
                   "note": "High supersonic transit, then a steep dive. Calibration assumption."},
    "terminal_dive_km": {"value": 20.0, "unit": "km", "confidence": "low", "basis": "assumption"},
    "range_km": {"value": 250.0, "unit": "km", "confidence": "low", "basis": "published",
                 "note": "Kh-31PD; the older Kh-31P about 110 km."},
    "unit_cost_usd": {"value": 500000.0, "unit": "USD", "confidence": "low", "basis": "assumption"},
}


def _offset(lat: float, lon: float, dx_km: float, dy_km: float) -> tuple[float, float]:
    return (lat + dy_km / 111.2, lon + dx_km / (111.2 * math.cos(math.radians(lat))))


def _toward(lat0: float, lon0: float, lat1: float, lon1: float, d_km: float) -> tuple[float, float]:
    """The point d_km from (lat0, lon0) toward (lat1, lon1) on the geodesic."""
    from pyproj import Geod

    g = Geod(ellps="WGS84")
    az, _, _ = g.inv(lon0, lat0, lon1, lat1)
    lon, lat, _ = g.fwd(lon0, lat0, az, d_km * 1000.0)
    return float(lat), float(lon)


def _launch_point(bearing: float, dist_km: float) -> tuple[float, float]:
    from pyproj import Geod

    lon, lat, _ = Geod(ellps="WGS84").fwd(CENTRE[1], CENTRE[0], bearing, dist_km * 1000.0)
    return float(lat), float(lon)


#: Drone targets: every drone line (launch area -> target) gets the same local defence, so the
#: simulated defeat probability does not depend on which lines a small raid happens to use.
DRONE_TARGETS = ("city_centre", "chp")
MISSILE_TARGETS = ("city_centre", "chp")


@lru_cache(maxsize=1)
def layout() -> dict[str, Any]:
    """Assets, sensors, fire units and EW of the oblast (positions by rule; cached).

    Rules: on each drone inbound line (two launch areas x the city and the CHP) a mobile fire group
    sits 6 km and another 12 km before the target, a gun 3 km before it (Gepard on the city lines,
    Skynex on the CHP lines); an interceptor-drone team 20 km out on each drone axis; IRIS-T SLM and
    NASAMS 8 km east and south-east of the centre; the Patriot battery at the centre; a GM200 radar at
    the centre and a TRML-4D 30 km east; acoustic posts every 10 km from 15 to 55 km along both drone
    axes; one EW zone of 35 km radius over the centre (its defeat probability is a fitted parameter).
    """
    lat0, lon0 = CENTRE
    assets = []
    for aid, dx, dy, value, kind in _ASSETS:
        la, lo = _offset(lat0, lon0, dx, dy)
        assets.append({"id": aid, "lat": round(la, 5), "lon": round(lo, 5), "value": value, "kind": kind})
    amap = {a["id"]: (a["lat"], a["lon"]) for a in assets}
    fus: list[dict[str, Any]] = []

    def add(uid: str, utype: str, p: tuple[float, float]) -> None:
        fus.append({"id": uid, "type": utype, "lat": round(p[0], 5), "lon": round(p[1], 5)})

    axes = [_launch_point(b, d) for b, d in _LAUNCH["shahed_136"]]
    for ai, (la, lo) in enumerate(axes):
        for t in DRONE_TARGETS:
            tl = amap[t]
            add(f"mfg_{t}_{ai}_near", "mobile_fire_group", _toward(*tl, la, lo, 6.0))
            add(f"mfg_{t}_{ai}_far", "mobile_fire_group", _toward(*tl, la, lo, 12.0))
            add(f"{'gepard' if t == 'city_centre' else 'skynex'}_{t}_{ai}",
                "gepard" if t == "city_centre" else "skynex", _toward(*tl, la, lo, 3.0))
        add(f"idt_{ai}", "interceptor_drone_team", _toward(lat0, lon0, la, lo, 20.0))
    add("iris_t_1", "iris_t_slm", _offset(lat0, lon0, 8.0, 0.0))
    add("nasams_1", "nasams", _offset(lat0, lon0, 5.7, -5.7))
    add("patriot_1", "patriot_pac3_mse", (lat0, lon0))
    east = _offset(lat0, lon0, 30.0, 0.0)
    sensors = [
        {"id": "gm200_centre", "type": "ground_master_200", "lat": lat0, "lon": lon0},
        {"id": "trml_east", "type": "trml_4d", "lat": round(east[0], 5), "lon": round(east[1], 5)},
        {"id": "patriot_radar_1", "type": "patriot_radar", "lat": lat0, "lon": lon0},
    ]
    for ai, (la, lo) in enumerate(axes):
        for k, d in enumerate(range(15, 56, 10)):
            p = _toward(lat0, lon0, la, lo, float(d))
            sensors.append({"id": f"acoustic_{ai}_{k}", "type": "acoustic_post", "lat": round(p[0], 5),
                            "lon": round(p[1], 5)})
    ew = {"zones": [{"id": "ew_oblast", "center": {"lat": lat0, "lon": lon0}, "radius_km": 35.0,
                     "defeat_probability": {"drone": 0.0, "decoy": 0.0}}]}
    groups = {
        "guns": [f["id"] for f in fus if f["type"] in ("mobile_fire_group", "gepard", "skynex")],
        "interceptor_drones": [f["id"] for f in fus if f["type"] == "interceptor_drone_team"],
        "sam_short_medium": [f["id"] for f in fus if f["type"] in ("iris_t_slm", "nasams")],
        "patriot": [f["id"] for f in fus if f["type"] == "patriot_pac3_mse"],
    }
    return {"assets": assets, "sensors": sensors, "fire_units": fus, "electronic_warfare": ew,
            "layer_groups": groups}


def _split(n: int, k: int) -> list[int]:
    base, rest = divmod(int(n), k)
    return [base + (1 if i < rest else 0) for i in range(k)]


def _raids_for(tt: str, count: int, targets: list[str], prefix: str = "") -> list[dict[str, Any]]:
    raids = []
    lines = [(lp, t) for t in targets for lp in _LAUNCH[tt]]
    for i, (c, ((b, d), t)) in enumerate(zip(_split(count, len(lines)), lines)):
        if c <= 0:
            continue
        la, lo = _launch_point(b, d)
        raids.append({"id": f"{prefix}{tt}_{i}", "threat": tt, "count": int(c),
                      "from": {"lat": round(la, 5), "lon": round(lo, 5)}, "target": t,
                      "launch_window_s": [0.0, _WINDOW_S[tt]]})
    return raids


def _scenario(name: str, raids: list[dict[str, Any]], catalog: dict[str, Any], ew: float = 0.0) -> dict[str, Any]:
    lay = layout()
    ew_block = {"zones": [dict(z, defeat_probability={"drone": float(ew), "decoy": float(ew)})
                          for z in lay["electronic_warfare"]["zones"]]}
    return {
        "schema_version": 1,
        "name": name,
        "description": "Generic Ukrainian oblast with layered air defence (schild calibration family).",
        "catalog": catalog,
        "assets": lay["assets"],
        "sensors": lay["sensors"],
        "fire_units": lay["fire_units"],
        "raids": raids,
        "doctrine": {
            "drone": {"salvo": 1, "max_engagements": 3},
            "decoy": {"salvo": 1, "max_engagements": 3},
            "cruise": {"salvo": 1, "max_engagements": 2},
            "ballistic": {"salvo": 2, "max_engagements": 1},
            "aeroballistic": {"salvo": 2, "max_engagements": 1},
            "decoy_discrimination": 0.3,
        },
        "electronic_warfare": ew_block,
        "battle_manager": {"assignment": "heuristic"},
    }


def _base_catalog(types: set[str]) -> dict[str, Any]:
    catalog: dict[str, Any] = {"threats": {
        # the 2022-24 low profile of the fit period (catalogue default is the 2025 high transit)
        "shahed_136": {"altitude_m": 300, "terminal_dive_km": 0.5},
        "gerbera_decoy": {"altitude_m": 300, "terminal_dive_km": 0.5},
    }}
    if "kh_31p" in types:
        catalog["threats"]["kh_31p"] = KH_31P
    return catalog


def member_dict(group: str, n: int, decoys: int = 0, *, name: str | None = None) -> dict[str, Any]:
    """The scenario (a dict for :func:`schild.scenario_from_dict`) of one raid of ``n`` threats.

    ``group`` is a key of :data:`SIM_GROUPS`; ``decoys`` adds Gerbera-type decoys (drone group only).
    Threats are spread over the launch areas and the targets of the group, round robin.
    """
    if group not in SIM_GROUPS:
        raise ValueError(f"unknown group {group!r}; known: {', '.join(SIM_GROUPS)}")
    ttype = GROUP_TYPE[group]
    targets = list(DRONE_TARGETS if group == "drone" else MISSILE_TARGETS)
    raids = _raids_for(ttype, max(int(n), 0), targets)
    if decoys > 0:
        if group != "drone":
            raise ValueError("decoys only go with the drone group")
        raids += _raids_for("gerbera_decoy", int(decoys), targets)
    if not raids:  # the schema wants one raid: an empty one
        b, d = _LAUNCH[ttype][0]
        la, lo = _launch_point(b, d)
        raids.append({"id": "none", "threat": ttype, "count": 0, "from": {"lat": la, "lon": lo},
                      "target": targets[0]})
    return _scenario(name or f"ukraine-oblast-{group}-{n}" + (f"+{decoys}d" if decoys else ""), raids,
                     _base_catalog({ttype}))


def night_dict(counts: dict[str, int], decoys: int = 0, *, levels: dict[str, float] | None = None,
               ew: float = 0.0, name: str = "ukraine-oblast-night") -> dict[str, Any]:
    """One night against the oblast with several groups at once (a scenario file to run by hand).

    ``counts``: threats per group; ``levels``: kill-level shift per engine class (``drone``, ``cruise``,
    ``ballistic``, ``aeroballistic``; decoys follow drones) written into the scenario's catalogue
    overrides as shifted single-shot pk per effector type; ``ew``: EW defeat probability.
    """
    from ..catalog import builtin_catalog
    from .sim import shift_logit

    raids: list[dict[str, Any]] = []
    types = set()
    for g, n in counts.items():
        tt = GROUP_TYPE[g]
        types.add(tt)
        raids += _raids_for(tt, int(n), list(DRONE_TARGETS if g == "drone" else MISSILE_TARGETS), prefix=f"{g}_")
    if decoys:
        raids += _raids_for("gerbera_decoy", int(decoys), list(DRONE_TARGETS))
    catalog = _base_catalog(types)
    if levels:
        cat = builtin_catalog()
        eff: dict[str, Any] = {}
        for utype in sorted({f["type"] for f in layout()["fire_units"]}):
            env = cat.effectors[utype].envelope
            over = {}
            for cls, a in levels.items():
                shifted = [cls, "decoy"] if cls == "drone" else [cls]
                # a threat type's own pk (e.g. Patriot against the Kh-22) moves with its class's level
                own = [k for k in env if k in cat.threats and cat.threats[k].threat_class in shifted]
                for c in shifted + own:
                    if c in env and env[c].pk is not None:
                        pk0 = float(env[c].pk.value)
                        note = f"calibrated: catalogue pk {pk0} shifted by {a:+.2f} on the logit scale"
                        over[c] = {"pk": {"value": round(float(shift_logit(np.array([pk0]), a)[0]), 4),
                                          "basis": "assumption", "confidence": "low", "note": note}}
            if over:
                eff[utype] = {"envelope": over}
        catalog["effectors"] = eff
    return _scenario(name, raids, catalog, ew)


def compile_member(group: str, n: int, decoys: int = 0):
    """Compile one member; returns a :class:`schild.World`."""
    from ..compile import compile_world
    from ..scenario.loading import scenario_from_dict

    return compile_world(scenario_from_dict(member_dict(group, n, decoys)))
