import {
  ActionIcon,
  Alert,
  Button,
  Collapse,
  Fieldset,
  Group,
  Input,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  TagsInput,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { errorMessage } from '../../lib/api.ts';
import { CHANNEL_LABELS } from '../../lib/format.ts';
import { phoneWarning } from '../../lib/phone.ts';
import { fieldErrors } from '../../lib/problems.ts';
import type { Customer, CustomerInput, Kind } from '../../lib/api.ts';
import { BusinessSelect } from './BusinessSelect.tsx';
import { CustomFieldsInput } from './CustomFieldsInput.tsx';
import {
  customFieldError,
  customFieldErrors,
  dateError,
  remapErrors,
  toInput,
  type FormValues,
} from './formModel.ts';
import { useKnownCustomFieldNames } from './queries.ts';

type Props = {
  initial: FormValues;
  /** For an edit: the values as saved (consent is re-stamped only when it changes). */
  saved?: FormValues;
  businessLabel?: string | null;
  region: string;
  submitLabel: string;
  onSubmit: (body: CustomerInput) => Promise<Customer>;
  onCancel?: () => void;
  onSaved: (c: Customer) => void;
};

const LEGEND = { legend: { fontWeight: 600, fontSize: 'var(--mantine-font-size-sm)', marginBottom: 4 } };
const CHANNELS = Object.entries(CHANNEL_LABELS).map(([value, label]) => ({ value, label }));

/** Create or edit a customer. Says what is wrong next to the field, from the browser or from the server. */
export default function CustomerForm({
  initial,
  saved,
  businessLabel,
  region,
  submitLabel,
  onSubmit,
  onCancel,
  onSaved,
}: Props) {
  const form = useForm<FormValues>({
    initialValues: initial,
    validate: {
      name: (v) => (v.trim() ? null : 'A customer needs a name'),
      emails: {
        address: (v) =>
          !v.trim() || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.trim()) ? null : 'Not a valid email address',
      },
      birthday: dateError,
      anniversary: dateError,
      tags: (v) => (v.some((t) => t.includes(',')) ? 'A tag cannot contain a comma' : null),
      customFields: {
        name: (_, values, path) => customFieldError(values.customFields, Number(path.split('.')[1])),
      },
    },
  });
  const [showAddress, setShowAddress] = useState(Object.values(initial.address).some(Boolean));
  const [confirmPhones, setConfirmPhones] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fieldNames = useKnownCustomFieldNames();
  const v = form.values;
  const warnings = v.phones.map((p) => phoneWarning(p.number, region));
  const badPhones = warnings.filter(Boolean).length;

  const submit = async (values: FormValues) => {
    setFailure(null);
    if (badPhones && !confirmPhones) {
      setConfirmPhones(true);
      return;
    }
    const { body, phoneRows, emailRows } = toInput(values, saved);
    setBusy(true);
    try {
      onSaved(await onSubmit(body));
    } catch (e) {
      const errs = {
        ...remapErrors(
          Object.fromEntries(Object.entries(fieldErrors(e)).filter(([k]) => !k.startsWith('customFields'))),
          phoneRows,
          emailRows,
        ),
        ...customFieldErrors(e, values.customFields),
      };
      if (errs['address'] || Object.keys(errs).some((k) => k.startsWith('address.'))) setShowAddress(true);
      form.setErrors(errs);
      setFailure(
        Object.keys(errs).length ? 'Some fields need attention — see the messages below.' : errorMessage(e),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      onSubmit={form.onSubmit(submit, () =>
        setFailure('Some fields need attention — see the messages below.'),
      )}
      noValidate
    >
      <Stack gap="md">
        {failure && (
          <Alert color="red" role="alert" title="Not saved">
            {failure}
          </Alert>
        )}
        <Input.Wrapper label="Kind" style={{ alignSelf: 'flex-start' }}>
          <SegmentedControl
            aria-label="Kind of customer"
            data={[
              { value: 'person', label: 'Person' },
              { value: 'business', label: 'Business' },
            ]}
            {...form.getInputProps('kind')}
            onChange={(k) => form.setFieldValue('kind', k as Kind)}
          />
        </Input.Wrapper>
        <TextInput
          label={v.kind === 'business' ? 'Business name' : 'Full name'}
          required
          autoFocus
          {...form.getInputProps('name')}
        />
        {v.kind === 'person' && (
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <BusinessSelect
              initialLabel={businessLabel ?? null}
              value={v.businessId}
              error={form.errors.businessId}
              onChange={(id) => form.setFieldValue('businessId', id)}
            />
            <TextInput label="Job title" {...form.getInputProps('jobTitle')} />
          </SimpleGrid>
        )}

        <Fieldset legend="Phones" variant="unstyled" styles={LEGEND}>
          <Stack gap="xs">
            {v.phones.map((_, i) => (
              <div key={i}>
                <Group gap="xs" align="flex-start" wrap="nowrap">
                  <TextInput
                    label={`Phone ${i + 1}`}
                    type="tel"
                    inputMode="tel"
                    placeholder="0803 123 4567"
                    style={{ flex: 1 }}
                    {...form.getInputProps(`phones.${i}.number`)}
                    onChange={(e) => {
                      form.setFieldValue(`phones.${i}.number`, e.currentTarget.value);
                      setConfirmPhones(false);
                    }}
                  />
                  <TextInput
                    label="Label"
                    aria-label={`Label of phone ${i + 1}`}
                    placeholder="mobile"
                    w={110}
                    {...form.getInputProps(`phones.${i}.label`)}
                  />
                  <ActionIcon
                    variant="subtle"
                    color="gray"
                    mt={26}
                    size="lg"
                    aria-label={`Remove phone ${i + 1}`}
                    onClick={() => form.removeListItem('phones', i)}
                  >
                    ✕
                  </ActionIcon>
                </Group>
                {warnings[i] && !form.errors[`phones.${i}.number`] && (
                  <Text size="xs" c="orange.9" mt={4} role="status">
                    ⚠ {warnings[i]}
                  </Text>
                )}
              </div>
            ))}
            <Button
              variant="subtle"
              size="xs"
              style={{ alignSelf: 'flex-start' }}
              onClick={() => form.insertListItem('phones', { number: '', label: '' })}
            >
              + Add phone
            </Button>
          </Stack>
        </Fieldset>

        <Fieldset legend="Emails" variant="unstyled" styles={LEGEND}>
          <Stack gap="xs">
            {v.emails.map((_, i) => (
              <Group key={i} gap="xs" align="flex-start" wrap="nowrap">
                <TextInput
                  label={`Email ${i + 1}`}
                  type="email"
                  style={{ flex: 1 }}
                  {...form.getInputProps(`emails.${i}.address`)}
                />
                <TextInput
                  label="Label"
                  aria-label={`Label of email ${i + 1}`}
                  placeholder="work"
                  w={110}
                  {...form.getInputProps(`emails.${i}.label`)}
                />
                <ActionIcon
                  variant="subtle"
                  color="gray"
                  mt={26}
                  size="lg"
                  aria-label={`Remove email ${i + 1}`}
                  onClick={() => form.removeListItem('emails', i)}
                >
                  ✕
                </ActionIcon>
              </Group>
            ))}
            <Button
              variant="subtle"
              size="xs"
              style={{ alignSelf: 'flex-start' }}
              onClick={() => form.insertListItem('emails', { address: '', label: '' })}
            >
              + Add email
            </Button>
          </Stack>
        </Fieldset>

        {!saved && (
          <TextInput
            label="Referred by (referral code)"
            description="The code on the card of the customer who sent them, e.g. K7PM-4QXR"
            autoComplete="off"
            {...form.getInputProps('referredBy')}
          />
        )}
        <Textarea
          label="Needs and preferences"
          description="What they need, like and dislike — in your words"
          autosize
          minRows={2}
          maxRows={8}
          {...form.getInputProps('needs')}
        />
        <TagsInput
          label="Tags"
          description="Press Enter after each tag"
          placeholder="vip, wholesale…"
          splitChars={[',']}
          clearable
          {...form.getInputProps('tags')}
        />
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Select
            label="Preferred channel"
            data={CHANNELS}
            clearable
            placeholder="Any"
            {...form.getInputProps('preferredChannel')}
          />
          {v.kind === 'person' && (
            <TextInput
              label="Birthday"
              placeholder="1990-04-17 or --04-17"
              {...form.getInputProps('birthday')}
            />
          )}
          <TextInput label="Anniversary" placeholder="YYYY-MM-DD" {...form.getInputProps('anniversary')} />
        </SimpleGrid>

        <CustomFieldsInput form={form} suggestions={fieldNames} />

        <div>
          <Button
            variant="subtle"
            size="xs"
            px={0}
            onClick={() => setShowAddress((s) => !s)}
            aria-expanded={showAddress}
          >
            {showAddress ? '− Hide address' : '+ Address'}
          </Button>
          <Collapse expanded={showAddress}>
            <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs">
              <TextInput label="Address line 1" {...form.getInputProps('address.line1')} />
              <TextInput label="Address line 2" {...form.getInputProps('address.line2')} />
              <TextInput label="City" {...form.getInputProps('address.city')} />
              <TextInput label="State / region" {...form.getInputProps('address.region')} />
              <TextInput label="Postal code" {...form.getInputProps('address.postalCode')} />
              <TextInput label="Country" {...form.getInputProps('address.country')} />
            </SimpleGrid>
          </Collapse>
        </div>

        <Fieldset legend="Marketing consent" variant="unstyled" styles={LEGEND}>
          <Group align="flex-end" gap="md">
            <Switch
              label="Agrees to marketing messages"
              {...form.getInputProps('consent.marketing', { type: 'checkbox' })}
            />
            <TextInput
              label="How they agreed"
              placeholder="in store, form, call…"
              size="sm"
              style={{ flex: 1, minWidth: 180 }}
              {...form.getInputProps('consent.source')}
            />
          </Group>
        </Fieldset>

        {confirmPhones && badPhones > 0 && (
          <Alert color="orange" role="alert" title="Check the phone numbers">
            {badPhones === 1 ? 'One number does not' : `${badPhones} numbers do not`} look valid for region{' '}
            {region}. Saved numbers stay on the customer, flagged as invalid. Press “Save anyway” to save them
            as typed.
          </Alert>
        )}
        <Group gap="sm">
          <Button type="submit" loading={busy}>
            {confirmPhones && badPhones ? 'Save anyway' : submitLabel}
          </Button>
          {onCancel && (
            <Button variant="default" onClick={onCancel} disabled={busy}>
              Cancel
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
}
