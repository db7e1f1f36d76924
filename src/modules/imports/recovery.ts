import fs from 'node:fs';
import path from 'node:path';
import type { ImportService } from './imports.service.ts';
import type { StartImport } from './imports.routes.ts';

/** Uploads older than this with no run going on are left over from a crash (a preview, a refused upload). */
const ORPHAN_MS = 10 * 60_000;

export const INTERRUPTED_NO_UPLOAD =
  'Interrupted: Rapport stopped during this import and its upload is no longer there. Import the same file again: it resumes where it stopped.';

/**
 * At start: every import run left "running" by a process that is gone is resumed from its upload (still in the
 * uploads folder) in a worker, or failed with a reason when the upload is gone (a CLI import's own file); then
 * uploads no run needs any more are removed. Several server processes may do this at once: taking a run over
 * is compare-and-set, so each run is resumed or failed once.
 */
export async function recoverImports(deps: {
  imports: ImportService;
  uploadsDir: string;
  startImport: StartImport;
  log: { info: (o: object, m: string) => void; warn: (o: object, m: string) => void };
}): Promise<{ resumed: string[]; failed: string[]; removed: string[]; done: Promise<void> }> {
  const { imports, uploadsDir } = deps;
  const resumed: string[] = [];
  const failed: string[] = [];
  const running: Promise<void>[] = [];
  for (const r of await imports.interruptedRuns()) {
    const file = path.join(uploadsDir, `${r.run.id}.upload`);
    if (fs.existsSync(file)) {
      resumed.push(r.run.id);
      deps.log.info({ runId: r.run.id }, 'resuming an interrupted import');
      running.push(
        deps
          .startImport(
            {
              workspaceId: r.workspaceId,
              file,
              fileName: r.run.fileName,
              currency: r.currency,
              ...r.layout,
              runId: r.run.id,
            },
            () => {},
          )
          .then(
            () => {},
            (err: unknown) =>
              deps.log.warn({ err, runId: r.run.id }, 'resuming an interrupted import failed'),
          )
          .finally(() => fs.promises.rm(file, { force: true })),
      );
    } else if (
      await imports.failInterrupted(r.workspaceId, { id: r.run.id, claim: r.claim }, INTERRUPTED_NO_UPLOAD)
    ) {
      failed.push(r.run.id);
      deps.log.warn({ runId: r.run.id }, 'an interrupted import was failed: its upload is gone');
    }
  }
  const removed: string[] = [];
  const names = await fs.promises.readdir(uploadsDir).catch(() => [] as string[]);
  const now = Date.now();
  for (const name of names) {
    const m = /^(.+)\.(upload|preview)$/.exec(name);
    if (!m?.[1] || resumed.includes(m[1])) continue;
    const file = path.join(uploadsDir, name);
    const stat = await fs.promises.stat(file).catch(() => undefined);
    if (!stat) continue;
    const old = now - stat.mtimeMs > ORPHAN_MS;
    const run = m[2] === 'upload' ? await imports.findRun(m[1]) : undefined;
    // an upload whose run has ended (done, failed) is no longer needed; one without a run, once it is old
    if ((run && run.status !== 'running') || (!run && old)) {
      await fs.promises.rm(file, { force: true });
      removed.push(name);
    }
  }
  return { resumed, failed, removed, done: Promise.all(running).then(() => {}) };
}
