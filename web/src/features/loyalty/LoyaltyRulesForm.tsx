import {
  ActionIcon,
  Alert,
  Button,
  Group,
  NumberInput,
  Paper,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../../lib/api.ts';
import { useMe } from '../../lib/session.ts';
import { fromMinor, toMinor } from '../sales/api.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { loyaltyApi, loyaltyKeys, useLoyaltySettings, type LoyaltySettings } from './api.ts';

type Num = number | string;
type TierRow = { name: string; visits: Num; spend: string };
type BonusRow = { category: string; points: Num };
const num = (v: Num) => (v === '' ? null : Number(v));

/** Earn rules and tiers, in the shop's words: "for every NGN 100 spent, 1 point". */
export function LoyaltyRulesForm() {
  const q = useLoyaltySettings();
  if (q.isPending) return <PageLoader />;
  if (q.isError) return <QueryError error={q.error} onRetry={() => void q.refetch()} />;
  return <RulesForm s={q.data} />;
}

function RulesForm({ s }: { s: LoyaltySettings }) {
  const { workspace } = useMe();
  const cur = workspace.currency;
  const qc = useQueryClient();
  const [unit, setUnit] = useState(fromMinor(s.spendUnit, cur));
  const [perUnit, setPerUnit] = useState<Num>(s.pointsPerUnit);
  const [perVisit, setPerVisit] = useState<Num>(s.pointsPerVisit);
  const [signup, setSignup] = useState<Num>(s.signupBonus);
  const [value, setValue] = useState(fromMinor(s.pointValue, cur));
  const [expiry, setExpiry] = useState<Num>(s.expiryMonths ?? '');
  const [window, setWindow] = useState<Num>(s.tierWindowMonths);
  const [tiers, setTiers] = useState<TierRow[]>(
    s.tiers.map((t) => ({
      name: t.name,
      visits: t.minVisits ?? '',
      spend: t.minSpend === null ? '' : fromMinor(t.minSpend, cur),
    })),
  );
  const [bonus, setBonus] = useState<BonusRow[]>(
    s.bonusCategories.map((b) => ({ category: b.category, points: b.pointsPerUnit })),
  );
  const save = useMutation({
    mutationFn: () =>
      loyaltyApi.saveSettings({
        spendUnit: Math.max(1, toMinor(unit, cur) ?? 1),
        pointsPerUnit: Number(perUnit) || 0,
        pointsPerVisit: Number(perVisit) || 0,
        signupBonus: Number(signup) || 0,
        pointValue: toMinor(value, cur) ?? 0,
        expiryMonths: num(expiry),
        tierWindowMonths: Number(window) || 12,
        tiers: tiers
          .filter((t) => t.name.trim())
          .map((t) => ({
            name: t.name.trim(),
            minVisits: num(t.visits),
            minSpend: t.spend.trim() ? toMinor(t.spend, cur) : null,
          })),
        bonusCategories: bonus
          .filter((b) => b.category.trim())
          .map((b) => ({ category: b.category.trim(), pointsPerUnit: Number(b.points) || 0 })),
      }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: loyaltyKeys.settings }),
  });
  const sync = useMutation({ mutationFn: loyaltyApi.sync });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <Stack gap="md">
        <Paper withBorder p="md" component="section" aria-label="Earning points">
          <Title order={2} fz="lg" mb="sm">
            Earning points
          </Title>
          <Group grow align="flex-start" wrap="wrap">
            <TextInput
              label={`For every (${cur}) spent`}
              inputMode="decimal"
              value={unit}
              onChange={(e) => setUnit(e.currentTarget.value)}
            />
            <NumberInput label="Points earned" min={0} value={perUnit} onChange={setPerUnit} />
            <NumberInput label="Points per visit" min={0} value={perVisit} onChange={setPerVisit} />
          </Group>
          <Group grow align="flex-start" wrap="wrap" mt="sm">
            <NumberInput
              label="Sign-up bonus (points)"
              description="For customers added from now on"
              min={0}
              value={signup}
              onChange={setSignup}
            />
            <TextInput
              label={`One point is worth (${cur})`}
              inputMode="decimal"
              value={value}
              onChange={(e) => setValue(e.currentTarget.value)}
            />
            <NumberInput
              label="Points expire after (months unused)"
              description="Empty: never"
              min={1}
              max={120}
              value={expiry}
              onChange={setExpiry}
            />
          </Group>
          <Text size="sm" fw={600} mt="md">
            Extra points for categories
          </Text>
          {bonus.map((b, i) => (
            <Group key={i} align="flex-end" mt={4} wrap="nowrap">
              <TextInput
                label="Category"
                value={b.category}
                onChange={(e) =>
                  setBonus(bonus.map((x, j) => (j === i ? { ...x, category: e.currentTarget.value } : x)))
                }
                style={{ flex: 1 }}
              />
              <NumberInput
                label="Extra points"
                min={0}
                value={b.points}
                onChange={(v) => setBonus(bonus.map((x, j) => (j === i ? { ...x, points: v } : x)))}
                w={120}
              />
              <ActionIcon
                variant="subtle"
                color="red"
                size="lg"
                aria-label={`Remove the category ${b.category || i + 1}`}
                onClick={() => setBonus(bonus.filter((_, j) => j !== i))}
              >
                ×
              </ActionIcon>
            </Group>
          ))}
          <Button
            variant="subtle"
            size="xs"
            mt="xs"
            onClick={() => setBonus([...bonus, { category: '', points: 1 }])}
          >
            Add a category
          </Button>
        </Paper>
        <Paper withBorder p="md" component="section" aria-label="Tiers">
          <Title order={2} fz="lg" mb={4}>
            Tiers
          </Title>
          <Text size="sm" c="dimmed" mb="sm">
            Lowest first. A customer reaches a tier with its number of visits or its spend over the window.
          </Text>
          <NumberInput label="Window (months)" min={1} max={60} value={window} onChange={setWindow} w={160} />
          {tiers.map((t, i) => (
            <Group key={i} align="flex-end" mt="xs" wrap="wrap">
              <TextInput
                label="Tier"
                value={t.name}
                onChange={(e) =>
                  setTiers(tiers.map((x, j) => (j === i ? { ...x, name: e.currentTarget.value } : x)))
                }
                w={140}
              />
              <NumberInput
                label="Visits"
                min={1}
                value={t.visits}
                onChange={(v) => setTiers(tiers.map((x, j) => (j === i ? { ...x, visits: v } : x)))}
                w={100}
              />
              <TextInput
                label={`or spend (${cur})`}
                inputMode="decimal"
                value={t.spend}
                onChange={(e) =>
                  setTiers(tiers.map((x, j) => (j === i ? { ...x, spend: e.currentTarget.value } : x)))
                }
                w={150}
              />
              <ActionIcon
                variant="subtle"
                color="red"
                size="lg"
                aria-label={`Remove the tier ${t.name || i + 1}`}
                onClick={() => setTiers(tiers.filter((_, j) => j !== i))}
              >
                ×
              </ActionIcon>
            </Group>
          ))}
          <Button
            variant="subtle"
            size="xs"
            mt="xs"
            onClick={() => setTiers([...tiers, { name: '', visits: '', spend: '' }])}
          >
            Add a tier
          </Button>
        </Paper>
        {save.isError && (
          <Alert color="red" role="alert">
            {errorMessage(save.error)}
          </Alert>
        )}
        {save.isSuccess && (
          <Alert color="teal" role="status">
            Saved. New purchases earn by these rules; tiers are worked out again tonight or with “Recount
            now”.
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={save.isPending}>
            Save
          </Button>
          <Button variant="default" onClick={() => sync.mutate()} loading={sync.isPending}>
            Recount now
          </Button>
          {sync.isSuccess && (
            <Text size="sm" role="status">
              {sync.data.earned.toLocaleString()} points credited, {sync.data.takenBack.toLocaleString()}{' '}
              taken back, {sync.data.tierMoves} tier change{sync.data.tierMoves === 1 ? '' : 's'}.
            </Text>
          )}
        </Group>
      </Stack>
    </form>
  );
}
