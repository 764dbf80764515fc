/**
 * Orders items by weighted random sampling without replacement: an item with twice the weight is
 * twice as likely to come first. Items of weight 0 come last, in their given order.
 */
export function weightedOrder<T>(items: T[], weightOf: (item: T) => number, random: () => number): T[] {
  if (items.length < 2) return items.slice();
  const remaining = items.filter((item) => weightOf(item) > 0);
  const zeroWeight = items.filter((item) => weightOf(item) <= 0);
  const ordered: T[] = [];
  while (remaining.length > 0) {
    const total = remaining.reduce((sum, item) => sum + weightOf(item), 0);
    let point = random() * total;
    let chosen = remaining.length - 1;
    for (let index = 0; index < remaining.length; index++) {
      point -= weightOf(remaining[index] as T);
      if (point < 0) {
        chosen = index;
        break;
      }
    }
    ordered.push(remaining.splice(chosen, 1)[0] as T);
  }
  return ordered.concat(zeroWeight);
}
