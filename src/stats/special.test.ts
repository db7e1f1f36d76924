/**
 * Special functions against high-precision references (mpmath 1.3, 40 digits, evaluated at
 * the same double-precision inputs), and the models' closed forms at extreme inputs
 * (x up to 5,000; t, T up to 1e5) against mpmath evaluations of the textbook formulas.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  bgnbdConditionalExpected,
  bgnbdExpected,
  bgnbdProbabilityAlive,
  digamma,
  hyp2f1,
  lbeta,
  lgamma,
  log2F1PlusOne,
  log2F1PlusOneGrad,
  logAddExp,
  logSubExp,
  logSumExp,
  paretoNbdLogLikelihood,
  paretoNbdProbabilityAlive,
} from './index.ts';

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('lgamma, digamma, lbeta', () => {
  const ref: [number, number, number][] = [
    [1e-8, 18.42068073818021, -100000000.57721564],
    [0.1, 2.252712651734206, -10.423754940411076],
    [0.5, 0.5723649429247001, -1.9635100260214235],
    [1, 0, -0.5772156649015329],
    [1.5, -0.12078223763524522, 0.03648997397857652],
    [2, 0, 0.42278433509846713],
    [3.7, 1.428072326665388, 1.1671535393615113],
    [10, 12.801827480081469, 2.251752589066721],
    [50.5, 146.51925549072064, 3.912039670928392],
    [1000, 5905.220423209181, 6.907255195648812],
    [1e6, 12815504.569147611, 13.815510057964191],
  ];
  it.each(ref)('x = %d', (x, lg, dg) => {
    expect(Math.abs(lgamma(x) - lg)).toBeLessThan(4e-15 * Math.max(1, Math.abs(lg)));
    expect(Math.abs(digamma(x) - dg)).toBeLessThan(4e-15 * Math.max(1, Math.abs(dg)));
  });
  it('lbeta and domain', () => {
    expect(lbeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 14);
    expect(lgamma(0)).toBe(Infinity);
    expect(lgamma(-1)).toBeNaN();
  });
  // 38 points from 0.013 to 1,488 (x ← 1.37·x), tabulated with mpmath 1.3 at 40 digits: a fixture in the
  // repository, so this comparison always runs (it used to need an optional package and passed without it).
  const table = readFileSync(
    path.resolve(import.meta.dirname, '../../test/fixtures/special/lgamma-digamma-mpmath.csv'),
    'utf8',
  )
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',').map(Number) as [number, number, number]);
  it('agrees with the mpmath table from x = 0.013 to 1,488', () => {
    expect(table).toHaveLength(38);
    for (const [x, lg, dg] of table) {
      expect(Math.abs(lgamma(x) - lg)).toBeLessThan(1e-13 * Math.max(1, Math.abs(lg)));
      expect(Math.abs(digamma(x) - dg)).toBeLessThan(1e-13 * Math.max(1, Math.abs(dg)));
    }
  });
});

describe('log-space helpers', () => {
  it('logAddExp / logSubExp / logSumExp', () => {
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logAddExp(-Infinity, 3)).toBe(3);
    expect(logSubExp(Math.log(3), 0)).toBeCloseTo(Math.log(2), 15);
    expect(logSubExp(1e-20, 0)).toBeCloseTo(Math.log(1e-20), 10);
    expect(logSubExp(2, 2)).toBe(-Infinity);
    expect(logSumExp([-1000, -1000, -1000])).toBeCloseTo(-1000 + Math.log(3), 12);
  });
});

describe('Gauss hypergeometric', () => {
  it.each([
    [1, 1, 2, 0.5, 1.3862943611198906],
    [1.976, -0.207, 1.2, 0.3, 0.8763860302359],
    [1.976, -0.207, 1.2, 0.99999, -178.6300628037005],
    [1.976, -0.207, 1.2, 0.999999999, -33859.912972522055],
    [3.2, 0.5, 6.1, 0.97, 1.5256142779028699],
    [1.976, -0.207, 5000, 0.99999, 0.9999181751070858],
    [50, 2, 60, 0.999, 46.857348274007315],
    [0.5, 0.5, 0.7, 0.9999, 19.323974530644982],
  ])('₂F₁(%d, %d; %d; %d)', (a, b, c, z, ref) => {
    expect(rel(hyp2f1(a, b, c, z), ref)).toBeLessThan(1e-12);
  });
  it.each([
    [1, 1, 0.5, 0.326634259978281],
    [1.8, 1.6, 0.95, 2.613244661760737],
    [1.8, 1.6, 0.999999, 9.387356268503295],
    [5001.8, 1.6, 0.5, 1.108715782956264],
    [5001.8, 5001.2, 0.99, 23026.772280713165],
    [5001.8, 1.6, 0.999999, 17.234017382463648],
    [1.8, 1.2, 0.9999, 3.825885671204737],
  ])('log ₂F₁(%d, %d; a+1; %d)', (a, b, z, ref) => {
    expect(rel(log2F1PlusOne(a, b, z), ref)).toBeLessThan(1e-11);
  });
  // ∂/∂a, ∂/∂b, ∂/∂z of log ₂F₁(a, b; a+1; z) by mpmath (40 digits, numerical differentiation)
  it.each([
    [0.7, 0.3, 0.2, 0.022595345270731617, 0.08942965991566591, 0.14397503151608432],
    [0.7, 0.3, 0.99999, 0.269666730923692, 1.155835365657713, 15.95600357122218],
    [3.2, 7, 0.97, 0.30639305395891026, 3.342592692711692, 199.43433180109446],
    [40, 30, 0.999, 0.024964302097708703, 6.873322241689828, 29000.39266238989],
    [12.5, 1.6, 0.91, 0.03199295391760014, 2.0716892135732574, 12.692574374434493],
    [0.7, 30, 0.95, 1.4266869017080601, 2.961229282027625, 578.9354427853951],
    [1.8, 1.6, 0.5, 0.12985368277428305, 0.45212337665380425, 1.899180143597369],
    [250.5, 1.2, 0.3, 8.087070727235264e-6, 0.3549771921245548, 1.7046006263366182],
  ])('gradient of log ₂F₁(%d, %d; a+1; %d)', (a, b, z, da, db, dz) => {
    const g = new Float64Array(3);
    expect(rel(log2F1PlusOneGrad(a, b, z, g), log2F1PlusOne(a, b, z))).toBeLessThan(1e-12);
    // ∂/∂z near z = 1 is a difference of terms ~1/(1 − z): a few digits go
    expect(rel(g[0]!, da)).toBeLessThan(1e-9);
    expect(rel(g[1]!, db)).toBeLessThan(1e-9);
    expect(rel(g[2]!, dz)).toBeLessThan(1e-8);
  });
});

describe('BG/NBD closed forms at extreme inputs (mpmath, textbook formula)', () => {
  const CD = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
  const A2 = { r: 1.2, alpha: 3, a: 2.5, b: 4 };
  // [t, x, t_x, T, E[Y(t)|·] CDNOW params, P(alive) CDNOW, E[Y(t)|·] a>1 params, P(alive) a>1]
  const cases: [number, number, number, number, number, number, number, number][] = [
    [1e5, 0, 0, 0, 29.607861654554952, 1, 3.6664179767966902, 1],
    [1e5, 0, 0, 1e5, 0.21417903102433963, 1, 0.8565123139124305, 1],
    [1e5, 5000, 1e5 - 1, 1e5, 3726.465707809967, 0.9998333436425404, 2155.272920512636, 0.9994749498194551],
    [1, 5000, 99990, 1e5, 0.0499869572492768, 0.9997386485652664, 0.04996870223384188, 0.9991767049456184],
    [1e-6, 3, 10, 20, 6.676574192394264e-8, 0.5026268397756551, 3.2749197868987265e-8, 0.17934085080810785],
    [1e5, 1, 1, 2, 53.189485190869796, 0.7124870214856668, 2.1440020196496716, 0.494772144607456],
    [52, 5000, 1e5, 1e5, 2.5990638328700895, 0.9998414703554562, 2.5975601530007886, 0.9995005493956648],
    [
      1e5, 200, 50, 60, 1.885284010014898e-9, 5.408968993283139e-13, 8.775177837685826e-12,
      6.405343768431948e-14,
    ],
  ];
  it.each(cases)('t=%d x=%d t_x=%d T=%d', (t, x, tx, T, e1, p1, e2, p2) => {
    expect(rel(bgnbdConditionalExpected(CD, t, x, tx, T), e1)).toBeLessThan(1e-11);
    expect(rel(bgnbdProbabilityAlive(CD, x, tx, T), p1)).toBeLessThan(1e-12);
    expect(rel(bgnbdConditionalExpected(A2, t, x, tx, T), e2)).toBeLessThan(1e-11);
    expect(rel(bgnbdProbabilityAlive(A2, x, tx, T), p2)).toBeLessThan(1e-12);
  });
  it('underflows to exactly 0 (not NaN) when the true value is below 1e-308', () => {
    // true values 6.87e-498 and 2.0e-501
    expect(bgnbdConditionalExpected(CD, 39, 5000, 30, 39)).toBe(0);
    expect(bgnbdProbabilityAlive(CD, 5000, 30, 39)).toBe(0);
  });
  it('limits: E[Y(t)] → P(alive)(a+b+x−1)/(a−1) as t → ∞ when a > 1; E[X(t)] ≈ rt/α for small t', () => {
    const lim = bgnbdProbabilityAlive(A2, 3, 10, 20) * ((A2.a + A2.b + 3 - 1) / (A2.a - 1));
    expect(rel(bgnbdConditionalExpected(A2, 1e12, 3, 10, 20), lim)).toBeLessThan(1e-5);
    expect(rel(bgnbdExpected(CD, 1e-7), (CD.r * 1e-7) / CD.alpha)).toBeLessThan(1e-6);
    // a = 1 exactly: the removable singularity
    const a1 = { ...CD, a: 1 };
    const near =
      (bgnbdConditionalExpected({ ...CD, a: 1 + 1e-7 }, 39, 2, 20, 30) +
        bgnbdConditionalExpected({ ...CD, a: 1 - 1e-7 }, 39, 2, 20, 30)) /
      2;
    expect(rel(bgnbdConditionalExpected(a1, 39, 2, 20, 30), near)).toBeLessThan(1e-8);
  });
});

describe('Pareto/NBD at extreme inputs (mpmath, Fader & Hardie note formulas)', () => {
  const PN = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }; // α < β
  const PN2 = { r: 0.8, alpha: 20, s: 1.5, beta: 0.05 }; // α ≫ β: z close to 1
  // [x, t_x, T, P(alive) PN, LL PN, P(alive) PN2, LL PN2]
  const cases: [number, number, number, number, number, number, number][] = [
    [0, 0, 38.86, 0.29528660461689415, -0.5210462940808904, 1.9493519795391596e-5, -0.0035904504172046387],
    [0, 0, 1e5, 5.137207238973493e-5, -0.6738875449917681, 3.8973635761162156e-13, -0.00359600441505756],
    [5000, 1e5 - 1, 1e5, 0.9999937866551764, -19988.845037106752, 0.999984618735703, -20004.916116817607],
    [5000, 99990, 1e5, 0.9999213826595849, -19988.844964699685, 0.9998053955258566, -20004.91593757558],
    [3, 10, 1e5, 3.4111221881572983e-15, -10.99260165972317, 8.386760268331166e-20, -17.796968143062625],
    [2, 30.43, 38.86, 0.8691675591530112, -9.554283245150407, 0.6399567458370654, -18.188344598707545],
    [200, 50, 60, 1.5192534276225515e-11, 31.80517406810427, 1.6706436542338316e-10, -3.6182209597595056],
    [1, 0.5, 1e5, 1.139446812453145e-8, -4.365594082160715, 3.1609875615505043e-15, -6.925278994550473],
  ];
  it.each(cases)('x=%d t_x=%d T=%d', (x, tx, T, p1, l1, p2, l2) => {
    const d = { x: [x], tx: [tx], T: [T] };
    expect(rel(paretoNbdProbabilityAlive(PN, x, tx, T), p1)).toBeLessThan(1e-10);
    expect(Math.abs(paretoNbdLogLikelihood(PN, d) - l1)).toBeLessThan(1e-10 * Math.max(1, Math.abs(l1)));
    expect(rel(paretoNbdProbabilityAlive(PN2, x, tx, T), p2)).toBeLessThan(1e-10);
    expect(Math.abs(paretoNbdLogLikelihood(PN2, d) - l2)).toBeLessThan(1e-10 * Math.max(1, Math.abs(l2)));
  });
});
