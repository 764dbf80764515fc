export { ConfigError, formatConfigProblem, type ConfigProblem } from './config-error.js';
export {
  createConfigSchema,
  defaultConfig,
  parseByteSize,
  DEFAULT_BODY_LIMIT_BYTES,
  DEFAULT_CHANNEL_TIMEOUT_MS,
  DEFAULT_SHUTDOWN_GRACE_MS,
  DEFAULT_STREAM_KEEPALIVE_MS,
  type ChannelConfig,
  type ChannelTimeoutsConfig,
  type ModelConfig,
  type ModelPricingConfig,
  type SwitchyardConfig,
} from './config-schema.js';
export {
  ConfigManager,
  type ConfigChangeListener,
  type ConfigLogger,
  type ConfigManagerOptions,
  type ReloadResult,
} from './config-manager.js';
export { channelsFromEnvironment, type EnvironmentProvider } from './environment-channels.js';
export { expandEnvironmentVariables } from './expand-environment-variables.js';
export { loadConfigFile, parseConfigText, resolveConfigPath, type LoadConfigOptions } from './load-config.js';
export { loadOrCreateSecret, readServerSettings, type ServerSettings } from './server-settings.js';
