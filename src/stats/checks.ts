/**
 * When a fit may be trusted: the data minimums, identifiability and convergence checks shared by the in-app
 * refit and `rapport analytics fit`. Each returns undefined when all is well, otherwise the reason in words a
 * shop owner or an analyst can act on — never a made-up forecast.
 */

/** Below these a purchase-model fit is noise: RFM and lifecycle only. */
export const MIN_CUSTOMERS = 20;
export const MIN_REPEAT_BUYERS = 2;
/** Gamma-Gamma needs this many repeat buyers with a positive repeat spend. */
export const MIN_SPEND_CUSTOMERS = 10;
/**
 * The box an identified fit stays in. Bounds of the optimiser's log-parameters are not enforced, so a fit
 * that runs off towards 0 or ∞ (r → ∞ when every customer buys at the same pace, s → 0 when nobody seems
 * to leave, all parameters at once for a single customer) ends outside it. Wide enough for days, weeks or
 * months as the time unit, and for any currency once amounts are scaled (see `spendScale`).
 */
export const PARAM_MIN = 1e-5;
export const PARAM_MAX = 1e6;

/** Whether every numeric parameter is finite and inside [PARAM_MIN, PARAM_MAX]. */
export function isIdentified(params: object): boolean {
  return Object.values(params).every(
    (v) => typeof v !== 'number' || (Number.isFinite(v) && v >= PARAM_MIN && v <= PARAM_MAX),
  );
}

const described = (params: object) =>
  Object.entries(params)
    .map(([k, v]) => `${k} ${Number(v).toPrecision(3)}`)
    .join(', ');

/**
 * Whether the data can carry a purchase-model fit at all. `where` names the data ("this workspace",
 * "the file").
 * @example dataShortfall(1, 1, 'the file') // 'Forecasts need at least 20 customers …'
 */
export function dataShortfall(customers: number, repeatBuyers: number, where: string): string | undefined {
  if (customers >= MIN_CUSTOMERS && repeatBuyers >= MIN_REPEAT_BUYERS) return undefined;
  return `Forecasts need at least ${MIN_CUSTOMERS} customers with orders and ${MIN_REPEAT_BUYERS} who came back; ${where} has ${customers} and ${repeatBuyers}`;
}

type Fitted = { readonly params: object; readonly logLikelihood: number; readonly converged: boolean };

/**
 * Whether a purchase-model fit (BG/NBD, Pareto/NBD) is a model of the data: parameters inside the box, a
 * finite log-likelihood, the optimiser converged.
 */
export function purchaseFitProblem(model: string, fit: Fitted): string | undefined {
  if (!isIdentified(fit.params) || !Number.isFinite(fit.logLikelihood))
    return `The ${model} fit ran to the edge of its parameters (${described(fit.params)}): the purchase history does not yet show how buying rates and loyalty vary between customers`;
  if (!fit.converged)
    return `The ${model} fit did not converge (${described(fit.params)}): its parameters are not a maximum of the likelihood`;
  return undefined;
}

/**
 * Whether a Gamma-Gamma fit can value customers: enough spenders, parameters inside the box (fitted on
 * amounts divided by `unit`, see `spendScale`), a finite mean spend (q > 1), converged.
 */
export function spendFitProblem(
  spenders: number,
  fit?: Fitted & { params: { q: number } },
): string | undefined {
  if (spenders < MIN_SPEND_CUSTOMERS)
    return `Gamma-Gamma needs at least ${MIN_SPEND_CUSTOMERS} repeat buyers with a positive repeat spend; there are ${spenders}`;
  if (!fit) return undefined;
  if (!isIdentified(fit.params) || !Number.isFinite(fit.logLikelihood))
    return `The Gamma-Gamma fit ran to the edge of its parameters (${described(fit.params)}): repeat spend does not vary enough between customers to model it`;
  if (!(fit.params.q > 1))
    return `The Gamma-Gamma fit has q ${fit.params.q.toPrecision(3)} ≤ 1, an infinite mean spend: not usable for forecasts`;
  if (!fit.converged)
    return `The Gamma-Gamma fit did not converge (${described(fit.params)}): its parameters are not a maximum of the likelihood`;
  return undefined;
}

/**
 * Repeat buyers with a positive repeat spend, and the mean of that spend: Gamma-Gamma is fitted on amounts
 * divided by it (minor units are in the thousands while the optimiser starts at 1; p and q are scale-free,
 * γ scales with the amounts).
 */
export function spendScale(
  x: ArrayLike<number>,
  monetary: ArrayLike<number>,
): { spenders: number; unit: number } {
  let spenders = 0;
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const m = monetary[i] as number;
    if ((x[i] as number) > 0 && m > 0 && Number.isFinite(m)) {
      spenders++;
      sum += m;
    }
  }
  return { spenders, unit: spenders > 0 ? sum / spenders : 1 };
}
