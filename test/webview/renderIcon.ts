/**
 * Draws the marketplace icon (media/icon.png, 128x128) with Chromium, so it can be changed by
 * editing this file rather than by hand in an image editor:
 *   node out/test/webview/renderIcon.js
 */
import * as path from 'node:path';
import { launchBrowser, repoRoot } from './chatPage';

const iconHtml = `<!DOCTYPE html>
<html><head><style>
  html, body { margin: 0; background: transparent; }
  .tile {
    width: 128px; height: 128px; border-radius: 28px;
    background: linear-gradient(135deg, #0a5fb4 0%, #0078d4 45%, #35b8f0 100%);
    display: flex; align-items: center; justify-content: center;
  }
</style></head>
<body><div class="tile">
  <svg width="84" height="84" viewBox="0 0 24 24" xmlns="http://www.w3.org/2000/svg">
    <path d="M4.5 4h15A1.5 1.5 0 0 1 21 5.5v10a1.5 1.5 0 0 1-1.5 1.5H11.2l-4.6 3.8a.6.6 0 0 1-1-.46V17H4.5A1.5 1.5 0 0 1 3 15.5v-10A1.5 1.5 0 0 1 4.5 4Z" fill="#ffffff"/>
    <path d="M7.5 9h9M7.5 12.5h6" stroke="#0078d4" stroke-width="1.6" stroke-linecap="round"/>
    <path d="M18.6 1.2l.55 1.45 1.45.55-1.45.55-.55 1.45-.55-1.45-1.45-.55 1.45-.55z" fill="#ffffff"/>
  </svg>
</div></body></html>`;

async function main(): Promise<void> {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 128, height: 128 }, deviceScaleFactor: 1 });
    await page.setContent(iconHtml);
    const file = path.join(repoRoot, 'media', 'icon.png');
    await page.locator('.tile').screenshot({ path: file, omitBackground: true });
    console.log(file);
  } finally {
    await browser.close();
  }
}

void main();
