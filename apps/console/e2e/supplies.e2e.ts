import { assert, defineSuite } from '../../../packages/web-core/e2e/harness.ts';
import { DEMO_PASSWORD, shanghaiDay } from '../../../packages/web-core/e2e/staff-api.ts';

const STAMP = Date.now() % 100_000;
const DONOR = `端到端捐赠单位${STAMP}`;
// Sooner than any demo lot, so first-expiry-first-out allocates this donation's lot.
const LOT = `E2E-${STAMP}`;
const N95 = 'N95 医用防护口罩';
const HOSPITAL = '武汉大学人民医院';

/** 物资与捐赠 across the apps: a donation received, published and verified, requested, allocated, delivered. */
export default defineSuite({
  name: 'supplies',
  async run(t) {
    const { page } = t;

    async function signInStaff(username: string) {
      await t.context.clearCookies();
      await page.goto('/console/');
      await page.getByTestId('sign-in').waitFor();
      await page.locator('#login-username').fill(username);
      await page.locator('#login-password').fill(DEMO_PASSWORD);
      await page.getByTestId('sign-in').click();
      await page.getByTestId('welcome').waitFor();
    }
    async function pick(trigger: ReturnType<typeof page.getByTestId>, option: string | RegExp) {
      await trigger.click();
      await page.getByRole('option', { name: option }).click();
    }
    const donationCard = () => page.getByTestId('donation').filter({ hasText: DONOR });
    /** The public page is a snapshot a few seconds old at most (ZT_PUBLIC_SNAPSHOT_MS): reloads until it shows. */
    async function ledgerShows(kinds: string[]) {
      let shown: (string | null)[] = [];
      for (let tries = 0; tries < 8; tries++) {
        if (tries) await page.waitForTimeout(500);
        await page.goto('/donations');
        await page.locator('[data-testid="ledger-check"][data-state="ok"]').waitFor();
        const card = donationCard();
        await card.waitFor();
        shown = await card.getByTestId('trail-entry').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
        if (JSON.stringify(shown) === JSON.stringify(kinds)) return;
      }
      assert(false, `trail ${shown.join(',')}, expected ${kinds.join(',')}`);
    }

    await t.step('the city official records a donation and receives it into the warehouse', async () => {
      await signInStaff('logistics');
      await page.getByTestId('menu-suppliesDonations').click();
      await page.getByTestId('donations-table').waitFor();
      await page.getByTestId('donation-create').click();
      await page.locator('#donor-name').fill(DONOR);
      await pick(page.getByTestId('donation-item'), N95);
      await page.getByTestId('donation-quantity').locator('input').fill('500');
      await t.screenshot('donation-form');
      await t.checkAccessibility('donation form');
      await page.getByTestId('donation-save').click();
      const row = page.getByTestId('donations-table').locator('tr', { hasText: DONOR });
      await row.waitFor();
      await row.getByTestId('donation-receive').click();
      await page.getByTestId('receipt-lot').fill(LOT);
      await page.getByTestId('receipt-expires').fill(shanghaiDay(-30));
      await page.getByTestId('receipt-save').click();
      await row.filter({ hasText: '实收 500' }).waitFor();
      assert((await row.innerText()).includes('认捐 500'), 'pledged 500 shown');
      await t.screenshot('donations');
      await t.checkAccessibility('donations');
    });

    await t.step('the public ledger shows the pledge and the receipt, and verifies', async () => {
      await ledgerShows(['pledge', 'receipt']);
      await t.screenshot('ledger-received');
      await t.checkAccessibility('public ledger');
    });

    await t.step('the hospital asks for N95, critically', async () => {
      await signInStaff('medical');
      await page.getByTestId('menu-suppliesRequests').click();
      await page.getByTestId('requests-table').waitFor();
      await page.getByTestId('request-create').click();
      await pick(page.getByTestId('request-hospital'), HOSPITAL);
      await page.getByText('特急').click();
      await pick(page.getByTestId('request-item'), N95);
      await page.getByTestId('request-quantity').locator('input').fill('500');
      await t.screenshot('request-form');
      await t.checkAccessibility('request form');
      await page.getByTestId('request-save').click();
      await page.locator('[data-testid="requests-table"] tr', { hasText: '0 / 500' }).first().waitFor();
      await t.screenshot('requests');
    });

    await t.step('a request filed by mistake is withdrawn and can be withdrawn only once', async () => {
      await page.getByTestId('request-create').click();
      await pick(page.getByTestId('request-hospital'), HOSPITAL);
      await pick(page.getByTestId('request-item'), N95);
      await page.getByTestId('request-quantity').locator('input').fill('77');
      await page.getByTestId('request-save').click();
      const row = page.getByTestId('requests-table').locator('tr', { hasText: '0 / 77' }).first();
      await row.getByTestId('request-cancel').click();
      await page.getByRole('dialog').getByRole('button', { name: '撤销申领' }).click();
      await row.locator('[data-testid="request-status"][data-status="cancelled"]').waitFor();
      assert((await row.getByTestId('request-cancel').count()) === 0, 'a withdrawn request offers no withdrawal');
      await page.getByRole('dialog').waitFor({ state: 'hidden' });
      await t.screenshot('request-withdrawn');
    });

    await t.step('the official approves the proposal and dispatches the transfer', async () => {
      await signInStaff('logistics');
      await page.getByTestId('menu-suppliesTransfers').click();
      await page.getByTestId('proposal-load').click();
      const table = page.getByTestId('proposal-table');
      const first = table.locator('tbody tr').first();
      await first.waitFor();
      const text = await first.innerText();
      assert(text.includes(HOSPITAL) && text.includes('特急'), `the critical request ranks first: ${text}`);
      await t.screenshot('proposal');
      await t.checkAccessibility('allocation proposal');
      await page.getByTestId('proposal-approve').click();
      await page.getByTestId('proposal-notice').waitFor();
      const row = page.getByTestId('transfers-table').locator('tr', { hasText: LOT });
      await row.waitFor();
      await row.getByTestId('transfer-dispatch').click();
      await row.locator('[data-testid="transfer-status"][data-status="dispatched"]').waitFor();
      await t.screenshot('dispatched');
    });

    await t.step('the official cancels another transfer before it leaves, giving the reason', async () => {
      const table = page.getByTestId('transfers-table');
      const row = table.locator('tr', { hasText: 'DN-PS-001', has: page.getByTestId('transfer-cancel') }).first();
      await row.getByTestId('transfer-cancel').click();
      const box = page.getByRole('dialog');
      await box.locator('input').fill('医院已由省级储备补足');
      await box.getByRole('button', { name: '撤销调拨' }).click();
      await table
        .locator('tr', { hasText: '医院已由省级储备补足' })
        .first()
        .locator('[data-testid="transfer-status"][data-status="cancelled"]')
        .waitFor();
      await box.waitFor({ state: 'hidden' });
      await t.screenshot('transfer-cancelled');
    });

    await t.step(
      'the hospital signs for it, ten short with the reason; the stock card shows it arrive and the loss',
      async () => {
        await signInStaff('medical');
        await page.getByTestId('menu-suppliesTransfers').click();
        const row = page.getByTestId('transfers-table').locator('tr', { hasText: LOT });
        await row.waitFor();
        await row.getByTestId('transfer-deliver').click();
        await page.locator('#pod-name').fill('赵卫东');
        // Ten fewer arrived than were sent: a loss in transit is not signed for without its reason.
        const quantity = page.getByTestId('pod-quantity').locator('input');
        const sent = Number(await quantity.inputValue());
        assert(sent > 10, `dispatched: ${sent}`);
        await quantity.fill(String(sent - 10));
        await quantity.blur();
        await page.getByTestId('pod-shortfall-hint').waitFor();
        await page.getByTestId('pod-save').click();
        await page.getByRole('dialog').getByRole('alert').filter({ hasText: '请填写短少原因' }).waitFor();
        await page.locator('#pod-note').fill('一箱外包装破损，10 只污染报废');
        await t.screenshot('pod');
        await t.checkAccessibility('proof of delivery');
        await page.getByTestId('pod-save').click();
        await row.locator('[data-testid="transfer-status"][data-status="delivered"]').waitFor();
        const shown = await row.innerText();
        assert(shown.includes('赵*东') && !shown.includes('赵卫东'), `the receiver is masked: ${shown}`);
        assert(shown.includes('短少 10：一箱外包装破损'), `the shortfall and its reason: ${shown}`);
        await page.getByTestId('menu-suppliesStock').click();
        const stock = page.getByTestId('stock-table').locator('tr', { hasText: HOSPITAL }).filter({ hasText: N95 });
        await stock.first().waitFor();
        await stock.first().getByTestId('stock-card').click();
        const card = page.getByTestId('stock-card-table');
        await card.locator('tr', { hasText: LOT }).filter({ hasText: '调入' }).waitFor();
        // What was sent comes in, then what did not arrive goes out again as a loss, with its reason.
        const loss = card.locator('tr', { hasText: LOT }).filter({ hasText: '运输损耗' });
        await loss.waitFor();
        const lossText = await loss.innerText();
        assert(lossText.includes('-10') && lossText.includes('一箱外包装破损'), `the loss line: ${lossText}`);
        await t.screenshot('stock-card');
        await t.checkAccessibility('stock card');
      },
    );

    await t.step(
      'the public ledger follows the lot to the hospital and the ten lost on the way, still verified, on a phone too',
      async () => {
        await ledgerShows(['pledge', 'receipt', 'allocation', 'dispatch', 'delivery', 'loss']);
        const trail = await donationCard().innerText();
        assert(trail.includes(HOSPITAL), 'the trail names the hospital');
        assert(
          trail.includes('运输损耗') && trail.includes('原因：一箱外包装破损'),
          `the loss and its reason: ${trail}`,
        );
        assert(!(await page.content()).includes('赵卫东'), 'no personal data in public');
        await t.screenshot('ledger-delivered');
        await page.setViewportSize({ width: 390, height: 844 });
        await t.screenshot('ledger-phone');
        await t.checkAccessibility('public ledger on a phone');
      },
    );

    await t.step('the official sees days of supply with alerts, on a phone too', async () => {
      await page.setViewportSize({ width: 1280, height: 800 });
      await signInStaff('logistics');
      await page.getByTestId('menu-suppliesStock').click();
      const emergency = page.locator('[data-testid="stock-alert"][data-alert="emergency"]');
      await emergency.first().waitFor();
      const first = await page.getByTestId('stock-table').locator('tbody tr').first().innerText();
      assert(first.includes('金银潭'), `the emergency comes first: ${first}`);
      await t.screenshot('stock');
      await t.checkAccessibility('stock list');
      await page.setViewportSize({ width: 390, height: 844 });
      await page.reload();
      await emergency.first().waitFor();
      await t.screenshot('stock-phone');
    });

    await t.step("the official gives a hospital its own order points; its stock's alerts follow them", async () => {
      await page.setViewportSize({ width: 1280, height: 800 });
      await pick(page.getByTestId('stock-location'), '金银潭');
      await page.getByTestId('location-thresholds').click();
      await page.getByTestId('thresholds-min').locator('input').fill('60');
      await page.getByTestId('thresholds-emergency').locator('input').fill('30');
      await t.checkAccessibility('order points form');
      await page.getByTestId('thresholds-save').click();
      const rows = page.getByTestId('stock-table').locator('tbody tr');
      await rows.filter({ hasText: '最低 60 天 · 紧急 30 天' }).first().waitFor();
      const texts = await rows.allInnerTexts();
      assert(
        texts.every((r) => r.includes('最低 60 天')),
        `every line of the hospital follows its own points: ${texts.join(' | ')}`,
      );
      // The demo hospital has under 30 days of each item: under its own emergency point, every line calls for an order.
      const alerts = await page
        .locator('[data-testid="stock-alert"]')
        .evaluateAll((es) => es.map((e) => e.dataset.alert));
      assert(alerts.length > 0 && alerts.every((a) => a === 'emergency'), `alerts: ${alerts.join(', ')}`);
      await page.getByRole('dialog').waitFor({ state: 'hidden' });
      await t.screenshot('stock-thresholds');
    });

    await t.step(
      "供需对接: the hospital agrees to the producer's KN95 for its N95 need and sees the contact",
      async () => {
        await page.setViewportSize({ width: 1280, height: 800 });
        await signInStaff('medical');
        await page.getByTestId('menu-suppliesMatching').click();
        await page.getByTestId('postings-table').locator('tr', { hasText: 'N95' }).first().waitFor();
        await t.checkAccessibility('supply and demand postings');
        await page.getByRole('tab', { name: '对接' }).click();
        const row = page.getByTestId('matches-table').locator('tr', { hasText: 'KN95 口罩 可替代 N95 医用防护口罩' });
        await row.waitFor();
        assert(!(await row.innerText()).includes('13900000101'), 'the phone is masked before both agree');
        await t.screenshot('matches');
        await t.checkAccessibility('supply and demand matches');
        await row.getByTestId('match-accept').click();
        await row.locator('[data-testid="match-status"][data-status="confirmed"]').waitFor();
        await row.getByTestId('match-reveal').click();
        const contact = page.getByTestId('match-contact');
        await contact.waitFor();
        const shown = await contact.innerText();
        assert(shown.includes('王建国') && shown.includes('13900000101'), `the producer's contact: ${shown}`);
        await t.screenshot('match-contact');
      },
    );

    await t.step(
      'the official adds gloves sold by the 盒 of 100 to the catalogue; a posting of them may count either',
      async () => {
        await signInStaff('logistics');
        await page.getByTestId('menu-suppliesCatalogue').click();
        await page.getByTestId('items-table').waitFor();
        await page.getByTestId('item-create').click();
        await page.getByTestId('item-code').fill(`GLOVE-E2E-${STAMP}`);
        await page.getByTestId('item-name-zh').fill(`丁腈检查手套 ${STAMP}`);
        await page.getByTestId('item-name-en').fill(`Nitrile glove ${STAMP}`);
        await pick(page.getByTestId('item-category'), '手套');
        await page.getByTestId('item-unit').fill('只');
        await page.getByTestId('item-pack-unit').fill('盒');
        await page.getByTestId('item-pack-size').locator('input').fill('100');
        await t.screenshot('item-form');
        await t.checkAccessibility('catalogue item form');
        await page.getByTestId('item-save').click();
        const row = page.getByTestId('items-table').locator('tr', { hasText: `GLOVE-E2E-${STAMP}` });
        await row.waitFor();
        assert(
          (await row.innerText()).includes('1 盒 = 100 只'),
          `the pack in the catalogue: ${await row.innerText()}`,
        );
        await t.screenshot('catalogue');
        await t.checkAccessibility('catalogue');
        await page.getByTestId('menu-suppliesMatching').click();
        await page.getByTestId('posting-create').click();
        await pick(page.getByTestId('posting-item'), `丁腈检查手套 ${STAMP}`);
        const hint = await page.getByTestId('posting-unit-hint').innerText();
        assert(hint.includes('也可按 盒 填写（1 盒 = 100 只）'), `the unit hint: ${hint}`);
        // A city official posts from a district: the region offers the city's districts, not the city itself.
        await page.locator('#posting-region').click();
        await page.getByRole('option', { name: /武昌区/ }).waitFor();
        assert((await page.getByRole('option', { name: /^武汉市/ }).count()) === 0, 'the city itself is not offered');
        await page.getByRole('option', { name: /武昌区/ }).click();
        await t.screenshot('posting-pack-units');
        await page.keyboard.press('Escape');
      },
    );
  },
});
