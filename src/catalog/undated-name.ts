export interface DatedName {
  /** The name without its date suffix. */
  undated: string;
  /** The suffix's date as `YYYYMMDD`, comparable as a string. */
  date: string;
}

// Only the unambiguous date suffixes: `-2024-08-06` and `-20240806`. Four-digit suffixes
// (`-0613`, `-2507`) mean month-day for some creators and year-month for others.
const DATE_SUFFIX = /^(.+?)-(\d{4})-?(\d{2})-?(\d{2})$/;

/** `claude-3-opus-20240229` → `{ undated: 'claude-3-opus', date: '20240229' }`; null when undated. */
export function splitDatedName(name: string): DatedName | null {
  const match = DATE_SUFFIX.exec(name);
  if (!match) return null;
  const [, undated, year, month, day] = match as unknown as [string, string, string, string, string];
  const monthNumber = Number(month);
  const dayNumber = Number(day);
  if (!year.startsWith('20') || monthNumber < 1 || monthNumber > 12 || dayNumber < 1 || dayNumber > 31) return null;
  return { undated, date: `${year}${month}${day}` };
}
