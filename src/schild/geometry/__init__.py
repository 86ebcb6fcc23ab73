"""Geometry below both the compiler and the engine: flight paths, horizons, path sampling.

``steps`` stays free of numpy so that ``schild validate`` can size a scenario without loading numerical
libraries; ``paths`` and ``horizon`` use numpy (and pyproj for geodesics). Import the modules directly.
"""
