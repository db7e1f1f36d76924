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
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { importKeys } from './api.ts';
import { useRef, useState, type DragEvent } from 'react';
import { useSearchParams } from 'react-router';
import { errorMessage } from '../../lib/api.ts';
import { useMe } from '../../lib/session.ts';
import {
  dataApi,
  type ColumnMapping as Mapping,
  type DateOrder,
  type DryRun,
  type ImportPreview,
  type SampleRecord,
} from './api.ts';
import { MappingEditor, mappingFromPreview } from './MappingEditor.tsx';
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
            accept=".csv,.tsv,.txt,.vcf,.json,text/csv,text/vcard,application/json"
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
  const saved = useQuery({ queryKey: importKeys.mappings, queryFn: dataApi.mappings });
  // how to read the file: detected unless the user chose a preset, a saved mapping, or mapped the columns
  const [preset, setPreset] = useState<string | null>(null);
  const [mappingId, setMappingId] = useState<string | null>(null);
  const [columns, setColumns] = useState<Mapping | null>(null);
  const [editing, setEditing] = useState(false);
  /** The saved mapping the user's changes started from (saving under its name updates it). */
  const [origin, setOrigin] = useState<{ id: string; name: string } | null>(null);
  const [currency, setCurrency] = useState(me.workspace.currency);
  const [dateOrder, setDateOrder] = useState<DateOrder | null>(null);
  const [upload, setUpload] = useState<number | null>(null);
  const [dry, setDry] = useState<DryRun | null>(null);
  const validCurrency = /^[A-Za-z]{3}$/.test(currency);
  const layout = columns ? { columns } : mappingId ? { mapping: mappingId } : preset ? { preset } : {};
  const options = {
    ...layout,
    currency: validCurrency ? currency : undefined,
    ...(dateOrder && { dateOrder }),
  };

  const preview = useQuery({
    queryKey: importKeys.preview(
      file.name,
      file.size,
      file.lastModified,
      layout,
      options.currency,
      dateOrder,
    ),
    queryFn: () => dataApi.preview(file.slice(0, PREVIEW_BYTES), options),
    retry: false,
    staleTime: Infinity,
    placeholderData: keepPreviousData,
  });
  // the last preview that worked: the mapping stays on screen while a bad choice in it is explained
  const lastGood = useRef<ImportPreview | undefined>(undefined);
  if (preview.data && !preview.isPlaceholderData) lastGood.current = preview.data;
  const shown = preview.data ?? (columns || mappingId ? lastGood.current : undefined);
  const detected = shown?.preset;
  const kind = detected?.startsWith('mapping')
    ? shown?.sample.some((r) => 'order' in r)
      ? 'orders'
      : 'customers'
    : presets.data?.items.find((p) => p.id === detected)?.kind;
  const generic = detected === 'generic';
  // a generic file with columns it cannot place opens the mapping at once
  const showEditor =
    !!shown && (editing || (generic && shown.columns.some((c) => c.header.trim() && !c.used)));
  // what to import with: the choice made, else what the preview detected (a saved mapping by its id)
  const startOptions = {
    ...options,
    ...(Object.keys(layout).length || detected === 'vcard'
      ? {}
      : shown?.mapping
        ? { mapping: shown.mapping.id }
        : { preset: detected }),
  };

  const start = useMutation({
    mutationFn: () => dataApi.start(file, startOptions, setUpload),
    onSuccess: (run) => {
      void qc.invalidateQueries({ queryKey: importKeys.runs });
      onStarted(run.id);
    },
    onSettled: () => setUpload(null),
  });
  const check = useMutation({
    mutationFn: () => dataApi.dryRun(file, startOptions, setUpload),
    onSuccess: setDry,
    onSettled: () => setUpload(null),
  });
  const busy = start.isPending || check.isPending;

  const presetData = [
    ...(columns
      ? [{ group: 'Your mapping', items: [{ value: 'mapping', label: 'Your column mapping (below)' }] }]
      : []),
    ...((saved.data?.items.length ?? 0) > 0
      ? [
          {
            group: 'Your saved mappings',
            items: (saved.data?.items ?? []).map((m) => ({ value: `mapping:${m.id}`, label: m.name })),
          },
        ]
      : []),
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
  const detectedValue = shown?.mapping ? `mapping:${shown.mapping.id}` : (detected ?? null);
  const layoutValue = columns ? 'mapping' : mappingId ? `mapping:${mappingId}` : (preset ?? detectedValue);
  const chooseLayout = (v: string | null) => {
    setDry(null);
    setColumns(null);
    setEditing(false);
    setOrigin(null);
    if (!v || v === 'mapping') return;
    const isDetected = !preset && !mappingId && !columns && v === detectedValue;
    if (isDetected) return;
    if (v.startsWith('mapping:')) {
      setMappingId(v.slice('mapping:'.length));
      setPreset(null);
    } else {
      setPreset(v);
      setMappingId(null);
    }
  };
  const savedAs =
    shown?.mapping ??
    (mappingId ? (saved.data?.items.find((m) => m.id === mappingId) ?? null) : null) ??
    origin;

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
              {shown && shown.preset !== 'vcard' && <> · {describeFormat(shown)}</>}
            </Text>
          </div>
          <Button variant="default" onClick={onCancel} disabled={busy}>
            Choose another file
          </Button>
        </Group>

        {!shown && preview.isPending && <Text c="dimmed">Reading the start of the file…</Text>}
        {preview.isError && !shown && (
          <Alert color="red" title="This file cannot be imported" role="alert">
            {errorMessage(preview.error)}
          </Alert>
        )}
        {shown && (
          <>
            <Group align="flex-end" gap="md" wrap="wrap">
              {shown.preset === 'vcard' ? (
                <Text>
                  Read as <b>vCard contacts</b>
                </Text>
              ) : (
                <Select
                  label="Layout"
                  description={
                    columns
                      ? 'Mapped by you'
                      : preset || mappingId
                        ? 'Chosen by you'
                        : shown.mapping
                          ? 'Your saved mapping, found by the column names'
                          : 'Detected from the column names'
                  }
                  data={presetData}
                  value={layoutValue}
                  onChange={chooseLayout}
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
              {shown.dates && detected !== 'vcard' && (
                <Select
                  label="Dates like 12/05"
                  description={
                    shown.dates.decidedBy === 'choice'
                      ? 'Chosen by you'
                      : shown.dates.decidedBy === 'file'
                        ? 'Settled by a date in the file'
                        : "Nothing in the file settles it: your region's order"
                  }
                  data={[
                    { value: 'dmy', label: 'Day first (12/05 is 12 May)' },
                    { value: 'mdy', label: 'Month first (12/05 is 5 December)' },
                  ]}
                  value={dateOrder ?? shown.dates.order}
                  onChange={(v) => {
                    if (v !== 'dmy' && v !== 'mdy') return;
                    setDry(null);
                    setDateOrder(v);
                  }}
                  allowDeselect={false}
                  w={{ base: '100%', xs: 280 }}
                  disabled={busy}
                  comboboxProps={{ withinPortal: true }}
                />
              )}
            </Group>
            {showEditor ? (
              <MappingEditor
                columns={shown.columns}
                value={columns ?? mappingFromPreview(shown.columns)}
                onChange={(next) => {
                  setDry(null);
                  setEditing(true);
                  setOrigin((o) => o ?? savedAs);
                  setColumns(next);
                }}
                savedAs={savedAs}
                onSaved={(m) => {
                  setEditing(true);
                  setColumns(null);
                  setPreset(null);
                  setOrigin({ id: m.id, name: m.name });
                  setMappingId(m.id);
                }}
                disabled={busy}
              />
            ) : (
              <ColumnMapping
                preview={shown}
                generic={generic}
                onChange={
                  kind === 'customers' && (generic || shown.preset.startsWith('mapping'))
                    ? () => setEditing(true)
                    : undefined
                }
              />
            )}
            {preview.isError && (
              <Alert color="red" title="This mapping cannot be used" role="alert">
                {errorMessage(preview.error)}
              </Alert>
            )}
            <SampleRows
              sample={shown.sample}
              stale={preview.isPlaceholderData || preview.isError}
              timezone={me.workspace.timezone}
            />
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
            disabled={!preview.data || preview.isPlaceholderData || !validCurrency || check.isPending}
          >
            Start import
          </Button>
          <Button
            variant="default"
            onClick={() => check.mutate()}
            loading={check.isPending}
            disabled={!preview.data || preview.isPlaceholderData || !validCurrency || start.isPending}
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
function ColumnMapping({
  preview,
  generic,
  onChange,
}: {
  preview: ImportPreview;
  generic: boolean;
  /** Open the mapping editor (generic files and saved mappings). */
  onChange?: (() => void) | undefined;
}) {
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
          Company, Address, City, Postcode, Country, Birthday, Tags, Notes. Other names: change the mapping.
        </Text>
      )}
      {onChange && (
        <Group>
          <Button variant="default" size="xs" onClick={onChange}>
            Change mapping
          </Button>
        </Group>
      )}
    </Stack>
  );
}

/** The calendar day of an instant in the workspace's zone, as YYYY-MM-DD. */
const localDay = (iso: string, timeZone: string) => {
  try {
    return new Date(iso).toLocaleDateString('en-CA', { timeZone });
  } catch {
    return iso.slice(0, 10);
  }
};

function recordText(
  r: SampleRecord,
  timezone: string,
): { who: string; detail: string; notes?: string } | { error: string } {
  if ('error' in r) return { error: r.error };
  if ('order' in r) {
    const o = r.order;
    const c = o.customer;
    const contact = [c?.phones?.[0]?.number, c?.emails?.[0]?.address].filter(Boolean).join(' · ');
    const items = o.lines.reduce((n, l) => n + Math.abs(l.quantity), 0);
    return {
      who: c?.name ?? 'Walk-in sale (no customer)',
      detail: `${o.isReturn ? 'Return' : 'Order'} ${o.number ?? o.externalId} · ${localDay(o.placedAt, timezone)} · ${items} item${items === 1 ? '' : 's'}${contact ? ` · ${contact}` : ''}`,
    };
  }
  if ('interaction' in r) {
    const x = r.interaction;
    return {
      who: x.customer?.name ?? 'No customer',
      detail: `${x.skip ? 'Comes with its order: ' : ''}${x.kind} · ${localDay(x.occurredAt, timezone)}`,
      ...(x.body && { notes: x.body }),
    };
  }
  const c = r.customer;
  const contact = [c.phones?.[0]?.number, c.emails?.[0]?.address].filter(Boolean).join(' · ');
  return {
    who: c.name ?? '',
    detail: [contact, c.company, c.tags?.length ? c.tags.join(', ') : undefined].filter(Boolean).join(' · '),
    ...(c.needs && { notes: c.needs }),
  };
}

function SampleRows({
  sample,
  stale,
  timezone,
}: {
  sample: SampleRecord[];
  stale?: boolean;
  timezone: string;
}) {
  return (
    <Stack gap={6} aria-label="First rows" aria-busy={stale} style={{ opacity: stale ? 0.6 : 1 }}>
      <Text fw={600} size="sm">
        How the first rows will be read
      </Text>
      {sample.length === 0 && <Text c="dimmed">No rows under the header.</Text>}
      {sample.map((r) => {
        const t = recordText(r, timezone);
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
                {t.notes && (
                  <Text size="xs" c="dimmed" lineClamp={1} title={t.notes}>
                    Notes: {t.notes}
                  </Text>
                )}
                {('warnings' in r ? r.warnings : undefined)?.map((w) => (
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
