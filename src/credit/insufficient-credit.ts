import { GatewayError } from '../core/index.js';
import { unitsToUsdString } from '../metering/money.js';
import type { CreditClaim } from './credit-reservations.js';
import { budgetPeriodEnd } from './budget-period.js';

/** 402: the account's available credit does not cover the request's worst case. */
export function creditRefusal(claim: CreditClaim, available: bigint): GatewayError {
  const left = available > 0n ? available : 0n;
  return new GatewayError(
    'insufficient_credit',
    `Your credit does not cover this request: it may cost up to $${unitsToUsdString(claim.amount)} and $${unitsToUsdString(left)} is available. Add credit, or lower max_tokens.`,
  );
}

/** 402: the key's remaining budget (in its current period) does not cover the request's worst case. */
export function budgetRefusal(claim: CreditClaim, remaining: bigint): GatewayError {
  const left = remaining > 0n ? remaining : 0n;
  const period = claim.budgetPeriod === 'total' ? '' : `${claim.budgetPeriod === 'day' ? 'daily' : `${claim.budgetPeriod}ly`} `;
  const reset =
    claim.budgetPeriod !== 'total' && claim.periodStart !== null
      ? ` It resets at ${new Date(budgetPeriodEnd(claim.budgetPeriod, claim.periodStart)).toISOString()}.`
      : '';
  return new GatewayError(
    'insufficient_credit',
    `This API key's ${period}budget does not cover this request: it may cost up to $${unitsToUsdString(claim.amount)} and $${unitsToUsdString(left)} of the budget is left.${reset}`,
  );
}
