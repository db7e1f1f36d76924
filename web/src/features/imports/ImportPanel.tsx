import {
  Alert,
  Badge,
  Button,
  Group,
  Paper,
  Progress,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type DragEvent } from 'react';
import { useSearchParams } from 'react-router';
import { errorMessage } from '../../lib/api.ts';
import { useMe } from '../../lib/session.ts';
import { dataApi, type DryRun, type ImportPreview, type SampleRecord } from './api.ts';
import { CountsTable, PastImports, RunReport } from './ImportReport.tsx';
import { fileSize, RejectedList, usePresets } from './shared.tsx';

/** The preview reads only the start of the file: enough for the first records, however big the file is. */
const PREVIEW_BYTES = 1024 * 1024;
const WORKBOOK = /\.(xlsx|xlsm|xls|numbers|ods)$/i;

/** Import: pick a file, see how it will be read, start it, follow it, read the report. */
export function ImportPanel() {
  const [params, setParams] = useSearchParams();
  const runId = params.get('run');
  const [file, setFile] = useState<File | null>(null);
  const openRun = (id: string | null) =>
    setParams(id ? { run: id } : {}, { replace: false, preventScrollReset: true });

  return (
    <Stack gap="lg">
      {runId ? (
        <RunReport
          id={runId}
          onAnother={() => {
            setFile(null);
            openRun(null);
          }}
        />
      ) : file ? (
        <PreviewStep
          key={`${file.name}:${file.size}:${file.lastModified}`}
          file={file}
          onCancel={() => setFile(null)}
          onStarted={(id) => {
            setFile(null);
            openRun(id);
          }}
        />
      ) : (
        <FilePicker onFile={setFile} />
      )}
      <PastImports current={runId} onOpen={openRun} />
    </Stack>
  );
}

function FilePicker({ onFile }: { onFile: (f: File) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const take = (f: File | undefined) => {
    if (!f) return;
    if (WORKBOOK.test(f.name))
      return setProblem(
        `"${f.name}" is a spreadsheet workbook. Open it and save or export it as CSV, then choose the CSV file.`,
      );
    if (f.size === 0) return setProblem(`"${f.name}" is empty.`);
    setProblem(null);
    onFile(f);
  };
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    take(e.dataTransfer.files[0]);
  };
  return (
    <Stack gap="sm">
      <Paper
        withBorder
        p="xl"
        radius="md"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={drop}
        style={{
          borderStyle: 'dashed',
          borderWidth: 2,
          borderColor: over ? 'var(--mantine-color-teal-6)' : undefined,
          background: over ? 'var(--mantine-color-teal-0)' : undefined,
          textAlign: 'center',
        }}
      >
        <Stack gap="xs" align="center">
          <Title order={2} fz="lg">
            Bring your customers in
          </Title>
          <Text size="sm" c="dimmed" maw={520}>
            Drop a CSV or vCard file here: a Shopify, Square, Stripe or WooCommerce export, Google or Outlook
            contacts, HubSpot, or any spreadsheet saved as CSV. You will see how it is read before anything is
            saved, and importing the same file again never makes duplicates.
          </Text>
          <Button mt="xs" onClick={() => input.current?.click()}>
            Choose a file
          </Button>
          <input
            ref={input}
            type="file"
            accept=".csv,.tsv,.txt,.vcf,text/csv,text/vcard"
            aria-label="File to import"
            hidden
            onChange={(e) => {
              take(e.currentTarget.files?.[0]);
              e.currentTarget.value = '';
            }}
          />
        </Stack>
      </Paper>
      {problem && (
        <Alert color="red" title="Cannot import this file" role="alert">
          {problem}
        </Alert>
      )}
    </Stack>
  );
}

function PreviewStep({
  file,
  onCancel,
  onStarted,
}: {
  file: File;
  onCancel: () => void;
  onStarted: (runId: string) => void;
}) {
  const me = useMe();
  const qc = useQueryClient();
  const presets = usePresets();
  const [preset, setPreset] = useState<string | null>(null);
  const [currency, setCurrency] = useState(me.workspace.currency);
  const [upload, setUpload] = useState<number | null>(null);
  const [dry, setDry] = useState<DryRun | null>(null);
  const validCurrency = /^[A-Za-z]{3}$/.test(currency);
  const options = { preset: preset ?? undefined, currency: validCurrency ? currency : undefined };

  const preview = useQuery({
    queryKey: ['import-preview', file.name, file.size, file.lastModified, preset, options.currency],
    queryFn: () => dataApi.preview(file.slice(0, PREVIEW_BYTES), options),
    retry: false,
    staleTime: Infinity,
  });
  const detected = preview.data?.preset;
  const kind = presets.data?.items.find((p) => p.id === (preset ?? detected))?.kind;

  const start = useMutation({
    mutationFn: () => dataApi.start(file, { ...options, preset: preset ?? detected }, setUpload),
    onSuccess: (run) => {
      void qc.invalidateQueries({ queryKey: ['imports'] });
      onStarted(run.id);
    },
    onSettled: () => setUpload(null),
  });
  const check = useMutation({
    mutationFn: () => dataApi.dryRun(file, { ...options, preset: preset ?? detected }, setUpload),
    onSuccess: setDry,
    onSettled: () => setUpload(null),
  });
  const busy = start.isPending || check.isPending;

  const presetData = [
    {
      group: 'Customers and contacts',
      items: (presets.data?.items ?? [])
        .filter((p) => p.kind === 'customers')
        .map((p) => ({ value: p.id, label: p.label })),
    },
    {
      group: 'Orders and payments',
      items: (presets.data?.items ?? [])
        .filter((p) => p.kind === 'orders')
        .map((p) => ({ value: p.id, label: p.label })),
    },
  ];

  return (
    <Paper withBorder p={{ base: 'sm', sm: 'lg' }} radius="md" component="section" aria-label="Preview">
      <Stack gap="md">
        <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
          <div style={{ minWidth: 0 }}>
            <Title order={2} fz="lg" style={{ overflowWrap: 'anywhere' }}>
              {file.name}
            </Title>
            <Text size="sm" c="dimmed">
              {fileSize(file.size)}
              {preview.data && preview.data.preset !== 'vcard' && <> · {describeFormat(preview.data)}</>}
            </Text>
          </div>
          <Button variant="default" onClick={onCancel} disabled={busy}>
            Choose another file
          </Button>
        </Group>

        {preview.isPending && <Text c="dimmed">Reading the start of the file…</Text>}
        {preview.isError && (
          <Alert color="red" title="This file cannot be imported" role="alert">
            {errorMessage(preview.error)}
          </Alert>
        )}
        {preview.data && (
          <>
            <Group align="flex-end" gap="md" wrap="wrap">
              {preview.data.preset === 'vcard' ? (
                <Text>
                  Read as <b>vCard contacts</b>
                </Text>
              ) : (
                <Select
                  label="Layout"
                  description={preset ? 'Chosen by you' : 'Detected from the column names'}
                  data={presetData}
                  value={preset ?? detected ?? null}
                  onChange={(v) => {
                    setDry(null);
                    setPreset(v === detected ? null : v);
                  }}
                  allowDeselect={false}
                  w={{ base: '100%', xs: 400 }}
                  disabled={busy}
                  comboboxProps={{ withinPortal: true }}
                />
              )}
              {kind === 'orders' && (
                <TextInput
                  label="Currency"
                  description="If the file has none"
                  value={currency}
                  maxLength={3}
                  w={150}
                  onChange={(e) => {
                    setDry(null);
                    setCurrency(e.currentTarget.value.toUpperCase());
                  }}
                  error={validCurrency ? undefined : 'Three letters, e.g. USD'}
                  disabled={busy}
                />
              )}
            </Group>
            <ColumnMapping preview={preview.data} generic={(preset ?? detected) === 'generic'} />
            <SampleRows sample={preview.data.sample} />
          </>
        )}

        {(start.isError || check.isError) && (
          <Alert color="red" title="The import did not start" role="alert">
            {errorMessage(start.error ?? check.error)}
          </Alert>
        )}
        {dry && (
          <Stack gap="xs" aria-label="Check result">
            <Alert color="blue" title="Checked: nothing was saved">
              This is what importing the whole file would do.
            </Alert>
            <CountsTable counts={dry.counts} />
            {dry.rejections.length > 0 && <RejectedList rows={dry.rejections.slice(0, 20)} />}
          </Stack>
        )}
        {upload !== null && (
          <Stack gap={4}>
            <Text size="sm">Sending the file… {Math.round(upload * 100)} %</Text>
            <Progress value={upload * 100} aria-label="Upload" />
          </Stack>
        )}
        <Group gap="sm">
          <Button
            onClick={() => start.mutate()}
            loading={start.isPending}
            disabled={!preview.data || !validCurrency || check.isPending}
          >
            Start import
          </Button>
          <Button
            variant="default"
            onClick={() => check.mutate()}
            loading={check.isPending}
            disabled={!preview.data || !validCurrency || start.isPending}
          >
            Check the whole file first
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function describeFormat(p: ImportPreview): string {
  const enc = {
    'utf-8': 'UTF-8',
    'utf-16le': 'UTF-16',
    'utf-16be': 'UTF-16',
    'windows-1252': 'Windows-1252',
  };
  const delim = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };
  return `${enc[p.encoding as keyof typeof enc] ?? p.encoding}, ${delim[p.delimiter as keyof typeof delim] ?? p.delimiter}-separated, ${p.headers.length} columns`;
}

/** Which columns are read and which are left out (the layouts map columns by their names). */
function ColumnMapping({ preview, generic }: { preview: ImportPreview; generic: boolean }) {
  if (preview.columns.length === 0) return null;
  const used = preview.columns.filter((c) => c.used);
  const unused = preview.columns.filter((c) => !c.used && c.header);
  return (
    <Stack gap={6} aria-label="Column mapping">
      <Text fw={600} size="sm">
        Columns read ({used.length})
      </Text>
      <Group gap={6}>
        {used.map((c) => (
          <Badge key={c.header} variant="light" color="teal" tt="none" radius="sm">
            {c.header}
          </Badge>
        ))}
        {used.length === 0 && (
          <Text size="sm" c="red">
            None: this layout does not fit the file. Choose another layout above.
          </Text>
        )}
      </Group>
      {unused.length > 0 && (
        <>
          <Text fw={600} size="sm" mt={4}>
            Left out ({unused.length})
          </Text>
          <Group gap={6}>
            {unused.map((c) => (
              <Badge key={c.header} variant="outline" color="gray" tt="none" radius="sm">
                {c.header}
              </Badge>
            ))}
          </Group>
        </>
      )}
      {generic && (
        <Text size="xs" c="dimmed">
          Columns are recognised by their names: Name (or First name and Last name), Phone, Mobile, Email,
          Company, Address, City, Postcode, Country, Birthday, Tags, Notes. To have a left-out column read,
          rename it in your spreadsheet to one of these.
        </Text>
      )}
    </Stack>
  );
}

function recordText(r: SampleRecord): { who: string; detail: string } | { error: string } {
  if ('error' in r) return { error: r.error };
  const c = 'customer' in r ? r.customer : r.order.customer;
  const contact = [c.phones?.[0]?.number, c.emails?.[0]?.address].filter(Boolean).join(' · ');
  if ('order' in r) {
    const o = r.order;
    const items = o.lines.reduce((n, l) => n + l.quantity, 0);
    return {
      who: c.name,
      detail: `Order ${o.number ?? o.externalId} · ${o.placedAt.slice(0, 10)} · ${items} item${items === 1 ? '' : 's'}${contact ? ` · ${contact}` : ''}`,
    };
  }
  return { who: c.name, detail: [contact, c.company].filter(Boolean).join(' · ') };
}

function SampleRows({ sample }: { sample: SampleRecord[] }) {
  return (
    <Stack gap={6} aria-label="First rows">
      <Text fw={600} size="sm">
        How the first rows will be read
      </Text>
      {sample.length === 0 && <Text c="dimmed">No rows under the header.</Text>}
      {sample.map((r) => {
        const t = recordText(r);
        return (
          <Group key={r.line} gap="sm" wrap="nowrap" align="flex-start">
            <Text size="sm" c="dimmed" w={56} style={{ flexShrink: 0 }}>
              Line {r.line}
            </Text>
            {'error' in t ? (
              <Text size="sm" c="red">
                Will be rejected: {t.error}
              </Text>
            ) : (
              <div style={{ minWidth: 0 }}>
                <Text size="sm" fw={500}>
                  {t.who}
                </Text>
                {t.detail && (
                  <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                    {t.detail}
                  </Text>
                )}
                {r.warnings?.map((w) => (
                  <Text key={w} size="xs" c="orange.8">
                    {w}
                  </Text>
                ))}
              </div>
            )}
          </Group>
        );
      })}
    </Stack>
  );
}
