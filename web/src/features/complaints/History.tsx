import { Paper, Stack, Text, Timeline, Title } from '@mantine/core';
import { dateTime } from '../../lib/format.ts';
import { useMe } from '../../lib/session.ts';
import { useUsers, type ComplaintDetail, type ComplaintEvent } from './api.ts';
import { channelLabel, offerLabel } from './format.ts';

type Options = { kind: string; detail?: string }[];

function describe(e: ComplaintEvent, name: (id: unknown) => string): { title: string; body?: string } {
  const d = e.data;
  const s = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : '');
  switch (e.kind) {
    case 'created':
      return { title: `Complaint logged${d.channel ? ` (${channelLabel(s('channel'))})` : ''}` };
    case 'updated': {
      const parts = [
        s('paraphrase') && `problem statement: “${s('paraphrase')}”`,
        s('severity') && `severity ${s('severity')}`,
        s('category') && `category ${s('category')}`,
        s('rootCause') && `root cause: ${s('rootCause')}`,
      ].filter(Boolean);
      return { title: 'Updated', body: parts.join('; ') };
    }
    case 'transfer':
      return { title: `Passed from ${name(d.fromUserId)} to ${name(d.toUserId)}`, body: s('reason') };
    case 'respond':
      return {
        title: d.reached === false ? 'Tried to reach the customer: no answer' : 'Responded',
        body: [d.channel ? channelLabel(s('channel')) : '', s('note')].filter(Boolean).join(' · '),
      };
    case 'offer': {
      const options = (Array.isArray(d.options) ? d.options : []) as Options;
      const list = options.map((o) =>
        o.detail ? `${offerLabel(o.kind)} (${o.detail})` : offerLabel(o.kind),
      );
      const choice = typeof d.choice === 'number' ? options[d.choice] : undefined;
      return {
        title: d.alternativeTo ? 'Offered alternatives' : 'Offered options',
        body: [
          list.join(' / '),
          choice ? `chose ${offerLabel(choice.kind)}` : d.refused ? 'refused' : '',
          s('refundReason') && `refund reason: ${s('refundReason')}`,
        ]
          .filter(Boolean)
          .join(' — '),
      };
    }
    case 'resolve': {
      const o = d.option as { kind?: string } | undefined;
      return {
        title: `Resolved${o?.kind ? ` with ${offerLabel(o.kind)}` : ''}, with an apology`,
        body: s('summary'),
      };
    }
    case 'close':
      return {
        title:
          d.how === 'confirmed'
            ? 'Closed: the customer confirmed'
            : `Closed after ${String(d.attempts)} attempts to reach them`,
        body: s('note'),
      };
    case 'reopen':
      return { title: 'Reopened', body: s('reason') };
    case 'follow_up':
      return { title: `Follow-up: ${s('outcome').replace('_', ' ')}`, body: s('note') };
    default:
      return { title: e.kind };
  }
}

/** Every step of the complaint, oldest first, with who did it. */
export function History({ c }: { c: ComplaintDetail }) {
  const { workspace } = useMe();
  const users = useUsers();
  const name = (id: unknown) => {
    const u = users.data?.items.find((x) => x.id === id);
    return u ? u.name || u.email : id === c.ownerId ? c.ownerName : 'someone';
  };
  return (
    <Paper withBorder p="md" component="section" aria-label="History">
      <Title order={2} fz="lg" mb="sm">
        History
      </Title>
      <Timeline bulletSize={12} lineWidth={2} active={c.history.length - 1}>
        {c.history.map((e) => {
          const { title, body } = describe(e, name);
          return (
            <Timeline.Item
              key={e.id}
              title={
                <Text size="sm" fw={600}>
                  {title}
                </Text>
              }
            >
              <Stack gap={0}>
                {body && (
                  <Text size="sm" className="pre-wrap">
                    {body}
                  </Text>
                )}
                <Text size="xs" c="dimmed">
                  {dateTime(e.at, workspace.timezone)}
                  {e.actorId ? ` · ${name(e.actorId)}` : ''}
                </Text>
              </Stack>
            </Timeline.Item>
          );
        })}
      </Timeline>
    </Paper>
  );
}
