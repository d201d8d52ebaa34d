#!/usr/bin/env node
import { runCli } from './run.js';

// An exit code set, not process.exit(): stdout may still be flushing to a pipe.
process.exitCode = await runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  colour: process.stdout.isTTY === true && !('NO_COLOR' in process.env),
});
