import type { PackageManager } from '../types.js';
import { unimplementedManager } from '../unimplemented.js';

export const bun = {
  ...unimplementedManager('bun', ['bun.lock', 'bun.lockb'], { npmPackage: () => 'bun', currentMajor: 1, setupStep: 'oven-sh/setup-bun' }),
  readLockfile: async (file) => (await import('./lockfile.js')).readBunLockfile(file),
} satisfies PackageManager;
