import type { Command } from 'commander';
import {
  compressRfm,
  dataShortfall,
  fitBgNbd,
  fitGammaGammaScaled,
  fitParetoNbd,
  gammaGammaConditionalExpectedSpend,
  gammaGammaLogLikelihood,
  predictRows,
  purchaseFitProblem,
  spendFitProblem,
  spendScale,
  summarizeColumns,
  toEpochDay,
  type CompressedRfm,
  type TransactionModel,
} from '../stats/index.ts';
import { AppError } from '../platform/errors.ts';
import { csvField, csvWriter, readCsvColumns, type CsvColumn } from './analytics-csv.ts';
import { reportError } from './context.ts';

const bad = (message: string) => new AppError('BAD_OPTION', message, 400);
/** The data cannot carry the model: nothing is written, the reason is printed, the exit code is 1. */
const refuse = (message: string) => new AppError('FIT_REFUSED', message, 422);

function positive(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw bad(`--${name} must be a non-negative number, not "${v}"`);
  return n;
}

type SummarizeOptions = {
  elog: string;
  customerCol: string;
  dateCol: string;
  amountCol?: string;
  calibrationEnd: string;
  unit: string;
  out: string;
};

const day = (d: string) => toEpochDay(/^\d{4}-\d{2}-\d{2}T/.test(d) ? d.slice(0, 10) : d);

/** `rapport analytics summarize`: a purchase log → one (frequency, recency, T, monetary_value) row per customer. */
function summarize(o: SummarizeOptions) {
  if (o.unit !== 'days' && o.unit !== 'weeks') throw bad('--unit is days or weeks');
  const log = readCsvColumns(o.elog, [
    { name: o.customerCol, kind: 'text' },
    { name: o.dateCol, kind: 'number', parse: day },
    ...(o.amountCol ? [{ name: o.amountCol, kind: 'number' } as CsvColumn] : []),
  ]);
  const s = summarizeColumns(
    {
      customerId: log.text.get(o.customerCol) as string[],
      day: log.number.get(o.dateCol) as Float64Array,
      ...(o.amountCol && { amount: log.number.get(o.amountCol) as Float64Array }),
    },
    { calibrationEnd: o.calibrationEnd, unitDays: o.unit === 'weeks' ? 7 : 1 },
  );
  const w = csvWriter(o.out);
  try {
    w.line(`customer_id,frequency,recency,T${o.amountCol ? ',monetary_value' : ''}`);
    for (let i = 0; i < s.ids.length; i++) {
      const head = `${csvField(String(s.ids[i]))},${s.x[i]},${s.tx[i]},${s.T[i]}`;
      w.line(o.amountCol ? `${head},${s.monetary[i]}` : head);
    }
    w.commit();
  } catch (err) {
    w.abandon();
    throw err;
  }
  let repeat = 0;
  for (const x of s.x) if (x > 0) repeat++;
  const r = s.refunds;
  if (r.customers > 0 || r.refundOnly > 0)
    console.error(
      `note: refunds (negative amounts) netted out of ${r.customers} ${r.customers === 1 ? "customer's" : "customers'"} purchases` +
        (r.exceedingPurchases
          ? `; ${r.exceedingPurchases} refunded more than they had bought by then (the excess is dropped)`
          : '') +
        (r.refundOnly ? `; ${r.refundOnly} with refunds only are left out` : ''),
    );
  console.log(
    JSON.stringify({
      purchases: log.rows,
      customers: s.ids.length,
      repeatBuyers: repeat,
      leftOutFirstBuyingAfterCalibration: s.excludedAfterCalibration,
      refundsNetted: {
        customers: r.customers,
        exceedingPurchases: r.exceedingPurchases,
        leftOutRefundsOnly: r.refundOnly,
      },
      unit: o.unit,
      out: o.out,
    }),
  );
}

type FitOptions = {
  summary: string;
  model: string;
  spend?: string;
  horizon?: string;
  months?: string;
  discount?: string;
  unitsPerMonth?: string;
  out: string;
};

const nonNegative = (v: number) => (v >= 0 ? undefined : 'is negative');
const count = (v: number) => (Number.isInteger(v) && v >= 0 ? undefined : 'is not a whole number ≥ 0');

/** The summary's columns, checked row by row and across columns. */
function readSummary(file: string, spend: boolean) {
  const c = readCsvColumns(file, [
    { name: 'customer_id', kind: 'text' },
    { name: 'frequency', kind: 'number', check: count },
    { name: 'recency', kind: 'number', check: nonNegative },
    { name: 'T', kind: 'number', check: nonNegative },
    ...(spend ? [{ name: 'monetary_value', kind: 'number', check: nonNegative } as CsvColumn] : []),
  ]);
  const ids = c.text.get('customer_id') as string[];
  const x = c.number.get('frequency') as Float64Array;
  const tx = c.number.get('recency') as Float64Array;
  const T = c.number.get('T') as Float64Array;
  for (let i = 0; i < c.rows; i++) {
    if ((tx[i] as number) > (T[i] as number))
      throw bad(
        `Customer "${ids[i]}": recency (${tx[i]}) is greater than T (${T[i]}): the last purchase is after the end`,
      );
    if (x[i] === 0 && tx[i] !== 0)
      throw bad(`Customer "${ids[i]}": recency is ${tx[i]} with no repeat purchase (it must be 0)`);
  }
  return { rows: c.rows, ids, x, tx, T, monetary: c.number.get('monetary_value'), quoted: c.quoted };
}

/** A refusal naming the customer whose `name` is not a finite number. */
function notFinite(name: string, id: string, v: number) {
  return refuse(
    `${name} of customer "${id}" is not a finite number (${v}): the fitted parameters are too extreme for this history; nothing was written`,
  );
}

/** `rapport analytics fit`: fit a model on a summary file, print the parameters, write predictions per customer. */
function fit(o: FitOptions) {
  if (o.model !== 'bgnbd' && o.model !== 'paretonbd') throw bad('--model is bgnbd or paretonbd');
  if (o.spend !== undefined && o.spend !== 'gammagamma') throw bad('--spend is gammagamma');
  const horizon = positive('horizon', o.horizon, 1);
  const wantClv = o.months !== undefined || o.unitsPerMonth !== undefined;
  if (wantClv && !o.spend)
    throw bad('--months and --units-per-month need --spend gammagamma (the CLV values spend)');
  if (wantClv && o.unitsPerMonth === undefined)
    throw bad('--units-per-month is needed for the CLV (4.345 when the unit is weeks, 30.4375 for days)');
  const clvOptions = wantClv
    ? {
        months: positive('months', o.months, 12),
        discountRate: positive('discount', o.discount, 0.01),
        unitsPerMonth: positive('units-per-month', o.unitsPerMonth, 1),
      }
    : undefined;
  if (clvOptions && !(clvOptions.unitsPerMonth > 0)) throw bad('--units-per-month must be positive');
  if (clvOptions && !Number.isInteger(clvOptions.months)) throw bad('--months must be a whole number');

  const d = readSummary(o.summary, o.spend !== undefined);
  const n = d.rows;
  if (n === 0) throw refuse(`${o.summary} has no customers (only a header row): there is nothing to fit`);
  let repeat = 0;
  for (let i = 0; i < n; i++) if ((d.x[i] as number) > 0) repeat++;
  const short = dataShortfall(n, repeat, 'the file');
  if (short) throw refuse(short);

  const rows: CompressedRfm = compressRfm(d.x, d.tx, d.T);
  const fitted = o.model === 'bgnbd' ? fitBgNbd(rows) : fitParetoNbd(rows);
  const model = { kind: o.model, params: fitted.params } as TransactionModel;
  const problem = purchaseFitProblem(o.model === 'bgnbd' ? 'BG/NBD' : 'Pareto/NBD', fitted);
  if (problem) throw refuse(problem);
  const report: Record<string, unknown> = {
    model: o.model,
    params: fitted.params,
    logLikelihood: fitted.logLikelihood,
    customers: fitted.customers,
    converged: fitted.converged,
  };

  let spend: Float64Array | undefined;
  if (o.spend) {
    const m = d.monetary as Float64Array;
    const { spenders, unit } = spendScale(d.x, m);
    const few = spendFitProblem(spenders);
    if (few) throw refuse(few);
    // fitted on amounts scaled to a mean of 1, as the in-app refit does
    const { fit: gg, params } = fitGammaGammaScaled(d.x, m, unit);
    const ggProblem = spendFitProblem(spenders, gg);
    if (ggProblem) throw refuse(ggProblem);
    report.spend = {
      model: 'gammagamma',
      params,
      // of the amounts as given (the fit's own is of the scaled ones)
      logLikelihood: gammaGammaLogLikelihood(params, d.x, m),
      customers: gg.customers,
      converged: gg.converged,
    };
    spend = new Float64Array(n);
    for (let i = 0; i < n; i++)
      spend[i] = gammaGammaConditionalExpectedSpend(params, d.x[i] as number, m[i] as number);
    for (let i = 0; i < n; i++)
      if (!Number.isFinite(spend[i]))
        throw notFinite('expected_spend', d.ids[i] as string, spend[i] as number);
  }
  const pred = predictRows(model, rows, horizon, clvOptions);
  const rowOf = rows.rowOf;
  const { pAlive, expected, pPurchase, discounted } = pred;
  // each distinct row's part of the line, formatted once (a million customers share ~100,000 rows)
  const checkRows = (name: string, col: Float64Array | undefined) => {
    if (col)
      for (let k = 0; k < col.length; k++)
        if (!Number.isFinite(col[k]))
          throw notFinite(name, d.ids[rowOf.indexOf(k)] as string, col[k] as number);
  };
  checkRows('p_alive', pAlive);
  checkRows(`expected_purchases_${horizon}`, expected);
  checkRows(`p_purchase_within_${horizon}`, pPurchase);
  checkRows('the CLV discount factor', discounted);
  const rowText: string[] = new Array<string>(rows.length);
  for (let k = 0; k < rows.length; k++)
    rowText[k] =
      `,${rows.x[k]},${rows.tx[k]},${rows.T[k]},${pAlive[k]},${expected[k]}` +
      (pPurchase ? `,${pPurchase[k]}` : '');
  if (clvOptions) report.clv = clvOptions;

  const columns = ['customer_id', 'frequency', 'recency', 'T', 'p_alive', `expected_purchases_${horizon}`];
  if (pred.pPurchase) columns.push(`p_purchase_within_${horizon}`);
  if (spend) columns.push('expected_spend');
  if (clvOptions) columns.push(`clv_${clvOptions.months}m`);
  const w = csvWriter(o.out);
  try {
    w.line(columns.join(','));
    for (let i = 0; i < n; i++) {
      const k = rowOf[i] as number;
      const id = d.quoted ? csvField(d.ids[i] as string) : (d.ids[i] as string);
      const row = rowText[k] as string;
      if (!spend) {
        w.parts(id, row);
        continue;
      }
      if (!discounted) {
        w.parts(id, row, `,${spend[i]}`);
        continue;
      }
      const clv = (spend[i] as number) * (discounted[k] as number);
      if (!Number.isFinite(clv)) throw notFinite(`clv_${clvOptions?.months}m`, d.ids[i] as string, clv);
      w.parts(id, row, `,${spend[i]},${clv}`);
    }
    w.commit();
  } catch (err) {
    w.abandon();
    throw err;
  }
  console.log(JSON.stringify(report, null, 2));
}

export function registerAnalyticsCommands(program: Command) {
  const analytics = program
    .command('analytics')
    .description(
      'Buy-till-you-die models on files, for analysts and for checking against other tools (no database)',
    );
  analytics
    .command('summarize')
    .description('Turn a purchase log into one row per customer: frequency, recency, T, monetary_value')
    .requiredOption('--elog <csv>', 'purchase log with a header row')
    .requiredOption('--customer-col <name>', 'column with the customer id')
    .requiredOption('--date-col <name>', 'column with the date: YYYY-MM-DD, YYYYMMDD or an ISO instant')
    .option('--amount-col <name>', 'column with the amount (for monetary_value)')
    .requiredOption('--calibration-end <YYYY-MM-DD>', 'last day of the calibration period')
    .option('--unit <days|weeks>', 'time unit of recency and T', 'days')
    .requiredOption('--out <csv>', 'where to write the summary')
    .action((o: SummarizeOptions) => {
      try {
        summarize(o);
      } catch (err) {
        reportError(err);
      }
    });
  analytics
    .command('fit')
    .description(
      'Fit BG/NBD or Pareto/NBD (and Gamma-Gamma) on a summary (customer_id,frequency,recency,T[,monetary_value]); print the parameters and log-likelihood as JSON; write one prediction row per customer',
    )
    .requiredOption('--summary <csv>', 'summary file, e.g. from `rapport analytics summarize`')
    .option('--model <bgnbd|paretonbd>', 'purchase model', 'bgnbd')
    .option('--spend <gammagamma>', 'also fit Gamma-Gamma on monetary_value (expected spend per customer)')
    .option('--horizon <units>', 'forecast horizon, in the summary’s time unit', '1')
    .option('--months <n>', 'CLV horizon in months (with --spend; default 12)')
    .option('--discount <rate>', 'monthly discount rate of the CLV (default 0.01)')
    .option('--units-per-month <u>', 'time units per month for the CLV: 4.345 for weeks, 30.4375 for days')
    .requiredOption('--out <csv>', 'where to write the predictions')
    .action((o: FitOptions) => {
      try {
        fit(o);
      } catch (err) {
        reportError(err);
      }
    });
}
