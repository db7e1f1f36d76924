import type { Migration } from 'kysely';
import * as m0001 from './0001_foundation.ts';
import * as m0002 from './0002_orders.ts';
import * as m0003 from './0003_jobs.ts';
import * as m0004 from './0004_complaints.ts';
import * as m0005 from './0005_imports.ts';
import * as m0006 from './0006_analytics.ts';
import * as m0007 from './0007_prediction_runs_keyed.ts';
import * as m0008 from './0008_duplicate_dismissals.ts';
import * as m0009 from './0009_import_mappings.ts';
import * as m0010 from './0010_name_postings_sorted.ts';
import * as m0012 from './0012_import_run_claims.ts';
import * as m0013 from './0013_sign_in_attempts.ts';
import * as m0014 from './0014_walk_in_orders.ts';
import * as m0015 from './0015_counter_sales.ts';
import * as m0016 from './0016_outreach.ts';
import * as m0017 from './0017_survey_answers.ts';
import * as m0018 from './0018_promises.ts';
import * as m0019 from './0019_loyalty.ts';
import * as m0020 from './0020_occasions_events.ts';
import * as m0021 from './0021_scorecard.ts';
import * as m0022 from './0022_webhooks.ts';
import * as m0023 from './0023_phone_systems.ts';
import * as m0024 from './0024_privacy_accounts.ts';
import * as m0025 from './0025_backups.ts';
import * as m0026 from './0026_grow.ts';
import * as m0027 from './0027_referrals.ts';
import * as m0028 from './0028_inbound_mail.ts';

/** Every migration, in order. Add new files here; never edit one that has shipped. */
export const MIGRATIONS: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_orders': m0002,
  '0003_jobs': m0003,
  '0004_complaints': m0004,
  '0005_imports': m0005,
  '0006_analytics': m0006,
  '0007_prediction_runs_keyed': m0007,
  '0008_duplicate_dismissals': m0008,
  '0009_import_mappings': m0009,
  '0010_name_postings_sorted': m0010,
  '0012_import_run_claims': m0012,
  '0013_sign_in_attempts': m0013,
  '0014_walk_in_orders': m0014,
  '0015_counter_sales': m0015,
  '0016_outreach': m0016,
  '0017_survey_answers': m0017,
  '0018_promises': m0018,
  '0019_loyalty': m0019,
  '0020_occasions_events': m0020,
  '0021_scorecard': m0021,
  '0022_webhooks': m0022,
  '0023_phone_systems': m0023,
  '0024_privacy_accounts': m0024,
  '0025_backups': m0025,
  '0026_grow': m0026,
  '0027_referrals': m0027,
  '0028_inbound_mail': m0028,
};
