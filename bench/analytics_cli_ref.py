#!/usr/bin/env python3
"""numpy/scipy reference for `rapport analytics fit --model bgnbd --spend gammagamma` (bench/analytics-cli.ts).

Does the same work as the CLI, the way a careful numpy user would: read the summary with numpy's C CSV
reader, fit BG/NBD (Fader, Hardie & Lee 2005) and Gamma-Gamma by maximum likelihood (scipy BFGS on
log-parameters, the likelihood vectorised over the exact compression of identical (x, t_x, T) rows,
as `lifetimes` writes it), predict per distinct row (P(alive), expected purchases with scipy's hyp2f1,
P(purchase), the Gamma-Gamma conditional expected spend, a monthly discounted CLV as lifetimes'
customer_lifetime_value), and write one row per customer with np.savetxt. Prints the fit as JSON.

  python3 bench/analytics_cli_ref.py --summary s.csv --model bgnbd --spend gammagamma --horizon 39 \
    --months 12 --discount 0.01 --units-per-month 4.345 --out preds.csv
"""
import argparse
import json
import sys

import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln, hyp2f1

ap = argparse.ArgumentParser()
ap.add_argument("--summary", required=True)
ap.add_argument("--model", default="bgnbd")
ap.add_argument("--spend")
ap.add_argument("--horizon", type=float, default=1)
ap.add_argument("--months", type=int)
ap.add_argument("--discount", type=float, default=0.01)
ap.add_argument("--units-per-month", type=float)
ap.add_argument("--out", required=True)
o = ap.parse_args()
if o.model != "bgnbd":
    sys.exit("the reference does BG/NBD only")
t0 = time.perf_counter()


def lap(name):
    """Phase times on stderr (the bench reads stdout only)."""
    global t0
    t = time.perf_counter()
    print(f"{name}: {t - t0:.2f} s", file=sys.stderr)
    t0 = t


cols = ["customer_id", "frequency", "recency", "T"] + (["monetary_value"] if o.spend else [])
data = np.loadtxt(
    o.summary,
    delimiter=",",
    skiprows=1,
    usecols=range(len(cols)),
    dtype=[("id", "U24")] + [(c, "f8") for c in cols[1:]],
)
ids, x, tx, T = data["id"], data["frequency"], data["recency"], data["T"]
# exact compression: identical (x, t_x, T) rows are fitted once with a weight
# (a lexsort: np.unique(axis=0) sorts a void view and takes ~10 times as long)
order = np.lexsort((T, tx, x))
xs, txs, Ts = x[order], tx[order], T[order]
new = np.empty(len(order), bool)
new[:1] = True
new[1:] = (xs[1:] != xs[:-1]) | (txs[1:] != txs[:-1]) | (Ts[1:] != Ts[:-1])
group = np.cumsum(new) - 1
inv = np.empty(len(order), np.int64)
inv[order] = group
w = np.bincount(group).astype(float)
ux, utx, uT = xs[new], txs[new], Ts[new]
lap("read + compress")


def bg_ll(r, alpha, a, b, x, tx, T):
    A1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    A2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    A3 = -(r + x) * np.log(alpha + T)
    A4 = np.where(x > 0, np.log(a) - np.log(b + np.maximum(x, 1) - 1) - (r + x) * np.log(alpha + tx), -np.inf)
    return A1 + A2 + np.logaddexp(A3, A4)


total = w.sum()
res = minimize(
    lambda th: -np.sum(w * bg_ll(*np.exp(th), ux, utx, uT)) / total,
    np.zeros(4),
    method="BFGS",
    options={"gtol": 1e-8},
)
r, alpha, a, b = np.exp(res.x)
ll = float(np.sum(w * bg_ll(r, alpha, a, b, ux, utx, uT)))
lap("BG/NBD fit")


def p_alive(x, tx, T):
    return np.where(x > 0, 1 / (1 + (a / (b + np.maximum(x, 1) - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x)), 1.0)


def expected(t, x, tx, T):
    # lifetimes' conditional_expected_number_of_purchases_up_to_time
    hyp = hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
    num = (a + b + x - 1) / (a - 1) * (1 - hyp * ((alpha + T) / (alpha + t + T)) ** (r + x))
    den = 1 + (x > 0) * (a / (b + np.maximum(x, 1) - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x)
    return num / den


h = o.horizon
pa = p_alive(ux, utx, uT)
e_h = expected(h, ux, utx, uT)
p_buy = pa * (1 - ((alpha + uT) / (alpha + uT + h)) ** (r + ux))
report = {
    "model": "bgnbd",
    "params": {"r": r, "alpha": alpha, "a": a, "b": b},
    "logLikelihood": ll,
    "customers": int(total),
    "converged": bool(res.success),
}
out_cols = [ids, x, tx, T, pa[inv], e_h[inv], p_buy[inv]]
names = ["customer_id", "frequency", "recency", "T", "p_alive", f"expected_purchases_{h:g}", f"p_purchase_within_{h:g}"]
if o.spend:
    m = data["monetary_value"]
    keep = (x > 0) & (m > 0)
    gx, gm = x[keep], m[keep]

    def gg_ll(p, q, g):
        return (
            gammaln(p * gx + q) - gammaln(p * gx) - gammaln(q) + q * np.log(g)
            + (p * gx - 1) * np.log(gm) + p * gx * np.log(gx) - (p * gx + q) * np.log(gx * gm + g)
        )

    gres = minimize(lambda th: -np.mean(gg_ll(*np.exp(th))), np.zeros(3), method="BFGS", options={"gtol": 1e-8})
    p, q, g = np.exp(gres.x)
    spend = p * (g + x * m) / (p * x + q - 1)
    report["spend"] = {
        "model": "gammagamma",
        "params": {"p": p, "q": q, "gamma": g},
        "logLikelihood": float(np.sum(gg_ll(p, q, g))),
        "customers": int(keep.sum()),
        "converged": bool(gres.success),
    }
    out_cols.append(spend)
    names.append("expected_spend")
    if o.months is not None:
        u = o.units_per_month
        disc = np.zeros(len(ux))
        prev = np.zeros(len(ux))
        for i in range(1, o.months + 1):
            cur = expected(i * u, ux, utx, uT)
            disc += (cur - prev) / (1 + o.discount) ** i
            prev = cur
        out_cols.append(spend * disc[inv])
        names.append(f"clv_{o.months}m")
        report["clv"] = {"months": o.months, "discountRate": o.discount, "unitsPerMonth": u}
lap("predictions, Gamma-Gamma, CLV")

table = np.empty(len(ids), dtype=[(n, "U24" if n == "customer_id" else "f8") for n in names])
for n, c in zip(names, out_cols):
    table[n] = c
np.savetxt(o.out, table, delimiter=",", header=",".join(names), comments="", fmt=["%s"] + ["%.17g"] * (len(names) - 1))
lap("write")
print(json.dumps(report, indent=2))
