import type { Command } from 'commander';
import { withServices } from './context.ts';

export function registerWorkspaceCommands(program: Command) {
  const ws = program.command('workspace').description('Businesses hosted by this install');
  ws.command('create')
    .description('Create a workspace for a business')
    .argument('<name>', 'the business name')
    .requiredOption('--timezone <iana>', 'IANA time zone, e.g. Africa/Lagos')
    .requiredOption('--currency <iso4217>', 'currency code, e.g. NGN')
    .requiredOption('--region <iso3166>', 'default phone region, e.g. NG')
    .action((name: string, o: { timezone: string; currency: string; region: string }) =>
      withServices(async (s) => {
        const w = await s.workspaces.createWorkspace({
          name,
          timezone: o.timezone,
          currency: o.currency,
          region: o.region,
        });
        console.log(
          `Created workspace "${w.name}" (${w.timezone}, ${w.currency}, phones default to ${w.region})`,
        );
        console.log(w.id);
      }),
    );
  ws.command('list')
    .description('List workspaces')
    .action(() =>
      withServices(async (s) => {
        const rows = await s.workspaces.listWorkspaces();
        if (!rows.length)
          console.log(
            'No workspaces yet. Create one: rapport workspace create "My Shop" --timezone Africa/Lagos --currency NGN --region NG',
          );
        for (const r of rows) console.log(`${r.id}  ${r.name}  ${r.timezone} ${r.currency} ${r.region}`);
      }),
    );
}
