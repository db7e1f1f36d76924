import fs from 'node:fs';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
import type { Command } from 'commander';
import {
  bgnbdConditionalExpectedMany,
  bgnbdProbabilityAlive,
  bgnbdProbabilityPurchase,
  compressRfm,
  customerLifetimeValue,
  fitBgNbd,
  fitGammaGamma,
  fitParetoNbd,
  gammaGammaConditionalExpectedSpendMany,
  paretoNbdConditionalExpectedMany,
  paretoNbdProbabilityAlive,
  summarizeColumns,
  toEpochDay,
  type TransactionModel,
} from '../stats/index.ts';
import { AppError } from '../platform/errors.ts';
import { reportError } from './context.ts';

const bad = (message: string) => new AppError('BAD_OPTION', message, 400);

function positive(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw bad(`--${name} must be a non-negative number, not "${v}"`);
  return n;
}

/** Read a CSV with a header row, one record object at a time (streaming: files of millions of rows). */
async function* records(file: string): AsyncIterable<Record<string, string>> {
  if (!fs.existsSync(file)) throw bad(`No such file: ${file}`);
  yield* fs
    .createReadStream(file)
    .pipe(parse({ columns: true, bom: true, skip_empty_lines: true, trim: true }));
}

function need(row: Record<string, string>, col: string, line: number): string {
  const v = row[col];
  if (v === undefined)
    throw bad(`Column "${col}" is not in the file (its columns: ${Object.keys(row).join(', ')})`);
  if (v === '') throw bad(`Line ${line}: "${col}" is empty`);
  return v;
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

/** `rapport analytics summarize`: a purchase log → one (frequency, recency, T, monetary_value) row per customer. */
async function summarize(o: SummarizeOptions) {
  if (o.unit !== 'days' && o.unit !== 'weeks') throw bad('--unit is days or weeks');
  const customerId: string[] = [];
  const day: number[] = [];
  const amount: number[] = [];
  let line = 1;
  for await (const row of records(o.elog)) {
    line++;
    customerId.push(need(row, o.customerCol, line));
    const d = need(row, o.dateCol, line);
    day.push(toEpochDay(/^\d{4}-\d{2}-\d{2}T/.test(d) ? d.slice(0, 10) : d));
    if (o.amountCol) {
      const a = Number(need(row, o.amountCol, line));
      if (!Number.isFinite(a)) throw bad(`Line ${line}: "${o.amountCol}" is not a number`);
      amount.push(a);
    }
  }
  const s = summarizeColumns(
    { customerId, day, ...(o.amountCol && { amount }) },
    { calibrationEnd: o.calibrationEnd, unitDays: o.unit === 'weeks' ? 7 : 1 },
  );
  const rows = s.ids.map((id, i) => [id, s.x[i], s.tx[i], s.T[i], ...(o.amountCol ? [s.monetary[i]] : [])]);
  const columns = ['customer_id', 'frequency', 'recency', 'T', ...(o.amountCol ? ['monetary_value'] : [])];
  fs.writeFileSync(o.out, stringify(rows, { header: true, columns }));
  let repeat = 0;
  for (const x of s.x) if (x > 0) repeat++;
  console.log(
    JSON.stringify({
      purchases: day.length,
      customers: s.ids.length,
      repeatBuyers: repeat,
      leftOutFirstBuyingAfterCalibration: s.excludedAfterCalibration,
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

/** `rapport analytics fit`: fit a model on a summary file, print the parameters, write predictions per customer. */
async function fit(o: FitOptions) {
  if (o.model !== 'bgnbd' && o.model !== 'paretonbd') throw bad('--model is bgnbd or paretonbd');
  if (o.spend !== undefined && o.spend !== 'gammagamma') throw bad('--spend is gammagamma');
  const ids: string[] = [];
  const cols = { x: [] as number[], tx: [] as number[], T: [] as number[], m: [] as number[] };
  let line = 1;
  for await (const row of records(o.summary)) {
    line++;
    ids.push(need(row, 'customer_id', line));
    const num = (c: string) => {
      const v = Number(need(row, c, line));
      if (!Number.isFinite(v) || v < 0) throw bad(`Line ${line}: "${c}" is not a non-negative number`);
      return v;
    };
    cols.x.push(num('frequency'));
    cols.tx.push(num('recency'));
    cols.T.push(num('T'));
    if (o.spend) cols.m.push(num('monetary_value'));
  }
  const data = { x: Float64Array.from(cols.x), tx: Float64Array.from(cols.tx), T: Float64Array.from(cols.T) };
  const horizon = positive('horizon', o.horizon, 1);
  const rows = compressRfm(data.x, data.tx, data.T);
  let model: TransactionModel;
  let fitted;
  if (o.model === 'bgnbd') {
    fitted = fitBgNbd(rows);
    model = { kind: 'bgnbd', params: fitted.params };
  } else {
    fitted = fitParetoNbd(rows);
    model = { kind: 'paretonbd', params: fitted.params };
  }
  const expected =
    model.kind === 'bgnbd'
      ? bgnbdConditionalExpectedMany(model.params, horizon, data)
      : paretoNbdConditionalExpectedMany(model.params, horizon, data);
  const report: Record<string, unknown> = {
    model: o.model,
    params: fitted.params,
    logLikelihood: fitted.logLikelihood,
    customers: fitted.customers,
    converged: fitted.converged,
  };
  const columns = ['customer_id', 'frequency', 'recency', 'T', 'p_alive', `expected_purchases_${horizon}`];
  if (model.kind === 'bgnbd') columns.push(`p_purchase_within_${horizon}`);
  let spend: Float64Array | undefined;
  let clv: Float64Array | undefined;
  if (o.spend) {
    const monetary = Float64Array.from(cols.m);
    const gg = fitGammaGamma(data.x, monetary);
    report.spend = {
      model: 'gammagamma',
      params: gg.params,
      logLikelihood: gg.logLikelihood,
      customers: gg.customers,
      converged: gg.converged,
    };
    spend = gammaGammaConditionalExpectedSpendMany(gg.params, data.x, monetary);
    columns.push('expected_spend');
    if (o.months !== undefined || o.unitsPerMonth !== undefined) {
      if (o.unitsPerMonth === undefined)
        throw bad('--units-per-month is needed for the CLV (4.345 when the unit is weeks, 30.4375 for days)');
      const months = positive('months', o.months, 12);
      const discountRate = positive('discount', o.discount, 0.01);
      clv = customerLifetimeValue(model, data, spend, {
        months,
        discountRate,
        unitsPerMonth: positive('units-per-month', o.unitsPerMonth, 1),
      });
      report.clv = { months, discountRate, unitsPerMonth: Number(o.unitsPerMonth) };
      columns.push(`clv_${months}m`);
    }
  }
  const out = ids.map((id, i) => {
    const x = data.x[i] as number;
    const tx = data.tx[i] as number;
    const T = data.T[i] as number;
    const r: (string | number)[] = [
      id,
      x,
      tx,
      T,
      model.kind === 'bgnbd'
        ? bgnbdProbabilityAlive(model.params, x, tx, T)
        : paretoNbdProbabilityAlive(model.params, x, tx, T),
      expected[i] as number,
    ];
    if (model.kind === 'bgnbd') r.push(bgnbdProbabilityPurchase(model.params, horizon, x, tx, T));
    if (spend) r.push(spend[i] as number);
    if (clv) r.push(clv[i] as number);
    return r;
  });
  fs.writeFileSync(o.out, stringify(out, { header: true, columns }));
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
    .action((o: SummarizeOptions) => summarize(o).catch(reportError));
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
    .action((o: FitOptions) => fit(o).catch(reportError));
}
