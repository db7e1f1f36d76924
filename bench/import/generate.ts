import fs from 'node:fs';
import { once } from 'node:events';

/** Seeded PRNG (mulberry32): the same files every run. */
export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  'Ada',
  'Chinedu',
  'Ngozi',
  'Emeka',
  'Funmi',
  'Tunde',
  'Bisi',
  'Kemi',
  'John',
  'Mary',
  'David',
  'Sarah',
  'Kofi',
  'Ama',
  'Omar',
  'Leila',
];
const LAST = [
  'Okafor',
  'Adeyemi',
  'Okonkwo',
  'Balogun',
  'Eze',
  'Nwosu',
  'Bello',
  'Smith',
  'Johnson',
  'Mensah',
  'Asante',
  'Haddad',
  'Silva',
  'Taylor',
];
const ITEMS = [
  ['Sourdough', 'bread', '4.50'],
  ['Croissant', 'pastry', '2.20'],
  ['Latte', 'drinks', '3.80'],
  ['Birthday cake', 'cakes', '35.00'],
  ['Meat pie', 'pastry', '2.75'],
] as const;

/** The i-th customer's phone: unique valid US numbers +1 415 2xx xxxx … */
export const phoneOf = (i: number) =>
  `(415) ${String(200 + (Math.floor(i / 10000) % 800))}-${String(i % 10000).padStart(4, '0')}`;

async function writeLines(file: string, header: string, n: number, line: (i: number) => string) {
  const out = fs.createWriteStream(file);
  out.write(header + '\n');
  for (let i = 0; i < n; i++) if (!out.write(line(i) + '\n')) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

/** customers.csv (generic layout) with n customers. */
export async function writeCustomers(file: string, n: number) {
  const r = rng(1);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
  await writeLines(
    file,
    'Customer ID,First Name,Last Name,Phone,Email,Tags',
    n,
    (i) => `C${i},${pick(FIRST)},${pick(LAST)},${phoneOf(i)},c${i}@example.com,${i % 7 === 0 ? 'vip' : ''}`,
  );
}

/** orders.csv in Shopify's layout: `lines` line items spread over orders of 1–9 lines, by n customers. */
export async function writeOrders(file: string, customers: number, lines: number) {
  const r = rng(2);
  const header =
    'Name,Email,Financial Status,Currency,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Vendor,Billing Name,Phone,Id';
  const out = fs.createWriteStream(file);
  out.write(header + '\n');
  let written = 0;
  for (let o = 0; written < lines; o++) {
    const c = Math.floor(r() * customers);
    const k = Math.min(lines - written, 1 + Math.floor(r() * 9));
    const day = new Date(Date.UTC(2023, 0, 1) + Math.floor(r() * 700) * 86_400_000)
      .toISOString()
      .slice(0, 10);
    for (let j = 0; j < k; j++) {
      const [name, cat, price] = ITEMS[Math.floor(r() * ITEMS.length)] ?? ITEMS[0];
      const head = j === 0 ? `#${o},c${c}@example.com,paid,USD,${day} 10:00:00 +0000` : `#${o},,,,`;
      const tail = j === 0 ? `,Customer ${c},${phoneOf(c)},${5_000_000_000 + o}` : ',,,';
      if (
        !out.write(
          `${head},${1 + Math.floor(r() * 3)},${name},${price},${name.slice(0, 3).toUpperCase()},${cat}${tail}\n`,
        )
      )
        await once(out, 'drain');
    }
    written += k;
  }
  out.end();
  await once(out, 'finish');
}
