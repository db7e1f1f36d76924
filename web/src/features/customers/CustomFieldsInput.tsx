import { ActionIcon, Autocomplete, Button, Fieldset, Group, Stack, Text, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { useEffect, useRef, useState } from 'react';
import { customFieldRow, type FormValues } from './formModel.ts';

const LEGEND = { legend: { fontWeight: 600, fontSize: 'var(--mantine-font-size-sm)', marginBottom: 4 } };

/**
 * The customer's own fields as name/value rows ("Stylist: Kemi"). Adding a row puts the cursor in its
 * name; removing one puts it on the next row (or on "Add field"). `suggestions`: names used elsewhere.
 */
export function CustomFieldsInput({
  form,
  suggestions,
}: {
  form: UseFormReturnType<FormValues>;
  suggestions: string[];
}) {
  const rows = form.values.customFields;
  const [focus, setFocus] = useState<string | null>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (focus === null) return;
    const target = focus === 'add' ? addButton.current : document.getElementById(`cf-name-${focus}`);
    target?.focus();
    setFocus(null);
  }, [focus]);

  const add = () => {
    const row = customFieldRow();
    form.insertListItem('customFields', row);
    setFocus(row.key);
  };
  const remove = (i: number) => {
    setFocus(rows[i + 1]?.key ?? rows[i - 1]?.key ?? 'add');
    form.removeListItem('customFields', i);
  };
  const used = new Set(rows.map((r) => r.name.trim()));

  return (
    <Fieldset legend="Other details" variant="unstyled" styles={LEGEND}>
      <Stack gap="xs">
        {rows.length === 0 && (
          <Text size="sm" c="dimmed">
            Anything else worth keeping, such as a stylist, a size or an account number.
          </Text>
        )}
        {rows.map((row, i) => (
          <Group key={row.key} gap="xs" align="flex-start" wrap="nowrap">
            <Autocomplete
              id={`cf-name-${row.key}`}
              label={`Field ${i + 1}`}
              placeholder="e.g. Stylist"
              data={suggestions.filter((s) => s === row.name.trim() || !used.has(s))}
              limit={8}
              style={{ flex: '1 1 40%', minWidth: 0 }}
              {...form.getInputProps(`customFields.${i}.name`)}
            />
            <TextInput
              label="Value"
              aria-label={`Value of field ${i + 1}`}
              placeholder="e.g. Kemi"
              style={{ flex: '1 1 60%', minWidth: 0 }}
              {...form.getInputProps(`customFields.${i}.value`)}
            />
            <ActionIcon
              variant="subtle"
              color="gray"
              mt={26}
              size="lg"
              aria-label={`Remove field ${i + 1}`}
              onClick={() => remove(i)}
            >
              ✕
            </ActionIcon>
          </Group>
        ))}
        {typeof form.errors.customFields === 'string' && (
          <Text size="xs" c="red" role="alert">
            {form.errors.customFields}
          </Text>
        )}
        <Group gap="sm" wrap="wrap">
          <Button ref={addButton} variant="subtle" size="xs" onClick={add}>
            + Add field
          </Button>
          {rows.length > 0 && (
            <Text size="xs" c="dimmed">
              Clear a value to remove its field.
            </Text>
          )}
        </Group>
      </Stack>
    </Fieldset>
  );
}
