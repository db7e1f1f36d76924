import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReport } from './report.ts';

const fixture = (name: string) =>
  readFileSync(path.resolve(import.meta.dirname, '../../../../test/fixtures/mail', name), 'utf8')
    .replaceAll('{{MESSAGE_ID}}', '01JX0ABCDEF@crm.example.test')
    .replaceAll('{{RCPT}}', 'Ada.Gone@Example.com')
    .replaceAll('{{TO}}', 'bounce@bounces.example');

describe('reading returned mail', () => {
  it('reads a Postfix DSN: the recipient, failed, 5.1.1, the diagnostic, the original Message-ID', () => {
    expect(parseReport(fixture('postfix-bounce-5.1.1.eml'))).toEqual({
      kind: 'dsn',
      reportId: '20260610100502.4QzK1x0Lq2z9sVp@mx1.receiver.example',
      recipients: [
        {
          recipient: 'ada.gone@example.com',
          original: 'ada.gone@example.com',
          action: 'failed',
          status: '5.1.1',
          diagnostic: '550 5.1.1 user unknown',
        },
      ],
      originalMessageId: '01JX0ABCDEF@crm.example.test',
    });
  });

  it('reads an Exchange DSN (nested alternative part, folded Message-ID) and a Gmail one (message/rfc822)', () => {
    const ex = parseReport(fixture('exchange-bounce-5.1.10.eml'));
    expect(ex).toMatchObject({
      kind: 'dsn',
      originalMessageId: '01JX0ABCDEF@crm.example.test',
      recipients: [
        {
          recipient: 'ada.gone@example.com',
          status: '5.1.10',
          diagnostic: '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
        },
      ],
    });
    const gm = parseReport(fixture('gmail-bounce-no-verp.eml'));
    expect(gm).toMatchObject({
      kind: 'dsn',
      originalMessageId: '01JX0ABCDEF@crm.example.test',
      recipients: [{ recipient: 'ada.gone@example.com', action: 'failed', status: '5.1.1' }],
    });
  });

  it('reads a delay and an ARF complaint', () => {
    expect(parseReport(fixture('postfix-delayed-4.4.1.eml'))).toMatchObject({
      kind: 'dsn',
      recipients: [{ action: 'delayed', status: '4.4.1' }],
    });
    expect(parseReport(fixture('arf-spam-complaint.eml'))).toEqual({
      kind: 'feedback',
      reportId: '0cfc1b7e-2c35-4b5e-9c9e-arf@fbl.hotmail.com',
      feedbackType: 'abuse',
      recipient: 'ada.gone@example.com',
      originalMessageId: '01JX0ABCDEF@crm.example.test',
    });
  });

  it('never throws on garbage, and finds no report in it', () => {
    const base = fixture('postfix-bounce-5.1.1.eml');
    for (let i = 0; i < 300; i++) {
      // random bytes, and the real report cut or spliced at random places
      const at = (i * 7919) % base.length;
      const inputs = [
        randomBytes(i * 10).toString('latin1'),
        base.slice(0, at),
        base.slice(at),
        base.slice(0, at) + randomBytes(50).toString('latin1') + base.slice(at),
      ];
      for (const raw of inputs) expect(() => parseReport(raw)).not.toThrow();
    }
    expect(parseReport(randomBytes(5000).toString('latin1')).kind).toBe('other');
    expect(parseReport('').kind).toBe('other');
    // a deeply nested multipart is opened only so deep
    let nested =
      'Content-Type: message/delivery-status\r\n\r\nFinal-Recipient: rfc822; a@b.example\r\nStatus: 5.1.1';
    for (let d = 0; d < 50; d++)
      nested = `Content-Type: multipart/mixed; boundary=b${d}\r\n\r\n--b${d}\r\n${nested}\r\n--b${d}--`;
    expect(parseReport(nested).kind).toBe('other');
  });
});
