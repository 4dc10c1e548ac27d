import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { repoRoot } from './bench-server.js';

/** What a benchmark server prints, as one JSON line, once it listens. */
export interface ReadyServer {
  port: number;
  cookie: string;
  path: string;
}

/**
 * Starts a benchmark server script (bench/support/*-server.ts) in its own process and waits
 * for its ready line; `stop` ends it. Bounded: gives up after `timeoutS`.
 */
export async function startServerProcess(
  script: string,
  options: { args?: string[]; env?: NodeJS.ProcessEnv; timeoutS?: number } = {},
): Promise<{ ready: ReadyServer; stop: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=source', script, ...(options.args ?? [])],
    { cwd: repoRoot, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  };
  const timeoutS = options.timeoutS ?? 90;
  try {
    const ready = await new Promise<ReadyServer>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${script} not ready in ${timeoutS} s`)),
        timeoutS * 1000,
      );
      createInterface({ input: child.stdout }).once('line', (line) => {
        clearTimeout(timer);
        resolve(JSON.parse(line) as ReadyServer);
      });
      child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    });
    return { ready, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
