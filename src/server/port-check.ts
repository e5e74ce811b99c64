import { createServer } from 'node:net';
import { UsageError } from '../errors.js';

/**
 * Fails fast when `host:port` cannot be listened on (another process has it, or the address is
 * not this machine's), before `serve` spends seconds opening its databases. Port 0 (any free
 * port) always passes. The socket is closed again at once; the real listen still reports the rare
 * case where another process takes the port in between.
 */
export async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen({ host, port, exclusive: true }, resolve);
    });
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    if (code === 'EADDRINUSE')
      throw new UsageError(`port ${port} on ${host} is already in use by another process; stop it or choose another --port (or PORT)`, {
        cause,
      });
    if (code === 'EACCES')
      throw new UsageError(`not allowed to listen on port ${port} (ports below 1024 need privileges); choose another --port (or PORT)`, {
        cause,
      });
    if (code === 'EADDRNOTAVAIL') throw new UsageError(`${host} is not an address of this machine; check --host (or HOST)`, { cause });
    throw cause;
  } finally {
    await new Promise<void>((resolve) => (probe.listening ? probe.close(() => resolve()) : resolve()));
  }
}
