import type { BrowserContext, Page } from 'playwright-core';
import {
  assert,
  assertFits,
  axeViolations,
  defineSuite,
  formatViolations,
  makeScreenshot,
} from '../../../packages/web-core/e2e/harness.ts';
import {
  devSmsCode,
  publishTrip,
  reportConfirmedCase,
  shanghaiDay,
  staffApi,
} from '../../../packages/web-core/e2e/staff-api.ts';

const PHONE = '13800138000';

/** A checksum-valid synthetic ID number born in `year`, different on every run. */
function syntheticIdNumber(region: string, year: number): string {
  const first17 = `${region}${year}03${String(10 + (Date.now() % 18)).padStart(2, '0')}${String(Date.now() % 1000).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * weights[i]!, 0);
  return first17 + '10X98765432'[sum % 11]!;
}

export default defineSuite({
  name: 'resident',
  async run(t) {
    const { page } = t;
    await page.setViewportSize({ width: 390, height: 844 });

    await t.step('login page renders in zh-CN with the dev inbox link', async () => {
      await page.goto('/m/');
      await page.waitForURL('**/m/login**');
      await page.getByTestId('sign-in').waitFor();
      assert((await page.getAttribute('html', 'lang')) === 'zh-CN', 'html lang should be zh-CN');
      await page.getByTestId('dev-inbox-link').waitFor();
      await t.screenshot('login-zh');
      await t.checkAccessibility('login');
    });

    await t.step('同程查询 needs no sign-in: from the login page, a published flight is found', async () => {
      // The portal suite publishes G1234; this suite's own case travelled on a flight.
      const cdc = await staffApi(t.baseUrl, 'cdc');
      const caseId = await reportConfirmedCase(cdc, '居民端同程测试');
      await publishTrip(cdc, caseId, {
        mode: 'flight',
        number: 'CZ3456',
        date: shanghaiDay(0),
        fromStation: '武汉',
        toStation: '广州',
      });
      await page.getByTestId('co-travel-link').click();
      await page.getByTestId('co-travel-form').waitFor();
      const date = page.getByTestId('co-travel-date');
      assert((await date.inputValue()) === shanghaiDay(0), `today expected, got ${await date.inputValue()}`);
      await date.fill(shanghaiDay(-1));
      await page.getByTestId('co-travel-number').locator('input').fill('cz 3456');
      await page.getByTestId('co-travel-submit').click();
      await page.getByText('乘坐日期不能晚于今天').waitFor();
      await date.fill(shanghaiDay(0));
      await page.getByTestId('co-travel-submit').click();
      const found = page.getByTestId('co-travel-found');
      await found.waitFor();
      const trip = await found.getByTestId('co-travel-trip').first().innerText();
      for (const part of ['航班', 'CZ3456', '武汉 → 广州'])
        assert(trip.includes(part), `"${part}" expected in the trip: ${trip}`);
      assert(!trip.includes('车厢'), `a flight has no carriage line: ${trip}`);
      const advice = await found.getByTestId('co-travel-advice').innerText();
      assert(advice.includes('社区') && advice.includes('12320'), `advice expected: ${advice}`);
      await t.screenshot('co-travel-found');
      await t.checkAccessibility('co-travel found');
    });

    await t.step('同程查询: a trip without a published case is no guarantee; back leads to sign-in', async () => {
      await page.getByTestId('co-travel-number').locator('input').fill('D3021');
      await page.getByTestId('co-travel-submit').click();
      const none = page.getByTestId('co-travel-not-found');
      await none.waitFor();
      assert((await none.innerText()).includes('不代表绝对安全'), await none.innerText());
      assert((await page.getByTestId('co-travel-found').count()) === 0, 'the earlier answer must be replaced');
      await t.screenshot('co-travel-none');
      await page.getByRole('button', { name: '返回' }).click();
      await page.getByTestId('sign-in').waitFor();
    });

    await t.step('rejects a malformed phone number locally', async () => {
      await page.getByTestId('phone').locator('input').fill('12345');
      await page.getByTestId('send-code').click();
      await page.getByText('请输入正确的 11 位中国大陆手机号码').waitFor();
    });

    let code = '';
    await t.step('requests an SMS code and reads it from the dev inbox', async () => {
      await page.getByTestId('phone').locator('input').fill(PHONE);
      await page.getByTestId('send-code').click();
      await page
        .getByTestId('send-code')
        .getByText(/秒后重发/)
        .waitFor();
      code = await devSmsCode(t.baseUrl, PHONE);
    });

    await t.step('dev inbox page lists the code', async () => {
      await page.getByTestId('dev-inbox-link').click();
      await page.getByTestId('inbox-code').filter({ hasText: code }).first().waitFor();
      await t.screenshot('dev-inbox');
      await t.checkAccessibility('dev inbox');
      await page.goBack();
      await page.getByTestId('sign-in').waitFor();
    });

    await t.step('signs in and sees the home page', async () => {
      await page.getByTestId('phone').locator('input').fill(PHONE);
      await page.getByTestId('code').locator('input').fill(code);
      await page.getByTestId('sign-in').click();
      await page.getByTestId('welcome').waitFor();
      await page.getByTestId('entry-profile').waitFor();
      await t.screenshot('home-zh');
      await t.checkAccessibility('home');
    });

    await t.step('profile shows the masked record', async () => {
      await page.getByTestId('entry-profile').click();
      const profile = page.getByTestId('profile');
      await profile.waitFor();
      const text = await profile.innerText();
      assert(/138\*{4}8000/.test(text), `masked phone expected in: ${text}`);
      assert(/\*{4,}/.test(text.replace(/138\*{4}8000/, '')), `masked ID number expected in: ${text}`);
      await t.screenshot('profile-zh');
      await t.checkAccessibility('profile');
      await page.goBack();
      await page.getByTestId('welcome').waitFor();
    });

    await t.step('declares health and sees a green code with its explanation', async () => {
      await page.getByTestId('entry-healthCode').click();
      // A fresh resident is asked to declare first; a re-run resident already has a code.
      const first = await Promise.race([
        page
          .getByTestId('go-declare')
          .waitFor()
          .then(() => 'declare'),
        page
          .getByTestId('qr')
          .waitFor()
          .then(() => 'code'),
      ]);
      if (first === 'declare') await page.getByTestId('go-declare').click();
      else await page.goto('/m/declare');
      await page.getByTestId('declaration-form').waitFor();
      await page.getByTestId('submit-declaration').click();
      await page.getByText('请先阅读并同意个人信息处理说明').first().waitFor();
      await page.getByTestId('consent').click();
      await t.screenshot('declare-zh');
      await t.checkAccessibility('declaration');
      await page.getByTestId('submit-declaration').click();
      await page.getByTestId('qr').waitFor();
      assert((await page.getByTestId('colour-band').getAttribute('data-colour')) === 'green', 'a green code expected');
      const why = await page.getByTestId('explanation').innerText();
      assert(why.includes('为什么是这个颜色') && why.includes('已是绿码'), `explanation expected, got: ${why}`);
      await t.screenshot('code-green');
      await t.checkAccessibility('health code');
    });

    let placeCode = '';
    await t.step('scans a place code and is checked in with a full-screen pass', async () => {
      // Staff act through Node's fetch: the page's request context would share (and replace) the resident's cookie.
      const staff = await fetch(`${t.baseUrl}/api/v1/identity/staff-sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'venue', password: 'Demo-2026-zt' }),
      });
      assert(staff.ok, `venue sign-in answered ${staff.status}`);
      const { csrfToken } = (await staff.json()) as { csrfToken: string };
      const cookie = staff.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const created = await fetch(`${t.baseUrl}/api/v1/check-in/places`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: '中南路便民超市',
          address: '武昌区中南路 8 号',
          regionCode: '420106',
          kind: 'shop',
        }),
      });
      assert(created.status === 201, `place registration answered ${created.status}`);
      placeCode = ((await created.json()) as { code: string }).code;
      // The poster's QR is this URL: the phone's camera opens it.
      await page.goto(`/m/p/${placeCode}`);
      await page.getByTestId('place').getByText('中南路便民超市').waitFor();
      await t.screenshot('place');
      await t.checkAccessibility('place check-in');
      await page.getByTestId('check-in').click();
      await page.getByTestId('pass').waitFor();
      assert((await page.getByTestId('pass').getAttribute('data-colour')) === 'green', 'a green pass expected');
      await t.screenshot('pass');
    });

    await t.step('the check-in is listed in the history', async () => {
      await page.getByTestId('pass').getByRole('button').click();
      await page.getByTestId('check-ins').getByText('中南路便民超市').first().waitFor();
      await t.screenshot('check-ins');
      await t.checkAccessibility('check-ins');
      await page.goto('/m/');
      await page.getByTestId('welcome').waitFor();
    });

    await t.step('a shopkeeper signs their own place up and gets its poster', async () => {
      await page.goto('/m/my-places');
      await page.getByLabel('场所名称').fill('社区便利店');
      await page.getByLabel('详细地址').fill('江岸区胜利街 8 号');
      await page.getByRole('button', { name: '申领场所码' }).click();
      const poster = page.getByTestId('my-place').filter({ hasText: '社区便利店' }).first();
      await poster.locator('img').waitFor();
      await t.screenshot('my-places');
      await t.checkAccessibility('my places');
    });

    await t.step('供需对接: a farmer posts unsold produce from the home page, then changes its quantity', async () => {
      const product = `端到端白菜${Date.now() % 1000}`;
      await page.goto('/m/');
      await page.getByTestId('entry-supply').click();
      await page.getByTestId('post-produce').click();
      await page.getByTestId('posting-product').locator('input').fill(product);
      await page.getByTestId('posting-quantity').locator('input').fill('3000');
      await page.getByTestId('posting-until').fill(shanghaiDay(-10)); // ten days ahead
      await page.getByTestId('posting-org').locator('input').fill('东西湖区柏泉农场');
      await page.getByTestId('posting-contact').locator('input').fill('张大山');
      await page.getByTestId('posting-phone').locator('input').fill('13611112222');
      await page.getByTestId('posting-submit').click();
      const posting = page.getByTestId('my-posting').filter({ hasText: product });
      await posting.filter({ hasText: '3,000 / 3,000 斤' }).waitFor();
      // Changed: the contact, shown masked, stays unless typed anew.
      await posting.getByTestId('posting-edit').click();
      await page.getByTestId('posting-form').getByText('修改').first().waitFor();
      const contact = page.getByTestId('posting-contact').locator('input');
      assert((await contact.inputValue()) === '', 'the contact is not filled in again');
      assert((await contact.getAttribute('placeholder'))?.includes('张*山') ?? false, 'the masked contact is named');
      await page.getByTestId('posting-quantity').locator('input').fill('2500');
      await t.screenshot('supply-edit');
      await t.checkAccessibility('supply posting change');
      await page.getByTestId('posting-submit').click();
      await posting.filter({ hasText: '2,500 / 2,500 斤' }).waitFor();
      await page.getByTestId('posting-form').waitFor({ state: 'detached' });
      await t.screenshot('supply-mine');
    });

    await t.step('代申报: holds an elderly relative’s code, declares for them and shows it', async () => {
      // The community's grid worker registers the relative (who has no phone of their own).
      const grid = await fetch(`${t.baseUrl}/api/v1/identity/staff-sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'grid', password: 'Demo-2026-zt' }),
      });
      const session = (await grid.json()) as { csrfToken: string; user: { jurisdiction: { code: string } } };
      const cookie = grid.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      // A checksum-valid synthetic ID number, different on every run so re-runs can register again.
      const first17 = `420102193803${String(10 + (Date.now() % 18)).padStart(2, '0')}${String(Date.now() % 1000).padStart(3, '0')}`;
      const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
      const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * weights[i]!, 0);
      const idNumber = first17 + '10X98765432'[sum % 11]!;
      const registered = await fetch(`${t.baseUrl}/api/v1/identity/residents`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': session.csrfToken, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: '王秀英',
          idNumber,
          phone: `139${String(Date.now()).slice(-8)}`,
          regionCode: session.user.jurisdiction.code,
        }),
      });
      assert(registered.status === 201, `registration answered ${registered.status}`);
      await page.goto('/m/family');
      await page.getByLabel('家人姓名').fill('王秀英');
      await page.getByLabel('家人身份证号').fill(idNumber);
      await page.getByRole('button', { name: '添加家人' }).click();
      const held = page.getByTestId('held-person').filter({ hasText: '王*英' });
      await held.waitFor();
      await t.screenshot('family');
      await t.checkAccessibility('family');
      await held.getByRole('button', { name: '代为申报' }).click();
      await page.getByTestId('consent').click();
      await page.getByTestId('submit-declaration').click();
      await page.getByTestId('qr').waitFor();
      assert((await page.getByTestId('masked-name').innerText()).includes('王*英'), 'the relative’s code expected');
      await t.screenshot('family-code');
      await page.goto('/m/');
      await page.getByTestId('welcome').waitFor();
    });

    await t.step('my data shows what is held and who read it', async () => {
      await page.getByTestId('entry-myData').click();
      await page.getByTestId('access-log').waitFor();
      await t.screenshot('my-data');
      await t.checkAccessibility('my data');
      await page.goto('/m/');
      await page.getByTestId('welcome').waitFor();
    });

    await t.step('a resident under no observation gets a friendly page and no reminder', async () => {
      // Asked through the page's own session; a response caught during navigation may be gone already.
      const mine = await page.request.get(new URL('/api/v1/community/my-observation', t.baseUrl).href);
      assert(
        ((await mine.json()) as { active: boolean }).active === false,
        'the demo resident is not under observation',
      );
      await page.goto('/m/');
      await page.getByTestId('entry-coTravel').waitFor();
      assert((await page.getByTestId('observation-card').count()) === 0, 'no observation card expected');
      await page.goto('/m/observation');
      await page.getByTestId('observation-none').getByText('您目前没有医学观察').waitFor();
      await t.screenshot('observation-none');
      await t.checkAccessibility('observation none');
      await page.goto('/m/');
      await page.getByTestId('welcome').waitFor();
    });

    // A resident of the grid who becomes a close contact, in a browser of their own: the demo resident's
    // code must stay green for the other suites.
    let contact: { context: BrowserContext; page: Page; shot: (name: string) => Promise<void> } | undefined;
    const axe = async (p: Page, label: string) => {
      const violations = await axeViolations(p);
      assert(!violations.length, `axe (${label}):\n${formatViolations(violations)}`);
    };

    await t.step('a close contact found from a check-in gets the observation card on the home page', async () => {
      const grid = await staffApi(t.baseUrl, 'grid');
      const me = await grid.call<{ user: { jurisdiction: { code: string } } }>('GET', '/api/v1/identity/me');
      const phone = `137${String(Date.now()).slice(-8)}`;
      const registered = await grid.call('POST', '/api/v1/identity/residents', {
        name: '观察甲',
        idNumber: syntheticIdNumber('420102', 1975),
        phone,
        regionCode: me.body.user.jurisdiction.code,
      });
      assert(
        registered.status === 201,
        `registration answered ${registered.status}: ${JSON.stringify(registered.body)}`,
      );

      const context = await t.browser.newContext({
        baseURL: t.baseUrl,
        locale: 'zh-CN',
        timezoneId: 'Asia/Shanghai',
        viewport: { width: 390, height: 844 },
      });
      const p = await context.newPage();
      p.setDefaultTimeout(15_000);
      contact = { context, page: p, shot: makeScreenshot(p, 'resident-contact') };
      const r = context.request;
      assert((await r.post('/api/v1/identity/sms-codes', { data: { phone } })).ok(), 'sms code refused');
      const session = await r.post('/api/v1/identity/resident-sessions', {
        data: { phone, code: await devSmsCode(t.baseUrl, phone) },
      });
      assert(session.ok(), `contact sign-in answered ${session.status()}`);
      const { csrfToken } = (await session.json()) as { csrfToken: string };
      const declared = await r.post('/api/v1/health-code/declarations', {
        headers: { 'x-csrf-token': csrfToken },
        data: { symptoms: [], visited: [], riskAreaVisit: 'none', contactWithCase: false, consent: true },
      });
      assert(declared.ok(), `declaration answered ${declared.status()}`);

      const venue = await staffApi(t.baseUrl, 'venue');
      const place = await venue.call<{ code: string }>('POST', '/api/v1/check-in/places', {
        name: '首义路社区药房',
        address: '武昌区首义路 12 号',
        regionCode: '420106',
        kind: 'shop',
      });
      assert(place.status === 201, `place registration answered ${place.status}`);
      await p.goto(`/m/p/${place.body.code}`);
      await p.getByTestId('check-in').click();
      await p.getByTestId('pass').waitFor();

      // The case was at the same place over the last half hour: discovery makes the contact at once,
      // and the community's listener opens the follow-up task a moment later.
      const cdc = await staffApi(t.baseUrl, 'cdc');
      const caseId = await reportConfirmedCase(cdc, '医学观察测试病例');
      const now = Date.now();
      const visit = await cdc.call('POST', `/api/v1/contact-tracing/cases/${caseId}/visits`, {
        placeCode: place.body.code,
        from: new Date(now - 30 * 60_000).toISOString(),
        to: new Date(now).toISOString(),
      });
      assert(visit.status === 201, `visit answered ${visit.status}: ${JSON.stringify(visit.body)}`);
      let active = false;
      for (let i = 0; i < 40 && !active; i++) {
        const mine = await r.get('/api/v1/community/my-observation');
        active = ((await mine.json()) as { active: boolean }).active;
        if (!active) await p.waitForTimeout(500);
      }
      assert(active, 'no observation became active within 20 s');

      await p.goto('/m/');
      const card = p.getByTestId('observation-card');
      await card.waitFor();
      assert((await card.getAttribute('data-checked')) === 'false', 'the card asks for today’s check');
      const text = await card.innerText();
      assert(text.includes('您正在医学观察中') && text.includes('今天还没有健康打卡'), `card text: ${text}`);
      await contact.shot('home-observation');
      await axe(p, 'home with observation card');
    });

    await t.step('the observation page shows the period and records an abnormal check', async () => {
      assert(contact, 'the contact is signed in');
      const p = contact.page;
      await p.getByTestId('observation-card').click();
      const period = p.getByTestId('observation-period');
      await period.waitFor();
      const mine = (await (await contact.context.request.get('/api/v1/community/my-observation')).json()) as {
        startsOn: string;
        endsOn: string;
      };
      const left = Math.round((Date.parse(mine.endsOn) - Date.parse(shanghaiDay(0))) / 86_400_000);
      const periodText = await period.innerText();
      assert(periodText.includes(`${mine.startsOn} 至 ${mine.endsOn}`), `period expected: ${periodText}`);
      assert(
        (await p.getByTestId('days-left').innerText()) === (left ? `还剩 ${left} 天` : '今天是最后一天'),
        `days left: ${await p.getByTestId('days-left').innerText()} (endsOn ${mine.endsOn})`,
      );
      assert((await p.getByTestId('today-status').getAttribute('data-checked')) === 'false', 'not checked yet');
      await contact.shot('observation');
      await axe(p, 'observation');

      const temperature = p.getByTestId('temperature');
      await p.getByTestId('temperature-higher').click();
      await p.getByTestId('temperature-higher').click();
      assert((await temperature.inputValue()) === '36.7', `stepper: ${await temperature.inputValue()}`);
      await temperature.fill('45');
      await p.getByTestId('submit-check').click();
      await p.getByText('体温应在 34.0 到 43.0 °C 之间').waitFor();
      await temperature.fill('37.6');
      await p.getByTestId('symptom-cough').click();
      await p.getByTestId('check-note').locator('textarea').fill('晚上有点咳');
      await p.getByTestId('submit-check').click();
      await p.getByTestId('check-saved').waitFor();
      assert((await p.getByTestId('today-status').getAttribute('data-checked')) === 'true', 'checked today');
      await p.getByTestId('today-abnormal').getByText('网格员会联系您').waitFor();
      const checks = p.getByTestId('check');
      assert((await checks.count()) === 1, `one check expected, got ${await checks.count()}`);
      assert((await checks.first().getAttribute('data-abnormal')) === 'true', 'a cough at 37.6 °C is abnormal');
      const shown = await checks.first().innerText();
      for (const part of [shanghaiDay(0), '37.6 °C', '异常', '咳嗽', '晚上有点咳', '本人填报'])
        assert(shown.includes(part), `"${part}" expected in the check: ${shown}`);
      await p.getByTestId('submit-check').getByText('更新今日打卡').waitFor();
      await contact.shot('observation-checked');
      await axe(p, 'observation checked');
    });

    await t.step('a second check today replaces the first, and the home card says it is done', async () => {
      assert(contact, 'the contact is signed in');
      const p = contact.page;
      await p.getByTestId('temperature').fill('36.6');
      await p.getByTestId('symptom-cough').click();
      await p.getByTestId('submit-check').click();
      const check = p.getByTestId('check').first();
      await p.locator('[data-testid="check"][data-abnormal="false"]').waitFor();
      assert((await p.getByTestId('check').count()) === 1, 'still one check for today');
      const shown = await check.innerText();
      assert(shown.includes('36.6 °C') && shown.includes('无症状') && shown.includes('正常'), shown);
      assert((await p.getByTestId('today-abnormal').count()) === 0, 'the replaced check is no longer abnormal');
      await p.getByRole('button', { name: '返回' }).click();
      const card = p.getByTestId('observation-card');
      await p.locator('[data-testid="observation-card"][data-checked="true"]').waitFor();
      assert((await card.innerText()).includes('今天已打卡'), await card.innerText());
    });

    await t.step('elder mode: the card, the observation page and 同程查询 stay large and simple', async () => {
      assert(contact, 'the contact is signed in');
      const p = contact.page;
      await p.getByTestId('elder-switch').click();
      await p.getByTestId('home-elder-list').waitFor();
      await p.getByTestId('observation-card').waitFor();
      await contact.shot('home-elder');
      await axe(p, 'home elder with card');
      await p.getByTestId('observation-card').click();
      await p.getByTestId('check-form').waitFor();
      const size = await p.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
      assert(size >= 20, `base font size ${size}px should be ≥ 20px`);
      const button = await p.getByTestId('temperature-higher').boundingBox();
      assert(button && button.height >= 60, `stepper buttons should be large, got ${button?.height}`);
      await assertFits(p, 390, 'the elder observation form');
      await contact.shot('observation-elder');
      await axe(p, 'observation elder');
      await p.getByRole('button', { name: '返回' }).click();
      await p.getByTestId('entry-coTravel').click();
      await p.getByTestId('co-travel-number').locator('input').fill('CZ3456');
      await p.getByTestId('co-travel-submit').click();
      await p.getByTestId('co-travel-found').waitFor();
      await assertFits(p, 390, 'co-travel');
      await contact.shot('co-travel-elder');
      await axe(p, 'co-travel elder');
    });

    await t.step('the observation page in English', async () => {
      assert(contact, 'the contact is signed in');
      const p = contact.page;
      await p.goto('/m/observation');
      await p.getByTestId('locale-switch').click();
      await p.getByText('Observation period').waitFor();
      const shown = await p.getByTestId('check').first().innerText();
      assert(shown.includes('By you') && shown.includes('No symptoms'), `English history expected: ${shown}`);
      await contact.shot('observation-en');
      await axe(p, 'observation en');
      await contact.context.close();
    });

    await t.step('elder mode enlarges type, simplifies home and persists', async () => {
      await page.getByTestId('elder-switch').click();
      await page.getByTestId('home-elder-list').waitFor();
      assert(await page.evaluate(() => document.documentElement.classList.contains('elder')), 'html.elder expected');
      const size = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
      assert(size >= 20, `base font size ${size}px should be ≥ 20px`);
      await page.reload();
      await page.getByTestId('home-elder-list').waitFor();
      await t.screenshot('home-elder');
      await t.checkAccessibility('home elder');
      await page.getByTestId('entry-profile').click();
      await page.getByTestId('profile').waitFor();
      await t.screenshot('profile-elder');
      await page.goBack();
      await page.getByTestId('entry-healthCode').click();
      await page.getByTestId('qr').waitFor();
      await t.screenshot('code-elder');
      await t.checkAccessibility('health code elder');
      await page.goBack();
      await page.getByTestId('elder-switch').click();
      await page.getByTestId('home-grid').waitFor();
    });

    await t.step('switches to English and keeps it after reload', async () => {
      await page.getByTestId('locale-switch').click();
      await page.getByText('Hello,', { exact: false }).waitFor();
      assert((await page.getAttribute('html', 'lang')) === 'en', 'html lang should be en');
      await page.reload();
      await page.getByText('My profile').first().waitFor();
      await t.screenshot('home-en');
      await t.checkAccessibility('home en');
    });

    await t.step('API errors arrive in English after the switch', async () => {
      await page.getByTestId('entry-signOut').click();
      await page.getByTestId('sign-in').waitFor();
      await page.getByTestId('phone').locator('input').fill(PHONE);
      await page.getByTestId('code').locator('input').fill('000000');
      await page.getByTestId('sign-in').click();
      const error = await page.getByTestId('form-error').innerText();
      assert(/[A-Za-z]/.test(error) && !/[\u4e00-\u9fff]/.test(error), `English error expected, got: ${error}`);
      await t.screenshot('login-en-error');
      await t.checkAccessibility('login en');
    });
  },
});
