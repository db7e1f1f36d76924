import { Stack, Tabs, Title } from '@mantine/core';
import { useLocation, useNavigate } from 'react-router';
import { DuplicatesPanel } from './DuplicatesPanel.tsx';
import { ExportPanel } from './ExportPanel.tsx';
import { ImportPanel } from './ImportPanel.tsx';

const TABS = ['import', 'export', 'duplicates'] as const;
type Tab = (typeof TABS)[number];

/**
 * Bringing data in and out (loaded on demand): import a file (preview → progress → report), download
 * everything, and merge the duplicates an import or two left behind. Every signed-in user may do these
 * (the API asks for the read and write scopes, which staff have).
 */
export default function DataPage() {
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const current: Tab = TABS.find((t) => pathname.startsWith(`/${t}`)) ?? 'import';
  return (
    <Stack maw={960} gap="md">
      <Title order={1} fz={24}>
        Import &amp; export
      </Title>
      <Tabs value={current} onChange={(v) => void navigate(`/${v ?? 'import'}`)} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="import">Import</Tabs.Tab>
          <Tabs.Tab value="export">Export</Tabs.Tab>
          <Tabs.Tab value="duplicates">Duplicates</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="import" pt="md">
          <ImportPanel />
        </Tabs.Panel>
        <Tabs.Panel value="export" pt="md">
          <ExportPanel />
        </Tabs.Panel>
        <Tabs.Panel value="duplicates" pt="md">
          <DuplicatesPanel />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
