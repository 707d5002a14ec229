// What the keystroke benches share: the app served from a built site on 127.0.0.1, opened in
// headless Chromium until its first results are painted, and phrases typed into its search box.
import { serve } from '../../tests/e2e/server.mjs';
import { launch } from '../../tests/e2e/browser.mjs';

/** Serves `site`, opens it and waits for the first results; `close()` stops both ends. */
export async function openApp(site) {
  const server = await serve(site);
  const browser = await launch();
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => performance.getEntriesByName('papersift-first-results').length > 0, null, { timeout: 60000 });
  const close = async () => {
    await browser.close();
    await server.close();
  };
  return { browser, page, close };
}

/** Types each phrase into the cleared search box, one key every 60 ms, then waits `pauseMs`. */
export async function typePhrases(page, phrases, pauseMs) {
  const box = page.getByRole('searchbox', { name: 'Search papers' });
  for (const phrase of phrases) {
    await box.fill('');
    await box.pressSequentially(phrase, { delay: 60 });
    await page.waitForTimeout(pauseMs);
  }
}
