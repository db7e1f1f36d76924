import type { Command } from 'commander';
import type { Actor } from '../platform/http/actor.ts';
import { findWorkspaceOrThrow, reportError, withServices } from './context.ts';

const cliActor = (workspaceId: string): Actor => ({
  workspaceId,
  kind: 'cli',
  id: 'cli',
  scopes: new Set(['read', 'write', 'admin']),
});

/** `rapport messages …`: the outbox from a terminal (what is waiting, send it now, stop an address). */
export function registerMessageCommands(program: Command) {
  const m = program
    .command('messages')
    .description('Email, SMS and WhatsApp: the outbox and the suppression list');
  m.command('status')
    .description('Messages by status, and campaigns still sending')
    .requiredOption('--workspace <name-or-id>', 'the business')
    .action((o: { workspace: string }) =>
      withServices(async (s, conn) => {
        const w = await findWorkspaceOrThrow(s, o.workspace);
        const rows = await conn.db
          .selectFrom('messages')
          .select(['status', (eb) => eb.fn.countAll<string | number>().as('n')])
          .where('workspace_id', '=', w.id)
          .groupBy('status')
          .orderBy('status')
          .execute();
        if (!rows.length) console.log('No messages yet.');
        for (const r of rows) console.log(`${String(r.status).padEnd(10)} ${Number(r.n)}`);
        for (const c of (await s.campaigns.listCampaigns(w.id)).items.filter((c) => c.status !== 'done'))
          console.log(`campaign "${c.name}": ${c.status}`);
      }).catch(reportError),
    );
  m.command('send-due')
    .description(
      'Queue campaigns waiting to be queued and send every message due now, then exit (for a cron job when no server runs)',
    )
    .action(() =>
      withServices(async (s, conn) => {
        const waiting = await conn.db
          .selectFrom('campaigns')
          .select(['workspace_id', 'id'])
          .where('status', '=', 'queuing')
          .execute();
        for (const c of waiting) await s.campaigns.queueCampaign(c.workspace_id, c.id, async () => {});
        const before = await conn.db
          .selectFrom('messages')
          .select((eb) => eb.fn.countAll<string | number>().as('n'))
          .where('status', '=', 'sent')
          .executeTakeFirstOrThrow();
        const sender = s.outbox.createSender({
          onError: (err) => console.error(`error: ${(err as Error).message}`),
        });
        await sender.drain();
        await s.outbox.close();
        const after = await conn.db
          .selectFrom('messages')
          .select((eb) => eb.fn.countAll<string | number>().as('n'))
          .where('status', '=', 'sent')
          .executeTakeFirstOrThrow();
        console.log(
          `Queued ${waiting.length} campaign(s); sent ${Number(after.n) - Number(before.n)} message(s).`,
        );
      }).catch(reportError),
    );
  m.command('suppress')
    .description(
      'Never send anything to this address or number again (a spam complaint, a request by letter)',
    )
    .argument('<address>', 'an email address or a phone number')
    .requiredOption('--workspace <name-or-id>', 'the business')
    .option('--channel <channel>', 'email, sms or whatsapp', 'email')
    .action((address: string, o: { workspace: string; channel: string }) =>
      withServices(async (s) => {
        const w = await findWorkspaceOrThrow(s, o.workspace);
        const r = await s.outreach.addSuppression(
          w.id,
          { channel: o.channel, address, reason: 'manual' },
          cliActor(w.id),
        );
        console.log(`Suppressed ${r.channel} ${r.address}: nothing will be sent to it.`);
      }).catch(reportError),
    );
}
