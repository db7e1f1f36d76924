import './complaints.css';
import {
  Anchor,
  Badge,
  Blockquote,
  Button,
  Grid,
  Group,
  Paper,
  Stack,
  Text,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { complaintKeys } from './api.ts';
import { DateTime } from 'luxon';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { isApiError } from '../../lib/api.ts';
import { dateTime } from '../../lib/format.ts';
import { useMe } from '../../lib/session.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import {
  CloseForm,
  FollowUpForm,
  ProblemForm,
  ReopenForm,
  RespondForm,
  SeverityForm,
  TransferForm,
} from './actions.tsx';
import { complaintsApi, usePlaybook, type ComplaintDetail, type PlaybookStep } from './api.ts';
import { STATUS_LABEL, channelLabel, useNow } from './format.ts';
import { History } from './History.tsx';
import { OfferForm, OfferList, ResolveForm, currentOffers } from './ladder.tsx';
import { ComplaintSlaBadge, SeverityBadge, TimerLine, ValueAtStake } from './parts.tsx';
import { PromiseForm } from '../promises/PromiseForm.tsx';

/** One complaint: value at stake up front, the guided flow staff follow step by step, and its history. */
export default function ComplaintPage() {
  const { id = '' } = useParams();
  const q = useQuery({
    queryKey: complaintKeys.detail(id),
    queryFn: () => complaintsApi.get(id),
    refetchInterval: 60_000,
  });
  if (q.isPending) return <PageLoader label="Opening complaint…" />;
  if (q.isError)
    return isApiError(q.error, 404) ? (
      <Stack maw={480} py="xl">
        <Title order={2}>Complaint not found</Title>
        <Button component={Link} to="/complaints" style={{ alignSelf: 'flex-start' }}>
          Back to the queue
        </Button>
      </Stack>
    ) : (
      <QueryError error={q.error} onRetry={() => void q.refetch()} />
    );
  return <Complaint c={q.data} />;
}

function Complaint({ c }: { c: ComplaintDetail }) {
  const { workspace } = useMe();
  const now = useNow(15_000);
  const [transferring, setTransferring] = useState(false);
  return (
    <Stack gap="md" maw={1200}>
      <Group justify="space-between" align="flex-start" gap="sm">
        <div style={{ minWidth: 0 }}>
          <Text size="sm">
            <Anchor component={Link} to="/complaints">
              Complaints
            </Anchor>
          </Text>
          <Title order={1} fz={{ base: 22, sm: 26 }}>
            Complaint from{' '}
            <Anchor component={Link} to={`/customers/${c.customerId}`} inherit>
              {c.customerName}
            </Anchor>
          </Title>
          <Group gap={6} mt={4}>
            <Badge variant="outline" color={c.status === 'closed' ? 'gray' : 'teal'} data-status={c.status}>
              {STATUS_LABEL[c.status]}
            </Badge>
            <SeverityBadge severity={c.severity} />
            <ComplaintSlaBadge c={c} now={now} />
            <Text size="sm" c="dimmed">
              {channelLabel(c.channel)} · {dateTime(c.receivedAt, workspace.timezone)}
            </Text>
          </Group>
          <Stack gap={0} mt={6} aria-label="Timers">
            <TimerLine
              label="First reply"
              timer={c.sla.firstResponse}
              now={now}
              timeZone={workspace.timezone}
            />
            <TimerLine label="Resolution" timer={c.sla.resolution} now={now} timeZone={workspace.timezone} />
            {c.followUp.dueAt && (
              <Text size="sm" c={c.followUp.due ? 'blue.7' : 'dimmed'} fw={c.followUp.due ? 600 : 400}>
                Follow-up check{' '}
                {c.followUp.doneAt
                  ? `done: ${c.followUp.outcome}`
                  : `due ${dateTime(c.followUp.dueAt, workspace.timezone)}`}
              </Text>
            )}
          </Stack>
        </div>
        <Paper withBorder p="sm" bg="teal.0" style={{ flexShrink: 0 }} aria-label="Value at stake">
          <ValueAtStake c={c} size="lg" />
          <Text size="xs" c="teal.9" mt={4} maw={220}>
            What this customer could spend with you. Don’t let it walk out the door.
          </Text>
        </Paper>
      </Group>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="md">
            <GuidedFlow c={c} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="md">
            <Paper withBorder p="md" component="section" aria-label="Owner">
              <Group justify="space-between" gap="xs">
                <div>
                  <Text size="xs" c="dimmed">
                    Owner
                  </Text>
                  <Text fw={600}>{c.ownerName}</Text>
                </div>
                {!transferring && c.status !== 'closed' && (
                  <Button variant="default" size="sm" onClick={() => setTransferring(true)}>
                    Transfer…
                  </Button>
                )}
              </Group>
              {transferring && (
                <div style={{ marginTop: 8 }}>
                  <TransferForm c={c} onDone={() => setTransferring(false)} />
                </div>
              )}
            </Paper>
            <Paper withBorder p="md" component="section" aria-label="Details">
              <Stack gap="xs">
                <Field label="Customer's words">
                  <Text size="sm" className="pre-wrap">
                    “{c.words}”
                  </Text>
                </Field>
                <Field label="Problem statement">
                  {c.paraphrase ?? (
                    <Text span c="dimmed">
                      Not recorded yet
                    </Text>
                  )}
                </Field>
                {c.category && <Field label="Category">{c.category}</Field>}
                {c.product && <Field label="Product">{c.product}</Field>}
                {c.resolutionSummary && <Field label="Resolution">{c.resolutionSummary}</Field>}
                {c.refunded && <Field label="Refund reason">{c.refundReason}</Field>}
                {c.rootCause && <Field label="Root cause">{c.rootCause}</Field>}
                <SeverityForm c={c} />
              </Stack>
            </Paper>
            {c.status !== 'closed' && (
              <Paper withBorder p="md" component="section" aria-label="Promise to the customer">
                <PromiseForm customerId={c.customerId} source={{ kind: 'complaint', id: c.id }} />
              </Paper>
            )}
            <History c={c} />
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </div>
  );
}

/** Where the complaint stands in the guided flow: the first step not yet done. */
function stepOf(c: ComplaintDetail): number {
  if (c.status === 'resolved' || c.status === 'closed') return 5;
  if (!c.sla.firstResponse.doneAt) return 0;
  if (!c.paraphrase) return 2;
  const last = currentOffers(c).at(-1);
  if (!last || last.response === 'refused') return 4;
  return 5;
}

/**
 * Whether each step is done, from what the complaint records (a tick means done, never "we are past it"):
 * greet = first response recorded; listen = their words written down; paraphrase = problem statement;
 * empathise = an option offered after it; offer = an option accepted; confirm = closed.
 */
function doneSteps(c: ComplaintDetail): Record<string, boolean> {
  const offers = currentOffers(c);
  const settled = c.status === 'resolved' || c.status === 'closed';
  return {
    greet: !!c.sla.firstResponse.doneAt,
    listen: !!c.words.trim(),
    paraphrase: !!c.paraphrase,
    empathise: offers.length > 0 || settled,
    offer: settled || offers.some((o) => o.response === 'accepted'),
    confirm: c.status === 'closed',
  };
}

/** "morning" / "afternoon" / "evening" where the shop is (the workspace's zone), not where the device is. */
export function timeOfDay(zone: string, now = Date.now()): 'morning' | 'afternoon' | 'evening' {
  const hour = DateTime.fromMillis(now, { zone }).hour;
  return hour < 12 ? 'morning' : hour < 18 ? 'afternoon' : 'evening';
}

/** The guided flow (greet, listen, paraphrase, empathise, offer options, confirm), one action per step. */
function GuidedFlow({ c }: { c: ComplaintDetail }) {
  const pb = usePlaybook();
  const at = stepOf(c);
  const [active, setActive] = useState(at);
  // Move on with the complaint when a step completes it (or when another page changes it).
  useEffect(() => setActive(at), [at]);
  const steps = pb.data?.steps ?? [];
  const step = steps[active];
  const done = doneSteps(c);
  return (
    <Paper withBorder p="md" component="section" aria-label="Guided flow">
      <Title order={2} fz="lg" mb="sm">
        Guided flow
      </Title>
      <Group
        gap={6}
        mb="md"
        component="ol"
        style={{ listStyle: 'none', padding: 0, margin: 0 }}
        aria-label="Steps"
      >
        {steps.map((s, i) => (
          <li key={s.key}>
            <UnstyledButton
              onClick={() => setActive(i)}
              aria-current={i === active ? 'step' : undefined}
              className="flow-step"
              data-active={i === active}
              data-done={!!done[s.key]}
              aria-label={`${s.title}${done[s.key] ? ' (done)' : ''}`}
            >
              <span className="flow-step-n" aria-hidden="true">
                {done[s.key] ? '✓' : i + 1}
              </span>{' '}
              {s.title}
            </UnstyledButton>
          </li>
        ))}
      </Group>
      {step && (
        <StepPanel c={c} step={step} onNext={() => setActive((a) => Math.min(a + 1, steps.length - 1))} />
      )}
    </Paper>
  );
}

function StepPanel({ c, step, onNext }: { c: ComplaintDetail; step: PlaybookStep; onNext: () => void }) {
  const { workspace } = useMe();
  const closed = c.status === 'closed';
  // the playbook's example, said to this customer at this time of day where the shop is
  const example = step.example
    ?.replaceAll('{name}', c.customerName)
    .replaceAll('{timeOfDay}', timeOfDay(workspace.timezone));
  const resolved = c.status === 'resolved';
  const next = (
    <Button variant="light" onClick={onNext} style={{ alignSelf: 'flex-start' }}>
      Next step
    </Button>
  );
  return (
    <Stack gap="sm" aria-label={`Step: ${step.title}`} role="region">
      <Text fw={600}>{step.prompt}</Text>
      {example && (
        <Blockquote p="xs" fz="sm" color="gray" cite="— for example" data-testid="step-example">
          {example}
        </Blockquote>
      )}
      {step.key === 'greet' &&
        (c.sla.firstResponse.doneAt ? (
          <>
            <Text size="sm" c="teal.8">
              First response recorded.
            </Text>
            {next}
          </>
        ) : closed ? null : (
          <RespondForm c={c} />
        ))}
      {step.key === 'listen' && (
        <>
          <Blockquote p="xs" fz="sm" color="teal" cite={`— ${c.customerName}`} className="pre-wrap">
            {c.words}
          </Blockquote>
          {next}
        </>
      )}
      {step.key === 'paraphrase' && (closed ? <Text size="sm">{c.paraphrase}</Text> : <ProblemForm c={c} />)}
      {step.key === 'empathise' && next}
      {step.key === 'offer' && (
        <>
          <OfferList c={c} />
          {!closed && !resolved && <OfferForm c={c} />}
        </>
      )}
      {step.key === 'confirm' &&
        (closed ? (
          <Stack gap="sm">
            <Text size="sm" c="teal.8" fw={600}>
              Closed{' '}
              {c.closedHow === 'confirmed'
                ? 'with the customer’s confirmation'
                : 'after two attempts to reach the customer'}
              .
            </Text>
            {c.followUp.dueAt && !c.followUp.doneAt && <FollowUpForm c={c} />}
            <ReopenForm c={c} />
          </Stack>
        ) : resolved ? (
          <Stack gap="md">
            <Text size="sm">
              Resolved: {c.resolutionSummary}. Confirm with the customer that it is done, then close.
            </Text>
            <CloseForm c={c} />
            <div>
              <Text size="sm" fw={600}>
                Could not reach them?
              </Text>
              <RespondForm c={c} attempt />
            </div>
            {c.followUp.due && <FollowUpForm c={c} />}
            <ReopenForm c={c} />
          </Stack>
        ) : (
          <>
            <OfferList c={c} />
            <ResolveForm c={c} />
          </>
        ))}
    </Stack>
  );
}
