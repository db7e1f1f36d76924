import { Stack, Tabs, Title } from '@mantine/core';
import { useNavigate, useParams } from 'react-router';
import { LoyaltyRulesForm } from './LoyaltyRulesForm.tsx';
import { ValuedList } from './ValuedList.tsx';
import { VouchersPanel } from './VouchersPanel.tsx';

const TABS = ['vouchers', 'valued', 'rules'] as const;

/** Rewards (issue 18): gift vouchers, the most valued list, and the earn rules and tiers of points. */
export default function LoyaltyPage() {
  const { tab } = useParams();
  const navigate = useNavigate();
  const current = TABS.find((t) => t === tab) ?? 'vouchers';
  return (
    <Stack maw={1000} gap="md">
      <Title order={1} fz={24}>
        Rewards
      </Title>
      <Tabs
        value={current}
        onChange={(v) => void navigate(`/loyalty/${v ?? 'vouchers'}`, { replace: true })}
        keepMounted={false}
      >
        <Tabs.List>
          <Tabs.Tab value="vouchers">Gift vouchers</Tabs.Tab>
          <Tabs.Tab value="valued">The most valued</Tabs.Tab>
          <Tabs.Tab value="rules">Points and tiers</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="vouchers" pt="md">
          <VouchersPanel />
        </Tabs.Panel>
        <Tabs.Panel value="valued" pt="md">
          <ValuedList />
        </Tabs.Panel>
        <Tabs.Panel value="rules" pt="md">
          <LoyaltyRulesForm />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
