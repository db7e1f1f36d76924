import { Alert, Button, Group, List, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { errorMessage } from '../../lib/api.ts';
import { privacyApi } from './api.ts';

/** "Erase…": says what goes and what stays, and asks for the customer's name before erasing them for good. */
export function EraseDialog({ id, name, onClose }: { id: string; name: string; onClose: () => void }) {
  const [typed, setTyped] = useState('');
  const [reason, setReason] = useState('');
  const qc = useQueryClient();
  const navigate = useNavigate();
  const erase = useMutation({
    mutationFn: () => privacyApi.erase(id, reason.trim()),
    onSuccess: () => {
      qc.removeQueries({ queryKey: ['customers'] });
      void navigate('/customers');
    },
  });
  const matches = typed.trim() === name.trim();
  return (
    <Modal
      opened
      onClose={onClose}
      title={`Erase ${name}?`}
      size="lg"
      closeButtonProps={{ 'aria-label': 'Close without erasing' }}
    >
      <Stack gap="sm">
        <Text size="sm">This cannot be undone. Download their data first if they asked for a copy.</Text>
        <div>
          <Text fw={600} size="sm">
            Removed everywhere
          </Text>
          <List size="sm">
            <List.Item>Name, phone numbers, emails, address, notes and tags</List.Item>
            <List.Item>Timeline, messages sent to them, survey comments, complaints and enquiries</List.Item>
            <List.Item>Promises, occasions, event invitations, consents and links sent to them</List.Item>
          </List>
        </div>
        <div>
          <Text fw={600} size="sm">
            Kept
          </Text>
          <List size="sm">
            <List.Item>
              Their orders and amounts, without their name, so your sales figures stay right
            </List.Item>
            <List.Item>
              A scrambled fingerprint of their phone and email, so an import or a call from them is flagged
              instead of quietly adding them back
            </List.Item>
            <List.Item>A note in the log that they were erased, when, by whom and why</List.Item>
          </List>
        </div>
        <TextInput
          label="Why"
          placeholder="e.g. Asked by email on 3 May"
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          required
        />
        <TextInput
          label={`Type their name to confirm: ${name}`}
          value={typed}
          onChange={(e) => setTyped(e.currentTarget.value)}
          autoComplete="off"
        />
        {erase.isError && <Alert color="red">{errorMessage(erase.error)}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            color="red"
            disabled={!matches || !reason.trim()}
            loading={erase.isPending}
            onClick={() => erase.mutate()}
          >
            Erase for good
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
