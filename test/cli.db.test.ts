import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type RunningApp } from '../src/app.ts';
import { loadConfig } from '../src/platform/config.ts';
import { DIALECTS, freshDb } from './kit.ts';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../bin/rapport.js');

for (const dialect of DIALECTS) {
  describe(`rapport CLI against the running server's database (${dialect})`, () => {
    let env: Record<string, string>;
    let server: RunningApp;
    let dispose: () => Promise<void>;
    beforeAll(async () => {
      const db = await freshDb(dialect);
      env = {
        ...(process.env as Record<string, string>),
        RAPPORT_DATA_DIR: db.dataDir ?? '/nonexistent',
        DATABASE_URL: db.databaseUrl ?? '',
        LOG_LEVEL: 'silent',
      };
      server = await buildApp(loadConfig(env), { serveWeb: false });
      dispose = async () => {
        await server.close();
        await db.close();
      };
    });
    afterAll(() => dispose());
    const cli = (...args: string[]) => run(process.execPath, [BIN, ...args], { env });

    it('lists its commands, each with help', async () => {
      const { stdout } = await cli('--help');
      for (const c of ['workspace', 'user', 'apikey', 'demo', 'migrate']) expect(stdout).toContain(c);
      expect((await cli('apikey', 'create', '--help')).stdout).toContain('--create-workspace');
    });

    it('creates a workspace, a user and an API key that the running server accepts', async () => {
      const ws = await cli(
        'workspace',
        'create',
        'Corner Shop',
        '--timezone',
        'Africa/Lagos',
        '--currency',
        'NGN',
        '--region',
        'NG',
      );
      expect(ws.stdout).toContain('Created workspace "Corner Shop"');
      const user = await cli(
        'user',
        'create',
        '--workspace',
        'Corner Shop',
        '--email',
        'Owner@Corner.ng',
        '--password',
        'longenough',
        '--role',
        'owner',
      );
      expect(user.stdout).toContain('owner owner@corner.ng');
      const key = await cli('apikey', 'create', '--workspace', 'Corner Shop', '--scope', 'read,write');
      const last = key.stdout.trim().split('\n').at(-1) ?? '';
      expect(last).toMatch(/^rpk_[A-Za-z0-9]{12}_[A-Za-z0-9]{32}$/);
      const res = await server.app.inject({
        method: 'POST',
        url: '/api/v1/customers',
        headers: { authorization: `Bearer ${last}` },
        payload: { name: 'From CLI key' },
      });
      expect(res.statusCode).toBe(201);
      const login = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'owner@corner.ng', password: 'longenough' },
      });
      expect(login.statusCode).toBe(200);
    });

    it('creates the workspace with --create-workspace, and explains bad input with a failing exit code', async () => {
      const key = await cli(
        'apikey',
        'create',
        '--workspace',
        'Brand New',
        '--create-workspace',
        '--scope',
        'read',
      );
      expect(key.stdout).toContain('Created workspace "Brand New"');
      expect(key.stdout.trim().split('\n').at(-1)).toMatch(/^rpk_/);
      await expect(
        cli(
          'workspace',
          'create',
          'Bad',
          '--timezone',
          'Nowhere/Land',
          '--currency',
          'NGN',
          '--region',
          'NG',
        ),
      ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('timezone') });
      await expect(cli('apikey', 'create', '--workspace', 'Missing Shop')).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining('No workspace'),
      });
    });
  });
}
