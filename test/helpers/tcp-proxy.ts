import { connect, createServer, type Server, type Socket } from 'node:net';

/** A loopback TCP proxy for outage tests (see startTcpProxy). */
export interface TcpProxy {
  port: number;
  /** drops every open connection, and each new one at once for `ms`: a database restart or a network blip */
  cut(ms: number): void;
  /** closes the proxy and every connection through it */
  stop(): Promise<void>;
}

/**
 * Forwards loopback connections to `forwardTo` (a port on 127.0.0.1), or, with 'blackhole',
 * accepts them and never answers. Listens on `port` (0 = any free one; a proxy restarted on its
 * old port brings a database "back").
 */
export async function startTcpProxy(forwardTo: number | 'blackhole', port = 0): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let downUntil = 0;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  };
  const server: Server = createServer((client) => {
    if (Date.now() < downUntil) return void client.destroy();
    track(client);
    if (forwardTo === 'blackhole') return;
    const upstream = connect(forwardTo, '127.0.0.1');
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    cut(ms) {
      downUntil = Date.now() + ms;
      for (const s of sockets) s.destroy();
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
