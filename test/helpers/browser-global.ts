// Global setup of the vitest project "browser": one Chromium for all its files (they connect by its WebSocket address,
// on 127.0.0.1), started once instead of once per file, and closed after the last one.
import { chromium } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { chromiumPath, launchOptions } from './browser.js';

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (!chromiumPath) return undefined; // the files skip, or fail under CI, on their own
  const server = await chromium.launchServer({ ...launchOptions(), host: '127.0.0.1', port: 0 });
  project.provide('chromiumWsEndpoint', server.wsEndpoint());
  return () => server.close();
}
