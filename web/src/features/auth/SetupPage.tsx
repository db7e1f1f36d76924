import {
  Alert,
  Button,
  Divider,
  PasswordInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, errorMessage } from '../../lib/api.ts';
import {
  browserRegion,
  browserTimezone,
  currencyFor,
  currencyOptions,
  regionOptions,
  timezoneOptions,
} from '../../lib/locale.ts';
import { fieldErrors } from '../../lib/problems.ts';
import { ME_KEY } from '../../lib/session.ts';
import { complaintsApi } from '../complaints/api.ts';
import { AuthFrame } from './AuthFrame.tsx';
import { DEFAULT_HOURS, OpeningHours, toBusinessHours } from './OpeningHours.tsx';
import { SETUP_KEY } from './gates.tsx';

/** First run: the business and its owner. Afterwards the owner is signed in. */
export default function SetupPage() {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const regions = useMemo(regionOptions, []);
  const currencies = useMemo(currencyOptions, []);
  const zones = useMemo(timezoneOptions, []);
  const region = browserRegion();
  const [hours, setHours] = useState(DEFAULT_HOURS);
  const form = useForm({
    initialValues: {
      workspace: {
        name: '',
        timezone: browserTimezone(),
        currency: currencyFor(region),
        region: region ?? 'US',
      },
      owner: { name: '', email: '', password: '' },
    },
    validate: {
      workspace: {
        name: (v) => (v.trim() ? null : 'Enter the name of your business'),
        timezone: (v) => (v ? null : 'Pick a time zone'),
        currency: (v) => (v ? null : 'Pick a currency'),
        region: (v) => (v ? null : 'Pick the country of your phone numbers'),
      },
      owner: {
        email: (v) => (/^\S+@\S+\.\S+$/.test(v.trim()) ? null : 'Enter a valid email address'),
        password: (v) => (v.length >= 8 ? null : 'Use at least 8 characters'),
      },
    },
  });
  const setup = useMutation({
    mutationFn: (v: typeof form.values) =>
      api.setup({
        workspace: { ...v.workspace, name: v.workspace.name.trim() },
        owner: {
          email: v.owner.email.trim(),
          password: v.owner.password,
          ...(v.owner.name.trim() && { name: v.owner.name.trim() }),
        },
      }),
    onSuccess: async () => {
      qc.setQueryData(SETUP_KEY, { needsSetup: false });
      // the opening hours go to the complaint settings; if that fails, Settings → Complaints has them
      const saved = await complaintsApi
        .updateSettings({ businessHours: toBusinessHours(hours) })
        .then(() => true)
        .catch(() => false);
      qc.setQueryData(ME_KEY, await api.me());
      void navigate(saved ? '/' : '/settings/complaints', { replace: true });
    },
    onError: (e) => form.setErrors(fieldErrors(e)),
  });
  return (
    <AuthFrame title="Set up Rapport" intro="Tell us about your business. You will be its owner." width={560}>
      <form
        onSubmit={form.onSubmit((v) => {
          if (hours.days.length > 0) setup.mutate(v);
        })}
        noValidate
      >
        <Stack>
          {setup.error && (
            <Alert color="red" role="alert">
              {errorMessage(setup.error)}
            </Alert>
          )}
          <TextInput
            label="Business name"
            required
            placeholder="Ada's Hair Studio"
            autoFocus
            {...form.getInputProps('workspace.name')}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select
              label="Phone region"
              required
              description="Local numbers are read as this country's"
              data={regions}
              searchable
              allowDeselect={false}
              {...form.getInputProps('workspace.region')}
              onChange={(v) => {
                if (!v) return;
                form.setFieldValue('workspace.region', v);
                if (!form.isDirty('workspace.currency'))
                  form.setFieldValue('workspace.currency', currencyFor(v));
              }}
            />
            <Select
              label="Currency"
              required
              description="For amounts and customer value"
              data={currencies}
              searchable
              allowDeselect={false}
              {...form.getInputProps('workspace.currency')}
            />
          </SimpleGrid>
          <Select
            label="Time zone"
            required
            data={zones}
            searchable
            allowDeselect={false}
            limit={100}
            {...form.getInputProps('workspace.timezone')}
          />
          <OpeningHours value={hours} onChange={setHours} />
          <Divider label="Your owner account" labelPosition="left" mt="xs" />
          <TextInput label="Your name" autoComplete="name" {...form.getInputProps('owner.name')} />
          <TextInput
            label="Email"
            required
            type="email"
            autoComplete="username"
            {...form.getInputProps('owner.email')}
          />
          <PasswordInput
            label="Password"
            required
            description="At least 8 characters"
            autoComplete="new-password"
            {...form.getInputProps('owner.password')}
          />
          <Button type="submit" loading={setup.isPending} mt="xs">
            Create workspace
          </Button>
          <Text size="xs" c="dimmed">
            You can change these later in Settings.
          </Text>
        </Stack>
      </form>
    </AuthFrame>
  );
}
