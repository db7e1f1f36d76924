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
