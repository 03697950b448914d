import { assert, assertFits, defineSuite } from '../../../packages/web-core/e2e/harness.ts';
import {
  devSmsCode,
  publishTrip,
  reportConfirmedCase,
  shanghaiDay,
  staffApi,
} from '../../../packages/web-core/e2e/staff-api.ts';

// Not the demo resident's number: the resident suite uses that one and codes may be re-sent only once a minute.
const PHONE = '13900139000';

export default defineSuite({
  name: 'portal',
  async run(t) {
    const { page } = t;

    await t.step('public home renders with links to the resident H5 and the console', async () => {
      await page.goto('/');
      await page.getByTestId('hero-title').waitFor();
      assert((await page.getByTestId('link-resident').getAttribute('href')) === '/m/', 'resident link should be /m/');
      assert(
        (await page.getByTestId('link-console').getAttribute('href')) === '/console/',
        'console link should be /console/',
      );
      const nav = await page.getByTestId('site-nav').innerText();
      assert(!nav.includes('我的账户'), `signed-out nav should not offer the account page: ${nav}`);
      await t.screenshot('home-zh');
      await t.checkAccessibility('home');
    });

    await t.step(
      '同程查询: reached from the landing page, a future date and a malformed number are refused',
      async () => {
        await page.getByTestId('link-co-travel').click();
        await page.getByTestId('co-travel-title').waitFor();
        const date = page.getByTestId('co-travel-date');
        assert((await date.inputValue()) === shanghaiDay(0), `today expected, got ${await date.inputValue()}`);
        await date.fill(shanghaiDay(-1));
        await page.getByTestId('co-travel-number').fill('G12#4');
        await page.getByTestId('co-travel-carriage').fill('31');
        await page.getByTestId('co-travel-submit').click();
        await page.getByText('乘坐日期不能晚于今天').waitFor();
        await page.getByText('请输入正确的车次或航班号，如 G1234、CZ3456').waitFor();
        await page.getByText('车厢号应为 1 到 30 之间的整数').waitFor();
        assert((await page.getByTestId('co-travel-found').count()) === 0, 'no answer may show for a refused form');
        await t.screenshot('co-travel-invalid');
        await t.checkAccessibility('co-travel invalid');
      },
    );

    await t.step('同程查询: a trip with no published case says so, and that it is no guarantee', async () => {
      await page.getByTestId('co-travel-date').fill(shanghaiDay(0));
      await page.getByTestId('co-travel-number').fill('G7001');
      await page.getByTestId('co-travel-carriage').fill('');
      await page.getByTestId('co-travel-submit').click();
      const none = page.getByTestId('co-travel-not-found');
      await none.waitFor();
      const text = await none.innerText();
      assert(text.includes('未查到已公布的病例行程') && text.includes('不代表绝对安全'), `not-found text: ${text}`);
      assert(text.includes(`${shanghaiDay(0)} G7001`), `the query should be repeated: ${text}`);
    });

    await t.step(
      '同程查询: a published trip is found, typed loosely, with its carriage, route and advice',
      async () => {
        const cdc = await staffApi(t.baseUrl, 'cdc');
        const caseId = await reportConfirmedCase(cdc, '门户同程测试');
        await publishTrip(cdc, caseId, {
          mode: 'train',
          number: 'G1234',
          date: shanghaiDay(0),
          carriage: 5,
          fromStation: '武汉',
          toStation: '北京',
        });
        await page.getByTestId('co-travel-number').fill(' g 1234 ');
        await page.getByTestId('co-travel-carriage').fill('5');
        await page.getByTestId('co-travel-submit').click();
        const found = page.getByTestId('co-travel-found');
        await found.waitFor();
        assert((await page.getByTestId('co-travel-number').inputValue()) === 'G1234', 'the number shows normalised');
        const trip = await found.getByTestId('co-travel-trip').first().innerText();
        for (const part of ['火车', 'G1234', shanghaiDay(0), '5 号车厢', '武汉 → 北京'])
          assert(trip.includes(part), `"${part}" expected in the trip: ${trip}`);
        const advice = await found.getByTestId('co-travel-advice').innerText();
        assert(advice.includes('社区') && advice.includes('居家') && advice.includes('12320'), `advice: ${advice}`);
        assert(
          (await found.getByTestId('co-travel-call').getAttribute('href')) === 'tel:12320',
          'a tel: link to 12320',
        );
        await t.screenshot('co-travel-found');
        await t.checkAccessibility('co-travel found');
        // Another carriage of the same train was not where the case sat.
        await page.getByTestId('co-travel-carriage').fill('6');
        await page.getByTestId('co-travel-submit').click();
        await page.getByTestId('co-travel-not-found').waitFor();
        await page.setViewportSize({ width: 390, height: 844 });
        await page.getByTestId('co-travel-carriage').fill('');
        await page.getByTestId('co-travel-submit').click();
        await page.getByTestId('co-travel-found').waitFor();
        await assertFits(page, 390, 'the co-travel page');
        await t.screenshot('co-travel-found-phone');
        await page.setViewportSize({ width: 1280, height: 800 });
        await page.getByTestId('nav-home').click();
        await page.getByTestId('hero-title').waitFor();
      },
    );

    await t.step('region search finds a district by name', async () => {
      await page.getByTestId('region-q').fill('江汉');
      await page.getByTestId('region-search').click();
      await page.getByTestId('region-results').getByText('420103', { exact: true }).waitFor();
      const text = await page.getByTestId('region-results').innerText();
      assert(text.includes('江汉区') && text.includes('区县'), `expected 江汉区 (区县) in ${text}`);
      await t.screenshot('region-search-zh');
      await t.checkAccessibility('region search');
    });

    await t.step('switches to English', async () => {
      await page.getByTestId('locale-switch').click();
      await page.getByText('Get started').waitFor();
      assert((await page.getAttribute('html', 'lang')) === 'en', 'html lang should be en');
      await page.getByTestId('region-search').click();
      await page.getByTestId('region-results').getByText('District').first().waitFor();
      await t.screenshot('home-en');
      await t.checkAccessibility('home en');
    });

    await t.step('同程查询 in English from the navigation', async () => {
      await page.getByTestId('nav-coTravel').click();
      await page.getByTestId('co-travel-number').fill('G1234');
      await page.getByTestId('co-travel-submit').click();
      const found = page.getByTestId('co-travel-found');
      await found.getByRole('heading', { name: 'A case travelled on this trip' }).waitFor();
      const trip = await found.getByTestId('co-travel-trip').first().innerText();
      assert(trip.includes('Train') && trip.includes('Carriage 5'), `English trip expected: ${trip}`);
      await t.screenshot('co-travel-en');
      await t.checkAccessibility('co-travel en');
      await page.getByTestId('nav-home').click();
      await page.getByTestId('hero-title').waitFor();
    });

    await t.step('a resident signs in and gets role-based navigation', async () => {
      await page.getByTestId('nav-sign-in').click();
      await page.getByTestId('phone').fill(PHONE);
      await page.getByTestId('send-code').click();
      await page.getByText(/Resend in/).waitFor();
      await page.getByTestId('code').fill(await devSmsCode(t.baseUrl, PHONE));
      await t.checkAccessibility('login en');
      await page.getByTestId('sign-in').click();
      await page.getByTestId('account-title').waitFor();
      const nav = await page.getByTestId('site-nav').innerText();
      assert(nav.includes('My account') && nav.includes('Resident services'), `resident nav expected: ${nav}`);
      assert(!nav.includes('Staff console'), `resident should not get the console link: ${nav}`);
      await page.getByTestId('no-record').or(page.getByTestId('account-record')).waitFor();
      await t.screenshot('account-en');
      await t.checkAccessibility('account');
    });

    await t.step('signs out back to the public home', async () => {
      await page.getByTestId('sign-out').click();
      await page.getByTestId('hero-title').waitFor();
      await page.getByTestId('nav-sign-in').waitFor();
    });
  },
});
