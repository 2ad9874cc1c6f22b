/**
 * Opens a URL in the user's default browser with the platform's own opener (`open` on macOS, `start`
 * on Windows, `xdg-open` elsewhere). Never throws: without a desktop (a server over SSH) the caller
 * has printed the URL already and says so.
 */
import { spawn } from 'node:child_process';

/** Resolves true when the opener accepted the URL, false when there is none or it failed. */
export function openInBrowser(url: string): Promise<boolean> {
  // `start` is built into cmd.exe; its first quoted argument is a window title, hence the empty one.
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  return new Promise((resolve) => {
    const opener = spawn(command, args, { stdio: 'ignore', detached: process.platform !== 'win32', windowsHide: true });
    opener.once('error', () => resolve(false));
    opener.once('exit', (code) => resolve(code === 0));
    opener.unref();
  });
}
