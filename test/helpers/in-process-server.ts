// The whole server (startServer: store, admin token, app, socket) in the test's own process, on 127.0.0.1 port 0 with
// a real socket, shut down after each test: for CLI cases that need a real URL but no server process of their own.
import type { ServerOptions } from '../../src/server/options.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { afterEachTest } from './hooks.js';

const running = new Set<RunningServer>();

afterEachTest(async () => {
  await Promise.all([...running].map((s) => s.shutdown()));
  running.clear();
});

/** `stop()` shuts it down before the test ends (to start another on the same folder). */
export async function inProcessServer(dataDir: string, config: Partial<ServerOptions> = {}): Promise<RunningServer & { stop(): Promise<void> }> {
  const server = await startServer({ host: '127.0.0.1', port: 0, dataDir, log: () => {}, ...config });
  running.add(server);
  return { ...server, stop: async () => (running.delete(server), await server.shutdown()) };
}
