"""Azimuth sectors and bearings: what a sensor sees or a fire unit covers, in degrees from north, clockwise."""

from __future__ import annotations

import numpy as np

from .paths import GEOD


def bearing_and_distance(site_lat: float, site_lon: float, lat: np.ndarray,
                         lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Azimuth from a site to each point (degrees from north, clockwise, in [0, 360)) and the ground
    distance (m), along the WGS-84 geodesic."""
    n = len(lat)
    az, _, d = GEOD.inv(np.full(n, site_lon), np.full(n, site_lat), lon, lat)
    return np.mod(np.asarray(az, dtype=float), 360.0), np.asarray(d, dtype=float)


def in_sector(az_deg: np.ndarray, centre_deg: float, width_deg: float) -> np.ndarray:
    """Whether each azimuth lies inside the sector (edges included); a width of 360 is all round."""
    az = np.asarray(az_deg, dtype=float)
    if width_deg >= 360.0:
        return np.ones(az.shape, np.bool_)
    gap = np.abs(np.mod(az - centre_deg + 180.0, 360.0) - 180.0)
    return gap <= width_deg / 2.0


def sector_mask(sector: object | None, az_deg: np.ndarray, ground_m: np.ndarray) -> np.ndarray:
    """The points inside a site's ``sector`` (a scenario ``Sector``, or None for all round); a point right
    over the site (under 1 m away on the ground) has no azimuth and counts as inside."""
    if sector is None:
        return np.ones(len(az_deg), np.bool_)
    return in_sector(az_deg, sector.centre_deg, sector.width_deg) | (ground_m < 1.0)
