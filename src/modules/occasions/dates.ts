/**
 * Occasion dates: a stored date is `YYYY-MM-DD`, or `--MM-DD` when the year is unknown. A yearly occasion falls
 * on its month and day every year after its own year (29 February on 28 February in a common year); a one-time
 * occasion only on its own date.
 */
export const isLeap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);

/** The month-day an occasion falls on in `year`, or null when it does not fall in that year. */
export function occasionMonthDay(date: string, year: number, yearly: boolean): string | null {
  const md = date.slice(-5);
  const own = date.startsWith('--') ? null : Number(date.slice(0, 4));
  if (!yearly) return own === year ? md : null;
  if (own !== null && year <= own) return null;
  return md === '02-29' && !isLeap(year) ? '02-28' : md;
}

/** Does the occasion fall on this local calendar day (YYYY-MM-DD)? */
export const fallsOn = (date: string, day: string, yearly: boolean) =>
  occasionMonthDay(date, Number(day.slice(0, 4)), yearly) === day.slice(5);

/**
 * The stored dates that can fall on `day`, as SQL LIKE patterns on the stored text: its month-day, and on
 * 28 February of a common year the 29 Februarys too.
 */
export function likePatterns(day: string): string[] {
  const md = day.slice(5);
  const out = [`%-${md}`];
  if (md === '02-28' && !isLeap(Number(day.slice(0, 4)))) out.push('%-02-29');
  return out;
}

/** How many whole years since the occasion's own year (an age, years married), when the year is known. */
export const yearsSince = (date: string, day: string) =>
  date.startsWith('--') ? null : Number(day.slice(0, 4)) - Number(date.slice(0, 4));
