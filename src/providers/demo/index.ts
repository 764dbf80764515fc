import type { ProviderDefinition } from '../../core/index.js';
import { DemoAdapter } from './demo-adapter.js';

export const demoProvider: ProviderDefinition = {
  id: 'demo',
  name: 'Demo (offline echo)',
  create: () => new DemoAdapter(),
};
