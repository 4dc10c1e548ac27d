import { randomBytes } from 'node:crypto';
import type { Page, WebSocketRoute } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite } from './support/suite.js';
import { signIn } from './support/sign-in.js';

const run = randomBytes(3).toString('hex');
const subject = `Blood pressure log ${run}`;

/**
 * The connection of one tab drops (Wi-Fi gone, laptop lid closed) while messages keep
 * coming: when it returns, the tab shows what it missed, each message once, in order,
 * without a reload. The drop is made in the browser itself (Playwright routes the page's
 * WebSocket), so the server sees an ordinary disconnect and reconnect.
 */
describe('secure messaging survives a dropped connection', () => {
  const suite = browserSuite();

  const messagesOf = (page: Page) => page.getByRole('list', { name: 'Messages, oldest first' });
  const messageWith = (page: Page, text: string) =>
    messagesOf(page).getByRole('listitem').filter({ hasText: text });
  const write = async (page: Page, text: string) => {
    const box = page.getByRole('textbox', { name: /^Your message/ });
    await box.fill(text);
    await box.press('Control+Enter');
    await messageWith(page, text).waitFor();
  };

  it('a tab that lost its connection catches up when it returns: every message once, in order', async () => {
    // The laptop's sockets go through a switch the test controls.
    const laptop = await suite.newPage();
    let online = true;
    const open: { page: WebSocketRoute; server: WebSocketRoute }[] = [];
    await laptop.routeWebSocket(/\/socket\.io\//, (ws) => {
      if (!online) {
        void ws.close({ code: 4000, reason: 'offline' });
        return;
      }
      open.push({ page: ws, server: ws.connectToServer() });
    });
    await laptop.goto(`${suite.server.baseUrl}/sign-in`);
    await signIn(laptop, 'james@demo-clinic.test');
    await laptop.waitForURL('**/patient');
    await laptop.goto(`${suite.server.baseUrl}/patient/messages`);
    await laptop.getByRole('textbox', { name: /^Subject/ }).fill(subject);
    await laptop.getByRole('textbox', { name: /^Message/ }).fill(`Readings this week (${run})`);
    await laptop.getByRole('button', { name: 'Send to my care team' }).click();
    await laptop.waitForURL('**/patient/messages/*');
    await laptop.getByRole('heading', { level: 1, name: subject }).waitFor();

    // James's phone has the same conversation open.
    const phone = await suite.open('/sign-in');
    await signIn(phone, 'james@demo-clinic.test');
    await phone.waitForURL('**/patient');
    await phone.goto(laptop.url());
    await phone.getByRole('heading', { level: 1, name: subject }).waitFor();
    const live = `Monday 128/82 (${run})`;
    await write(phone, live);
    await messageWith(laptop, live).waitFor();

    // The laptop goes offline; the page says live updates are paused.
    online = false;
    for (const route of open.splice(0)) {
      await route.server.close();
      await route.page.close({ code: 4000, reason: 'offline' });
    }
    await laptop.getByText('Live updates are paused').waitFor();
    const missed = [1, 2, 3].map((day) => `Day ${day} while offline: 12${day}/80 (${run})`);
    for (const text of missed) await write(phone, text);
    expect(await messageWith(laptop, missed[0]!).count()).toBe(0);

    // Back online: the socket reconnects by itself and the missed messages appear.
    online = true;
    await messageWith(laptop, missed[2]!).waitFor({ timeout: 60_000 });
    await laptop.getByText('Live updates are paused').waitFor({ state: 'detached' });
    const after = `Back online (${run})`;
    await write(phone, after);
    await messageWith(laptop, after).waitFor();

    const expected = [`Readings this week (${run})`, live, ...missed, after];
    for (const page of [laptop, phone]) {
      const shown = await messagesOf(page).getByRole('listitem').allInnerTexts();
      expect(shown).toHaveLength(expected.length);
      expect(expected.map((text) => shown.findIndex((item) => item.includes(text)))).toEqual(
        expected.map((_, index) => index),
      );
    }
  }, 150_000);
});
