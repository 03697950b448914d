import { assert, defineSuite } from '../../../packages/web-core/e2e/harness.ts';

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

    await t.step('a resident signs in and gets role-based navigation', async () => {
      await page.getByTestId('nav-sign-in').click();
      await page.getByTestId('phone').fill(PHONE);
      await page.getByTestId('send-code').click();
      await page.getByText(/Resend in/).waitFor();
      const res = await page.request.get(`${t.baseUrl}/api/v1/identity/dev/sms-inbox`);
      const { items } = (await res.json()) as { items: { phone: string; code: string }[] };
      const mine = items.find((i) => i.phone === '139****9000');
      assert(mine, `no code for 139****9000 in ${JSON.stringify(items)}`);
      await page.getByTestId('code').fill(mine.code);
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
