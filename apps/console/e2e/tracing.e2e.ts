import { assert, defineSuite } from '../../../packages/web-core/e2e/harness.ts';
import { devSmsCode } from '../../../packages/web-core/e2e/staff-api.ts';

const PASSWORD = 'Demo-2026-zt';
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** A checksum-valid synthetic ID number (GB 11643) for a region and a sequence number. */
function idNumber(region6: string, seq: number): string {
  const first17 = `${region6}19800214${String(seq).padStart(3, '0')}`;
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * WEIGHTS[i]!, 0);
  return first17 + '10X98765432'[sum % 11]!;
}

/**
 * The tracing flow across the apps: a hospital reports a confirmed case → the CDC adds a place visit →
 * contacts appear with reasons → the contact's resident H5 shows a red code with the explanation →
 * the grid worker's task list has the follow-up.
 */
export default defineSuite({
  name: 'tracing',
  async run(t) {
    const { page } = t;
    const stamp = Date.now() % 100_000;
    const phone = `166${String(stamp).padStart(5, '0')}${String(process.pid % 1000).padStart(3, '0')}`;
    const placeName = `武昌体育中心${stamp}`;
    const casePhone = `139${String(stamp).padStart(5, '0')}${String((process.pid + 7) % 1000).padStart(3, '0')}`;
    let placeCode = '';

    /** Staff act through Node's fetch where the setup is not what the flow is about. */
    async function staffSession(username: string) {
      const res = await fetch(`${t.baseUrl}/api/v1/identity/staff-sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: PASSWORD }),
      });
      assert(res.ok, `${username} sign-in answered ${res.status}`);
      const session = (await res.json()) as { csrfToken: string; user: { jurisdiction: { code: string } } };
      const cookie = res.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const post = (path: string, body: unknown) =>
        fetch(`${t.baseUrl}${path}`, {
          method: 'POST',
          headers: { cookie, 'x-csrf-token': session.csrfToken, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      return { session, post };
    }

    async function signIn(username: string) {
      await page.context().clearCookies();
      await page.goto('/console/');
      await page.locator('#login-username').fill(username);
      await page.locator('#login-password').fill(PASSWORD);
      await page.getByTestId('sign-in').click();
      await page.getByTestId('welcome').waitFor();
    }

    // The contact: a resident of the demo grid worker's grid, with a phone, who checks in at a venue.
    const resident = await t.browser.newContext({ viewport: { width: 390, height: 844 }, baseURL: t.baseUrl });
    const phonePage = await resident.newPage();

    await t.step('setup: a resident of the grid, and a venue with a place code', async () => {
      const grid = await staffSession('grid');
      const admin = await staffSession('admin');
      const gridCode = grid.session.user.jurisdiction.code;
      const registered = await admin.post('/api/v1/identity/residents', {
        name: '欧阳晓明',
        idNumber: idNumber(gridCode.slice(0, 6), stamp % 1000),
        phone,
        regionCode: gridCode,
      });
      if (registered.status !== 201) throw new Error(`registration: ${registered.status} ${await registered.text()}`);
      const venue = await staffSession('venue');
      const place = await venue.post('/api/v1/check-in/places', {
        name: placeName,
        address: '武昌区中北路 1 号',
        regionCode: '420106',
        kind: 'venue',
      });
      if (place.status !== 201) throw new Error(`place: ${place.status} ${await place.text()}`);
      placeCode = ((await place.json()) as { code: string }).code;
    });

    await t.step('the resident declares and checks in at the venue', async () => {
      await phonePage.goto('/m/login');
      await phonePage.getByTestId('phone').locator('input').fill(phone);
      await phonePage.getByTestId('send-code').click();
      await phonePage
        .getByTestId('send-code')
        .getByText(/秒后重发/)
        .waitFor();
      await phonePage
        .getByTestId('code')
        .locator('input')
        .fill(await devSmsCode(t.baseUrl, phone));
      await phonePage.getByTestId('sign-in').click();
      await phonePage.getByTestId('welcome').waitFor();
      await phonePage.goto('/m/declare');
      await phonePage.getByTestId('consent').click();
      await phonePage.getByTestId('submit-declaration').click();
      await phonePage.getByTestId('qr').waitFor();
      await phonePage.goto(`/m/p/${placeCode}`);
      await phonePage.getByTestId('check-in').click();
      await phonePage.getByTestId('pass').waitFor();
    });

    await t.step('a hospital doctor reports a confirmed case', async () => {
      await signIn('medical');
      await page.getByTestId('menu-cases').click();
      await page.getByTestId('case-report').click();
      await page.locator('#case-name').fill('流调演示病例');
      await page.locator('#case-phone').fill(casePhone);
      await page.getByTestId('class-confirmed').click();
      await page.getByTestId('case-submit').click();
      await page.getByTestId('case-detail').getByText('确诊病例').waitFor();
      // Another hospital reports the same person, the name typed by its sound.
      const other = await staffSession('medical');
      const again = await other.post('/api/v1/case-report/cases', {
        name: '刘调演示病例',
        phone: casePhone,
        onsetDate: new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10),
        diagnosedAt: new Date().toISOString(),
        classification: 'confirmed',
        symptoms: [],
      });
      if (again.status !== 201) throw new Error(`second report: ${again.status} ${await again.text()}`);
    });

    await t.step('the CDC sees the two reports as one person, says why, and merges them', async () => {
      await signIn('cdc');
      await page.getByTestId('menu-cases').click();
      await page.getByTestId('view-duplicates').click();
      const pair = page.getByTestId('duplicate-pair').filter({ hasText: '刘****例' });
      await pair.waitFor();
      const text = await pair.innerText();
      assert(text.includes('姓名同音') && text.includes('手机号相同'), `reasons expected: ${text}`);
      await t.screenshot('duplicates');
      await t.checkAccessibility('duplicates');
      await pair.getByTestId('merge-pair').click();
      await page.getByTestId('merged-duplicates').getByText('刘****例').waitFor();
      await page.keyboard.press('Escape');
    });

    await t.step('the CDC adds a place visit and contacts appear with their reasons', async () => {
      await page.getByTestId('view-duplicates').locator('..').getByText('全部').click();
      await page.getByTestId('cases-table').getByText('流****例').first().click();
      await page.getByTestId('open-investigation').click();
      await page.getByTestId('notifies').waitFor();
      await page.locator('#visit-place').click();
      await page.keyboard.type(placeName);
      await page.locator('.el-select-dropdown__item').filter({ hasText: placeCode }).first().click();
      await page.locator('.el-select-dropdown').first().waitFor({ state: 'hidden' });
      await t.screenshot('investigation-visit');
      await t.checkAccessibility('investigation');
      await page.getByTestId('add-visit').click();
      await page.getByTestId('notice').filter({ hasText: '密接 1 人' }).waitFor();
      await page.getByTestId('visits-table').getByText(placeName).waitFor();
      await page.getByRole('tab', { name: /密接与次密接/ }).click();
      const row = page.getByTestId('contacts-table').locator('tr', { hasText: '欧**明' });
      await row.waitFor();
      const text = await row.innerText();
      assert(text.includes(`同场所 · ${placeName}`) && /共处约 \d+ 分钟/.test(text), `reason expected: ${text}`);
      assert(text.includes('已通知') && !/\d{17}/.test(text), `notified, masked contact expected: ${text}`);
      await t.screenshot('investigation-contacts');
      await t.checkAccessibility('contacts');
    });

    await t.step('the CDC exports the contacts with full details, for a stated purpose', async () => {
      await page.getByTestId('menu-contacts').click();
      await page.getByTestId('contacts-table').getByText('欧**明').first().waitFor();
      await page.getByTestId('export-open').click();
      await page.getByRole('radio', { name: 'CSV' }).click({ force: true });
      await page.locator('#export-purpose').fill('移交集中隔离点名单');
      await page.getByTestId('export-start').click();
      const link = page.getByTestId('export-download');
      await link.waitFor({ timeout: 30_000 });
      await t.screenshot('export-contacts');
      await t.checkAccessibility('export dialog');
      const file = await page.request.get(new URL((await link.getAttribute('href'))!, t.baseUrl).href);
      const text = await file.text();
      assert(text.includes('欧阳晓明') && text.includes(phone), 'the export should hold the full name and phone');
      await page.keyboard.press('Escape');
    });

    await t.step('the chains show the case with its contact, and a leader sees the statistics', async () => {
      await page.getByTestId('menu-chains').click();
      await page.getByTestId('clusters-table').getByText('流****例').first().click();
      await page.getByTestId('back-overview').waitFor();
      await page.waitForTimeout(1500);
      await t.screenshot('chains-cluster');
      await t.checkAccessibility('chains');
      await signIn('leader');
      const menu = await page.getByTestId('side-menu').innerText();
      assert(menu.includes('疫情统计') && !menu.includes('网络直报'), `leader menu: ${menu}`);
      await page.getByTestId('menu-statistics').click();
      await page.getByTestId('stats-districts').getByText('武昌区').waitFor();
      await t.screenshot('statistics');
      await t.checkAccessibility('statistics');
    });

    await t.step("the contact's H5 shows a red code with the explanation", async () => {
      await phonePage.goto('/m/health-code');
      await phonePage.getByTestId('qr').waitFor();
      await phonePage.locator('[data-testid="colour-band"][data-colour="red"]').waitFor();
      const why = await phonePage.getByTestId('explanation').innerText();
      assert(why.includes('流调判定您为密切接触者'), `explanation expected, got: ${why}`);
      await phonePage.screenshot({ path: '.tmp/screenshots/tracing-contact-red-code.png', fullPage: true });
    });

    await t.step("the grid worker's task list has the follow-up, usable on a phone", async () => {
      await signIn('grid');
      await page.setViewportSize({ width: 390, height: 844 });
      await page.getByTestId('menu-tasks').click();
      // The task comes from the tracing event a moment later: reload until it is there.
      const card = page.getByTestId('task-list').locator('button', { hasText: '欧**明' });
      for (let i = 0; i < 20 && !(await card.count()); i++) {
        await page.waitForTimeout(1000);
        await page.reload();
      }
      await card.waitFor();
      const text = await card.innerText();
      assert(text.includes('密接') && text.includes(placeName) && text.includes('今日未打卡'), text);
      await t.screenshot('tasks-phone');
      await t.checkAccessibility('tasks');
      await card.click();
      await page.getByTestId('task-detail').waitFor();
      await page.getByTestId('save-check').click();
      await page.getByTestId('task-checks').getByText('36.5 °C').waitFor();
      await t.screenshot('task-detail-phone');
      await t.checkAccessibility('task detail');
      await page.setViewportSize({ width: 1280, height: 800 });
    });
    await resident.close();
  },
});
