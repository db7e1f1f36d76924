import {
  Alert,
  Anchor,
  Badge,
  Button,
  Grid,
  Group,
  Paper,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, errorMessage } from '../../lib/api.ts';
import { fieldErrors } from '../../lib/problems.ts';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { outreachApi, useTemplates, type Template } from './api.ts';
import { PreviewPanel } from './MessagePreview.tsx';
import {
  EMPTY_DRAFT,
  MessageFields,
  contentOf,
  draftOf,
  draftProblems,
  type Draft,
} from './MessageFields.tsx';
import './outreach.css';

/** Messages → Templates → one template: write it, preview it for a customer, send a test, archive it. */
export default function TemplateEditPage() {
  const { id } = useParams();
  const list = useTemplates(true);
  if (!id) return <Editor key="new" template={null} />;
  if (list.isPending) return <PageLoader />;
  if (list.isError) return <QueryError error={list.error} onRetry={() => void list.refetch()} />;
  const t = list.data.items.find((x) => x.id === id);
  if (!t)
    return (
      <Stack maw={480} py="xl">
        <Title order={1} fz={24}>
          Template not found
        </Title>
        <Button component={Link} to="/messages/templates" style={{ alignSelf: 'flex-start' }}>
          Back to templates
        </Button>
      </Stack>
    );
  return <Editor key={t.id} template={t} />;
}

/** The first customer on record, so the preview shows something at once. */
function useSomeCustomer() {
  return useQuery({
    queryKey: ['customers', { limit: 1 }],
    queryFn: () => api.customers({ limit: 1 }),
    staleTime: 60_000,
  }).data?.items[0]?.id;
}

function Editor({ template }: { template: Template | null }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState(template?.name ?? '');
  const [draft, setDraft] = useState<Draft>(template ? draftOf(template) : EMPTY_DRAFT);
  const [tried, setTried] = useState(false);
  const [saved, setSaved] = useState(false);
  const some = useSomeCustomer();
  const [customerId, setCustomerId] = useState<string | null>(null);
  useEffect(() => {
    if (!customerId && some) setCustomerId(some);
  }, [some, customerId]);
  const problems = { ...draftProblems(draft), ...(!name.trim() && { name: 'Give it a name' }) };
  const save = useMutation({
    mutationFn: () =>
      template
        ? outreachApi.updateTemplate(template.id, { name: name.trim(), ...contentOf(draft) })
        : outreachApi.createTemplate({ name: name.trim(), ...contentOf(draft) }),
    onSuccess: (t) => {
      void qc.invalidateQueries({ queryKey: ['outreach', 'templates'] });
      setSaved(true);
      if (!template) void navigate(`/messages/templates/${t.id}`, { replace: true });
    },
  });
  const archive = useMutation({
    mutationFn: (archived: boolean) => outreachApi.updateTemplate(template?.id ?? '', { archived }),
    onSuccess: (t) => {
      void qc.invalidateQueries({ queryKey: ['outreach', 'templates'] });
      if (t.archived) void navigate('/messages/templates');
    },
  });
  const serverErrors = save.isError ? fieldErrors(save.error) : {};
  const errors = { ...serverErrors, ...(tried ? problems : {}) };
  const content = contentOf(draft);
  return (
    <Stack gap="md" maw={1200}>
      <div>
        <Anchor component={Link} to="/messages/templates" size="sm">
          ← Templates
        </Anchor>
        <Group gap="xs" align="center">
          <Title order={1} fz={{ base: 22, sm: 26 }} style={{ overflowWrap: 'anywhere' }}>
            {template ? template.name : 'New template'}
          </Title>
          {template?.archived && (
            <Badge color="gray" variant="light">
              archived
            </Badge>
          )}
        </Group>
      </div>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Paper withBorder p="md">
            <form
              aria-label="Template"
              noValidate
              onChange={() => setSaved(false)}
              onSubmit={(e) => {
                e.preventDefault();
                setTried(true);
                if (Object.keys(problems).length === 0 && !save.isPending) save.mutate();
              }}
            >
              <Stack gap="sm">
                <TextInput
                  label="Name"
                  description="For you: customers never see it"
                  placeholder="Order ready"
                  required
                  value={name}
                  onChange={(e) => setName(e.currentTarget.value)}
                  error={errors.name}
                  autoFocus={!template}
                />
                <MessageFields
                  draft={draft}
                  onChange={(d) => {
                    setDraft(d);
                    setSaved(false);
                  }}
                  errors={errors}
                />
                {save.isError && Object.keys(serverErrors).length === 0 && (
                  <Alert color="red" role="alert">
                    {errorMessage(save.error)}
                  </Alert>
                )}
                <Group gap="sm">
                  <Button type="submit" loading={save.isPending}>
                    {template ? 'Save template' : 'Create template'}
                  </Button>
                  {template && (
                    <Button
                      variant="subtle"
                      color="gray.8"
                      loading={archive.isPending}
                      onClick={() => archive.mutate(!template.archived)}
                    >
                      {template.archived ? 'Put back in use' : 'Archive'}
                    </Button>
                  )}
                  {saved && (
                    <Text size="sm" c="teal.8" role="status">
                      Saved.
                    </Text>
                  )}
                </Group>
              </Stack>
            </form>
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Paper withBorder p="md" component="section" aria-label="Preview">
            <Title order={2} fz="lg" mb="xs">
              Preview
            </Title>
            <PreviewPanel content={content} customerId={customerId} onCustomer={setCustomerId} />
          </Paper>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
