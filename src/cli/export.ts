import fs from 'node:fs';
import { once } from 'node:events';
import type { Command } from 'commander';
import { findWorkspaceOrThrow, withServices } from './context.ts';

export function registerExportCommand(program: Command) {
  program
    .command('export')
    .description(
      'Export customers, orders and interactions as CSV files (safe to open in a spreadsheet) or one JSON document',
    )
    .requiredOption('--workspace <name|id>', 'workspace name or id')
    .option('--format <format>', 'csv or json', 'csv')
    .option(
      '--out <path>',
      'folder for CSV (default ./export-<date>), file for JSON (default: standard output)',
    )
    .action((o: { workspace: string; format: string; out?: string }) =>
      withServices(async (s) => {
        const w = await findWorkspaceOrThrow(s, o.workspace);
        if (o.format === 'csv') {
          const dir = o.out ?? `export-${new Date().toISOString().slice(0, 10)}`;
          const n = await s.exports.exportCsv(w.id, dir);
          console.log(
            `Exported ${n.customers} customers, ${n.orders} order lines and ${n.interactions} interactions to ${dir}/`,
          );
        } else if (o.format === 'json') {
          const out = o.out ? fs.createWriteStream(o.out) : process.stdout;
          const n = await s.exports.exportJson(w.id, out);
          if (o.out) {
            (out as fs.WriteStream).end();
            await once(out, 'finish');
            console.error(
              `Exported ${n.customers} customers, ${n.orders} orders and ${n.interactions} interactions to ${o.out}`,
            );
          }
        } else throw new Error('--format must be csv or json');
      }),
    );
}
