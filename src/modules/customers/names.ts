/**
 * Names in imports: which name wins, whether two names are of different people, and which of the customers
 * sharing a phone a row is (a household or an office shares one line).
 */

const nameWords = (n: string | undefined) =>
  (n ?? '')
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 1);
/** A name that is only a stand-in (an email address or a phone number), not a person's name. */
const placeholder = (n: string | undefined) => !n || n.includes('@') || /^[\d\s()+.-]+$/.test(n);
/** What an importer names a customer it knows only by their id in the source (an order's buyer). */
export const byIdOnly = (ext: string | undefined) => (ext ? `Customer ${ext}` : undefined);
/** A name that is an email address or a phone number: what an import calls someone whose name it lacks. */
const contactAsName = (name: string) => /^[^\s@]+@[^\s@]+$/.test(name) || /^[\d\s()+.-]+$/.test(name);
/**
 * The name a customer should now have, or undefined to keep theirs: a customer known only by their id in the
 * source ("Customer <id>", `ext`) takes the name their own record gives; one named by an email or a phone takes
 * a real name (the best name seen wins). A name staff or a source gave is never overwritten.
 */
export function betterName(current: string, incoming: string | undefined, ext?: string): string | undefined {
  if (!incoming || incoming === current || incoming === byIdOnly(ext)) return undefined;
  if (current === byIdOnly(ext)) return incoming;
  return contactAsName(current) && !contactAsName(incoming) ? incoming : undefined;
}

/**
 * Two names clearly of different people: both real names and their first words differ, and neither's words
 * are all in the other ("Ada Obi" and "Chidi Obi" differ; "Ada" and "Ada Obi", or "Obi, Ada", do not).
 */
export function namesDiffer(a: string | undefined, b: string | undefined): boolean {
  if (placeholder(a) || placeholder(b)) return false;
  const x = nameWords(a);
  const y = nameWords(b);
  if (!x.length || !y.length) return false;
  const xs = new Set(x);
  const ys = new Set(y);
  if (x.every((w) => ys.has(w)) || y.every((w) => xs.has(w))) return false;
  return !(x.some((w) => w === y[0]) && y.some((w) => w === x[0]));
}

/** Two names of the same words, in any order and case, accents aside ("Obi, Ada" and "ada obi"). */
const sameName = (a: string | undefined, b: string | undefined) => {
  const x = [...new Set(nameWords(a))].sort().join(' ');
  return x !== '' && x === [...new Set(nameWords(b))].sort().join(' ');
};

/** A stored customer having the phone a row carries: their name and normalised emails. */
export type PhoneCandidate = { id: string; name: string; emails: ReadonlySet<string> };
/**
 * Which customer a row matched only by phone is: `id` (with why, and whether it is doubtful), or none (a new
 * customer; `warning` says whom it shares the phone with, suggested as possible duplicates).
 */
export type PhoneChoice =
  { id: string; why?: string; doubtful?: string } | { id?: undefined; warning: string };

const quoted = (names: string[]) =>
  names.length <= 1
    ? `"${names[0] ?? ''}"`
    : `${names
        .slice(0, -1)
        .map((n) => `"${n}"`)
        .join(', ')} and "${names.at(-1) ?? ''}"`;

/**
 * Choose among the stored customers sharing a row's phone (oldest first). One customer: the row is them,
 * unless both the name and the email clearly differ (doubtful when only the name does, no email telling them
 * apart). Several: the one whose name matches (the same words, or one name within the other), with no other
 * email against them when several do; else one whose name is not known yet (named by their phone or email),
 * if only one is; else nobody clearly matches and the row is a new customer — never written over someone.
 */
export function choosePhoneMatch(
  row: { name: string | undefined; emails: number },
  phone: string,
  candidates: PhoneCandidate[],
): PhoneChoice {
  const [only] = candidates;
  if (!only) return { warning: '' };
  const conflict = (c: PhoneCandidate) => row.emails > 0 && c.emails.size > 0;
  if (candidates.length === 1) {
    const otherName = namesDiffer(row.name, only.name);
    if (otherName && conflict(only))
      return {
        warning: `shares the phone ${phone} with "${only.name}", but the name and email differ: added as a new customer (suggested as a possible duplicate)`,
      };
    return {
      id: only.id,
      ...(otherName && {
        doubtful: `the name "${row.name ?? ''}" differs from "${only.name}" (no email tells them apart)`,
      }),
    };
  }
  const n = candidates.length;
  const score = (c: PhoneCandidate) =>
    placeholder(row.name) || placeholder(c.name)
      ? 1
      : sameName(row.name, c.name)
        ? 3
        : namesDiffer(row.name, c.name)
          ? 0
          : 2;
  // by name first; among equals, one without an email against the row's
  const ranked = candidates
    .map((c) => ({ c, s: score(c), v: score(c) * 2 - (conflict(c) ? 1 : 0) }))
    .sort((a, b) => b.v - a.v);
  const best = ranked[0] as (typeof ranked)[number];
  const tied = ranked.filter((r) => r.v === best.v);
  if (best.s >= 2)
    return {
      id: best.c.id,
      why: `the name ${best.s === 3 ? 'is the same' : 'matches'}, of ${n} customers with this phone`,
      ...(tied.length > 1 && {
        doubtful: `${quoted(tied.map((r) => r.c.name))} share this phone and the name: possible duplicates`,
      }),
    };
  const unknown = ranked.filter((r) => r.s === 1 && !conflict(r.c));
  if (!placeholder(row.name) && unknown.length === 1 && unknown[0])
    return { id: unknown[0].c.id, why: `their name was not known, of ${n} customers with this phone` };
  const names = candidates.map((c) => c.name);
  return {
    warning: `shares the phone ${phone} with ${quoted(names)}, and none of them is clearly ${row.name && !placeholder(row.name) ? `"${row.name}"` : 'this row'}: added as a new customer (suggested as a possible duplicate of each)`,
  };
}
