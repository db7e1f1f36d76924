import { AreaChart } from '@mantine/charts';
import { Anchor, Button, Group, List, NumberInput, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { money } from '../../lib/format.ts';
import { isOwner, useMe } from '../../lib/session.ts';
import { InsightCard } from '../analytics/InsightCard.tsx';
import { percent } from '../analytics/format.ts';
import { growApi, growKeys, type Profitability } from './api.ts';

const withAsOf = <T,>(d: T) => ({ ...d, asOf: null as string | null });

/** Insights: do the suggestions beat simply offering the most popular items? */
export function SuggestionsCard() {
  const q = useQuery({
    queryKey: growKeys.evaluation,
    queryFn: growApi.evaluation,
    select: (d) => ({ ...d, asOf: d.evaluated?.asOf ?? null }),
  });
  return (
    <InsightCard
      title="What to offer next"
      caption="Suggestions from what customers buy together, checked on your own orders: the last 60 days hidden, then guessed."
      query={q}
      empty="No refit has computed suggestions yet."
    >
      {(d) => {
        const e = d.evaluated;
        if (!e) return null;
        return (
          <Stack gap="xs">
            {e.hitRate5 !== null && e.baselineHitRate5 !== null && (
              <Text size="sm">
                For <b>{percent(e.hitRate5)}</b> of {e.customers} customers, one of their 5 suggestions was
                something they then bought — against <b>{percent(e.baselineHitRate5)}</b> for the 5 most
                popular items.
              </Text>
            )}
            <Text size="sm" fw={600} c={e.beatsBaseline ? 'teal.9' : 'orange.9'}>
              {e.beatsBaseline ? 'Suggestions are shown on customer pages.' : d.hidden}
            </Text>
            <Text size="xs" c="dimmed">
              Fitted on orders up to {e.cutDate}, checked on the {e.testDays} days after (sample seed {e.seed}
              ).
            </Text>
          </Stack>
        );
      }}
    </InsightCard>
  );
}

/** Insights: share of wallet, the biggest gaps. */
export function WalletCard() {
  const q = useQuery({
    queryKey: growKeys.gaps(),
    queryFn: () => growApi.gaps(undefined, 8),
    select: withAsOf,
  });
  return (
    <InsightCard
      title="Share of wallet"
      caption="Where customers spend less than others of the same kind and age with you: the biggest gaps a month."
      query={q}
      empty="No gaps yet: this needs a refit, categories on products, and at least 6 comparable customers."
    >
      {(d) =>
        d.gaps.length === 0 ? null : (
          <List size="sm" spacing={6} aria-label="Biggest gaps">
            {d.gaps.map((g) => (
              <List.Item key={g.customerId}>
                <Anchor component={Link} to={`/customers/${g.customerId}`} size="sm">
                  {g.name}
                </Anchor>
                : {money(g.gapMonthly, d.currency)} a month on {g.category}
                <Text size="xs" c="dimmed">
                  {g.sentence}
                </Text>
              </List.Item>
            ))}
          </List>
        )
      }
    </InsightCard>
  );
}

function Who({ rows, currency }: { rows: Profitability['most']; currency: string }) {
  return (
    <List size="sm" spacing={2}>
      {rows.slice(0, 5).map((m) => (
        <List.Item key={m.customerId}>
          <Anchor component={Link} to={`/customers/${m.customerId}`} size="sm">
            {m.name}
          </Anchor>{' '}
          {money(m.profit, currency)}
        </List.Item>
      ))}
    </List>
  );
}

/** Insights: who brings the profit (Pareto curve), who loses money, and the rates behind it. */
export function ProfitCard() {
  const q = useQuery({
    queryKey: growKeys.profitability(),
    queryFn: () => growApi.profitability(),
    select: withAsOf,
  });
  return (
    <InsightCard
      title="Who brings the profit"
      caption="Profit in the last year: sales − discounts − refunds − cost of goods − time spent on complaints."
      query={q}
      empty="No profit to share out yet."
    >
      {(d) => {
        if (d.customers === 0) return null;
        const data = (d.pareto ?? []).map((p) => ({
          customers: `${Math.round(p.customerShare * 100)} %`,
          profit: Math.round(p.profitShare * 100),
        }));
        return (
          <Stack gap="xs">
            {d.topShare && (
              <Text size="sm">
                <b>20 %</b> of customers bring <b>{percent(d.topShare.profitShare)}</b> of the profit (
                {money(d.totalProfit, d.currency)} from {d.customers} customers).
              </Text>
            )}
            {data.length > 0 && (
              <AreaChart
                h={180}
                data={data}
                dataKey="customers"
                curveType="linear"
                unit=" %"
                series={[{ name: 'profit', label: 'Share of the profit', color: 'teal.6' }]}
                xAxisLabel="Customers, most profitable first"
              />
            )}
            <Text size="sm" c={d.lossMakers > 0 ? 'orange.9' : undefined}>
              {d.lossMakers === 0
                ? 'No customer costs more than they bring.'
                : `${d.lossMakers} customer${d.lossMakers === 1 ? '' : 's'} cost more than they bring.`}
            </Text>
            <Group align="flex-start" grow>
              <div>
                <Text size="xs" fw={600}>
                  Most profitable
                </Text>
                <Who rows={d.most} currency={d.currency} />
              </div>
              <div>
                <Text size="xs" fw={600}>
                  Least profitable
                </Text>
                <Who rows={d.least} currency={d.currency} />
              </div>
            </Group>
            <Text size="xs" c="dimmed">
              {d.linesWithoutCost} of {d.lines} items sold had no cost on the line or the product: counted at
              your default margin of {percent(d.settings.defaultMargin)}. Not counted:{' '}
              {d.notCounted.join(' ')}
            </Text>
            <Rates s={d.settings} />
          </Stack>
        );
      }}
    </InsightCard>
  );
}

function Rates({ s }: { s: Profitability['settings'] }) {
  const me = useMe();
  const qc = useQueryClient();
  const [margin, setMargin] = useState<number | string>(Math.round(s.defaultMargin * 100));
  const [minutes, setMinutes] = useState<number | string>(s.complaintMinutes);
  const [rate, setRate] = useState<number | string>(s.hourlyRate / 100);
  const save = useMutation({
    mutationFn: () =>
      growApi.saveSettings({
        defaultMargin: Number(margin) / 100,
        complaintMinutes: Number(minutes),
        hourlyRate: Math.round(Number(rate) * 100),
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['analytics', 'grow'] }),
  });
  if (!isOwner(me)) return null;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <Group align="flex-end" gap="xs">
        <NumberInput
          label="Default margin (%)"
          value={margin}
          onChange={setMargin}
          min={0}
          max={95}
          w={140}
        />
        <NumberInput label="Minutes per complaint" value={minutes} onChange={setMinutes} min={0} w={160} />
        <NumberInput label={`Staff hour (${s.currency})`} value={rate} onChange={setRate} min={0} w={140} />
        <Button type="submit" variant="light" loading={save.isPending}>
          Save rates
        </Button>
      </Group>
      {save.isError && (
        <Text size="xs" c="red.8">
          {save.error.message}
        </Text>
      )}
    </form>
  );
}
