// Renders the app icon (assets/icon.svg) to the PNG sizes electron-builder needs, and the tray icons
// (one per status, assets/tray/), in Debian's Chromium. Run after changing a drawing (tsx, because the
// glyphs come from shared/presence/status-glyphs.ts, the same ones the window draws):
//   npx tsx scripts/render-icons.mjs
// Tray icons: a dot in the status colour of the window's status dots (renderer/src/styles.css) inside a
// white ring, with the status's glyph in white (check, clock, minus, phone, calendar, eye-off), 16 px and
// 32 px (@2x). On macOS the menu bar wants monochrome template images it tints itself, so those tell
// statuses apart by shape: the glyph cut out of a full dot (available), of a dot inside a ring (busy, on the
// phone, in a meeting), a dot with a bar (do not disturb), a half dot (away), an empty ring (offline; with
// the eye-off glyph for appear offline).
import { chromium } from '@playwright/test';
import { mkdir, readFile } from 'node:fs/promises';
import { glyphOfStatus, STATUS_GLYPH_PATHS } from '../shared/presence/status-glyphs.ts';

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

/**
 * The glyph of `status` as SVG on the 32-unit canvas: the 16-unit drawing scaled by `scale` about the centre,
 * stroked (the phone filled) in `colour`.
 */
function glyph(status, colour, scale) {
  const name = glyphOfStatus(status);
  if (name === 'none') return '';
  const paint =
    name === 'phone' ? `fill="${colour}" stroke="${colour}" stroke-width="0.6"` : `fill="none" stroke="${colour}" stroke-width="2.2"`;
  return `<path d="${STATUS_GLYPH_PATHS[name]}" transform="translate(16 16) scale(${scale}) translate(-8 -8)" ${paint} stroke-linecap="round" stroke-linejoin="round"/>`;
}

/** The coloured icon of `status`, on a 32-unit canvas. */
function colouredTray(status) {
  const colour = STATUS_COLOURS[status];
  const isHollow = status === 'offline' || status === 'appear-offline';
  const ring = '<circle cx="16" cy="16" r="14" fill="#ffffff" stroke="#00000059" stroke-width="1.5"/>';
  if (isHollow)
    return ring + `<circle cx="16" cy="16" r="8.5" fill="none" stroke="${colour}" stroke-width="4"/>` + glyph(status, colour, 0.7);
  // Do not disturb as in the window: a ring with a bar, unlike busy's filled dot with a minus.
  if (status === 'do-not-disturb')
    return ring + `<circle cx="16" cy="16" r="9.5" fill="#ffffff" stroke="${colour}" stroke-width="3"/>` + glyph(status, colour, 1.15);
  return ring + `<circle cx="16" cy="16" r="10.5" fill="${colour}"/>` + glyph(status, '#ffffff', 1.15);
}

/** A filled circle with `status`'s glyph cut out of it (a mask: the menu bar tints what is left). */
function dotWithGlyphCut(status, radius, scale) {
  const id = `cut-${status}`;
  return (
    `<mask id="${id}"><rect width="32" height="32" fill="#fff"/>${glyph(status, '#000', scale)}</mask>` +
    `<circle cx="16" cy="16" r="${radius}" fill="#000" mask="url(#${id})"/>`
  );
}

/** The monochrome (template) icon of `status`: black with alpha, the shape telling the status. */
function templateTray(status) {
  switch (status) {
    case 'available':
      return dotWithGlyphCut(status, 12, 1.3);
    case 'away':
      return '<circle cx="16" cy="16" r="10.5" fill="none" stroke="#000" stroke-width="3"/><path d="M16 4a12 12 0 0 1 0 24z" fill="#000"/>';
    case 'do-not-disturb':
      return dotWithGlyphCut(status, 12, 1.4);
    case 'busy':
    case 'on-the-phone':
    case 'in-a-meeting':
      return '<circle cx="16" cy="16" r="12.5" fill="none" stroke="#000" stroke-width="2"/>' + dotWithGlyphCut(status, 9, 0.95);
    case 'appear-offline':
      return '<circle cx="16" cy="16" r="10.5" fill="none" stroke="#000" stroke-width="3"/>' + glyph(status, '#000', 0.75);
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
