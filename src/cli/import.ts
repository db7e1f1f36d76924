import { SingleBar, Presets } from 'cli-progress';
import { InvalidArgumentError, type Command } from 'commander';
import { PRESETS } from '../modules/imports/index.ts';
import { findWorkspaceOrThrow, withServices } from './context.ts';

function dateOrderOf(v: string | undefined): 'dmy' | 'mdy' | undefined {
  if (v === undefined) return undefined;
  if (v === 'dmy' || v === 'mdy') return v;
  throw new InvalidArgumentError('--date-order is dmy (day first) or mdy (month first)');
}

export function registerImportCommand(program: Command) {
  program
    .command('import')
    .description(
      'Import customers and orders from a CSV export or a vCard file; safe to re-run (no duplicates) and resumes after a crash',
    )
    .argument('<file>', 'the file: CSV (any delimiter; UTF-8, UTF-16 or Windows-1252) or .vcf')
    .requiredOption('--workspace <name|id>', 'workspace name or id')
    .option(
      '--preset <name>',
      `the export's layout (default: detected from the header row): ${PRESETS.map((p) => p.id).join(', ')}`,
    )
    .option(
      '--mapping <name>',
      'a saved column mapping (name or id, saved in the web app or with POST /api/v1/imports/mappings) to read a CSV with; default: the mapping saved for exactly these column names, if any',
    )
    .option('--currency <iso4217>', "currency of amounts without one (default: the workspace's)")
    .option(
      '--date-order <dmy|mdy>',
      'how to read numeric dates like 12/05/1990 (default: decided by the file, else the workspace region)',
    )
    .option('--dry-run', 'read and check everything, change nothing')
    .option('--report <file>', 'write every rejected row, warning and match (line, kind, reason) to this CSV')
    .action(
      (
        file: string,
        o: {
          workspace: string;
          preset?: string;
          mapping?: string;
          currency?: string;
          dateOrder?: string;
          dryRun?: boolean;
          report?: string;
        },
      ) =>
        withServices(async (s) => {
          const w = await findWorkspaceOrThrow(s, o.workspace);
          const bar = process.stderr.isTTY
            ? new SingleBar(
                {
                  format: ' {bar} {percentage}% | {records} records | {eta_formatted} left',
                  hideCursor: true,
                },
                Presets.shades_classic,
              )
            : undefined;
          let started = false;
          const result = await s.imports.runImport({
            workspaceId: w.id,
            file,
            preset: o.preset,
            mapping: o.mapping,
            currency: o.currency,
            dateOrder: dateOrderOf(o.dateOrder),
            dryRun: o.dryRun,
            onProgress: (p) => {
              if (!bar) return;
              if (!started) bar.start(p.totalBytes, 0, { records: 0 });
              started = true;
              bar.update(Math.min(p.bytes, p.totalBytes), { records: p.records });
            },
          });
          bar?.stop();
          if (result.joined) {
            console.log(
              `${file} is already being imported (run ${result.run?.id ?? '?'}): nothing was done twice. Its counts so far follow.`,
            );
          }
          const c = result.counts;
          console.log(
            `${result.dryRun ? 'Dry run (nothing saved) of' : 'Imported'} ${file} as "${result.preset}"${result.resumed ? ' (resumed an interrupted run)' : ''}`,
          );
          console.log(
            `  customers: ${c.customers.created} created, ${c.customers.updated} updated, ${c.customers.unchanged} unchanged`,
          );
          console.log(
            `  orders:    ${c.orders.created} created, ${c.orders.unchanged} already there${c.orders.walkIn ? ` (${c.orders.walkIn} walk-in sales, without a customer)` : ''}`,
          );
          // points for the imported orders: the loyalty reconciler runs once after the run, never row by row
          if (!result.dryRun && c.orders.created > 0) {
            const l = await s.loyalty.syncLoyalty(w.id);
            console.log(`  points:    ${l.earned} credited, ${l.takenBack} taken back (returns and refunds)`);
          }
          if (c.interactions)
            console.log(
              `  timeline:  ${c.interactions.created} entries created, ${c.interactions.unchanged} already there${c.interactions.skipped ? ` (${c.interactions.skipped} order entries, which come with the orders)` : ''}`,
            );
          console.log(
            `  dates:     read ${result.dates.order === 'dmy' ? 'day first (12/05 is 12 May)' : 'month first (12/05 is 5 December)'}, decided by the ${result.dates.decidedBy}${result.dates.decidedBy === 'choice' ? '' : ' (switch with --date-order)'}`,
          );
          console.log(
            `  rejected:  ${c.rejected} rows${c.warnings ? `; ${c.warnings} rows imported with a warning` : ''}`,
          );
          for (const r of result.rejections.slice(0, 20)) console.log(`    line ${r.line}: ${r.reason}`);
          if (result.rejections.length > 20)
            console.log(
              `    … and ${result.rejections.length - 20} more${o.report ? '' : ' (use --report <file> for all)'}`,
            );
          const warned = result.notes.filter((n) => n.kind === 'warning');
          for (const n of warned.slice(0, 20)) console.log(`    line ${n.line} (warning): ${n.reason}`);
          if (warned.length > 20)
            console.log(
              `    … and ${warned.length - 20} more warnings${o.report ? '' : ' (use --report <file> for all)'}`,
            );
          if (o.report) {
            const { stringify } = await import('csv-stringify/sync');
            const fs = await import('node:fs');
            // every rejected row, warning and email or phone match, by line
            const rows = [
              ...result.rejections.map((r) => ({ ...r, kind: 'rejected' })),
              ...result.notes,
            ].sort((a, b) => a.line - b.line);
            fs.writeFileSync(
              o.report,
              stringify(rows, { header: true, columns: ['line', 'kind', 'reason'] }),
            );
            console.log(`  report: ${o.report}`);
          }
          if (result.run) console.log(`  import id: ${result.run.id}`);
        }),
    );
}
