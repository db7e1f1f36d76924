import type { Command } from 'commander';
import type { Services } from '../app.ts';
import { findWorkspaceOrThrow, withServices } from './context.ts';

async function workspaceFor(
  s: Services,
  nameOrId: string,
  create: false | { timezone: string; currency: string; region: string },
) {
  if (create && !(await s.workspaces.findWorkspace(nameOrId))) {
    const w = await s.workspaces.createWorkspace({ name: nameOrId, ...create });
    console.log(`Created workspace "${w.name}" (${w.id})`);
    return w;
  }
  return findWorkspaceOrThrow(s, nameOrId);
}

export function registerAccessCommands(program: Command) {
  program
    .command('user')
    .description('People who sign in to the web app')
    .command('create')
    .description('Create a user (owner or staff) in a workspace')
    .requiredOption('--workspace <name|id>', 'workspace name or id')
    .requiredOption('--email <email>', 'their email (the sign-in name)')
    .requiredOption('--password <password>', 'at least 8 characters')
    .option('--name <name>', 'display name')
    .option('--role <role>', 'owner or staff', 'staff')
    .action((o: { workspace: string; email: string; password: string; name?: string; role: string }) =>
      withServices(async (s) => {
        const w = await findWorkspaceOrThrow(s, o.workspace);
        const u = await s.access.createUser(
          w.id,
          { email: o.email, password: o.password, name: o.name, role: o.role },
          'cli',
        );
        console.log(`Created ${u.role} ${u.email} in "${w.name}"`);
        console.log(u.id);
      }),
    );

  program
    .command('apikey')
    .description('Keys for the REST API')
    .command('create')
    .description('Create an API key; prints the key alone on the last line (it is not shown again)')
    .requiredOption('--workspace <name|id>', 'workspace name or id')
    .option('--scope <scopes>', 'comma separated: read,write,admin', 'read,write')
    .option('--name <name>', 'what the key is for', 'API key')
    .option('--create-workspace', 'create the workspace if it does not exist')
    .option('--timezone <iana>', 'time zone for --create-workspace', 'UTC')
    .option('--currency <iso4217>', 'currency for --create-workspace', 'USD')
    .option('--region <iso3166>', 'phone region for --create-workspace', 'US')
    .action(
      (o: {
        workspace: string;
        scope: string;
        name: string;
        createWorkspace?: boolean;
        timezone: string;
        currency: string;
        region: string;
      }) =>
        withServices(async (s) => {
          const w = await workspaceFor(
            s,
            o.workspace,
            o.createWorkspace ? { timezone: o.timezone, currency: o.currency, region: o.region } : false,
          );
          const scopes = o.scope
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean);
          const { key, apiKey } = await s.access.createApiKey(w.id, { name: o.name, scopes }, 'cli');
          console.log(
            `API key "${apiKey.name}" for "${w.name}" with scopes ${apiKey.scopes.join(',')} — store it now, it is not shown again:`,
          );
          console.log(key);
        }),
    );
}
