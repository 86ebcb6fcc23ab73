"""Rebuild examples/city-record-raid.yaml: fire units placed along the raids' inbound paths.

Run: python scripts/build_record_raid_example.py > examples/city-record-raid.yaml
Positions of Ukrainian units are NOT public; they are placed here by rule (distance along each inbound
axis from the asset it covers), a labelled assumption for analysis, not a depiction of reality.
"""

from pyproj import Geod

G = Geod(ellps="WGS84")
ASSETS = [  # approximate public coordinates (city centre, power plants, airport)
    ("kyiv_centre", 50.4501, 30.5234, 10.0, "city"),
    ("kyiv_chp6", 50.5330, 30.5950, 5.0, "power_plant"),
    ("kyiv_chp5", 50.4080, 30.6080, 5.0, "power_plant"),
    ("boryspil_airport", 50.3450, 30.8950, 3.0, "airport"),
]
LAUNCH = {  # launch areas named in Ukrainian Air Force reports (see data/launch_areas in docs)
    "kursk": (51.72689, 36.18457), "bryansk": (53.27096, 34.32143), "oryol": (52.96879, 36.0791),
    "millerovo": (48.92523, 40.39982), "primorsko_akhtarsk": (46.04847, 38.17899),
    "caspian_sea": (42.9, 48.3), "black_sea": (44.3, 37.3), "voronezh": (51.66833, 39.19204),
}
RAIDS = [  # id, threat, count, from, target, window
    ("shahed_kursk", "shahed_136", 130, "kursk", "kyiv_centre", (0, 10800)),
    ("shahed_bryansk", "shahed_136", 100, "bryansk", "kyiv_chp6", (0, 10800)),
    ("shahed_oryol", "shahed_136", 90, "oryol", "kyiv_chp5", (0, 10800)),
    ("shahed_millerovo", "shahed_136", 90, "millerovo", "kyiv_centre", (0, 10800)),
    ("shahed_primorsko", "shahed_136", 90, "primorsko_akhtarsk", "boryspil_airport", (0, 10800)),
    ("decoy_kursk", "gerbera_decoy", 150, "kursk", "kyiv_centre", (0, 10800)),
    ("decoy_bryansk", "gerbera_decoy", 100, "bryansk", "kyiv_chp6", (0, 10800)),
    ("decoy_oryol", "gerbera_decoy", 80, "oryol", "kyiv_chp5", (0, 10800)),
    ("kh101_caspian", "kh_101", 8, "caspian_sea", "kyiv_chp5", (9000, 9600)),
    ("kalibr_black_sea", "kalibr", 4, "black_sea", "kyiv_chp6", (13000, 13300)),
    ("iskander_bryansk", "iskander_m", 3, "bryansk", "kyiv_centre", (16500, 16600)),
    ("kinzhal_voronezh", "kinzhal", 2, "voronezh", "kyiv_centre", (16500, 16560)),
]


def along(asset, launch, km):
    a = next(x for x in ASSETS if x[0] == asset)
    lat0, lon0 = LAUNCH[launch]
    az, _, _ = G.inv(a[2], a[1], lon0, lat0)
    lon, lat, _ = G.fwd(a[2], a[1], az, km * 1000.0)
    return round(lat, 4), round(lon, 4)


fire_units = [("patriot_1", "patriot_pac3_mse", 50.40, 30.50), ("patriot_2", "patriot_pac2_gemt", 50.50, 30.45),
              ("nasams_ne", "nasams", 50.55, 30.75), ("nasams_se", "nasams", 50.35, 30.70),
              ("iris_t_e", "iris_t_slm", 50.45, 30.85), ("iris_t_n", "iris_t_slm", 50.65, 30.55)]
axes = [(r[4], r[3]) for r in RAIDS if r[1] == "shahed_136"]
gun_plan = [("gepard", 1.0), ("skynex", 0.8)]
n = {"gepard": 0, "skynex": 0, "mobile_fire_group": 0, "interceptor_drone_team": 0}
for asset, launch in axes:
    for kind, km in gun_plan:
        n[kind] += 1
        fire_units.append((f"{kind}_{n[kind]}", kind, *along(asset, launch, km)))
    for km in (0.3, 0.5, 0.4):
        n["mobile_fire_group"] += 1
        fire_units.append((f"mfg_{n['mobile_fire_group']}", "mobile_fire_group", *along(asset, launch, km)))
    n["interceptor_drone_team"] += 1
    fire_units.append((f"idt_{n['interceptor_drone_team']}", "interceptor_drone_team", *along(asset, launch, 12.0)))
# fill to 40 units: extra guns and mobile groups on the busiest axis (kursk -> centre)
extra = [("gepard", 2.5), ("skynex", 1.2), ("interceptor_drone_team", 20.0)]
for kind, km in extra:
    n[kind] += 1
    fire_units.append((f"{kind}_{n[kind]}", kind, *along("kyiv_centre", "kursk", km)))
for km in (0.6,):
    n["mobile_fire_group"] += 1
    fire_units.append((f"mfg_{n['mobile_fire_group']}", "mobile_fire_group", *along("kyiv_centre", "millerovo", km)))
assert len(fire_units) == 40, len(fire_units)

sensors = [("gm400_kyiv", "ground_master_400", 50.45, 30.52), ("trml_ne", "trml_4d", 50.70, 31.00),
           ("trml_s", "trml_4d", 50.20, 30.60), ("patriot_radar_1", "patriot_radar", 50.40, 30.50)]
for i, (asset, launch) in enumerate(axes):
    sensors.append((f"acoustic_{i + 1}", "acoustic_post", *along(asset, launch, 25.0)))

# Patriot-class radars look through about 120 degrees: faced towards the launch areas of the missiles
# (north-east to south-east of the city). ASSUMPTION: the facing; the width is the public figure.
SECTORS = {"patriot_1": (60, 120), "patriot_2": (100, 120), "patriot_radar_1": (60, 120)}


def sector(site_id: str) -> str:
    if site_id not in SECTORS:
        return ""
    centre, width = SECTORS[site_id]
    return f", sector: {{centre_deg: {centre}, width_deg: {width}}}"


out = []
w = out.append
w("# A city under a record night raid (like the largest raids of 2025): ~850 drones, decoys and missiles")
w("# against a layered defence of 40 fire units. Built by scripts/build_record_raid_example.py.")
w("# Threat numbers follow the public record-raid reports; fire-unit positions are an ASSUMPTION placed by")
w("# rule along the inbound axes, not a depiction of any real deployment.")
w("schema_version: 1")
w("name: city-record-raid")
w("description: Kyiv-like city, 4 assets, 847 threats from 8 launch areas, 40 fire units in layers.")
w("assets:")
for aid, lat, lon, value, kind in ASSETS:
    w(f"  - {{id: {aid}, lat: {lat}, lon: {lon}, value: {value}, kind: {kind}}}")
w("sensors:")
for sid, typ, lat, lon in sensors:
    w(f"  - {{id: {sid}, type: {typ}, lat: {lat}, lon: {lon}{sector(sid)}}}")
w("fire_units:")
for fid, typ, lat, lon in fire_units:
    w(f"  - {{id: {fid}, type: {typ}, lat: {lat}, lon: {lon}{sector(fid)}}}")
w("raids:")
for rid, threat, count, launch, target, (a, b) in RAIDS:
    lat, lon = LAUNCH[launch]
    w(f"  - {{id: {rid}, threat: {threat}, count: {count}, from: {{lat: {lat}, lon: {lon}}}, target: {target}, "
      f"launch_window_s: [{a}, {b}]}}")
w("doctrine:")
w("  # a drone missed by one layer is engaged by the next: two engagements per layer, four in all")
w("  drone: {salvo: 1, max_engagements: 4, max_engagements_per_layer: 2}")
w("  decoy: {salvo: 1, max_engagements: 4, max_engagements_per_layer: 2}")
w("  cruise: {salvo: 1, max_engagements: 2, max_engagements_per_layer: 2}")
w("  ballistic: {salvo: 2, max_engagements: 2, max_engagements_per_layer: 2}")
w("  aeroballistic: {salvo: 2, max_engagements: 2, max_engagements_per_layer: 2}")
w("  decoy_discrimination: 0.3  # assumption: share of decoys the air picture recognises as such")
w("electronic_warfare:")
w("  zones:  # assumption: jamming/spoofing over the city")
w("    - {center: {lat: 50.45, lon: 30.52}, radius_km: 40, defeat_probability: {drone: 0.2, decoy: 0.2}}")
w("battle_manager: {assignment: heuristic}")
print("\n".join(out))
