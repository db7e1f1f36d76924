import {
  Badge,
  Button,
  Input,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { formatPhone } from '../../lib/phone.ts';
import { timeAgo } from '../../lib/format.ts';
import { useMe } from '../../lib/session.ts';
import type { CustomerSummary, Kind } from '../../lib/api.ts';
import { SEARCH_INPUT_ID } from '../shell/HeaderSearch.tsx';
import { PageLoader, QueryError } from '../shell/RouteError.tsx';
import { useCustomerList } from './queries.ts';

/** The customer list: the header search's results, filters, ↑ ↓ Enter to open, load more. */
export function CustomersPage() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const q = params.get('q') ?? '';
  const kind = (params.get('kind') as Kind | null) ?? undefined;
  const tagParam = params.get('tag') ?? '';
  const [tagInput, setTagInput] = useState(tagParam);
  const [tag] = useDebouncedValue(tagInput.trim().toLowerCase(), 250);
  // Follow the address when it changes from elsewhere (a tag link, Clear filters), not after our own update.
  useEffect(() => {
    if (tagParam !== tag) setTagInput(tagParam);
  }, [tagParam]);
  useEffect(() => {
    if (tag === tagParam) return;
    setParams(
      (p) => {
        if (tag) p.set('tag', tag);
        else p.delete('tag');
        return p;
      },
      { replace: true },
    );
  }, [tag, tagParam, setParams]);

  const list = useCustomerList({ q, kind, tag: tagParam || undefined });
  const items = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const [active, setActive] = useState(-1);
  useEffect(() => setActive(q ? 0 : -1), [q, kind, tagParam]);

  const itemsRef = useRef(items);
  itemsRef.current = items;
  const activeRef = useRef(active);
  activeRef.current = active;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      const inSearch = t?.id === SEARCH_INPUT_ID;
      if (!inSearch && t && t !== document.body && t.tagName !== 'A') return;
      const n = itemsRef.current.length;
      if (e.key === 'ArrowDown' && n) {
        e.preventDefault();
        setActive((a) => Math.min(a + 1, n - 1));
      } else if (e.key === 'ArrowUp' && n) {
        e.preventDefault();
        setActive((a) => Math.max(a - 1, 0));
      } else if (e.key === 'Enter' && (inSearch || t === document.body)) {
        const c = itemsRef.current[activeRef.current];
        // While the box holds text not yet searched, Enter searches it (HeaderSearch) instead of opening.
        const pending =
          inSearch &&
          (t as HTMLInputElement).value !== (new URLSearchParams(window.location.search).get('q') ?? '');
        if (c && !pending) {
          e.preventDefault();
          void navigate(`/customers/${c.id}`);
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigate]);
  useEffect(() => {
    document.getElementById(`customer-row-${active}`)?.scrollIntoView({ block: 'nearest' });
  }, [active]);

  const setKind = (v: string) =>
    setParams(
      (p) => {
        if (v === 'all') p.delete('kind');
        else p.set('kind', v);
        return p;
      },
      { replace: true },
    );

  return (
    <Stack gap="md" maw={960}>
      <Group justify="space-between" align="flex-end" gap="sm">
        <div>
          <Title order={1} fz={24}>
            Customers
          </Title>
          <Text size="sm" c="dimmed" aria-live="polite">
            {q ? `Results for “${q}”` : 'Type in the search box above, or press / to search'}
          </Text>
        </div>
        <Button component={Link} to="/customers/new">
          New customer
        </Button>
      </Group>
      <Group gap="sm" align="flex-end" wrap="wrap">
        <Input.Wrapper label="Kind">
          <SegmentedControl
            aria-label="Kind"
            value={kind ?? 'all'}
            onChange={setKind}
            data={[
              { value: 'all', label: 'All' },
              { value: 'person', label: 'People' },
              { value: 'business', label: 'Businesses' },
            ]}
          />
        </Input.Wrapper>
        <TextInput
          label="Tag"
          placeholder="e.g. vip"
          value={tagInput}
          onChange={(e) => setTagInput(e.currentTarget.value)}
          w={160}
          size="sm"
        />
        {(kind || tagParam) && (
          <Button variant="subtle" size="sm" onClick={() => setParams(q ? { q } : {}, { replace: true })}>
            Clear filters
          </Button>
        )}
      </Group>
      {list.isPending ? (
        <PageLoader label="Finding customers…" />
      ) : list.isError ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <Paper withBorder p="xl" ta="center">
          <Text fw={600}>No customers found</Text>
          <Text size="sm" c="dimmed" mt={4}>
            {q || kind || tagParam
              ? 'Try fewer letters, another spelling, or clear the filters.'
              : 'Add your first customer to get started.'}
          </Text>
          <Button component={Link} to="/customers/new" variant="light" mt="md">
            New customer
          </Button>
        </Paper>
      ) : (
        <Paper withBorder p={4} style={{ opacity: list.isPlaceholderData ? 0.6 : 1 }}>
          <ul aria-label="Customers" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
            {items.map((c, i) => (
              <CustomerRow key={c.id} c={c} index={i} active={i === active} onTag={(t) => setTagInput(t)} />
            ))}
          </ul>
        </Paper>
      )}
      {list.hasNextPage && (
        <Button
          variant="default"
          onClick={() => void list.fetchNextPage()}
          loading={list.isFetchingNextPage}
          style={{ alignSelf: 'center' }}
        >
          Load more
        </Button>
      )}
    </Stack>
  );
}

function CustomerRow({
  c,
  index,
  active,
  onTag,
}: {
  c: CustomerSummary;
  index: number;
  active: boolean;
  onTag: (t: string) => void;
}) {
  const { workspace } = useMe();
  return (
    <li id={`customer-row-${index}`}>
      {/* a list of links (a listbox may not hold links); ↑ ↓ move the highlighted one, Enter opens it */}
      <Link
        className="row-link"
        to={`/customers/${c.id}`}
        data-active={active}
        aria-current={active ? 'true' : undefined}
      >
        <Group justify="space-between" wrap="nowrap" px="sm" py={10} gap="sm">
          <div style={{ minWidth: 0 }}>
            <Group gap={6} wrap="nowrap">
              <Text fw={600} truncate>
                {c.name}
              </Text>
              {c.kind === 'business' && (
                <Badge size="xs" variant="outline" color="gray">
                  Business
                </Badge>
              )}
            </Group>
            <Text size="sm" c="dimmed" truncate>
              {[c.phone && formatPhone(c.phone, workspace.region), c.email, c.jobTitle]
                .filter(Boolean)
                .join(' · ') || 'No contact details'}
            </Text>
          </div>
          <Stack gap={4} align="flex-end" style={{ flexShrink: 0 }}>
            {c.lastInteractionAt && (
              <Text size="xs" c="dimmed">
                {timeAgo(c.lastInteractionAt)}
              </Text>
            )}
            <Group gap={4} justify="flex-end" visibleFrom="xs">
              {c.tags.slice(0, 3).map((t) => (
                <Badge
                  key={t}
                  size="sm"
                  variant="light"
                  onClick={(e) => {
                    e.preventDefault();
                    onTag(t);
                  }}
                >
                  {t}
                </Badge>
              ))}
            </Group>
          </Stack>
        </Group>
      </Link>
    </li>
  );
}
