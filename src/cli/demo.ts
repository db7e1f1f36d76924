import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import type { Services } from '../app.ts';
import { simulateBgNbdLog } from '../stats/index.ts';
import type { Database } from '../platform/db/schema.ts';
import { BUSINESS_WORDS, FIRST_NAMES, JOB_TITLES, LAST_NAMES, NEEDS, NOTES, TAGS } from './demo-data.ts';
import { withServices } from './context.ts';

export const DEMO_WORKSPACE = 'Demo Bakery';
export const DEMO_LOGIN = { email: 'owner@demo-bakery.test', password: 'demo-bakery' };

/** A small seeded PRNG (mulberry32) so every demo is the same demo. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  return { next, pick, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)) };
}

const PREFIXES = [
  '0803',
  '0805',
  '0806',
  '0807',
  '0809',
  '0810',
  '0813',
  '0816',
  '0703',
  '0706',
  '0802',
  '0808',
  '0812',
  '0901',
  '0902',
];

function localPhone(r: ReturnType<typeof rng>): string {
  const p = r.pick(PREFIXES);
  const a = String(r.int(100, 999));
  const b = String(r.int(1000, 9999));
  switch (r.int(0, 3)) {
    case 0:
      return `${p} ${a} ${b}`;
    case 1:
      return `${p}-${a}-${b}`;
    case 2:
      return `+234 ${p.slice(1)} ${a} ${b}`;
    default:
      return `${p}${a}${b}`;
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Create the demo workspace: ~2,000 customers, businesses with people, two years of interactions. */
export async function createDemo(
  s: Services,
  db: Kysely<Database>,
  opts: { customers: number; log: (line: string) => void },
) {
  const existing = await s.workspaces.findWorkspace(DEMO_WORKSPACE);
  if (existing) return { workspace: existing, created: false };
  const r = rng(20261123);
  const ws = await s.workspaces.createWorkspace({
    name: DEMO_WORKSPACE,
    timezone: 'Africa/Lagos',
    currency: 'NGN',
    region: 'NG',
  });
  const owner = await s.access.createUser(
    ws.id,
    { ...DEMO_LOGIN, name: 'Bimpe (owner)', role: 'owner' },
    'demo',
  );
  const staff = await s.access.createUser(
    ws.id,
    { email: 'staff@demo-bakery.test', password: DEMO_LOGIN.password, name: 'Femi (counter)', role: 'staff' },
    'demo',
  );
  const authors = [owner.id, staff.id];
  const actor = {
    workspaceId: ws.id,
    kind: 'cli' as const,
    id: 'demo',
    scopes: new Set(['read', 'write'] as const),
  };

  const businesses: string[] = [];
  const nBusinesses = Math.max(1, Math.round(opts.customers * 0.04));
  const ids: string[] = [];
  const now = Date.now();
  for (let i = 0; i < opts.customers; i++) {
    const isBusiness = i < nBusinesses;
    const name = isBusiness
      ? `${r.pick(BUSINESS_WORDS[0] ?? [])} ${r.pick(BUSINESS_WORDS[1] ?? [])}`
      : `${r.pick(FIRST_NAMES)} ${r.pick(LAST_NAMES)}`;
    const first = name.split(' ')[0]?.toLowerCase() ?? 'x';
    const tags = TAGS.filter(() => r.next() < 0.12);
    const employer = !isBusiness && businesses.length && r.next() < 0.15 ? r.pick(businesses) : undefined;
    const c = await s.customers.createCustomer(
      ws.id,
      {
        kind: isBusiness ? 'business' : 'person',
        name,
        ...(employer && { businessId: employer, jobTitle: r.pick(JOB_TITLES) }),
        phones: [
          { number: localPhone(r), label: 'mobile' },
          ...(r.next() < 0.15 ? [{ number: localPhone(r), label: 'work' }] : []),
        ],
        emails:
          r.next() < 0.7
            ? [
                {
                  address: `${first}${r.int(1, 999)}@${isBusiness ? 'company.ng' : r.pick(['gmail.com', 'yahoo.com', 'outlook.com'])}`,
                },
              ]
            : [],
        ...(!isBusiness &&
          r.next() < 0.6 && {
            birthday:
              r.next() < 0.3
                ? `--${pad(r.int(1, 12))}-${pad(r.int(1, 28))}`
                : `${r.int(1955, 2004)}-${pad(r.int(1, 12))}-${pad(r.int(1, 28))}`,
          }),
        ...(!isBusiness &&
          r.next() < 0.15 && {
            anniversary: `${r.int(1985, 2024)}-${pad(r.int(1, 12))}-${pad(r.int(1, 28))}`,
          }),
        ...(r.next() < 0.4 && { needs: r.pick(NEEDS) }),
        preferredChannel: r.pick(['phone', 'whatsapp', 'sms', 'email', 'in_person'] as const),
        tags,
        consent: { marketing: r.next() < 0.55, source: r.pick(['counter sign-up', 'website', 'phone']) },
        ...(r.next() < 0.2 && {
          address: {
            line1: `${r.int(1, 200)} ${r.pick(['Admiralty Way', 'Awolowo Road', 'Allen Avenue', 'Adeola Odeku Street', 'Herbert Macaulay Way'])}`,
            city: 'Lagos',
            country: 'Nigeria',
          },
        }),
      },
      'demo',
    );
    if (isBusiness) businesses.push(c.id);
    ids.push(c.id);
    if ((i + 1) % 250 === 0) opts.log(`  ${i + 1} customers…`);
  }

  let touches = 0;
  for (const id of ids) {
    const n = r.next() < 0.2 ? 0 : r.int(1, 8);
    for (let k = 0; k < n; k++) {
      const at = new Date(now - r.next() * 730 * 86_400_000).toISOString();
      const kind = r.pick(['call', 'visit', 'visit', 'message', 'note', 'whatsapp'] as const);
      await s.timeline.addInteraction(
        ws.id,
        id,
        {
          kind,
          ...(kind === 'call' || kind === 'message' || kind === 'whatsapp'
            ? { direction: r.next() < 0.7 ? 'inbound' : 'outbound' }
            : {}),
          body: r.pick(NOTES),
          occurredAt: at,
          authorId: r.pick(authors),
        },
        actor,
      );
      touches++;
    }
  }
  opts.log(`  ${touches} interactions over two years`);

  // Two years of purchases, from a "buy till you die" process: regulars, occasional buyers, and some who stopped.
  const people = ids.slice(nBusinesses);
  const today = Math.floor(now / 86_400_000);
  const purchases = simulateBgNbdLog(
    { r: 0.6, alpha: 25, a: 0.5, b: 4 },
    {
      customers: people.length,
      startDay: today - 730,
      cohortDays: 600,
      horizonDays: 729,
      unitDays: 1,
      spend: { p: 6, q: 4, gamma: 450_000 },
      seed: 7,
    },
  );
  const products = [
    ['Sourdough loaf', 'bread', 250_000],
    ['Chin-chin (large)', 'snacks', 180_000],
    ['Meat pie', 'pastry', 80_000],
    ['Birthday cake', 'cakes', 2_500_000],
    ['Croissant', 'pastry', 120_000],
    ['Coconut bread', 'bread', 200_000],
  ] as const;
  const inputs = Array.from(purchases.day, (day, i) => {
    const budget = Math.max(80_000, Math.round(purchases.amount[i] ?? 0));
    const lines = [];
    let left = budget;
    while (left > 0 && lines.length < 4) {
      const [name, category, price] = r.pick(products);
      const quantity = Math.max(1, Math.min(6, Math.round(left / price)));
      lines.push({ name, category, quantity, unitPrice: price, unitCost: Math.round(price * 0.55) });
      left -= quantity * price;
    }
    return {
      input: {
        customerId: people[purchases.customerId[i] ?? 0],
        placedAt: new Date(day * 86_400_000 + (8 + r.int(0, 10)) * 3_600_000).toISOString(),
        channel: r.pick(['counter', 'counter', 'phone', 'whatsapp']),
        lines,
        externalSource: 'demo',
        externalId: `demo-${i}`,
      },
      refunded: 0,
    };
  });
  const demoActor = {
    workspaceId: ws.id,
    kind: 'cli' as const,
    id: 'demo',
    scopes: new Set(['write'] as const),
  };
  for (let i = 0; i < inputs.length; i += 500)
    await db
      .transaction()
      .execute((trx) => s.orders.importOrders(trx, ws.id, inputs.slice(i, i + 500), demoActor));
  opts.log(`  ${inputs.length} orders`);
  return { workspace: ws, created: true };
}

export function registerDemoCommand(program: Command) {
  program
    .command('demo')
    .description(`Create the "${DEMO_WORKSPACE}" workspace with believable customers, and print its sign-in`)
    .option('--customers <n>', 'how many customers', '2000')
    .action((o: { customers: string }) =>
      withServices(async (s, conn) => {
        const n = Number(o.customers);
        if (!Number.isInteger(n) || n < 1 || n > 100_000)
          throw new Error('--customers must be a whole number from 1 to 100000');
        console.log(`Creating "${DEMO_WORKSPACE}"…`);
        const t0 = Date.now();
        const { created } = await createDemo(s, conn.db, { customers: n, log: (l) => console.log(l) });
        if (created) console.log(`Done in ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
        else console.log(`"${DEMO_WORKSPACE}" already exists; nothing changed.`);
        console.log(
          `Sign in at http://127.0.0.1:3000 with ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password} (staff: staff@demo-bakery.test, same password)`,
        );
      }),
    );
}
