import type { Page } from 'playwright-core';
import {
  assert,
  assertFits,
  axeViolations,
  defineSuite,
  formatViolations,
  makeScreenshot,
} from '../../../packages/web-core/e2e/harness.ts';
import {
  DEMO_PASSWORD,
  devSmsCode,
  residentApi,
  shanghaiDay,
  staffApi,
} from '../../../packages/web-core/e2e/staff-api.ts';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** A checksum-valid synthetic ID number (GB 11643) for a region and a sequence number. */
function idNumber(region6: string, seq: number, birth = '19750320'): string {
  const first17 = `${region6}${birth}${String(seq).padStart(3, '0')}`;
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * WEIGHTS[i]!, 0);
  return first17 + '10X98765432'[sum % 11]!;
}
// A resident of its own: other suites sign the demo resident in, and SMS codes have a cooldown per phone.
const STAMP = Date.now() % 100_000;
const PHONE = `167${String(STAMP).padStart(5, '0')}${String(process.pid % 1000).padStart(3, '0')}`;
const TITLE = `端到端口罩预约 ${Date.now() % 100000}`;
/** People who join the line ahead of the resident in the browser. */
const AHEAD = 30;
/** Their birth date, one a run: their ID numbers stay new where the database outlives runs. */
const CROWD_BIRTH = `${1950 + (STAMP % 50)}${String(1 + (Math.floor(STAMP / 50) % 12)).padStart(2, '0')}${String(1 + (Math.floor(STAMP / 600) % 28)).padStart(2, '0')}`;

/** 预约 across the apps: an official opens a campaign, the resident reserves, the site redeems the pickup code. */
export default defineSuite({
  name: 'reservations',
  async run(t) {
    const { page } = t;

    async function signInStaff(username: string) {
      await page.goto('/console/');
      await page.getByTestId('sign-in').waitFor();
      await page.locator('#login-username').fill(username);
      await page.locator('#login-password').fill(DEMO_PASSWORD);
      await page.getByTestId('sign-in').click();
      await page.getByTestId('welcome').waitFor();
    }

    async function leftOfCampaign(): Promise<number> {
      const row = page.getByTestId('campaigns-table').locator('tr', { hasText: TITLE });
      await row.waitFor();
      return Number(await row.getByTestId('campaign-left').getAttribute('data-left'));
    }

    const PHARMACY = '江岸大药房解放大道店';
    const officerApi = await staffApi(t.baseUrl, 'officer');
    /** The demo pharmacy's surgical masks on hand (supplies), as the official's stock list counts them. */
    async function masksOnHand(): Promise<number> {
      const places = await officerApi.call<{ items: { id: string; name: string }[] }>(
        'GET',
        '/api/v1/supplies/locations?kind=pharmacy',
      );
      const at = places.body.items.find((l) => l.name === PHARMACY)!.id;
      const stock = await officerApi.call<{ items: { item: { code: string }; onHand: number }[] }>(
        'GET',
        `/api/v1/supplies/stock?locationId=${at}`,
      );
      return stock.body.items.find((l) => l.item.code === 'MASK-SURGICAL')!.onHand;
    }
    /** Distribution entries of the pharmacy's donated masks on the public ledger page (the portal). */
    async function distributionsOnLedger(): Promise<number> {
      await page.goto('/donations');
      await page.locator('[data-testid="ledger-check"][data-state="ok"]').waitFor();
      const card = page.getByTestId('donation').filter({ hasText: PHARMACY }).first();
      await card.waitFor();
      return card.locator('[data-testid="trail-entry"][data-kind="distribution"]').count();
    }

    let quota = 0;
    let siteId = '';
    await t.step('the 江岸 officer creates a mask campaign with generated slots and opens it', async () => {
      await signInStaff('officer');
      await page.getByTestId('menu-reservationCampaigns').click();
      await page.getByTestId('campaigns-table').waitFor();
      await page.getByTestId('campaign-create').click();
      await page.locator('#campaign-title').fill(TITLE);
      // Nothing else filled: the form names what is missing before anything is sent.
      await page.getByTestId('campaign-save').click();
      await page.getByText('预约点 1：请填写名称').waitFor();
      const site = page.getByTestId('site-0');
      await site.locator('#site-name-0').fill('江岸测试药房');
      await site.locator('#site-address-0').fill('江岸区解放大道 2 号');
      // The masks come from the demo pharmacy's donated stock.
      await page.getByTestId('campaign-item').click();
      await page.getByRole('option', { name: /医用外科口罩/ }).click();
      await site.getByTestId('site-stock').click();
      await page.getByRole('option', { name: new RegExp(PHARMACY) }).click();
      await site.getByTestId('plan-date').fill(shanghaiDay(-1));
      await site.getByTestId('plan-opens').fill('09:00');
      await site.getByTestId('plan-closes').fill('12:00');
      await site.locator('#plan-quota-0').fill('4');
      await site.locator('#plan-quota-0').blur();
      const summary = await site.getByTestId('slot-count').innerText();
      assert(summary.includes('3 个时段') && summary.includes('12 个名额'), `slot summary: ${summary}`);
      await t.screenshot('create');
      await t.checkAccessibility('campaign form');
      await page.getByTestId('campaign-save').click();
      await page.getByTestId('campaign-heading').filter({ hasText: TITLE }).waitFor();
      await page.getByTestId('campaign-status').filter({ hasText: '草稿' }).waitFor();
      await page.getByTestId('campaign-open').click();
      await page.getByTestId('campaign-status').filter({ hasText: '预约中' }).waitFor();
      quota = Number(await page.getByTestId('campaign-left').getAttribute('data-left'));
      assert(quota === 12, `12 places expected, ${quota} shown`);
      assert((await page.getByTestId('slot-left').count()) === 3, 'three slots expected');
      siteId = (await page.getByTestId('site-id').innerText()).trim();
      await page.waitForTimeout(400);
      await t.screenshot('detail');
      await t.checkAccessibility('campaign detail');
      await page.getByRole('button', { name: /返回预约活动/ }).click();
      assert((await leftOfCampaign()) === 12, 'the list shows 12 left');
      await t.screenshot('list');
      await t.checkAccessibility('campaign list');
    });

    let pickupText = '';
    const residentContext = await t.browser.newContext({
      baseURL: t.baseUrl,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      viewport: { width: 390, height: 844 },
    });
    const m: Page = await residentContext.newPage();
    m.setDefaultTimeout(15_000);
    const shot = makeScreenshot(m, 'reservations-resident');
    const axe = async (label: string) => {
      const v = await axeViolations(m);
      if (v.length) throw new Error(`axe (${label}): ${v.length} violation(s)\n${formatViolations(v)}`);
    };
    let gridCode = '';
    /** As the officer: a first-come mask campaign at a site in the resident's community, opened; answers its id. */
    async function openCampaign(title: string, quota: number, opensAt?: number): Promise<string> {
      const created = await officerApi.call<{ id: string }>('POST', '/api/v1/reservation/campaigns', {
        kind: 'masks',
        title,
        regionCode: '420102',
        mode: 'first_come',
        oncePerDays: 0,
        itemsPerPerson: 2,
        ...(opensAt ? { opensAt: new Date(opensAt).toISOString() } : {}),
        sites: [
          {
            name: '江岸排队药房',
            address: '江岸区中山大道 3 号',
            // The community of the resident's grid: a grid is 15 digits, a site's region at most 12.
            regionCode: gridCode.slice(0, 12),
            slots: [
              {
                startsAt: new Date().toISOString(),
                endsAt: new Date((opensAt ?? Date.now()) + 7_200_000).toISOString(),
                quota,
              },
            ],
          },
        ],
      });
      assert(created.status === 201, `campaign answered ${created.status} ${JSON.stringify(created.body)}`);
      const opened = await officerApi.call('POST', `/api/v1/reservation/campaigns/${created.body.id}/status`, {
        status: 'open',
      });
      assert(opened.status === 200, `opening answered ${opened.status}`);
      return created.body.id;
    }
    try {
      await t.step('the resident signs in, reserves a slot from the home page and sees a pickup QR', async () => {
        // The resident lives in the grid worker's grid, in 江岸区 where the campaign is.
        const grid = await staffApi(t.baseUrl, 'grid');
        const admin = await staffApi(t.baseUrl, 'admin');
        gridCode = (await grid.call<{ user: { jurisdiction: { code: string } } }>('GET', '/api/v1/identity/me')).body
          .user.jurisdiction.code;
        const registered = await admin.call('POST', '/api/v1/identity/residents', {
          name: '预约测试',
          idNumber: idNumber(gridCode.slice(0, 6), STAMP % 1000),
          phone: PHONE,
          regionCode: gridCode,
        });
        assert(registered.status === 201, `registration answered ${registered.status}`);
        await m.goto('/m/');
        await m.getByTestId('phone').locator('input').fill(PHONE);
        await m.getByTestId('send-code').click();
        await m
          .getByTestId('send-code')
          .getByText(/秒后重发/)
          .waitFor();
        await m
          .getByTestId('code')
          .locator('input')
          .fill(await devSmsCode(t.baseUrl, PHONE));
        await m.getByTestId('sign-in').click();
        await m.getByTestId('entry-reserve').click();
        const card = m.getByTestId('open-campaign').filter({ hasText: TITLE });
        await card.waitFor();
        assert((await card.getByTestId('slot-option').count()) === 3, 'three slots offered');
        // The demo campaign's row of days scrolls inside its card, not the whole page sideways.
        await assertFits(m, 390, 'the open campaigns page');
        await shot('open');
        await axe('open campaigns');
        await card.getByTestId('slot-option').nth(1).click();
        await card.getByTestId('reserve').click();
        await m.getByTestId('pickup-qr').waitFor();
        assert((await m.getByTestId('pickup-status').innerText()).includes('待领取'), 'confirmed');
        pickupText = (await m.getByTestId('pickup-text').textContent())?.trim() ?? '';
        assert(pickupText.startsWith('ZT1'), `a ZT1 pickup code expected: ${pickupText.slice(0, 20)}`);
        await shot('pickup');
        await axe('pickup code');
        await m.getByRole('button', { name: '返回' }).click();
        await m.getByTestId('my-reservation').filter({ hasText: TITLE }).first().waitFor();
        await shot('mine');
        await axe('my reservations');
      });

      await t.step(
        'arriving before the opening, the resident waits in the room and is let in at the opening',
        async () => {
          // Not containing TITLE: the steps below find that campaign by it.
          const title = `定时开放口罩 ${STAMP}`;
          const opensAt = Date.now() + 12_000;
          await openCampaign(title, 5, opensAt);
          await m.goto('/m/reserve');
          const card = m.getByTestId('open-campaign').filter({ hasText: title });
          const room = card.getByTestId('waiting-room');
          await room.waitFor();
          const said = await room.innerText();
          assert(said.includes('开始') && said.includes('随机顺序'), `the room before the opening says: ${said}`);
          assert((await card.getByTestId('slot-option').count()) === 0, 'no slots to pick before the opening');
          await shot('waiting-early');
          await axe('waiting room before the opening');
          // The page asks again as the server says; at the opening the early arrivals are shuffled and let in.
          await card.getByTestId('reserve').waitFor({ timeout: 30_000 });
          assert(Date.now() >= opensAt, 'let in only once the campaign opened');
          assert((await room.count()) === 0, 'the room gave way to the form');
          await shot('waiting-admitted');
          await card.getByTestId('reserve').click();
          await m.getByTestId('pickup-qr').waitFor();
          assert((await m.getByTestId('pickup-status').innerText()).includes('待领取'), 'confirmed after the wait');
        },
      );

      await t.step(
        'back on the page, the resident finds the new campaign, sees their place shrink, asks with the ticket, and reserves',
        async () => {
          const title = `排队抢购口罩 ${STAMP}`;
          // The resident has the page open before the campaign opens.
          await m.goto('/m/reserve');
          await m.getByTestId('open-campaign').first().waitFor();
          const id = await openCampaign(title, 50);
          // A crowd ahead: neighbours of the same grid join at once, more than the room admits in a second
          // (this server lets in ZT_QUEUE_MAX_RATE = 5 a second).
          const admin = await staffApi(t.baseUrl, 'admin');
          const crowd = await Promise.all(
            Array.from({ length: AHEAD }, async (_, i) => {
              const phone = `166${String(STAMP).padStart(5, '0')}${String(i).padStart(3, '0')}`;
              const registered = await admin.call('POST', '/api/v1/identity/residents', {
                name: `排队居民${i}`,
                idNumber: idNumber(gridCode.slice(0, 6), i, CROWD_BIRTH),
                phone,
                regionCode: gridCode,
              });
              assert(registered.status === 201, `registration answered ${registered.status}`);
              return residentApi(t.baseUrl, phone);
            }),
          );
          const joined = await Promise.all(
            crowd.map((p) => p.call<{ admitted: boolean }>('POST', `/api/v1/reservation/campaigns/${id}/queue`)),
          );
          assert(
            joined.every((j) => j.status === 200),
            `joins answered ${joined.map((j) => j.status).join(',')}`,
          );
          assert(joined.filter((j) => !j.body.admitted).length >= AHEAD - 10, 'most of the crowd waits');
          // Waiting, the page asks with the ticket of its place, without the session cookie.
          const ticketPolls: (string | undefined)[] = [];
          const positions: number[] = [];
          m.on('request', (r) => {
            if (r.url().includes('/reservation/public/queue')) ticketPolls.push(r.headers()['cookie']);
          });
          m.on('response', (r) => {
            if (r.url().includes('/reservation/public/queue') && r.ok())
              void r.json().then((b: { position: number }) => positions.push(b.position));
          });
          // The list of open campaigns is a snapshot up to a second old (ZT_PUBLIC_SNAPSHOT_MS): the page
          // can show the new campaign once a neighbour's list does.
          for (let tries = 0; tries < 20; tries++) {
            const open = await crowd[0]!.call<{ items: { title: string }[] }>('GET', '/api/v1/reservation/open');
            if (open.body.items.some((c) => c.title === title)) break;
            await m.waitForTimeout(200);
          }
          assert(
            (await m.getByTestId('open-campaign').filter({ hasText: title }).count()) === 0,
            'the page loaded before the campaign opened',
          );
          // Coming back to the page (from another app) shows what opened meanwhile: no reload needed.
          await m.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
          const card = m.getByTestId('open-campaign').filter({ hasText: title });
          const position = card.getByTestId('queue-position');
          await position.waitFor();
          const first = Number((await position.innerText()).match(/还有 (\d+) 人/)?.[1]);
          assert(first > 0, `a place in the line expected: ${await position.innerText()}`);
          assert((await card.getByTestId('slot-option').count()) === 0, 'no slots to pick while waiting');
          // Five a second: the wait is seconds, and the page says so.
          const eta = await card.getByTestId('queue-eta').innerText();
          assert(/预计约 \d+ 秒后轮到您/.test(eta), `the wait in seconds expected: ${eta}`);
          await shot('waiting-line');
          await axe('waiting room in a line');
          await card.getByTestId('reserve').waitFor({ timeout: 30_000 });
          assert(ticketPolls.length > 0, 'the page asked where it stands with its ticket');
          assert(
            positions.some((p) => p < first),
            `the place moved up from ${first}: ${positions.join(', ')}`,
          );
          assert(
            ticketPolls.every((c) => c === undefined),
            'ticket polls carry no session cookie',
          );
          await shot('waiting-line-admitted');
          await card.getByTestId('reserve').click();
          await m.getByTestId('pickup-qr').waitFor();
          assert((await m.getByTestId('pickup-status').innerText()).includes('待领取'), 'confirmed after the line');
        },
      );
    } catch (err) {
      await residentContext.close();
      throw err;
    }

    await t.step('the campaign shows one place fewer', async () => {
      await page.reload();
      assert((await leftOfCampaign()) === quota - 1, 'one place taken');
    });

    let stockBefore = 0;
    let ledgerBefore = 0;
    await t.step('before the pickup: the pharmacy stock and the public ledger as they are', async () => {
      stockBefore = await masksOnHand();
      ledgerBefore = await distributionsOnLedger();
      assert(stockBefore >= 5, `masks on hand: ${stockBefore}`);
    });

    await t.step(
      'the pharmacist redeems the code at their site; a second scan is refused as already used',
      async () => {
        // The official's pages show no redeem menu: 江岸 site staff redeem, choosing their site from a list.
        await t.context.clearCookies();
        await signInStaff('pharmacy');
        await page.getByTestId('menu-reservationRedeem').click();
        await page.getByTestId('redeem-site').click();
        await page.getByRole('option', { name: new RegExp(`江岸测试药房 · ${TITLE}`) }).click();
        await page.locator('#redeem-text').fill(pickupText);
        await page.getByTestId('redeem-submit').click();
        const ok = page.getByTestId('redeem-ok');
        await ok.waitFor();
        assert((await ok.getByTestId('redeem-items').innerText()).includes('5'), 'five items to hand out');
        assert((await ok.getByTestId('redeem-name').innerText()).includes('*'), 'a masked name');
        await t.screenshot('redeem-ok');
        await t.checkAccessibility('redeem ok');
        await page.locator('#redeem-text').fill(pickupText);
        await page.getByTestId('redeem-submit').click();
        const refused = page.getByTestId('redeem-refused');
        await refused.waitFor();
        assert((await refused.getAttribute('data-refusal')) === 'already', 'refused as already redeemed');
        await t.screenshot('redeem-again');
        await t.checkAccessibility('redeem refused');
        assert(siteId.length === 36, `a site id was shown to the official: ${siteId}`);
      },
    );

    await t.step('the five masks left the pharmacy stock, and the public ledger shows their distribution', async () => {
      const after = await masksOnHand();
      assert(after === stockBefore - 5, `stock ${stockBefore} → ${after}, five fewer expected`);
      // The public page is a snapshot up to a second old (ZT_PUBLIC_SNAPSHOT_MS): a reload shows the pickup.
      let entries = await distributionsOnLedger();
      for (let tries = 0; entries === ledgerBefore && tries < 5; tries++) {
        await page.waitForTimeout(500);
        entries = await distributionsOnLedger();
      }
      assert(entries === ledgerBefore + 1, `distribution entries ${ledgerBefore} → ${entries}`);
      await t.screenshot('ledger-after-pickup');
    });

    await t.step('the resident sees the reservation as picked up', async () => {
      try {
        await m.goto('/m/reservations');
        const mine = m.getByTestId('my-reservation').filter({ hasText: TITLE }).first();
        await mine.waitFor();
        assert((await mine.getAttribute('data-status')) === 'redeemed', 'redeemed');
        await shot('mine-redeemed');
      } finally {
        await residentContext.close();
      }
    });
  },
});
