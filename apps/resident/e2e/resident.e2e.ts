import { assert, defineSuite } from '../../../packages/web-core/e2e/harness.ts';

const PHONE = '13800138000';

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
      const res = await page.request.get(`${t.baseUrl}/api/v1/identity/dev/sms-inbox`);
      assert(res.ok(), `dev inbox answered ${res.status()}`);
      const { items } = (await res.json()) as { items: { phone: string; code: string }[] };
      const mine = items.find((i) => i.phone === '138****8000');
      assert(mine, `no code for 138****8000 in ${JSON.stringify(items)}`);
      code = mine.code;
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
