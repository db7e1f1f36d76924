import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from './secrets.ts';

const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-secrets-'));

describe('secrets at rest', () => {
  it('seals and opens; every seal differs; the clear text is nowhere in the sealed text', () => {
    const box = createSecretBox({ secretKey: 'x'.repeat(40), dataDir: dir() });
    const a = box.seal('twilio-token-abc');
    const b = box.seal('twilio-token-abc');
    expect(a).not.toBe(b);
    expect(a).not.toContain('twilio-token');
    expect(box.open(a)).toBe('twilio-token-abc');
  });

  it('refuses a tampered value and a value sealed under another key', () => {
    const box = createSecretBox({ secretKey: 'x'.repeat(40), dataDir: dir() });
    const other = createSecretBox({ secretKey: 'y'.repeat(40), dataDir: dir() });
    const sealed = box.seal('secret');
    const parts = sealed.split(':');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join(':'))).toThrow(/cannot be decrypted/);
    expect(() => other.open(sealed)).toThrow(/cannot be decrypted/);
  });

  it('without RAPPORT_SECRET_KEY makes one key file (0600) in the data dir and keeps using it', () => {
    const d = dir();
    const sealed = createSecretBox({ secretKey: undefined, dataDir: d }).seal('hello');
    const file = path.join(d, 'secret.key');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(createSecretBox({ secretKey: undefined, dataDir: d }).open(sealed)).toBe('hello');
  });
});
