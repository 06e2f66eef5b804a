import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A tiny HTTP proxy that sends Keap's hosts to the sandbox: Firefox's equivalent of Chromium's
 * `--host-resolver-rules`. Firefox asks it `CONNECT refunddemo.infusionsoft.com:443`; the proxy
 * opens a tunnel to the sandbox's HTTPS port, so the browser still speaks TLS to "Keap" with the
 * name it asked for (the sandbox's self-signed certificate names `*.infusionsoft.com`). Every other
 * host, and every plain-HTTP request, is refused: the test browser reaches nothing but the sandbox.
 */
export interface KeapProxy {
  port: number;
  /** `host:port` of every tunnel opened, in order (for a test's diagnostics). */
  readonly tunnels: readonly string[];
  /** `host:port` (or request line) of everything refused. */
  readonly refused: readonly string[];
  close(): Promise<void>;
}

/** The hosts Chromium's tests map to the sandbox (`sandboxedKeapArgs` in test/e2e/harness.ts). */
function isSandboxedKeapHost(host: string): boolean {
  const name = host.toLowerCase();
  return name.endsWith('.infusionsoft.com') || name === 'api.keap.com' || name === 'keap.app';
}

const MAX_HEAD_BYTES = 16 * 1024;

export async function startKeapProxy(sandboxPort: number): Promise<KeapProxy> {
  const tunnels: string[] = [];
  const refused: string[] = [];
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };

  const server = net.createServer((client) => {
    track(client);
    client.on('error', () => client.destroy());
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) {
        if (head.length > MAX_HEAD_BYTES) client.destroy();
        return;
      }
      client.off('data', onData);
      client.pause();
      const requestLine = head.subarray(0, end).toString('latin1').split('\r\n')[0] ?? '';
      const match = /^CONNECT \[?([^\s\]]+?)\]?:(\d+) HTTP\/1\.[01]$/i.exec(requestLine);
      if (!match || match[2] !== '443' || !isSandboxedKeapHost(match[1]!)) {
        refused.push(match ? `${match[1]}:${match[2]}` : requestLine);
        client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        return;
      }
      tunnels.push(`${match[1]}:${match[2]}`);
      const upstream = net.connect(sandboxPort, '127.0.0.1');
      track(upstream);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      upstream.on('connect', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        const early = head.subarray(end + 4);
        if (early.length > 0) upstream.write(early);
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    client.on('data', onData);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    tunnels,
    refused,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
