import { Anchor, Badge, Button, Flex, Grid, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { customerKeys } from './queries.ts';
import { Suspense, lazy, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, isApiError } from '../../lib/api.ts';
import { timeAgo } from '../../lib/format.ts';
import { isOwner, useMe } from '../../lib/session.ts';
import { dataExportUrl } from '../privacy/api.ts';
import type { Customer } from '../../lib/api.ts';
import { OutlookCard } from '../analytics/OutlookCard.tsx';
import { CustomerGrow } from '../grow/CustomerGrow.tsx';
import { CustomerOrders } from '../sales/CustomerOrders.tsx';
import { CustomerTotals } from '../sales/CustomerTotals.tsx';
import { CustomerLoyalty } from '../loyalty/CustomerLoyalty.tsx';
import { ConsentEditor } from '../outreach/ConsentEditor.tsx';
import { CustomerMessages } from '../outreach/CustomerMessages.tsx';
import { CustomerReviews } from '../retention/CustomerReviews.tsx';
import { CustomerPromises } from '../promises/CustomerPromises.tsx';
import { CustomerDates } from '../occasions/CustomerDates.tsx';
import { CustomerBusiness } from '../referrals/CustomerBusiness.tsx';
import { CustomerReferrals } from '../referrals/CustomerReferrals.tsx';
import type { Message, MessageChannel } from '../outreach/api.ts';
import { saleStore } from '../sales/saleStore.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { CustomerDetails } from './CustomerDetails.tsx';
import { valuesOf } from './formModel.ts';
import { rememberViewed, useCustomer } from './queries.ts';
import { Timeline } from './Timeline.tsx';

const CustomerForm = lazy(() => import('./CustomerForm.tsx'));
const EraseDialog = lazy(() =>
  import('../privacy/EraseDialog.tsx').then((m) => ({ default: m.EraseDialog })),
);
const SendMessageDialog = lazy(() =>
  import('../outreach/SendMessageDialog.tsx').then((m) => ({ default: m.SendMessageDialog })),
);

/** Everything about one customer in one view: who they are, what they need, and their whole story. */
export function CustomerPage() {
  const { id = '' } = useParams();
  const customer = useCustomer(id);
  const [editing, setEditing] = useState(false);
  const [messaging, setMessaging] = useState(false);
  const [consentFor, setConsentFor] = useState<MessageChannel | null>(null);
  const [sent, setSent] = useState<Message | null>(null);
  const [erasing, setErasing] = useState(false);
  useEffect(() => {
    setErasing(false);
    setEditing(false);
    setMessaging(false);
    setConsentFor(null);
    setSent(null);
  }, [id]);
  useEffect(() => {
    if (customer.data)
      rememberViewed({ id: customer.data.id, name: customer.data.name, kind: customer.data.kind });
  }, [customer.data]);

  if (customer.isPending) return <PageLoader label="Opening customer…" />;
  if (customer.isError)
    return isApiError(customer.error, 404) ? (
      <Stack maw={480} py="xl">
        <Title order={2}>Customer not found</Title>
        <Text c="dimmed">They may have been deleted or merged into another record.</Text>
        <Button component={Link} to="/customers" style={{ alignSelf: 'flex-start' }}>
          Back to customers
        </Button>
      </Stack>
    ) : (
      <QueryError error={customer.error} onRetry={() => void customer.refetch()} />
    );
  const c = customer.data;
  return (
    <Stack gap="md" maw={1200}>
      <Header c={c} editing={editing} onEdit={() => setEditing(true)} onMessage={() => setMessaging(true)} />
      {!editing && <PrivacyLinks id={c.id} onErase={() => setErasing(true)} />}
      {erasing && (
        <Suspense fallback={null}>
          <EraseDialog id={c.id} name={c.name} onClose={() => setErasing(false)} />
        </Suspense>
      )}
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: editing ? 7 : 5 }}>
          {editing ? (
            <Paper withBorder p="md">
              <Title order={2} fz="lg" mb="sm">
                Edit details
              </Title>
              <Suspense fallback={<PageLoader />}>
                <EditForm c={c} onDone={() => setEditing(false)} />
              </Suspense>
            </Paper>
          ) : (
            <Stack gap="md">
              <CustomerPromises customerId={c.id} />
              <CustomerTotals customerId={c.id} />
              <CustomerLoyalty customerId={c.id} />
              <OutlookCard customerId={c.id} />
              <CustomerOrders customerId={c.id} />
              <CustomerMessages customerId={c.id} onSend={() => setMessaging(true)} sent={sent} />
              <ConsentEditor customerId={c.id} editing={consentFor} onEditing={setConsentFor} />
              <CustomerReviews customerId={c.id} />
              <CustomerDates customerId={c.id} />
              <CustomerGrow customerId={c.id} />
              <CustomerReferrals customerId={c.id} name={c.name} />
              <CustomerBusiness customerId={c.id} />
              <CustomerDetails c={c} />
            </Stack>
          )}
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: editing ? 5 : 7 }}>
          <Timeline customerId={c.id} />
        </Grid.Col>
      </Grid>
      {messaging && (
        <Suspense fallback={null}>
          <SendMessageDialog
            opened
            onClose={() => setMessaging(false)}
            customerId={c.id}
            name={c.name}
            onSent={(m) => {
              setSent(m);
              setMessaging(false);
            }}
            onConsent={(channel) => {
              setMessaging(false);
              setConsentFor(channel);
            }}
          />
        </Suspense>
      )}
    </Stack>
  );
}

function Header({
  c,
  editing,
  onEdit,
  onMessage,
}: {
  c: Customer;
  editing: boolean;
  onEdit: () => void;
  onMessage: () => void;
}) {
  return (
    <Group justify="space-between" align="flex-start" gap="sm" wrap="nowrap">
      <div style={{ minWidth: 0 }}>
        <Group gap="xs" align="center">
          <Title order={1} fz={{ base: 22, sm: 28 }} style={{ overflowWrap: 'anywhere' }}>
            {c.name}
          </Title>
          {c.kind === 'business' && (
            <Badge variant="outline" color="gray">
              Business
            </Badge>
          )}
        </Group>
        <Text size="sm" c="dimmed">
          {c.business ? (
            <>
              {c.jobTitle ? `${c.jobTitle} at ` : 'Works at '}
              <Anchor component={Link} to={`/customers/${c.business.id}`} size="sm">
                {c.business.name}
              </Anchor>
              {' · '}
            </>
          ) : c.jobTitle ? (
            `${c.jobTitle} · `
          ) : null}
          {c.lastInteractionAt ? `Last contact ${timeAgo(c.lastInteractionAt)}` : 'No contact yet'}
        </Text>
        {c.tags.length > 0 && (
          <Group gap={6} mt={6}>
            {c.tags.map((t) => (
              <Badge
                key={t}
                variant="light"
                component={Link}
                to={`/customers?tag=${encodeURIComponent(t)}`}
                style={{ cursor: 'pointer' }}
              >
                {t}
              </Badge>
            ))}
          </Group>
        )}
      </div>
      {!editing && (
        <Flex gap="xs" direction={{ base: 'column', xs: 'row' }} style={{ flexShrink: 0 }}>
          <Button onClick={() => saleStore.open({ id: c.id, name: c.name })}>Sale</Button>
          <Button variant="light" onClick={onMessage}>
            Message
          </Button>
          <Button variant="light" color="orange" component={Link} to={`/complaints/new?customer=${c.id}`}>
            Log complaint
          </Button>
          <Button variant="default" onClick={onEdit}>
            Edit
          </Button>
        </Flex>
      )}
    </Group>
  );
}

/** The customer's right to see their data, and to be forgotten (erasing is for the owner). */
function PrivacyLinks({ id, onErase }: { id: string; onErase: () => void }) {
  const me = useMe();
  return (
    <Group gap="xs" justify="flex-end">
      <Button size="xs" variant="subtle" component="a" href={dataExportUrl(id, 'html')} target="_blank">
        Download their data
      </Button>
      <Button size="xs" variant="subtle" component="a" href={dataExportUrl(id, 'json')} download>
        Data as JSON
      </Button>
      {isOwner(me) && (
        <Button size="xs" variant="subtle" color="red" onClick={onErase}>
          Erase…
        </Button>
      )}
    </Group>
  );
}

function EditForm({ c, onDone }: { c: Customer; onDone: () => void }) {
  const qc = useQueryClient();
  const { workspace } = useMe();
  const saved = valuesOf(c);
  return (
    <CustomerForm
      initial={saved}
      saved={saved}
      businessLabel={c.business?.name ?? null}
      region={workspace.region}
      submitLabel="Save changes"
      onSubmit={(body) => api.updateCustomer(c.id, body)}
      onCancel={onDone}
      onSaved={(updated) => {
        qc.setQueryData(customerKeys.detail(c.id), updated);
        void qc.invalidateQueries({ queryKey: customerKeys.lists });
        onDone();
      }}
    />
  );
}
