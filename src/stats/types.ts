/** Shared shapes of the analytics core. */

/** Per-customer frequency/recency/age, struct-of-arrays; optional per-row weights (counts). */
export interface RfmData {
  /** Repeat purchases (x). */
  readonly x: ArrayLike<number>;
  /** Recency: time of the last purchase since the first (t_x). */
  readonly tx: ArrayLike<number>;
  /** Age: time since the first purchase at the end of calibration (T). */
  readonly T: ArrayLike<number>;
  /** Number of identical customers each row stands for (default 1). */
  readonly weight?: ArrayLike<number>;
}

/** Result of a maximum-likelihood fit. */
export interface FitResult<P> {
  readonly params: P;
  /** Total (weighted) log-likelihood at `params`. */
  readonly logLikelihood: number;
  /** Number of customers (sum of weights). */
  readonly customers: number;
  /** Distinct rows the likelihood was evaluated on after compression. */
  readonly uniqueRows: number;
  readonly converged: boolean;
  readonly iterations: number;
  readonly evaluations: number;
}

/** Names of the models that can say whether a customer is still "alive". */
export type AliveModel = 'bgnbd' | 'paretonbd';
