import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tmpDir } from './kit.ts';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../bin/rapport.js');
// Vendored with the repository (fixtures/cdnow/README.md): a missing file fails this suite, it never skips.
const ELOG = path.resolve(import.meta.dirname, 'fixtures/cdnow/cdnowElog.csv');
if (!fs.existsSync(ELOG)) throw new Error(`CDNOW fixture missing: ${ELOG} (it is part of the repository)`);

const cli = (...args: string[]) => run(process.execPath, [BIN, ...args], { maxBuffer: 1 << 24 });
type Failed = { code: number; stdout: string; stderr: string };
/** Run and expect a failure: its exit code and output. */
const refused = (...args: string[]) =>
  cli(...args).then(
    (r) => {
      throw new Error(`expected a refusal, got exit 0: ${r.stdout}`);
    },
    (e: Failed) => e,
  );
const NON_FINITE = /NaN|Infinity/;
const summarizeCdnow = (out: string, elog = ELOG) =>
  cli(
    'analytics',
    'summarize',
    '--elog',
    elog,
    '--customer-col',
    'masterid',
    '--date-col',
    'date',
    '--amount-col',
    'sales',
    '--calibration-end',
    '1997-09-30',
    '--unit',
    'weeks',
    '--out',
    out,
  );
const readCsv = (f: string) =>
  fs
    .readFileSync(f, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(','));

describe('rapport analytics on the CDNOW sample (published results)', () => {
  const dir = tmpDir('rapport-analytics-cli-');
  const summary = path.join(dir, 'summary.csv');

  it('summarizes the purchase log: 2,357 customers, 946 of them came back', async () => {
    const { stdout } = await cli(
      'analytics',
      'summarize',
      '--elog',
      ELOG,
      '--customer-col',
      'masterid',
      '--date-col',
      'date',
      '--amount-col',
      'sales',
      '--calibration-end',
      '1997-09-30',
      '--unit',
      'weeks',
      '--out',
      summary,
    );
    expect(JSON.parse(stdout)).toMatchObject({ customers: 2357, repeatBuyers: 946 });
    const lines = fs.readFileSync(summary, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('customer_id,frequency,recency,T,monetary_value');
    expect(lines).toHaveLength(2358);
  });

  it('fits BG/NBD and Gamma-Gamma to the published parameters and writes a prediction per customer', async () => {
    const out = path.join(dir, 'preds.csv');
    const { stdout } = await cli(
      'analytics',
      'fit',
      '--summary',
      summary,
      '--model',
      'bgnbd',
      '--spend',
      'gammagamma',
      '--horizon',
      '39',
      '--months',
      '12',
      '--discount',
      '0.01',
      '--units-per-month',
      '4.345',
      '--out',
      out,
    );
    const r = JSON.parse(stdout);
    expect(r.params.r).toBeCloseTo(0.243, 3);
    expect(r.params.alpha).toBeCloseTo(4.414, 3);
    expect(r.params.a).toBeCloseTo(0.793, 3);
    expect(r.params.b).toBeCloseTo(2.426, 3);
    expect(r.logLikelihood).toBeCloseTo(-9582.4, 1);
    expect(r.spend.params.p).toBeCloseTo(6.25, 2);
    expect(r.spend.params.q).toBeCloseTo(3.74, 2);
    expect(r.spend.params.gamma).toBeCloseTo(15.44, 2);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe(
      'customer_id,frequency,recency,T,p_alive,expected_purchases_39,p_purchase_within_39,expected_spend,clv_12m',
    );
    expect(lines).toHaveLength(2358);
    // the 39-week forecasts add up as the core's CDNOW holdout test has them (≈1,654; 1,882 happened)
    const total = lines.slice(1).reduce((sum, l) => sum + Number(l.split(',')[5]), 0);
    expect(total).toBeCloseTo(1653.9, 0);
    expect(fs.readFileSync(out, 'utf8')).not.toMatch(NON_FINITE);
    expect(r.converged).toBe(true);
    expect(r.spend.converged).toBe(true);
  });

  it('fits Pareto/NBD to the published parameters', async () => {
    const { stdout } = await cli(
      'analytics',
      'fit',
      '--summary',
      summary,
      '--model',
      'paretonbd',
      '--out',
      path.join(dir, 'pnbd.csv'),
    );
    const r = JSON.parse(stdout);
    expect(r.params.r).toBeCloseTo(0.553, 2);
    expect(r.params.alpha).toBeCloseTo(10.578, 1);
    expect(r.params.s).toBeCloseTo(0.606, 2);
    expect(r.params.beta).toBeCloseTo(11.669, 1);
    expect(r.logLikelihood).toBeCloseTo(-9595.0, 1);
  });
});

describe('rapport analytics: bad input is reported, not crashed on', () => {
  it('names a missing column and fails with exit code 1', async () => {
    const dir = tmpDir('rapport-analytics-cli-');
    const f = path.join(dir, 'log.csv');
    fs.writeFileSync(f, 'who,when\na,2024-01-01\n');
    const err = await cli(
      'analytics',
      'summarize',
      '--elog',
      f,
      '--customer-col',
      'customer',
      '--date-col',
      'when',
      '--calibration-end',
      '2024-02-01',
      '--out',
      path.join(dir, 's.csv'),
    ).catch((e: { code: number; stderr: string }) => e);
    expect(err).toMatchObject({ code: 1 });
    expect((err as { stderr: string }).stderr).toMatch(/Column "customer" is not in the file/);
  });
});

describe('rapport analytics fit refuses what the data cannot carry (exit 1, the reason, nothing written)', () => {
  const dir = tmpDir('rapport-analytics-edges-');
  const HEADER = 'customer_id,frequency,recency,T,monetary_value';
  const file = (name: string, rows: string[]) => {
    const f = path.join(dir, `${name}.csv`);
    fs.writeFileSync(f, [HEADER, ...rows].join('\n') + '\n');
    return f;
  };
  const cases: [string, string, RegExp][] = [
    ['one customer', file('one', ['a,2,10,30,5']), /at least 20 customers .* the file has 1 and 1/],
    [
      '200 identical histories',
      file(
        'identical',
        Array.from({ length: 200 }, (_, i) => `c${i},3,20,40,10`),
      ),
      /fit ran to the edge of its parameters/,
    ],
    [
      'all one-time buyers',
      file(
        'one-time',
        Array.from({ length: 200 }, (_, i) => `c${i},0,0,${10 + (i % 30)},0`),
      ),
      /at least 20 customers with orders and 2 who came back; the file has 200 and 0/,
    ],
    ['a header-only file', file('header', []), /has no customers \(only a header row\)/],
    [
      'two repeat buyers among 200',
      file('two-repeat', [
        ...Array.from({ length: 198 }, (_, i) => `c${i},0,0,${10 + (i % 30)},0`),
        'r1,2,5,30,10',
        'r2,1,3,20,12',
      ]),
      /fit ran to the edge of its parameters/,
    ],
  ];
  for (const [what, summary, reason] of cases)
    for (const model of ['bgnbd', 'paretonbd'])
      it(`${what} (${model})`, async () => {
        const out = path.join(dir, `${path.basename(summary, '.csv')}-${model}.out.csv`);
        const e = await refused('analytics', 'fit', '--summary', summary, '--model', model, '--out', out);
        expect(e.code).toBe(1);
        expect(e.stderr).toMatch(reason);
        expect(e.stderr).toMatch(/\(FIT_REFUSED\)/);
        expect(e.stdout + e.stderr).not.toMatch(NON_FINITE);
        expect(e.stdout).not.toMatch(/converged/);
        expect(fs.existsSync(out)).toBe(false);
        expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      });

  it('Gamma-Gamma on repeat spend that does not vary is refused', async () => {
    const summary = path.join(dir, 'cdnow.csv');
    await summarizeCdnow(summary);
    const same = readCsv(summary).map((r, i) => (i > 0 && r[1] !== '0' ? [...r.slice(0, 4), '10'] : r));
    const f = path.join(dir, 'same-spend.csv');
    fs.writeFileSync(f, same.map((r) => r.join(',')).join('\n'));
    const out = path.join(dir, 'same-spend.out.csv');
    const e = await refused('analytics', 'fit', '--summary', f, '--spend', 'gammagamma', '--out', out);
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(/The Gamma-Gamma fit ran to the edge of its parameters/);
    expect(e.stdout + e.stderr).not.toMatch(NON_FINITE);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('names a row whose recency is after its T', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `c${i},${i % 3},${i % 3},20,5`);
    rows.push('bad,2,25,20,5');
    const e = await refused(
      'analytics',
      'fit',
      '--summary',
      file('recency', rows),
      '--out',
      path.join(dir, 'r.csv'),
    );
    expect(e.stderr).toMatch(/Customer "bad": recency \(25\) is greater than T \(20\)/);
  });
});

describe('rapport analytics: refunds and zero repeat spend', () => {
  const dir = tmpDir('rapport-analytics-refunds-');

  it('summarize nets refunds out (no negative monetary_value), says how many customers, and fit --spend takes it', async () => {
    // CDNOW plus refunds: customer 4 returns more than all it bought by then, 114 part of its last purchase, and
    // 999999 has a refund only
    const elog = path.join(dir, 'elog.csv');
    fs.writeFileSync(
      elog,
      fs.readFileSync(ELOG, 'utf8').trimEnd() +
        '\n4,1,19970901,1,-500\n114,9,19970910,1,-5\n999999,9,19970301,1,-20\n',
    );
    const summary = path.join(dir, 'summary.csv');
    const { stdout, stderr } = await summarizeCdnow(summary, elog);
    const r = JSON.parse(stdout);
    expect(r).toMatchObject({
      customers: 2357,
      repeatBuyers: 946,
      refundsNetted: { customers: 2, exceedingPurchases: 1, leftOutRefundsOnly: 1 },
    });
    expect(stderr).toMatch(/refunds \(negative amounts\) netted out of 2 customers' purchases/);
    const rows = readCsv(summary);
    for (const row of rows.slice(1)) expect(Number(row[4])).toBeGreaterThanOrEqual(0);
    const c4 = rows.find((row) => row[0] === '4')!;
    expect(Number(c4[1])).toBeGreaterThan(0); // still a repeat buyer: a refund is not a lost purchase
    expect(Number(c4[4])).toBe(0);
    const c114 = rows.find((row) => row[0] === '114')!;
    expect(Number(c114[4])).toBeCloseTo((28.13 + 22.97 - 5) / 2, 10);
    const out = path.join(dir, 'preds.csv');
    const fitted = await cli('analytics', 'fit', '--summary', summary, '--spend', 'gammagamma', '--out', out);
    expect(JSON.parse(fitted.stdout).spend.customers).toBe(945); // customer 4 has no repeat spend left
    expect(fs.readFileSync(out, 'utf8')).not.toMatch(NON_FINITE);
  });

  it('a repeat buyer whose repeat spend is 0 gets the Gamma-Gamma conditional expectation, not the mean', async () => {
    const summary = path.join(dir, 'cdnow.csv');
    await summarizeCdnow(summary);
    // every third repeat buyer's repeat spend set to 0
    const zeroed = readCsv(summary).map((row, i) =>
      i > 0 && row[1] !== '0' && i % 3 === 0 ? [...row.slice(0, 4), '0'] : row,
    );
    const f = path.join(dir, 'zero.csv');
    fs.writeFileSync(f, zeroed.map((row) => row.join(',')).join('\n'));
    const out = path.join(dir, 'zero.out.csv');
    const { stdout } = await cli('analytics', 'fit', '--summary', f, '--spend', 'gammagamma', '--out', out);
    const { p, q, gamma } = JSON.parse(stdout).spend.params as { p: number; q: number; gamma: number };
    const preds = readCsv(out);
    const col = preds[0]!.indexOf('expected_spend');
    const byId = new Map(preds.slice(1).map((row) => [row[0], Number(row[col])]));
    let checked = 0;
    for (const row of zeroed.slice(1)) {
      const x = Number(row[1]);
      const m = Number(row[4]);
      const expected = (p * (gamma + x * m)) / (p * x + q - 1);
      expect(byId.get(row[0])).toBeCloseTo(expected, 9);
      if (x > 0 && m === 0) {
        checked++;
        expect(byId.get(row[0])).toBeLessThan((p * gamma) / (q - 1));
      }
    }
    expect(checked).toBeGreaterThan(300);
  });
});
