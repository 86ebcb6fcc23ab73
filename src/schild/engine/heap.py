"""A binary min-heap on plain arrays, for the engine's event queue (numba-compiled)."""

from __future__ import annotations

import numba as nb


@nb.njit(cache=True, inline="always")
def heap_push(keys, vals, size, key, val):
    """Push (key, val); ``size`` is a one-element array holding the heap's length."""
    i = size[0]
    size[0] += 1
    keys[i] = key
    vals[i] = val
    while i > 0:
        parent = (i - 1) >> 1
        if keys[parent] <= keys[i]:
            break
        keys[parent], keys[i] = keys[i], keys[parent]
        vals[parent], vals[i] = vals[i], vals[parent]
        i = parent


@nb.njit(cache=True, inline="always")
def heap_pop(keys, vals, size):
    """Remove and return the smallest (key, val)."""
    key, val = keys[0], vals[0]
    size[0] -= 1
    n = size[0]
    keys[0] = keys[n]
    vals[0] = vals[n]
    i = 0
    while True:
        left = 2 * i + 1
        if left >= n:
            break
        child = left
        if left + 1 < n and keys[left + 1] < keys[left]:
            child = left + 1
        if keys[i] <= keys[child]:
            break
        keys[child], keys[i] = keys[i], keys[child]
        vals[child], vals[i] = vals[i], vals[child]
        i = child
    return key, val
