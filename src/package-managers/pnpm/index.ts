import type { PackageManager } from '../types.js';
import { unimplementedManager } from '../unimplemented.js';

export const pnpm = {
  ...unimplementedManager('pnpm', ['pnpm-lock.yaml'], { npmPackage: () => 'pnpm', currentMajor: 10, setupStep: 'pnpm/action-setup' }),
  readLockfile: async (file) => (await import('./lockfile.js')).readPnpmLockfile(file),
} satisfies PackageManager;
