import { Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { money } from '../../lib/format.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { outreachApi, outreachKeys, type Campaign, type CampaignOutcome } from './api.ts';

const pct = (r: number) => `${Math.round(r * 1000) / 10} %`;
/** The interval's ends (the API answers a pair). */
const ends = (ci: number[]): [number, number] => [ci[0] ?? 0, ci[1] ?? 0];
const signed = (r: number) => `${r >= 0 ? '+' : '−'}${pct(Math.abs(r))}`;

/** "Did it work?": the verdict, messaged vs holdout return rates at 30/60/90 days, revenue per customer. */
export function Outcome({ c }: { c: Campaign }) {
  const q = useQuery({
    queryKey: outreachKeys.outcome(c.id),
    queryFn: () => outreachApi.outcome(c.id),
    staleTime: 60_000,
  });
  return (
    <Paper withBorder p="md" component="section" aria-label="Did it work?">
      <Stack gap="sm">
        <Title order={2} fz="lg">
          Did it work?
        </Title>
        {q.isPending ? (
          <PageLoader label="Comparing…" />
        ) : q.isError ? (
          <QueryError error={q.error} onRetry={() => void q.refetch()} />
        ) : (
          <OutcomeBody o={q.data} />
        )}
      </Stack>
    </Paper>
  );
}

function OutcomeBody({ o }: { o: CampaignOutcome }) {
  const hasHoldout = o.windows.some((w) => w.holdout.customers > 0);
  const r = o.revenue90;
  return (
    <>
      <Text size="sm" fw={500} data-testid="outcome-verdict">
        {o.verdict}
      </Text>
      {hasHoldout && <ReturnChart o={o} />}
      <ul className="plain-list" aria-label="Came back, by window">
        {o.windows.map((w) => (
          <li key={w.days}>
            <Text size="sm">
              <b>Within {w.days} days</b>
              {w.complete ? '' : ' (not over yet)'}: {w.treated.returned.toLocaleString()} of{' '}
              {w.treated.customers.toLocaleString()} messaged came back ({pct(w.treated.rate)})
              {w.holdout.customers > 0 &&
                `, against ${w.holdout.returned.toLocaleString()} of ${w.holdout.customers.toLocaleString()} kept back (${pct(w.holdout.rate)}): ${signed(w.uplift)}${
                  w.ci95 ? ` (95 % interval ${signed(ends(w.ci95)[0])} to ${signed(ends(w.ci95)[1])})` : ''
                }`}
              .
            </Text>
          </li>
        ))}
      </ul>
      <Text size="sm" data-testid="outcome-revenue">
        <b>Spent per customer within 90 days:</b> {money(r.treatedPerCustomer, r.currency)} messaged
        {hasHoldout &&
          `, ${money(r.holdoutPerCustomer, r.currency)} kept back (difference ${money(r.difference, r.currency)}${
            r.ci95
              ? `, 95 % interval ${money(ends(r.ci95)[0], r.currency)} to ${money(ends(r.ci95)[1], r.currency)}`
              : ''
          })`}
        .
      </Text>
      <Text size="xs" c="dimmed">
        “Came back” means bought again.
        {hasHoldout &&
          ' The customers kept back were chosen at random, so the difference between the two groups is what the message did; the interval is how sure that is.'}
      </Text>
    </>
  );
}

const W = 560;
const ROW = 54;
const LEFT = 96;

/** Messaged vs kept back: the share who came back in each window, with the 95 % interval of the difference. */
function ReturnChart({ o }: { o: CampaignOutcome }) {
  const top = Math.max(
    0.05,
    ...o.windows.flatMap((w) => [
      w.treated.rate,
      w.holdout.rate,
      w.ci95 ? w.holdout.rate + ends(w.ci95)[1] : 0,
    ]),
  );
  const scale = (v: number) => LEFT + (Math.max(0, Math.min(v, top)) / top) * (W - LEFT - 56);
  const h = o.windows.length * ROW + 28;
  const label = o.windows
    .map((w) => `${w.days} days: messaged ${pct(w.treated.rate)}, kept back ${pct(w.holdout.rate)}`)
    .join('; ');
  return (
    <div>
      <svg
        viewBox={`0 0 ${W} ${h}`}
        width="100%"
        style={{ maxWidth: W, display: 'block' }}
        role="img"
        aria-label={`Came back: ${label}`}
      >
        {o.windows.map((w, i) => {
          const y = i * ROW + 4;
          const ci = w.ci95 && ends(w.ci95).map((e) => scale(w.holdout.rate + e));
          return (
            <g key={w.days}>
              <text x={0} y={y + 26} fontSize={14} fill="#212529">
                {w.days} days{w.complete ? '' : '*'}
              </text>
              <rect x={LEFT} y={y} width={scale(w.treated.rate) - LEFT} height={18} fill="#0c8599" />
              <text x={scale(w.treated.rate) + 6} y={y + 14} fontSize={13} fill="#212529">
                {pct(w.treated.rate)}
              </text>
              <rect x={LEFT} y={y + 22} width={scale(w.holdout.rate) - LEFT} height={18} fill="#868e96" />
              <text x={scale(w.holdout.rate) + 6} y={y + 36} fontSize={13} fill="#212529">
                {pct(w.holdout.rate)}
              </text>
              {ci && (
                <g stroke="#212529" strokeWidth={2}>
                  <line x1={ci[0]} x2={ci[1]} y1={y + 9} y2={y + 9} />
                  {ci.map((x) => (
                    <line key={x} x1={x} x2={x} y1={y + 3} y2={y + 15} />
                  ))}
                </g>
              )}
            </g>
          );
        })}
        <g transform={`translate(0 ${o.windows.length * ROW + 10})`} fontSize={13} fill="#212529">
          <rect x={0} y={0} width={12} height={12} fill="#0c8599" />
          <text x={18} y={11}>
            Messaged
          </text>
          <rect x={100} y={0} width={12} height={12} fill="#868e96" />
          <text x={118} y={11}>
            Kept back
          </text>
          <line x1={210} x2={236} y1={6} y2={6} stroke="#212529" strokeWidth={2} />
          <text x={242} y={11}>
            95 % interval
          </text>
        </g>
      </svg>
      {o.windows.some((w) => !w.complete) && (
        <Text size="xs" c="dimmed">
          * Not over yet: the figure can still grow.
        </Text>
      )}
    </div>
  );
}
