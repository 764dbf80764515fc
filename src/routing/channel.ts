import type { UpstreamTarget } from '../core/index.js';

/** An upstream endpoint that serves some models of one provider. */
export interface Channel {
  /** Stable id; for file and environment channels it is the name. */
  id: string;
  name: string;
  provider: string;
  baseUrl: string;
  apiKey: string;
  /** Public model ids; `"*"` stands for every catalog model of this channel's provider. */
  models: string[];
  /** Public id → id sent upstream. */
  modelMap: Record<string, string>;
  /** Tier: 0 is tried first, higher numbers are fallbacks. */
  priority: number;
  /** Share of traffic within a tier. */
  weight: number;
  timeoutMs: number;
  headers: Record<string, string>;
  enabled: boolean;
  /** Per-phase upstream deadlines; absent phases take the defaults. */
  timeouts?: UpstreamTarget['timeouts'];
  source: 'file' | 'env' | 'builtin' | 'database';
}
