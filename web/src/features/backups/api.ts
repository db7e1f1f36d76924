import { client, ok, type BodyOf } from '../../lib/api.ts';

/** The backups API (issue 19, J5): the daily schedule, the list, "back up now". */
export type BackupSettingsInput = BodyOf<'/api/v1/backups/settings', 'put'>;
export const backupKeys = {
  settings: ['backups', 'settings'] as const,
  list: ['backups', 'list'] as const,
};
export const backupsApi = {
  settings: () => ok(client.GET('/api/v1/backups/settings')),
  update: (body: BackupSettingsInput) => ok(client.PUT('/api/v1/backups/settings', { body })),
  list: () => ok(client.GET('/api/v1/backups')),
  now: () => ok(client.POST('/api/v1/backups')),
};
export type BackupSettings = Awaited<ReturnType<typeof backupsApi.settings>>;
export type Backup = Awaited<ReturnType<typeof backupsApi.list>>['items'][number];
/** The download link (a plain GET: the browser sends the session cookie). */
export const downloadUrl = (name: string) => `/api/v1/backups/${encodeURIComponent(name)}`;
