import { unimplementedManager } from '../unimplemented.js';

export const pnpm = unimplementedManager('pnpm', ['pnpm-lock.yaml'], { npmPackage: () => 'pnpm', currentMajor: 10, setupStep: 'pnpm/action-setup' });
