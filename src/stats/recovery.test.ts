/**
 * Parameter recovery and forecast calibration on data simulated from each model
 * (20,000 customers, fixed seeds: deterministic).
 */
import { describe, expect, it } from 'vitest';
import {
  bgnbdConditionalExpectedMany,
  bgnbdLogLikelihood,
  bgnbdProbabilityAlive,
  createRng,
  fitBgNbd,
  fitGammaGamma,
  fitParetoNbd,
  gammaGammaConditionalExpectedSpend,
  paretoNbdConditionalExpectedMany,
  paretoNbdLogLikelihood,
  paretoNbdProbabilityAlive,
  simulateBgNbd,
  simulateGammaGamma,
  simulateParetoNbd,
} from './index.ts';

const N = 20000;
const rng = createRng(99);
const ages = new Float64Array(N);
for (let i = 0; i < N; i++) ages[i] = 26 + 13 * rng.uniform(); // first purchases spread over 13 weeks, 39-week calibration
const within = (est: number, truth: number, tol: number): void => {
  expect(Math.abs(est - truth) / truth, `estimate ${est} vs ${truth}`).toBeLessThan(tol);
};
const sum = (a: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] as number;
  return s;
};

describe('BG/NBD recovery', () => {
  const truth = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
  const sim = simulateBgNbd(truth, ages, 1, 39);
  const fit = fitBgNbd(sim);
  it('recovers r, α, a, b', () => {
    within(fit.params.r, truth.r, 0.1);
    within(fit.params.alpha, truth.alpha, 0.1);
    within(fit.params.a, truth.a, 0.2);
    within(fit.params.b, truth.b, 0.2);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(bgnbdLogLikelihood(truth, sim));
  });
  it('forecasts the simulated holdout and the share still alive', () => {
    const actual = sum(sim.xHoldout);
    within(sum(bgnbdConditionalExpectedMany(truth, 39, sim)), actual, 0.04);
    within(sum(bgnbdConditionalExpectedMany(fit.params, 39, sim)), actual, 0.04);
    let pa = 0;
    for (let i = 0; i < N; i++) pa += bgnbdProbabilityAlive(truth, sim.x[i]!, sim.tx[i]!, sim.T[i]!);
    within(pa, sum(sim.aliveAtT), 0.02);
  });
});

describe('Pareto/NBD recovery', () => {
  const truth = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };
  const sim = simulateParetoNbd(truth, ages, 1, 39);
  const fit = fitParetoNbd(sim);
  it('recovers r, α, s, β', () => {
    within(fit.params.r, truth.r, 0.1);
    within(fit.params.alpha, truth.alpha, 0.1);
    within(fit.params.s, truth.s, 0.3);
    within(fit.params.beta, truth.beta, 0.3);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(paretoNbdLogLikelihood(truth, sim));
  });
  it('forecasts the simulated holdout and the share still alive', () => {
    const actual = sum(sim.xHoldout);
    within(sum(paretoNbdConditionalExpectedMany(truth, 39, sim)), actual, 0.04);
    within(sum(paretoNbdConditionalExpectedMany(fit.params, 39, sim)), actual, 0.04);
    let pa = 0;
    for (let i = 0; i < N; i++) pa += paretoNbdProbabilityAlive(truth, sim.x[i]!, sim.tx[i]!, sim.T[i]!);
    within(pa, sum(sim.aliveAtT), 0.03);
  });
});

describe('Gamma-Gamma recovery', () => {
  const truth = { p: 6.25, q: 3.74, gamma: 15.44 };
  const x = new Float64Array(N);
  const r2 = createRng(5);
  for (let i = 0; i < N; i++) x[i] = 1 + Math.floor(-Math.log(r2.uniform()) * 3); // 1, 2, … repeat purchases
  const m = simulateGammaGamma(truth, x, 3);
  it('recovers p, q, γ and the mean spend', () => {
    const fit = fitGammaGamma(x, m);
    expect(fit.customers).toBe(N);
    within(fit.params.p, truth.p, 0.1);
    within(fit.params.q, truth.q, 0.1);
    within(fit.params.gamma, truth.gamma, 0.15);
    // population mean transaction value pγ/(q−1)
    within(
      gammaGammaConditionalExpectedSpend(fit.params, 0, 0),
      (truth.p * truth.gamma) / (truth.q - 1),
      0.03,
    );
  });
});
