// Renders the app icon (assets/icon.svg) to the PNG sizes electron-builder needs, and the tray icons
// (one per status, assets/tray/), in Debian's Chromium. Run after changing a drawing:
//   node scripts/render-icons.mjs
// Tray icons: a dot in the status colour of the window's status dots (renderer/src/styles.css) inside a
// white ring, 16 px and 32 px (@2x). On macOS the menu bar wants monochrome template images it tints
// itself, so those tell statuses apart by shape: a full dot, a dot with a bar (do not disturb), a dot
// with a ring gap (busy and its kind), a half dot (away), an empty ring (offline).
import { chromium } from '@playwright/test';
import { mkdir, readFile } from 'node:fs/promises';

const STATUS_COLOURS = {
  available: '#22a45d',
  away: '#e5a100',
  busy: '#e0452b',
  'do-not-disturb': '#a61b1b',
  'on-the-phone': '#e0452b',
  'in-a-meeting': '#e0452b',
  'appear-offline': '#8d949e',
  offline: '#8d949e',
};

/** The coloured icon of `status`, on a 32-unit canvas. */
function colouredTray(status) {
  const colour = STATUS_COLOURS[status];
  const isHollow = status === 'offline' || status === 'appear-offline';
  const ring = '<circle cx="16" cy="16" r="14" fill="#ffffff" stroke="#00000059" stroke-width="1.5"/>';
  const dot = isHollow
    ? `<circle cx="16" cy="16" r="8.5" fill="none" stroke="${colour}" stroke-width="4"/>`
    : `<circle cx="16" cy="16" r="10.5" fill="${colour}"/>`;
  const bar = status === 'do-not-disturb' ? '<rect x="9.5" y="14" width="13" height="4" rx="1" fill="#ffffff"/>' : '';
  return ring + dot + bar;
}

/** The monochrome (template) icon of `status`: black with alpha, the shape telling the status. */
function templateTray(status) {
  switch (status) {
    case 'available':
      return '<circle cx="16" cy="16" r="12" fill="#000"/>';
    case 'away':
      return '<circle cx="16" cy="16" r="10.5" fill="none" stroke="#000" stroke-width="3"/><path d="M16 4a12 12 0 0 1 0 24z" fill="#000"/>';
    case 'do-not-disturb':
      return '<mask id="bar"><rect width="32" height="32" fill="#fff"/><rect x="9" y="14" width="14" height="4" rx="1" fill="#000"/></mask><circle cx="16" cy="16" r="12" fill="#000" mask="url(#bar)"/>';
    case 'busy':
    case 'on-the-phone':
    case 'in-a-meeting':
      return '<circle cx="16" cy="16" r="12.5" fill="none" stroke="#000" stroke-width="2"/><circle cx="16" cy="16" r="8" fill="#000"/>';
    default:
      return '<circle cx="16" cy="16" r="10.5" fill="none" stroke="#000" stroke-width="3"/>';
  }
}

const browser = await chromium.launch({
  executablePath: process.env.PRESENTLY_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});

/** Screenshots `svg` (markup of a square drawing) at `size` px with a transparent background into `file`. */
async function render(svg, size, file) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.screenshot({ path: file, omitBackground: true });
  await page.close();
}

try {
  const appIcon = await readFile('assets/icon.svg', 'utf8');
  for (const size of [512, 1024]) {
    await render(
      appIcon.replace('width="512" height="512"', `width="${size}" height="${size}"`),
      size,
      size === 512 ? 'assets/icon.png' : `assets/icon-${size}.png`,
    );
  }
  await mkdir('assets/tray', { recursive: true });
  for (const status of Object.keys(STATUS_COLOURS)) {
    for (const [suffix, draw] of [
      ['', colouredTray],
      ['Template', templateTray],
    ]) {
      for (const [scale, size] of [
        ['', 16],
        ['@2x', 32],
      ]) {
        const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="${size}" height="${size}" style="display:block">${draw(status)}</svg>`;
        await render(svg, size, `assets/tray/tray-${status}${suffix}${scale}.png`);
      }
    }
  }
} finally {
  await browser.close();
}
