/**
 * Passing business (H2): which business customers could serve each other. Pure: profiles in, scored pairs out.
 * A keyword is normalised (lower case, punctuation dropped, spaces collapsed, a plural "s" dropped per word);
 * a need and an offer match exactly (2 points) or when one's words all appear in the other (1 point:
 * "cakes" and "wedding cake").
 */
export type Profile = { id: string; name: string; offers: string[]; needs: string[] };
export type Match = {
  /** The one who needs (a) and the one who offers (b) in the stronger direction. */
  a: string;
  b: string;
  score: number;
  reasons: string[];
};

const STOP = new Set(['and', 'the', 'for', 'of', 'a', 'an', 'to', 'in', 'on', 'with', 'services', 'service']);

const word = (w: string) => (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w);

export function normalizeKeyword(raw: string): string {
  return raw
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter(Boolean)
    .map(word)
    .join(' ');
}

/** Keywords from tags or free text (split on commas, semicolons and new lines), normalised, unique, in order. */
export function keywordsOf(items: string[]): string[] {
  const out: string[] = [];
  for (const item of items)
    for (const part of item.split(/[,;\n]/)) {
      const k = normalizeKeyword(part);
      if (k && !out.includes(k)) out.push(k);
    }
  return out;
}

const words = (k: string) => k.split(' ').filter((w) => !STOP.has(w));

function fit(need: string, offer: string): number {
  if (need === offer) return 2;
  const n = words(need);
  const o = words(offer);
  if (!n.length || !o.length) return 0;
  return n.every((w) => o.includes(w)) || o.every((w) => n.includes(w)) ? 1 : 0;
}

/** What `offerer` can do for `needer`: points and reasons. */
function oneWay(needer: Profile, offerer: Profile) {
  let score = 0;
  const reasons: string[] = [];
  for (const need of needer.needs) {
    let best = 0;
    let with_ = '';
    for (const offer of offerer.offers) {
      const f = fit(need, offer);
      if (f > best) [best, with_] = [f, offer];
    }
    if (best) {
      score += best;
      reasons.push(
        best === 2
          ? `${needer.name} needs ${need}; ${offerer.name} offers it`
          : `${needer.name} needs ${need}; ${offerer.name} offers ${with_}`,
      );
    }
  }
  return { score, reasons };
}

/** Every pair with a positive score, best first (ties by names), leaving out the pairs `skip` says are done. */
export function matchProfiles(
  profiles: Profile[],
  skip: (x: string, y: string) => boolean,
  limit = 100,
): Match[] {
  const out: Match[] = [];
  for (let i = 0; i < profiles.length; i++)
    for (let j = i + 1; j < profiles.length; j++) {
      const p = profiles[i] as Profile;
      const q = profiles[j] as Profile;
      if (skip(p.id, q.id)) continue;
      const pq = oneWay(p, q); // q serves p
      const qp = oneWay(q, p); // p serves q
      const score = pq.score + qp.score;
      if (!score) continue;
      const [a, b] = pq.score >= qp.score ? [p, q] : [q, p];
      out.push({
        a: a.id,
        b: b.id,
        score,
        reasons: pq.score >= qp.score ? [...pq.reasons, ...qp.reasons] : [...qp.reasons, ...pq.reasons],
      });
    }
  const name = new Map(profiles.map((p) => [p.id, p.name]));
  out.sort(
    (x, y) =>
      y.score - x.score ||
      (name.get(x.a) ?? '').localeCompare(name.get(y.a) ?? '') ||
      (name.get(x.b) ?? '').localeCompare(name.get(y.b) ?? ''),
  );
  return out.slice(0, limit);
}
