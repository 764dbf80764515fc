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

/** The credential of a target plus any extra header that looks like one. */
export function secretsOfTarget(target: { apiKey: string; headers: Record<string, string> }): string[] {
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
