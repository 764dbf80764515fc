import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../support/temporary-directory.js';
import { ConfigError } from '../../src/config/config-error.js';
import { ConfigManager, type ConfigLogger } from '../../src/config/config-manager.js';
import type { SwitchyardConfig } from '../../src/config/config-schema.js';

const providers = [
  { id: 'openai', apiKeyEnv: 'OPENAI_API_KEY', defaultBaseUrl: 'https://api.openai.com/v1' },
  { id: 'demo' },
];

function channelFile(name: string, markup = 1): string {
  return `pricing:\n  markup: ${markup}\nchannels:\n  - name: ${name}\n    provider: demo\n    models: ["*"]\n`;
}

function temporaryConfig(text: string): string {
  const filePath = path.join(temporaryDirectory('switchyard-manager-'), 'switchyard.yaml');
  writeFileSync(filePath, text);
  return filePath;
}

class RecordingLogger implements ConfigLogger {
  readonly lines: Array<{ level: 'info' | 'error'; payload: Record<string, unknown> | string; message?: string }> = [];
  info(payload: Record<string, unknown> | string, message?: string): void {
    this.lines.push({ level: 'info', payload, message });
  }
  error(payload: Record<string, unknown> | string, message?: string): void {
    this.lines.push({ level: 'error', payload, message });
  }
}

describe('ConfigManager', () => {
  const stopWatching: Array<() => void> = [];
  afterEach(() => {
    for (const stop of stopWatching.splice(0)) stop();
  });

  it('merges file channels with environment channels', () => {
    const manager = new ConfigManager({
      configPath: temporaryConfig(channelFile('from-file')),
      env: { OPENAI_API_KEY: 'sk-env' },
      providers,
    });
    expect(manager.current().channels.map((channel) => [channel.name, channel.source])).toEqual([
      ['from-file', 'file'],
      ['openai-env', 'env'],
    ]);
  });

  it('lets a file channel replace an environment channel of the same name', () => {
    const text = 'channels:\n  - name: openai-env\n    provider: openai\n    api_key: sk-file\n    models: [gpt-4o]\n';
    const manager = new ConfigManager({ configPath: temporaryConfig(text), env: { OPENAI_API_KEY: 'sk-env' }, providers });
    expect(manager.current().channels).toHaveLength(1);
    expect(manager.current().channels[0]).toMatchObject({ apiKey: 'sk-file', source: 'file' });
  });

  it('runs on defaults without a file', () => {
    const manager = new ConfigManager({ configPath: null, env: {}, providers });
    expect(manager.current().channels).toEqual([]);
    expect(manager.current().pricing.markup).toBe(1);
  });

  it('refuses to start on an invalid file', () => {
    const configPath = temporaryConfig('pricing:\n  markup: lots\n');
    expect(() => new ConfigManager({ configPath, env: {}, providers })).toThrow(ConfigError);
  });

  it('keeps the old config on a bad file, applies a good one, and notifies listeners', () => {
    const configPath = temporaryConfig(channelFile('first'));
    const manager = new ConfigManager({ configPath, env: {}, providers });
    const first = manager.current();
    const changes: Array<[SwitchyardConfig, SwitchyardConfig]> = [];
    const unsubscribe = manager.onChange((next, previous) => changes.push([next, previous]));

    writeFileSync(configPath, 'pricing:\n  markup: 1\nchannels:\n  - name: broken\n    provider: nobody\n    models: ["*"]\n');
    const refused = manager.reload();
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error).toMatch(/switchyard\.yaml:5:15: channels\[0\]\.provider: unknown provider "nobody"/);
    expect(manager.current()).toBe(first);
    expect(changes).toHaveLength(0);

    writeFileSync(configPath, channelFile('second', 0.5));
    expect(manager.reload()).toEqual({ ok: true });
    const second = manager.current();
    expect(second.channels[0]?.name).toBe('second');
    expect(second.pricing.markup).toBe(0.5);
    expect(changes).toEqual([[second, first]]);

    // A request that started before the reload still holds the old, unchanged object.
    expect(first.channels[0]?.name).toBe('first');
    expect(first.pricing.markup).toBe(1);

    unsubscribe();
    writeFileSync(configPath, channelFile('third'));
    expect(manager.reload()).toEqual({ ok: true });
    expect(changes).toHaveLength(1);
  });

  it('keeps the old config when the file disappears', () => {
    const configPath = temporaryConfig(channelFile('first'));
    const manager = new ConfigManager({ configPath, env: {}, providers });
    const first = manager.current();
    rmSync(configPath);
    const result = manager.reload();
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/cannot read the config file: file not found/);
    expect(manager.current()).toBe(first);
  });

  it('hands out frozen configurations so holders cannot alter what others see', () => {
    const manager = new ConfigManager({ configPath: temporaryConfig(channelFile('first')), env: {}, providers });
    const config = manager.current();
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.channels)).toBe(true);
    expect(Object.isFrozen(config.channels[0])).toBe(true);
    expect(() => {
      (config.pricing as { markup: number }).markup = 9;
    }).toThrow(TypeError);
  });

  it('still applies a reload when a listener throws, and logs the failure', () => {
    const configPath = temporaryConfig(channelFile('first'));
    const logger = new RecordingLogger();
    const manager = new ConfigManager({ configPath, env: {}, providers, logger });
    const seen: string[] = [];
    manager.onChange(() => {
      throw new Error('listener broke');
    });
    manager.onChange((next) => seen.push(next.channels[0]?.name ?? ''));
    writeFileSync(configPath, channelFile('second'));
    expect(manager.reload()).toEqual({ ok: true });
    expect(manager.current().channels[0]?.name).toBe('second');
    expect(seen).toEqual(['second']);
    expect(logger.lines.map((line) => line.level)).toEqual(['error']);
  });

  it('reloads on a real SIGHUP sent to this process, and logs success and refusal', async () => {
    const configPath = temporaryConfig(channelFile('before-signal'));
    const logger = new RecordingLogger();
    const manager = new ConfigManager({ configPath, env: {}, providers });
    const reloaded = () => new Promise<void>((resolve) => {
      const unsubscribe = manager.onChange(() => {
        unsubscribe();
        resolve();
      });
    });
    stopWatching.push(manager.watchSignal('SIGHUP', logger));

    writeFileSync(configPath, channelFile('after-signal'));
    const firstReload = reloaded();
    process.kill(process.pid, 'SIGHUP');
    await firstReload;
    expect(manager.current().channels[0]?.name).toBe('after-signal');
    expect(logger.lines[0]).toMatchObject({ level: 'info', message: 'configuration reloaded' });

    writeFileSync(configPath, 'channels: [\n');
    const refusalLogged = new Promise<void>((resolve) => {
      const original = logger.error.bind(logger);
      logger.error = (payload, message) => {
        original(payload, message);
        resolve();
      };
    });
    process.kill(process.pid, 'SIGHUP');
    await refusalLogged;
    expect(manager.current().channels[0]?.name).toBe('after-signal');
    expect(logger.lines[1]?.level).toBe('error');
    expect(logger.lines[1]?.payload).toMatchObject({ error: expect.stringMatching(/switchyard\.yaml:2:1: invalid YAML/) });
  });

  it('stops reloading once the watcher is removed', () => {
    const configPath = temporaryConfig(channelFile('before'));
    const manager = new ConfigManager({ configPath, env: {}, providers });
    const stop = manager.watchSignal('SIGUSR2');
    writeFileSync(configPath, channelFile('during'));
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(manager.current().channels[0]?.name).toBe('during');
    stop();
    writeFileSync(configPath, channelFile('after'));
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(manager.current().channels[0]?.name).toBe('during');
  });

  it('accepts a pino logger', () => {
    const logger: ConfigLogger = pino({ level: 'silent' });
    const manager = new ConfigManager({ configPath: null, env: {}, providers, logger });
    stopWatching.push(manager.watchSignal('SIGHUP', logger));
    expect(manager.reload()).toEqual({ ok: true });
  });
});
