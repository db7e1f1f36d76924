import {
  Alert,
  Autocomplete,
  Button,
  Grid,
  Group,
  Input,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { complaintKeys } from './api.ts';
import { customerKeys } from '../customers/queries.ts';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { errorMessage } from '../../lib/api.ts';
import { money } from '../../lib/format.ts';
import { fieldErrors } from '../../lib/problems.ts';
import { useMe } from '../../lib/session.ts';
import {
  COMPLAINT_CHANNELS,
  SEVERITIES,
  complaintsApi,
  type ComplaintChannel,
  type NewComplaint,
  type Severity,
} from './api.ts';
import { SEVERITY_LABEL, channelLabel } from './format.ts';
import { PlaybookPanel } from './PlaybookPanel.tsx';
import { CustomerSelect } from './CustomerSelect.tsx';
import { nowInputValue, zoneCity, zonedInputToIso } from './zone.ts';

const CATEGORIES = ['quality', 'delivery', 'service', 'billing', 'wrong order', 'hygiene', 'staff', 'other'];

type Values = {
  customerId: string;
  channel: ComplaintChannel;
  severity: Severity;
  words: string;
  paraphrase: string;
  category: string;
  product: string;
  orderId: string;
  receivedAt: string;
};

/** Take a complaint: the customer's own words, the paraphrase, channel, severity — with the playbook beside it. */
export default function IntakePage() {
  const [params] = useSearchParams();
  const presetCustomer = params.get('customer') ?? '';
  const navigate = useNavigate();
  const qc = useQueryClient();
  // "Received" is wall-clock time at the shop (the workspace's zone), whatever zone this device is in.
  const zone = useMe().workspace.timezone;
  const form = useForm<Values>({
    initialValues: {
      customerId: presetCustomer,
      channel: 'phone',
      severity: 'medium',
      words: '',
      paraphrase: '',
      category: '',
      product: '',
      orderId: '',
      receivedAt: '',
    },
    validate: {
      customerId: (v) => (v ? null : 'Pick the customer who is complaining'),
      words: (v) => (v.trim() ? null : "Write down the customer's own words"),
      receivedAt: (v) => {
        if (!v) return null;
        const iso = zonedInputToIso(v, zone);
        if (!iso) return 'Not a date and time';
        return Date.parse(iso) > Date.now() ? 'Cannot be in the future' : null;
      },
    },
  });
  const create = useMutation({
    mutationFn: (v: Values) => {
      const body: NewComplaint = {
        customerId: v.customerId,
        channel: v.channel,
        severity: v.severity,
        words: v.words.trim(),
      };
      if (v.paraphrase.trim()) body.paraphrase = v.paraphrase.trim();
      if (v.category.trim()) body.category = v.category.trim();
      if (v.product.trim()) body.product = v.product.trim();
      if (v.orderId) body.orderId = v.orderId;
      const received = v.receivedAt ? zonedInputToIso(v.receivedAt, zone) : null;
      if (received) body.receivedAt = received;
      return complaintsApi.create(body);
    },
    onSuccess: (c) => {
      qc.setQueryData(complaintKeys.detail(c.id), c);
      void qc.invalidateQueries({ queryKey: complaintKeys.all });
      void qc.invalidateQueries({ queryKey: customerKeys.timeline(c.customerId) });
      void navigate(`/complaints/${c.id}`);
    },
    onError: (e) => form.setErrors(fieldErrors(e)),
  });

  return (
    <Stack gap="md" maw={1200}>
      <div>
        <Title order={1} fz={24}>
          New complaint
        </Title>
        <Text size="sm" c="dimmed">
          Listen first, without interrupting. Then write down what the customer said, in their words.
        </Text>
      </div>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Paper withBorder p="md">
            <form onSubmit={form.onSubmit((v) => create.mutate(v))} noValidate aria-label="New complaint">
              <Stack gap="sm">
                <CustomerSelect
                  value={form.values.customerId || null}
                  onChange={(id) => {
                    form.setFieldValue('customerId', id ?? '');
                    form.setFieldValue('orderId', '');
                  }}
                  error={form.errors.customerId}
                />
                <Group gap="md" align="flex-end" wrap="wrap">
                  <Select
                    label="Channel"
                    data={COMPLAINT_CHANNELS.map((c) => ({ value: c, label: channelLabel(c) }))}
                    allowDeselect={false}
                    w={170}
                    {...form.getInputProps('channel')}
                  />
                  <Input.Wrapper label="Severity" error={form.errors.severity}>
                    <SegmentedControl
                      aria-label="Severity"
                      data={SEVERITIES.map((s) => ({ value: s, label: SEVERITY_LABEL[s] }))}
                      value={form.values.severity}
                      onChange={(v) => form.setFieldValue('severity', v as Severity)}
                      color={
                        form.values.severity === 'critical'
                          ? 'red'
                          : form.values.severity === 'high'
                            ? 'orange'
                            : 'teal'
                      }
                    />
                  </Input.Wrapper>
                </Group>
                <Textarea
                  label="The customer's own words"
                  description="Verbatim: what they said or wrote, not your summary."
                  required
                  autosize
                  minRows={3}
                  maxRows={10}
                  {...form.getInputProps('words')}
                />
                <Textarea
                  label="Your paraphrase (the problem statement)"
                  description="Say it back to them in your words, to be sure you understood. Needed before offering options or passing it on."
                  autosize
                  minRows={2}
                  maxRows={6}
                  {...form.getInputProps('paraphrase')}
                />
                <Group gap="md" grow wrap="wrap" align="flex-start">
                  <Autocomplete
                    label="Category"
                    data={CATEGORIES}
                    placeholder="e.g. quality"
                    {...form.getInputProps('category')}
                  />
                  <TextInput
                    label="Product"
                    placeholder="e.g. Birthday cake"
                    {...form.getInputProps('product')}
                  />
                </Group>
                <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="md" style={{ alignItems: 'end' }}>
                  <OrderSelect
                    customerId={form.values.customerId}
                    value={form.values.orderId}
                    onChange={(v) => form.setFieldValue('orderId', v)}
                    error={form.errors.orderId}
                  />
                  <TextInput
                    type="datetime-local"
                    label={`Received (${zoneCity(zone)} time)`}
                    description={`Leave empty for now; set it when logging after the fact. Shop time: ${zone}.`}
                    max={nowInputValue(zone)}
                    {...form.getInputProps('receivedAt')}
                  />
                </SimpleGrid>
                {create.isError && Object.keys(fieldErrors(create.error)).length === 0 && (
                  <Alert color="red" role="alert">
                    {errorMessage(create.error)}
                  </Alert>
                )}
                <Group justify="flex-end" gap="sm">
                  <Button
                    variant="default"
                    component={Link}
                    to={presetCustomer ? `/customers/${presetCustomer}` : '/complaints'}
                  >
                    Cancel
                  </Button>
                  <Button type="submit" loading={create.isPending}>
                    Log complaint
                  </Button>
                </Group>
              </Stack>
            </form>
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <PlaybookPanel />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

function OrderSelect({
  customerId,
  value,
  onChange,
  error,
}: {
  customerId: string;
  value: string;
  onChange: (v: string) => void;
  error?: React.ReactNode;
}) {
  const orders = useQuery({
    queryKey: customerKeys.orders(customerId),
    queryFn: () => complaintsApi.customerOrders(customerId),
    enabled: !!customerId,
  });
  const data = (orders.data?.items ?? []).map((o) => ({
    value: o.id,
    label: `${o.number ? `#${o.number} · ` : ''}${new Date(o.placedAt).toLocaleDateString()} · ${money(o.total, o.currency)}${o.lines[0] ? ` · ${o.lines[0].name}` : ''}`,
  }));
  return (
    <Select
      label="Order (optional)"
      placeholder={!customerId ? 'Pick the customer first' : data.length ? 'Which order?' : 'No orders'}
      data={data}
      value={value || null}
      onChange={(v) => onChange(v ?? '')}
      clearable
      disabled={!customerId || data.length === 0}
      error={error}
    />
  );
}
