/**
 * The offline demo's world on the real built-in presence server (electron/compositor/) and its
 * simulated colleagues. (The compositor is being built alongside; until its `startCompositor` lands this
 * reports that the demo is unavailable, and the app says so and offers the account settings.)
 */
import type { DemoEnvironment } from './demo-environment';

export function startCompositorDemo(): Promise<DemoEnvironment> {
  return Promise.reject(new Error('the built-in presence server is not part of this build yet'));
}
