import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.ts';

/**
 * Secrets at rest (provider credentials): AES-256-GCM with a key derived from `RAPPORT_SECRET_KEY`, or, when
 * that is unset, from a random key file made once in the data dir (mode 0600). Each value gets its own random
 * IV; the stored text is `v1:<iv>:<tag>:<ciphertext>` (base64url), so a tampered value fails to decrypt
 * instead of decrypting to garbage. A value encrypted under one key cannot be read under another: changing
 * the key means entering the credentials again.
 */
export type SecretBox = {
  seal: (plain: string) => string;
  open: (sealed: string) => string;
};

const KEY_FILE = 'secret.key';

function keyFromFile(dataDir: string): Buffer {
  const file = path.join(dataDir, KEY_FILE);
  try {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  try {
    // 'wx': a second process that raced us keeps the first key
    writeFileSync(file, key.toString('base64url'), { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
    throw err;
  }
}

export function createSecretBox(opts: { secretKey: string | undefined; dataDir: string }): SecretBox {
  let key: Buffer | undefined;
  // the key file is made on first use, so a server that never stores a credential writes nothing
  const getKey = () =>
    (key ??= opts.secretKey
      ? createHash('sha256').update(`rapport-secrets:${opts.secretKey}`).digest()
      : keyFromFile(opts.dataDir));
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', getKey(), iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return ['v1', iv, c.getAuthTag(), body]
        .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
        .join(':');
    },
    open(sealed) {
      const [v, iv, tag, body] = sealed.split(':');
      if (v !== 'v1' || !iv || !tag || body === undefined) throw unreadable();
      try {
        const d = createDecipheriv('aes-256-gcm', getKey(), Buffer.from(iv, 'base64url'));
        d.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
      } catch {
        throw unreadable();
      }
    },
  };
}

const unreadable = () =>
  new AppError(
    'SECRET_UNREADABLE',
    "Stored credentials cannot be decrypted with this server's key (RAPPORT_SECRET_KEY changed?): enter them again in Settings",
    409,
  );
