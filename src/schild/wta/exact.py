"""Exact WTA by column generation over per-target plans, closed by column enumeration.

Model (Dantzig-Wolfe over targets): a *plan* for target j is an integer
vector x_j of units per weapon type; its cost is ``v_j prod_i q_ij**x_ij +
c . x_j``.  The master chooses one plan per target subject to weapon
capacities.  Its LP relaxation is solved by column generation; pricing is an
exact depth-first search (``_pricing``).  For any prices ``lam >= 0`` the
Lagrangian value ``sum_j min_plan(cost + lam . x_j) - lam . units`` is a valid
lower bound ``LB``.  Every plan in a solution of value ``<= UB`` has priced
cost within ``UB - LB`` of its target's minimum, so enumerating exactly those
plans and solving the set-partitioning MIP with HiGHS proves optimality
without writing a branch-and-price tree.
"""

from __future__ import annotations

import contextlib
import os
import time

import highspy
import numpy as np

from ._pricing import price_all, price_until, search_plans
from .heuristic import arrays, marginal_unit_values, solve_heuristic
from .problem import WTAProblem, WTASolution, relative_gap

MAX_ENUM_COLUMNS = 2_000_000  # total enumerated plans before giving up on a round
PRICING_NODES = 20_000  # per-target search nodes in pricing; beyond, fall back on the relaxation
PRICE_CHUNK = 16  # targets priced between deadline checks (64: ~4-15 ms at 100 x 200 x 3)
ENUM_NODES = 50_000_000
SEED_SINGLES = 10  # best single-unit plans per target put in the first master
ALPHA = 0.8
MIP_MIN_S = 0.01  # shortest MIP time limit given to HiGHS
MIP_REL_GAP = 1e-6  # HiGHS's relative gap for the plan MIPs (tighter when the caller asks for it)
RESET_AFTER = 15  # CG iterations without a better bound before re-centring


@contextlib.contextmanager
def _quiet_stdout():
    """HiGHS prints a banner on construction; keep CLI/JSON output clean."""
    try:
        fd = os.dup(1)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            try:
                yield
            finally:
                os.dup2(fd, 1)
    finally:
        os.close(fd)


def new_highs(threads: int = 1) -> highspy.Highs:
    with _quiet_stdout():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", threads)
    return h


class PlanPool:
    """Columns of the master: target, plan cost (survival value + unit cost), plan."""

    def __init__(self, m: int, n: int):
        self.m, self.n = m, n
        self.target: list[int] = []
        self.cost: list[float] = []
        self.weapons: list[np.ndarray] = []
        self.counts: list[np.ndarray] = []
        self._seen: dict = {}

    def __len__(self) -> int:
        return len(self.target)

    def add(self, j: int, cost: float, weapons: np.ndarray, counts: np.ndarray) -> bool:
        key = (j, weapons.tobytes(), counts.tobytes())
        if key in self._seen:
            return False
        self._seen[key] = len(self.target)
        self.target.append(int(j))
        self.cost.append(float(cost))
        self.weapons.append(np.asarray(weapons, dtype=np.int64).copy())
        self.counts.append(np.asarray(counts, dtype=np.int64).copy())
        return True

    def start_vector(self, x: np.ndarray) -> np.ndarray | None:
        """0/1 column values that represent assignment x, or None if a plan is missing."""
        y = np.zeros(len(self.target))
        for j in range(self.n):
            w = np.nonzero(x[:, j])[0].astype(np.int64)
            k = self._seen.get((j, w.tobytes(), x[w, j].astype(np.int64).tobytes()))
            if k is None:
                return None
            y[k] = 1.0
        return y

    def csc(self, start: int):
        """Columns from ``start`` on, in HiGHS CSC form (rows: n convexity, then m capacity)."""
        starts, idx, val = [], [], []
        nnz = 0
        for k in range(start, len(self.target)):
            starts.append(nnz)
            idx.append(self.target[k])
            val.append(1.0)
            idx.extend((self.n + self.weapons[k]).tolist())
            val.extend(self.counts[k].astype(float).tolist())
            nnz += 1 + len(self.weapons[k])
        return (np.array(starts, dtype=np.int32), np.array(idx, dtype=np.int32),
                np.array(val, dtype=np.float64))


def _plan_cost(values, q, ucost, j, weapons, counts) -> float:
    surv = float(np.prod(q[weapons, j] ** counts)) if len(weapons) else 1.0
    return float(values[j] * surv + np.dot(ucost[weapons], counts))


def _add_solution_plans(pool: PlanPool, x, values, q, ucost) -> None:
    for j in range(x.shape[1]):
        w = np.nonzero(x[:, j])[0].astype(np.int64)
        c = x[w, j].astype(np.int64)
        pool.add(j, _plan_cost(values, q, ucost, j, w, c), w, c)


class Master:
    """The restricted master in HiGHS, grown column by column."""

    def __init__(self, pool: PlanPool, units: np.ndarray, lp_solver: str = "simplex"):
        self.pool = pool
        self.h = new_highs()
        if lp_solver != "simplex":
            # Interior point (with crossover, for vertex duals): ~2.5x faster on large pools.
            self.h.setOptionValue("solver", lp_solver)
        m, n = pool.m, pool.n
        lower = np.concatenate((np.ones(n), np.full(m, -np.inf)))
        upper = np.concatenate((np.ones(n), units.astype(float)))
        self.h.addRows(n + m, lower, upper, 0, np.zeros(0, dtype=np.int32),
                       np.zeros(0, dtype=np.int32), np.zeros(0))
        self.n_cols = 0
        self.sync()

    def sync(self) -> None:
        k = len(self.pool) - self.n_cols
        if k <= 0:
            return
        starts, idx, val = self.pool.csc(self.n_cols)
        cost = np.array(self.pool.cost[self.n_cols:])
        self.h.addCols(k, cost, np.zeros(k), np.full(k, np.inf), len(idx), starts, idx, val)
        self.n_cols += k

    def solve_lp(self, time_limit_s: float = float("inf")):
        """LP optimum, row duals and weapon prices; ``None`` if the time limit stops HiGHS first."""
        self.sync()
        self.h.setOptionValue("time_limit", max(1e-3, float(time_limit_s)))
        self.h.run()
        if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        sol = self.h.getSolution()
        dual = np.array(sol.row_dual)
        n = self.pool.n
        sigma = dual[:n]
        lam = np.maximum(0.0, -dual[n:])
        return self.h.getInfo().objective_function_value, sigma, lam, np.array(sol.col_value)

    def solve_mip(self, time_limit_s: float, x_start=None, rel_gap: float = MIP_REL_GAP):
        """Set-partitioning MIP over the pool; returns (status, obj, bound, chosen columns)."""
        self.sync()
        h = new_highs()
        lp = self.h.getLp()
        lp.integrality_ = [highspy.HighsVarType.kInteger] * lp.num_col_
        h.passModel(lp)
        h.setOptionValue("time_limit", max(MIP_MIN_S, float(time_limit_s)))
        h.setOptionValue("mip_rel_gap", float(rel_gap))
        h.setOptionValue("mip_abs_gap", 1e-9)
        if x_start is not None:
            start = self.pool.start_vector(x_start)
            if start is not None:
                h.setSolution(_as_highs_solution(start))
        h.run()
        info = h.getInfo()
        status = h.modelStatusToString(h.getModelStatus())
        cols = None
        if info.primal_solution_status == 2:  # feasible
            cols = np.nonzero(np.array(h.getSolution().col_value) > 0.5)[0]
        return status, info.objective_function_value, info.mip_dual_bound, cols


def _as_highs_solution(col_values):
    sol = highspy.HighsSolution()
    sol.col_value = list(map(float, col_values))
    sol.value_valid = True
    return sol


def _x_from_columns(pool: PlanPool, cols) -> np.ndarray:
    x = np.zeros((pool.m, pool.n), dtype=np.int64)
    for k in cols:
        x[pool.weapons[k], pool.target[k]] += pool.counts[k]
    return x


def _lagrangian(data, lam, max_nodes):
    """Per-target minimum priced cost (or a bound on it) and plans at prices ``lam``."""
    values, q, allowed, units, caps, ucost = data
    lower, costs, st, w, c = price_all(values, q, np.ascontiguousarray(lam + ucost), units,
                                       allowed, caps, max_nodes)
    return lower, float(lower.sum() - np.dot(lam, units)), costs, st, w, c


def _lagrangian_until(data, lam, max_nodes, deadline):
    """``_lagrangian`` priced in chunks of targets, or ``None`` once ``deadline`` passes."""
    values, q, allowed, units, caps, ucost = data
    res = price_until(values, q, np.ascontiguousarray(lam + ucost), units, allowed, caps, max_nodes,
                      deadline, PRICE_CHUNK)
    if res is None:
        return None
    lower, costs, st, w, c = res
    return lower, float(lower.sum() - np.dot(lam, units)), costs, st, w, c


def _price_round(pool: PlanPool, data, sigma, lam_lp, lam_price, tol, deadline=None):
    """Price at ``lam_price``; add plans whose reduced cost at the LP duals is negative.

    Returns (columns added, Lagrangian bound at ``lam_price``). With a ``deadline``
    (perf_counter) the pricing runs in chunks and a round cut short returns ``(0, -inf)``.
    """
    values, q, allowed, units, caps, ucost = data
    if deadline is None:
        lower, bound, costs, st, w, c = _lagrangian(data, lam_price, PRICING_NODES)
    else:
        res = price_until(values, q, np.ascontiguousarray(lam_price + ucost), units, allowed, caps,
                          PRICING_NODES, deadline, PRICE_CHUNK)
        if res is None:
            return 0, -np.inf
        lower, costs, st, w, c = res
        bound = float(lower.sum() - np.dot(lam_price, units))
    added = 0
    for j in range(q.shape[1]):
        ww, cc = w[st[j]:st[j + 1]], c[st[j]:st[j + 1]]
        rc = costs[j] + float(np.dot(lam_lp[ww] + ucost[ww], cc)) - sigma[j]
        if rc < -tol and pool.add(j, costs[j] + float(np.dot(ucost[ww], cc)), ww, cc):
            added += 1
    return added, bound


def _enumerate(pool: PlanPool, data, lam, min_priced, delta, budget, deadline=np.inf,
               max_nodes=ENUM_NODES):
    """Add every plan with priced cost within ``delta`` of its target's minimum.

    Returns the number of plans, ``-1`` when more than ``budget`` plans or ``max_nodes`` search
    nodes for one target would be needed (the window's bound would not be valid), or ``-2`` once
    ``deadline`` (perf_counter, checked between targets) passes.
    """
    values, q, allowed, units, caps, ucost = data
    lam_eff = np.ascontiguousarray(lam + ucost)
    total = 0
    for j in range(q.shape[1]):
        if time.perf_counter() >= deadline:
            return -2
        ub = np.where(allowed[:, j], units, 0).astype(np.int64)
        nf, cost, red, st, w, ct, complete, _ = search_plans(
            values[j], np.ascontiguousarray(q[:, j]), lam_eff, ub, int(caps[j]),
            float(min_priced[j]), float(delta), False, budget - total, max_nodes)
        if nf < 0 or not complete:
            return -1
        total += nf
        for r in range(nf):
            ww, cc = w[st[r]:st[r + 1]], ct[st[r]:st[r + 1]]
            pool.add(j, cost[r] + float(np.dot(ucost[ww], cc)), ww, cc)
    return total


def column_generation(problem: WTAProblem, data, best_x, deadline, log, tol):
    """Stabilised (Wentges smoothing) column generation for the master LP.

    Returns (pool, best prices, Lagrangian bound at them, LP value).
    """
    values, q, allowed, units, caps, ucost = data
    m, n = q.shape
    pool = PlanPool(m, n)
    for j in range(n):
        pool.add(j, float(values[j]), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    _add_solution_plans(pool, best_x, values, q, ucost)
    # Seed with each target's best single-unit plans, and with the best plans under
    # the heuristic's marginal unit values, which also start the dual smoothing.
    gain = values[None, :] * (1.0 - q) - ucost[:, None]
    gain[~allowed] = -np.inf
    k = min(SEED_SINGLES, m)
    top = np.argpartition(-gain, k - 1, axis=0)[:k] if k < m else np.tile(np.arange(m)[:, None], n)
    one = np.ones(1, dtype=np.int64)
    for j in range(n):
        for i in top[:, j]:
            if gain[i, j] > 0 and caps[j] >= 1:
                pool.add(j, float(values[j] * q[i, j] + ucost[i]), np.array([i], dtype=np.int64), one)
    center = marginal_unit_values(problem, best_x)
    best_lb = -np.inf
    first = _lagrangian_until(data, center, PRICING_NODES, deadline)
    if first is not None:
        _, best_lb, costs0, st0, w0, c0 = first
        for j in range(n):
            ww, cc = w0[st0[j]:st0[j + 1]], c0[st0[j]:st0[j + 1]]
            pool.add(j, costs0[j] + float(np.dot(ucost[ww], cc)), ww, cc)
    master = Master(pool, units)
    z_lp = np.inf
    it = stall = 0
    while time.perf_counter() < deadline:
        it += 1
        lp = master.solve_lp(deadline - time.perf_counter())
        if lp is None:  # out of time
            break
        z_lp, sigma, lam_lp, _ = lp
        if z_lp - best_lb <= tol * max(1.0, abs(z_lp)):
            break
        if center is None or stall >= RESET_AFTER:
            center, stall = lam_lp, 0  # (re)start the smoothing from the LP duals
        a = ALPHA
        improved = False
        while True:
            lam_price = a * center + (1.0 - a) * lam_lp
            added, bound = _price_round(pool, data, sigma, lam_lp, lam_price, tol, deadline)
            if bound > best_lb + tol:
                best_lb, center, improved = bound, lam_price, True
            if added or a == 0.0 or time.perf_counter() >= deadline:
                break
            a = 0.0 if a < 0.1 else a * 0.5  # mispricing: move towards the LP duals
        stall = 0 if improved else stall + 1
        if it % 10 == 0 or added == 0:
            log(f"CG it {it}: LP {z_lp:.6f} LB {best_lb:.6f} cols {len(pool)} (+{added})")
        if added == 0:
            break
    return pool, master, center, best_lb, z_lp


def solve_exact(problem: WTAProblem, time_limit_s: float = 600.0, seed: int | None = None,
                rel_gap: float = 1e-4, verbose: bool = False) -> WTASolution:
    """Column generation + reduced-cost column enumeration + HiGHS set-partitioning MIP."""
    t0 = time.perf_counter()
    deadline = t0 + float(time_limit_s)
    data = arrays(problem)
    m, n = data[1].shape

    def log(msg):
        if verbose:
            print(f"[{time.perf_counter() - t0:8.2f}s] {msg}", flush=True)

    heur = solve_heuristic(problem, time_limit_s=min(1.0, 0.05 * time_limit_s), seed=seed,
                           with_bound=False, close=False)
    best_x, ub = heur.x, heur.objective
    log(f"heuristic UB {ub:.6f}")
    if m == 0 or n == 0:
        return WTASolution(best_x, ub, ub, 0.0, True, time.perf_counter() - t0, "exact", "trivial")
    if heur.proven_optimal:  # e.g. one unit per target at most: solved by min-cost flow
        return WTASolution(best_x, ub, heur.lower_bound, heur.gap, True, time.perf_counter() - t0,
                           "exact", heur.status)
    best_x, low, stat = close_gap(problem, data, best_x, deadline, rel_gap, log)
    obj = problem.objective(best_x)
    gap = relative_gap(obj, low)
    return WTASolution(x=best_x, objective=obj, lower_bound=low, gap=gap,
                       proven_optimal=gap <= rel_gap, status=stat,
                       time_s=time.perf_counter() - t0, method="exact")


def close_gap(problem: WTAProblem, data, best_x, deadline, rel_gap, log=lambda msg: None,
              margin_s=1.0, max_columns=MAX_ENUM_COLUMNS, max_nodes=ENUM_NODES, per_s_left=False,
              mip_share=1.0, mip_reserve_s=0.0):
    """Improve ``best_x`` and prove it within ``rel_gap`` by ``deadline`` (perf_counter).

    Column generation, a restricted-master MIP, then MIPs over growing reduced-cost windows;
    a window starts only with more than ``margin_s`` left and is given up beyond
    ``max_columns`` plans or ``max_nodes`` search nodes for one target (with ``per_s_left``:
    that many per second left when the step starts).  A MIP gets ``mip_share``
    of its time share less ``mip_reserve_s`` (HiGHS's setup and overrun) and is skipped below
    ``MIP_MIN_S``.
    Returns ``(x, lower_bound, status)`` with ``lower_bound <= objective(x)`` (``-inf`` when no
    column generation round finished in time).
    """
    values, q, allowed, units, caps, ucost = data
    m, n = q.shape
    ub = problem.objective(best_x)
    tol = 1e-9 * max(1.0, float(values.max()))
    mip_gap = min(MIP_REL_GAP, rel_gap)

    def caps():
        if not per_s_left:
            return max_columns, max_nodes
        left = max(0.0, deadline - time.perf_counter())
        return max(1, int(max_columns * left)), max(1, int(max_nodes * left))
    pool, master, lam, lb, z_lp = column_generation(problem, data, best_x, deadline, log, tol)

    def finish(stat):
        return best_x, min(lb, ub), stat

    # Exact per-target minima at the best prices anchor the enumeration.
    anchor = _lagrangian_until(data, lam, caps()[1], deadline)
    if anchor is None:
        return finish("time limit in column generation")
    priced, lb_anchor, *_ = anchor
    lb = max(lb, lb_anchor)
    log(f"LP {z_lp:.6f}, Lagrangian bound {lb:.6f}, pool {len(pool)}")
    if relative_gap(ub, lb) <= rel_gap:
        return finish("optimal after column generation")
    # A better incumbent from the restricted master MIP shrinks the enumeration.
    limit = mip_share * min(0.1 * (deadline - time.perf_counter()), 60.0) - mip_reserve_s
    st, cols = "skipped", None
    if limit >= MIP_MIN_S:
        st, _obj, _bound, cols = master.solve_mip(limit, best_x, mip_gap)
    if cols is not None and problem.objective(_x_from_columns(pool, cols)) < ub:
        best_x = _x_from_columns(pool, cols)
        ub = problem.objective(best_x)
    log(f"restricted MIP: {st} UB {ub:.6f}")
    if relative_gap(ub, lb) <= rel_gap:
        return finish("optimal after restricted master MIP")
    # Grow the reduced-cost window: a MIP over plans within delta of their minima
    # is exact for all solutions of value <= lb_anchor + delta, so a small window
    # usually proves optimality at a fraction of the full enumeration's size.
    delta = (ub - lb_anchor) / 8.0
    while True:
        delta = min(delta, ub - lb_anchor) + tol
        if time.perf_counter() > deadline - margin_s:
            return finish("time limit")
        enum_pool = PlanPool(m, n)
        _add_solution_plans(enum_pool, best_x, values, q, ucost)
        col_cap, node_cap = caps()
        n_enum = _enumerate(enum_pool, data, lam, priced, delta, col_cap, deadline, node_cap)
        log(f"enumerated {n_enum} plans within {delta:.6g}")
        if n_enum == -2:
            return finish("time limit in the plan enumeration")
        if n_enum < 0:
            return finish("enumeration too large; bound from column generation only")
        final = Master(enum_pool, units)
        limit = mip_share * (deadline - time.perf_counter()) - mip_reserve_s
        if limit < MIP_MIN_S:
            return finish("time limit")
        st, obj, bound, cols = final.solve_mip(limit, best_x, mip_gap)
        if cols is not None:
            x_new = _x_from_columns(enum_pool, cols)
            if problem.objective(x_new) < ub:
                best_x, ub = x_new, problem.objective(x_new)
            # Solutions of value <= lb_anchor + delta use only enumerated plans.
            lb = max(lb, min(ub, bound, lb_anchor + delta))
        log(f"MIP ({st}): UB {ub:.6f} LB {lb:.6f}")
        if relative_gap(ub, lb) <= rel_gap:
            return finish(f"optimal: reduced-cost window {delta:.3g}, MIP {st}")
        if delta >= ub - lb_anchor or st != "Optimal":
            return finish(f"window MIP {st}")
        delta *= 2.0
