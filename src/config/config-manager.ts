import { defaultConfig, type SwitchyardConfig } from './config-schema.js';
import { channelsFromEnvironment, type EnvironmentProvider } from './environment-channels.js';
import { loadConfigFile } from './load-config.js';

/** The little a logger must offer here; pino's logger satisfies it. */
export interface ConfigLogger {
  info(payload: Record<string, unknown> | string, message?: string): void;
  error(payload: Record<string, unknown> | string, message?: string): void;
}

export type ConfigChangeListener = (next: SwitchyardConfig, previous: SwitchyardConfig) => void;

export type ReloadResult = { ok: true } | { ok: false; error: string };

export interface ConfigManagerOptions {
  /** The YAML file, or null to run on defaults plus environment channels. */
  configPath: string | null;
  env: NodeJS.ProcessEnv;
  /** Every provider adapter: its id (channels may name it) and its environment variables. */
  providers: readonly EnvironmentProvider[];
  /** Where listener failures are reported. */
  logger?: ConfigLogger;
}

/**
 * Holds the configuration in force. Each configuration is an immutable (deeply frozen) object,
 * and a reload replaces the reference in one assignment. A request reads `current()` once when
 * it starts and keeps that object, so a reload never changes or drops a request in flight; only
 * requests that start afterwards see the new configuration.
 */
export class ConfigManager {
  readonly #options: ConfigManagerOptions;
  #current: SwitchyardConfig;
  readonly #listeners = new Set<ConfigChangeListener>();

  /** Loads the configuration; throws a `ConfigError` when it is invalid. */
  constructor(options: ConfigManagerOptions) {
    this.#options = options;
    this.#current = this.#load();
  }

  /** The configuration in force now. Keep the returned object for the length of a request. */
  current(): SwitchyardConfig {
    return this.#current;
  }

  /** Re-reads the file; swaps to it only when it is valid, and otherwise keeps the old one. */
  reload(): ReloadResult {
    let next: SwitchyardConfig;
    try {
      next = this.#load();
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    const previous = this.#current;
    this.#current = next;
    for (const listener of this.#listeners) {
      try {
        listener(next, previous);
      } catch (error) {
        this.#options.logger?.error({ err: error }, 'a configuration change listener failed');
      }
    }
    return { ok: true };
  }

  /** Calls `listener` after each successful reload; returns a function that unsubscribes. */
  onChange(listener: ConfigChangeListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Reloads whenever the process receives `signal`; returns a function that stops watching. */
  watchSignal(signal: NodeJS.Signals = 'SIGHUP', logger: ConfigLogger | undefined = this.#options.logger): () => void {
    const handler = (): void => {
      const result = this.reload();
      if (result.ok) {
        logger?.info({ configPath: this.#options.configPath, signal }, 'configuration reloaded');
      } else {
        logger?.error(
          { configPath: this.#options.configPath, signal, error: result.error },
          'configuration reload refused; the previous configuration stays in force',
        );
      }
    };
    process.on(signal, handler);
    return () => {
      process.off(signal, handler);
    };
  }

  #load(): SwitchyardConfig {
    const { configPath, env, providers } = this.#options;
    const fromFile =
      configPath === null
        ? defaultConfig()
        : loadConfigFile(configPath, { env, knownProviders: providers.map((provider) => provider.id) });
    const fileChannelNames = new Set(fromFile.channels.map((channel) => channel.name));
    // A file channel that takes an environment channel's name replaces it: the file is explicit.
    const environmentChannels = channelsFromEnvironment(env, providers).filter(
      (channel) => !fileChannelNames.has(channel.name),
    );
    return deepFreeze({ ...fromFile, channels: [...fromFile.channels, ...environmentChannels] });
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
