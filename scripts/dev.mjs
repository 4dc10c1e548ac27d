// `npm run dev`: the API with reload (tsx watch, port 3000) and the web app with hot module
// replacement (Vite, port 5173, proxying /api and /health to the API). Open
// http://localhost:5173. Ctrl-C stops both.
import { spawn } from 'node:child_process';

const processes = [
  { name: 'server', args: ['run', 'dev', '-w', '@openvisit/server'] },
  { name: 'web   ', args: ['run', 'dev', '-w', '@openvisit/web'] },
].map(({ name, args }) => {
  const child = spawn('npm', args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  const prefix = (chunk) =>
    chunk
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((line) => `[${name}] ${line}\n`)
      .join('');
  child.stdout.on('data', (c) => process.stdout.write(prefix(c)));
  child.stderr.on('data', (c) => process.stderr.write(prefix(c)));
  child.on('exit', (code) => {
    process.stderr.write(`[${name}] exited with ${code}\n`);
    shutdown(code ?? 1);
  });
  return child;
});

let stopping = false;
function shutdown(code) {
  if (stopping) return;
  stopping = true;
  for (const child of processes) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500).unref();
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));
process.stdout.write(
  '\n  OpenVisit dev: open http://localhost:5173 (API on http://localhost:3000)\n\n',
);
