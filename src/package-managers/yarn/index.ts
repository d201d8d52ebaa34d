import { unimplementedManager } from '../unimplemented.js';

export const yarn = unimplementedManager('yarn', ['yarn.lock'], {
  npmPackage: (major) => (major === 1 ? 'yarn' : '@yarnpkg/cli-dist'),
  currentMajor: 4,
  lockfileMajor: (text) => (/^__metadata:/m.test(text) ? undefined : 1),
  setupStep: '"corepack enable" (Node.js 24 and earlier ship corepack; on 25 and later, "npm install -g corepack" first)',
});
