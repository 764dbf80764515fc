const redacted = '[redacted]';

/** Removes every occurrence of each secret from a text before it is logged or passed on. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    // Very short values would blank out ordinary words; no real credential is that short.
    if (secret.length < 6) continue;
    result = result.split(secret).join(redacted);
  }
  return result;
}

const secretHeaderName = /key|token|auth|secret|password|signature/i;

type TargetCredentials = { readonly apiKey: string; readonly headers: Readonly<Record<string, string>> };

const secretsByTarget = new WeakMap<TargetCredentials, readonly string[]>();

/**
 * The credential of a target plus any extra header that looks like one. Remembered per target:
 * a target is built once for a channel and never changed, and this runs on every request.
 */
export function secretsOfTarget(target: TargetCredentials): readonly string[] {
  let secrets = secretsByTarget.get(target);
  if (secrets === undefined) {
    secrets = Object.freeze(collectSecrets(target));
    secretsByTarget.set(target, secrets);
  }
  return secrets;
}

function collectSecrets(target: TargetCredentials): string[] {
  const secrets = [target.apiKey];
  for (const [name, value] of Object.entries(target.headers)) {
    if (secretHeaderName.test(name)) {
      secrets.push(value);
      // Header values often carry a scheme prefix ("Bearer x"); the bare token must go too.
      const bare = value.replace(/^\S+\s+/, '');
      if (bare !== value) secrets.push(bare);
    }
  }
  return secrets;
}
