/**
 * A catalog model's status against a clock. The snapshot stores dates, never statuses; this is the
 * one place that turns them into one, first match wins:
 *  - `retired`: the creator's retirement date has come (a `YYYY-MM` or `YYYY` date counts from its
 *    first day: the source only knows the shutdown happens within that period);
 *  - `deprecated`: a lifecycle with an announcement, a retirement date or a replacement exists, or
 *    the creator flags its own offer deprecated (every offer, when the creator has none). A
 *    lifecycle that only lists other platforms' retirement dates does not count: platforms such as
 *    Vertex publish one for every release;
 *  - `preview`: the model, or the creator's own offer, is flagged beta/alpha;
 *  - `coming_soon`: its release date is still ahead;
 *  - `active` otherwise.
 * Dates are compared as UTC calendar days.
 */
import type { SnapshotModel } from './catalog-snapshot.js';

export type CatalogModelStatus = 'active' | 'preview' | 'deprecated' | 'retired' | 'coming_soon';

export function modelStatus(model: SnapshotModel, now: Date): CatalogModelStatus {
  const nowMs = now.getTime();
  const lifecycle = model.lifecycle;
  const retiresAt = parseCatalogDate(lifecycle?.retiresAt ?? null);
  if (retiresAt !== null && retiresAt <= nowMs) return 'retired';
  if (lifecycle && (lifecycle.announced !== null || lifecycle.retiresAt !== null || lifecycle.replacement !== null)) return 'deprecated';
  const own = model.offers.filter((offer) => offer.provider === model.creator);
  const flagged = own.length > 0 ? own : model.offers;
  if (flagged.length > 0 && flagged.every((offer) => offer.flag === 'deprecated')) return 'deprecated';
  if (model.preview || own.some((offer) => offer.flag === 'beta' || offer.flag === 'alpha')) return 'preview';
  const releasedAt = parseCatalogDate(model.releaseDate);
  if (releasedAt !== null && releasedAt > nowMs) return 'coming_soon';
  return 'active';
}

/**
 * Milliseconds (UTC) at the start of a catalog date: `YYYY-MM-DD`, `YYYY-MM` (its first day) or
 * `YYYY` (1 January); null when absent or not such a date.
 */
export function parseCatalogDate(date: string | null): number | null {
  if (date === null) return null;
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(date.trim().slice(0, 10));
  if (!match) return null;
  const year = Number(match[1]);
  const month = match[2] === undefined ? 1 : Number(match[2]);
  const day = match[3] === undefined ? 1 : Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  return Date.UTC(year, month - 1, day);
}
