import { startGateway } from '../app/start-gateway.js';

/** `switchyard serve`: starts the gateway and says on stdout where it is and how to log in. */
export async function runServe(): Promise<void> {
  const gateway = await startGateway({ handleSignals: true });
  const lines = [`Switchyard listening on ${gateway.url}`];
  if (gateway.admin) {
    lines.push(`Admin account created: ${gateway.admin.email}`);
    if (gateway.admin.generatedPassword) {
      lines.push(`Admin password (shown once): ${gateway.admin.generatedPassword}`);
    }
    lines.push(`Log in: POST ${gateway.url}/api/auth/login with {"email","password"} (a session cookie), then manage keys at /api/keys`);
    lines.push(`Or create an API key from the shell: npx switchyard key create --email ${gateway.admin.email}`);
  }
  lines.push(`Try it: curl ${gateway.url}/v1/chat/completions -H "Authorization: Bearer $KEY" -d '{"model":"demo/echo","messages":[{"role":"user","content":"Hello"}]}'`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
