/**
 * Latency bins on a log scale: bin `i` holds values up to 1.25^i ms, so 64 bins reach about
 * 21 minutes. Recording is one logarithm and an increment; a quantile read from the bins is
 * within ±12% of the true value (the bin's geometric middle is reported).
 */
export const latencyBinCount = 64;
const growth = 1.25;
const logGrowth = Math.log(growth);

export function latencyBin(milliseconds: number): number {
  if (!(milliseconds > 1)) return 0;
  return Math.min(latencyBinCount - 1, Math.ceil(Math.log(milliseconds) / logGrowth));
}

/** A representative value of a bin: the geometric middle of its bounds. */
export function binMiddle(bin: number): number {
  if (bin === 0) return 1;
  return Math.round(growth ** (bin - 0.5));
}

/** The value below which a fraction `quantile` of the counted samples fall; null without samples. */
export function quantileOfBins(bins: ArrayLike<number>, quantile: number): number | null {
  let total = 0;
  for (let index = 0; index < bins.length; index++) total += bins[index] as number;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(quantile * total));
  let seen = 0;
  for (let index = 0; index < bins.length; index++) {
    seen += bins[index] as number;
    if (seen >= rank) return binMiddle(index);
  }
  return binMiddle(bins.length - 1);
}
