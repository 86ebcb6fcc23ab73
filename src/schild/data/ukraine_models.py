"""Weapon names of the Ukrainian Air Force reports mapped to schild threat types and classes.

The names are those of Petro Ivaniuk's dataset "Massive Missile Attacks on Ukraine" (Kaggle user
piterfm), which transcribes the reports; a few public aliases (Latin ``Kh-``, ``S-300``, Geran, ...)
are listed too. Each entry is ``name: (threat_type, class, note)``. ``threat_type`` follows the ids of
schild's catalogue where one exists (``shahed_136``, ``kh_101``, ``iskander_m``, ...), otherwise a
lowercase id of our own. ``note`` says why an ambiguous entry is mapped as it is; see
``docs/data-ukraine.md`` for the full reasoning.

Names joined by " and " ("X-101/X-555 and Kalibr"; also "&", "+", a comma or a semicolon) are *lumped* rows: the loader splits them into
their parts, each looked up here. A slash ("X-59/X-69") is a single entry: the reports themselves do
not tell the variants apart, so the pair maps to one representative type id.

Classes (``CLASSES``):

- ``drone``: long-range one-way attack drones and their decoys (Shahed/Geran family, Gerbera, jet
  Geran-3). The Air Force counts "Shahed-type attack UAVs and decoy drones of various types" together.
- ``tactical_uav``: reconnaissance and tactical UAVs, loitering munitions of the front (Orlan, ZALA,
  Supercam, Lancet, Molniya, ...), and the unnamed "Unknown UAV" of the regional commands.
- ``cruise``: subsonic land-attack cruise missiles (Kh-101/555, Kalibr, Kh-59/69, Iskander-K).
- ``anti_ship_cruise``: anti-ship cruise missiles fired at land targets (Kh-22/32, Oniks, Zircon,
  Kh-35); mostly supersonic with steep terminal dives, almost never intercepted: kept apart so they do
  not dilute the cruise class.
- ``anti_radiation``: Kh-31P/PD (supersonic, short-range, anti-radiation), likewise kept apart.
- ``ballistic``: Iskander-M, KN-23, S-300/S-400 fired at ground targets, unnamed ballistic missiles.
- ``aeroballistic``: Kh-47M2 Kinzhal.
- ``glide_bomb``: guided and unguided aerial bombs when the reports list them.
- ``unspecified_missile``: "Unknown Missile": a missile the report could not identify.
- ``unknown``: a name this table does not know (reported by the loader, never dropped).
"""

from __future__ import annotations

import re

CLASSES: tuple[str, ...] = (
    "drone", "tactical_uav", "cruise", "anti_ship_cruise", "anti_radiation", "ballistic",
    "aeroballistic", "glide_bomb", "unspecified_missile", "unknown",
)

#: The schild catalogue class (``ThreatType.threat_class``) each report class corresponds to, for
#: comparing with simulations; None where the catalogue has no counterpart.
CATALOG_CLASS: dict[str, str | None] = {
    "drone": "drone", "tactical_uav": None, "cruise": "cruise", "anti_ship_cruise": "cruise",
    "anti_radiation": "cruise", "ballistic": "ballistic", "aeroballistic": "aeroballistic",
    "glide_bomb": None, "unspecified_missile": None, "unknown": None,
}

UNKNOWN_CLASS = "unknown"
UNKNOWN_TYPE = "unknown"

#: name -> (threat_type, class, note). Note "" = unambiguous.
MODEL_TABLE: dict[str, tuple[str, str, str]] = {
    # --- long-range attack drones and decoys -------------------------------------------------------
    "Shahed-136/131": ("shahed_136", "drone",
                       "the reports do not separate 136 from 131 nor, from autumn 2024, from decoy "
                       "drones ('Shahed-type UAVs and decoys of various types'); shahed_136 stands for "
                       "the mix, the class is what calibration uses"),
    "Shahed-136": ("shahed_136", "drone", ""),
    "Geran-2": ("shahed_136", "drone", "Russian-built Shahed-136"),
    "Shahed-131": ("shahed_131", "drone", ""),
    "Geran-1": ("shahed_131", "drone", "Russian-built Shahed-131"),
    "Geran-3": ("geran_3", "drone", "jet-powered Shahed variant"),
    "Shahed-238": ("geran_3", "drone", "jet Shahed, sold in Russia as Geran-3"),
    "Gerbera": ("gerbera_decoy", "drone", "decoy drone; class drone as the reports lump decoys in"),
    "Гербера": ("gerbera_decoy", "drone", "Gerbera in Cyrillic"),
    "Parodiya": ("gerbera_decoy", "drone", "Parodiya decoy drone; gerbera_decoy stands for decoys"),
    "Пародія": ("gerbera_decoy", "drone", "Parodiya in Cyrillic"),
    "Shahed": ("shahed_136", "drone", "Shahed-type, variant not named"),
    "Geran": ("shahed_136", "drone", "Geran-type, variant not named"),
    "Italmas": ("shahed_136", "drone", "Russian long-range one-way attack drone (assumption: flown and "
                                       "engaged like a Shahed; shahed_136 stands for it)"),
    "Італмас": ("shahed_136", "drone", "Italmas in Cyrillic"),
    "Garpiya-A1": ("shahed_136", "drone", "Russian-built Shahed-class drone (Harpy/Garpiya-A1); "
                                          "shahed_136 stands for it"),
    "Harpiya-A1": ("shahed_136", "drone", "transliteration of Garpiya-A1"),
    "Harpy-A1": ("shahed_136", "drone", "English name of Garpiya-A1"),
    # --- tactical and reconnaissance UAVs ----------------------------------------------------------
    "Orlan-10": ("orlan_10", "tactical_uav", ""),
    "Orlan-30": ("orlan_30", "tactical_uav", ""),
    "Supercam": ("supercam", "tactical_uav", ""),
    "ZALA": ("zala", "tactical_uav", "ZALA reconnaissance UAVs (ZALA 421-16 etc.)"),
    "Lancet": ("lancet", "tactical_uav", "loitering munition of the front line, not long-range"),
    "Kub": ("kub", "tactical_uav", "ZALA KUB loitering munition"),
    "Merlin-VR": ("merlin_vr", "tactical_uav", ""),
    "Молнія": ("molniya", "tactical_uav", "Molniya, small fixed-wing strike UAV of the front"),
    "Molniya": ("molniya", "tactical_uav", ""),
    "Forpost": ("forpost", "tactical_uav", "MALE reconnaissance UAV; few, grouped with tactical"),
    "Orion": ("orion", "tactical_uav", "MALE UCAV; few, grouped with tactical"),
    "Mohajer-6": ("mohajer_6", "tactical_uav", "Iranian MALE UAV; few, grouped with tactical"),
    "Eleron": ("eleron", "tactical_uav", ""),
    "Granat-4": ("granat_4", "tactical_uav", ""),
    "Reconnaissance UAV": ("recon_uav", "tactical_uav", "unnamed reconnaissance UAV"),
    "Картограф": ("kartograf", "tactical_uav", "Kartograf reconnaissance UAV"),
    "Привет-82": ("privet_82", "tactical_uav", "Privet-82 strike UAV of the front"),
    "Фенікс": ("feniks", "tactical_uav", "Feniks reconnaissance UAV"),
    "Unknown UAV": ("unknown_uav", "tactical_uav",
                    "AMBIGUOUS: 74 rows, 196 launched in 2022-09..2025-06 (0.5% of the drone count), "
                    "1-11 per row, two thirds from regional commands, often beside Orlan/Supercam rows "
                    "and by day; the national overnight reports name Shahed rows separately. Treated "
                    "as tactical"),
    # --- cruise missiles ---------------------------------------------------------------------------
    "X-101/X-555": ("kh_101", "cruise", "reports do not separate Kh-101 from Kh-555; kh_101 stands for both"),
    "X-101": ("kh_101", "cruise", ""),
    "X-555": ("kh_101", "cruise", "the catalogue's kh_101 covers the legacy Kh-555/Kh-55 too"),
    "Kalibr": ("kalibr", "cruise", ""),
    "X-59": ("kh_59", "cruise", ""),
    "X-59/X-69": ("kh_59", "cruise", "reports do not separate Kh-59 from its derivative Kh-69"),
    "X-69": ("kh_59", "cruise", "the catalogue's kh_59 is the Kh-59 family including Kh-69"),
    "X-59MK2": ("kh_59", "cruise", "a distinct design, but one row in the reports; catalogue family id"),
    "Iskander-K": ("iskander_k", "cruise", "9M728/9M729 ground-launched cruise missile"),
    "Banderol": ("banderol", "cruise", ""),
    # --- anti-ship cruise missiles used against land targets ---------------------------------------
    "X-22": ("kh_22", "anti_ship_cruise", "supersonic, steep dive; interception rare"),
    "X-32": ("kh_22", "anti_ship_cruise", "modernised Kh-22; the catalogue's kh_22 covers Kh-22/Kh-32"),
    "P-800 Oniks": ("p800_oniks", "anti_ship_cruise", ""),
    "3M22 Zircon": ("zircon", "anti_ship_cruise", "hypersonic anti-ship missile, fired at Kyiv"),
    "Zircon": ("zircon", "anti_ship_cruise", "3M22 Zircon"),
    "Oniks": ("p800_oniks", "anti_ship_cruise", "P-800 Oniks"),
    "X-35": ("kh_35", "anti_ship_cruise", "subsonic sea-skimmer; anti-ship design, few launches"),
    # --- anti-radiation ---------------------------------------------------------------------------
    "X-31P": ("kh_31p", "anti_radiation", "supersonic anti-radiation missile, not a cruise missile"),
    "X-31PD": ("kh_31p", "anti_radiation", "longer-range Kh-31P"),
    "X-31": ("kh_31p", "anti_radiation", "AMBIGUOUS: variant not named; the Kh-31 fired at Ukraine "
                                         "are mostly the anti-radiation Kh-31P"),
    # --- ballistic ---------------------------------------------------------------------------------
    "Iskander-M": ("iskander_m", "ballistic", ""),
    "KN-23": ("kn_23", "ballistic", ""),
    "Iskander-M/KN-23": ("iskander_m", "ballistic",
                         "reports do not separate Iskander-M from KN-23; iskander_m stands for both"),
    "C-300": ("s300_ground_attack", "ballistic", "S-300 SAM fired at ground targets (Cyrillic-style C)"),
    "S-300": ("s300_ground_attack", "ballistic", ""),
    "C-400": ("s400_ground_attack", "ballistic", "S-400 SAM fired at ground targets"),
    "S-400": ("s400_ground_attack", "ballistic", ""),
    "C-300/C-400": ("s300_ground_attack", "ballistic", "reports do not separate S-300 from S-400"),
    "Ballistic Missile": ("ballistic_unspecified", "ballistic", "ballistic, type not named"),
    "Intercontinental Ballistic Missile": (
        "oreshnik", "ballistic",
        "the one row (2024-11-21, Dnipro) is the strike later identified as Oreshnik (IRBM)"),
    # --- aeroballistic -----------------------------------------------------------------------------
    "X-47 Kinzhal": ("kinzhal", "aeroballistic", ""),
    "X-47M2 Kinzhal": ("kinzhal", "aeroballistic", ""),
    "X-47M2": ("kinzhal", "aeroballistic", "Kh-47M2 Kinzhal"),
    "Kinzhal": ("kinzhal", "aeroballistic", ""),
    # --- bombs -------------------------------------------------------------------------------------
    "GBU": ("guided_bomb", "glide_bomb", "guided aerial bombs (KAB/UMPK) when listed"),
    "KAB": ("guided_bomb", "glide_bomb", ""),
    "Aerial Bomb": ("aerial_bomb", "glide_bomb", "bomb type not named; one regional row"),
    # --- unidentified missiles ---------------------------------------------------------------------
    "Unknown Missile": ("unknown_missile", "unspecified_missile",
                        "AMBIGUOUS: 25 rows, 89 launched; mostly from Belgorod/Kursk at Sumy and "
                        "Kharkiv, rarely intercepted (ballistic-like), but one row mixes Tu-95MS and "
                        "Iskander-M launches; kept in its own class so it biases neither"),
}

_HOMOGLYPHS = str.maketrans({"х": "x", "с": "c", "а": "a", "е": "e", "о": "o", "р": "p", "к": "k",
                             "м": "m", "т": "t", "і": "i"})
_LUMP_SPLIT = re.compile(r"\s*[,;]\s*|\s+(?:and|&|\+)\s+", re.IGNORECASE)


def normalise_name(name: str) -> str:
    """The lookup key of a model name: case, spaces, ``Kh-``/``X-`` and Cyrillic look-alikes folded."""
    key = " ".join(str(name).split()).casefold().translate(_HOMOGLYPHS)
    key = re.sub(r"\bkh-", "x-", key)
    key = re.sub(r"\s*/\s*", "/", key)
    # "X-59/69", "Kh-101/555": a bare number after a slash continues the missile family prefix
    prev = None
    while prev != key:
        prev, key = key, re.sub(r"\bx-(\w+)/(\d)", r"x-\1/x-\2", key)
    return key


def split_lumped(name: str) -> list[str]:
    """The parts of a lumped name ("A and B", "A & B", "A + B", "A, B", "A; B" -> ["A", "B"]); a single
    name gives itself. Commas and semicolons count too: no name in the table has one, and a later
    release that lists models with commas must not turn a whole drone row into an unknown name."""
    parts = [p.strip() for p in _LUMP_SPLIT.split(str(name).strip())]
    return [p for p in parts if p] or [str(name).strip()]


def split_slashed(name: str, lookup: dict[str, tuple[str, str]]) -> list[str] | None:
    """Known names that, joined by "/", make up ``name`` ("X-101/X-555/Kalibr" -> ["X-101/X-555", "Kalibr"]).

    Reports also lump models with slashes, and a slash also belongs to some single names
    ("Shahed-136/131", "X-59/X-69"): the decomposition with the fewest parts, each a name the table
    knows, is used; None if there is none (the name stays unknown and is reported).
    """
    pieces = [p.strip() for p in str(name).split("/")]
    if len(pieces) < 2 or not all(pieces):
        return None
    n = len(pieces)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(1, n + 1):
        for start in range(end):
            head = best[start]
            cand = "/".join(pieces[start:end])
            if head is not None and normalise_name(cand) in lookup:
                if best[end] is None or len(head) + 1 < len(best[end]):
                    best[end] = head + [cand]
    out = best[n]
    return out if out is not None and len(out) > 1 else None


def build_lookup(table: dict[str, tuple[str, str, str]] | None = None) -> dict[str, tuple[str, str]]:
    """Normalised name -> (threat_type, class)."""
    table = MODEL_TABLE if table is None else table
    return {normalise_name(k): (v[0], v[1]) for k, v in table.items()}
